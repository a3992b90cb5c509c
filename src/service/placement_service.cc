#include "service/placement_service.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/stale.h"
#include "core/validate.h"
#include "service/patient_seal.h"

namespace ozcc::service {

namespace {

constexpr size_t kMaxOffersPerRequest = 20;

// Opaque, unguessable ids: a prefix and 16 random hex digits.
std::string NewId(const char* prefix) {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  char hex[2 * sizeof b + 1];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string(prefix) + hex;
}

bool Allowed(const Caller& caller, Action action, const std::string& region, const std::string& org) {
  return Authorize(caller.who, action, {region, org}) == Decision::kAllow;
}

const Unit* FindUnit(const RegionData& tree, const std::string& org, const std::string& unit) {
  auto u = std::find_if(tree.units.begin(), tree.units.end(),
                        [&](const Unit& x) { return x.id == unit && x.organization_id == org; });
  return u == tree.units.end() ? nullptr : &*u;
}

bool OrgOf(const RegionData& tree, const std::string& org) {
  return std::any_of(tree.organizations.begin(), tree.organizations.end(),
                     [&](const Organization& o) { return o.id == org; });
}

Status NeedVersion(const Placement& p, std::optional<std::int64_t> if_match) {
  if (!if_match) {
    return Status(Code::kPreconditionRequired,
                  "send If-Match with the placement's current ETag: a change names the version it changes");
  }
  if (*if_match != p.version) {
    return Status::PreconditionFailed("placement " + p.id + " was changed meanwhile (now version " +
                                      std::to_string(p.version) + ")");
  }
  return Status::Ok();
}

}  // namespace

PlacementService::PlacementService(PlacementStore& placements, RegionStore& regions, CapacityStore& capacity,
                                   AuditStore& audit, TransferStore& transfers, PhaseStore& phases,
                                   TransferListener& transfer_listener, PlacementListener& listener,
                                   std::shared_ptr<const PatientSeal> seal, std::function<Time()> clock)
    : placements_(placements),
      regions_(regions),
      audit_(audit),
      transfers_(transfers),
      phases_(phases),
      transfer_listener_(transfer_listener),
      listener_(listener),
      seal_(std::move(seal)),
      clock_(std::move(clock)),
      follow_up_units_(regions, capacity) {}

Result<PlacementWriteResult> PlacementService::Commit(PlacementWrite w, Time now) {
  auto stored = placements_.WritePlacement(std::move(w));
  if (!stored.ok()) return stored.status();
  if (stored->transfer) {
    const Transfer& t = stored->transfer->transfer;
    transfer_listener_.TransferChanged({t.region_id, stored->transfer->region_version, now, t.state, t});
  }
  listener_.PlacementChanged(stored->change);
  return stored;
}

bool PlacementService::MayRead(const Caller& caller, const Placement& p, const std::vector<Offer>& offers) const {
  if (Allowed(caller, Action::kReadPlacements, p.region_id, p.from_organization_id)) return true;
  return std::any_of(offers.begin(), offers.end(), [&](const Offer& o) {
    return Allowed(caller, Action::kReadPlacements, p.region_id, o.organization_id);
  });
}

Result<PlacementView> PlacementService::ViewOf(Placement p) {
  auto offers = placements_.PlacementOffers(p.id);
  if (!offers.ok()) return offers.status();
  auto settled = SettleExpired(std::move(p), *offers);
  if (!settled.ok()) return settled.status();
  p = std::move(settled).value();
  const Time now = clock_();
  PlacementView v;
  v.waiting_hours = WaitingHours(p, now);
  v.wrong_bed_days = WrongBedDays(p, now);
  v.placement = std::move(p);
  v.offers = std::move(offers).value();
  return v;
}

Result<PlacementView> PlacementService::Create(const Caller& caller, NewPlacement in, std::optional<Patient> patient) {
  const Time now = clock_();
  if (in.region_id.empty()) in.region_id = caller.who.region_id;
  std::vector<FieldError> errors = ValidateNewPlacement(in, now);
  if (in.region_id.empty()) errors.push_back({"region_id", "is required: you have no region of your own"});
  auto patient_errors = PatientFieldErrors(seal_.get(), patient, now);
  errors.insert(errors.end(), patient_errors.begin(), patient_errors.end());
  // Authorised before the details are checked against the region: a
  // stranger learns nothing of its organisations from the answers.
  if (ValidId(in.region_id) && ValidId(in.from_organization_id)) {
    OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkPlacements, {in.region_id, in.from_organization_id},
                                 "placement.create", in.region_id));
  }
  if (!errors.empty()) return Status::Invalid("the placement is not valid; nothing was stored", errors);
  auto tree = regions_.GetRegion(in.region_id);
  if (!tree.ok()) return tree.status();
  if (!OrgOf(*tree, in.from_organization_id)) {
    return Status::Invalid("no such organisation in the region",
                           {{"from_organization_id", "not an organisation of region " + in.region_id}});
  }
  if (!FindUnit(*tree, in.from_organization_id, in.from_unit_id)) {
    return Status::Invalid("no such unit of the organisation",
                           {{"from_unit_id", "not a unit of organisation " + in.from_organization_id}});
  }

  Placement p;
  p.id = NewId("p-");
  p.region_id = in.region_id;
  p.from_organization_id = in.from_organization_id;
  p.from_unit_id = in.from_unit_id;
  p.care_type = *ParseCareType(in.care_type);
  p.profile = in.profile;
  p.needs = in.needs;
  p.preferred_lat = in.preferred_lat;
  p.preferred_lon = in.preferred_lon;
  p.preferred_place = in.preferred_place;
  p.earliest_at = DayStart(in.earliest_at.value_or(now));
  p.created_by = caller.who.name;
  p.created_at = now;
  p.updated_at = now;

  PlacementWrite w;
  w.audit.push_back(AuditOf(caller, "placement.create", p.id, "ok", std::string(ToString(p.care_type))));
  if (patient) {
    w.patient = seal_->Seal(*patient, p.id);
    p.has_patient = true;
    PatientAccess a = PatientAccessOf(caller, "patient.write", "placement", "ok");
    a.bsn_hash = w.patient->bsn_hash;
    a.case_id = p.id;
    w.access.push_back(std::move(a));
  }
  w.placement = std::move(p);
  auto stored = Commit(std::move(w), now);
  if (!stored.ok()) return stored.status();
  return ViewOf(std::move(stored->placement));
}

Result<PlacementView> PlacementService::Get(const Caller& caller, const std::string& id) {
  auto p = placements_.GetPlacement(id);
  if (!p.ok()) return p.status();
  auto v = ViewOf(std::move(p).value());
  if (!v.ok()) return v.status();
  if (!MayRead(caller, v->placement, v->offers)) {
    return Status::Forbidden("you may not read this placement: your organisation is no side of it");
  }
  return v;
}

Result<std::vector<PlacementView>> PlacementService::List(const Caller& caller, PlacementListQuery q) {
  if (q.region_id.empty()) q.region_id = caller.who.region_id;
  if (q.region_id.empty()) {
    return Status::BadRequest("name the region", {{"region", "is required: you have no region of your own"}});
  }
  std::string org = q.organization_id;
  if (org.empty() && !Allowed(caller, Action::kReadPlacements, q.region_id, "") &&
      !caller.who.organization_id.empty()) {
    org = caller.who.organization_id;  // an organisation's user: its own
  }
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadPlacements, {q.region_id, org}, "placement.list", q.region_id));
  auto list = placements_.ListPlacements({q.region_id, q.states, org, std::clamp<size_t>(q.limit, 1, 500)});
  if (!list.ok()) return list.status();
  std::vector<PlacementView> out;
  out.reserve(list->size());
  for (Placement& p : *list) {
    auto v = ViewOf(std::move(p));
    if (!v.ok()) return v.status();
    out.push_back(std::move(v).value());
  }
  return out;
}

Result<MatchesView> PlacementService::Matches(const Caller& caller, const std::string& id, size_t limit) {
  auto p = placements_.GetPlacement(id);
  if (!p.ok()) return p.status();
  if (!Allowed(caller, Action::kReadPlacements, p->region_id, p->from_organization_id)) {
    return Status::Forbidden("you may not match this placement: only its sending side and the region's desk may");
  }
  auto units = follow_up_units_.Get(p->region_id);
  if (!units.ok()) return units.status();
  const Time now = clock_();
  auto held = placements_.HeldReservations(p->region_id, now);
  if (!held.ok()) return held.status();
  std::unordered_map<std::string, std::int64_t> reserved;
  for (const Reservation& r : *held) reserved[r.unit_id]++;

  std::vector<MatchCandidate> candidates = (*units)->units;
  for (size_t i = 0; i < candidates.size(); ++i) {
    MatchCandidate& c = candidates[i];
    const auto& latest = (*units)->latest[i];
    c.stale = IsStale(latest ? std::optional<Time>(latest->as_of) : std::nullopt, c.unit.expected_interval_s, now);
    if (auto r = reserved.find(c.unit.id); r != reserved.end()) c.reserved = r->second;
  }
  PlacementNeeds needs;
  needs.care_type = p->care_type;
  needs.profile = p->profile;
  needs.lat = p->preferred_lat;
  needs.lon = p->preferred_lon;
  MatchesView v;
  v.at = now;
  MatchRanking ranking = MatchPlacement(needs, candidates, limit);
  v.matches = std::move(ranking.best);
  v.total = ranking.total;
  v.fitting = ranking.fitting;
  v.placement = std::move(p).value();
  return v;
}

Result<PlacementView> PlacementService::MakeOffers(const Caller& caller, const std::string& id,
                                                   std::optional<std::int64_t> if_match,
                                                   const std::vector<OfferTarget>& targets) {
  auto loaded = placements_.GetPlacement(id);
  if (!loaded.ok()) return loaded.status();
  const Placement& p = *loaded;
  if (!Allowed(caller, Action::kWorkPlacements, p.region_id, p.from_organization_id)) {
    AuditBestEffort(audit_, AuditOf(caller, "placement.offer", id, "denied"));
    return Status::Forbidden("only the sending side and the region's desk may offer this placement");
  }
  std::vector<FieldError> errors;
  if (targets.empty()) errors.push_back({"offers", "name at least one unit"});
  if (targets.size() > kMaxOffersPerRequest) {
    errors.push_back({"offers", "at most " + std::to_string(kMaxOffersPerRequest) + " offers at once"});
  }
  if (!errors.empty()) return Status::Invalid("the offers are not valid; nothing was stored", errors);
  OZCC_RETURN_IF_ERROR(NeedVersion(p, if_match));
  if (IsFinal(p.state)) {
    return Status::Conflict("placement " + id + " is " + std::string(ToString(p.state)) + ": it takes no offers");
  }
  auto offers = placements_.PlacementOffers(id);
  if (!offers.ok()) return offers.status();
  if (std::any_of(offers->begin(), offers->end(), [](const Offer& o) { return o.state == OfferState::kAccepted; })) {
    return Status::Conflict("placement " + id + " has an accepted offer: it takes no more");
  }
  auto tree = regions_.GetRegion(p.region_id);
  if (!tree.ok()) return tree.status();
  std::set<std::string> live;
  for (const Offer& o : *offers) {
    if (o.state == OfferState::kOpen) live.insert(o.unit_id);
  }
  const Time now = clock_();
  PlacementWrite w;
  for (size_t i = 0; i < targets.size(); ++i) {
    const OfferTarget& t = targets[i];
    const std::string path = "offers[" + std::to_string(i) + "]";
    if (!ValidId(t.organization_id)) {
      errors.push_back({path + ".organization_id", std::string(kIdRuleMsg)});
      continue;
    }
    if (!ValidId(t.unit_id)) {
      errors.push_back({path + ".unit_id", std::string(kIdRuleMsg)});
      continue;
    }
    const Unit* u = FindUnit(*tree, t.organization_id, t.unit_id);
    if (!OrgOf(*tree, t.organization_id)) {
      errors.push_back({path + ".organization_id", "not an organisation of region " + p.region_id});
    } else if (!u) {
      errors.push_back({path + ".unit_id", "not a unit of organisation " + t.organization_id});
    } else if (!FollowUpUnitType(u->type)) {
      errors.push_back({path + ".unit_id", "is a " + std::string(ToString(u->type)) + " unit, not a follow-up unit"});
    } else if (!live.insert(t.unit_id).second) {
      errors.push_back({path + ".unit_id", "already has an open offer of this placement"});
    } else {
      Offer o;
      o.id = NewId("o-");
      o.placement_id = p.id;
      o.region_id = p.region_id;
      o.organization_id = t.organization_id;
      o.unit_id = t.unit_id;
      o.created_by = caller.who.name;
      o.created_at = now;
      w.offers.push_back(std::move(o));
    }
  }
  if (!errors.empty()) return Status::Invalid("the offers are not valid; nothing was stored", errors);
  w.placement = p;
  w.placement.state = PlacementState::kOffered;
  w.placement.updated_at = now;
  w.expected_version = p.version;
  for (const Offer& o : w.offers) {
    w.audit.push_back(AuditOf(caller, "placement.offer", p.id, "ok", o.id + " " + o.unit_id));
  }
  auto stored = Commit(std::move(w), now);
  if (!stored.ok()) return stored.status();
  return ViewOf(std::move(stored->placement));
}

Result<PlacementView> PlacementService::Answer(const Caller& caller, const std::string& id, const std::string& offer_id,
                                               std::optional<std::int64_t> if_match, const OfferAnswer& in) {
  auto loaded = placements_.GetPlacement(id);
  if (!loaded.ok()) return loaded.status();
  const Placement& p = *loaded;
  auto offers = placements_.PlacementOffers(id);
  if (!offers.ok()) return offers.status();
  auto it = std::find_if(offers->begin(), offers->end(), [&](const Offer& o) { return o.id == offer_id; });
  if (it == offers->end()) {
    if (!MayRead(caller, p, *offers)) {
      AuditBestEffort(audit_, AuditOf(caller, "placement.answer", id, "denied"));
      return Status::Forbidden("you may not answer offers of this placement");
    }
    return Status::NotFound("placement " + id + " has no offer " + offer_id);
  }
  if (!Allowed(caller, Action::kWorkPlacements, p.region_id, it->organization_id)) {
    AuditBestEffort(audit_, AuditOf(caller, "placement.answer", id, "denied", offer_id));
    return Status::Forbidden("only the provider the offer is made to, and the region's desk, may answer it");
  }
  std::vector<FieldError> errors;
  std::optional<DeclineReason> reason;
  if (in.accept) {
    if (in.reservation_hours && (*in.reservation_hours < 1 || *in.reservation_hours > kMaxReservationHours)) {
      errors.push_back({"reservation_hours", "must be between 1 and " + std::to_string(kMaxReservationHours)});
    }
    if (!in.reason.empty()) errors.push_back({"reason", "is for declining: an acceptance has none"});
  } else {
    if (in.reason.empty()) {
      errors.push_back({"reason", "is required when declining"});
    } else if (!(reason = ParseDeclineReason(in.reason))) {
      errors.push_back({"reason", "must be one of no-bed, care-too-complex, criteria-not-met, patient-choice, other"});
    }
    if (reason == DeclineReason::kOther && in.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      errors.push_back({"text", "say why when the reason is other"});
    }
    if (in.reservation_hours) errors.push_back({"reservation_hours", "is for accepting"});
  }
  if (in.text.size() > kMaxReasonBytes) {
    errors.push_back({"text", "must be at most " + std::to_string(kMaxReasonBytes) + " bytes"});
  } else if (!in.text.empty()) {
    for (auto& e : ValidateReason(in.text, "text")) errors.push_back(std::move(e));
  }
  if (!errors.empty()) return Status::Invalid("the answer is not valid; nothing was stored", errors);
  OZCC_RETURN_IF_ERROR(NeedVersion(p, if_match));
  if (it->state != OfferState::kOpen) {
    return Status::Conflict("offer " + offer_id + " is " + std::string(ToString(it->state)) + ": it was answered");
  }
  if (IsFinal(p.state)) {
    return Status::Conflict("placement " + id + " is " + std::string(ToString(p.state)));
  }

  const Time now = clock_();
  PlacementWrite w;
  w.placement = p;
  w.placement.updated_at = now;
  w.expected_version = p.version;
  Offer answered = *it;
  answered.answered_by = caller.who.name;
  answered.answered_at = now;
  if (!in.accept) {
    answered.state = OfferState::kDeclined;
    answered.decline_reason = reason;
    answered.decline_text = in.text;
    w.offers.push_back(answered);
    std::vector<Offer> after = *offers;
    for (Offer& o : after) {
      if (o.id == answered.id) o = answered;
    }
    w.placement.state = StateFromOffers(p.state, after);
    w.audit.push_back(AuditOf(caller, "placement.decline", id, "ok", offer_id + " " + in.reason));
    auto stored = Commit(std::move(w), now);
    if (!stored.ok()) return stored.status();
    return ViewOf(std::move(stored->placement));
  }

  // Accept: reserve the bed, withdraw the other open offers, make the transfer.
  auto tree = regions_.GetRegion(p.region_id);
  if (!tree.ok()) return tree.status();
  const Unit* unit = FindUnit(*tree, it->organization_id, it->unit_id);
  if (!unit) return Status::Conflict("unit " + it->unit_id + " is no longer in the region");
  answered.state = OfferState::kAccepted;
  answered.reserved_until = now + std::chrono::hours(in.reservation_hours.value_or(kDefaultReservationHours));
  w.offers.push_back(answered);
  for (const Offer& o : *offers) {
    if (o.id == answered.id || o.state != OfferState::kOpen) continue;
    Offer withdrawn = o;
    withdrawn.state = OfferState::kWithdrawn;
    withdrawn.answered_at = now;
    withdrawn.answered_by = caller.who.name;
    w.offers.push_back(std::move(withdrawn));
  }
  Transfer t;
  t.id = NewId("t-");
  t.region_id = p.region_id;
  t.from_organization_id = p.from_organization_id;
  t.from_unit_id = p.from_unit_id;
  t.to_organization_id = it->organization_id;
  t.to_unit_id = it->unit_id;
  t.care_type = unit->type;
  t.reason = "follow-up placement " + p.id + " (" + std::string(ToString(p.care_type)) + ")";
  t.state = TransferState::kAccepted;
  t.created_by = caller.who.name;
  t.requested_at = now;
  t.updated_at = now;
  t.answered_at = now;
  auto approval = ApprovalForNewTransfer(phases_, t.region_id);
  if (!approval.ok()) return approval.status();
  t.approval = *approval;
  TransferWrite tw;
  tw.timeline.push_back({TransferState::kRequested, now, p.created_by, p.from_organization_id, t.reason});
  tw.timeline.push_back({TransferState::kAccepted, now, caller.who.name, caller.who.organization_id, ""});
  tw.audit.push_back(AuditOf(caller, "transfer.create", t.id, "ok", "placement " + p.id));
  if (p.has_patient && seal_) {
    // The transfer carries the patient too, sealed to its own id.
    auto sealed = placements_.PlacementPatient(p.id);
    if (!sealed.ok()) return sealed.status();
    if (*sealed) {
      auto patient = seal_->Open(**sealed, p.id);
      if (!patient.ok()) return patient.status();
      tw.patient = seal_->Seal(*patient, t.id);
      t.has_patient = true;
      PatientAccess a = PatientAccessOf(caller, "patient.write", "placement transfer", "ok");
      a.bsn_hash = tw.patient->bsn_hash;
      a.case_id = t.id;
      tw.access.push_back(std::move(a));
    }
  }
  tw.transfer = t;
  w.transfer = std::move(tw);
  w.placement.transfer_id = t.id;
  w.placement.state = PlacementState::kOffered;
  w.audit.push_back(AuditOf(caller, "placement.accept", id, "ok", offer_id + " " + t.id));
  auto stored = Commit(std::move(w), now);
  if (!stored.ok()) return stored.status();
  return ViewOf(std::move(stored->placement));
}

namespace {

// The accepted offers of a placement whose reservation ran out unrecorded at `now`.
bool Lapsed(const Offer& o, Time now) {
  return o.state == OfferState::kAccepted && !o.reservation_ended_at && o.reserved_until && *o.reserved_until <= now;
}

AuditRecord SystemAudit(const std::string& action, const std::string& object, const std::string& detail, Time at) {
  AuditRecord a;
  a.actor = "system";
  a.role = "system";
  a.action = action;
  a.object = object;
  a.outcome = "ok";
  a.detail = detail;
  a.at = at;
  return a;
}

}  // namespace

Status PlacementService::CancelTransferWith(PlacementWrite& w, const Placement& p, const std::string& actor,
                                            const std::string& actor_org, const std::string& reason, Time now) {
  if (p.transfer_id.empty()) return Status::Ok();
  auto t = transfers_.GetTransfer(p.transfer_id);
  if (!t.ok()) return t.status().code() == Code::kNotFound ? Status::Ok() : t.status();
  if (IsFinal(t->state)) return Status::Ok();
  if (t->state == TransferState::kEnRoute) {
    return Status::Conflict("placement " + p.id + " is under way: its transfer " + t->id +
                            " is en route (its arrival places the patient; cancel the transfer on the board first)");
  }
  TransferWrite tw;
  tw.expected_version = t->version;
  tw.transfer = ApplyTransferStep(*t, TransferState::kCancelled, now);
  tw.timeline.push_back({TransferState::kCancelled, now, actor, actor_org, reason});
  tw.audit.push_back(SystemAudit("transfer.cancel", t->id, "placement " + p.id, now));
  w.transfer = std::move(tw);
  w.placement.transfer_id.clear();
  return Status::Ok();
}

Result<Placement> PlacementService::SettleExpired(Placement p, std::vector<Offer>& offers) {
  const Time now = clock_();
  // A version race with another writer is retried a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (IsFinal(p.state) ||
        std::none_of(offers.begin(), offers.end(), [&](const Offer& o) { return Lapsed(o, now); })) {
      return p;
    }
    PlacementWrite w;
    w.placement = p;
    w.placement.updated_at = now;
    w.expected_version = p.version;
    const std::string why = "the reservation ran out before the patient arrived";
    Status transfer = CancelTransferWith(w, p, "system", "", why, now);
    if (transfer.code() == Code::kConflict) return p;  // en route: its arrival delivers the bed
    if (!transfer.ok()) return transfer;
    std::vector<Offer> after = offers;
    std::string detail;
    for (Offer& o : after) {
      if (!Lapsed(o, now)) continue;
      o.state = OfferState::kExpired;
      o.answered_at = *o.reserved_until;
      o.answered_by = "system";
      o.reservation_ended_at = *o.reserved_until;
      w.offers.push_back(o);
      detail += (detail.empty() ? "" : " ") + o.id + " " + o.unit_id;
    }
    w.placement.state = StateFromOffers(PlacementState::kOffered, after);
    w.audit.push_back(SystemAudit("placement.expired", p.id, detail, now));
    auto stored = Commit(std::move(w), now);
    if (stored.ok()) {
      offers = std::move(after);
      return stored->placement;
    }
    if (stored.status().code() != Code::kPreconditionFailed) return stored.status();
    auto again = placements_.GetPlacement(p.id);
    if (!again.ok()) return again.status();
    auto reloaded = placements_.PlacementOffers(p.id);
    if (!reloaded.ok()) return reloaded.status();
    p = std::move(again).value();
    offers = std::move(reloaded).value();
  }
  return Status::Unavailable("placement " + p.id + " kept changing");
}

Result<PlacementKpiReport> PlacementService::Kpis(const Caller& caller, PlacementKpiQuery query) {
  if (query.region_id.empty()) query.region_id = caller.who.region_id;
  if (query.region_id.empty()) {
    return Status::Invalid("name the region", {{"region", "required for a user without a region"}});
  }
  const Time now = clock_();
  const Time to = query.to.value_or(now);
  const Time from = query.from.value_or(to - std::chrono::days(7));
  OZCC_RETURN_IF_ERROR(CheckKpiPeriod(from, to));
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadKpis, {query.region_id, ""}, "placement.kpis", query.region_id));
  auto region = regions_.GetRegion(query.region_id);
  if (!region.ok()) return region.status();
  auto records = placements_.KpiPlacements(query.region_id, from, to, kMaxKpiPlacements + 1);
  if (!records.ok()) return records.status();
  if (records->size() > kMaxKpiPlacements) {
    return Status::Invalid("the period holds too many placements",
                           {{"from", "the period holds more than " + std::to_string(kMaxKpiPlacements) +
                                         " placements: choose a shorter one"}});
  }
  return ComputePlacementKpis(*records, from, to, now, query.by);
}

Result<size_t> PlacementService::ExpireReservations() {
  auto lapsed = placements_.LapsedReservations(clock_(), 500);
  if (!lapsed.ok()) return lapsed.status();
  std::set<std::string> done;
  size_t n = 0;
  for (const Reservation& r : *lapsed) {
    if (!done.insert(r.placement_id).second) continue;
    auto p = placements_.GetPlacement(r.placement_id);
    if (!p.ok()) return p.status();
    auto offers = placements_.PlacementOffers(r.placement_id);
    if (!offers.ok()) return offers.status();
    const std::int64_t before = p->version;
    auto settled = SettleExpired(std::move(p).value(), *offers);
    if (!settled.ok()) return settled.status();
    if (settled->version != before) ++n;
  }
  return n;
}

Result<std::map<std::string, std::int64_t>> PlacementService::ReservedBeds(const std::string& region_id) {
  auto held = placements_.HeldReservations(region_id, clock_());
  if (!held.ok()) return held.status();
  std::map<std::string, std::int64_t> out;
  for (const Reservation& r : *held) out[r.unit_id]++;
  return out;
}

Result<PlacementView> PlacementService::Cancel(const Caller& caller, const std::string& id,
                                               std::optional<std::int64_t> if_match, const std::string& reason) {
  auto loaded = placements_.GetPlacement(id);
  if (!loaded.ok()) return loaded.status();
  const Placement& p = *loaded;
  if (!Allowed(caller, Action::kWorkPlacements, p.region_id, p.from_organization_id)) {
    AuditBestEffort(audit_, AuditOf(caller, "placement.cancel", id, "denied"));
    return Status::Forbidden("only the sending side and the region's desk may cancel this placement");
  }
  std::vector<FieldError> errors = ValidateReason(reason, "reason");
  if (!errors.empty()) return Status::Invalid("say why the placement is cancelled; nothing was stored", errors);
  OZCC_RETURN_IF_ERROR(NeedVersion(p, if_match));
  if (IsFinal(p.state)) {
    return Status::Conflict("placement " + id + " is " + std::string(ToString(p.state)) + ": it cannot be cancelled");
  }
  auto offers = placements_.PlacementOffers(id);
  if (!offers.ok()) return offers.status();
  const Time now = clock_();
  PlacementWrite w;
  w.placement = p;
  w.expected_version = p.version;
  OZCC_RETURN_IF_ERROR(
      CancelTransferWith(w, p, caller.who.name, caller.who.organization_id, "placement cancelled: " + reason, now));
  if (w.transfer) w.transfer->audit.back() = AuditOf(caller, "transfer.cancel", p.transfer_id, "ok", "placement " + id);
  for (const Offer& o : *offers) {
    Offer changed = o;
    if (o.state == OfferState::kOpen) {
      changed.state = OfferState::kWithdrawn;
      changed.answered_at = now;
      changed.answered_by = caller.who.name;
    } else if (o.state == OfferState::kAccepted && !o.reservation_ended_at) {
      changed.state = OfferState::kWithdrawn;
      changed.reservation_ended_at = now;  // the held bed is released
    } else {
      continue;
    }
    w.offers.push_back(std::move(changed));
  }
  w.placement.state = PlacementState::kCancelled;
  w.placement.cancel_reason = reason;
  w.placement.updated_at = now;
  w.placement.ended_at = now;
  w.audit.push_back(AuditOf(caller, "placement.cancel", id, "ok", reason));
  auto stored = Commit(std::move(w), now);
  if (!stored.ok()) return stored.status();
  return ViewOf(std::move(stored->placement));
}

Status PlacementService::TransferStepped(const Transfer& t, const std::string& actor) {
  if (t.state != TransferState::kArrived && t.state != TransferState::kCancelled) return Status::Ok();
  // A version race with another writer is retried a few times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto found = placements_.PlacementOfTransfer(t.id);
    if (!found.ok()) return found.status();
    if (!*found) return Status::Ok();
    const Placement& p = **found;
    if (IsFinal(p.state)) return Status::Ok();
    auto offers = placements_.PlacementOffers(p.id);
    if (!offers.ok()) return offers.status();
    const Time now = clock_();
    PlacementWrite w;
    w.placement = p;
    w.placement.updated_at = now;
    w.expected_version = p.version;
    std::vector<Offer> after = *offers;
    for (Offer& o : after) {
      if (o.state != OfferState::kAccepted || o.unit_id != t.to_unit_id || o.reservation_ended_at) continue;
      o.reservation_ended_at = t.ended_at.value_or(now);
      if (t.state == TransferState::kCancelled) o.state = OfferState::kWithdrawn;
      w.offers.push_back(o);
    }
    AuditRecord a;
    a.actor = actor;
    a.role = "system";
    a.object = p.id;
    a.outcome = "ok";
    a.detail = "transfer " + t.id;
    if (t.state == TransferState::kArrived) {
      w.placement.state = PlacementState::kPlaced;
      w.placement.ended_at = t.ended_at.value_or(now);
      a.action = "placement.placed";
    } else {
      w.placement.transfer_id.clear();
      w.placement.state = StateFromOffers(PlacementState::kOffered, after);
      a.action = "placement.transfer-cancelled";
    }
    a.at = now;
    w.audit.push_back(std::move(a));
    auto stored = Commit(std::move(w), now);
    if (stored.ok() || stored.status().code() != Code::kPreconditionFailed) return stored.status();
  }
  return Status::Unavailable("placement of transfer " + t.id + " kept changing");
}

}  // namespace ozcc::service
