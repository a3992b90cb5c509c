// The ZCC worklist's use cases: take in a care request, triage it, consult,
// hand it over to a partner who accepts or declines, close it with an
// outcome; the worklist; the partner's inbox; patient data under NEN 7513
// (every access logged, break-glass for an admin); the escalation timer of
// unanswered handovers. Transport-neutral; thread-safe.
//
// Who may do what (core/authz.h):
// - the worklist, a case and every change of it but accept/decline:
//   kWorkCases in the case's region (zcc-coordinator, admin);
// - a case handed over to an organisation, and accept/decline of its
//   handover: kAnswerHandovers for that organisation (its org-user and
//   org-capacity-manager); they see the case (no patient data) and, with
//   kReadPatient, its patient;
// - patient data: kReadPatient (zcc-coordinator of the region; a partner
//   once a handover is addressed to it); an admin only through break-glass.
// Every read or write of patient data, and every refused attempt, is a line
// of the access log; a refused change of a case is audited.
//
// Concurrency: every change names the version it changes (`if_match`, the
// ETag): nullopt → kPreconditionRequired; not the current one →
// kPreconditionFailed; an illegal step of the state machine → kConflict
// naming why (core/cases.h kCaseTransitions).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cases.h"
#include "core/complaints.h"
#include "core/pathways.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/case_store.h"
#include "store/region_store.h"

namespace ozcc::service {

class PatientSeal;

// Told of every committed change of a case, after its commit (live streams).
class CaseListener {
 public:
  virtual ~CaseListener() = default;
  virtual void CaseChanged(const CaseEvent& event) = 0;
};

// A case with what happened to it.
struct CaseView {
  Case the_case;
  std::vector<TriageRecord> triages;    // oldest first
  std::vector<TimelineEntry> timeline;  // oldest first
  std::vector<Handover> handovers;      // oldest first
  std::optional<Time> due_at;           // DueAt: when the ZCC's target expires
  bool overdue = false;
  bool linked = false;  // Create: the request was added to the patient's open case
};

// One line of the worklist.
struct WorklistItem {
  Case the_case;
  std::optional<Time> due_at;
  bool overdue = false;
};

struct WorklistQuery {
  std::string region_id;  // empty: the caller's region
  CaseQuery::States states = CaseQuery::States::kOpen;
  std::optional<Channel> channel;
  std::string subregion_id;
  size_t limit = 500;  // closed cases, newest closed first
};

// Asking a regiearts or a partner's specialist for advice.
struct ConsultInput {
  std::string consultant;       // who is asked: name and role ("regiearts J. de Vries")
  std::string organization_id;  // their organisation, when a partner's
  std::string question;         // required
};

// A handover answered by the partner.
struct HandoverView {
  Handover handover;
  Case the_case;
};

class CaseService {
 public:
  // `seal`: null when the server has no patient key (patient data is then
  // refused, everything else works). `complaints`: the triage vocabulary.
  CaseService(CaseStore& cases, RegionStore& regions, AuditStore& audit, CaseListener& listener,
              std::vector<Complaint> complaints, std::shared_ptr<const PatientSeal> seal, TimeTargets targets = {});
  ~CaseService();

  const std::vector<Complaint>& complaints() const { return complaints_; }
  const TimeTargets& targets() const { return targets_; }
  bool has_patient_key() const { return seal_ != nullptr; }

  // A new care request. kInvalid naming the fields (core ValidateNewCase; an
  // unknown subregion or organisation of the region; a patient on a server
  // without a patient key); kNotFound for an unknown region; kForbidden. A
  // request with urgency and complaint is triaged at once. With a BSN: a case
  // of the patient still open in the region gets the request on its timeline
  // instead (linked = true, nothing new is created); another contact of the
  // patient in the 72 hours before marks it a repeat contact.
  Result<CaseView> Create(const Caller& caller, NewCase in);
  // A case with its history: kNotFound; kForbidden unless the caller works
  // the region's cases or a handover of the case is addressed to its
  // organisation.
  Result<CaseView> Get(const Caller& caller, const std::string& case_id);
  // The worklist: open cases in worklist order (WorklistBefore), or closed
  // ones newest first. kForbidden, kNotFound (region).
  Result<std::vector<WorklistItem>> Worklist(const Caller& caller, WorklistQuery query);

  Result<CaseView> Triage(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                          TriageInput in);
  Result<CaseView> Consult(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                           ConsultInput in);
  // The consultant's advice, logged on a case in consultation.
  Result<CaseView> Advice(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                          const std::string& advice);
  // Ends the consultation with the coordinator's decision.
  Result<CaseView> EndConsult(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                              const std::string& decision);
  // Hands the case over (a live handover is cancelled: re-routing). kInvalid
  // for an organisation or unit not of the region.
  Result<CaseView> HandOver(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                            HandoverRequest in);
  // Records the coordinator's decision on the pathway proposal: `use` names
  // `pathway` (the stored version it names, looked up by the caller) and
  // either one of that version's action codes, taken, or a deviation from it
  // with a reason (ValidateReason). Not a step of the state machine: any open
  // case; kConflict on a closed one; kInvalid naming "action" or
  // "deviation_reason" (neither or both given; a reason ValidateReason
  // refuses); kBadRequest naming "action" for a code not of the version. The
  // decision is checked before the case's version (If-Match). Adds a pathway
  // line to the timeline and a pathway event.
  Result<CaseView> RecordPathway(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                                 PathwayUse use, const Pathway& pathway);
  // Takes a handover back (the case is triaged again).
  Result<CaseView> Withdraw(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                            const std::string& reason);
  Result<CaseView> Close(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                         std::optional<Outcome> outcome, const std::string& note);

  // The partner's answer. `if_match`: the handover's version. Accepting
  // needs no reason; declining does (ValidateReason).
  Result<HandoverView> Accept(const Caller& caller, const std::string& handover_id,
                              std::optional<std::int64_t> if_match, const std::string& note);
  Result<HandoverView> Decline(const Caller& caller, const std::string& handover_id,
                               std::optional<std::int64_t> if_match, const std::string& reason);
  // A handover and its case, for the partner it is addressed to or the ZCC.
  Result<HandoverView> GetHandover(const Caller& caller, const std::string& handover_id);
  // The handovers addressed to an organisation (empty: the caller's), open
  // ones (requested, accepted) unless `all`; newest first.
  Result<std::vector<HandoverView>> Inbox(const Caller& caller, const std::string& organization_id, bool all);

  // The handovers a FHIR Task search may return, in `region_ids`: to a
  // partner's user (kAnswerHandovers for its organisation) the newest
  // kHandoverSearchLimit addressed to its organisation, whatever `owners`
  // names; to the ZCC (kWorkCases in a region) those of each organisation in
  // `owners` (the newest kHandoverSearchLimit each) or, without owners, every
  // handover of the regions' open cases. Anyone else: kForbidden (audited).
  Result<std::vector<HandoverView>> SearchHandovers(const Caller& caller, const std::vector<std::string>& region_ids,
                                                    const std::optional<std::vector<std::string>>& owners);
  static constexpr size_t kHandoverSearchLimit = 500;

  // The case's patient: logged (action patient.read, the purpose given) and
  // refused attempts too. kNotFound when the case has none; kUnavailable on a
  // server without a patient key; kForbidden.
  Result<Patient> ReadPatient(const Caller& caller, const std::string& case_id, const std::string& purpose);
  // Break-glass: an admin (kBreakGlass) may read the case's patient for
  // kBreakGlassFor, with a reason, flagged for the privacy officer.
  Result<BreakGlassGrant> BreakGlass(const Caller& caller, const std::string& case_id, const std::string& reason);
  static constexpr std::chrono::minutes kBreakGlassFor{30};

  // The escalation timer: every requested handover past its deadline is
  // escalated once per answer window (the partner is alerted again, the
  // coordinator sees it on the case). Returns how many were escalated.
  Result<size_t> EscalateDue(Time now);

 private:
  struct Loaded;
  Result<Loaded> LoadForWork(const Caller& caller, const std::string& case_id, const std::string& audit_action);
  Result<CaseView> Commit(const Caller& caller, CaseWrite write, const std::string& audit_action);
  Result<CaseView> ViewOf(Case c);
  Result<CaseView> Step(const Caller& caller, const std::string& case_id, std::optional<std::int64_t> if_match,
                        CaseAction action, const std::string& audit_action,
                        const std::function<Status(const Loaded&, CaseWrite&)>& apply);
  Result<HandoverView> Answer(const Caller& caller, const std::string& handover_id,
                              std::optional<std::int64_t> if_match, bool accept, const std::string& text);
  Status CheckPartner(const std::string& region_id, const std::string& organization_id, const std::string& unit_id,
                      const std::string& field);
  PatientAccess AccessOf(const Caller& caller, std::string action, std::string purpose, std::string outcome) const;

  CaseStore& cases_;
  RegionStore& regions_;
  AuditStore& audit_;
  CaseListener& listener_;
  std::vector<Complaint> complaints_;
  std::shared_ptr<const PatientSeal> seal_;
  TimeTargets targets_;
};

}  // namespace ozcc::service
