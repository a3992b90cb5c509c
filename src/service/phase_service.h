// The phase a region declares itself in (core/phase.h, docs/transfers.md
// "Approval in a crisis"): read it with its history, declare a new one.
// Transport-neutral; thread-safe.
//
// Who may (core/authz.h): reading, whoever may read the region
// (kReadRegion); declaring, the region's coordinators and admins
// (kLeadRegion), refusals audited. A declaration names the version it
// replaces (`if_match`, 0 for a region never declared): nullopt →
// kPreconditionRequired, another one → kPreconditionFailed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/phase.h"
#include "core/transfers.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/phase_store.h"

namespace ozcc::service {

// Told of every committed declaration (live streams).
class PhaseListener {
 public:
  virtual ~PhaseListener() = default;
  virtual void PhaseDeclared(const PhaseChange& change) = 0;
};

struct PhaseView {
  PhaseDeclaration current;               // version 0: never declared (regular, no approval)
  std::vector<PhaseDeclaration> history;  // newest first, at most kPhaseHistory
};

inline constexpr size_t kPhaseHistory = 20;

class PhaseService {
 public:
  PhaseService(PhaseStore& phases, AuditStore& audit, PhaseListener& listener);

  // kNotFound (region), kForbidden.
  Result<PhaseView> Get(const Caller& caller, const std::string& region_id);
  // kInvalid naming the fields (ValidateNewPhase), kNotFound, kForbidden,
  // kPreconditionRequired / kPreconditionFailed.
  Result<PhaseView> Declare(const Caller& caller, const std::string& region_id, std::optional<std::int64_t> if_match,
                            const NewPhase& in);

 private:
  Result<PhaseView> Read(const std::string& region_id);

  PhaseStore& phases_;
  AuditStore& audit_;
  PhaseListener& listener_;
};

// The approval a transfer created now in the region starts with: kPending
// when its current phase requires the coordinator's approval, else
// kNotRequired (a plan the coordinator approves makes its transfers
// approved: the spreading service's business).
Result<TransferApproval> ApprovalForNewTransfer(PhaseStore& phases, const std::string& region_id);

}  // namespace ozcc::service
