#include "service/transfer_service.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "core/validate.h"
#include "service/patient_seal.h"

namespace ozcc::service {

namespace {

// Opaque, unguessable ids: "t-" and 16 random hex digits (a FHIR Task id
// apart from the handovers' "h-").
std::string NewTransferId() {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  char hex[2 * sizeof b + 1];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string("t-") + hex;
}

bool Allowed(const Caller& caller, Action action, const std::string& region, const std::string& org) {
  return Authorize(caller.who, action, {region, org}) == Decision::kAllow;
}

}  // namespace

TransferService::TransferService(TransferStore& transfers, RegionStore& regions, CaseStore& cases, AuditStore& audit,
                                 PhaseStore& phases, CapacityListener& capacity, TransferListener& listener,
                                 std::shared_ptr<const PatientSeal> seal)
    : transfers_(transfers),
      regions_(regions),
      phases_(phases),
      cases_(cases),
      audit_(audit),
      capacity_(capacity),
      listener_(listener),
      seal_(std::move(seal)) {}

PatientAccess TransferService::AccessOf(const Caller& caller, std::string action, std::string purpose,
                                        std::string outcome) const {
  return PatientAccessOf(caller, std::move(action), std::move(purpose), std::move(outcome));
}

bool TransferService::MayRead(const Caller& caller, const Transfer& t) const {
  return Allowed(caller, Action::kReadTransfers, t.region_id, t.from_organization_id) ||
         Allowed(caller, Action::kReadTransfers, t.region_id, t.to_organization_id);
}

Status TransferService::CheckUnit(const RegionData& tree, const std::string& org, const std::string& unit,
                                  const std::string& field, std::optional<UnitType> type) {
  const bool org_known = std::any_of(tree.organizations.begin(), tree.organizations.end(),
                                     [&](const Organization& o) { return o.id == org; });
  if (!org_known) {
    return Status::Invalid("no such organisation in the region",
                           {{field + "_organization_id", "not an organisation of region " + tree.region.id}});
  }
  auto u = std::find_if(tree.units.begin(), tree.units.end(),
                        [&](const Unit& x) { return x.id == unit && x.organization_id == org; });
  if (u == tree.units.end()) {
    return Status::Invalid("no such unit of the organisation",
                           {{field + "_unit_id", "not a unit of organisation " + org}});
  }
  if (type && u->type != *type) {
    return Status::Invalid("the receiving unit is not of the care type needed",
                           {{field + "_unit_id",
                             "is a " + std::string(ToString(u->type)) + " unit, not " + std::string(ToString(*type))}});
  }
  return Status::Ok();
}

Result<TransferView> TransferService::Create(const Caller& caller, NewTransfer in, std::optional<Patient> patient) {
  const Time now = Now();
  if (in.region_id.empty()) in.region_id = caller.who.region_id;
  std::vector<FieldError> errors = ValidateNewTransfer(in, now);
  if (in.region_id.empty()) errors.push_back({"region_id", "is required: you have no region of your own"});
  auto patient_errors = PatientFieldErrors(seal_.get(), patient, now);
  errors.insert(errors.end(), patient_errors.begin(), patient_errors.end());
  // Authorised before the details are checked against the region: a
  // stranger learns nothing of its organisations from the answers.
  if (ValidId(in.region_id) && ValidId(in.from_organization_id)) {
    OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkTransfers, {in.region_id, in.from_organization_id},
                                 "transfer.create", in.region_id));
  }
  if (!errors.empty()) return Status::Invalid("the transfer is not valid; nothing was stored", errors);
  auto tree = regions_.GetRegion(in.region_id);
  if (!tree.ok()) return tree.status();
  const UnitType care = *ParseUnitType(in.care_type);
  OZCC_RETURN_IF_ERROR(CheckUnit(*tree, in.from_organization_id, in.from_unit_id, "from", std::nullopt));
  OZCC_RETURN_IF_ERROR(CheckUnit(*tree, in.to_organization_id, in.to_unit_id, "to", care));
  if (!in.case_id.empty()) {
    auto c = cases_.GetCase(in.case_id);
    if (!c.ok() && c.status().code() != Code::kNotFound) return c.status();
    if (!c.ok() || c->region_id != in.region_id) {
      return Status::Invalid("no such case in the region", {{"case_id", "not a case of region " + in.region_id}});
    }
  }

  Transfer t;
  t.id = NewTransferId();
  t.region_id = in.region_id;
  t.from_organization_id = in.from_organization_id;
  t.from_unit_id = in.from_unit_id;
  t.to_organization_id = in.to_organization_id;
  t.to_unit_id = in.to_unit_id;
  t.care_type = care;
  t.reason = in.reason;
  t.case_id = in.case_id;
  t.planned_at = in.planned_at;
  t.created_by = caller.who.name;
  t.requested_at = now;
  t.updated_at = now;
  auto approval = ApprovalForNewTransfer(phases_, t.region_id);
  if (!approval.ok()) return approval.status();
  t.approval = *approval;

  TransferWrite w;
  w.timeline.push_back({TransferState::kRequested, now, caller.who.name, caller.who.organization_id, ""});
  w.audit.push_back(AuditOf(caller, "transfer.create", t.id, "ok"));
  if (patient) {
    w.patient = seal_->Seal(*patient, t.id);
    t.has_patient = true;
    PatientAccess a = AccessOf(caller, "patient.write", "transfer", "ok");
    a.bsn_hash = w.patient->bsn_hash;
    a.case_id = t.id;
    w.access.push_back(std::move(a));
  }
  w.transfer = std::move(t);
  auto stored = transfers_.WriteTransfer(std::move(w));
  if (!stored.ok()) return stored.status();
  listener_.TransferChanged(
      {stored->transfer.region_id, stored->region_version, now, TransferState::kRequested, stored->transfer});
  return Get(caller, stored->transfer.id);
}

Result<TransferView> TransferService::Get(const Caller& caller, const std::string& id) {
  auto t = transfers_.GetTransfer(id);
  if (!t.ok()) return t.status();
  if (!MayRead(caller, *t))
    return Status::Forbidden("you may not read this transfer: your organisation is no side of it");
  auto timeline = transfers_.TransferTimeline(id);
  if (!timeline.ok()) return timeline.status();
  TransferView v;
  v.transfer = std::move(t).value();
  v.timeline = std::move(timeline).value();
  return v;
}

Result<std::vector<Transfer>> TransferService::List(const Caller& caller, TransferListQuery q) {
  if (q.region_id.empty()) q.region_id = caller.who.region_id;
  if (q.region_id.empty()) {
    return Status::BadRequest("name the region", {{"region", "is required: you have no region of your own"}});
  }
  if (q.organization_id.empty() && !Allowed(caller, Action::kReadTransfers, q.region_id, "") &&
      !caller.who.organization_id.empty()) {
    q.organization_id = caller.who.organization_id;  // an organisation's user: its own board
  }
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadTransfers, {q.region_id, q.organization_id}, "transfer.list", q.region_id));
  return transfers_.ListTransfers({q.region_id, q.organization_id, q.states, std::clamp<size_t>(q.limit, 1, 500)});
}

Result<TransferView> TransferService::Transition(const Caller& caller, const std::string& id,
                                                 std::optional<std::int64_t> if_match, const TransferStepInput& in) {
  auto loaded = transfers_.GetTransfer(id);
  if (!loaded.ok()) return loaded.status();
  const Transfer& t = *loaded;
  if (!MayRead(caller, t)) {
    AuditBestEffort(audit_, AuditOf(caller, "transfer.transition", id, "denied"));
    return Status::Forbidden("you may not change this transfer: your organisation is no side of it");
  }
  // Who takes the step: the table's side, or, for a step the table does not
  // know, whoever may take any step (the 409 then says why).
  auto step = FindTransferStep(t.state, in.to);
  const TransferSide side = step ? step->side : TransferSide::kEither;
  const bool sending = Allowed(caller, Action::kWorkTransfers, t.region_id, t.from_organization_id);
  const bool receiving = Allowed(caller, Action::kWorkTransfers, t.region_id, t.to_organization_id);
  const bool may = side == TransferSide::kSending     ? sending
                   : side == TransferSide::kReceiving ? receiving
                                                      : sending || receiving;
  if (!may) {
    AuditBestEffort(audit_, AuditOf(caller, "transfer.transition", id, "denied", std::string(ToString(in.to))));
    return Status::Forbidden("only the " + std::string(ToString(side)) + " side may take a transfer to " +
                             std::string(ToString(in.to)));
  }
  const Time now = Now();
  if (step) {
    auto errors = ValidateTransferStep(*step, in.reason, in.at, t.requested_at, now, in.planned_at);
    if (!errors.empty()) return Status::Invalid("the step is not valid; nothing was stored", errors);
  }
  if (!if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the transfer's current ETag: a step names the version it changes");
  }
  if (*if_match != t.version) {
    return Status::PreconditionFailed("transfer " + id + " was changed meanwhile (now version " +
                                      std::to_string(t.version) + ")");
  }
  OZCC_RETURN_IF_ERROR(CheckTransferStep(t.state, in.to));
  OZCC_RETURN_IF_ERROR(CheckApproved(t, in.to));
  const Time at = in.at.value_or(now);

  TransferWrite w;
  w.transfer = ApplyTransferStep(t, in.to, at);
  if (in.planned_at) w.transfer.planned_at = in.planned_at;
  w.transfer.updated_at = now;
  w.expected_version = t.version;
  w.timeline.push_back({in.to, at, caller.who.name, caller.who.organization_id, in.reason});
  w.audit.push_back(AuditOf(caller, "transfer.transition", id, "ok", std::string(ToString(in.to))));
  if (in.to == TransferState::kArrived) {
    w.arrival = true;
    w.arrived_at = at;
    w.reported_by = caller.who.name;
  }
  auto stored = transfers_.WriteTransfer(std::move(w));
  if (!stored.ok()) return stored.status();
  for (const CapacityReport& r : stored->reports) {
    auto unit = regions_.GetUnit(r.unit_id);
    if (unit.ok()) {
      capacity_.Committed(*unit, r);
    } else {
      spdlog::warn("transfer {}: unit {} of its capacity report unreadable: {}", id, r.unit_id,
                   unit.status().message());
    }
  }
  listener_.TransferChanged({stored->transfer.region_id, stored->region_version, now, in.to, stored->transfer});
  if (step_hook_) {
    if (Status st = step_hook_(stored->transfer, caller.who.name); !st.ok()) {
      spdlog::warn("transfer {}: the step to {} was not passed on: {}", id, ToString(in.to), st.message());
    }
  }
  auto v = Get(caller, id);
  if (!v.ok()) return v;
  v->reports = stored->reports;
  for (const std::string& unit : stored->no_report) {
    v->notes.push_back("unit " + unit + " has no capacity report yet: its capacity was not changed");
  }
  return v;
}

Result<TransferView> TransferService::Approve(const Caller& caller, const std::string& id,
                                              std::optional<std::int64_t> if_match) {
  auto loaded = transfers_.GetTransfer(id);
  if (!loaded.ok()) return loaded.status();
  const Transfer& t = *loaded;
  if (!MayRead(caller, t)) {
    AuditBestEffort(audit_, AuditOf(caller, "transfer.approve", id, "denied"));
    return Status::Forbidden("you may not change this transfer: your organisation is no side of it");
  }
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kLeadRegion, {t.region_id, ""}, "transfer.approve", id));
  if (!if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the transfer's current ETag: an approval names the version it approves");
  }
  if (*if_match != t.version) {
    return Status::PreconditionFailed("transfer " + id + " was changed meanwhile (now version " +
                                      std::to_string(t.version) + ")");
  }
  if (t.approval != TransferApproval::kPending) {
    return Status::Conflict("transfer " + id + " does not await approval (approval " +
                            std::string(ToString(t.approval)) + ")");
  }
  if (IsFinal(t.state)) {
    return Status::Conflict("transfer " + id + " is " + std::string(ToString(t.state)) +
                            ": there is nothing to approve");
  }
  const Time now = Now();
  TransferWrite w;
  w.transfer = t;
  w.transfer.approval = TransferApproval::kApproved;
  w.transfer.approved_by = caller.who.name;
  w.transfer.approved_at = now;
  w.transfer.updated_at = now;
  w.expected_version = t.version;
  w.audit.push_back(AuditOf(caller, "transfer.approve", id, "ok"));
  auto stored = transfers_.WriteTransfer(std::move(w));
  if (!stored.ok()) return stored.status();
  listener_.TransferChanged({stored->transfer.region_id, stored->region_version, now, t.state, stored->transfer});
  return Get(caller, id);
}

Result<Patient> TransferService::ReadPatient(const Caller& caller, const std::string& id, const std::string& purpose) {
  auto t = transfers_.GetTransfer(id);
  if (!t.ok()) return t.status();
  const bool allowed = Allowed(caller, Action::kReadPatient, t->region_id, t->from_organization_id) ||
                       Allowed(caller, Action::kReadPatient, t->region_id, t->to_organization_id);
  auto sealed = transfers_.TransferPatient(id);
  if (!sealed.ok()) return sealed.status();
  const std::string outcome = !allowed ? "denied" : *sealed ? "ok" : "not-found";
  PatientAccess a = AccessOf(caller, "patient.read", purpose.empty() ? "transfer" : purpose.substr(0, 200), outcome);
  a.case_id = id;
  a.bsn_hash = *sealed ? (*sealed)->bsn_hash : "";
  // The line is durable before anything leaves the server.
  OZCC_RETURN_IF_ERROR(cases_.AppendAccess({a}));
  if (!allowed) return Status::Forbidden("you may not read this transfer's patient");
  if (!*sealed) return Status::NotFound("transfer " + id + " has no patient data");
  if (!seal_) return Status::Unavailable("this server has no patient key: patient data is off");
  return seal_->Open(**sealed, id);
}

Result<std::vector<Transfer>> TransferService::Search(const Caller& caller, const std::vector<std::string>& region_ids,
                                                      const std::optional<std::vector<std::string>>& owners,
                                                      size_t limit) {
  std::vector<Transfer> out;
  for (const std::string& region : region_ids) {
    if (owners) {
      for (const std::string& org : *owners) {
        if (!Allowed(caller, Action::kReadTransfers, region, org)) continue;
        auto list = transfers_.ListTransfers({region, org, TransferQuery::States::kAll, limit});
        if (!list.ok()) return list.status();
        for (auto& t : *list) {
          if (t.to_organization_id == org) out.push_back(std::move(t));  // a Task's owner is the receiver
        }
      }
    } else if (Allowed(caller, Action::kReadTransfers, region, "")) {
      auto list = transfers_.ListTransfers({region, "", TransferQuery::States::kOpen, limit});
      if (!list.ok()) return list.status();
      out.insert(out.end(), list->begin(), list->end());
    } else if (!caller.who.organization_id.empty() &&
               Allowed(caller, Action::kReadTransfers, region, caller.who.organization_id)) {
      auto list = transfers_.ListTransfers({region, caller.who.organization_id, TransferQuery::States::kAll, limit});
      if (!list.ok()) return list.status();
      out.insert(out.end(), list->begin(), list->end());
    }
  }
  return out;
}

}  // namespace ozcc::service
