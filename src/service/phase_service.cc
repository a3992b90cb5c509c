#include "service/phase_service.h"

namespace ozcc::service {

PhaseService::PhaseService(PhaseStore& phases, AuditStore& audit, PhaseListener& listener)
    : phases_(phases), audit_(audit), listener_(listener) {}

Result<PhaseView> PhaseService::Read(const std::string& region_id) {
  auto history = phases_.PhaseHistory(region_id, kPhaseHistory);
  if (!history.ok()) return history.status();
  PhaseView v;
  v.current.region_id = region_id;
  if (!history->empty()) v.current = history->front();
  v.history = std::move(history).value();
  return v;
}

Result<PhaseView> PhaseService::Get(const Caller& caller, const std::string& region_id) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {region_id, ""}, "phase.read", region_id));
  return Read(region_id);
}

Result<PhaseView> PhaseService::Declare(const Caller& caller, const std::string& region_id,
                                        std::optional<std::int64_t> if_match, const NewPhase& in) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kLeadRegion, {region_id, ""}, "phase.declare", region_id));
  auto errors = ValidateNewPhase(in);
  if (!errors.empty()) return Status::Invalid("the declaration is not valid; nothing was stored", errors);
  if (!if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the phase's current ETag (\"0\" when none was declared): a declaration names "
                  "the one it replaces");
  }
  if (*if_match < 0) return Status::PreconditionFailed("If-Match names no version of the phase of " + region_id);
  PhaseDeclaration d;
  d.region_id = region_id;
  d.phase = *ParseRegionPhase(in.phase);
  d.transfer_approval = in.transfer_approval.value_or(d.phase == RegionPhase::kCrisis);
  d.rationale = in.rationale;
  d.declared_by = caller.who.name;
  d.declared_at = Now();
  const std::string detail = std::string(ToString(d.phase)) + (d.transfer_approval ? " transfer-approval" : "");
  auto stored =
      phases_.DeclarePhase(std::move(d), *if_match, {AuditOf(caller, "phase.declare", region_id, "ok", detail)});
  if (!stored.ok()) return stored.status();
  listener_.PhaseDeclared(*stored);
  return Read(region_id);
}

Result<TransferApproval> ApprovalForNewTransfer(PhaseStore& phases, const std::string& region_id) {
  auto latest = phases.PhaseHistory(region_id, 1);
  if (!latest.ok()) return latest.status();
  return !latest->empty() && NeedsApproval(latest->front()) ? TransferApproval::kPending
                                                            : TransferApproval::kNotRequired;
}

}  // namespace ozcc::service
