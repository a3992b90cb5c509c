// Sign-in back-off per key (an account, an address): after `free_failures`
// failures in a row, each further attempt must wait, the wait doubling per
// failure from `first_wait` up to `max_wait`. A success resets the key; a
// key idle for `forget_after` is forgotten. Pure (time is passed in); not
// thread-safe — the caller serialises.
#pragma once

#include <chrono>
#include <cstddef>
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

}  // namespace ozcc
