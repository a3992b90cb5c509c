#include "service/case_service.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "service/patient_seal.h"

namespace ozcc::service {

namespace {

// Opaque, unguessable ids: a prefix and 16 random hex digits.
std::string NewId(const char* prefix) {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  char hex[2 * sizeof b + 1];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  return std::string(prefix) + hex;
}

// How many times a write that lost a race with a change it does not conflict
// with (a partner answering while the coordinator adds a line) is retried.
constexpr int kRetries = 3;

Status NeedVersion(std::optional<std::int64_t> if_match) {
  if (!if_match) {
    return {Code::kPreconditionRequired,
            "send If-Match with the case's current ETag: changes name the version they change"};
  }
  return Status::Ok();
}

Status Stale(const std::string& what, std::int64_t current) {
  return Status::PreconditionFailed(what + " was changed by someone else (now version " + std::to_string(current) +
                                    "): reload it and try again");
}

TimelineEntry Line(const Caller& caller, TimelineKind kind, std::string detail) {
  return TimelineEntry{Time{}, caller.who.name, kind, std::move(detail)};
}

// The caller's organisation was addressed by a handover of the case; with
// `live_only`, by one it has not declined and the ZCC has not cancelled.
bool InvolvedPartner(const Caller& caller, const std::vector<Handover>& handovers, bool live_only = false) {
  if (caller.who.organization_id.empty()) return false;
  return std::any_of(handovers.begin(), handovers.end(), [&](const Handover& h) {
    const bool ended = h.state == HandoverState::kRejected || h.state == HandoverState::kCancelled;
    return h.to_organization_id == caller.who.organization_id && !(live_only && ended);
  });
}

// What the ZCC discussed among itself (consultations, notes) is not the partner's.
bool ForPartner(const TimelineEntry& e) {
  return e.kind != TimelineKind::kConsult && e.kind != TimelineKind::kAdvice && e.kind != TimelineKind::kConsultEnded &&
         e.kind != TimelineKind::kNote;
}

// The case's live handover (requested or accepted; at most one), or null.
Handover* LiveHandover(std::vector<Handover>& hs) {
  for (auto& h : hs) {
    if (h.state == HandoverState::kRequested || h.state == HandoverState::kAccepted) return &h;
  }
  return nullptr;
}

}  // namespace

struct CaseService::Loaded {
  Case the_case;
  std::vector<Handover> handovers;
};

CaseService::CaseService(CaseStore& cases, RegionStore& regions, AuditStore& audit, CaseListener& listener,
                         std::vector<Complaint> complaints, std::shared_ptr<const PatientSeal> seal,
                         TimeTargets targets)
    : cases_(cases),
      regions_(regions),
      audit_(audit),
      listener_(listener),
      complaints_(std::move(complaints)),
      seal_(std::move(seal)),
      targets_(targets) {}

CaseService::~CaseService() = default;

PatientAccess CaseService::AccessOf(const Caller& caller, std::string action, std::string purpose,
                                    std::string outcome) const {
  return PatientAccessOf(caller, std::move(action), std::move(purpose), std::move(outcome));
}

Status CaseService::CheckPartner(const std::string& region_id, const std::string& organization_id,
                                 const std::string& unit_id, const std::string& field) {
  auto tree = regions_.GetRegion(region_id);
  if (!tree.ok()) return tree.status();
  const bool org_known = std::any_of(tree->organizations.begin(), tree->organizations.end(),
                                     [&](const Organization& o) { return o.id == organization_id; });
  if (!org_known) {
    return Status::Invalid("no such organisation in the region",
                           {{field + "organization_id", "not an organisation of region " + region_id}});
  }
  if (!unit_id.empty()) {
    const bool unit_known = std::any_of(tree->units.begin(), tree->units.end(), [&](const Unit& u) {
      return u.id == unit_id && u.organization_id == organization_id;
    });
    if (!unit_known) {
      return Status::Invalid("no such unit of the organisation",
                             {{field + "unit_id", "not a unit of organisation " + organization_id}});
    }
  }
  return Status::Ok();
}

Result<CaseView> CaseService::ViewOf(Case c) {
  CaseView v;
  auto triages = cases_.CaseTriages(c.id);
  if (!triages.ok()) return triages.status();
  auto timeline = cases_.CaseTimeline(c.id);
  if (!timeline.ok()) return timeline.status();
  auto handovers = cases_.CaseHandovers(c.id);
  if (!handovers.ok()) return handovers.status();
  v.triages = std::move(triages).value();
  v.timeline = std::move(timeline).value();
  v.handovers = std::move(handovers).value();
  v.due_at = DueAt(c, targets_);
  v.overdue = Overdue(c, Now(), targets_);
  v.the_case = std::move(c);
  return v;
}

Result<CaseView> CaseService::Commit(const Caller& caller, CaseWrite write, const std::string& audit_action) {
  write.audit.push_back(AuditOf(caller, audit_action, write.the_case.id, "ok"));
  CaseEvent e;
  e.kind = write.event_kind;
  const std::string about = write.event_handover_id;
  auto stored = cases_.WriteCase(std::move(write));
  if (!stored.ok()) return stored.status();
  e.region_id = stored->the_case.region_id;
  e.version = stored->region_version;
  e.at = stored->the_case.updated_at;
  e.case_now = stored->the_case;
  for (const Handover& h : stored->handovers) {
    if (h.id == about) e.handover = h;
  }
  if (!about.empty() && !e.handover) {
    auto h = cases_.GetHandover(about);
    if (h.ok()) e.handover = std::move(h).value();
  }
  if (e.handover) e.handover->sbar = {};  // the event carries no clinical text
  listener_.CaseChanged(e);
  return ViewOf(stored->the_case);
}

Result<CaseView> CaseService::Create(const Caller& caller, NewCase in) {
  const Time now = Now();
  if (in.region_id.empty()) in.region_id = caller.who.region_id;
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkCases, {in.region_id, ""}, "case.create", in.region_id));
  std::vector<FieldError> errors = ValidateNewCase(in, now, complaints_);
  if (in.patient && !seal_) {
    errors.push_back({"patient", "this server has no patient key: patient data cannot be stored"});
  }
  if (!errors.empty()) return Status::Invalid("the care request is not valid; nothing was stored", errors);
  auto tree = regions_.GetRegion(in.region_id);
  if (!tree.ok()) return tree.status();
  if (!in.subregion_id.empty() && std::none_of(tree->region.subregions.begin(), tree->region.subregions.end(),
                                               [&](const Subregion& s) { return s.id == in.subregion_id; })) {
    return Status::Invalid("no such subregion", {{"subregion_id", "not a subregion of region " + in.region_id}});
  }
  if (!in.requesting_organization_id.empty()) {
    OZCC_RETURN_IF_ERROR(CheckPartner(in.region_id, in.requesting_organization_id, "", "requesting_"));
  }

  Case c;
  c.id = NewId("c-");
  c.region_id = in.region_id;
  c.subregion_id = in.subregion_id;
  c.channel = in.channel;
  c.requesting_organization_id = in.requesting_organization_id;
  c.caller = in.caller;
  c.received_at = in.received_at.value_or(now);
  c.summary = in.summary;
  c.context = in.context;
  c.legal_basis = in.legal_basis;
  c.created_by = caller.who.name;
  c.created_at = now;
  c.updated_at = now;

  CaseWrite w;
  w.event_kind = TimelineKind::kCreated;
  std::string bsn_hash;
  if (in.patient) {
    if (!in.patient->bsn.empty()) bsn_hash = seal_->BsnHash(in.patient->bsn);
    if (!bsn_hash.empty()) {
      // A request for a patient with an open case joins that case.
      auto earlier = cases_.CasesOfPatient(bsn_hash, c.received_at - std::chrono::hours(24 * 365), 20);
      if (!earlier.ok()) return earlier.status();
      for (const auto& id : *earlier) {
        auto open = cases_.GetCase(id);
        if (!open.ok()) return open.status();
        if (open->region_id != c.region_id || open->state == CaseState::kClosed) continue;
        CaseWrite link;
        link.the_case = *open;
        link.expected_version = open->version;
        link.the_case.updated_at = now;
        link.event_kind = TimelineKind::kNote;
        link.timeline.push_back(Line(caller, TimelineKind::kNote,
                                     "new request for this patient via " + std::string(ToString(in.channel)) + ": " +
                                         in.summary.substr(0, 500)));
        PatientAccess a = AccessOf(caller, "patient.link", "intake", "ok");
        a.bsn_hash = bsn_hash;
        a.case_id = open->id;
        link.access.push_back(std::move(a));
        auto v = Commit(caller, std::move(link), "case.link");
        if (v.ok()) v->linked = true;
        return v;
      }
      auto contacts = cases_.ContactsOf(bsn_hash, c.received_at - kContactWindow, 1);
      if (!contacts.ok()) return contacts.status();
      auto recent = cases_.CasesOfPatient(bsn_hash, c.received_at - kContactWindow, 1);
      if (!recent.ok()) return recent.status();
      c.repeat_contact = !contacts->empty() || !recent->empty();
    }
    w.patient = seal_->Seal(*in.patient, c.id);
    c.has_patient = true;
    PatientAccess a = AccessOf(caller, "patient.write", "intake", "ok");
    a.bsn_hash = bsn_hash;
    a.case_id = c.id;
    w.access.push_back(std::move(a));
  }
  w.timeline.push_back(Line(caller, TimelineKind::kCreated,
                            "request via " + std::string(ToString(c.channel)) +
                                (c.repeat_contact ? "; another contact in the last 72 hours" : "")));
  if (in.urgency && !in.complaint.empty()) {
    c.urgency = in.urgency;
    c.complaint = in.complaint;
    c.state = CaseState::kTriaged;
    c.triaged_at = now;
    w.triage = TriageRecord{now, caller.who.name, *in.urgency, in.complaint, "triaged by the requester"};
    w.timeline.push_back(
        Line(caller, TimelineKind::kTriaged, std::string(ToString(*in.urgency)) + " " + in.complaint + " (at intake)"));
  } else if (!in.complaint.empty()) {
    c.complaint = in.complaint;
  }
  w.the_case = std::move(c);
  return Commit(caller, std::move(w), "case.create");
}

Result<CaseService::Loaded> CaseService::LoadForWork(const Caller& caller, const std::string& case_id,
                                                     const std::string& audit_action) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWorkCases, {c->region_id, ""}, audit_action, case_id));
  auto hs = cases_.CaseHandovers(case_id);
  if (!hs.ok()) return hs.status();
  return Loaded{std::move(c).value(), std::move(hs).value()};
}

Result<CaseView> CaseService::Get(const Caller& caller, const std::string& case_id) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  if (Authorize(caller.who, Action::kWorkCases, {c->region_id, ""}) == Decision::kAllow) return ViewOf(*c);
  auto hs = cases_.CaseHandovers(case_id);
  if (!hs.ok()) return hs.status();
  if (InvolvedPartner(caller, *hs) &&
      Authorize(caller.who, Action::kAnswerHandovers, {c->region_id, caller.who.organization_id}) == Decision::kAllow) {
    auto v = ViewOf(*c);
    if (!v.ok()) return v;
    // A partner sees its own handovers, not those to others, nor the ZCC's consultations.
    std::erase_if(v->handovers, [&](const Handover& h) { return h.to_organization_id != caller.who.organization_id; });
    std::erase_if(v->timeline, [](const TimelineEntry& e) { return !ForPartner(e); });
    return v;
  }
  AuditBestEffort(audit_, AuditOf(caller, "case.read", case_id, "denied"));
  if (c->has_patient) {
    // An attempt on a patient's case is an attempt on the patient: the
    // privacy officer finds it in the access log, not only in the audit log.
    auto sealed = cases_.CasePatient(case_id);
    PatientAccess a = AccessOf(caller, "case.read", "case", "denied");
    a.case_id = case_id;
    a.bsn_hash = sealed.ok() && *sealed ? (*sealed)->bsn_hash : "";
    if (Status st = cases_.AppendAccess({a}); !st.ok()) {
      spdlog::error("access log line not written (case {}, request {}): {}", case_id, caller.request_id, st.message());
    }
  }
  return Status::Forbidden("you may not read this case: it is not handed over to your organisation");
}

Result<std::vector<WorklistItem>> CaseService::Worklist(const Caller& caller, WorklistQuery query) {
  if (query.region_id.empty()) query.region_id = caller.who.region_id;
  if (query.region_id.empty()) {
    return Status::Invalid("name the region", {{"region", "required for a user without a region"}});
  }
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kWorkCases, {query.region_id, ""}, "case.list", query.region_id));
  // An unknown region is 404, not an empty list; its tree (units, locations) is not needed, and
  // loading it cost the worklist, which every coordinator's screen asks for, more than the cases.
  auto regions = regions_.ListRegions();
  if (!regions.ok()) return regions.status();
  if (std::none_of(regions->begin(), regions->end(), [&](const Region& r) { return r.id == query.region_id; })) {
    return Status::NotFound("unknown region: " + query.region_id);
  }
  CaseQuery q;
  q.region_id = query.region_id;
  q.states = query.states;
  q.channel = query.channel;
  q.subregion_id = query.subregion_id;
  q.limit = query.limit;
  auto cases = cases_.ListCases(q);
  if (!cases.ok()) return cases.status();
  std::vector<Case>& list = *cases;
  std::vector<Case*> open;
  std::vector<Case*> closed;
  for (auto& c : list) (c.state == CaseState::kClosed ? closed : open).push_back(&c);
  std::sort(open.begin(), open.end(), [](const Case* a, const Case* b) { return WorklistBefore(*a, *b); });
  std::sort(closed.begin(), closed.end(), [](const Case* a, const Case* b) {
    return a->closed_at.value_or(Time{}) > b->closed_at.value_or(Time{}) ||
           (a->closed_at == b->closed_at && a->id < b->id);
  });
  const Time now = Now();
  std::vector<WorklistItem> out;
  out.reserve(list.size());
  for (auto* group : {&open, &closed}) {
    for (Case* c : *group) out.push_back({std::move(*c), DueAt(*c, targets_), Overdue(*c, now, targets_)});
  }
  return out;
}

Result<CaseView> CaseService::Step(const Caller& caller, const std::string& case_id,
                                   std::optional<std::int64_t> if_match, CaseAction action,
                                   const std::string& audit_action,
                                   const std::function<Status(const Loaded&, CaseWrite&)>& apply) {
  auto loaded = LoadForWork(caller, case_id, audit_action);
  if (!loaded.ok()) return loaded.status();
  OZCC_RETURN_IF_ERROR(NeedVersion(if_match));
  if (*if_match != loaded->the_case.version) return Stale("the case", loaded->the_case.version);
  auto next = NextState(loaded->the_case.state, action);
  if (!next.ok()) return next.status();
  CaseWrite w;
  w.the_case = loaded->the_case;
  w.expected_version = loaded->the_case.version;
  w.the_case.state = *next;
  w.the_case.updated_at = Now();
  OZCC_RETURN_IF_ERROR(apply(*loaded, w));
  return Commit(caller, std::move(w), audit_action);
}

Result<CaseView> CaseService::Triage(const Caller& caller, const std::string& case_id,
                                     std::optional<std::int64_t> if_match, TriageInput in) {
  return Step(caller, case_id, if_match, CaseAction::kTriage, "case.triage", [&](const Loaded&, CaseWrite& w) {
    auto errors = ValidateTriage(in, complaints_);
    if (!errors.empty()) return Status::Invalid("the triage is not valid; nothing was stored", errors);
    Case& c = w.the_case;
    const bool retriage = c.urgency.has_value();
    c.urgency = in.urgency;
    c.complaint = in.complaint;
    if (in.context) c.context = *in.context;
    if (!c.triaged_at) c.triaged_at = c.updated_at;
    w.triage = TriageRecord{c.updated_at, caller.who.name, *in.urgency, in.complaint, in.note};
    w.timeline.push_back(Line(caller, TimelineKind::kTriaged,
                              std::string(retriage ? "re-triaged " : "") + std::string(ToString(*in.urgency)) + " " +
                                  in.complaint + (in.note.empty() ? "" : ": " + in.note)));
    w.event_kind = TimelineKind::kTriaged;
    return Status::Ok();
  });
}

Result<CaseView> CaseService::Consult(const Caller& caller, const std::string& case_id,
                                      std::optional<std::int64_t> if_match, ConsultInput in) {
  return Step(caller, case_id, if_match, CaseAction::kConsult, "case.consult", [&](const Loaded& l, CaseWrite& w) {
    std::vector<FieldError> errors = ValidateReason(in.question, "question");
    if (in.consultant.empty() || in.consultant.size() > kMaxNameBytes) {
      errors.push_back({"consultant", "required: who is asked, at most 200 bytes"});
    }
    if (!errors.empty()) return Status::Invalid("the consultation is not valid; nothing was stored", errors);
    if (!in.organization_id.empty()) {
      OZCC_RETURN_IF_ERROR(CheckPartner(l.the_case.region_id, in.organization_id, "", ""));
    }
    w.timeline.push_back(
        Line(caller, TimelineKind::kConsult,
             in.consultant + (in.organization_id.empty() ? "" : " (" + in.organization_id + ")") + ": " + in.question));
    w.event_kind = TimelineKind::kConsult;
    return Status::Ok();
  });
}

Result<CaseView> CaseService::Advice(const Caller& caller, const std::string& case_id,
                                     std::optional<std::int64_t> if_match, const std::string& advice) {
  auto loaded = LoadForWork(caller, case_id, "case.advice");
  if (!loaded.ok()) return loaded.status();
  OZCC_RETURN_IF_ERROR(NeedVersion(if_match));
  if (*if_match != loaded->the_case.version) return Stale("the case", loaded->the_case.version);
  if (loaded->the_case.state != CaseState::kInConsultation) {
    return Status::Conflict("case is " + std::string(ToString(loaded->the_case.state)) +
                            ": advice is recorded during a consultation");
  }
  auto errors = ValidateReason(advice, "advice");
  if (!errors.empty()) return Status::Invalid("the advice is not valid; nothing was stored", errors);
  CaseWrite w;
  w.the_case = loaded->the_case;
  w.expected_version = loaded->the_case.version;
  w.the_case.updated_at = Now();
  w.timeline.push_back(Line(caller, TimelineKind::kAdvice, advice));
  w.event_kind = TimelineKind::kAdvice;
  return Commit(caller, std::move(w), "case.advice");
}

Result<CaseView> CaseService::RecordPathway(const Caller& caller, const std::string& case_id,
                                            std::optional<std::int64_t> if_match, PathwayUse use,
                                            const Pathway& pathway) {
  auto loaded = LoadForWork(caller, case_id, "case.pathway");
  if (!loaded.ok()) return loaded.status();
  // The decision itself first: it does not depend on the case's version.
  if (use.pathway_id != pathway.id || use.pathway_version != pathway.version) {
    return Status::BadRequest("not the pathway version named",
                              {{"pathway_version", "the pathway looked up is " + pathway.id + " version " +
                                                       std::to_string(pathway.version)}});
  }
  const bool deviates = !use.deviation_reason.empty();
  if (deviates == !use.action_code.empty()) {
    return Status::Invalid("the pathway decision is not valid; nothing was stored",
                           {{use.action_code.empty() ? "action" : "deviation_reason",
                             "give either the action taken or the reason to deviate, not both"}});
  }
  if (deviates) {
    auto errors = ValidateReason(use.deviation_reason, "deviation_reason");
    if (!errors.empty()) return Status::Invalid("the deviation needs a reason; nothing was stored", errors);
  } else if (std::none_of(pathway.actions.begin(), pathway.actions.end(),
                          [&](const PathwayAction& a) { return a.code == use.action_code; })) {
    return Status::BadRequest("not an action of the pathway",
                              {{"action", "not an action of pathway " + pathway.id + " version " +
                                              std::to_string(pathway.version) + ": " + use.action_code.substr(0, 64)}});
  }
  OZCC_RETURN_IF_ERROR(NeedVersion(if_match));
  if (*if_match != loaded->the_case.version) return Stale("the case", loaded->the_case.version);
  if (loaded->the_case.state == CaseState::kClosed) {
    return Status::Conflict("case is closed: a pathway decision is recorded on an open case");
  }
  CaseWrite w;
  w.the_case = loaded->the_case;
  w.expected_version = loaded->the_case.version;
  w.the_case.updated_at = Now();
  const std::string named = pathway.id + " v" + std::to_string(pathway.version);
  w.timeline.push_back(
      Line(caller, TimelineKind::kPathway,
           deviates ? "deviated from " + named + ": " + use.deviation_reason : named + ": " + use.action_code));
  w.the_case.pathway = std::move(use);
  w.event_kind = TimelineKind::kPathway;
  return Commit(caller, std::move(w), "case.pathway");
}

Result<CaseView> CaseService::EndConsult(const Caller& caller, const std::string& case_id,
                                         std::optional<std::int64_t> if_match, const std::string& decision) {
  return Step(caller, case_id, if_match, CaseAction::kEndConsult, "case.end-consult", [&](const Loaded&, CaseWrite& w) {
    auto errors = ValidateReason(decision, "decision");
    if (!errors.empty()) return Status::Invalid("the decision is not valid; nothing was stored", errors);
    w.timeline.push_back(Line(caller, TimelineKind::kConsultEnded, decision));
    w.event_kind = TimelineKind::kConsultEnded;
    return Status::Ok();
  });
}

Result<CaseView> CaseService::HandOver(const Caller& caller, const std::string& case_id,
                                       std::optional<std::int64_t> if_match, HandoverRequest in) {
  return Step(caller, case_id, if_match, CaseAction::kHandOver, "case.hand-over", [&](const Loaded& l, CaseWrite& w) {
    auto errors = ValidateHandoverRequest(in);
    if (!errors.empty()) return Status::Invalid("the handover is not valid; nothing was stored", errors);
    OZCC_RETURN_IF_ERROR(CheckPartner(l.the_case.region_id, in.to_organization_id, in.to_unit_id, "to_"));
    const Time now = w.the_case.updated_at;
    std::vector<Handover> hs = l.handovers;
    if (Handover* live = LiveHandover(hs)) {
      Handover& old = *live;
      old.state = HandoverState::kCancelled;
      old.reason = "re-routed to " + in.to_organization_id;
      old.ended_at = now;
      w.handovers.push_back(old);
      w.timeline.push_back(
          Line(caller, TimelineKind::kWithdrawn, "handover to " + old.to_organization_id + " cancelled: re-routed"));
    }
    Handover h;
    h.id = NewId("h-");
    h.case_id = l.the_case.id;
    h.to_organization_id = in.to_organization_id;
    h.to_unit_id = in.to_unit_id;
    h.sbar = in.sbar;
    h.requested_by = caller.who.name;
    h.requested_at = now;
    h.due_at = HandoverDueAt(now, l.the_case.urgency.value_or(Urgency::kU5), targets_);
    w.handovers.push_back(h);
    w.timeline.push_back(Line(caller, TimelineKind::kHandedOver,
                              "to " + in.to_organization_id + (in.to_unit_id.empty() ? "" : " / " + in.to_unit_id)));
    w.event_kind = TimelineKind::kHandedOver;
    w.event_handover_id = h.id;
    return Status::Ok();
  });
}

Result<CaseView> CaseService::Withdraw(const Caller& caller, const std::string& case_id,
                                       std::optional<std::int64_t> if_match, const std::string& reason) {
  return Step(caller, case_id, if_match, CaseAction::kWithdraw, "case.withdraw", [&](const Loaded& l, CaseWrite& w) {
    auto errors = ValidateReason(reason);
    if (!errors.empty()) return Status::Invalid("give a reason; nothing was stored", errors);
    std::vector<Handover> hs = l.handovers;
    if (Handover* live = LiveHandover(hs)) {
      Handover& h = *live;
      h.state = HandoverState::kCancelled;
      h.reason = reason;
      h.ended_at = w.the_case.updated_at;
      w.handovers.push_back(h);
      w.event_handover_id = h.id;
    }
    w.timeline.push_back(Line(caller, TimelineKind::kWithdrawn, reason));
    w.event_kind = TimelineKind::kWithdrawn;
    return Status::Ok();
  });
}

Result<CaseView> CaseService::Close(const Caller& caller, const std::string& case_id,
                                    std::optional<std::int64_t> if_match, std::optional<Outcome> outcome,
                                    const std::string& note) {
  return Step(caller, case_id, if_match, CaseAction::kClose, "case.close", [&](const Loaded& l, CaseWrite& w) {
    if (!outcome) return Status::Invalid("name the outcome; nothing was stored", {{"outcome", "required"}});
    if (note.size() > kMaxReasonBytes) {
      return Status::Invalid("the note is too long; nothing was stored", {{"note", "at most 1000 bytes"}});
    }
    const Time now = w.the_case.updated_at;
    std::vector<Handover> hs = l.handovers;
    if (Handover* live = LiveHandover(hs)) {
      Handover& h = *live;
      // An accepted handover is done when its case closes; a requested one is moot.
      h.state = h.state == HandoverState::kAccepted ? HandoverState::kCompleted : HandoverState::kCancelled;
      if (h.state == HandoverState::kCancelled) h.reason = "case closed";
      h.ended_at = now;
      w.handovers.push_back(h);
      w.event_handover_id = h.id;
    }
    w.the_case.outcome = outcome;
    w.the_case.closed_at = now;
    w.timeline.push_back(
        Line(caller, TimelineKind::kClosed, std::string(ToString(*outcome)) + (note.empty() ? "" : ": " + note)));
    w.event_kind = TimelineKind::kClosed;
    return Status::Ok();
  });
}

Result<HandoverView> CaseService::GetHandover(const Caller& caller, const std::string& handover_id) {
  auto h = cases_.GetHandover(handover_id);
  if (!h.ok()) return h.status();
  auto c = cases_.GetCase(h->case_id);
  if (!c.ok()) return c.status();
  const bool zcc = Authorize(caller.who, Action::kWorkCases, {c->region_id, ""}) == Decision::kAllow;
  const bool partner =
      caller.who.organization_id == h->to_organization_id &&
      Authorize(caller.who, Action::kAnswerHandovers, {c->region_id, h->to_organization_id}) == Decision::kAllow;
  if (!zcc && !partner) {
    AuditBestEffort(audit_, AuditOf(caller, "handover.read", handover_id, "denied"));
    return Status::Forbidden("this handover is not addressed to your organisation");
  }
  return HandoverView{std::move(h).value(), std::move(c).value()};
}

Result<HandoverView> CaseService::Answer(const Caller& caller, const std::string& handover_id,
                                         std::optional<std::int64_t> if_match, bool accept, const std::string& text) {
  const std::string action = accept ? "handover.accept" : "handover.decline";
  for (int attempt = 0;; ++attempt) {
    auto h = cases_.GetHandover(handover_id);
    if (!h.ok()) return h.status();
    auto c = cases_.GetCase(h->case_id);
    if (!c.ok()) return c.status();
    if (caller.who.organization_id != h->to_organization_id ||
        Authorize(caller.who, Action::kAnswerHandovers, {c->region_id, h->to_organization_id}) != Decision::kAllow) {
      AuditBestEffort(audit_, AuditOf(caller, action, handover_id, "denied"));
      return Status::Forbidden("only the organisation a handover is addressed to answers it");
    }
    OZCC_RETURN_IF_ERROR(NeedVersion(if_match));
    if (*if_match != h->version) return Stale("the handover", h->version);
    if (!accept || !text.empty()) {
      auto errors = accept ? ValidateReason(text, "note") : ValidateReason(text);
      if (!errors.empty()) return Status::Invalid("the answer is not valid; nothing was stored", errors);
    }
    const HandoverState to = accept ? HandoverState::kAccepted : HandoverState::kRejected;
    OZCC_RETURN_IF_ERROR(CheckHandoverTransition(h->state, to));
    auto next = NextState(c->state, accept ? CaseAction::kAccept : CaseAction::kDecline);
    if (!next.ok()) return next.status();
    const Time now = Now();
    CaseWrite w;
    w.the_case = *c;
    w.expected_version = c->version;
    w.the_case.state = *next;
    w.the_case.updated_at = now;
    Handover answered = *h;
    answered.state = to;
    answered.answered_by = caller.who.name;
    answered.answered_at = now;
    if (!accept) answered.reason = text;
    w.handovers.push_back(answered);
    w.timeline.push_back(Line(caller, accept ? TimelineKind::kAccepted : TimelineKind::kDeclined,
                              h->to_organization_id + (text.empty() ? "" : ": " + text)));
    w.event_kind = accept ? TimelineKind::kAccepted : TimelineKind::kDeclined;
    w.event_handover_id = answered.id;
    auto view = Commit(caller, std::move(w), action);
    // A coordinator changed the case meanwhile (a line, a re-triage): answer again on the new version.
    if (!view.ok() && view.status().code() == Code::kPreconditionFailed && attempt < kRetries) continue;
    if (!view.ok()) return view.status();
    auto stored = cases_.GetHandover(handover_id);
    if (!stored.ok()) return stored.status();
    return HandoverView{std::move(stored).value(), view->the_case};
  }
}

Result<HandoverView> CaseService::Accept(const Caller& caller, const std::string& handover_id,
                                         std::optional<std::int64_t> if_match, const std::string& note) {
  return Answer(caller, handover_id, if_match, true, note);
}

Result<HandoverView> CaseService::Decline(const Caller& caller, const std::string& handover_id,
                                          std::optional<std::int64_t> if_match, const std::string& reason) {
  return Answer(caller, handover_id, if_match, false, reason);
}

Result<std::vector<HandoverView>> CaseService::Inbox(const Caller& caller, const std::string& organization_id,
                                                     bool all) {
  const std::string org = organization_id.empty() ? caller.who.organization_id : organization_id;
  if (org.empty()) {
    return Status::Invalid("name the organisation", {{"organization", "required for a user without one"}});
  }
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kAnswerHandovers, {caller.who.region_id, org}, "handover.inbox", org));
  std::vector<HandoverState> states;
  if (!all) states = {HandoverState::kRequested, HandoverState::kAccepted};
  auto hs = cases_.HandoversTo(org, states, 500);
  if (!hs.ok()) return hs.status();
  std::vector<HandoverView> out;
  out.reserve(hs->size());
  for (auto& h : *hs) {
    auto c = cases_.GetCase(h.case_id);
    if (!c.ok()) return c.status();
    out.push_back({std::move(h), std::move(c).value()});
  }
  return out;
}

Result<std::vector<HandoverView>> CaseService::SearchHandovers(const Caller& caller,
                                                               const std::vector<std::string>& region_ids,
                                                               const std::optional<std::vector<std::string>>& owners) {
  std::set<std::string> zcc_regions;
  for (const auto& r : region_ids) {
    if (Authorize(caller.who, Action::kWorkCases, {r, ""}) == Decision::kAllow) zcc_regions.insert(r);
  }
  const std::string& own = caller.who.organization_id;
  const bool partner =
      !own.empty() && Authorize(caller.who, Action::kAnswerHandovers, {caller.who.region_id, own}) == Decision::kAllow;
  if (zcc_regions.empty() && !partner) {
    AuditBestEffort(audit_, AuditOf(caller, "handover.search", "", "denied"));
    return Status::Forbidden("only the ZCC and partners that receive handovers search them");
  }
  const std::set<std::string> regions(region_ids.begin(), region_ids.end());
  std::vector<HandoverView> out;
  std::set<std::string> seen;
  std::map<std::string, Case> case_of;
  // Adds `hs` whose case is in `in` (and not added yet).
  auto add = [&](std::vector<Handover> hs, const std::set<std::string>& in) -> Status {
    for (auto& h : hs) {
      if (seen.contains(h.id)) continue;
      auto it = case_of.find(h.case_id);
      if (it == case_of.end()) {
        auto c = cases_.GetCase(h.case_id);
        if (!c.ok()) return c.status();
        it = case_of.emplace(h.case_id, std::move(c).value()).first;
      }
      if (!in.contains(it->second.region_id)) continue;
      seen.insert(h.id);
      out.push_back({std::move(h), it->second});
    }
    return Status::Ok();
  };
  if (partner) {
    auto hs = cases_.HandoversTo(own, {}, kHandoverSearchLimit);
    if (!hs.ok()) return hs.status();
    OZCC_RETURN_IF_ERROR(add(std::move(hs).value(), regions));
  }
  if (!zcc_regions.empty() && owners) {
    for (const auto& org : *owners) {
      auto hs = cases_.HandoversTo(org, {}, kHandoverSearchLimit);
      if (!hs.ok()) return hs.status();
      OZCC_RETURN_IF_ERROR(add(std::move(hs).value(), zcc_regions));
    }
  } else if (!zcc_regions.empty()) {
    for (const auto& r : zcc_regions) {
      CaseQuery q;
      q.region_id = r;
      auto open = cases_.ListCases(q);
      if (!open.ok()) return open.status();
      for (auto& c : *open) {
        auto hs = cases_.CaseHandovers(c.id);
        if (!hs.ok()) return hs.status();
        case_of.emplace(c.id, std::move(c));
        OZCC_RETURN_IF_ERROR(add(std::move(hs).value(), zcc_regions));
      }
    }
  }
  return out;
}

Result<Patient> CaseService::ReadPatient(const Caller& caller, const std::string& case_id, const std::string& purpose) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  auto log = [&](const std::string& outcome, bool break_glass, const std::string& bsn_hash) {
    PatientAccess a = AccessOf(caller, "patient.read", purpose.empty() ? "case" : purpose.substr(0, 200), outcome);
    a.case_id = case_id;
    a.bsn_hash = bsn_hash;
    a.break_glass = break_glass;
    if (Status st = cases_.AppendAccess({a}); !st.ok()) {
      spdlog::error("access log line not written (case {}, request {}): {}", case_id, caller.request_id, st.message());
      return st;
    }
    return Status::Ok();
  };
  bool allowed = Authorize(caller.who, Action::kReadPatient, {c->region_id, ""}) == Decision::kAllow;
  bool break_glass = false;
  if (!allowed && !caller.who.organization_id.empty()) {
    auto hs = cases_.CaseHandovers(case_id);
    if (!hs.ok()) return hs.status();
    allowed =
        InvolvedPartner(caller, *hs, /*live_only=*/true) &&
        Authorize(caller.who, Action::kReadPatient, {c->region_id, caller.who.organization_id}) == Decision::kAllow;
  }
  if (!allowed && Authorize(caller.who, Action::kBreakGlass, {c->region_id, ""}) == Decision::kAllow) {
    auto grant = cases_.ActiveBreakGlass(caller.who.name, case_id, Now());
    if (!grant.ok()) return grant.status();
    allowed = break_glass = grant->has_value();
  }
  auto sealed = cases_.CasePatient(case_id);
  if (!sealed.ok()) return sealed.status();
  const std::string bsn_hash = *sealed ? (*sealed)->bsn_hash : "";
  if (!allowed) {
    (void)log("denied", false, bsn_hash);  // logged above when it fails; the refusal stands
    AuditBestEffort(audit_, AuditOf(caller, "patient.read", case_id, "denied"));
    return Status::Forbidden("you may not read this case's patient data");
  }
  if (!*sealed) {
    OZCC_RETURN_IF_ERROR(log("not-found", break_glass, ""));
    return Status::NotFound("no patient data stored with case " + case_id);
  }
  if (!seal_) return Status::Unavailable("this server has no patient key: patient data is off");
  // Logged before it is given: no read without its line.
  OZCC_RETURN_IF_ERROR(log("ok", break_glass, bsn_hash));
  return seal_->Open(**sealed, case_id);
}

Result<BreakGlassGrant> CaseService::BreakGlass(const Caller& caller, const std::string& case_id,
                                                const std::string& reason) {
  auto c = cases_.GetCase(case_id);
  if (!c.ok()) return c.status();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kBreakGlass, {c->region_id, ""}, "patient.break-glass", case_id));
  auto errors = ValidateReason(reason);
  if (!errors.empty()) return Status::Invalid("break-glass needs a reason; nothing was granted", errors);
  const Time now = Now();
  BreakGlassGrant g;
  g.username = caller.who.name;
  g.case_id = case_id;
  g.reason = reason;
  g.granted_at = now;
  g.expires_at = now + kBreakGlassFor;
  PatientAccess a = AccessOf(caller, "patient.break-glass", "break-glass: " + reason.substr(0, 200), "ok");
  a.case_id = case_id;
  a.break_glass = true;
  return cases_.GrantBreakGlass(std::move(g), a, AuditOf(caller, "patient.break-glass", case_id, "ok"));
}

Result<size_t> CaseService::EscalateDue(Time now) {
  auto due = cases_.HandoversDue(now, 100);
  if (!due.ok()) return due.status();
  size_t escalated = 0;
  const Caller system{Principal{PrincipalKind::kUser, "system", Role::kAdmin, "", ""}, "escalation", "system"};
  for (const Handover& h : *due) {
    auto c = cases_.GetCase(h.case_id);
    if (!c.ok()) return c.status();
    CaseWrite w;
    w.the_case = *c;
    w.expected_version = c->version;
    w.the_case.updated_at = now;
    Handover e = h;
    e.escalations += 1;
    e.due_at = HandoverDueAt(now, c->urgency.value_or(Urgency::kU5), targets_);
    w.handovers.push_back(e);
    w.timeline.push_back(TimelineEntry{
        Time{}, "system", TimelineKind::kEscalated,
        "no answer from " + h.to_organization_id + " in time (" + std::to_string(e.escalations) + "×): alerted again"});
    w.event_kind = TimelineKind::kEscalated;
    w.event_handover_id = h.id;
    auto done = Commit(system, std::move(w), "handover.escalate");
    if (done.ok()) {
      ++escalated;
    } else if (done.status().code() != Code::kPreconditionFailed) {
      // Another instance escalated it first, or the case moved on: the next round sees it.
      return done.status();
    }
  }
  return escalated;
}

}  // namespace ozcc::service
