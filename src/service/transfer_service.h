// Transfers of patients between units (docs/transfers.md): create one, take
// it through its states (core/transfers.h kTransferSteps), the board of a
// region or an organisation, a transfer with its timeline, and its patient
// under NEN 7513 (sealed as a case's, every access logged). On arrival, in
// the same transaction, the receiving and the sending unit get a capacity
// report of source `transfer`. Transport-neutral; thread-safe.
//
// Who may (core/authz.h): creating and cancelling is the sending side's
// (kWorkTransfers for the sending organisation), accepting, declining and
// confirming the arrival the receiving side's, planning and marking en route
// either side's; region coordinators and admins pass every one of these
// checks in their region. Reading: kReadTransfers for either side's
// organisation (a viewer of the region too). The patient: kReadPatient for
// either side's organisation (the zcc-coordinator of the region). Refusals of
// changes are audited; every patient access (and refused attempt) is logged.
//
// Concurrency: a step names the version it changes (`if_match`, the ETag):
// nullopt → kPreconditionRequired; not the current one → kPreconditionFailed;
// an illegal step → kConflict naming from and to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cases.h"
#include "core/transfers.h"
#include "service/caller.h"
#include "service/capacity_service.h"
#include "service/phase_service.h"
#include "store/audit_store.h"
#include "store/case_store.h"
#include "store/region_store.h"
#include "store/transfer_store.h"

namespace ozcc::service {

class PatientSeal;

// Told of every committed change of a transfer, after its commit (live
// streams). The change carries no patient data.
class TransferListener {
 public:
  virtual ~TransferListener() = default;
  virtual void TransferChanged(const TransferChange& change) = 0;
};

struct TransferView {
  Transfer transfer;
  std::vector<TransferEvent> timeline;  // oldest first
  // What the write could not do: an arrival at or from a unit without a
  // capacity report ("unit X has no capacity report: none was written").
  std::vector<std::string> notes;
  std::vector<CapacityReport> reports;  // the arrival's capacity reports
};

struct TransferStepInput {
  TransferState to = TransferState::kRequested;
  std::string reason;
  std::optional<Time> at;          // when it happened; default now
  std::optional<Time> planned_at;  // a step to planned: when the move will happen (else the request's stays)
};

struct TransferListQuery {
  std::string region_id;        // empty: the caller's region
  std::string organization_id;  // empty: the whole region (an organisation's user: its own)
  TransferQuery::States states = TransferQuery::States::kOpen;
  size_t limit = 500;
};

class TransferService {
 public:
  // `capacity`: told of the arrival's capacity reports as of any capacity
  // write (the live picture, SSE). `seal`: null when the server has no
  // patient key (a patient is then refused, everything else works).
  // `phases`: whether a new transfer awaits the coordinator's approval
  // (ApprovalForNewTransfer).
  TransferService(TransferStore& transfers, RegionStore& regions, CaseStore& cases, AuditStore& audit,
                  PhaseStore& phases, CapacityListener& capacity, TransferListener& listener,
                  std::shared_ptr<const PatientSeal> seal);

  bool has_patient_key() const { return seal_ != nullptr; }

  // Told of every committed step of a transfer, after the listener, with the
  // actor's name (a follow-up placement's transfer places the patient on
  // arrival: PlacementService::TransferStepped). Set once, before serving;
  // a failing hook is logged, the step stands.
  using StepHook = std::function<Status(const Transfer&, const std::string& actor)>;
  void SetStepHook(StepHook hook) { step_hook_ = std::move(hook); }

  // kInvalid naming the fields (ValidateNewTransfer; an organisation not of
  // the region, a unit not of its organisation, a receiving unit not of the
  // care type, a case not of the region, a patient per ValidatePatient or on
  // a server without a patient key); kNotFound (region); kForbidden.
  Result<TransferView> Create(const Caller& caller, NewTransfer in, std::optional<Patient> patient);
  Result<TransferView> Get(const Caller& caller, const std::string& id);
  Result<std::vector<Transfer>> List(const Caller& caller, TransferListQuery query);
  // kConflict also for a step that moves the patient while the transfer
  // awaits the coordinator's approval (CheckApproved).
  Result<TransferView> Transition(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match,
                                  const TransferStepInput& in);
  // The coordinator's approval of a transfer that awaits it (a region in
  // crisis, core/phase.h): kLeadRegion of its region; kConflict when it does
  // not await approval or is final; If-Match as a step.
  Result<TransferView> Approve(const Caller& caller, const std::string& id, std::optional<std::int64_t> if_match);
  // The transfer's patient, logged (patient.read). kNotFound when it has
  // none; kUnavailable without a patient key; kForbidden.
  Result<Patient> ReadPatient(const Caller& caller, const std::string& id, const std::string& purpose);

  // Transfers a FHIR Task search returns: those from or to each organisation
  // in `owners` the caller may read (kReadTransfers), newest first, at most
  // limit each; without owners, the open transfers of each region the caller
  // may read.
  Result<std::vector<Transfer>> Search(const Caller& caller, const std::vector<std::string>& region_ids,
                                       const std::optional<std::vector<std::string>>& owners, size_t limit);

 private:
  bool MayRead(const Caller& caller, const Transfer& t) const;
  Status CheckUnit(const RegionData& tree, const std::string& org, const std::string& unit, const std::string& field,
                   std::optional<UnitType> type);
  PatientAccess AccessOf(const Caller& caller, std::string action, std::string purpose, std::string outcome) const;

  TransferStore& transfers_;
  RegionStore& regions_;
  PhaseStore& phases_;
  CaseStore& cases_;
  AuditStore& audit_;
  CapacityListener& capacity_;
  TransferListener& listener_;
  std::shared_ptr<const PatientSeal> seal_;
  StepHook step_hook_;
};

}  // namespace ozcc::service
