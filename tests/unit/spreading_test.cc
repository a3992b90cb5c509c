// The spreading optimiser: a hand-computed instance (every cost part
// checked by hand), edge cases (no capacity, one hospital, ties, all
// reserved, stale capacity, given travel times), and a cross-check against
// GLPK's simplex on random instances with fixed seeds: the same optimal
// cost, and a plan whose parts follow the cost model, recomputed here from
// docs/spreading.md independently of the engine.
#include <glpk.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/spreading/spreader.h"
#include "support/status_errors.h"

namespace ozcc::engine::spreading {
namespace {

using test::Dump;

Hospital H(std::string id, double lat, double lon, std::string region, std::int64_t ic_staffed,
           std::int64_t ic_occupied, bool regional = false) {
  Hospital h;
  h.id = std::move(id);
  h.lat = lat;
  h.lon = lon;
  h.region = std::move(region);
  h.regional_function = regional;
  h.capacity[0] = {true, ic_staffed, ic_occupied, false};
  return h;
}

Patient P(std::string id, double lat, double lon, std::string region, CareType needs = CareType::kIc) {
  return {std::move(id), lat, lon, std::move(region), needs};
}

Plan SolveOk(const Instance& in, SpreaderOptions options = {}) {
  auto s = Spreader::Build(in, options);
  EXPECT_TRUE(s.ok()) << Dump(s.status());
  auto plan = s->Solve();
  EXPECT_TRUE(plan.ok()) << Dump(plan.status());
  return *plan;
}

// ---- the cost model, written again from docs/spreading.md ----

double ModelKm(double lat1, double lon1, double lat2, double lon2) {
  const double r = 6371.0088, d = M_PI / 180;
  const double a = std::pow(std::sin((lat2 - lat1) * d / 2), 2) +
                   std::cos(lat1 * d) * std::cos(lat2 * d) * std::pow(std::sin((lon2 - lon1) * d / 2), 2);
  return 2 * r * std::asin(std::sqrt(a));
}

double ModelTravel(const Instance& in, int p, int h) {
  for (const TravelTime& t : in.travel_minutes) {
    if (t.patient == p && t.hospital == h) return t.minutes;
  }
  const Patient& pt = in.patients[p];
  const Hospital& hs = in.hospitals[h];
  return ModelKm(pt.lat, pt.lon, hs.lat, hs.lon) * in.policy.road_factor / in.policy.speed_kmh * 60;
}

std::int64_t ModelReserve(const Instance& in, const Hospital& h, int k) {
  if (!h.regional_function) return 0;
  // ⌈reserve × staffed⌉ on exact decimals: the fractions used here have at
  // most two decimals.
  const auto hundredths = static_cast<std::int64_t>(std::llround(in.policy.reserve[k] * 100));
  return (hundredths * h.capacity[k].staffed + 99) / 100;
}

std::int64_t ModelOpen(const Instance& in, const Hospital& h, int k) {
  const CareCapacity& c = h.capacity[k];
  if (!c.present || c.stale || h.stale) return 0;
  return std::max<std::int64_t>(0, c.staffed - c.occupied - ModelReserve(in, h, k));
}

double ModelLoad(const Instance& in, const Hospital& h, int k, std::int64_t j) {
  const CareCapacity& c = h.capacity[k];
  return in.policy.load_weight * static_cast<double>(c.occupied + j) / static_cast<double>(c.staffed);
}

// May patient p go to hospital h under the instance's pins and forbids?
bool ModelAllowed(const Instance& in, int p, int h) {
  for (const Constraint& c : in.pins) {
    if (c.patient == p) return c.hospital == h;
  }
  for (const Constraint& c : in.forbids) {
    if (c.patient == p && c.hospital == h) return false;
  }
  return true;
}

// Checks that the plan is feasible and that each part follows the model;
// returns the plan's cost recomputed from the model.
double CheckPlan(const Instance& in, const Plan& plan) {
  EXPECT_EQ(plan.assignments.size(), in.patients.size());
  std::map<std::pair<int, int>, std::vector<int>> at;  // (h, k) → patients in order
  double total = 0;
  for (size_t p = 0; p < plan.assignments.size(); ++p) {
    const Assignment& a = plan.assignments[p];
    const Patient& pt = in.patients[p];
    EXPECT_EQ(a.care_type, pt.needs);
    if (a.hospital < 0) {
      EXPECT_EQ(a.cost, in.policy.unplaced_cost);
      EXPECT_NE(a.unplaced, Assignment::Unplaced::kNone);
      total += in.policy.unplaced_cost;
      continue;
    }
    EXPECT_EQ(a.unplaced, Assignment::Unplaced::kNone);
    EXPECT_TRUE(ModelAllowed(in, static_cast<int>(p), a.hospital)) << "a pin or a forbid is obeyed";
    const Hospital& h = in.hospitals[a.hospital];
    EXPECT_NEAR(a.travel, ModelTravel(in, static_cast<int>(p), a.hospital), 1e-9);
    EXPECT_EQ(a.outside_region, h.region == pt.region ? 0.0 : in.policy.outside_region_penalty);
    at[{a.hospital, static_cast<int>(pt.needs)}].push_back(static_cast<int>(p));
    EXPECT_DOUBLE_EQ(a.cost, a.travel + a.load + a.outside_region);
    total += a.travel + a.outside_region;
  }
  for (const auto& [hk, patients] : at) {
    const Hospital& h = in.hospitals[hk.first];
    EXPECT_LE(static_cast<std::int64_t>(patients.size()), ModelOpen(in, h, hk.second)) << h.id;
    for (size_t j = 0; j < patients.size(); ++j) {
      const double load = ModelLoad(in, h, hk.second, static_cast<std::int64_t>(j) + 1);
      EXPECT_NEAR(plan.assignments[patients[j]].load, load, 1e-9) << "j-th place follows the patients' order";
      total += load;
    }
  }
  EXPECT_NEAR(plan.total_cost, total, 1e-6 * std::max(1.0, total));
  return total;
}

// ---- the hand-computed instance ----

// H1 (region R, 4 staffed, 2 occupied, no regional function): open 2, loads
// 60·3/4 = 45 and 60·4/4 = 60. H2 (region S, regional function, 10 staffed,
// 2 occupied, reserve ⌈0.5·10⌉ = 5): open 3, loads 18, 24, 30, and +30 for
// patients of region R. Given travel: P1 10/5, P2 10/30, P3 20/20.
// Two at H1 and one at H2: 105 + 18 + 30 + min travel 35 = 188; one at H1
// and two at H2: 45 + 42 + 60 + min travel 35 (P2 to H1) = 182; three at
// H2: 72 + 90 + 55 = 217. The optimum: P2 → H1 (10 + 45), P1 → H2 (5 + 18
// + 30, the first place since P1 comes first), P3 → H2 (20 + 24 + 30).
Instance HandInstance() {
  Instance in;
  in.hospitals = {H("H1", 52.0, 4.3, "R", 4, 2), H("H2", 51.9, 4.5, "S", 10, 2, true)};
  in.patients = {P("P1", 52.1, 4.4, "R"), P("P2", 52.1, 4.4, "R"), P("P3", 52.0, 4.4, "R")};
  in.travel_minutes = {{0, 0, 10}, {0, 1, 5}, {1, 0, 10}, {1, 1, 30}, {2, 0, 20}, {2, 1, 20}};
  return in;
}

TEST(Spreading, HandComputedInstance) {
  const Instance in = HandInstance();
  const Plan plan = SolveOk(in);
  ASSERT_EQ(plan.assignments.size(), 3u);
  const auto& a = plan.assignments;
  EXPECT_EQ(a[0].hospital, 1);
  EXPECT_EQ(a[0].travel, 5);
  EXPECT_EQ(a[0].load, 18);
  EXPECT_EQ(a[0].outside_region, 30);
  EXPECT_EQ(a[0].cost, 53);
  EXPECT_EQ(a[1].hospital, 0);
  EXPECT_EQ(a[1].travel, 10);
  EXPECT_EQ(a[1].load, 45);
  EXPECT_EQ(a[1].outside_region, 0);
  EXPECT_EQ(a[1].cost, 55);
  EXPECT_EQ(a[2].hospital, 1);
  EXPECT_EQ(a[2].travel, 20);
  EXPECT_EQ(a[2].load, 24);
  EXPECT_EQ(a[2].cost, 74);
  EXPECT_EQ(plan.total_cost, 182);
  ASSERT_EQ(plan.open_places.size(), 2u);
  EXPECT_EQ(plan.open_places[0].open, 2);
  EXPECT_EQ(plan.open_places[0].reserve, 0);
  EXPECT_EQ(plan.open_places[1].open, 3);
  EXPECT_EQ(plan.open_places[1].reserve, 5);
  EXPECT_TRUE(plan.left_out.empty());
  CheckPlan(in, plan);
}

TEST(Spreading, GreatCircleTravelByDefault) {
  // One degree of latitude is 6371.0088 · π/180 = 111.195 km; × 1.3 / 80 ·
  // 60 = 108.415 minutes.
  EXPECT_NEAR(GreatCircleKm(52, 5, 53, 5), 111.19508, 1e-4);
  Instance in;
  in.hospitals = {H("H", 53, 5, "R", 10, 0)};
  in.patients = {P("P", 52, 5, "R")};
  const Plan plan = SolveOk(in);
  ASSERT_EQ(plan.assignments[0].hospital, 0);
  EXPECT_NEAR(plan.assignments[0].travel, 111.19508 * 1.3 / 80 * 60, 1e-3);
  EXPECT_DOUBLE_EQ(plan.assignments[0].load, 60.0 * 1 / 10);
}

TEST(Spreading, GivenTravelTimesOverrideTheDistance) {
  Instance in;
  in.hospitals = {H("Near", 52.0, 5.0, "R", 10, 0), H("Far", 52.5, 5.0, "R", 10, 0)};
  in.patients = {P("P", 52.0, 5.01, "R")};
  EXPECT_EQ(SolveOk(in).assignments[0].hospital, 0);
  in.travel_minutes = {{0, 0, 500}};  // a closed bridge: the near one is far
  const Plan plan = SolveOk(in);
  EXPECT_EQ(plan.assignments[0].hospital, 1);
  CheckPlan(in, plan);
}

TEST(Spreading, NoCapacityLeavesEveryoneUnplacedNamingTheCareType) {
  Instance in;
  in.hospitals = {H("Full", 52, 5, "R", 8, 8), H("Over", 52, 5, "R", 8, 11)};
  in.hospitals[1].capacity[1] = {true, 20, 5, false};  // ward places, not ic
  in.patients = {P("A", 52, 5, "R"), P("B", 52.2, 5, "R")};
  const Plan plan = SolveOk(in);
  for (const Assignment& a : plan.assignments) {
    EXPECT_EQ(a.hospital, -1);
    EXPECT_EQ(a.care_type, CareType::kIc);
    EXPECT_EQ(a.unplaced, Assignment::Unplaced::kNoOpenPlace);
    EXPECT_EQ(a.cost, 10'000);
  }
  EXPECT_EQ(plan.total_cost, 20'000);
  EXPECT_EQ(plan.open_places[1].open, 0) << "occupied above staffed: nothing open, not negative";

  Instance none;  // no hospitals at all
  none.patients = {P("A", 52, 5, "R", CareType::kWard)};
  const Plan p2 = SolveOk(none);
  EXPECT_EQ(p2.assignments[0].unplaced, Assignment::Unplaced::kNoOpenPlace);
  EXPECT_EQ(p2.assignments[0].care_type, CareType::kWard);
}

TEST(Spreading, OneHospitalTakesTheNearestPatients) {
  Instance in;
  in.hospitals = {H("Only", 52.0, 5.0, "R", 5, 3)};
  in.patients = {P("Far", 53.0, 5.0, "R"), P("Near", 52.1, 5.0, "R"), P("Mid", 52.5, 5.0, "R")};
  const Plan plan = SolveOk(in);
  EXPECT_EQ(plan.assignments[0].hospital, -1);
  EXPECT_EQ(plan.assignments[0].unplaced, Assignment::Unplaced::kNoOpenPlace);
  EXPECT_EQ(plan.assignments[1].hospital, 0);
  EXPECT_EQ(plan.assignments[2].hospital, 0);
  // Places in the patients' order: Near gets j = 1, Mid j = 2.
  EXPECT_DOUBLE_EQ(plan.assignments[1].load, 60.0 * 4 / 5);
  EXPECT_DOUBLE_EQ(plan.assignments[2].load, 60.0 * 5 / 5);
  CheckPlan(in, plan);
}

TEST(Spreading, UnplacedWhenCheaperThanAnyPlace) {
  Instance in = HandInstance();
  in.policy.unplaced_cost = 50;  // below every placement (the cheapest, P1 → H2, costs 53)
  const Plan plan = SolveOk(in);
  for (const Assignment& a : plan.assignments) {
    EXPECT_EQ(a.hospital, -1);
    EXPECT_EQ(a.unplaced, Assignment::Unplaced::kCheaperUnplaced);
  }
  EXPECT_EQ(plan.total_cost, 150);
}

TEST(Spreading, TiesAreBrokenTheSameWayEveryTime) {
  Instance in;
  in.hospitals = {H("A", 52.0, 5.0, "R", 10, 0), H("B", 52.0, 5.0, "R", 10, 0)};
  for (int i = 0; i < 7; ++i) in.patients.push_back(P("P" + std::to_string(i), 52.3, 5.0, "R"));
  const Plan first = SolveOk(in);
  EXPECT_EQ(first.groups, 1u) << "identical patients are one supply node";
  CheckPlan(in, first);
  // Two identical hospitals: the optimum splits 4 / 3 (the load is convex).
  int at_a = 0;
  for (const auto& a : first.assignments) at_a += a.hospital == 0 ? 1 : 0;
  EXPECT_TRUE(at_a == 3 || at_a == 4) << at_a;
  const double travel = first.assignments[0].travel;
  EXPECT_NEAR(first.total_cost, 7 * travel + 2 * 6 * (1 + 2 + 3) + 6 * 4, 1e-9);
  for (int run = 0; run < 3; ++run) {
    const Plan again = SolveOk(in);
    ASSERT_EQ(again.assignments.size(), first.assignments.size());
    for (size_t p = 0; p < again.assignments.size(); ++p) {
      EXPECT_EQ(again.assignments[p].hospital, first.assignments[p].hospital);
      EXPECT_EQ(again.assignments[p].load, first.assignments[p].load);
    }
  }
}

TEST(Spreading, AllReservedForRegionalCare) {
  Instance in;
  in.policy.reserve = {1.0, 0.0};
  in.hospitals = {H("A", 52.0, 5.0, "R", 10, 2, true), H("B", 52.5, 5.0, "R", 6, 0, true)};
  in.hospitals[0].capacity[1] = {true, 30, 10, false};
  in.patients = {P("I", 52.0, 5.0, "R"), P("W", 52.0, 5.0, "R", CareType::kWard)};
  const Plan plan = SolveOk(in);
  EXPECT_EQ(plan.assignments[0].hospital, -1);
  EXPECT_EQ(plan.assignments[0].unplaced, Assignment::Unplaced::kNoOpenPlace);
  EXPECT_EQ(plan.assignments[1].hospital, 0) << "the ward reserve is 0 by default";
  EXPECT_EQ(plan.open_places[0].reserve, 10);
  EXPECT_EQ(plan.open_places[0].open, 0);
  CheckPlan(in, plan);
}

TEST(Spreading, ReserveIsTheCeilingOfTheExactProduct) {
  Instance in;
  in.policy.reserve = {0.1, 0.5};
  in.hospitals = {H("A", 52, 5, "R", 30, 0, true), H("B", 52, 5, "R", 7, 0, true), H("C", 52, 5, "R", 7, 0)};
  in.hospitals[1].capacity[1] = {true, 7, 0, false};
  const Plan plan = SolveOk(in);
  ASSERT_EQ(plan.open_places.size(), 4u);
  EXPECT_EQ(plan.open_places[0].reserve, 3) << "0.1 × 30 is 3, not 4";
  EXPECT_EQ(plan.open_places[1].reserve, 1) << "⌈0.1 × 7⌉";
  EXPECT_EQ(plan.open_places[2].reserve, 4) << "⌈0.5 × 7⌉";
  EXPECT_EQ(plan.open_places[2].open, 3);
  EXPECT_EQ(plan.open_places[3].reserve, 0) << "no regional function: no reserve";
  EXPECT_EQ(plan.open_places[3].open, 7);
}

TEST(Spreading, StaleCapacityNeverCountsAsFree) {
  Instance in;
  in.hospitals = {H("Stale", 52.0, 5.0, "R", 20, 0), H("Fresh", 52.6, 5.0, "R", 20, 0),
                  H("StaleIc", 52.0, 5.0, "R", 20, 0)};
  in.hospitals[0].stale = true;
  in.hospitals[0].capacity[1] = {true, 20, 0, false};
  in.hospitals[2].capacity[0].stale = true;
  in.hospitals[2].capacity[1] = {true, 20, 0, false};
  in.patients = {P("I", 52.0, 5.0, "R"), P("W", 52.0, 5.0, "R", CareType::kWard)};
  const Plan plan = SolveOk(in);
  EXPECT_EQ(plan.assignments[0].hospital, 1) << "the nearest ic places are stale";
  EXPECT_EQ(plan.assignments[1].hospital, 2) << "StaleIc's ward figures are fresh";
  ASSERT_EQ(plan.left_out.size(), 3u);
  EXPECT_EQ(plan.left_out[0].hospital, 0);
  EXPECT_EQ(plan.left_out[0].care_type, CareType::kIc);
  EXPECT_EQ(plan.left_out[1].hospital, 0);
  EXPECT_EQ(plan.left_out[1].care_type, CareType::kWard);
  EXPECT_EQ(plan.left_out[2].hospital, 2);
  EXPECT_EQ(plan.left_out[2].care_type, CareType::kIc);
  EXPECT_EQ(plan.open_places[0].open, 0);
  CheckPlan(in, plan);
}

TEST(Spreading, BuildNamesEveryBadField) {
  Instance in = HandInstance();
  in.hospitals[1].id = "H1";
  in.hospitals[0].lat = 95;
  in.patients[2].region = "";
  in.hospitals[0].capacity[0].staffed = -1;
  in.policy.speed_kmh = 0;
  in.policy.reserve[1] = 1.5;
  in.travel_minutes.push_back({0, 0, 7});
  in.travel_minutes[1].minutes = -3;
  auto s = Spreader::Build(in);
  ASSERT_FALSE(s.ok());
  const Status st = s.status();
  std::vector<std::string> fields;
  for (const auto& e : st.errors()) fields.push_back(e.field);
  const std::vector<std::string> want = {"hospitals[0].lat",     "hospitals[0].capacity.ic.staffed",
                                         "hospitals[1].id",      "patients[2].region",
                                         "policy.speed_kmh",     "policy.reserve.ward",
                                         "travel_minutes.P1.H1", "travel_minutes.P1.H1"};
  EXPECT_EQ(fields, want) << Dump(st);
}

// The hand-computed instance's optimum sends P2 to H1 and P1, P3 to H2
// (182). Pinning P1 to H1 and forbidding H1 to P2: P1 → H1 (10 + 45), P2 →
// H2 (30 + 18 + 30), P3 → H1 or H2: H1 20 + 60 = 80, H2 20 + 24 + 30 = 74:
// H2. Total 55 + 78 + 74 = 207.
TEST(Spreading, PinsAndForbidsAreObeyed) {
  Instance in = HandInstance();
  in.pins = {{0, 0}};
  in.forbids = {{1, 0}};
  const Plan plan = SolveOk(in);
  EXPECT_EQ(plan.assignments[0].hospital, 0);
  EXPECT_EQ(plan.assignments[1].hospital, 1);
  EXPECT_EQ(plan.assignments[2].hospital, 1);
  EXPECT_NEAR(CheckPlan(in, plan), 207, 1e-9);
  EXPECT_NEAR(plan.total_cost, 207, 1e-9);
}

TEST(Spreading, APinToAFullHospitalLeavesThePatientUnplacedForLackOfPlace) {
  Instance in;
  in.hospitals = {H("FULL", 52.0, 4.3, "R", 4, 4), H("FREE", 52.5, 4.3, "R", 4, 0)};
  in.patients = {P("P1", 52.0, 4.3, "R"), P("P2", 52.0, 4.3, "R")};
  in.pins = {{0, 0}};
  in.forbids = {{1, 1}};
  const Plan plan = SolveOk(in);
  CheckPlan(in, plan);
  EXPECT_EQ(plan.assignments[0].hospital, -1);
  EXPECT_EQ(plan.assignments[0].unplaced, Assignment::Unplaced::kNoOpenPlace) << "FREE has places, but not for P1";
  EXPECT_EQ(plan.assignments[1].hospital, -1);
  EXPECT_EQ(plan.assignments[1].unplaced, Assignment::Unplaced::kNoOpenPlace) << "P2 may not go to FREE";
  // Without them both go to FREE.
  in.pins.clear();
  in.forbids.clear();
  const Plan free = SolveOk(in);
  EXPECT_EQ(free.assignments[0].hospital, 1);
  EXPECT_EQ(free.assignments[1].hospital, 1);
}

TEST(Spreading, BuildNamesBadPinsAndForbids) {
  Instance in = HandInstance();
  in.pins = {{0, 0}, {0, 1}, {7, 0}};
  in.forbids = {{0, 0}, {1, 1}, {1, 1}, {1, 9}};
  auto built = Spreader::Build(in);
  ASSERT_FALSE(built.ok());
  std::set<std::pair<std::string, std::string>> got;
  const Status st = built.status();
  for (const auto& e : st.errors()) got.emplace(e.field, e.message);
  EXPECT_TRUE(got.count({"pins.P1", "a patient is pinned to one hospital at most"}));
  EXPECT_TRUE(got.count({"pins", "entry 2 names no patient or hospital"}));
  EXPECT_TRUE(got.count({"forbids.P1.H1", "the patient is pinned to this hospital"}));
  EXPECT_TRUE(got.count({"forbids.P2.H2", "given twice"}));
  EXPECT_TRUE(got.count({"forbids", "entry 3 names no patient or hospital"}));
  EXPECT_EQ(got.size(), 5u);
}

// ---- the LP cross-check ----

// The same problem as an LP for GLPK, one variable per patient and open
// (hospital, care type) and one per place: its optimum is the optimum
// (the constraint matrix is a network matrix, so the LP has an integral
// optimum).
double GlpkOptimum(const Instance& in) {
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  const int np = static_cast<int>(in.patients.size()), nh = static_cast<int>(in.hospitals.size());
  std::map<std::pair<int, int>, int> hk_row;
  std::vector<std::pair<int, int>> hks;
  for (int h = 0; h < nh; ++h) {
    for (int k = 0; k < 2; ++k) {
      if (ModelOpen(in, in.hospitals[h], k) > 0) {
        hks.emplace_back(h, k);
      }
    }
  }
  // Rows: one per patient (= 1), one per (h, k) (flow in − places = 0).
  glp_add_rows(lp, np + static_cast<int>(hks.size()));
  for (int p = 0; p < np; ++p) glp_set_row_bnds(lp, p + 1, GLP_FX, 1, 1);
  for (size_t i = 0; i < hks.size(); ++i) {
    hk_row[hks[i]] = np + static_cast<int>(i) + 1;
    glp_set_row_bnds(lp, np + static_cast<int>(i) + 1, GLP_FX, 0, 0);
  }
  std::vector<int> ia = {0}, ja = {0};
  std::vector<double> ar = {0};
  auto add_col = [&](double cost, double ub) {
    const int c = glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, c, ub < 0 ? GLP_LO : GLP_DB, 0, ub < 0 ? 0 : ub);
    glp_set_obj_coef(lp, c, cost);
    return c;
  };
  for (int p = 0; p < np; ++p) {
    const Patient& pt = in.patients[p];
    const int k = static_cast<int>(pt.needs);
    const int u = add_col(in.policy.unplaced_cost, -1);
    ia.push_back(p + 1), ja.push_back(u), ar.push_back(1);
    for (const auto& [h, kk] : hks) {
      if (kk != k || !ModelAllowed(in, p, h)) continue;
      const double c =
          ModelTravel(in, p, h) + (in.hospitals[h].region == pt.region ? 0 : in.policy.outside_region_penalty);
      const int x = add_col(c, -1);
      ia.push_back(p + 1), ja.push_back(x), ar.push_back(1);
      ia.push_back(hk_row[{h, k}]), ja.push_back(x), ar.push_back(1);
    }
  }
  for (const auto& [h, k] : hks) {
    const std::int64_t open = ModelOpen(in, in.hospitals[h], k);
    for (std::int64_t j = 1; j <= open; ++j) {
      const int y = add_col(ModelLoad(in, in.hospitals[h], k, j), 1);
      ia.push_back(hk_row[{h, k}]), ja.push_back(y), ar.push_back(-1);
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  const int rc = glp_simplex(lp, &parm);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(glp_get_status(lp), GLP_OPT);
  const double z = glp_get_obj_val(lp);
  glp_delete_prob(lp);
  return z;
}

Instance RandomInstance(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto pick = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  const char* regions[] = {"ZWN", "West", "Oost"};
  Instance in;
  if (seed % 4 == 1) {
    in.policy.load_weight = uni(0, 120);
    in.policy.outside_region_penalty = uni(0, 90);
    in.policy.unplaced_cost = uni(40, 400);  // some patients stay unplaced on cost
    in.policy.reserve = {pick(0, 10) / 10.0, pick(0, 4) / 10.0};
    in.policy.road_factor = uni(1, 2);
    in.policy.speed_kmh = uni(40, 120);
  }
  const int nh = pick(1, 8), np = pick(0, 45);
  for (int h = 0; h < nh; ++h) {
    Hospital hs =
        H("H" + std::to_string(h), uni(51.3, 53.4), uni(3.5, 7.1), regions[pick(0, 2)], 0, 0, pick(0, 2) == 0);
    for (int k = 0; k < 2; ++k) {
      if (pick(0, 5) == 0) {
        hs.capacity[k].present = false;
        continue;
      }
      hs.capacity[k].present = true;
      hs.capacity[k].staffed = pick(0, k == 0 ? 12 : 30);
      hs.capacity[k].occupied = pick(0, static_cast<int>(hs.capacity[k].staffed) + 2);
      hs.capacity[k].stale = pick(0, 9) == 0;
    }
    hs.stale = pick(0, 14) == 0;
    in.hospitals.push_back(hs);
  }
  // A few shared origins so that merging is exercised.
  std::vector<std::pair<double, double>> origins;
  for (int i = 0; i < 4; ++i) origins.emplace_back(uni(51.3, 53.4), uni(3.5, 7.1));
  for (int p = 0; p < np; ++p) {
    Patient pt;
    pt.id = "P" + std::to_string(p);
    if (pick(0, 1) == 0) {
      std::tie(pt.lat, pt.lon) = origins[pick(0, 3)];
      pt.region = regions[pick(0, 1)];
    } else {
      pt.lat = uni(51.3, 53.4);
      pt.lon = uni(3.5, 7.1);
      pt.region = regions[pick(0, 2)];
    }
    pt.needs = pick(0, 2) == 0 ? CareType::kIc : CareType::kWard;
    in.patients.push_back(pt);
  }
  if (seed % 5 == 2 && nh > 1) {  // a coordinator's pins and forbids
    for (int p = 0; p < np; ++p) {
      const int h = pick(0, nh - 1);
      if (pick(0, 5) == 0) {
        in.pins.push_back({p, h});
      } else if (pick(0, 2) == 0) {
        in.forbids.push_back({p, h});
        if (pick(0, 1) == 0) in.forbids.push_back({p, (h + 1) % nh});
      }
    }
  }
  if (seed % 3 == 0) {
    for (int p = 0; p < np; ++p) {
      for (int h = 0; h < nh; ++h) {
        if (pick(0, 3) == 0) in.travel_minutes.push_back({p, h, uni(0, 240)});
      }
    }
  }
  return in;
}

TEST(Spreading, SameOptimumAsGlpkOnRandomInstances) {
  int with_unplaced = 0, with_travel = 0, priced = 0, with_constraints = 0;
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    const Instance in = RandomInstance(seed);
    const double lp = GlpkOptimum(in);
    // Every arc at once, and pruned to the one or two nearest hospitals per
    // group with the rest found by pricing: the same optimum.
    for (std::size_t candidates : {0, 1, 2}) {
      const Plan plan = SolveOk(in, {candidates});
      const double model = CheckPlan(in, plan);
      EXPECT_NEAR(model, lp, 1e-6 * std::max(1.0, std::abs(lp))) << "seed " << seed << ", candidates " << candidates;
      EXPECT_LE(plan.gap_bound, 1e-3);
      if (candidates == 0) {
        EXPECT_EQ(plan.solves, 1);
      }
      priced += plan.solves > 1 ? 1 : 0;
    }
    const Plan plan = SolveOk(in);
    for (const auto& a : plan.assignments) with_unplaced += a.hospital < 0 ? 1 : 0;
    with_travel += in.travel_minutes.empty() ? 0 : 1;
    with_constraints += in.pins.empty() || in.forbids.empty() ? 0 : 1;
  }
  EXPECT_GE(with_constraints, 6) << "the instances exercise pins and forbids";
  EXPECT_GT(with_unplaced, 10) << "the instances exercise unplaced patients";
  EXPECT_GT(with_travel, 10);
  EXPECT_GT(priced, 10) << "the pruned runs needed pricing rounds";
}

TEST(Spreading, SameOptimumAsGlpkOnALargerInstance) {
  Instance in;
  std::mt19937 rng(20261206);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  for (int h = 0; h < 25; ++h) {
    Hospital hs = H("H" + std::to_string(h), uni(51.3, 53.4), uni(3.5, 7.1), h % 2 ? "A" : "B", 12, h % 9, h % 5 == 0);
    hs.capacity[1] = {true, 40, 20 + h % 17, false};
    in.hospitals.push_back(hs);
  }
  for (int p = 0; p < 400; ++p) {
    in.patients.push_back(P("P" + std::to_string(p), uni(51.3, 53.4), uni(3.5, 7.1), p % 3 ? "A" : "B",
                            p % 4 ? CareType::kWard : CareType::kIc));
  }
  const double lp = GlpkOptimum(in);
  const Plan plan = SolveOk(in);  // 12 of 25 hospitals per group to start with
  EXPECT_NEAR(CheckPlan(in, plan), lp, 1e-6 * lp);
  const Plan all = SolveOk(in, {0});
  EXPECT_NEAR(CheckPlan(in, all), lp, 1e-6 * lp);
}

}  // namespace
}  // namespace ozcc::engine::spreading
