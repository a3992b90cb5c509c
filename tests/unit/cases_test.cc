// Care requests: wire names, the state machine (every state × action, as a
// table restated here), handover steps, target times and overdue, the
// worklist order, the BSN 11-proef, and the validation of intake, patient,
// triage, handover and reasons.
#include "core/cases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/time.h"

namespace ozcc {
namespace {

Time T(const char* s) { return *ParseRfc3339(s); }

bool HasField(const std::vector<FieldError>& errs, const std::string& field) {
  return std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == field; });
}

std::string Dump(const std::vector<FieldError>& errs) {
  std::string out;
  for (const auto& e : errs) out += "\n  " + e.field + ": " + e.message;
  return out;
}

// ---------------------------------------------------------------------------
// Wire names

template <class E, size_t N, class ToS, class Parse>
void RoundTrips(const std::array<E, N>& all, ToS to_string, Parse parse) {
  std::vector<std::string_view> seen;
  for (E e : all) {
    std::string_view name = to_string(e);
    EXPECT_NE(name, "unknown");
    EXPECT_EQ(parse(name), e) << name;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), name), 0) << "duplicate wire name " << name;
    seen.push_back(name);
  }
  EXPECT_FALSE(parse("").has_value());
  EXPECT_FALSE(parse("nonsense").has_value());
}

TEST(CaseNames, EveryEnumRoundTrips) {
  RoundTrips(
      kAllChannels, [](Channel c) { return ToString(c); }, ParseChannel);
  RoundTrips(
      kAllUrgencies, [](Urgency u) { return ToString(u); }, ParseUrgency);
  RoundTrips(
      kAllCaseStates, [](CaseState s) { return ToString(s); }, ParseCaseState);
  RoundTrips(
      kAllCaseActions, [](CaseAction a) { return ToString(a); }, ParseCaseAction);
  RoundTrips(
      kAllOutcomes, [](Outcome o) { return ToString(o); }, ParseOutcome);
  RoundTrips(
      kAllLegalBases, [](LegalBasis b) { return ToString(b); }, ParseLegalBasis);
  RoundTrips(
      kAllHandoverStates, [](HandoverState s) { return ToString(s); }, ParseHandoverState);
}

TEST(CaseNames, WireNamesAreTheDocumentedOnes) {
  EXPECT_EQ(ToString(Channel::k112), "112");
  EXPECT_EQ(ToString(Channel::kSelfTriage), "self-triage");
  EXPECT_EQ(ToString(Urgency::kU0), "U0");
  EXPECT_EQ(ToString(Urgency::kU5), "U5");
  EXPECT_FALSE(ParseUrgency("u3").has_value());  // case matters: NTS writes U3
  EXPECT_EQ(ToString(CaseState::kInConsultation), "in-consultation");
  EXPECT_EQ(ToString(CaseState::kHandedOver), "handed-over");
  EXPECT_EQ(ToString(Outcome::kHelpedByZcc), "helped-by-zcc");
  EXPECT_EQ(ToString(Outcome::kSelfCareAdvice), "self-care-advice");
  EXPECT_EQ(ToString(LegalBasis::kTreatmentRelationship), "treatment-relationship");
  // FHIR R4 Task.status codes.
  EXPECT_EQ(ToString(HandoverState::kRequested), "requested");
  EXPECT_EQ(ToString(HandoverState::kRejected), "rejected");
  EXPECT_EQ(ToString(HandoverState::kCancelled), "cancelled");
  for (TimelineKind k :
       {TimelineKind::kCreated, TimelineKind::kConsultEnded, TimelineKind::kEscalated, TimelineKind::kClosed}) {
    EXPECT_EQ(ParseTimelineKind(ToString(k)), k);
  }
}

// ---------------------------------------------------------------------------
// State machine

using S = CaseState;
using A = CaseAction;

// The decision, restated: row = from, column = action (order of
// kAllCaseActions: triage, consult, end-consult, hand-over, accept, decline,
// withdraw, close); nullopt = refused.
using Row = std::array<std::optional<S>, 8>;
constexpr std::optional<S> X;  // refused

const std::map<S, Row>& Expected() {
  static const std::map<S, Row> kTable{
      {S::kNew, Row{S::kTriaged, X, X, X, X, X, X, X}},
      {S::kTriaged, Row{S::kTriaged, S::kInConsultation, X, S::kHandedOver, X, X, X, S::kClosed}},
      {S::kInConsultation,
       Row{S::kInConsultation, S::kInConsultation, S::kTriaged, S::kHandedOver, X, X, X, S::kClosed}},
      {S::kHandedOver, Row{X, X, X, S::kHandedOver, S::kAccepted, S::kDeclined, S::kTriaged, S::kClosed}},
      {S::kAccepted, Row{X, X, X, X, X, S::kDeclined, S::kTriaged, S::kClosed}},
      {S::kDeclined, Row{S::kTriaged, S::kInConsultation, X, S::kHandedOver, X, X, X, S::kClosed}},
      {S::kClosed, Row{X, X, X, X, X, X, X, X}},
  };
  return kTable;
}

TEST(CaseStateMachine, EveryStateTimesEveryAction) {
  int legal = 0;
  for (S from : kAllCaseStates) {
    for (size_t i = 0; i < kAllCaseActions.size(); ++i) {
      const A action = kAllCaseActions[i];
      const std::optional<S> want = Expected().at(from)[i];
      Result<S> got = NextState(from, action);
      const std::string what = std::string(ToString(from)) + " + " + std::string(ToString(action));
      if (want) {
        ASSERT_TRUE(got.ok()) << what << ": " << got.status().message();
        EXPECT_EQ(*got, *want) << what;
        ++legal;
      } else {
        ASSERT_FALSE(got.ok()) << what << " should be refused";
        EXPECT_EQ(got.status().code(), Code::kConflict) << what;  // the API answers 409
        EXPECT_NE(got.status().message().find("case is " + std::string(ToString(from))), std::string::npos)
            << got.status().message();
      }
    }
  }
  EXPECT_EQ(legal, static_cast<int>(kCaseTransitions.size()));  // the header's table has no extra rows
}

TEST(CaseStateMachine, RefusalsSayWhy) {
  auto why = [](S from, A action) { return NextState(from, action).status().message(); };
  EXPECT_NE(why(S::kNew, A::kClose).find("triage it first"), std::string::npos);
  EXPECT_NE(why(S::kNew, A::kHandOver).find("triage it first"), std::string::npos);
  EXPECT_NE(why(S::kClosed, A::kTriage).find("final"), std::string::npos);
  EXPECT_NE(why(S::kHandedOver, A::kTriage).find("withdraw it first"), std::string::npos);
  EXPECT_NE(why(S::kHandedOver, A::kConsult).find("withdraw it first"), std::string::npos);
  EXPECT_NE(why(S::kTriaged, A::kAccept).find("no open handover"), std::string::npos);
  EXPECT_NE(why(S::kDeclined, A::kDecline).find("no open handover"), std::string::npos);
  EXPECT_NE(why(S::kTriaged, A::kEndConsult).find("no open consultation"), std::string::npos);
  EXPECT_NE(why(S::kAccepted, A::kAccept).find("already accepted"), std::string::npos);
  EXPECT_NE(why(S::kAccepted, A::kTriage).find("close the case"), std::string::npos);
  EXPECT_EQ(why(S::kNew, A::kClose), "case is new: cannot close: triage it first (urgency and entry complaint)");
}

TEST(CaseStateMachine, CheckTransitionAgreesWithTheTable) {
  for (S from : kAllCaseStates) {
    for (S to : kAllCaseStates) {
      const auto& row = Expected().at(from);
      const bool want = std::any_of(row.begin(), row.end(), [&](const std::optional<S>& s) { return s == to; });
      Status st = CheckTransition(from, to);
      EXPECT_EQ(st.ok(), want) << ToString(from) << " → " << ToString(to) << ": " << st.message();
      if (!want) {
        EXPECT_EQ(st.code(), Code::kConflict);
      }
    }
  }
  EXPECT_EQ(CheckTransition(S::kNew, S::kClosed).message(),
            "a case cannot go from new to closed; from new it can go to triaged");
  EXPECT_EQ(CheckTransition(S::kClosed, S::kTriaged).message(),
            "a case cannot go from closed to triaged; closed is final");
}

TEST(CaseStateMachine, TheClockRunsWhileTheZccOwesAnAnswer) {
  for (S s : kAllCaseStates) EXPECT_EQ(IsOpenForZcc(s), s != S::kAccepted && s != S::kClosed) << ToString(s);
}

TEST(HandoverStates, LegalAndIllegalSteps) {
  using H = HandoverState;
  const std::map<H, std::vector<H>> legal{{H::kRequested, {H::kAccepted, H::kRejected, H::kCancelled}},
                                          {H::kAccepted, {H::kCompleted, H::kRejected, H::kCancelled}},
                                          {H::kRejected, {}},
                                          {H::kCompleted, {}},
                                          {H::kCancelled, {}}};
  for (H from : kAllHandoverStates) {
    for (H to : kAllHandoverStates) {
      const auto& ok = legal.at(from);
      const bool want = std::find(ok.begin(), ok.end(), to) != ok.end();
      Status st = CheckHandoverTransition(from, to);
      EXPECT_EQ(st.ok(), want) << ToString(from) << " → " << ToString(to);
      if (!want) {
        EXPECT_EQ(st.code(), Code::kConflict);
      }
    }
  }
  EXPECT_NE(CheckHandoverTransition(H::kCompleted, H::kAccepted).message().find("has ended"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Target times, overdue, worklist order

Case MakeCase(std::string id, std::optional<Urgency> u, const char* received, S state = S::kTriaged) {
  Case c;
  c.id = std::move(id);
  c.urgency = u;
  c.received_at = T(received);
  c.state = u ? state : S::kNew;
  return c;
}

TEST(TargetTimes, DueAtPerUrgency) {
  const char* received = "2026-03-01T10:00:00Z";
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU0, received)), T("2026-03-01T10:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU1, received)), T("2026-03-01T10:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU2, received)), T("2026-03-01T11:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU3, received)), T("2026-03-01T13:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU4, received)), T("2026-03-02T10:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU5, received)), std::nullopt);
  EXPECT_EQ(DueAt(MakeCase("a", std::nullopt, received)), T("2026-03-01T10:10:00Z"));  // untriaged: 10 min

  TimeTargets region;  // configured otherwise
  region.care[3] = std::chrono::minutes{120};
  region.untriaged = std::chrono::minutes{5};
  EXPECT_EQ(DueAt(MakeCase("a", Urgency::kU3, received), region), T("2026-03-01T12:00:00Z"));
  EXPECT_EQ(DueAt(MakeCase("a", std::nullopt, received), region), T("2026-03-01T10:05:00Z"));
}

TEST(TargetTimes, OverdueOnlyPastTheDeadlineAndWhileOpen) {
  Case u2 = MakeCase("a", Urgency::kU2, "2026-03-01T10:00:00Z");
  EXPECT_FALSE(Overdue(u2, T("2026-03-01T10:59:59Z")));
  EXPECT_FALSE(Overdue(u2, T("2026-03-01T11:00:00Z")));  // at the deadline: not yet
  EXPECT_TRUE(Overdue(u2, T("2026-03-01T11:00:00.001Z")));
  for (S s : {S::kTriaged, S::kInConsultation, S::kHandedOver, S::kDeclined}) {
    u2.state = s;
    EXPECT_TRUE(Overdue(u2, T("2026-03-01T12:00:00Z"))) << ToString(s);
  }
  for (S s : {S::kAccepted, S::kClosed}) {
    u2.state = s;
    EXPECT_FALSE(Overdue(u2, T("2026-03-01T12:00:00Z"))) << ToString(s);
  }
  Case u1 = MakeCase("b", Urgency::kU1, "2026-03-01T10:00:00Z");
  EXPECT_FALSE(Overdue(u1, T("2026-03-01T10:00:00Z")));
  EXPECT_TRUE(Overdue(u1, T("2026-03-01T10:00:00.001Z")));  // immediately
  Case u5 = MakeCase("c", Urgency::kU5, "2026-03-01T10:00:00Z");
  EXPECT_FALSE(Overdue(u5, T("2026-04-01T10:00:00Z")));  // advice: no deadline
  Case fresh = MakeCase("d", std::nullopt, "2026-03-01T10:00:00Z");
  EXPECT_FALSE(Overdue(fresh, T("2026-03-01T10:10:00Z")));
  EXPECT_TRUE(Overdue(fresh, T("2026-03-01T10:10:01Z")));
  // A request that arrived with an urgency uses it, triaged or not.
  Case arrived_u3 = MakeCase("e", Urgency::kU3, "2026-03-01T10:00:00Z", S::kNew);
  EXPECT_FALSE(Overdue(arrived_u3, T("2026-03-01T10:30:00Z")));
}

TEST(TargetTimes, HandoverAnswerDeadlines) {
  const Time at = T("2026-03-01T03:00:00Z");
  EXPECT_EQ(HandoverDueAt(at, Urgency::kU1), T("2026-03-01T03:02:00Z"));
  EXPECT_EQ(HandoverDueAt(at, Urgency::kU2), T("2026-03-01T03:05:00Z"));
  EXPECT_EQ(HandoverDueAt(at, Urgency::kU3), T("2026-03-01T03:15:00Z"));
  EXPECT_EQ(HandoverDueAt(at, Urgency::kU4), T("2026-03-01T04:00:00Z"));
  EXPECT_EQ(HandoverDueAt(at, Urgency::kU5), T("2026-03-01T07:00:00Z"));
  for (size_t u = 1; u < kAllUrgencies.size(); ++u) {  // never longer for a higher urgency
    EXPECT_LE(HandoverDueAt(at, kAllUrgencies[u - 1]), HandoverDueAt(at, kAllUrgencies[u]));
  }
  Handover h;
  h.requested_at = at;
  h.due_at = HandoverDueAt(at, Urgency::kU3);
  EXPECT_FALSE(HandoverOverdue(h, T("2026-03-01T03:15:00Z")));
  EXPECT_TRUE(HandoverOverdue(h, T("2026-03-01T03:15:01Z")));
  for (HandoverState s :
       {HandoverState::kAccepted, HandoverState::kRejected, HandoverState::kCancelled, HandoverState::kCompleted}) {
    h.state = s;
    EXPECT_FALSE(HandoverOverdue(h, T("2026-03-01T05:00:00Z"))) << ToString(s);
  }
}

TEST(Worklist, BandsPutUntriagedAfterU1) {
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU0, "2026-03-01T10:00:00Z")), 0);
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU1, "2026-03-01T10:00:00Z")), 1);
  EXPECT_EQ(WorklistBand(MakeCase("a", std::nullopt, "2026-03-01T10:00:00Z")), 2);
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU2, "2026-03-01T10:00:00Z")), 3);
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU3, "2026-03-01T10:00:00Z")), 4);
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU4, "2026-03-01T10:00:00Z")), 5);
  EXPECT_EQ(WorklistBand(MakeCase("a", Urgency::kU5, "2026-03-01T10:00:00Z")), 6);
}

TEST(Worklist, OrderIsUrgencyThenLongestWaitingThenId) {
  std::vector<Case> list{
      MakeCase("u5", Urgency::kU5, "2026-03-01T08:00:00Z"),
      MakeCase("u3-late", Urgency::kU3, "2026-03-01T10:30:00Z"),
      MakeCase("u3-early", Urgency::kU3, "2026-03-01T09:00:00Z"),
      MakeCase("new-late", std::nullopt, "2026-03-01T10:40:00Z"),
      MakeCase("u0", Urgency::kU0, "2026-03-01T10:45:00Z"),
      MakeCase("u2", Urgency::kU2, "2026-03-01T07:00:00Z"),
      MakeCase("new-early", std::nullopt, "2026-03-01T10:35:00Z"),
      MakeCase("u1", Urgency::kU1, "2026-03-01T10:44:00Z"),
      MakeCase("u3-tie-b", Urgency::kU3, "2026-03-01T09:30:00Z"),
      MakeCase("u3-tie-a", Urgency::kU3, "2026-03-01T09:30:00Z"),
      MakeCase("u4", Urgency::kU4, "2026-03-01T06:00:00Z"),
  };
  std::sort(list.begin(), list.end(), WorklistBefore);
  std::vector<std::string> ids;
  for (const Case& c : list) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"u0", "u1", "new-early", "new-late", "u2", "u3-early", "u3-tie-a",
                                           "u3-tie-b", "u3-late", "u4", "u5"}));
  // Strict weak order: irreflexive.
  for (const Case& c : list) EXPECT_FALSE(WorklistBefore(c, c));
}

// ---------------------------------------------------------------------------
// BSN and age

TEST(Bsn, ElfproefValidNumbers) {
  for (const char* bsn : {"111222333", "123456782", "999999990", "856885253", "828492001", "833729238",
                          "000000012",     // an old 8-digit number written with its leading 0
                          "100000009"}) {  // 9·1 − 9 = 0: the last digit weighs −1
    EXPECT_TRUE(ValidBsn(bsn)) << bsn;
  }
}

TEST(Bsn, ElfproefInvalidNumbers) {
  for (const char* bsn : {"123456789", "111222334", "192837465", "987654321",
                          "100000002",     // passes the bank-account 11-proef (+1 on the last digit), not the BSN one
                          "000000000"}) {  // sums to 0 but is no number
    EXPECT_FALSE(ValidBsn(bsn)) << bsn;
  }
}

TEST(Bsn, OnlyNineDigits) {
  for (const char* bsn : {"", "12345678", "1234567820", "11122233", "1112223333", "12345678a", "a23456782",
                          " 123456782", "123456782 ", "123.456.782", "123 456 782", "+23456782", "-23456782"}) {
    EXPECT_FALSE(ValidBsn(bsn)) << "'" << bsn << "'";
  }
  EXPECT_FALSE(ValidBsn("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"));  // full-width digits
  EXPECT_FALSE(ValidBsn(std::string_view("12345678\0", 9)));
}

TEST(Age, CompletedYears) {
  using namespace std::chrono;
  const Date birth{year{1950}, March, day{15}};
  EXPECT_EQ(AgeYears(birth, Date{year{2026}, March, day{14}}), 75);
  EXPECT_EQ(AgeYears(birth, Date{year{2026}, March, day{15}}), 76);
  EXPECT_EQ(AgeYears(birth, Date{year{1950}, March, day{15}}), 0);
  EXPECT_EQ(AgeYears(Date{year{2024}, February, day{29}}, Date{year{2025}, February, day{28}}), 0);
  EXPECT_EQ(AgeYears(Date{year{2024}, February, day{29}}, Date{year{2025}, March, day{1}}), 1);
  EXPECT_EQ(AgeYears(birth, Date{year{1940}, January, day{1}}), 0);  // not born yet: 0, not negative
}

TEST(IsoDate, ParsesAndFormats) {
  using namespace std::chrono;
  EXPECT_EQ(ParseIsoDate("1950-03-15"), (Date{year{1950}, March, day{15}}));
  EXPECT_EQ(FormatIsoDate(Date{year{1950}, March, day{5}}), "1950-03-05");
  for (const char* bad : {"", "1950-3-15", "1950-02-30", "1950-13-01", "0000-01-01", "1950-03-15T00:00:00Z", "19500315",
                          "1950/03/15", "１９５０-03-15"}) {
    EXPECT_FALSE(ParseIsoDate(bad).has_value()) << bad;
  }
}

// ---------------------------------------------------------------------------
// Validation

const std::vector<Complaint>& Complaints() {
  static const std::vector<Complaint> kList{{"catheter-problem", "Katheterproblemen", "Catheter problem", {}},
                                            {"chest-pain", "Pijn op de borst", "Chest pain", {}}};
  return kList;
}

Patient GoodPatient() {
  using namespace std::chrono;
  Patient p;
  p.bsn = "123456782";
  p.name = "J. de Vries";
  p.birth_date = Date{year{1940}, May, day{4}};
  p.address = "Coolsingel 1\n3011 AD Rotterdam";
  p.summary = "COPD, lives alone.";
  p.medication = "salbutamol";
  return p;
}

TEST(ValidatePatient, AcceptsAGoodPatient) {
  EXPECT_TRUE(ValidatePatient(GoodPatient(), T("2026-03-01T03:00:00Z")).empty())
      << Dump(ValidatePatient(GoodPatient(), T("2026-03-01T03:00:00Z")));
  Patient name_only;
  name_only.name = "Onbekende man";
  EXPECT_TRUE(ValidatePatient(name_only, T("2026-03-01T03:00:00Z")).empty());
  Patient bsn_only;
  bsn_only.bsn = "111222333";
  EXPECT_TRUE(ValidatePatient(bsn_only, T("2026-03-01T03:00:00Z")).empty());
}

TEST(ValidatePatient, BsnFailsTheElfproefWithoutEchoingIt) {
  Patient p = GoodPatient();
  p.bsn = "123456789";
  auto errs = ValidatePatient(p, T("2026-03-01T03:00:00Z"));
  ASSERT_EQ(errs.size(), 1u) << Dump(errs);
  EXPECT_EQ(errs[0].field, "patient.bsn");
  EXPECT_EQ(errs[0].message.find("123456789"), std::string::npos);  // never repeat the number
  p.bsn = "12345678";
  EXPECT_TRUE(HasField(ValidatePatient(p, T("2026-03-01T03:00:00Z")), "patient.bsn"));
}

TEST(ValidatePatient, NeedsABsnOrAName) {
  Patient p;
  p.address = "somewhere";
  auto errs = ValidatePatient(p, T("2026-03-01T03:00:00Z"));
  EXPECT_TRUE(HasField(errs, "patient")) << Dump(errs);
  EXPECT_TRUE(HasField(ValidatePatient(p, T("2026-03-01T03:00:00Z"), ""), "patient"));
}

TEST(ValidatePatient, BirthDateNotInTheFutureNorImplausible) {
  using namespace std::chrono;
  Patient p = GoodPatient();
  // 23:30 UTC is already the next day in the Netherlands: a child born then is not "in the future".
  const Time now = T("2026-03-01T23:30:00Z");
  p.birth_date = Date{year{2026}, March, day{2}};
  EXPECT_TRUE(ValidatePatient(p, now).empty()) << Dump(ValidatePatient(p, now));
  p.birth_date = Date{year{2026}, March, day{3}};
  EXPECT_TRUE(HasField(ValidatePatient(p, now), "patient.birth_date"));
  p.birth_date = Date{year{1899}, December, day{31}};
  EXPECT_TRUE(HasField(ValidatePatient(p, now), "patient.birth_date"));
  p.birth_date = Date{year{1900}, January, day{1}};
  EXPECT_TRUE(ValidatePatient(p, now).empty());
  p.birth_date = Date{year{2025}, February, day{29}};  // not a day of the calendar
  EXPECT_TRUE(HasField(ValidatePatient(p, now), "patient.birth_date"));
}

TEST(ValidatePatient, BoundsAndControlCharactersNamed) {
  const Time now = T("2026-03-01T03:00:00Z");
  Patient p = GoodPatient();
  p.name = std::string(kMaxNameBytes + 1, 'x');
  p.gp = "Dr. A\nB";  // one line only
  p.summary = std::string(kMaxSummaryBytes + 1, 's');
  p.medication = "a\tb\r\nc";               // tabs and line breaks are fine here
  p.allergies = std::string("pinda\0", 6);  // NUL is not
  p.address = "\xC3\x28";                   // not UTF-8
  auto errs = ValidatePatient(p, now);
  EXPECT_TRUE(HasField(errs, "patient.name")) << Dump(errs);
  EXPECT_TRUE(HasField(errs, "patient.gp"));
  EXPECT_TRUE(HasField(errs, "patient.summary"));
  EXPECT_FALSE(HasField(errs, "patient.medication"));
  EXPECT_TRUE(HasField(errs, "patient.allergies"));
  EXPECT_TRUE(HasField(errs, "patient.address"));
  p = GoodPatient();
  p.name = "Ëlise Çelik-Ødegård";  // UTF-8 names are fine
  EXPECT_TRUE(ValidatePatient(p, now).empty());
}

NewCase GoodCase() {
  NewCase in;
  in.region_id = "ZWN";
  in.subregion_id = "ZWN-RR";
  in.channel = Channel::kHap;
  in.requesting_organization_id = "hap-rijnmond";
  in.caller = {"M. Jansen", "triagist HAP", "+31 (0)10-123 45.67"};
  in.received_at = T("2026-03-01T02:55:00Z");
  in.summary = "Katheter verstopt sinds vanavond, veel pijn.";
  in.patient = GoodPatient();
  in.legal_basis = LegalBasis::kTreatmentRelationship;
  in.urgency = Urgency::kU3;
  in.complaint = "catheter-problem";
  return in;
}

TEST(ValidateNewCase, AcceptsAGoodRequest) {
  const Time now = T("2026-03-01T03:00:00Z");
  EXPECT_TRUE(ValidateNewCase(GoodCase(), now, Complaints()).empty())
      << Dump(ValidateNewCase(GoodCase(), now, Complaints()));
  NewCase minimal;
  minimal.region_id = "ZWN";
  minimal.summary = "Vraag om advies";
  EXPECT_TRUE(ValidateNewCase(minimal, now, Complaints()).empty());
}

TEST(ValidateNewCase, NamesEveryBrokenField) {
  const Time now = T("2026-03-01T03:00:00Z");
  NewCase in = GoodCase();
  in.region_id = "";
  in.subregion_id = "ZWN RR";
  in.requesting_organization_id = std::string(65, 'a');
  in.caller.phone = "call me";
  in.caller.name = "a\nb";
  in.summary = " \n ";
  in.legal_basis.reset();
  in.complaint = "not-a-complaint";
  in.patient->bsn = "111111111";
  auto errs = ValidateNewCase(in, now, Complaints());
  for (const char* f : {"region_id", "subregion_id", "requesting_organization_id", "caller.phone", "caller.name",
                        "summary", "legal_basis", "complaint", "patient.bsn"}) {
    EXPECT_TRUE(HasField(errs, f)) << f << Dump(errs);
  }
  EXPECT_EQ(errs.size(), 9u) << Dump(errs);
}

TEST(ValidateNewCase, ContextForThePathways) {
  NewCase in = GoodCase();
  in.context = {84, LivingSituation::kHomeAlone, std::vector<KnownCare>{KnownCare::kDistrictNursing}};
  EXPECT_TRUE(ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints()).empty());
  in.context.age_years = kMaxAgeYears + 1;
  in.context.known_care = std::vector<KnownCare>{KnownCare::kHomeCare, KnownCare::kHomeCare};
  auto errs = ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints());
  EXPECT_TRUE(HasField(errs, "context.age_years")) << Dump(errs);
  EXPECT_TRUE(HasField(errs, "context.known_care[1]")) << Dump(errs);
  in.context.age_years = -1;
  EXPECT_TRUE(HasField(ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints()), "context.age_years"));
}

TEST(ValidateNewCase, ReceivedAtWithinBounds) {
  const Time now = T("2026-03-01T03:00:00Z");
  NewCase in = GoodCase();
  in.received_at = T("2026-03-01T03:05:00Z");
  EXPECT_TRUE(ValidateNewCase(in, now, Complaints()).empty());
  in.received_at = T("2026-03-01T03:05:01Z");
  EXPECT_TRUE(HasField(ValidateNewCase(in, now, Complaints()), "received_at"));
  in.received_at = T("2026-02-22T03:00:00Z");  // exactly 7 days
  EXPECT_TRUE(ValidateNewCase(in, now, Complaints()).empty());
  in.received_at = T("2025-03-01T03:00:00Z");  // a year typed wrong
  EXPECT_TRUE(HasField(ValidateNewCase(in, now, Complaints()), "received_at"));
  in.received_at.reset();  // default now
  EXPECT_TRUE(ValidateNewCase(in, now, Complaints()).empty());
}

TEST(ValidateNewCase, LegalBasisOnlyRequiredWithPatientData) {
  NewCase in = GoodCase();
  in.patient.reset();
  in.legal_basis.reset();
  EXPECT_TRUE(ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints()).empty());
}

TEST(ValidateNewCase, UnknownComplaintIsNotEchoedWhenItIsNoCode) {
  NewCase in = GoodCase();
  in.complaint = std::string(500, 'x') + "\n";
  auto errs = ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints());
  ASSERT_TRUE(HasField(errs, "complaint"));
  for (const auto& e : errs) EXPECT_LT(e.message.size(), 100u);
}

TEST(ValidateNewCase, AnUrgencyNeedsItsComplaint) {
  NewCase in = GoodCase();
  in.complaint.clear();
  auto errs = ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints());
  ASSERT_EQ(errs.size(), 1u) << Dump(errs);
  EXPECT_EQ(errs[0].field, "complaint");
  in.urgency.reset();  // a complaint alone, or nothing: triage later
  EXPECT_TRUE(ValidateNewCase(in, T("2026-03-01T03:00:00Z"), Complaints()).empty());
}

TEST(ValidateTriage, UrgencyAndKnownComplaintRequired) {
  TriageInput in{Urgency::kU2, "chest-pain", "second call tonight"};
  EXPECT_TRUE(ValidateTriage(in, Complaints()).empty());
  TriageInput empty;
  auto errs = ValidateTriage(empty, Complaints());
  EXPECT_TRUE(HasField(errs, "urgency"));
  EXPECT_TRUE(HasField(errs, "complaint"));
  TriageInput unknown{Urgency::kU3, "headache", std::string(kMaxSbarFieldBytes + 1, 'n')};
  errs = ValidateTriage(unknown, Complaints());
  EXPECT_TRUE(HasField(errs, "complaint"));
  EXPECT_TRUE(HasField(errs, "note"));
  TriageInput with_context{Urgency::kU3, "chest-pain", "", CaseContext{200, std::nullopt, std::nullopt}};
  EXPECT_TRUE(HasField(ValidateTriage(with_context, Complaints()), "context.age_years"));
}

TEST(ValidateHandoverRequest, SituationAndRecommendationRequired) {
  HandoverRequest in{"vvt-laurens", "", {"Katheter verstopt", "", "", "Graag katheter vervangen"}};
  EXPECT_TRUE(ValidateHandoverRequest(in).empty());
  HandoverRequest bad{"", "unit with spaces", {"", "", std::string(kMaxSbarFieldBytes + 1, 'a'), ""}};
  auto errs = ValidateHandoverRequest(bad);
  for (const char* f :
       {"to_organization_id", "to_unit_id", "sbar.situation", "sbar.assessment", "sbar.recommendation"}) {
    EXPECT_TRUE(HasField(errs, f)) << f << Dump(errs);
  }
}

TEST(ValidateReason, RequiredBoundedNamed) {
  EXPECT_TRUE(ValidateReason("Geen capaciteit vannacht").empty());
  EXPECT_TRUE(HasField(ValidateReason(""), "reason"));
  EXPECT_TRUE(HasField(ValidateReason("  "), "reason"));
  EXPECT_TRUE(HasField(ValidateReason(std::string(kMaxReasonBytes + 1, 'r'), "deviation_reason"), "deviation_reason"));
}

}  // namespace
}  // namespace ozcc
