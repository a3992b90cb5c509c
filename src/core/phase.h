// The phase a region declares itself in (seed 000, Crisis Standards of
// Care): regular care, adjusted care (the regional continuity plan applies)
// or crisis care. A coordinator declares it with a rationale; the
// declarations are kept as a history. In a crisis the region may require
// that the coordinator approves every transfer (docs/transfers.md
// "Approval in a crisis"). Pure: no I/O, no clock read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace ozcc {

// Wire names "regular", "adjusted", "crisis".
enum class RegionPhase { kRegular, kAdjusted, kCrisis };

std::string_view ToString(RegionPhase p);
std::optional<RegionPhase> ParseRegionPhase(std::string_view s);

// One declaration of a region's phase. A region never declared is regular,
// without approval (version 0).
struct PhaseDeclaration {
  std::string region_id;
  RegionPhase phase = RegionPhase::kRegular;
  bool transfer_approval = false;  // every new transfer awaits the coordinator's approval
  std::string rationale;
  std::string declared_by;
  std::optional<Time> declared_at;  // nullopt: never declared
  std::int64_t version = 0;         // 1 for the first declaration, +1 for each next
  bool operator==(const PhaseDeclaration&) const = default;
};

// What a coordinator asks for (after parsing). `transfer_approval` absent:
// on in a crisis, off otherwise.
struct NewPhase {
  std::string phase;  // wire name
  std::string rationale;
  std::optional<bool> transfer_approval;
};

// Rules: phase one of the three wire names; rationale required, ≤ 1000 bytes
// (ValidateReason's rule, on "rationale"); transfer_approval true only in a
// crisis. Every violation named by its field.
std::vector<FieldError> ValidateNewPhase(const NewPhase& in);

// Whether a transfer created under `current` awaits the coordinator's approval.
inline bool NeedsApproval(const PhaseDeclaration& current) {
  return current.phase == RegionPhase::kCrisis && current.transfer_approval;
}

}  // namespace ozcc
