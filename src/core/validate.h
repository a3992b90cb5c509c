// Validation rules of capacity input and of a region file's content.
// Pure functions; every violation is returned, each naming its field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/types.h"

namespace ozcc {

inline constexpr std::int64_t kMaxCount = 100000;  // sanity bound on any count
inline constexpr std::int64_t kMaxCrowding = 200;
inline constexpr std::int64_t kMaxFutureSkewMs = 5 * 60 * 1000;
inline constexpr size_t kMaxNoteBytes = 2000;

// An id of the data model (regions, organisations, units, cases, pathways):
// 1–64 characters of A–Z, a–z, 0–9, '-', '_', '.'.
bool ValidId(std::string_view id);
inline constexpr std::string_view kIdRuleMsg = "must be 1–64 characters of A–Z, a–z, 0–9, '-', '_', '.'";

// The one message of the bed rule below, on field "available".
inline constexpr std::string_view kOccupiedPlusAvailableMsg = "occupied + available must not exceed staffed";

// The bed rules, for every input path (PUT, batch, CSV, FHIR, the web form's
// copy in web/src/lib/validation.ts). Field names are "total", "staffed",
// "occupied", "available" prefixed with `prefix` (e.g. "items[2].beds.").
// Rules: counts 0..kMaxCount; staffed ≤ total; occupied ≤ total; and, when
// any bed is available, occupied + available ≤ staffed (one message, on
// available). Occupied may exceed staffed (overflow, up to the total), but
// then none are available.
std::vector<FieldError> ValidateBeds(const Beds& b, const std::string& prefix = "");

// Checks one input for a unit of `type` at time `now`. Field names are
// prefixed with `prefix` (e.g. "items[2]."). Rules: the bed rules above on
// "beds."; ED counts (and arrivals, when given) 0..kMaxCount and crowding 0–200; as_of ≤ now + 5 min;
// beds only where the unit type has beds, ed only where it has an ED/queue;
// at least one of beds/ed; note ≤ 2000 bytes. tests/cases/capacity_rules.json
// holds the cases that core and the web must decide alike.
std::vector<FieldError> ValidateCapacity(const CapacityInput& in, UnitType type, Time now,
                                         const std::string& prefix = "");

// Checks ids, references and uniqueness in a region. Field names are JSON
// paths such as "organizations[3].subregion_id".
std::vector<FieldError> ValidateRegion(const RegionData& data);

}  // namespace ozcc
