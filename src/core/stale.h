// Data age and staleness. A unit is stale when it never reported, or when its
// last report's as_of is older than twice its expected update interval.
#pragma once

#include <cstdint>
#include <optional>

#include "base/time.h"

namespace ozcc {

// Age in whole seconds of a report taken at `as_of`, seen at `now`; never negative.
std::int64_t AgeSeconds(Time as_of, Time now);

bool IsStale(std::optional<Time> last_as_of, std::int64_t expected_interval_s, Time now);

}  // namespace ozcc
