// Admission criteria of a follow-up care unit (ELV, VVT, GRZ, GGZ beds;
// docs/placement.md): the care types it takes and the patient profile it can
// care for. They are data in the region file (units[i].criteria), stored with
// the region tree and read by placement matching (core/placement_match.h).
// Plain data and its validation; pure, no I/O.
//
// Meaning of an absent value: care_types empty = the care type of the unit's
// own type (PlacementCareTypeOf in core/placement.h); dementia, isolation,
// oxygen absent = not accepted (a unit says what it can do); max_weight_kg,
// mobility, age_min, age_max absent = no limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ozcc {

// The care a patient in follow-up placement needs. Wire names "elv-low",
// "elv-high", "elv-palliative", "vvt-crisis", "grz" (geriatric
// rehabilitation), "ggz" (mental health care).
enum class CareType { kElvLow, kElvHigh, kElvPalliative, kVvtCrisis, kGrz, kGgz };
inline constexpr CareType kAllCareTypes[] = {CareType::kElvLow,    CareType::kElvHigh, CareType::kElvPalliative,
                                             CareType::kVvtCrisis, CareType::kGrz,     CareType::kGgz};
std::string_view ToString(CareType t);
std::optional<CareType> ParseCareType(std::string_view s);

// How much help a patient needs to move, from least to most dependent:
// "independent" < "aid" (walker, wheelchair, help of one) < "bedbound"
// (lifted, hoist). A unit's `mobility` is the most dependent it accepts.
enum class Mobility { kIndependent, kAid, kBedbound };
inline constexpr Mobility kAllMobility[] = {Mobility::kIndependent, Mobility::kAid, Mobility::kBedbound};
std::string_view ToString(Mobility m);
std::optional<Mobility> ParseMobility(std::string_view s);

inline constexpr std::int64_t kMaxWeightKg = 500;         // bound on any weight, kg
inline constexpr std::int64_t kMaxPatientAgeYears = 130;  // bound on any age, years

struct AdmissionCriteria {
  std::vector<CareType> care_types;  // empty: the unit type's own
  std::optional<bool> dementia;      // accepts patients with dementia
  std::optional<bool> isolation;     // can nurse a patient in isolation
  std::optional<bool> oxygen;        // can give oxygen
  std::optional<std::int64_t> max_weight_kg;
  std::optional<Mobility> mobility;  // the most dependent accepted
  std::optional<std::int64_t> age_min;
  std::optional<std::int64_t> age_max;
  bool operator==(const AdmissionCriteria&) const = default;
};

// Rules: care_types without duplicates; max_weight_kg 1..kMaxWeightKg;
// age_min, age_max 0..kMaxPatientAgeYears and age_min ≤ age_max. Field names are
// prefixed with `prefix` (e.g. "units[3].criteria.").
std::vector<FieldError> ValidateAdmissionCriteria(const AdmissionCriteria& c, const std::string& prefix = "");

}  // namespace ozcc
