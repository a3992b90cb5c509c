// The spreading optimiser: given hospitals with their staffed and occupied
// places per care type and patients who need one place each, the plan that
// places every patient at the least total cost, exactly (min-cost flow).
//
// Units: coordinates in decimal degrees (WGS84), distances in km, travel in
// minutes; every cost is in "minutes" (the policy's weights are expressed in
// minutes of travel they are worth).
//
// The cost model (docs/spreading.md, verbatim there):
// - travel(p, h) = the given travel_minutes[p][h] when the instance has it,
//   else great-circle km (haversine, radius 6371.0088 km) × road_factor /
//   speed_kmh × 60;
// - places open for spreading at hospital h for care type k:
//   max(0, staffed − occupied − reserve), reserve = ⌈reserve[k] × staffed⌉
//   for hospitals with a regional function (computed as
//   ⌈reserve[k] × staffed − 1e-9⌉ so that 0.1 × 30 is 3, not 4) and 0
//   otherwise; a stale hospital or care type has no open places and is
//   listed in the plan's left_out;
// - the j-th patient (j = 1, 2, …) placed at (h, k) adds
//   load_weight × (occupied + j) / staffed; within one (h, k), j follows the
//   patients' order in the instance;
// - a placement outside the patient's region adds outside_region_penalty;
// - an unplaced patient costs unplaced_cost (and nothing else).
// The plan minimises the sum over patients.
//
// Pins and forbids (Constraint) remove arcs: a patient with either is a
// group of its own, with arcs only to the hospitals it may go to.
// Method: patients with the same (lat, lon, region, needs) and neither given
// travel times nor pins or forbids are one supply node (their arcs cost the same, so merging
// them changes neither the feasible flows' costs nor the optimum); arcs
// group → (h, k) cost travel + outside_region; each (h, k) → sink has one
// unit arc per open place j with the j-th load cost (increasing in j, so a
// min-cost flow fills the places in order: the convex load cost is exact);
// only the first min(open, patients needing k) places get an arc (no flow
// can use more); group → sink costs unplaced_cost and keeps every instance
// feasible. Each group starts with arcs to its nearest (h, k) only; the
// others are priced with the solver's potentials and added while any could
// lower the cost (SpreaderOptions), so the optimum is that of the whole
// network. LEMON's NetworkSimplex needs integer costs: each arc cost c is
// given to it as llround(c × S) with S = min(2^30, 2^60 / (M × V)) (M the
// largest arc cost, V the nodes; LEMON's artificial arcs cost (M S + 1) V
// and potentials stay within a few of those, so nothing overflows int64).
// Each patient's unit of flow crosses at most two costed arcs, each rounded
// by at most 1/(2S), so the plan returned costs at most 2N/S more than the
// true optimum (N patients; for 20,000 patients and S = 2^30: 4e-5
// minutes): Ĉ(x̂) ≤ Ĉ(x*) and |Ĉ(x) − S C(x)| ≤ N for every flow x. The
// plan's costs are then evaluated at full precision from the model above,
// never from the scaled numbers; Plan::gap_bound reports 2N/S.
// Deterministic: the same instance gives the same plan (LEMON's pivoting
// has no randomness; groups and flows are read in a fixed order).
//
// Pure computation: no I/O, no clock. Build() validates; Solve() is const
// and may run on several threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace ozcc::engine::spreading {

enum class CareType { kIc = 0, kWard = 1 };
inline constexpr std::array<CareType, 2> kCareTypes = {CareType::kIc, CareType::kWard};
const char* ToString(CareType k);  // "ic", "ward"

struct CareCapacity {
  bool present = false;  // the hospital reported this care type
  std::int64_t staffed = 0;
  std::int64_t occupied = 0;  // may exceed staffed (then nothing is open)
  bool stale = false;         // this care type's figures are stale
};

struct Hospital {
  std::string id;
  double lat = 0, lon = 0;
  std::string region;
  bool regional_function = false;
  bool stale = false;                    // every care type of the hospital is stale
  std::array<CareCapacity, 2> capacity;  // by CareType
};

struct Patient {
  std::string id;
  double lat = 0, lon = 0;
  std::string region;
  CareType needs = CareType::kIc;
};

struct Policy {
  double road_factor = 1.3;
  double speed_kmh = 80;
  double load_weight = 60;
  double outside_region_penalty = 30;
  double unplaced_cost = 10'000;
  std::array<double, 2> reserve = {0.5, 0.0};  // by CareType, fraction of staffed, 0–1
};

// A given travel time, overriding the great-circle estimate for one pair.
struct TravelTime {
  int patient = 0;   // index into Instance::patients
  int hospital = 0;  // index into Instance::hospitals
  double minutes = 0;
};

// A coordinator's decision about one patient and one hospital (indices into
// Instance::patients and ::hospitals). A pin sends the patient only to that
// hospital (it stays unplaced when no place is open there); a forbid never
// sends it there. The plan is optimal among the plans that obey them.
struct Constraint {
  int patient = 0;
  int hospital = 0;
};

struct Instance {
  std::vector<Hospital> hospitals;
  std::vector<Patient> patients;
  std::vector<TravelTime> travel_minutes;  // at most one per pair
  std::vector<Constraint> pins;            // at most one per patient
  std::vector<Constraint> forbids;         // at most one per pair, never a pinned pair
  Policy policy;
};

// Limits Build() enforces (a plan of these sizes is solved in well under a
// second; docs/spreading.md).
inline constexpr std::size_t kMaxHospitals = 5'000;
inline constexpr std::size_t kMaxPatients = 200'000;
inline constexpr double kMaxMinutes = 100'000;  // a travel time or a policy cost

struct Assignment {
  int hospital = -1;  // index into Instance::hospitals; -1: unplaced
  CareType care_type = CareType::kIc;
  double travel = 0, load = 0, outside_region = 0;
  double cost = 0;  // travel + load + outside_region, or unplaced_cost
  enum class Unplaced { kNone, kNoOpenPlace, kCheaperUnplaced } unplaced = Unplaced::kNone;
};

struct LeftOut {
  int hospital = 0;
  CareType care_type = CareType::kIc;  // the reason is always "stale"
};

struct OpenPlaces {
  int hospital = 0;
  CareType care_type = CareType::kIc;
  std::int64_t open = 0;
  std::int64_t reserve = 0;
};

struct Plan {
  double total_cost = 0;                // sum of the assignments' costs
  std::vector<Assignment> assignments;  // one per patient, in the instance's order
  std::vector<LeftOut> left_out;        // hospital order, then ic before ward
  std::vector<OpenPlaces> open_places;  // every reported care type, same order
  // Size of the network solved (for benchmarks and tests).
  std::size_t groups = 0, arcs = 0;  // arcs of the last network solved
  int solves = 0;                    // networks solved (1 + pricing rounds that added arcs)
  double gap_bound = 0;              // the plan is at most this far above the optimum (2N/S, above)
};

// Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).
double GreatCircleKm(double lat1, double lon1, double lat2, double lon2);

struct SpreaderOptions {
  // Arcs each group starts with: to its this many cheapest (hospital, care
  // type) by travel + outside_region. Any other arc that could lower the
  // cost is found by pricing and added (see Solve), so the plan is optimal
  // whatever this is; it only changes the speed. 0: every arc at once.
  std::size_t candidate_arcs = 12;
};

class Spreader {
 public:
  // Validates the instance: unique non-empty ids, coordinates in range,
  // non-empty regions, staffed and occupied 0–10,000,000, policy numbers in
  // range, travel pairs unique and within the lists, pins and forbids
  // within the lists (one pin per patient, a forbid neither repeated nor
  // on a pinned pair), sizes within the limits. Every problem at once, each naming its field
  // ("hospitals[2].capacity.ic.staffed").
  static Result<Spreader> Build(Instance instance, SpreaderOptions options = {});

  // The optimal plan. kInternal only if the solver fails (it cannot on a
  // valid instance: every patient may stay unplaced, and no cost is
  // negative).
  Result<Plan> Solve() const;

  const Instance& instance() const { return instance_; }

  // Places open for spreading and the reserve at (h, k) under the policy.
  std::int64_t Reserve(const Hospital& h, CareType k) const;
  std::int64_t Open(const Hospital& h, CareType k) const;

 private:
  Spreader(Instance instance, SpreaderOptions options) : instance_(std::move(instance)), options_(options) {}
  Instance instance_;
  SpreaderOptions options_;
};

}  // namespace ozcc::engine::spreading
