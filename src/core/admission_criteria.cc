#include "core/admission_criteria.h"

#include <algorithm>

namespace ozcc {

std::string_view ToString(CareType t) {
  switch (t) {
    case CareType::kElvLow: return "elv-low";
    case CareType::kElvHigh: return "elv-high";
    case CareType::kElvPalliative: return "elv-palliative";
    case CareType::kVvtCrisis: return "vvt-crisis";
    case CareType::kGrz: return "grz";
    case CareType::kGgz: return "ggz";
  }
  return "?";
}

std::optional<CareType> ParseCareType(std::string_view s) {
  for (CareType t : kAllCareTypes) {
    if (ToString(t) == s) return t;
  }
  return std::nullopt;
}

std::string_view ToString(Mobility m) {
  switch (m) {
    case Mobility::kIndependent: return "independent";
    case Mobility::kAid: return "aid";
    case Mobility::kBedbound: return "bedbound";
  }
  return "?";
}

std::optional<Mobility> ParseMobility(std::string_view s) {
  for (Mobility m : kAllMobility) {
    if (ToString(m) == s) return m;
  }
  return std::nullopt;
}

std::vector<FieldError> ValidateAdmissionCriteria(const AdmissionCriteria& c, const std::string& prefix) {
  std::vector<FieldError> errs;
  for (size_t i = 0; i < c.care_types.size(); ++i) {
    if (std::find(c.care_types.begin(), c.care_types.begin() + static_cast<std::ptrdiff_t>(i), c.care_types[i]) !=
        c.care_types.begin() + static_cast<std::ptrdiff_t>(i)) {
      errs.push_back({prefix + "care_types[" + std::to_string(i) + "]",
                      "duplicate care type " + std::string(ToString(c.care_types[i]))});
    }
  }
  if (c.max_weight_kg && (*c.max_weight_kg < 1 || *c.max_weight_kg > kMaxWeightKg)) {
    errs.push_back({prefix + "max_weight_kg", "must be between 1 and " + std::to_string(kMaxWeightKg)});
  }
  auto age = [&](const std::optional<std::int64_t>& v, const char* name) {
    if (v && (*v < 0 || *v > kMaxPatientAgeYears)) {
      errs.push_back({prefix + name, "must be between 0 and " + std::to_string(kMaxPatientAgeYears)});
      return false;
    }
    return true;
  };
  const bool min_ok = age(c.age_min, "age_min");
  const bool max_ok = age(c.age_max, "age_max");
  if (min_ok && max_ok && c.age_min && c.age_max && *c.age_min > *c.age_max) {
    errs.push_back({prefix + "age_max", "must not be below age_min"});
  }
  return errs;
}

}  // namespace ozcc
