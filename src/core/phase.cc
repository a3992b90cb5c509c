#include "core/phase.h"

#include "core/cases.h"

namespace ozcc {

std::string_view ToString(RegionPhase p) {
  switch (p) {
    case RegionPhase::kRegular: return "regular";
    case RegionPhase::kAdjusted: return "adjusted";
    case RegionPhase::kCrisis: return "crisis";
  }
  return "regular";
}

std::optional<RegionPhase> ParseRegionPhase(std::string_view s) {
  for (RegionPhase p : {RegionPhase::kRegular, RegionPhase::kAdjusted, RegionPhase::kCrisis}) {
    if (ToString(p) == s) return p;
  }
  return std::nullopt;
}

std::vector<FieldError> ValidateNewPhase(const NewPhase& in) {
  std::vector<FieldError> errs;
  const auto phase = ParseRegionPhase(in.phase);
  if (!phase) errs.push_back({"phase", "must be one of regular, adjusted, crisis"});
  for (FieldError& e : ValidateReason(in.rationale, "rationale")) errs.push_back(std::move(e));
  if (phase && *phase != RegionPhase::kCrisis && in.transfer_approval.value_or(false)) {
    errs.push_back({"transfer_approval", "may only be true in the crisis phase"});
  }
  return errs;
}

}  // namespace ozcc
