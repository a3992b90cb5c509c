#include "core/login_throttle.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ozcc {

std::chrono::milliseconds LoginThrottle::WaitFor(const std::string& key, Time now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now - it->second.last_failure > options_.forget_after) {
    return std::chrono::milliseconds{0};
  }
  return std::max(std::chrono::milliseconds{0}, it->second.allowed_from - now);
}

void LoginThrottle::RecordFailure(const std::string& key, Time now) {
  if (entries_.size() >= options_.max_keys && !entries_.count(key)) {
    // Drop the older half (by last failure) to bound memory.
    std::vector<std::pair<Time, std::string>> by_age;
    by_age.reserve(entries_.size());
    for (const auto& [k, e] : entries_) by_age.emplace_back(e.last_failure, k);
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(by_age.size() / 2), by_age.end());
    for (size_t i = 0; i < by_age.size() / 2; ++i) entries_.erase(by_age[i].second);
  }
  Entry& e = entries_[key];
  if (e.failures > 0 && now - e.last_failure > options_.forget_after) e = Entry{};
  e.failures++;
  e.last_failure = now;
  const int over = e.failures - options_.free_failures;
  if (over >= 0) {
    const std::chrono::milliseconds wait = options_.first_wait * (std::int64_t{1} << std::min(over, 30));
    e.allowed_from = now + std::min(wait, options_.max_wait);
  }
}

void LoginThrottle::RecordSuccess(const std::string& key) { entries_.erase(key); }

std::optional<std::int64_t> ThrottleSampler::Note(const std::string& key, Time now) {
  auto it = windows_.find(key);
  if (it != windows_.end() && now - it->second.start < window_) {
    ++it->second.unrecorded;
    return std::nullopt;
  }
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      std::vector<std::pair<Time, std::string>> by_age;
      by_age.reserve(windows_.size());
      for (const auto& [k, w] : windows_) by_age.emplace_back(w.start, k);
      std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(by_age.size() / 2), by_age.end());
      for (size_t i = 0; i < by_age.size() / 2; ++i) windows_.erase(by_age[i].second);
    }
    it = windows_.emplace(key, Window{}).first;
  }
  const std::int64_t before = it->second.unrecorded;
  it->second = Window{now, 0};
  return before;
}

}  // namespace ozcc
