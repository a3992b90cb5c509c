// Follow-up placement in core: admission criteria in the region file (parse
// and validation, each bad value named), the rules of a new placement, the
// criterion-by-criterion check and the ranking of matches as tables
// (core/admission_criteria.h, core/placement.h, core/placement_match.h).
#include "core/placement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "api/json/region_json.h"
#include "core/placement_match.h"
#include "core/validate.h"
#include "support/status_errors.h"

namespace ozcc {
namespace {

bool HasField(const Status& s, const std::string& field) {
  for (const auto& e : s.errors()) {
    if (e.field == field) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Criteria in the region file

std::string RegionWithCriteria(const std::string& unit_type, const std::string& criteria) {
  return R"({
  "region": {"id": "R1", "name": "Test", "subregions": [{"id": "R1-A", "name": "A"}]},
  "organizations": [{"id": "v1", "subregion_id": "R1-A", "name": "Care home", "type": "vvt"}],
  "locations": [{"id": "v1-main", "organization_id": "v1", "name": "Main", "address": "Street 1", "city": "Town",
                 "lat": 51.9, "lon": 4.4}],
  "units": [{"id": "v1-u", "organization_id": "v1", "location_id": "v1-main", "type": ")" +
         unit_type + R"(", "name": "Unit", "expected_interval_s": 3600, "criteria": )" + criteria + R"(}]
})";
}

TEST(AdmissionCriteria, ParsedFromTheRegionFile) {
  auto r = api::ParseRegionJson(RegionWithCriteria(
      "elv-high", R"({"care_types": ["elv-high", "grz"], "dementia": true, "isolation": false, "oxygen": true,
                      "max_weight_kg": 150, "mobility": "aid", "age_min": 18, "age_max": 110})"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->units.at(0).criteria.has_value());
  const AdmissionCriteria& c = *r->units[0].criteria;
  EXPECT_EQ(c.care_types, (std::vector<CareType>{CareType::kElvHigh, CareType::kGrz}));
  EXPECT_EQ(c.dementia, true);
  EXPECT_EQ(c.isolation, false);
  EXPECT_EQ(c.oxygen, true);
  EXPECT_EQ(c.max_weight_kg, 150);
  EXPECT_EQ(c.mobility, Mobility::kAid);
  EXPECT_EQ(c.age_min, 18);
  EXPECT_EQ(c.age_max, 110);
}

TEST(AdmissionCriteria, AbsentCriteriaStayAbsent) {
  auto r = api::ParseRegionJson(RegionWithCriteria("elv-low", "{}"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->units.at(0).criteria.has_value());
  EXPECT_EQ(*r->units[0].criteria, AdmissionCriteria{});
}

struct BadCriteria {
  std::string unit_type;
  std::string criteria;
  std::string field;
};

TEST(AdmissionCriteria, BadValuesNameTheField) {
  const BadCriteria cases[] = {
      {"elv-low", R"({"care_types": ["elv-low", "hotel"]})", "units[0].criteria.care_types[1]"},
      {"elv-low", R"({"care_types": ["elv-low", "elv-low"]})", "units[0].criteria.care_types[1]"},
      {"elv-low", R"({"care_types": "elv-low"})", "units[0].criteria.care_types"},
      {"elv-low", R"({"dementia": "yes"})", "units[0].criteria.dementia"},
      {"elv-low", R"({"isolation": 1})", "units[0].criteria.isolation"},
      {"elv-low", R"({"oxygen": null})", "units[0].criteria.oxygen"},
      {"elv-low", R"({"max_weight_kg": 0})", "units[0].criteria.max_weight_kg"},
      {"elv-low", R"({"max_weight_kg": 900})", "units[0].criteria.max_weight_kg"},
      {"elv-low", R"({"max_weight_kg": 120.5})", "units[0].criteria.max_weight_kg"},
      {"elv-low", R"({"mobility": "flying"})", "units[0].criteria.mobility"},
      {"elv-low", R"({"age_min": -1})", "units[0].criteria.age_min"},
      {"elv-low", R"({"age_max": 200})", "units[0].criteria.age_max"},
      {"elv-low", R"({"age_min": 70, "age_max": 60})", "units[0].criteria.age_max"},
      {"elv-low", R"({"beds": 3})", "units[0].criteria.beds"},
      {"elv-low", R"([])", "units[0].criteria"},
      {"seh", R"({"dementia": true})", "units[0].criteria"},
      {"ic", R"({})", "units[0].criteria"},
  };
  for (const auto& c : cases) {
    auto r = api::ParseRegionJson(RegionWithCriteria(c.unit_type, c.criteria));
    ASSERT_FALSE(r.ok()) << c.criteria;
    EXPECT_TRUE(HasField(r.status(), c.field)) << c.criteria << " → " << test::Dump(r.status());
  }
}

TEST(AdmissionCriteria, ValidateRegionChecksThemToo) {
  RegionData d;
  d.region = {"R1", "R", {{"R1-A", "A"}}};
  d.organizations.push_back({"v1", "R1", "R1-A", "V", OrgType::kVvt, ""});
  d.locations.push_back({"l1", "v1", "L", "a", "c", 51.9, 4.4});
  Unit u;
  u.id = "u1";
  u.organization_id = "v1";
  u.location_id = "l1";
  u.type = UnitType::kVvtCrisis;
  u.name = "U";
  u.expected_interval_s = 3600;
  u.criteria = AdmissionCriteria{};
  u.criteria->max_weight_kg = 0;
  d.units.push_back(u);
  auto errs = ValidateRegion(d);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "units[0].criteria.max_weight_kg");
}

// ---------------------------------------------------------------------------
// A new placement

const Time kNow = FromUnixMillis(1'780'000'000'000);

NewPlacement GoodPlacement() {
  NewPlacement p;
  p.from_organization_id = "h1";
  p.from_unit_id = "h1-ward";
  p.care_type = "elv-high";
  p.profile.weight_kg = 80;
  p.profile.age = 84;
  p.needs = "wound care twice a day\nhelp with washing";
  p.preferred_lat = 51.92;
  p.preferred_lon = 4.48;
  p.earliest_at = kNow - std::chrono::hours(48);
  return p;
}

TEST(NewPlacementRules, AGoodOnePasses) { EXPECT_TRUE(ValidateNewPlacement(GoodPlacement(), kNow).empty()); }

TEST(NewPlacementRules, EachBadValueNamed) {
  struct Case {
    void (*breakit)(NewPlacement&);
    std::string field;
  };
  const Case cases[] = {
      {[](NewPlacement& p) { p.from_organization_id.clear(); }, "from_organization_id"},
      {[](NewPlacement& p) { p.from_unit_id = "bad id"; }, "from_unit_id"},
      {[](NewPlacement& p) { p.region_id = "r/1"; }, "region_id"},
      {[](NewPlacement& p) { p.care_type.clear(); }, "care_type"},
      {[](NewPlacement& p) { p.care_type = "ward"; }, "care_type"},
      {[](NewPlacement& p) { p.profile.weight_kg = 0; }, "profile.weight_kg"},
      {[](NewPlacement& p) { p.profile.weight_kg = 501; }, "profile.weight_kg"},
      {[](NewPlacement& p) { p.profile.age = -1; }, "profile.age"},
      {[](NewPlacement& p) { p.profile.age = 131; }, "profile.age"},
      {[](NewPlacement& p) { p.needs = std::string(2001, 'x'); }, "needs"},
      {[](NewPlacement& p) { p.needs = std::string("a\x01", 2); }, "needs"},
      {[](NewPlacement& p) { p.needs = "\xff"; }, "needs"},
      {[](NewPlacement& p) { p.preferred_place = "two\nlines"; }, "preferred_place"},
      {[](NewPlacement& p) { p.preferred_lat = 91; }, "preferred_lat"},
      {[](NewPlacement& p) { p.preferred_lon = -181; }, "preferred_lon"},
      {[](NewPlacement& p) { p.preferred_lon.reset(); }, "preferred_lon"},
      {[](NewPlacement& p) { p.preferred_lat.reset(); }, "preferred_lat"},
      {[](NewPlacement& p) { p.earliest_at = kNow - std::chrono::hours(24 * 400); }, "earliest_date"},
      {[](NewPlacement& p) { p.earliest_at = kNow + std::chrono::hours(24 * 400); }, "earliest_date"},
  };
  for (const auto& c : cases) {
    NewPlacement p = GoodPlacement();
    c.breakit(p);
    auto errs = ValidateNewPlacement(p, kNow);
    ASSERT_EQ(errs.size(), 1u) << c.field;
    EXPECT_EQ(errs[0].field, c.field);
  }
}

TEST(PlacementStates, WireNamesRoundTrip) {
  for (auto s :
       {PlacementState::kWaiting, PlacementState::kOffered, PlacementState::kPlaced, PlacementState::kCancelled}) {
    EXPECT_EQ(ParsePlacementState(ToString(s)), s);
  }
  for (auto s : {OfferState::kOpen, OfferState::kAccepted, OfferState::kDeclined, OfferState::kWithdrawn,
                 OfferState::kExpired}) {
    EXPECT_EQ(ParseOfferState(ToString(s)), s);
  }
  for (auto r : kAllDeclineReasons) EXPECT_EQ(ParseDeclineReason(ToString(r)), r);
  for (auto t : kAllCareTypes) EXPECT_EQ(ParseCareType(ToString(t)), t);
  for (auto m : kAllMobility) EXPECT_EQ(ParseMobility(ToString(m)), m);
  EXPECT_FALSE(ParsePlacementState("done"));
  EXPECT_FALSE(ParseCareType("ward"));
  EXPECT_TRUE(IsFinal(PlacementState::kPlaced));
  EXPECT_TRUE(IsFinal(PlacementState::kCancelled));
  EXPECT_FALSE(IsFinal(PlacementState::kOffered));
}

TEST(PlacementStates, StateFollowsTheOffers) {
  auto offer = [](OfferState s) {
    Offer o;
    o.state = s;
    return o;
  };
  using P = PlacementState;
  using O = OfferState;
  EXPECT_EQ(StateFromOffers(P::kWaiting, {}), P::kWaiting);
  EXPECT_EQ(StateFromOffers(P::kWaiting, {offer(O::kOpen)}), P::kOffered);
  EXPECT_EQ(StateFromOffers(P::kOffered, {offer(O::kDeclined), offer(O::kWithdrawn)}), P::kWaiting);
  EXPECT_EQ(StateFromOffers(P::kOffered, {offer(O::kDeclined), offer(O::kAccepted)}), P::kOffered);
  EXPECT_EQ(StateFromOffers(P::kOffered, {offer(O::kExpired)}), P::kWaiting);
  EXPECT_EQ(StateFromOffers(P::kPlaced, {offer(O::kExpired)}), P::kPlaced);
  EXPECT_EQ(StateFromOffers(P::kCancelled, {offer(O::kOpen)}), P::kCancelled);
}

TEST(PlacementTimes, WaitingHoursAndWrongBedDays) {
  Placement p;
  p.created_at = kNow - std::chrono::hours(30);
  p.earliest_at = kNow - std::chrono::hours(72);
  EXPECT_DOUBLE_EQ(WaitingHours(p, kNow), 30.0);
  EXPECT_DOUBLE_EQ(WrongBedDays(p, kNow), 3.0);
  p.earliest_at = kNow + std::chrono::hours(24);  // not yet: no wrong-bed days
  EXPECT_DOUBLE_EQ(WrongBedDays(p, kNow), 0.0);
  p.earliest_at = kNow - std::chrono::hours(72);
  p.ended_at = kNow - std::chrono::hours(6);  // the clock stops when placed
  EXPECT_DOUBLE_EQ(WaitingHours(p, kNow), 24.0);
  EXPECT_DOUBLE_EQ(WrongBedDays(p, kNow), 2.75);
}

TEST(PlacementReservation, HeldWhileAcceptedUnexpiredAndNotEnded) {
  Offer o;
  o.state = OfferState::kAccepted;
  o.reserved_until = kNow + std::chrono::hours(1);
  EXPECT_TRUE(ReservationHeld(o, kNow));
  EXPECT_FALSE(ReservationHeld(o, kNow + std::chrono::hours(1)));
  o.reservation_ended_at = kNow;
  EXPECT_FALSE(ReservationHeld(o, kNow));
  o.reservation_ended_at.reset();
  o.state = OfferState::kOpen;
  EXPECT_FALSE(ReservationHeld(o, kNow));
}

// ---------------------------------------------------------------------------
// Criterion by criterion

Unit FollowUp(const std::string& id, UnitType type, std::optional<AdmissionCriteria> c) {
  Unit u;
  u.id = id;
  u.organization_id = "org-" + id;
  u.type = type;
  u.name = id;
  u.criteria = std::move(c);
  return u;
}

AdmissionCriteria Broad() {
  AdmissionCriteria c;
  c.care_types = {CareType::kElvHigh, CareType::kGrz};
  c.dementia = true;
  c.isolation = true;
  c.oxygen = true;
  c.max_weight_kg = 120;
  c.mobility = Mobility::kAid;
  c.age_min = 18;
  c.age_max = 99;
  return c;
}

const CriterionCheck* Find(const std::vector<CriterionCheck>& checks, const std::string& name) {
  for (const auto& c : checks) {
    if (c.criterion == name) return &c;
  }
  return nullptr;
}

TEST(PlacementCriteria, EachCriterionAsTheTableSays) {
  struct Case {
    std::string what;
    void (*needs)(PlacementNeeds&);
    void (*unit)(AdmissionCriteria&);
    std::string criterion;
    bool ok;
    CriterionValue need;
    CriterionValue limit;
  };
  using V = CriterionValue;
  const Case cases[] = {
      {"care type admitted", [](PlacementNeeds& n) { n.care_type = CareType::kGrz; }, [](AdmissionCriteria&) {},
       "care_type", true, V(std::string("grz")), V(std::vector<std::string>{"elv-high", "grz"})},
      {"care type not admitted", [](PlacementNeeds& n) { n.care_type = CareType::kGgz; }, [](AdmissionCriteria&) {},
       "care_type", false, V(std::string("ggz")), V(std::vector<std::string>{"elv-high", "grz"})},
      {"dementia accepted", [](PlacementNeeds& n) { n.profile.dementia = true; }, [](AdmissionCriteria&) {}, "dementia",
       true, V(true), V(true)},
      {"dementia refused", [](PlacementNeeds& n) { n.profile.dementia = true; },
       [](AdmissionCriteria& c) { c.dementia = false; }, "dementia", false, V(true), V(false)},
      {"dementia not stated = not accepted", [](PlacementNeeds& n) { n.profile.dementia = true; },
       [](AdmissionCriteria& c) { c.dementia.reset(); }, "dementia", false, V(true), V(false)},
      {"no dementia: any unit", [](PlacementNeeds&) {}, [](AdmissionCriteria& c) { c.dementia = false; }, "dementia",
       true, V(false), V(false)},
      {"isolation refused", [](PlacementNeeds& n) { n.profile.isolation = true; },
       [](AdmissionCriteria& c) { c.isolation = false; }, "isolation", false, V(true), V(false)},
      {"oxygen refused", [](PlacementNeeds& n) { n.profile.oxygen = true; },
       [](AdmissionCriteria& c) { c.oxygen.reset(); }, "oxygen", false, V(true), V(false)},
      {"weight over the limit", [](PlacementNeeds& n) { n.profile.weight_kg = 130; }, [](AdmissionCriteria&) {},
       "max_weight_kg", false, V(std::int64_t{130}), V(std::int64_t{120})},
      {"weight at the limit", [](PlacementNeeds& n) { n.profile.weight_kg = 120; }, [](AdmissionCriteria&) {},
       "max_weight_kg", true, V(std::int64_t{120}), V(std::int64_t{120})},
      {"weight unknown", [](PlacementNeeds& n) { n.profile.weight_kg.reset(); }, [](AdmissionCriteria&) {},
       "max_weight_kg", true, V(), V(std::int64_t{120})},
      {"no weight limit", [](PlacementNeeds& n) { n.profile.weight_kg = 250; },
       [](AdmissionCriteria& c) { c.max_weight_kg.reset(); }, "max_weight_kg", true, V(std::int64_t{250}), V()},
      {"bedbound where aid is the most", [](PlacementNeeds& n) { n.profile.mobility = Mobility::kBedbound; },
       [](AdmissionCriteria&) {}, "mobility", false, V(std::string("bedbound")), V(std::string("aid"))},
      {"aid where aid is the most", [](PlacementNeeds& n) { n.profile.mobility = Mobility::kAid; },
       [](AdmissionCriteria&) {}, "mobility", true, V(std::string("aid")), V(std::string("aid"))},
      {"independent where aid is the most", [](PlacementNeeds& n) { n.profile.mobility = Mobility::kIndependent; },
       [](AdmissionCriteria&) {}, "mobility", true, V(std::string("independent")), V(std::string("aid"))},
      {"bedbound, no limit", [](PlacementNeeds& n) { n.profile.mobility = Mobility::kBedbound; },
       [](AdmissionCriteria& c) { c.mobility.reset(); }, "mobility", true, V(std::string("bedbound")), V()},
      {"too young", [](PlacementNeeds& n) { n.profile.age = 17; }, [](AdmissionCriteria&) {}, "age_min", false,
       V(std::int64_t{17}), V(std::int64_t{18})},
      {"too old", [](PlacementNeeds& n) { n.profile.age = 100; }, [](AdmissionCriteria&) {}, "age_max", false,
       V(std::int64_t{100}), V(std::int64_t{99})},
      {"age in the band", [](PlacementNeeds& n) { n.profile.age = 99; }, [](AdmissionCriteria&) {}, "age_max", true,
       V(std::int64_t{99}), V(std::int64_t{99})},
      {"age unknown", [](PlacementNeeds& n) { n.profile.age.reset(); }, [](AdmissionCriteria&) {}, "age_min", true, V(),
       V(std::int64_t{18})},
  };
  for (const auto& c : cases) {
    PlacementNeeds needs;
    needs.care_type = CareType::kElvHigh;
    needs.profile.age = 80;
    c.needs(needs);
    AdmissionCriteria crit = Broad();
    c.unit(crit);
    auto checks = CheckCriteria(needs, FollowUp("u", UnitType::kElvHigh, crit));
    ASSERT_EQ(checks.size(), 8u) << c.what;
    const CriterionCheck* got = Find(checks, c.criterion);
    ASSERT_NE(got, nullptr) << c.what;
    EXPECT_EQ(got->ok, c.ok) << c.what;
    EXPECT_EQ(got->need, c.need) << c.what;
    EXPECT_EQ(got->limit, c.limit) << c.what;
    // Only the criterion the case is about may fail.
    for (const auto& other : checks) {
      if (other.criterion != c.criterion) {
        EXPECT_TRUE(other.ok) << c.what << ": " << other.criterion;
      }
    }
  }
}

TEST(PlacementCriteria, WithoutCriteriaTheUnitTypeSaysTheCareType) {
  PlacementNeeds needs;
  needs.care_type = CareType::kGgz;
  auto checks = CheckCriteria(needs, FollowUp("g", UnitType::kGgzCrisis, std::nullopt));
  EXPECT_TRUE(Find(checks, "care_type")->ok);
  needs.care_type = CareType::kGrz;
  checks = CheckCriteria(needs, FollowUp("g", UnitType::kGgzCrisis, std::nullopt));
  EXPECT_FALSE(Find(checks, "care_type")->ok);
  EXPECT_EQ(Find(checks, "care_type")->limit, CriterionValue(std::vector<std::string>{"ggz"}));
}

// ---------------------------------------------------------------------------
// Ranking

MatchCandidate Candidate(const std::string& id, bool fits, std::optional<std::int64_t> available, double lat,
                         bool stale = false, std::int64_t reserved = 0) {
  AdmissionCriteria c = Broad();
  if (!fits) c.max_weight_kg = 60;  // the patient weighs 80
  MatchCandidate m;
  m.unit = FollowUp(id, UnitType::kElvHigh, c);
  m.organization_name = "Org " + id;
  m.lat = lat;
  m.lon = 4.48;
  if (available) m.beds = Beds{10, 10, 10 - *available, *available};
  m.stale = stale;
  m.reserved = reserved;
  return m;
}

std::vector<std::string> Order(const std::vector<PlacementMatch>& ms) {
  std::vector<std::string> ids;
  for (const auto& m : ms) ids.push_back(m.unit_id);
  return ids;
}

PlacementNeeds Patient() {
  PlacementNeeds n;
  n.care_type = CareType::kElvHigh;
  n.profile.weight_kg = 80;
  n.profile.age = 80;
  n.lat = 51.90;
  n.lon = 4.48;
  return n;
}

TEST(PlacementRanking, FitThenFreeBedsThenDistance) {
  // Latitude steps of 0.1° ≈ 11 km north of the preferred place.
  const std::vector<MatchCandidate> cands = {
      Candidate("fit-free-far", true, 2, 52.20),   Candidate("fit-free-near", true, 1, 51.95),
      Candidate("fit-full-near", true, 0, 51.91),  Candidate("nofit-free-near", false, 5, 51.90),
      Candidate("nofit-full-far", false, 0, 52.3), Candidate("fit-unreported", true, std::nullopt, 51.90),
  };
  auto ms = MatchPlacement(Patient(), cands).best;
  EXPECT_EQ(Order(ms), (std::vector<std::string>{"fit-free-near", "fit-free-far", "fit-unreported", "fit-full-near",
                                                 "nofit-free-near", "nofit-full-far"}));
  EXPECT_TRUE(ms[0].fits);
  EXPECT_FALSE(ms[4].fits);
  const CriterionCheck* w = Find(ms[4].checks, "max_weight_kg");
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->ok);
  EXPECT_EQ(w->need, CriterionValue(std::int64_t{80}));
  EXPECT_EQ(w->limit, CriterionValue(std::int64_t{60}));
  EXPECT_NEAR(*ms[0].distance_km, 5.56, 0.05);
  EXPECT_EQ(ms[0].free_beds, 1);
  EXPECT_FALSE(ms[2].reported_available.has_value());
  EXPECT_EQ(ms[2].free_beds, 0);
}

TEST(PlacementRanking, StaleBedsAreNotFree) {
  auto ms = MatchPlacement(Patient(), {Candidate("stale-near", true, 4, 51.90, /*stale=*/true),
                                       Candidate("fresh-far", true, 1, 52.40)})
                .best;
  EXPECT_EQ(Order(ms), (std::vector<std::string>{"fresh-far", "stale-near"}));
  EXPECT_TRUE(ms[1].stale);
  EXPECT_EQ(ms[1].free_beds, 0);
  EXPECT_EQ(ms[1].reported_available, 4);
}

TEST(PlacementRanking, ReservedBedsAreNotFree) {
  auto ms = MatchPlacement(Patient(), {Candidate("all-reserved-near", true, 2, 51.90, false, 2),
                                       Candidate("one-left-far", true, 3, 52.40, false, 2)})
                .best;
  EXPECT_EQ(Order(ms), (std::vector<std::string>{"one-left-far", "all-reserved-near"}));
  EXPECT_EQ(ms[0].free_beds, 1);
  EXPECT_EQ(ms[1].free_beds, 0);
  EXPECT_EQ(ms[1].reserved, 2);
}

TEST(PlacementRanking, WithoutAPlaceTiesGoByUnitIdAndOtherUnitsAreLeftOut) {
  PlacementNeeds n = Patient();
  n.lat.reset();
  n.lon.reset();
  std::vector<MatchCandidate> cands = {Candidate("b", true, 1, 52.0), Candidate("a", true, 1, 51.0)};
  MatchCandidate ward;
  ward.unit = FollowUp("ward", UnitType::kWard, std::nullopt);
  ward.beds = Beds{10, 10, 0, 10};
  cands.push_back(ward);
  auto ms = MatchPlacement(n, cands).best;
  EXPECT_EQ(Order(ms), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ms[0].distance_km.has_value());
}

TEST(PlacementRanking, TheBestPageIsTheHeadOfTheWholeRankingWithTheCountsOfAll) {
  // Random units and patients (fixed seed): the verdict the ranking sorts by
  // is the verdict of the checks it returns, and asking for the best k gives
  // the first k of the whole ranking.
  std::mt19937 rng(15);
  auto coin = [&] { return std::uniform_int_distribution<int>(0, 1)(rng) == 1; };
  auto maybe = [&](std::int64_t lo, std::int64_t hi) -> std::optional<std::int64_t> {
    if (coin()) return std::nullopt;
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::vector<UnitType> types = {UnitType::kElvLow,    UnitType::kElvHigh,   UnitType::kElvPalliative,
                                       UnitType::kVvtCrisis, UnitType::kGgzCrisis, UnitType::kWard};
  const std::vector<CareType> care = {CareType::kElvLow,    CareType::kElvHigh, CareType::kElvPalliative,
                                      CareType::kVvtCrisis, CareType::kGrz,     CareType::kGgz};
  for (int round = 0; round < 20; ++round) {
    std::vector<MatchCandidate> cands;
    for (int i = 0; i < 60; ++i) {
      std::optional<AdmissionCriteria> crit;
      if (coin()) {
        AdmissionCriteria c;
        if (coin()) c.care_types = {care[rng() % care.size()], care[rng() % care.size()]};
        if (coin()) c.dementia = coin();
        if (coin()) c.isolation = coin();
        if (coin()) c.oxygen = coin();
        c.max_weight_kg = maybe(60, 140);
        if (coin()) c.mobility = static_cast<Mobility>(rng() % 3);
        c.age_min = maybe(0, 70);
        c.age_max = maybe(60, 110);
        crit = c;
      }
      MatchCandidate m;
      m.unit = FollowUp("u" + std::to_string(i), types[rng() % types.size()], crit);
      m.lat = 51.5 + static_cast<double>(rng() % 100) / 100;
      m.lon = 4.0 + static_cast<double>(rng() % 100) / 100;
      if (coin()) m.beds = Beds{6, 6, 6 - static_cast<std::int64_t>(rng() % 4), static_cast<std::int64_t>(rng() % 4)};
      m.stale = rng() % 5 == 0;
      m.reserved = static_cast<std::int64_t>(rng() % 3);
      cands.push_back(std::move(m));
    }
    PlacementNeeds n;
    n.care_type = care[rng() % care.size()];
    n.profile.dementia = coin();
    n.profile.isolation = coin();
    n.profile.oxygen = coin();
    n.profile.weight_kg = maybe(50, 150);
    n.profile.mobility = static_cast<Mobility>(rng() % 3);
    n.profile.age = maybe(18, 100);
    if (coin()) {
      n.lat = 51.9;
      n.lon = 4.5;
    }
    const MatchRanking all = MatchPlacement(n, cands);
    size_t follow_up = 0, fitting = 0;
    for (const auto& c : cands) follow_up += FollowUpUnitType(c.unit.type) ? 1 : 0;
    ASSERT_EQ(all.total, follow_up);
    ASSERT_EQ(all.best.size(), follow_up);
    for (const PlacementMatch& m : all.best) {
      const bool every_ok = std::all_of(m.checks.begin(), m.checks.end(), [](const auto& c) { return c.ok; });
      EXPECT_EQ(m.fits, every_ok) << m.unit_id << " in round " << round;
      fitting += m.fits ? 1 : 0;
    }
    EXPECT_EQ(all.fitting, fitting);
    const MatchRanking page = MatchPlacement(n, cands, 7);
    EXPECT_EQ(page.total, all.total);
    EXPECT_EQ(page.fitting, all.fitting);
    ASSERT_EQ(page.best.size(), 7u);
    for (size_t i = 0; i < page.best.size(); ++i) {
      EXPECT_EQ(page.best[i].unit_id, all.best[i].unit_id) << i;
      EXPECT_EQ(page.best[i].checks, all.best[i].checks) << i;
      EXPECT_EQ(page.best[i].free_beds, all.best[i].free_beds) << i;
    }
  }
}

TEST(PlacementRanking, DistanceIsGreatCircle) {
  // Rotterdam to Middelburg, about 76 km.
  EXPECT_NEAR(DistanceKm(51.9225, 4.4792, 51.4988, 3.6136), 76.0, 0.5);
  EXPECT_DOUBLE_EQ(DistanceKm(51.9, 4.4, 51.9, 4.4), 0.0);
}

}  // namespace
}  // namespace ozcc
