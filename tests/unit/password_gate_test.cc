// PasswordGate: at most `slots` password hashes at once; callers that find
// no free slot in time are refused without running.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "api/auth.h"

namespace ozcc::api {
namespace {

TEST(PasswordGateTest, RunsAtMostSlotsAtOnce) {
  PasswordGate gate(2);
  std::atomic<int> now = 0, most = 0, ran = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {  // 2 run, 6 wait (up to 4 × 2 may)
    threads.emplace_back([&] {
      EXPECT_TRUE(gate.Run([&] {
        int n = ++now;
        for (int m = most; n > m && !most.compare_exchange_weak(m, n);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --now;
        ++ran;
      }));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ran, 8);
  EXPECT_LE(most, 2);
  EXPECT_LE(gate.peak(), 2u);
  EXPECT_EQ(gate.refused(), 0u);
}

TEST(PasswordGateTest, RefusesWhenNoSlotComesFreeInTime) {
  PasswordGate gate(1, std::chrono::milliseconds(50));
  std::promise<void> holding, release;
  auto holder = std::async(std::launch::async, [&] {
    return gate.Run([&] {
      holding.set_value();
      release.get_future().wait();
    });
  });
  holding.get_future().wait();  // the only slot is taken
  bool ran = false;
  EXPECT_FALSE(gate.Run([&] { ran = true; }));
  EXPECT_FALSE(ran);
  EXPECT_EQ(gate.refused(), 1u);
  release.set_value();
  EXPECT_TRUE(holder.get());
  EXPECT_TRUE(gate.Run([&] { ran = true; }));  // free again
  EXPECT_TRUE(ran);
}

TEST(PasswordGateTest, DefaultsToTheHardwareThreadsAndAtLeastTwo) {
  EXPECT_GE(PasswordGate().slots(), 2u);
  EXPECT_GE(PasswordGate().slots(), std::thread::hardware_concurrency());
  EXPECT_EQ(PasswordGate(3).slots(), 3u);
}

}  // namespace
}  // namespace ozcc::api
