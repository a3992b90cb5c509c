// Care requests ("cases") of the ZCC worklist: their vocabulary, the state
// machine, target times per urgency, the worklist order, the BSN 11-proef and
// the validation of a new case, its patient, a triage and a handover.
//
// Plain data and pure functions; no I/O, no clock (callers pass `now`);
// thread-safe. Wire names (ToString / Parse*) are stable: the API, the store
// and the UI use them.
//
// Patient data is kept apart from the case on purpose: `Case` carries no
// patient field, so nothing that lists, streams or logs cases can leak one.
// The patient (`Patient`) is read separately, under a legal basis, audited.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/complaints.h"

namespace ozcc {

// ---------------------------------------------------------------------------
// Vocabulary

// Where a request came from. Wire names: "hap", "112", "gp", "vvt",
// "hospital", "ggz", "self-triage", "other".
enum class Channel { kHap, k112, kGp, kVvt, kHospital, kGgz, kSelfTriage, kOther };

// NTS urgency (Nederlandse Triage Standaard). Wire names "U0" … "U5".
//   U0 ABCD failure: resuscitation      U1 unstable ABCD: immediately
//   U2 threat to ABCD / organ damage: as soon as possible (≤ 1 h)
//   U3 real chance of harm: within hours U4 negligible chance of harm: ≤ 24 h
//   U5 no chance of harm: advice / next working day
enum class Urgency { kU0, kU1, kU2, kU3, kU4, kU5 };

// Wire names "new", "triaged", "in-consultation", "handed-over", "accepted",
// "declined", "closed". The transitions are kCaseTransitions below.
enum class CaseState { kNew, kTriaged, kInConsultation, kHandedOver, kAccepted, kDeclined, kClosed };

// What a coordinator (or, for accept/decline, the receiving partner) does to
// a case. Wire names "triage", "consult", "end-consult", "hand-over",
// "accept", "decline", "withdraw", "close".
enum class CaseAction { kTriage, kConsult, kEndConsult, kHandOver, kAccept, kDecline, kWithdraw, kClose };

// How a closed case ended (the Rotterdam KPI list). Wire names
// "helped-by-zcc", "referred", "care-prevented", "ed-visit",
// "hospital-admission", "ambulance", "doctor-visit", "self-care-advice".
enum class Outcome {
  kHelpedByZcc,
  kReferred,
  kCarePrevented,
  kEdVisit,
  kHospitalAdmission,
  kAmbulance,
  kDoctorVisit,
  kSelfCareAdvice,
};

// Why patient data may be shared with the partners of a case (AVG / WGBO).
// Wire names "consent", "vital-interest", "treatment-relationship".
enum class LegalBasis { kConsent, kVitalInterest, kTreatmentRelationship };

// A handover to a partner. The wire names are the FHIR R4 Task.status codes
// they map to: "requested", "accepted", "rejected", "completed", "cancelled".
// `cancelled` (beyond the four of the issue) ends a handover the ZCC withdrew
// or re-routed, or one still open when the case was closed.
enum class HandoverState { kRequested, kAccepted, kRejected, kCompleted, kCancelled };

// One line of a case's timeline. Wire names "created", "triaged", "consult",
// "advice", "consult-ended", "handed-over", "accepted", "declined",
// "withdrawn", "escalated", "pathway", "note", "closed".
enum class TimelineKind {
  kCreated,
  kTriaged,
  kConsult,
  kAdvice,
  kConsultEnded,
  kHandedOver,
  kAccepted,
  kDeclined,
  kWithdrawn,
  kEscalated,
  kPathway,
  kNote,
  kClosed,
};

// Where the patient lives. Wire names "home-alone", "home-with-carer" (lives
// with someone who can give care), "assisted-living" (sheltered or assisted
// housing), "nursing-home" (verpleeghuis: its own staff are there), "other".
enum class LivingSituation { kHomeAlone, kHomeWithCarer, kAssistedLiving, kNursingHome, kOther };

// Care the patient is already known to receive. Wire names
// "district-nursing" (wijkverpleging), "home-care" (thuiszorg: personal
// care), "palliative-care" (in the palliative phase, a palliative team or
// GP involved), "ggz-treatment" (in treatment with mental-health services),
// "chronic-care" (a chronic condition under a GP or specialist programme:
// COPD, heart failure, diabetes), "recent-discharge" (home from hospital or
// surgery in the last days).
enum class KnownCare { kDistrictNursing, kHomeCare, kPalliativeCare, kGgzTreatment, kChronicCare, kRecentDischarge };

std::string_view ToString(LivingSituation s);
std::string_view ToString(KnownCare k);
std::optional<LivingSituation> ParseLivingSituation(std::string_view s);
std::optional<KnownCare> ParseKnownCare(std::string_view s);
inline constexpr std::array kAllLivingSituations{LivingSituation::kHomeAlone, LivingSituation::kHomeWithCarer,
                                                 LivingSituation::kAssistedLiving, LivingSituation::kNursingHome,
                                                 LivingSituation::kOther};
inline constexpr std::array kAllKnownCare{KnownCare::kDistrictNursing, KnownCare::kHomeCare,
                                          KnownCare::kPalliativeCare,  KnownCare::kGgzTreatment,
                                          KnownCare::kChronicCare,     KnownCare::kRecentDischarge};

std::string_view ToString(Channel c);
std::string_view ToString(Urgency u);
std::string_view ToString(CaseState s);
std::string_view ToString(CaseAction a);
std::string_view ToString(Outcome o);
std::string_view ToString(LegalBasis b);
std::string_view ToString(HandoverState s);
std::string_view ToString(TimelineKind k);
std::optional<Channel> ParseChannel(std::string_view s);
std::optional<Urgency> ParseUrgency(std::string_view s);
std::optional<CaseState> ParseCaseState(std::string_view s);
std::optional<CaseAction> ParseCaseAction(std::string_view s);
std::optional<Outcome> ParseOutcome(std::string_view s);
std::optional<LegalBasis> ParseLegalBasis(std::string_view s);
std::optional<HandoverState> ParseHandoverState(std::string_view s);
std::optional<TimelineKind> ParseTimelineKind(std::string_view s);

// Every value, in declaration order (for error messages, tests, the UI).
inline constexpr std::array kAllChannels{Channel::kHap,      Channel::k112, Channel::kGp,         Channel::kVvt,
                                         Channel::kHospital, Channel::kGgz, Channel::kSelfTriage, Channel::kOther};
inline constexpr std::array kAllUrgencies{Urgency::kU0, Urgency::kU1, Urgency::kU2,
                                          Urgency::kU3, Urgency::kU4, Urgency::kU5};
inline constexpr std::array kAllCaseStates{CaseState::kNew,        CaseState::kTriaged,  CaseState::kInConsultation,
                                           CaseState::kHandedOver, CaseState::kAccepted, CaseState::kDeclined,
                                           CaseState::kClosed};
inline constexpr std::array kAllCaseActions{CaseAction::kTriage,   CaseAction::kConsult, CaseAction::kEndConsult,
                                            CaseAction::kHandOver, CaseAction::kAccept,  CaseAction::kDecline,
                                            CaseAction::kWithdraw, CaseAction::kClose};
inline constexpr std::array kAllOutcomes{Outcome::kHelpedByZcc, Outcome::kReferred,          Outcome::kCarePrevented,
                                         Outcome::kEdVisit,     Outcome::kHospitalAdmission, Outcome::kAmbulance,
                                         Outcome::kDoctorVisit, Outcome::kSelfCareAdvice};
inline constexpr std::array kAllLegalBases{LegalBasis::kConsent, LegalBasis::kVitalInterest,
                                           LegalBasis::kTreatmentRelationship};
inline constexpr std::array kAllHandoverStates{HandoverState::kRequested, HandoverState::kAccepted,
                                               HandoverState::kRejected, HandoverState::kCompleted,
                                               HandoverState::kCancelled};

// ---------------------------------------------------------------------------
// Data

// The person the request is about. Every field is patient data: encrypted at
// rest, read only by those involved, every access audited; never in a case
// list, an event, a log line or an error message.
struct Patient {
  std::string bsn;   // Burgerservicenummer, 9 digits; empty when unknown (ValidBsn)
  std::string name;  // as the caller gives it
  std::optional<Date> birth_date;
  std::string address;     // free text: street, number, town
  std::string gp;          // own GP (huisarts) or practice
  std::string summary;     // professional summary (medical history, situation)
  std::string medication;  // medication overview
  std::string allergies;
  bool operator==(const Patient&) const = default;
};

inline constexpr int kMaxAgeYears = 130;

// What the triagist learns about the patient's situation, for the pathway
// conditions (core/pathways.h). Unknown stays nullopt: a pathway is then
// proposed with the condition marked unchecked. Kept on the case, not the
// patient, so a request about an unnamed person ("an old man who lives
// alone") still gets a proposal; it identifies no one and goes into no event.
struct CaseContext {
  std::optional<int> age_years;  // as told, when no birth date is known; 0…130
  std::optional<LivingSituation> living;
  std::optional<std::vector<KnownCare>> known_care;  // nullopt: not asked; empty: none
  bool operator==(const CaseContext&) const = default;
};

// Who called on behalf of the requesting organisation (or the patient).
struct Caller {
  std::string name;
  std::string role;   // "triagist HAP", "wijkverpleegkundige", "dochter"
  std::string phone;  // call-back number: digits, spaces and + - ( ) .
  bool operator==(const Caller&) const = default;
};

// What intake submits (POST /cases), after parsing, before validation.
struct NewCase {
  std::string region_id;
  std::string subregion_id;  // optional
  Channel channel = Channel::kOther;
  std::string requesting_organization_id;  // optional: an organisation of the region
  Caller caller;
  std::optional<Time> received_at;  // default: now
  std::string summary;              // the request in a few lines (required)
  std::optional<Patient> patient;
  std::optional<LegalBasis> legal_basis;  // required when a patient is given
  std::optional<Urgency> urgency;         // when the requester already triaged
  std::string complaint;                  // entry complaint code, optional at intake
  CaseContext context;
};

// The pathway a case followed, or deviated from.
struct PathwayUse {
  std::string pathway_id;
  int pathway_version = 0;
  std::string action_code;       // the proposed action taken; empty when the coordinator deviated
  std::string deviation_reason;  // required when action_code is empty (counted as "deviated")
  bool operator==(const PathwayUse&) const = default;
};

// A care request. Invariants the service keeps (and store contracts check):
// state ≠ new ⇒ urgency and complaint are set; state = closed ⇔ outcome and
// closed_at are set; state = handed-over ⇔ exactly one handover of the case
// is requested; state = accepted ⇔ exactly one is accepted.
struct Case {
  std::string id;
  std::string region_id;
  std::string subregion_id;
  Channel channel = Channel::kOther;
  std::string requesting_organization_id;
  Caller caller;
  Time received_at{};  // the patient's waiting time and every target count from here
  std::string summary;
  std::optional<Urgency> urgency;  // the current triage
  std::string complaint;           // the current entry complaint code
  CaseContext context;             // for the pathway conditions
  CaseState state = CaseState::kNew;
  std::optional<Outcome> outcome;
  std::optional<LegalBasis> legal_basis;
  bool has_patient = false;     // a Patient is stored with the case
  bool repeat_contact = false;  // the patient had another contact in the 72 h before (NTS alarm signal)
  std::optional<PathwayUse> pathway;
  std::string created_by;
  Time created_at{};
  Time updated_at{};
  std::optional<Time> triaged_at;  // first triage (time to triage)
  std::optional<Time> closed_at;
  std::int64_t version = 0;  // bumped on every change; the ETag
  bool operator==(const Case&) const = default;
};

// One triage of a case. Re-triage appends; nothing is overwritten.
struct TriageRecord {
  Time at{};
  std::string by;
  Urgency urgency = Urgency::kU5;
  std::string complaint;
  std::string note;
  bool operator==(const TriageRecord&) const = default;
};

// What a triage (or re-triage) submits.
struct TriageInput {
  std::optional<Urgency> urgency;  // required
  std::string complaint;           // required, a known code
  std::string note;
  std::optional<CaseContext> context;  // replaces the case's context when given
};

// Who did what when. `detail` is short text for the case view; never a BSN.
struct TimelineEntry {
  Time at{};
  std::string actor;  // user name, "token:<name>" or "system"
  TimelineKind kind = TimelineKind::kNote;
  std::string detail;
  bool operator==(const TimelineEntry&) const = default;
};

// SBAR summary of a handover.
struct Sbar {
  std::string situation;  // required
  std::string background;
  std::string assessment;
  std::string recommendation;  // required: what the ZCC asks of the partner
  bool operator==(const Sbar&) const = default;
};

// What a coordinator submits to hand a case over.
struct HandoverRequest {
  std::string to_organization_id;  // required
  std::string to_unit_id;          // optional, where known
  Sbar sbar;
};

// A handover of a case to a partner (a FHIR Task later).
struct Handover {
  std::string id;
  std::string case_id;
  std::string to_organization_id;
  std::string to_unit_id;
  Sbar sbar;
  HandoverState state = HandoverState::kRequested;
  std::string reason;  // why rejected or cancelled
  std::string requested_by;
  std::string answered_by;  // who accepted or rejected
  Time requested_at{};
  Time due_at{};        // answer deadline: HandoverDueAt(requested_at, urgency); moved on by each escalation
  int escalations = 0;  // times the deadline passed unanswered (the partner alerted again)
  std::optional<Time> answered_at;
  std::optional<Time> ended_at;  // completed or cancelled
  std::int64_t version = 0;
  bool operator==(const Handover&) const = default;
};

// ---------------------------------------------------------------------------
// State machine

// One legal step: `action` on a case in `from` leaves it in `to`.
struct CaseTransition {
  CaseState from;
  CaseAction action;
  CaseState to;
};

// Every legal step; anything not listed is refused (409). Who may act is
// authz's business: accept and decline are the receiving partner's, the
// rest the ZCC's. Decisions:
// - Triage first: a case gets an urgency and an entry complaint before it is
//   consulted on, handed over or closed (NTS; the KPIs count by urgency).
// - Re-triage keeps the state (triaged, in-consultation) and appends a
//   TriageRecord; a declined case re-triaged is triaged again. While a
//   partner is deciding (handed-over) and after it accepted, the urgency it
//   was given stands: withdraw first.
// - One live handover per case. Handing over a handed-over case re-routes:
//   the open handover is cancelled and a new one requested (the escalation
//   path). Withdraw takes it back to triaged.
// - Declined returns the case to the ZCC, flagged: it may be re-triaged,
//   consulted on, handed over again or closed.
// - Accepted is closed once the partner has helped; the handover then
//   completes. For "we cannot come after all" the partner may still decline
//   (the handover is rejected and the case is the ZCC's again, flagged) and
//   the ZCC may withdraw (cancelled). Closing a handed-over case (the patient
//   turned up elsewhere) cancels the open handover.
// - Closed is final: a new request for the patient is a new case, linked
//   through the 72-hour contact history.
inline constexpr std::array<CaseTransition, 22> kCaseTransitions{{
    {CaseState::kNew, CaseAction::kTriage, CaseState::kTriaged},
    {CaseState::kTriaged, CaseAction::kTriage, CaseState::kTriaged},
    {CaseState::kTriaged, CaseAction::kConsult, CaseState::kInConsultation},
    {CaseState::kTriaged, CaseAction::kHandOver, CaseState::kHandedOver},
    {CaseState::kTriaged, CaseAction::kClose, CaseState::kClosed},
    {CaseState::kInConsultation, CaseAction::kTriage, CaseState::kInConsultation},
    {CaseState::kInConsultation, CaseAction::kConsult, CaseState::kInConsultation},
    {CaseState::kInConsultation, CaseAction::kEndConsult, CaseState::kTriaged},
    {CaseState::kInConsultation, CaseAction::kHandOver, CaseState::kHandedOver},
    {CaseState::kInConsultation, CaseAction::kClose, CaseState::kClosed},
    {CaseState::kHandedOver, CaseAction::kAccept, CaseState::kAccepted},
    {CaseState::kHandedOver, CaseAction::kDecline, CaseState::kDeclined},
    {CaseState::kHandedOver, CaseAction::kWithdraw, CaseState::kTriaged},
    {CaseState::kHandedOver, CaseAction::kHandOver, CaseState::kHandedOver},
    {CaseState::kHandedOver, CaseAction::kClose, CaseState::kClosed},
    {CaseState::kDeclined, CaseAction::kTriage, CaseState::kTriaged},
    {CaseState::kDeclined, CaseAction::kConsult, CaseState::kInConsultation},
    {CaseState::kDeclined, CaseAction::kHandOver, CaseState::kHandedOver},
    {CaseState::kDeclined, CaseAction::kClose, CaseState::kClosed},
    {CaseState::kAccepted, CaseAction::kClose, CaseState::kClosed},
    {CaseState::kAccepted, CaseAction::kDecline, CaseState::kDeclined},
    {CaseState::kAccepted, CaseAction::kWithdraw, CaseState::kTriaged},
}};

// The state `action` leaves a case in `from` in, or kConflict whose message
// says why not and what is possible ("case is new: triage it first (urgency
// and entry complaint)").
Result<CaseState> NextState(CaseState from, CaseAction action);

// Ok when some action takes a case from `from` to `to`; else kConflict
// naming the states reachable from `from`.
Status CheckTransition(CaseState from, CaseState to);

// The ZCC still owes the patient an answer: new, triaged, in-consultation,
// handed-over, declined. The target-time clock runs in these states.
bool IsOpenForZcc(CaseState s);

// Legal handover steps: requested → accepted | rejected | cancelled;
// accepted → completed | rejected | cancelled. Else kConflict naming why.
Status CheckHandoverTransition(HandoverState from, HandoverState to);

// ---------------------------------------------------------------------------
// Target times, escalation, worklist order

// Defaults to be configured per region. `care[u]`: time from received_at by
// which help should be arranged for urgency u; nullopt: no deadline.
// NTS norms (de-nts.nl "basisprincipes"; the seeds give none): U0
// resuscitation and U1 immediately (0: overdue from the first moment on a
// worklist; they belong with 112), U2 as soon as possible (60 min), U3 within
// a few hours (3 h), U4 within 24 h, U5 advice / next working day (no
// deadline: a calendar of working days is not core's business).
// `untriaged`: an untriaged case must be triaged within this (our choice, 10
// min). `handover_answer[u]`: how long a partner has to accept or decline
// before the handover escalates (alerted again, shown to the coordinator);
// our defaults, shorter for higher urgency (2 min repeats as in commercial
// handover tools for U0–U1; 5 min U2; 15 min U3; 1 h U4; 4 h U5).
struct TimeTargets {
  std::array<std::optional<std::chrono::minutes>, 6> care{std::chrono::minutes{0},    std::chrono::minutes{0},
                                                          std::chrono::minutes{60},   std::chrono::minutes{180},
                                                          std::chrono::minutes{1440}, std::nullopt};
  std::chrono::minutes untriaged{10};
  std::array<std::chrono::minutes, 6> handover_answer{std::chrono::minutes{2},  std::chrono::minutes{2},
                                                      std::chrono::minutes{5},  std::chrono::minutes{15},
                                                      std::chrono::minutes{60}, std::chrono::minutes{240}};
};

// When the case's target expires: received_at + care[urgency], or
// received_at + untriaged when it has no urgency; nullopt for no deadline
// (U5).
std::optional<Time> DueAt(const Case& c, const TimeTargets& t = {});

// True when the ZCC still owes an answer (IsOpenForZcc) and `now` is past
// DueAt. Accepted and closed cases are never overdue.
bool Overdue(const Case& c, Time now, const TimeTargets& t = {});

// A handover's answer deadline.
Time HandoverDueAt(Time requested_at, Urgency u, const TimeTargets& t = {});

// True while the handover is requested and `now` is past its due_at.
bool HandoverOverdue(const Handover& h, Time now);

// The worklist band of a case, 0 first: U0 → 0, U1 → 1, no urgency yet → 2,
// U2 → 3, U3 → 4, U4 → 5, U5 → 6. An untriaged request could be anything up
// to U1, so it sits above all that can wait an hour (and its 10-minute
// triage target flags it), but below what is known to be life-threatening.
// A request that arrives with an urgency (a triaged HAP call) is in its
// urgency's band. Stable numbers: a store may keep them in an indexed column.
int WorklistBand(const Case& c);

// The worklist order: band, then longest waiting (earliest received_at),
// then id. A strict weak order for std::sort.
bool WorklistBefore(const Case& a, const Case& b);

// ---------------------------------------------------------------------------
// Patient identity and validation

// The BSN 11-proef: exactly 9 digits d1…d9 with 9·d1 + 8·d2 + … + 2·d8 − d9
// divisible by 11, and not 000000000. (An 8-digit BSN is written with a
// leading 0.) Nothing but the 9 digits: no spaces, dots or signs.
bool ValidBsn(std::string_view bsn);

// Completed years from `birth` to `on` (0 before the first birthday).
int AgeYears(Date birth, Date on);

// Text bounds, in bytes.
inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::size_t kMaxAddressBytes = 500;
inline constexpr std::size_t kMaxSummaryBytes = 4000;
inline constexpr std::size_t kMaxAllergiesBytes = 2000;
inline constexpr std::size_t kMaxReasonBytes = 1000;
inline constexpr std::size_t kMaxPhoneBytes = 32;
inline constexpr std::size_t kMaxSbarFieldBytes = 2000;
// How far in the past a received_at may lie (a request typed in after an
// outage); a typo of a year would otherwise top the worklist for ever.
inline constexpr std::chrono::hours kMaxReceivedAge{24 * 7};

// Field names are prefixed with `prefix` ("patient."). Rules: a bsn or a
// name; bsn empty or ValidBsn (the message never repeats the number); name,
// gp ≤ 200 bytes on one line; address ≤ 500; summary, medication ≤ 4000;
// allergies ≤ 2000; birth_date a real date, from 1900-01-01, not after today
// (today: the date at now + 14 h, the latest local date anywhere, so a child
// born after midnight in the Netherlands is not "in the future"). Text must
// be valid UTF-8 without control characters (tab and line breaks allowed in
// the multi-line fields).
std::vector<FieldError> ValidatePatient(const Patient& p, Time now, const std::string& prefix = "patient.");

// Rules: region_id an id; subregion_id and requesting_organization_id ids
// when given; summary 1–4000 bytes; caller name/role ≤ 200 bytes, phone ≤ 32
// of digits, spaces and + - ( ) .; received_at not more than 5 minutes ahead
// of now nor more than kMaxReceivedAge behind; a patient per ValidatePatient
// and then legal_basis is required; complaint, when given, in `complaints`,
// and required with an urgency;
// context.age_years 0…130 and known care listed once.
// Whether the region, subregion and organisation exist is the service's
// check (it knows the region).
std::vector<FieldError> ValidateNewCase(const NewCase& in, Time now, const std::vector<Complaint>& complaints);

// Rules: urgency required; complaint required and in `complaints`; note ≤
// 2000 bytes; the context as for a new case.
std::vector<FieldError> ValidateTriage(const TriageInput& in, const std::vector<Complaint>& complaints);

// Rules: to_organization_id an id; to_unit_id an id when given; situation and
// recommendation required; each SBAR field ≤ 2000 bytes.
std::vector<FieldError> ValidateHandoverRequest(const HandoverRequest& in);

// A reason (decline, withdraw, deviation from a pathway): required, ≤ 1000
// bytes, no control characters but line breaks. Named `field`.
std::vector<FieldError> ValidateReason(std::string_view reason, const std::string& field = "reason");

// ---------------------------------------------------------------------------
// The 72-hour contact history

// How far back a patient's contacts count (NTS: a second contact within it is
// an alarm signal) and what a contact search returns.
inline constexpr std::chrono::hours kContactWindow{72};

// A contact of a patient with a partner, as the partner's system reports it.
// The reporting organisation is the feed token's, never the body's.
struct NewContact {
  std::string bsn;         // required, ValidBsn
  std::optional<Time> at;  // when the contact took place; required
  std::string kind;        // ValidContactKind
  std::optional<Urgency> urgency;
  std::string advice;  // what the patient was told or given; ≤ 2000 bytes
};

// What kind of contact: "hap-call", "hap-visit", "gp-visit", "ambulance",
// "ed-visit", "hospital-admission", "district-nursing", "ggz-crisis",
// "pharmacy", "other".
bool ValidContactKind(std::string_view kind);
const std::vector<std::string_view>& ContactKinds();

// Rules: bsn required and ValidBsn (never echoed); at required, not more than
// 5 minutes ahead of now nor more than kMaxReceivedAge behind; kind one of
// ContactKinds; advice ≤ 2000 bytes, no control characters but line breaks.
std::vector<FieldError> ValidateNewContact(const NewContact& in, Time now);

}  // namespace ozcc
