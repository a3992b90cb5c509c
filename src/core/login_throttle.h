// Sign-in back-off per key (an account, an address): after `free_failures`
// failures in a row, each further attempt must wait, the wait doubling per
// failure from `first_wait` up to `max_wait`. A success resets the key; a
// key idle for `forget_after` is forgotten. Pure (time is passed in); not
// thread-safe — the caller serialises.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/time.h"

namespace ozcc {

struct LoginThrottleOptions {
  int free_failures = 5;
  std::chrono::milliseconds first_wait{1000};
  std::chrono::milliseconds max_wait{15 * 60 * 1000};
  std::chrono::milliseconds forget_after{60 * 60 * 1000};
  std::size_t max_keys = 100000;  // memory bound; the oldest half is dropped beyond it
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}
  // How long the key must still wait before it may try again (0: it may).
  std::chrono::milliseconds WaitFor(const std::string& key, Time now) const;
  void RecordFailure(const std::string& key, Time now);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Time last_failure{};
    Time allowed_from{};
  };
  LoginThrottleOptions options_;
  std::unordered_map<std::string, Entry> entries_;
};

// Which refused (throttled) sign-ins to audit: the first per key in each
// `window`; the others are only counted, and the count goes with the next
// one recorded. An attacker who keeps trying while held back adds one record
// per window, not one per attempt. At most `max_keys` keys are kept (the
// oldest half is dropped beyond; their counts are lost). Pure; not
// thread-safe — the caller serialises.
class ThrottleSampler {
 public:
  explicit ThrottleSampler(std::chrono::milliseconds window = std::chrono::minutes(1), std::size_t max_keys = 10000)
      : window_(window), max_keys_(max_keys) {}
  // nullopt: do not record this attempt (it is counted). Otherwise record it;
  // the value is how many attempts of the key were not recorded before it.
  std::optional<std::int64_t> Note(const std::string& key, Time now);

 private:
  struct Window {
    Time start{};
    std::int64_t unrecorded = 0;
  };
  std::chrono::milliseconds window_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace ozcc
