#include "core/cases.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "base/utf8.h"
#include "core/validate.h"

namespace ozcc {

namespace {

template <class E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<Channel, 8> kChannels{{{Channel::kHap, "hap"},
                                       {Channel::k112, "112"},
                                       {Channel::kGp, "gp"},
                                       {Channel::kVvt, "vvt"},
                                       {Channel::kHospital, "hospital"},
                                       {Channel::kGgz, "ggz"},
                                       {Channel::kSelfTriage, "self-triage"},
                                       {Channel::kOther, "other"}}};
constexpr Names<Urgency, 6> kUrgencies{{{Urgency::kU0, "U0"},
                                        {Urgency::kU1, "U1"},
                                        {Urgency::kU2, "U2"},
                                        {Urgency::kU3, "U3"},
                                        {Urgency::kU4, "U4"},
                                        {Urgency::kU5, "U5"}}};
constexpr Names<CaseState, 7> kCaseStates{{{CaseState::kNew, "new"},
                                           {CaseState::kTriaged, "triaged"},
                                           {CaseState::kInConsultation, "in-consultation"},
                                           {CaseState::kHandedOver, "handed-over"},
                                           {CaseState::kAccepted, "accepted"},
                                           {CaseState::kDeclined, "declined"},
                                           {CaseState::kClosed, "closed"}}};
constexpr Names<CaseAction, 8> kCaseActions{{{CaseAction::kTriage, "triage"},
                                             {CaseAction::kConsult, "consult"},
                                             {CaseAction::kEndConsult, "end-consult"},
                                             {CaseAction::kHandOver, "hand-over"},
                                             {CaseAction::kAccept, "accept"},
                                             {CaseAction::kDecline, "decline"},
                                             {CaseAction::kWithdraw, "withdraw"},
                                             {CaseAction::kClose, "close"}}};
constexpr Names<Outcome, 8> kOutcomes{{{Outcome::kHelpedByZcc, "helped-by-zcc"},
                                       {Outcome::kReferred, "referred"},
                                       {Outcome::kCarePrevented, "care-prevented"},
                                       {Outcome::kEdVisit, "ed-visit"},
                                       {Outcome::kHospitalAdmission, "hospital-admission"},
                                       {Outcome::kAmbulance, "ambulance"},
                                       {Outcome::kDoctorVisit, "doctor-visit"},
                                       {Outcome::kSelfCareAdvice, "self-care-advice"}}};
constexpr Names<LegalBasis, 3> kLegalBases{{{LegalBasis::kConsent, "consent"},
                                            {LegalBasis::kVitalInterest, "vital-interest"},
                                            {LegalBasis::kTreatmentRelationship, "treatment-relationship"}}};
constexpr Names<HandoverState, 5> kHandoverStates{{{HandoverState::kRequested, "requested"},
                                                   {HandoverState::kAccepted, "accepted"},
                                                   {HandoverState::kRejected, "rejected"},
                                                   {HandoverState::kCompleted, "completed"},
                                                   {HandoverState::kCancelled, "cancelled"}}};
constexpr Names<TimelineKind, 13> kTimelineKinds{{{TimelineKind::kCreated, "created"},
                                                  {TimelineKind::kTriaged, "triaged"},
                                                  {TimelineKind::kConsult, "consult"},
                                                  {TimelineKind::kAdvice, "advice"},
                                                  {TimelineKind::kConsultEnded, "consult-ended"},
                                                  {TimelineKind::kHandedOver, "handed-over"},
                                                  {TimelineKind::kAccepted, "accepted"},
                                                  {TimelineKind::kDeclined, "declined"},
                                                  {TimelineKind::kWithdrawn, "withdrawn"},
                                                  {TimelineKind::kEscalated, "escalated"},
                                                  {TimelineKind::kPathway, "pathway"},
                                                  {TimelineKind::kNote, "note"},
                                                  {TimelineKind::kClosed, "closed"}}};

constexpr Names<LivingSituation, 5> kLiving{{{LivingSituation::kHomeAlone, "home-alone"},
                                             {LivingSituation::kHomeWithCarer, "home-with-carer"},
                                             {LivingSituation::kAssistedLiving, "assisted-living"},
                                             {LivingSituation::kNursingHome, "nursing-home"},
                                             {LivingSituation::kOther, "other"}}};
constexpr Names<KnownCare, 6> kKnownCare{{{KnownCare::kDistrictNursing, "district-nursing"},
                                          {KnownCare::kHomeCare, "home-care"},
                                          {KnownCare::kPalliativeCare, "palliative-care"},
                                          {KnownCare::kGgzTreatment, "ggz-treatment"},
                                          {KnownCare::kChronicCare, "chronic-care"},
                                          {KnownCare::kRecentDischarge, "recent-discharge"}}};

template <class E, size_t N>
std::string_view NameOf(const Names<E, N>& names, E e) {
  for (const auto& [k, v] : names) {
    if (k == e) return v;
  }
  return "unknown";
}

template <class E, size_t N>
std::optional<E> ValueOf(const Names<E, N>& names, std::string_view s) {
  for (const auto& [k, v] : names) {
    if (v == s) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Channel c) { return NameOf(kChannels, c); }
std::string_view ToString(Urgency u) { return NameOf(kUrgencies, u); }
std::string_view ToString(CaseState s) { return NameOf(kCaseStates, s); }
std::string_view ToString(CaseAction a) { return NameOf(kCaseActions, a); }
std::string_view ToString(Outcome o) { return NameOf(kOutcomes, o); }
std::string_view ToString(LegalBasis b) { return NameOf(kLegalBases, b); }
std::string_view ToString(HandoverState s) { return NameOf(kHandoverStates, s); }
std::string_view ToString(TimelineKind k) { return NameOf(kTimelineKinds, k); }
std::optional<Channel> ParseChannel(std::string_view s) { return ValueOf(kChannels, s); }
std::optional<Urgency> ParseUrgency(std::string_view s) { return ValueOf(kUrgencies, s); }
std::optional<CaseState> ParseCaseState(std::string_view s) { return ValueOf(kCaseStates, s); }
std::optional<CaseAction> ParseCaseAction(std::string_view s) { return ValueOf(kCaseActions, s); }
std::optional<Outcome> ParseOutcome(std::string_view s) { return ValueOf(kOutcomes, s); }
std::optional<LegalBasis> ParseLegalBasis(std::string_view s) { return ValueOf(kLegalBases, s); }
std::optional<HandoverState> ParseHandoverState(std::string_view s) { return ValueOf(kHandoverStates, s); }
std::optional<TimelineKind> ParseTimelineKind(std::string_view s) { return ValueOf(kTimelineKinds, s); }

std::string_view ToString(LivingSituation s) { return NameOf(kLiving, s); }
std::string_view ToString(KnownCare k) { return NameOf(kKnownCare, k); }
std::optional<LivingSituation> ParseLivingSituation(std::string_view s) { return ValueOf(kLiving, s); }
std::optional<KnownCare> ParseKnownCare(std::string_view s) { return ValueOf(kKnownCare, s); }

// ---------------------------------------------------------------------------
// State machine

namespace {

// Why `action` is not possible on a case in `from` (no row in the table).
std::string_view WhyNot(CaseState from, CaseAction action) {
  const bool handover_action =
      action == CaseAction::kAccept || action == CaseAction::kDecline || action == CaseAction::kWithdraw;
  if (from == CaseState::kClosed) return "a closed case is final; a new request for the patient is a new case";
  if (from == CaseState::kAccepted) {
    if (action == CaseAction::kAccept) return "the handover is already accepted";
    return "a partner has accepted it: close the case, or withdraw the handover first";
  }
  if (handover_action && from != CaseState::kHandedOver) return "there is no open handover";
  if (action == CaseAction::kEndConsult && from != CaseState::kInConsultation) return "there is no open consultation";
  if (from == CaseState::kNew) return "triage it first (urgency and entry complaint)";
  if (from == CaseState::kHandedOver) return "a partner is deciding on the handover: withdraw it first";
  return "not a step of the case state machine";
}

}  // namespace

Result<CaseState> NextState(CaseState from, CaseAction action) {
  for (const CaseTransition& t : kCaseTransitions) {
    if (t.from == from && t.action == action) return t.to;
  }
  return Status::Conflict("case is " + std::string(ToString(from)) + ": cannot " + std::string(ToString(action)) +
                          ": " + std::string(WhyNot(from, action)));
}

Status CheckTransition(CaseState from, CaseState to) {
  std::string reachable;
  for (CaseState s : kAllCaseStates) {
    bool found = std::any_of(kCaseTransitions.begin(), kCaseTransitions.end(),
                             [&](const CaseTransition& t) { return t.from == from && t.to == s; });
    if (!found) continue;
    if (s == to) return Status::Ok();
    reachable += (reachable.empty() ? "" : ", ") + std::string(ToString(s));
  }
  std::string msg = "a case cannot go from " + std::string(ToString(from)) + " to " + std::string(ToString(to));
  msg += reachable.empty() ? "; " + std::string(ToString(from)) + " is final"
                           : "; from " + std::string(ToString(from)) + " it can go to " + reachable;
  return Status::Conflict(msg);
}

bool IsOpenForZcc(CaseState s) { return s != CaseState::kAccepted && s != CaseState::kClosed; }

Status CheckHandoverTransition(HandoverState from, HandoverState to) {
  using S = HandoverState;
  bool ok = false;
  if (from == S::kRequested) ok = to == S::kAccepted || to == S::kRejected || to == S::kCancelled;
  if (from == S::kAccepted) ok = to == S::kCompleted || to == S::kRejected || to == S::kCancelled;
  if (ok) return Status::Ok();
  std::string why =
      from == S::kRequested || from == S::kAccepted ? "not a step of a handover" : "the handover has ended";
  return Status::Conflict("handover is " + std::string(ToString(from)) + ": cannot become " +
                          std::string(ToString(to)) + ": " + why);
}

// ---------------------------------------------------------------------------
// Target times, worklist order

std::optional<Time> DueAt(const Case& c, const TimeTargets& t) {
  if (!c.urgency) return c.received_at + t.untriaged;
  const auto& target = t.care[static_cast<size_t>(*c.urgency)];
  if (!target) return std::nullopt;
  return c.received_at + *target;
}

bool Overdue(const Case& c, Time now, const TimeTargets& t) {
  if (!IsOpenForZcc(c.state)) return false;
  std::optional<Time> due = DueAt(c, t);
  return due && now > *due;
}

Time HandoverDueAt(Time requested_at, Urgency u, const TimeTargets& t) {
  return requested_at + t.handover_answer[static_cast<size_t>(u)];
}

bool HandoverOverdue(const Handover& h, Time now) { return h.state == HandoverState::kRequested && now > h.due_at; }

int WorklistBand(const Case& c) {
  if (!c.urgency) return 2;
  auto u = static_cast<int>(*c.urgency);
  return u <= 1 ? u : u + 1;
}

bool WorklistBefore(const Case& a, const Case& b) {
  return std::forward_as_tuple(WorklistBand(a), a.received_at, a.id) <
         std::forward_as_tuple(WorklistBand(b), b.received_at, b.id);
}

// ---------------------------------------------------------------------------
// Patient identity and validation

bool ValidBsn(std::string_view bsn) {
  if (bsn.size() != 9) return false;
  int sum = 0;
  bool all_zero = true;
  for (size_t i = 0; i < 9; ++i) {
    char c = bsn[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    all_zero = all_zero && d == 0;
    sum += i < 8 ? d * static_cast<int>(9 - i) : -d;
  }
  return !all_zero && sum % 11 == 0;
}

int AgeYears(Date birth, Date on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (std::pair(static_cast<unsigned>(on.month()), static_cast<unsigned>(on.day())) <
      std::pair(static_cast<unsigned>(birth.month()), static_cast<unsigned>(birth.day()))) {
    --years;
  }
  return std::max(years, 0);
}

namespace {

enum class Lines { kOne, kMany };

// Checks one text field: required, length in bytes, UTF-8, control characters.
void CheckText(std::vector<FieldError>& errs, const std::string& field, std::string_view v, std::size_t max,
               bool required, Lines lines) {
  if (v.empty()) {
    if (required) errs.push_back({field, "is required"});
    return;
  }
  if (v.size() > max) {
    errs.push_back({field, "must be at most " + std::to_string(max) + " bytes"});
    return;
  }
  if (!ValidUtf8(v)) {
    errs.push_back({field, "must be valid UTF-8"});
    return;
  }
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    bool allowed_break = lines == Lines::kMany && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7F) && !allowed_break) {
      errs.push_back({field, lines == Lines::kOne
                                 ? "must be one line without control characters"
                                 : "must not contain control characters other than tab and line breaks"});
      return;
    }
  }
  if (required && v.find_first_not_of(" \t\r\n") == std::string_view::npos) errs.push_back({field, "is required"});
}

void CheckId(std::vector<FieldError>& errs, const std::string& field, const std::string& v, bool required) {
  if (v.empty()) {
    if (required) errs.push_back({field, "is required"});
    return;
  }
  if (!ValidId(v)) errs.push_back({field, std::string(kIdRuleMsg)});
}

void Append(std::vector<FieldError>& to, std::vector<FieldError> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

void CheckComplaint(std::vector<FieldError>& errs, const std::string& field, const std::string& code, bool required,
                    const std::vector<Complaint>& complaints) {
  if (code.empty()) {
    if (required) errs.push_back({field, "is required"});
    return;
  }
  if (!FindComplaint(complaints, code)) {
    // The code is echoed only when it looks like one (bounded, no odd bytes).
    errs.push_back({field, ValidComplaintCode(code) ? "unknown entry complaint \"" + code + "\""
                                                    : std::string("unknown entry complaint")});
  }
}

void CheckContext(std::vector<FieldError>& errs, const std::string& prefix, const CaseContext& c) {
  if (c.age_years && (*c.age_years < 0 || *c.age_years > kMaxAgeYears)) {
    errs.push_back({prefix + "age_years", "must be 0 to " + std::to_string(kMaxAgeYears) + " years"});
  }
  if (c.known_care) {
    const std::vector<KnownCare>& k = *c.known_care;
    for (size_t i = 0; i < k.size(); ++i) {
      if (std::find(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(i), k[i]) !=
          k.begin() + static_cast<std::ptrdiff_t>(i)) {
        errs.push_back({prefix + "known_care[" + std::to_string(i) + "]", "is listed twice"});
      }
    }
  }
}

}  // namespace

std::vector<FieldError> ValidatePatient(const Patient& p, Time now, const std::string& prefix) {
  using namespace std::chrono;
  std::vector<FieldError> errs;
  if (p.bsn.empty() && p.name.empty())
    errs.push_back({prefix.empty() ? "patient" : prefix.substr(0, prefix.size() - 1), "needs a bsn or a name"});
  // Never repeat the number: error messages end up in logs and responses.
  if (!p.bsn.empty() && !ValidBsn(p.bsn)) {
    errs.push_back({prefix + "bsn", "must be a BSN: 9 digits that pass the 11-proef"});
  }
  CheckText(errs, prefix + "name", p.name, kMaxNameBytes, false, Lines::kOne);
  CheckText(errs, prefix + "address", p.address, kMaxAddressBytes, false, Lines::kMany);
  CheckText(errs, prefix + "gp", p.gp, kMaxNameBytes, false, Lines::kOne);
  CheckText(errs, prefix + "summary", p.summary, kMaxSummaryBytes, false, Lines::kMany);
  CheckText(errs, prefix + "medication", p.medication, kMaxSummaryBytes, false, Lines::kMany);
  CheckText(errs, prefix + "allergies", p.allergies, kMaxAllergiesBytes, false, Lines::kMany);
  if (p.birth_date) {
    const Date& d = *p.birth_date;
    const Date latest{floor<days>(now + hours{14})};
    if (!d.ok()) {
      errs.push_back({prefix + "birth_date", "must be a date of the calendar"});
    } else if (d < Date{year{1900}, January, day{1}}) {
      errs.push_back({prefix + "birth_date", "must be 1900-01-01 or later"});
    } else if (d > latest) {
      errs.push_back({prefix + "birth_date", "must not be in the future"});
    }
  }
  return errs;
}

std::vector<FieldError> ValidateNewCase(const NewCase& in, Time now, const std::vector<Complaint>& complaints) {
  std::vector<FieldError> errs;
  CheckId(errs, "region_id", in.region_id, true);
  CheckId(errs, "subregion_id", in.subregion_id, false);
  CheckId(errs, "requesting_organization_id", in.requesting_organization_id, false);
  CheckText(errs, "caller.name", in.caller.name, kMaxNameBytes, false, Lines::kOne);
  CheckText(errs, "caller.role", in.caller.role, kMaxNameBytes, false, Lines::kOne);
  if (in.caller.phone.size() > kMaxPhoneBytes) {
    errs.push_back({"caller.phone", "must be at most " + std::to_string(kMaxPhoneBytes) + " characters"});
  } else if (in.caller.phone.find_first_not_of("0123456789 +-().") != std::string::npos) {
    errs.push_back({"caller.phone", "may hold only digits, spaces and + - ( ) ."});
  }
  if (in.received_at) {
    if (*in.received_at > now + std::chrono::milliseconds{kMaxFutureSkewMs}) {
      errs.push_back({"received_at", "must not be more than 5 minutes in the future"});
    } else if (*in.received_at < now - kMaxReceivedAge) {
      errs.push_back({"received_at", "must not be more than 7 days in the past"});
    }
  }
  CheckText(errs, "summary", in.summary, kMaxSummaryBytes, true, Lines::kMany);
  if (in.patient) {
    Append(errs, ValidatePatient(*in.patient, now, "patient."));
    if (!in.legal_basis) errs.push_back({"legal_basis", "is required when patient data is given"});
  }
  CheckComplaint(errs, "complaint", in.complaint, false, complaints);
  // A triage is urgency and entry complaint together (the NTS gives one with the other).
  if (in.urgency && in.complaint.empty()) errs.push_back({"complaint", "required with an urgency"});
  CheckContext(errs, "context.", in.context);
  return errs;
}

std::vector<FieldError> ValidateTriage(const TriageInput& in, const std::vector<Complaint>& complaints) {
  std::vector<FieldError> errs;
  if (!in.urgency) errs.push_back({"urgency", "is required (U0–U5)"});
  CheckComplaint(errs, "complaint", in.complaint, true, complaints);
  CheckText(errs, "note", in.note, kMaxSbarFieldBytes, false, Lines::kMany);
  if (in.context) CheckContext(errs, "context.", *in.context);
  return errs;
}

std::vector<FieldError> ValidateHandoverRequest(const HandoverRequest& in) {
  std::vector<FieldError> errs;
  CheckId(errs, "to_organization_id", in.to_organization_id, true);
  CheckId(errs, "to_unit_id", in.to_unit_id, false);
  CheckText(errs, "sbar.situation", in.sbar.situation, kMaxSbarFieldBytes, true, Lines::kMany);
  CheckText(errs, "sbar.background", in.sbar.background, kMaxSbarFieldBytes, false, Lines::kMany);
  CheckText(errs, "sbar.assessment", in.sbar.assessment, kMaxSbarFieldBytes, false, Lines::kMany);
  CheckText(errs, "sbar.recommendation", in.sbar.recommendation, kMaxSbarFieldBytes, true, Lines::kMany);
  return errs;
}

std::vector<FieldError> ValidateReason(std::string_view reason, const std::string& field) {
  std::vector<FieldError> errs;
  CheckText(errs, field, reason, kMaxReasonBytes, true, Lines::kMany);
  return errs;
}

const std::vector<std::string_view>& ContactKinds() {
  static const std::vector<std::string_view> kinds{
      "hap-call",           "hap-visit",        "gp-visit",   "ambulance", "ed-visit",
      "hospital-admission", "district-nursing", "ggz-crisis", "pharmacy",  "other"};
  return kinds;
}

bool ValidContactKind(std::string_view kind) {
  const auto& kinds = ContactKinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::vector<FieldError> ValidateNewContact(const NewContact& in, Time now) {
  std::vector<FieldError> errs;
  if (in.bsn.empty()) {
    errs.push_back({"bsn", "is required"});
  } else if (!ValidBsn(in.bsn)) {
    errs.push_back({"bsn", "must be a BSN: 9 digits that pass the 11-proef"});
  }
  if (!in.at) {
    errs.push_back({"at", "is required (when the contact took place)"});
  } else if (*in.at > now + std::chrono::milliseconds{kMaxFutureSkewMs}) {
    errs.push_back({"at", "must not be more than 5 minutes in the future"});
  } else if (*in.at < now - kMaxReceivedAge) {
    errs.push_back({"at", "must not be more than 7 days in the past"});
  }
  if (in.kind.empty()) {
    errs.push_back({"kind", "is required"});
  } else if (!ValidContactKind(in.kind)) {
    errs.push_back({"kind",
                    "must be one of hap-call, hap-visit, gp-visit, ambulance, ed-visit, "
                    "hospital-admission, district-nursing, ggz-crisis, pharmacy, other"});
  }
  CheckText(errs, "advice", in.advice, kMaxSbarFieldBytes, false, Lines::kMany);
  return errs;
}

}  // namespace ozcc
