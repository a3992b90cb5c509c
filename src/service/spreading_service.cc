#include "service/spreading_service.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "core/cases.h"
#include "core/stale.h"
#include "core/validate.h"

namespace ozcc::service {

namespace sp = engine::spreading;

namespace {

std::string NewId(const char* prefix) {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  char hex[2 * sizeof b + 1];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string(prefix) + hex;
}

std::string Indexed(const std::string& list, size_t i) { return list + "[" + std::to_string(i) + "]"; }

UnitType UnitTypeOf(sp::CareType k) { return k == sp::CareType::kIc ? UnitType::kIc : UnitType::kWard; }

Status NeedVersion(const SpreadingPlanRecord& p, std::optional<std::int64_t> if_match) {
  if (!if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the plan's current ETag: a change names the version it changes");
  }
  if (*if_match != p.version) {
    return Status::PreconditionFailed("spreading plan " + p.id + " was changed meanwhile (now version " +
                                      std::to_string(p.version) + ")");
  }
  return Status::Ok();
}

// Text rules of a label or note: at most `max` bytes, no control characters
// but line breaks (as a reason's).
void CheckText(const std::string& text, size_t max, const std::string& field, std::vector<FieldError>& errors) {
  if (text.size() > max) {
    errors.push_back({field, "must be at most " + std::to_string(max) + " bytes"});
  } else if (!text.empty()) {
    for (auto& e : ValidateReason(text, field)) errors.push_back(std::move(e));
  }
}

void CheckConstraints(const std::vector<SpreadConstraint>& list, const std::string& name,
                      const std::set<std::string>& patients, const std::set<std::string>& hospitals,
                      std::vector<FieldError>& errors) {
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = Indexed(name, i);
    if (!patients.count(list[i].patient)) {
      errors.push_back({path + ".patient", "not a patient of the plan"});
    }
    if (!hospitals.count(list[i].hospital)) {
      errors.push_back({path + ".hospital", "not a hospital of the plan's regions"});
    }
    if (!seen.insert({list[i].patient, list[i].hospital}).second) {
      errors.push_back({path, "names the same patient and hospital twice"});
    }
  }
}

}  // namespace

struct SpreadingService::Built {
  std::vector<SpreadHospital> hospitals;
  std::vector<LeftOutUnit> left_out_units;
  sp::Plan plan;
  double solve_ms = 0;
};

SpreadingService::SpreadingService(SpreadingStore& plans, RegionStore& regions, CapacityStore& capacity,
                                   AuditStore& audit, PhaseStore& phases, TransferListener& transfer_listener,
                                   SpreadingListener& listener, SpreadingCodec codec)
    : plans_(plans),
      regions_(regions),
      capacity_(capacity),
      audit_(audit),
      phases_(phases),
      transfer_listener_(transfer_listener),
      listener_(listener),
      codec_(std::move(codec)) {}

Result<SpreadingService::Built> SpreadingService::Build(const SpreadingRequest& in, const std::string& owner_region) {
  (void)owner_region;
  const Time now = Now();
  std::vector<FieldError> errors;
  std::vector<RegionData> trees;
  std::map<std::string, const CapacityReport*> report_of;
  std::vector<std::vector<CapacityReport>> latest;
  for (size_t i = 0; i < in.regions.size(); ++i) {
    auto tree = regions_.GetRegion(in.regions[i]);
    if (!tree.ok()) {
      if (tree.status().code() != Code::kNotFound) return tree.status();
      errors.push_back({Indexed("regions", i), "no such region"});
      continue;
    }
    auto reports = capacity_.LatestCapacity(in.regions[i]);
    if (!reports.ok()) return reports.status();
    trees.push_back(std::move(tree).value());
    latest.push_back(std::move(reports).value());
  }
  if (!errors.empty()) return Status::BadRequest("the plan is not valid; nothing was stored", errors);
  for (const auto& list : latest) {
    for (const CapacityReport& r : list) report_of[r.unit_id] = &r;
  }

  struct OrgAt {
    const Organization* org = nullptr;
    const Location* location = nullptr;  // the first
  };
  std::map<std::string, OrgAt> orgs;
  std::map<std::string, const Unit*> units;
  for (const RegionData& t : trees) {
    for (const Organization& o : t.organizations) orgs[o.id].org = &o;
    for (const Location& l : t.locations) {
      auto it = orgs.find(l.organization_id);
      if (it != orgs.end() && !it->second.location) it->second.location = &l;
    }
    for (const Unit& u : t.units) units[u.id] = &u;
  }

  Built b;
  sp::Instance instance;
  instance.policy = in.policy;
  for (const RegionData& t : trees) {
    for (const Organization& o : t.organizations) {
      if (o.type != OrgType::kHospital) continue;
      const OrgAt& at = orgs[o.id];
      if (!at.location) continue;  // nowhere to send anyone
      SpreadHospital h;
      h.name = o.name;
      h.hospital.id = o.id;
      h.hospital.lat = at.location->lat;
      h.hospital.lon = at.location->lon;
      h.hospital.region = o.region_id;
      h.hospital.regional_function = o.regional_function;
      bool any_present = false, all_stale = true;
      for (sp::CareType k : sp::kCareTypes) {
        sp::CareCapacity& c = h.hospital.capacity[static_cast<size_t>(k)];
        bool live = false;
        for (const Unit& u : t.units) {
          if (u.organization_id != o.id || u.type != UnitTypeOf(k)) continue;
          c.present = true;
          auto r = report_of.find(u.id);
          const CapacityReport* rep = r == report_of.end() ? nullptr : r->second;
          std::optional<Time> as_of;
          if (rep) as_of = rep->as_of;
          if (!rep || !rep->beds || IsStale(as_of, u.expected_interval_s, now)) {
            b.left_out_units.push_back({u.id, o.id, k});
            continue;
          }
          live = true;
          c.staffed += rep->beds->staffed;
          c.occupied += rep->beds->occupied;
        }
        if (!c.present) continue;
        any_present = true;
        c.stale = !live;
        if (live) all_stale = false;
      }
      h.hospital.stale = any_present && all_stale;
      instance.hospitals.push_back(h.hospital);
      b.hospitals.push_back(std::move(h));
    }
  }

  std::set<std::string> patient_ids, hospital_ids;
  for (const SpreadHospital& h : b.hospitals) hospital_ids.insert(h.hospital.id);
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const SpreadPatient& p = in.patients[i];
    const std::string path = Indexed("patients", i);
    patient_ids.insert(p.id);
    auto o = orgs.find(p.from_organization);
    if (o == orgs.end()) {
      errors.push_back({path + ".from_organization", "not an organisation of the plan's regions"});
      continue;
    }
    auto u = units.find(p.from_unit);
    if (u == units.end() || u->second->organization_id != p.from_organization) {
      errors.push_back({path + ".from_unit", "not a unit of organisation " + p.from_organization});
    }
    if (!o->second.location) {
      errors.push_back({path + ".from_organization", "has no location to start from"});
      continue;
    }
    sp::Patient ep;
    ep.id = p.id;
    ep.lat = o->second.location->lat;
    ep.lon = o->second.location->lon;
    ep.region = o->second.org->region_id;
    ep.needs = p.needs;
    instance.patients.push_back(std::move(ep));
  }
  CheckConstraints(in.pins, "pins", patient_ids, hospital_ids, errors);
  CheckConstraints(in.forbids, "forbids", patient_ids, hospital_ids, errors);
  // One pin per patient, never to its own hospital; no forbid of a pinned pair.
  std::map<std::string, std::string> pinned, sender;
  for (const SpreadPatient& p : in.patients) sender[p.id] = p.from_organization;
  for (size_t i = 0; i < in.pins.size(); ++i) {
    const SpreadConstraint& c = in.pins[i];
    if (!pinned.emplace(c.patient, c.hospital).second) {
      errors.push_back({Indexed("pins", i) + ".patient", "is pinned already: one pin per patient"});
    }
    if (sender[c.patient] == c.hospital) {
      errors.push_back({Indexed("pins", i) + ".hospital", "is the patient's own sending hospital"});
    }
  }
  for (size_t i = 0; i < in.forbids.size(); ++i) {
    auto it = pinned.find(in.forbids[i].patient);
    if (it != pinned.end() && it->second == in.forbids[i].hospital) {
      errors.push_back({Indexed("forbids", i), "forbids the hospital the patient is pinned to"});
    }
  }
  if (!errors.empty()) return Status::BadRequest("the plan is not valid; nothing was stored", errors);

  // The constraints as indices; every patient is forbidden its own hospital.
  std::map<std::string, int> patient_at, hospital_at;
  for (size_t i = 0; i < in.patients.size(); ++i) patient_at[in.patients[i].id] = static_cast<int>(i);
  for (size_t i = 0; i < b.hospitals.size(); ++i) hospital_at[b.hospitals[i].hospital.id] = static_cast<int>(i);
  for (const SpreadConstraint& c : in.pins) instance.pins.push_back({patient_at[c.patient], hospital_at[c.hospital]});
  std::set<std::pair<int, int>> forbidden;
  for (const SpreadConstraint& c : in.forbids) {
    const std::pair<int, int> pair{patient_at[c.patient], hospital_at[c.hospital]};
    if (forbidden.insert(pair).second) instance.forbids.push_back({pair.first, pair.second});
  }
  for (size_t i = 0; i < in.patients.size(); ++i) {
    auto own = hospital_at.find(in.patients[i].from_organization);
    if (own == hospital_at.end()) continue;
    const std::pair<int, int> pair{static_cast<int>(i), own->second};
    if (forbidden.insert(pair).second) instance.forbids.push_back({pair.first, pair.second});
  }

  auto spreader = sp::Spreader::Build(std::move(instance));
  if (!spreader.ok()) {
    return Status::BadRequest("the plan is not valid; nothing was stored", spreader.status().errors());
  }
  const auto start = std::chrono::steady_clock::now();
  auto plan = spreader->Solve();
  if (!plan.ok()) return plan.status();
  b.solve_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  b.plan = std::move(plan).value();
  return b;
}

Result<SpreadingPlanView> SpreadingService::Load(const std::string& id) {
  auto rec = plans_.GetSpreadingPlan(id);
  if (!rec.ok()) return rec.status();
  auto doc = codec_.decode(rec->document);
  if (!doc.ok()) return Status::Internal("spreading plan " + id + " is unreadable: " + doc.status().message());
  SpreadingPlanView v;
  v.record = std::move(rec).value();
  v.record.document.clear();
  v.doc = std::move(doc).value();
  return v;
}

Result<SpreadingPlanView> SpreadingService::Commit(const Caller& caller, SpreadingPlanView v,
                                                   std::int64_t expected_version, const std::string& action,
                                                   std::vector<TransferWrite> transfers) {
  SpreadingWrite w;
  v.record.patients = static_cast<std::int64_t>(v.doc.request.patients.size());
  v.record.placed = std::count_if(v.doc.plan.assignments.begin(), v.doc.plan.assignments.end(),
                                  [](const sp::Assignment& a) { return a.hospital >= 0; });
  v.record.total_cost = v.doc.plan.total_cost;
  w.plan = v.record;
  w.plan.document = codec_.encode(v.doc);
  w.expected_version = expected_version;
  w.audit.push_back(AuditOf(caller, action, v.record.id, "ok", v.record.state));
  for (const TransferWrite& t : transfers) {
    w.audit.push_back(AuditOf(caller, "transfer.create", t.transfer.id, "ok", "spreading " + v.record.id));
  }
  w.transfers = std::move(transfers);
  auto stored = plans_.WriteSpreadingPlan(std::move(w));
  if (!stored.ok()) return stored.status();
  for (const TransferWriteResult& t : stored->transfers) {
    transfer_listener_.TransferChanged(
        {t.transfer.region_id, t.region_version, stored->change.at, t.transfer.state, t.transfer});
  }
  listener_.SpreadingChanged(stored->change);
  v.record = std::move(stored->plan);
  v.record.document.clear();
  return v;
}

Result<SpreadingPlanView> SpreadingService::Propose(const Caller& caller, SpreadingRequest in) {
  if (in.regions.empty() && !caller.who.region_id.empty()) in.regions.push_back(caller.who.region_id);
  if (in.regions.empty()) {
    return Status::BadRequest("name the regions", {{"regions", "is required: you have no region of your own"}});
  }
  const std::string owner = caller.who.region_id.empty() ? in.regions.front() : caller.who.region_id;
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkSpreading, {owner, ""}, "spreading.propose", owner));

  std::vector<FieldError> errors;
  std::set<std::string> regions;
  for (size_t i = 0; i < in.regions.size(); ++i) {
    if (!ValidId(in.regions[i])) {
      errors.push_back({Indexed("regions", i), std::string(kIdRuleMsg)});
    } else if (!regions.insert(in.regions[i]).second) {
      errors.push_back({Indexed("regions", i), "is named twice"});
    }
  }
  if (in.patients.empty() || in.patients.size() > kMaxSpreadPatients) {
    errors.push_back({"patients", "must hold 1 to " + std::to_string(kMaxSpreadPatients) + " patients"});
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const SpreadPatient& p = in.patients[i];
    const std::string path = Indexed("patients", i);
    if (!ValidId(p.id)) {
      errors.push_back({path + ".id", std::string(kIdRuleMsg)});
    } else if (!ids.insert(p.id).second) {
      errors.push_back({path + ".id", "is used by another patient of the plan"});
    }
    if (!ValidId(p.from_organization)) errors.push_back({path + ".from_organization", std::string(kIdRuleMsg)});
    if (!ValidId(p.from_unit)) errors.push_back({path + ".from_unit", std::string(kIdRuleMsg)});
    CheckText(p.label, kMaxSpreadLabel, path + ".label", errors);
  }
  CheckText(in.note, kMaxSpreadNote, "note", errors);
  if (!errors.empty()) return Status::BadRequest("the plan is not valid; nothing was stored", errors);
  // Unknown regions are named; the plan shows every hospital's live
  // capacity, so only of regions the caller may read.
  auto known = regions_.ListRegions();
  if (!known.ok()) return known.status();
  for (size_t i = 0; i < in.regions.size(); ++i) {
    const bool exists =
        std::any_of(known->begin(), known->end(), [&](const Region& r) { return r.id == in.regions[i]; });
    if (!exists) errors.push_back({Indexed("regions", i), "no such region"});
  }
  if (!errors.empty()) return Status::BadRequest("the plan is not valid; nothing was stored", errors);
  for (const std::string& region : in.regions) {
    OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {region, ""}, "spreading.propose", region));
  }

  auto built = Build(in, owner);
  if (!built.ok()) return built.status();
  const Time now = Now();
  SpreadingPlanView v;
  v.record.id = NewId("sp-");
  v.record.owner_region = owner;
  v.record.regions = in.regions;
  v.record.state = "proposed";
  v.record.created_by = caller.who.name;
  v.record.created_at = now;
  v.record.updated_at = now;
  v.doc.note = in.note;
  v.doc.request = std::move(in);
  v.doc.hospitals = std::move(built->hospitals);
  v.doc.plan = std::move(built->plan);
  v.doc.solve_ms = built->solve_ms;
  v.doc.left_out_units = std::move(built->left_out_units);
  v.doc.solved_at = now;
  return Commit(caller, std::move(v), 0, "spreading.propose");
}

Result<SpreadingPlanView> SpreadingService::Get(const Caller& caller, const std::string& id) {
  auto v = Load(id);
  if (!v.ok()) return v.status();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadSpreading, {v->record.owner_region, ""}, "spreading.read", id));
  return v;
}

Result<std::vector<SpreadingPlanRecord>> SpreadingService::List(const Caller& caller, SpreadingListQuery q) {
  if (q.region_id.empty()) q.region_id = caller.who.region_id;
  if (q.region_id.empty()) {
    return Status::BadRequest("name the region", {{"region", "is required: you have no region of your own"}});
  }
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadSpreading, {q.region_id, ""}, "spreading.list", q.region_id));
  return plans_.ListSpreadingPlans({q.region_id, q.states, std::clamp<size_t>(q.limit, 1, 200)});
}

Result<SpreadingPlanView> SpreadingService::Solve(const Caller& caller, const std::string& id,
                                                  std::optional<std::int64_t> if_match,
                                                  std::optional<std::vector<SpreadConstraint>> pins,
                                                  std::optional<std::vector<SpreadConstraint>> forbids) {
  auto v = Load(id);
  if (!v.ok()) return v.status();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kWorkSpreading, {v->record.owner_region, ""}, "spreading.solve", id));
  OZCC_RETURN_IF_ERROR(NeedVersion(v->record, if_match));
  if (v->record.state != "proposed") {
    return Status::Conflict("spreading plan " + id + " is " + v->record.state + ": only a proposed plan is re-solved");
  }
  SpreadingRequest in = v->doc.request;
  if (pins) in.pins = std::move(*pins);
  if (forbids) in.forbids = std::move(*forbids);
  auto built = Build(in, v->record.owner_region);
  if (!built.ok()) return built.status();
  const Time now = Now();
  const std::int64_t expected = v->record.version;
  v->record.updated_at = now;
  v->doc.request = std::move(in);
  v->doc.hospitals = std::move(built->hospitals);
  v->doc.plan = std::move(built->plan);
  v->doc.solve_ms = built->solve_ms;
  v->doc.left_out_units = std::move(built->left_out_units);
  v->doc.solved_at = now;
  return Commit(caller, std::move(v).value(), expected, "spreading.solve");
}

Result<SpreadingPlanView> SpreadingService::Approve(const Caller& caller, const std::string& id,
                                                    std::optional<std::int64_t> if_match) {
  auto loaded = Load(id);
  if (!loaded.ok()) return loaded.status();
  SpreadingPlanView v = std::move(loaded).value();
  const std::string& owner = v.record.owner_region;
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkSpreading, {owner, ""}, "spreading.approve", id));
  OZCC_RETURN_IF_ERROR(NeedVersion(v.record, if_match));
  if (v.record.state != "proposed") {
    return Status::Conflict("spreading plan " + id + " is " + v.record.state + ": only a proposed plan is approved");
  }
  auto tree = regions_.GetRegion(owner);
  if (!tree.ok()) return tree.status();
  auto latest = capacity_.LatestCapacity(owner);
  if (!latest.ok()) return latest.status();
  const Time now = Now();
  std::map<std::string, const CapacityReport*> report_of;
  for (const CapacityReport& r : *latest) report_of[r.unit_id] = &r;
  std::set<std::string> owner_orgs;
  for (const Organization& o : tree->organizations) owner_orgs.insert(o.id);

  // The receiving unit: of the care type, with the most open non-stale
  // places (the first in the region's order on a tie); a unit without a
  // live report only when the hospital has no other.
  auto unit_for = [&](const std::string& org, sp::CareType k) -> const Unit* {
    const Unit* best = nullptr;
    std::int64_t best_open = -1;
    const Unit* fallback = nullptr;
    for (const Unit& u : tree->units) {
      if (u.organization_id != org || u.type != UnitTypeOf(k)) continue;
      if (!fallback) fallback = &u;
      auto r = report_of.find(u.id);
      if (r == report_of.end() || !r->second->beds) continue;
      if (IsStale(r->second->as_of, u.expected_interval_s, now)) continue;
      const std::int64_t open = std::max<std::int64_t>(0, r->second->beds->staffed - r->second->beds->occupied);
      if (open > best_open) {
        best = &u;
        best_open = open;
      }
    }
    return best ? best : fallback;
  };

  // In a crisis that requires the coordinator's approval of every transfer,
  // approving the plan approves its transfers: the coordinator does both.
  auto approval = ApprovalForNewTransfer(phases_, owner);
  if (!approval.ok()) return approval.status();
  std::vector<TransferWrite> transfers;
  v.doc.transfers.clear();
  v.doc.not_transferred.clear();
  const std::string reason = "Spreiding " + id;
  for (size_t i = 0; i < v.doc.request.patients.size() && i < v.doc.plan.assignments.size(); ++i) {
    const SpreadPatient& p = v.doc.request.patients[i];
    const sp::Assignment& a = v.doc.plan.assignments[i];
    if (a.hospital < 0 || static_cast<size_t>(a.hospital) >= v.doc.hospitals.size()) {
      v.doc.not_transferred.push_back({p.id, "unplaced"});
      continue;
    }
    const sp::Hospital& h = v.doc.hospitals[static_cast<size_t>(a.hospital)].hospital;
    if (h.region != owner || !owner_orgs.count(p.from_organization) || !owner_orgs.count(h.id)) {
      v.doc.not_transferred.push_back({p.id, "other_region"});
      continue;
    }
    const Unit* to = unit_for(h.id, a.care_type);
    if (!to) {
      return Status::Conflict("hospital " + h.id + " no longer has a " + sp::ToString(a.care_type) +
                              " unit: re-solve the plan");
    }
    Transfer t;
    t.id = NewId("t-");
    t.region_id = owner;
    t.from_organization_id = p.from_organization;
    t.from_unit_id = p.from_unit;
    t.to_organization_id = h.id;
    t.to_unit_id = to->id;
    t.care_type = UnitTypeOf(a.care_type);
    t.reason = reason;
    t.state = TransferState::kRequested;
    t.created_by = caller.who.name;
    t.requested_at = now;
    t.updated_at = now;
    if (*approval == TransferApproval::kPending) {
      t.approval = TransferApproval::kApproved;
      t.approved_by = caller.who.name;
      t.approved_at = now;
    }
    TransferWrite tw;
    tw.timeline.push_back({TransferState::kRequested, now, caller.who.name, caller.who.organization_id, reason});
    tw.transfer = t;
    transfers.push_back(std::move(tw));
    v.doc.transfers.push_back({p.id, t.id});
  }
  const std::int64_t expected = v.record.version;
  v.record.state = "approved";
  v.record.updated_at = now;
  v.doc.approved_by = caller.who.name;
  v.doc.approved_at = now;
  return Commit(caller, std::move(v), expected, "spreading.approve", std::move(transfers));
}

Result<SpreadingPlanView> SpreadingService::Discard(const Caller& caller, const std::string& id,
                                                    std::optional<std::int64_t> if_match) {
  auto loaded = Load(id);
  if (!loaded.ok()) return loaded.status();
  SpreadingPlanView v = std::move(loaded).value();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kWorkSpreading, {v.record.owner_region, ""}, "spreading.discard", id));
  OZCC_RETURN_IF_ERROR(NeedVersion(v.record, if_match));
  if (v.record.state != "proposed") {
    return Status::Conflict("spreading plan " + id + " is " + v.record.state + ": only a proposed plan is discarded");
  }
  const std::int64_t expected = v.record.version;
  v.record.state = "discarded";
  v.record.updated_at = Now();
  return Commit(caller, std::move(v), expected, "spreading.discard");
}

}  // namespace ozcc::service
