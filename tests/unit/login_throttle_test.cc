// Sign-in back-off: free failures, doubling waits up to a cap, reset on
// success, forgetting idle keys.
#include "core/login_throttle.h"

#include <gtest/gtest.h>

namespace ozcc {
namespace {

using std::chrono::milliseconds;

const Time kT0 = *ParseRfc3339("2026-11-26T12:00:00Z");

TEST(LoginThrottle, FreeFailuresThenDoublingWaits) {
  LoginThrottle t(LoginThrottleOptions{.free_failures = 3, .first_wait = milliseconds(1000)});
  for (int i = 0; i < 2; ++i) {
    t.RecordFailure("u", kT0);
    EXPECT_EQ(t.WaitFor("u", kT0).count(), 0) << "failure " << i + 1 << " is free";
  }
  t.RecordFailure("u", kT0);  // the third: now 1 s
  EXPECT_EQ(t.WaitFor("u", kT0), milliseconds(1000));
  EXPECT_EQ(t.WaitFor("u", kT0 + milliseconds(400)), milliseconds(600));
  EXPECT_EQ(t.WaitFor("u", kT0 + milliseconds(1000)).count(), 0);
  t.RecordFailure("u", kT0 + milliseconds(1000));  // fourth: 2 s
  EXPECT_EQ(t.WaitFor("u", kT0 + milliseconds(1000)), milliseconds(2000));
  EXPECT_EQ(t.WaitFor("other", kT0).count(), 0) << "keys are independent";
}

TEST(LoginThrottle, WaitIsCapped) {
  LoginThrottle t(
      LoginThrottleOptions{.free_failures = 1, .first_wait = milliseconds(1000), .max_wait = milliseconds(5000)});
  for (int i = 0; i < 40; ++i) t.RecordFailure("u", kT0);
  EXPECT_EQ(t.WaitFor("u", kT0), milliseconds(5000));
}

TEST(LoginThrottle, SuccessResetsAndIdleKeysAreForgotten) {
  LoginThrottle t(LoginThrottleOptions{.free_failures = 1, .forget_after = milliseconds(60000)});
  t.RecordFailure("u", kT0);
  EXPECT_GT(t.WaitFor("u", kT0).count(), 0);
  t.RecordSuccess("u");
  EXPECT_EQ(t.WaitFor("u", kT0).count(), 0);
  t.RecordFailure("v", kT0);
  EXPECT_EQ(t.WaitFor("v", kT0 + milliseconds(60001)).count(), 0);
  t.RecordFailure("v", kT0 + milliseconds(60001));  // counts from one again
  EXPECT_EQ(t.WaitFor("v", kT0 + milliseconds(60001)), milliseconds(1000));
}

TEST(LoginThrottle, MemoryIsBounded) {
  LoginThrottle t(LoginThrottleOptions{.free_failures = 1, .max_keys = 100});
  for (int i = 0; i < 1000; ++i) t.RecordFailure("k" + std::to_string(i), kT0 + milliseconds(i));
  EXPECT_GT(t.WaitFor("k999", kT0 + milliseconds(999)).count(), 0) << "the newest key is kept";
  EXPECT_EQ(t.WaitFor("k0", kT0 + milliseconds(999)).count(), 0) << "the oldest was dropped";
}

}  // namespace
}  // namespace ozcc
