// The transfer state machine as a table (every state × every target state),
// the validation of a new transfer and of a step, and the beds an arrival
// leaves in the two units (core/transfers.h).
#include "core/transfers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "core/phase.h"
#include "core/validate.h"

namespace ozcc {
namespace {

using S = TransferState;
const S kAll[] = {S::kRequested, S::kAccepted, S::kDeclined, S::kPlanned, S::kEnRoute, S::kArrived, S::kCancelled};

// from → the legal targets with the side that takes the step ("r" receiving,
// "s" sending, "e" either); every other pair is refused.
struct Legal {
  S from;
  S to;
  TransferSide side;
  bool reason;
};
const Legal kLegal[] = {
    {S::kRequested, S::kAccepted, TransferSide::kReceiving, false},
    {S::kRequested, S::kDeclined, TransferSide::kReceiving, true},
    {S::kRequested, S::kCancelled, TransferSide::kSending, true},
    {S::kAccepted, S::kPlanned, TransferSide::kEither, false},
    {S::kAccepted, S::kCancelled, TransferSide::kSending, true},
    {S::kPlanned, S::kEnRoute, TransferSide::kEither, false},
    {S::kPlanned, S::kCancelled, TransferSide::kSending, true},
    {S::kEnRoute, S::kArrived, TransferSide::kReceiving, false},
    {S::kEnRoute, S::kCancelled, TransferSide::kSending, true},
};

TEST(TransferStates, EveryPairAsTheTableSays) {
  int legal = 0;
  int refused = 0;
  for (S from : kAll) {
    for (S to : kAll) {
      const Legal* want = nullptr;
      for (const Legal& l : kLegal) {
        if (l.from == from && l.to == to) want = &l;
      }
      auto step = FindTransferStep(from, to);
      Status st = CheckTransferStep(from, to);
      const std::string pair = std::string(ToString(from)) + "→" + std::string(ToString(to));
      if (want) {
        ++legal;
        ASSERT_TRUE(step.has_value()) << pair;
        EXPECT_TRUE(st.ok()) << pair;
        EXPECT_EQ(step->side, want->side) << pair;
        EXPECT_EQ(step->needs_reason, want->reason) << pair;
      } else {
        ++refused;
        EXPECT_FALSE(step.has_value()) << pair;
        EXPECT_EQ(st.code(), Code::kConflict) << pair;
        EXPECT_NE(st.message().find(std::string(ToString(from))), std::string::npos) << pair << ": names from";
        EXPECT_NE(st.message().find(std::string(ToString(to))), std::string::npos) << pair << ": names to";
      }
    }
  }
  EXPECT_EQ(legal, 9);
  EXPECT_EQ(refused, 7 * 7 - 9);
}

TEST(TransferStates, CancelFromEveryNonFinalStateAndNothingFromFinal) {
  for (S s : kAll) {
    EXPECT_EQ(FindTransferStep(s, S::kCancelled).has_value(), !IsFinal(s)) << ToString(s);
    if (IsFinal(s)) {
      for (S to : kAll) EXPECT_FALSE(FindTransferStep(s, to).has_value()) << ToString(s) << "→" << ToString(to);
      EXPECT_NE(CheckTransferStep(s, S::kPlanned).message().find("is final"), std::string::npos);
    }
  }
  EXPECT_TRUE(IsFinal(S::kDeclined));
  EXPECT_TRUE(IsFinal(S::kArrived));
  EXPECT_TRUE(IsFinal(S::kCancelled));
  EXPECT_FALSE(IsFinal(S::kEnRoute));
}

TEST(TransferStates, WireNamesRoundTrip) {
  const std::map<S, std::string> names{
      {S::kRequested, "requested"}, {S::kAccepted, "accepted"}, {S::kDeclined, "declined"},  {S::kPlanned, "planned"},
      {S::kEnRoute, "en-route"},    {S::kArrived, "arrived"},   {S::kCancelled, "cancelled"}};
  for (const auto& [s, n] : names) {
    EXPECT_EQ(ToString(s), n);
    EXPECT_EQ(ParseTransferState(n), s);
  }
  EXPECT_FALSE(ParseTransferState("en_route").has_value());
  EXPECT_FALSE(ParseTransferState("").has_value());
}

const Time kNow = FromUnixMillis(1'790'000'000'000);

NewTransfer Good() {
  NewTransfer t;
  t.region_id = "ZWN";
  t.from_organization_id = "erasmusmc";
  t.from_unit_id = "emc-ic";
  t.to_organization_id = "maasstad";
  t.to_unit_id = "msz-ic";
  t.care_type = "ic";
  t.reason = "capacity: spreading of IC patients";
  return t;
}

TEST(TransferValidation, NewTransferFieldByField) {
  EXPECT_TRUE(ValidateNewTransfer(Good(), kNow).empty());
  struct Case {
    const char* name;
    void (*change)(NewTransfer&);
    const char* field;  // nullptr: valid
  };
  const Case cases[] = {
      {"region may be empty (the caller's)", [](NewTransfer& t) { t.region_id.clear(); }, nullptr},
      {"bad region id", [](NewTransfer& t) { t.region_id = "Z W N"; }, "region_id"},
      {"no sending organisation", [](NewTransfer& t) { t.from_organization_id.clear(); }, "from_organization_id"},
      {"no sending unit", [](NewTransfer& t) { t.from_unit_id.clear(); }, "from_unit_id"},
      {"no receiving organisation", [](NewTransfer& t) { t.to_organization_id.clear(); }, "to_organization_id"},
      {"bad receiving unit", [](NewTransfer& t) { t.to_unit_id = "a/b"; }, "to_unit_id"},
      {"same unit", [](NewTransfer& t) { t.to_unit_id = t.from_unit_id; }, "to_unit_id"},
      {"no care type", [](NewTransfer& t) { t.care_type.clear(); }, "care_type"},
      {"unknown care type", [](NewTransfer& t) { t.care_type = "icu"; }, "care_type"},
      {"care type without beds", [](NewTransfer& t) { t.care_type = "hap"; }, "care_type"},
      {"ambulances are vehicles", [](NewTransfer& t) { t.care_type = "ambulance"; }, "care_type"},
      {"follow-up care type", [](NewTransfer& t) { t.care_type = "elv-high"; }, nullptr},
      {"no reason", [](NewTransfer& t) { t.reason.clear(); }, "reason"},
      {"reason too long", [](NewTransfer& t) { t.reason = std::string(1001, 'x'); }, "reason"},
      {"reason with a control character", [](NewTransfer& t) { t.reason = "a\x01z"; }, "reason"},
      {"bad case id", [](NewTransfer& t) { t.case_id = "c 1"; }, "case_id"},
      {"planned in a month", [](NewTransfer& t) { t.planned_at = kNow + std::chrono::hours(24 * 30); }, nullptr},
      {"planned in two years", [](NewTransfer& t) { t.planned_at = kNow + std::chrono::hours(24 * 800); },
       "planned_at"},
  };
  for (const Case& c : cases) {
    NewTransfer t = Good();
    c.change(t);
    auto errs = ValidateNewTransfer(t, kNow);
    if (!c.field) {
      EXPECT_TRUE(errs.empty()) << c.name << ": " << (errs.empty() ? "" : errs[0].field);
    } else {
      ASSERT_EQ(errs.size(), 1u) << c.name;
      EXPECT_EQ(errs[0].field, c.field) << c.name;
    }
  }
}

TEST(TransferValidation, StepReasonAndTime) {
  const TransferStep decline = *FindTransferStep(S::kRequested, S::kDeclined);
  const TransferStep accept = *FindTransferStep(S::kRequested, S::kAccepted);
  const Time requested = kNow - std::chrono::hours(2);
  EXPECT_EQ(ValidateTransferStep(decline, "", std::nullopt, requested, kNow).at(0).field, "reason");
  EXPECT_TRUE(ValidateTransferStep(decline, "no bed", std::nullopt, requested, kNow).empty());
  EXPECT_TRUE(ValidateTransferStep(accept, "", std::nullopt, requested, kNow).empty());
  EXPECT_EQ(ValidateTransferStep(accept, std::string(1001, 'x'), std::nullopt, requested, kNow).at(0).field, "reason");
  EXPECT_TRUE(ValidateTransferStep(accept, "", kNow - std::chrono::hours(1), requested, kNow).empty());
  EXPECT_EQ(ValidateTransferStep(accept, "", kNow + std::chrono::hours(1), requested, kNow).at(0).field, "at");
  EXPECT_EQ(ValidateTransferStep(accept, "", kNow - std::chrono::hours(3), requested, kNow).at(0).field, "at");
  // A planning step may set when the move happens; no other step may.
  const TransferStep plan = *FindTransferStep(S::kAccepted, S::kPlanned);
  EXPECT_TRUE(ValidateTransferStep(plan, "", std::nullopt, requested, kNow, kNow + std::chrono::hours(20)).empty());
  EXPECT_EQ(ValidateTransferStep(accept, "", std::nullopt, requested, kNow, kNow + std::chrono::hours(20)).at(0).field,
            "planned_at");
  EXPECT_EQ(
      ValidateTransferStep(plan, "", std::nullopt, requested, kNow, kNow + std::chrono::hours(24 * 400)).at(0).field,
      "planned_at");
}

TEST(TransferSteps, ApplySetsThePhaseTimes) {
  Transfer t;
  t.requested_at = kNow;
  const Time t1 = kNow + std::chrono::minutes(5);
  const Time t2 = kNow + std::chrono::minutes(50);
  const Time t3 = kNow + std::chrono::minutes(90);
  Transfer a = ApplyTransferStep(t, S::kAccepted, t1);
  EXPECT_EQ(a.state, S::kAccepted);
  EXPECT_EQ(a.answered_at, t1);
  EXPECT_EQ(a.updated_at, t1);
  EXPECT_FALSE(a.ended_at.has_value());
  Transfer p = ApplyTransferStep(a, S::kPlanned, t1);
  EXPECT_FALSE(p.departed_at.has_value());
  Transfer e = ApplyTransferStep(p, S::kEnRoute, t2);
  EXPECT_EQ(e.departed_at, t2);
  Transfer z = ApplyTransferStep(e, S::kArrived, t3);
  EXPECT_EQ(z.ended_at, t3);
  EXPECT_EQ(z.answered_at, t1);
  Transfer c = ApplyTransferStep(t, S::kCancelled, t2);
  EXPECT_EQ(c.ended_at, t2);
  EXPECT_FALSE(c.answered_at.has_value());
}

TEST(TransferBeds, ArrivalAndDepartureAsATable) {
  struct Row {
    Beds before;
    bool arriving;
    Beds after;
  };
  const Row rows[] = {
      // receiving: occupied + 1, available − 1 when > 0
      {{20, 18, 10, 8}, true, {20, 18, 11, 7}},
      {{20, 18, 18, 0}, true, {20, 18, 19, 0}},  // overflow: nothing was available
      {{20, 18, 20, 0}, true, {20, 18, 20, 0}},  // occupied never above the total
      // sending: occupied − 1, available + 1 within staffed
      {{20, 18, 10, 8}, false, {20, 18, 9, 9}},
      {{20, 18, 19, 0}, false, {20, 18, 18, 0}},  // was over staffed: still none free
      {{20, 18, 0, 18}, false, {20, 18, 0, 18}},  // nobody to leave: unchanged
      {{20, 18, 10, 2}, false, {20, 18, 9, 3}},   // unstaffed-free beds stay unstaffed
  };
  for (const Row& r : rows) {
    Beds got = BedsAfterTransfer(r.before, r.arriving);
    EXPECT_EQ(got, r.after) << r.before.occupied << "/" << r.before.available << (r.arriving ? " in" : " out");
    EXPECT_TRUE(ValidateBeds(got).empty()) << "a valid report";
  }
}

// While a transfer awaits the coordinator's approval, only the steps that
// move the patient wait; every other step, and any step of a transfer that
// needs none or has it, goes as the table says.
TEST(TransferApproval, OnlyMovingThePatientWaits) {
  for (TransferApproval a : {TransferApproval::kNotRequired, TransferApproval::kPending, TransferApproval::kApproved}) {
    Transfer t;
    t.id = "t-1";
    t.approval = a;
    for (S to : kAll) {
      const bool moves = to == S::kPlanned || to == S::kEnRoute || to == S::kArrived;
      const Status st = CheckApproved(t, to);
      const bool waits = a == TransferApproval::kPending && moves;
      EXPECT_EQ(st.code(), waits ? Code::kConflict : Code::kOk) << ToString(a) << " → " << ToString(to);
      if (waits) {
        EXPECT_NE(st.message().find("approval"), std::string::npos) << st.message();
      }
    }
    EXPECT_EQ(ParseTransferApproval(ToString(a)), a);
  }
  EXPECT_FALSE(ParseTransferApproval("yes").has_value());
}

TEST(RegionPhase, DeclarationFieldByField) {
  auto fields = [](const NewPhase& in) {
    std::vector<std::string> out;
    for (const FieldError& e : ValidateNewPhase(in)) out.push_back(e.field);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(fields({"crisis", "IC full", std::nullopt}), V{});
  EXPECT_EQ(fields({"crisis", "IC full", true}), V{});
  EXPECT_EQ(fields({"crisis", "IC full", false}), V{}) << "a crisis without approval is the region's choice";
  EXPECT_EQ(fields({"adjusted", "plan applies", false}), V{});
  EXPECT_EQ(fields({"adjusted", "plan applies", true}), V{"transfer_approval"});
  EXPECT_EQ(fields({"regular", "over", true}), V{"transfer_approval"});
  EXPECT_EQ(fields({"war", "x", std::nullopt}), V{"phase"});
  EXPECT_EQ(fields({"war", "x", true}), V{"phase"}) << "approval is judged only for a known phase";
  EXPECT_EQ(fields({"crisis", "", std::nullopt}), V{"rationale"});
  EXPECT_EQ(fields({"crisis", std::string(1001, 'x'), std::nullopt}), V{"rationale"});
  EXPECT_EQ(fields({"", "", true}), (V{"phase", "rationale"}));
  for (RegionPhase p : {RegionPhase::kRegular, RegionPhase::kAdjusted, RegionPhase::kCrisis}) {
    EXPECT_EQ(ParseRegionPhase(ToString(p)), p);
  }
  PhaseDeclaration d;
  EXPECT_FALSE(NeedsApproval(d)) << "never declared: regular";
  d.phase = RegionPhase::kCrisis;
  EXPECT_FALSE(NeedsApproval(d));
  d.transfer_approval = true;
  EXPECT_TRUE(NeedsApproval(d));
}

}  // namespace
}  // namespace ozcc
