#include "core/stale.h"

namespace ozcc {

std::int64_t AgeSeconds(Time as_of, Time now) {
  auto ms = ToUnixMillis(now) - ToUnixMillis(as_of);
  return ms <= 0 ? 0 : ms / 1000;
}

bool IsStale(std::optional<Time> last_as_of, std::int64_t expected_interval_s, Time now) {
  if (!last_as_of) return true;
  return ToUnixMillis(now) - ToUnixMillis(*last_as_of) > 2 * expected_interval_s * 1000;
}

}  // namespace ozcc
