#include "engine/spreading/spreader.h"

#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <utility>

namespace ozcc::engine::spreading {

namespace {

constexpr double kEarthRadiusKm = 6371.0088;
constexpr double kPi = 3.14159265358979323846;
constexpr std::int64_t kMaxCount = 10'000'000;
constexpr double kNoArc = std::numeric_limits<double>::infinity();  // removed by a pin or a forbid

double Radians(double deg) { return deg * kPi / 180.0; }

std::string HospitalPath(size_t i) { return "hospitals[" + std::to_string(i) + "]"; }
std::string PatientPath(size_t i) { return "patients[" + std::to_string(i) + "]"; }

bool InRange(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

void CheckPlace(std::vector<FieldError>& errors, const std::string& path, double lat, double lon,
                const std::string& region) {
  if (!InRange(lat, -90, 90)) errors.push_back({path + ".lat", "must be -90 to 90 (decimal degrees)"});
  if (!InRange(lon, -180, 180)) errors.push_back({path + ".lon", "must be -180 to 180 (decimal degrees)"});
  if (region.empty()) errors.push_back({path + ".region", "must not be empty"});
}

void CheckId(std::vector<FieldError>& errors, std::unordered_map<std::string, size_t>& seen, const std::string& path,
             const std::string& id, size_t index, const std::string& list) {
  if (id.empty()) {
    errors.push_back({path + ".id", "must not be empty"});
    return;
  }
  auto [it, inserted] = seen.emplace(id, index);
  if (!inserted) {
    errors.push_back(
        {path + ".id", "duplicate id \"" + id + "\" (also " + list + "[" + std::to_string(it->second) + "])"});
  }
}

bool Known(const Instance& in, const Constraint& c) {
  return c.patient >= 0 && static_cast<size_t>(c.patient) < in.patients.size() && c.hospital >= 0 &&
         static_cast<size_t>(c.hospital) < in.hospitals.size();
}

// Pins ("pins.P1") and forbids ("forbids.P1.H2"): within the lists, one pin
// per patient, a forbid given once and never on the pinned pair.
void CheckConstraints(const Instance& in, std::vector<FieldError>& errors) {
  std::map<int, int> pin_of;
  for (size_t i = 0; i < in.pins.size(); ++i) {
    const Constraint& c = in.pins[i];
    if (!Known(in, c)) {
      errors.push_back({"pins", "entry " + std::to_string(i) + " names no patient or hospital"});
    } else if (!pin_of.emplace(c.patient, c.hospital).second) {
      errors.push_back({"pins." + in.patients[c.patient].id, "a patient is pinned to one hospital at most"});
    }
  }
  std::set<std::pair<int, int>> forbidden;
  for (size_t i = 0; i < in.forbids.size(); ++i) {
    const Constraint& c = in.forbids[i];
    if (!Known(in, c)) {
      errors.push_back({"forbids", "entry " + std::to_string(i) + " names no patient or hospital"});
      continue;
    }
    const std::string p = "forbids." + in.patients[c.patient].id + "." + in.hospitals[c.hospital].id;
    if (!forbidden.emplace(c.patient, c.hospital).second) errors.push_back({p, "given twice"});
    if (auto it = pin_of.find(c.patient); it != pin_of.end() && it->second == c.hospital) {
      errors.push_back({p, "the patient is pinned to this hospital"});
    }
  }
}

// (needs, region, lat, lon): patients with equal keys and no given travel
// times have the same cost on every arc.
struct GroupKey {
  int needs;
  const std::string* region;
  double lat, lon;
  bool operator<(const GroupKey& o) const {
    if (needs != o.needs) return needs < o.needs;
    if (int c = region->compare(*o.region); c != 0) return c < 0;
    if (lat != o.lat) return lat < o.lat;
    return lon < o.lon;
  }
  bool operator==(const GroupKey& o) const {
    return needs == o.needs && *region == *o.region && lat == o.lat && lon == o.lon;
  }
};

}  // namespace

const char* ToString(CareType k) { return k == CareType::kIc ? "ic" : "ward"; }

double GreatCircleKm(double lat1, double lon1, double lat2, double lon2) {
  const double p1 = Radians(lat1), p2 = Radians(lat2);
  const double dp = p2 - p1, dl = Radians(lon2 - lon1);
  const double a =
      std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

Result<Spreader> Spreader::Build(Instance in, SpreaderOptions options) {
  std::vector<FieldError> errors;
  if (in.hospitals.size() > kMaxHospitals) {
    errors.push_back({"hospitals", "at most " + std::to_string(kMaxHospitals) + " hospitals"});
  }
  if (in.patients.size() > kMaxPatients) {
    errors.push_back({"patients", "at most " + std::to_string(kMaxPatients) + " patients"});
  }
  std::unordered_map<std::string, size_t> hospital_ids, patient_ids;
  for (size_t i = 0; i < in.hospitals.size(); ++i) {
    const Hospital& h = in.hospitals[i];
    const std::string p = HospitalPath(i);
    CheckId(errors, hospital_ids, p, h.id, i, "hospitals");
    CheckPlace(errors, p, h.lat, h.lon, h.region);
    for (CareType k : kCareTypes) {
      const CareCapacity& c = h.capacity[static_cast<int>(k)];
      if (!c.present) continue;
      const std::string cp = p + ".capacity." + ToString(k);
      if (c.staffed < 0 || c.staffed > kMaxCount) errors.push_back({cp + ".staffed", "must be 0 to 10000000"});
      if (c.occupied < 0 || c.occupied > kMaxCount) errors.push_back({cp + ".occupied", "must be 0 to 10000000"});
    }
  }
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const Patient& pt = in.patients[i];
    const std::string p = PatientPath(i);
    CheckId(errors, patient_ids, p, pt.id, i, "patients");
    CheckPlace(errors, p, pt.lat, pt.lon, pt.region);
  }
  const Policy& pol = in.policy;
  if (!InRange(pol.road_factor, 1, 10)) errors.push_back({"policy.road_factor", "must be 1 to 10"});
  if (!InRange(pol.speed_kmh, 1, 1000)) errors.push_back({"policy.speed_kmh", "must be 1 to 1000"});
  if (!InRange(pol.load_weight, 0, kMaxMinutes)) errors.push_back({"policy.load_weight", "must be 0 to 100000"});
  if (!InRange(pol.outside_region_penalty, 0, kMaxMinutes)) {
    errors.push_back({"policy.outside_region_penalty", "must be 0 to 100000"});
  }
  if (!InRange(pol.unplaced_cost, 0, kMaxMinutes)) errors.push_back({"policy.unplaced_cost", "must be 0 to 100000"});
  for (CareType k : kCareTypes) {
    if (!InRange(pol.reserve[static_cast<int>(k)], 0, 1)) {
      errors.push_back({std::string("policy.reserve.") + ToString(k), "must be 0 to 1 (a fraction of staffed)"});
    }
  }
  std::map<std::pair<int, int>, size_t> pairs;
  for (size_t i = 0; i < in.travel_minutes.size(); ++i) {
    const TravelTime& t = in.travel_minutes[i];
    const bool known = t.patient >= 0 && static_cast<size_t>(t.patient) < in.patients.size() && t.hospital >= 0 &&
                       static_cast<size_t>(t.hospital) < in.hospitals.size();
    if (!known) {
      errors.push_back({"travel_minutes", "entry " + std::to_string(i) + " names no patient or hospital"});
      continue;
    }
    const std::string p = "travel_minutes." + in.patients[t.patient].id + "." + in.hospitals[t.hospital].id;
    if (!InRange(t.minutes, 0, kMaxMinutes)) errors.push_back({p, "must be 0 to 100000 (minutes)"});
    if (!pairs.emplace(std::make_pair(t.patient, t.hospital), i).second) errors.push_back({p, "given twice"});
  }
  CheckConstraints(in, errors);
  if (!errors.empty()) {
    const size_t n = errors.size();
    return Status::Invalid("instance has " + std::to_string(n) + (n == 1 ? " error" : " errors"), std::move(errors));
  }
  return Spreader(std::move(in), options);
}

std::int64_t Spreader::Reserve(const Hospital& h, CareType k) const {
  const CareCapacity& c = h.capacity[static_cast<int>(k)];
  if (!h.regional_function || !c.present) return 0;
  const double r = instance_.policy.reserve[static_cast<int>(k)] * static_cast<double>(c.staffed);
  return static_cast<std::int64_t>(std::ceil(r - 1e-9));
}

std::int64_t Spreader::Open(const Hospital& h, CareType k) const {
  const CareCapacity& c = h.capacity[static_cast<int>(k)];
  if (!c.present || h.stale || c.stale) return 0;
  return std::max<std::int64_t>(0, c.staffed - c.occupied - Reserve(h, k));
}

Result<Plan> Spreader::Solve() const {
  const Instance& in = instance_;
  const Policy& pol = in.policy;
  const size_t nh = in.hospitals.size(), np = in.patients.size();
  Plan plan;

  // Open places, the report's lists and the demand per care type.
  std::vector<std::array<std::int64_t, 2>> open(nh);
  std::array<std::int64_t, 2> demand = {0, 0}, total_open = {0, 0};
  for (const Patient& p : in.patients) ++demand[static_cast<int>(p.needs)];
  for (size_t h = 0; h < nh; ++h) {
    const Hospital& hosp = in.hospitals[h];
    for (CareType k : kCareTypes) {
      const CareCapacity& c = hosp.capacity[static_cast<int>(k)];
      if (!c.present) continue;
      const int ki = static_cast<int>(k);
      open[h][ki] = Open(hosp, k);
      total_open[ki] += open[h][ki];
      if (hosp.stale || c.stale) plan.left_out.push_back({static_cast<int>(h), k});
      plan.open_places.push_back({static_cast<int>(h), k, open[h][ki], Reserve(hosp, k)});
    }
  }

  // Given travel times: a dense row of the hospitals (NaN: not given) for
  // each patient that has any.
  std::vector<int> given_row(np, -1);
  std::vector<double> given;
  for (const TravelTime& t : in.travel_minutes) {
    if (given_row[t.patient] < 0) {
      given_row[t.patient] = static_cast<int>(given.size() / std::max<size_t>(nh, 1));
      given.resize(given.size() + nh, std::numeric_limits<double>::quiet_NaN());
    }
    given[static_cast<size_t>(given_row[t.patient]) * nh + static_cast<size_t>(t.hospital)] = t.minutes;
  }

  // Pins and forbids: allowed(p, h). A patient with either (or with given
  // travel times) is a group of its own.
  std::vector<int> pin_of(np, -1);
  std::vector<std::uint8_t> alone(np, 0);
  for (const Constraint& c : in.pins) {
    pin_of[c.patient] = c.hospital;
    alone[c.patient] = 1;
  }
  std::set<std::pair<int, int>> forbidden;
  for (const Constraint& c : in.forbids) {
    forbidden.emplace(c.patient, c.hospital);
    alone[c.patient] = 1;
  }
  for (size_t p = 0; p < np; ++p) alone[p] = static_cast<std::uint8_t>(alone[p] != 0 || given_row[p] >= 0);
  auto allowed = [&](int p, int h) {
    if (!alone[p]) return true;
    if (pin_of[p] >= 0) return pin_of[p] == h;
    return forbidden.count({p, h}) == 0;
  };

  // Groups: patients with equal keys and neither given travel times nor
  // pins or forbids, in key order; within a group, the instance's order.
  std::vector<int> order(np);
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int i) {
    const Patient& p = in.patients[i];
    return GroupKey{static_cast<int>(p.needs), &p.region, p.lat, p.lon};
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
  std::vector<std::vector<int>> groups;
  for (size_t i = 0; i < np; ++i) {
    const int p = order[i];
    if (!alone[p] && !groups.empty() && !alone[groups.back().front()] && key(groups.back().front()) == key(p)) {
      groups.back().push_back(p);
    } else {
      groups.push_back({p});
    }
  }
  const size_t ng = groups.size();

  // (h, k) nodes: open places and a patient who needs k.
  struct HkNode {
    int hospital;
    CareType k;
    std::int64_t places;  // arcs to the sink: min(open, demand)
  };
  std::array<std::vector<int>, 2> hk_of_type;  // indices into hk
  std::vector<HkNode> hk;
  for (size_t h = 0; h < nh; ++h) {
    for (CareType k : kCareTypes) {
      const int ki = static_cast<int>(k);
      if (open[h][ki] > 0 && demand[ki] > 0) {
        hk_of_type[ki].push_back(static_cast<int>(hk.size()));
        hk.push_back({static_cast<int>(h), k, std::min(open[h][ki], demand[ki])});
      }
    }
  }

  // Full-precision arc costs: travel + outside_region per (group, hk), in
  // the hk order of the group's care type; +∞ for an arc a pin or a forbid
  // removes (never made an arc of the network).
  std::vector<double> hlat(nh), hcos(nh), hlon(nh);
  for (size_t h = 0; h < nh; ++h) {
    hlat[h] = Radians(in.hospitals[h].lat);
    hlon[h] = Radians(in.hospitals[h].lon);
    hcos[h] = std::cos(hlat[h]);
  }
  const double km_to_min = pol.road_factor / pol.speed_kmh * 60.0;
  auto travel_of = [&](int p, int h) {
    if (given_row[p] >= 0) {
      const double m = given[static_cast<size_t>(given_row[p]) * nh + static_cast<size_t>(h)];
      if (!std::isnan(m)) return m;
    }
    const Patient& pt = in.patients[p];
    const double p1 = Radians(pt.lat), l1 = Radians(pt.lon);
    const double sdp = std::sin((hlat[h] - p1) / 2), sdl = std::sin((hlon[h] - l1) / 2);
    const double a = sdp * sdp + std::cos(p1) * hcos[h] * sdl * sdl;
    return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a))) * km_to_min;
  };
  auto load_of = [&](const HkNode& n, std::int64_t j) {
    const CareCapacity& c = in.hospitals[n.hospital].capacity[static_cast<int>(n.k)];
    return pol.load_weight * static_cast<double>(c.occupied + j) / static_cast<double>(c.staffed);
  };
  std::vector<double> arc_cost;  // group arcs, then place arcs (unplaced arcs are pol.unplaced_cost)
  std::vector<size_t> group_first(ng + 1);
  double max_cost = std::max(1.0, pol.unplaced_cost);
  for (size_t g = 0; g < ng; ++g) {
    group_first[g] = arc_cost.size();
    const int p = groups[g].front();
    const Patient& pt = in.patients[p];
    for (int n : hk_of_type[static_cast<int>(pt.needs)]) {
      const int h = hk[n].hospital;
      if (!allowed(p, h)) {
        arc_cost.push_back(kNoArc);
        continue;
      }
      const double c = travel_of(p, h) + (in.hospitals[h].region == pt.region ? 0.0 : pol.outside_region_penalty);
      arc_cost.push_back(c);
      max_cost = std::max(max_cost, c);
    }
  }
  group_first[ng] = arc_cost.size();
  max_cost = std::max(max_cost, pol.load_weight);

  // Integer costs for NetworkSimplex (header comment: scale and bound).
  const int sink = static_cast<int>(ng + hk.size());
  const int nodes = sink + 1;
  const double scale = std::min(std::ldexp(1.0, 30), std::ldexp(1.0, 60) / (max_cost * static_cast<double>(nodes)));
  auto scaled = [scale](double c) { return static_cast<std::int64_t>(std::llround(c * scale)); };
  plan.groups = ng;
  plan.gap_bound = 2.0 * static_cast<double>(np) / scale;

  // Candidate arcs. Each group starts with the arcs of its
  // options_.candidate_arcs cheapest (h, k) (travel + outside_region; ties
  // by hk order). After each solve every left-out arc is priced with the
  // solver's potentials π: reduced cost ĉ(g→hk) + π(g) − π(hk). If none is
  // negative, the flow (zero on the left-out arcs, which sit at their lower
  // bound) and π satisfy complementary slackness on the whole network, so
  // the flow is optimal for the whole network (LP duality; the costs are
  // the same integers, so the bound of the header comment holds). Otherwise
  // the negative ones are added and the network is solved again; arcs are
  // only ever added, so this ends, at the latest with every arc in.
  std::vector<std::vector<int>> active(ng);  // per group: positions in its targets, ascending
  std::vector<size_t> allowed_arcs(ng);      // per group: arcs not removed by a pin or a forbid
  for (size_t g = 0; g < ng; ++g) {
    std::vector<int> idx;
    for (size_t t = group_first[g]; t < group_first[g + 1]; ++t) {
      if (arc_cost[t] != kNoArc) idx.push_back(static_cast<int>(t - group_first[g]));
    }
    const size_t n = idx.size();
    allowed_arcs[g] = n;
    const size_t keep = options_.candidate_arcs == 0 ? n : std::min(n, options_.candidate_arcs);
    auto cheaper = [&](int a, int b) {
      const double ca = arc_cost[group_first[g] + a], cb = arc_cost[group_first[g] + b];
      return ca != cb ? ca < cb : a < b;
    };
    if (keep < n) std::nth_element(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(keep), idx.end(), cheaper);
    idx.resize(keep);
    std::sort(idx.begin(), idx.end());
    active[g] = std::move(idx);
  }
  std::vector<std::int64_t> place_cost;  // per hk node, its place arcs in order
  std::vector<size_t> place_first(hk.size() + 1);
  for (size_t n = 0; n < hk.size(); ++n) {
    place_first[n] = place_cost.size();
    for (std::int64_t j = 1; j <= hk[n].places; ++j) place_cost.push_back(scaled(load_of(hk[n], j)));
  }
  place_first[hk.size()] = place_cost.size();

  // The network: groups 0..ng-1, hk nodes ng.., the sink last. Arcs sorted
  // by source (StaticDigraph): per group its active hk arcs then its
  // unplaced arc; per hk node its place arcs.
  lemon::StaticDigraph graph;
  std::vector<std::int64_t> flow;  // per arc of the last solve
  for (;;) {
    std::vector<std::pair<int, int>> arcs;
    std::vector<std::int64_t> cap, cost;
    size_t group_arcs = 0;
    for (const auto& a : active) group_arcs += a.size();
    const size_t total = group_arcs + ng + place_cost.size();
    arcs.reserve(total);
    cap.reserve(total);
    cost.reserve(total);
    for (size_t g = 0; g < ng; ++g) {
      const auto& targets = hk_of_type[static_cast<int>(in.patients[groups[g].front()].needs)];
      const auto size = static_cast<std::int64_t>(groups[g].size());
      for (int t : active[g]) {
        arcs.emplace_back(static_cast<int>(g), static_cast<int>(ng) + targets[t]);
        cap.push_back(size);
        cost.push_back(scaled(arc_cost[group_first[g] + t]));
      }
      arcs.emplace_back(static_cast<int>(g), sink);
      cap.push_back(size);
      cost.push_back(scaled(pol.unplaced_cost));
    }
    for (size_t n = 0; n < hk.size(); ++n) {
      for (size_t j = place_first[n]; j < place_first[n + 1]; ++j) {
        arcs.emplace_back(static_cast<int>(ng + n), sink);
        cap.push_back(1);
        cost.push_back(place_cost[j]);
      }
    }
    graph.build(nodes, arcs.begin(), arcs.end());
    lemon::StaticDigraph::ArcMap<std::int64_t> arc_cap(graph), arc_cost_int(graph);
    lemon::StaticDigraph::NodeMap<std::int64_t> supply(graph, 0);
    for (size_t a = 0; a < arcs.size(); ++a) {
      const auto arc = lemon::StaticDigraph::arc(static_cast<int>(a));
      arc_cap[arc] = cap[a];
      arc_cost_int[arc] = cost[a];
    }
    for (size_t g = 0; g < ng; ++g) {
      supply[lemon::StaticDigraph::node(static_cast<int>(g))] = static_cast<std::int64_t>(groups[g].size());
    }
    supply[lemon::StaticDigraph::node(sink)] = -static_cast<std::int64_t>(np);
    lemon::NetworkSimplex<lemon::StaticDigraph, std::int64_t, std::int64_t> solver(graph);
    solver.upperMap(arc_cap).costMap(arc_cost_int).supplyMap(supply);
    if (solver.run() != decltype(solver)::OPTIMAL) return Status::Internal("the min-cost flow solver found no optimum");
    ++plan.solves;
    plan.arcs = arcs.size();
    flow.resize(arcs.size());
    for (size_t a = 0; a < arcs.size(); ++a) flow[a] = solver.flow(lemon::StaticDigraph::arc(static_cast<int>(a)));

    // Price the left-out arcs.
    bool added = false;
    for (size_t g = 0; g < ng; ++g) {
      const size_t n = group_first[g + 1] - group_first[g];
      if (active[g].size() == allowed_arcs[g]) continue;
      const auto& targets = hk_of_type[static_cast<int>(in.patients[groups[g].front()].needs)];
      const std::int64_t pi_g = solver.potential(lemon::StaticDigraph::node(static_cast<int>(g)));
      std::vector<int> next;
      size_t a = 0;
      for (int t = 0; t < static_cast<int>(n); ++t) {
        if (a < active[g].size() && active[g][a] == t) {
          next.push_back(t);
          ++a;
          continue;
        }
        if (arc_cost[group_first[g] + t] == kNoArc) continue;
        const std::int64_t pi_h = solver.potential(lemon::StaticDigraph::node(static_cast<int>(ng) + targets[t]));
        if (scaled(arc_cost[group_first[g] + t]) + pi_g - pi_h < 0) {
          next.push_back(t);
          added = true;
        }
      }
      active[g] = std::move(next);
    }
    if (!added) break;
  }

  // Read the flows: a group's patients, in order, fill its hk arcs in hk
  // order; the rest stay unplaced.
  plan.assignments.resize(np);
  std::vector<std::vector<int>> at_hk(hk.size());
  std::array<std::int64_t, 2> used = {0, 0};
  size_t arc_index = 0;
  for (size_t g = 0; g < ng; ++g) {
    const auto& targets = hk_of_type[static_cast<int>(in.patients[groups[g].front()].needs)];
    size_t next = 0;
    for (int at : active[g]) {
      const size_t t = static_cast<size_t>(at);
      std::int64_t f = flow[arc_index++];
      for (; f > 0; --f, ++next) {
        const int p = groups[g][next];
        Assignment& a = plan.assignments[p];
        a.hospital = hk[targets[t]].hospital;
        a.travel = travel_of(p, a.hospital);
        a.outside_region = in.hospitals[a.hospital].region == in.patients[p].region ? 0.0 : pol.outside_region_penalty;
        at_hk[targets[t]].push_back(p);
      }
    }
    ++arc_index;  // the unplaced arc: every patient not placed above
  }
  for (size_t n = 0; n < hk.size(); ++n) {
    std::sort(at_hk[n].begin(), at_hk[n].end());
    used[static_cast<int>(hk[n].k)] += static_cast<std::int64_t>(at_hk[n].size());
    for (size_t j = 0; j < at_hk[n].size(); ++j) {
      plan.assignments[at_hk[n][j]].load = load_of(hk[n], static_cast<std::int64_t>(j) + 1);
    }
  }
  for (size_t p = 0; p < np; ++p) {
    Assignment& a = plan.assignments[p];
    a.care_type = in.patients[p].needs;
    if (a.hospital < 0) {
      a.cost = pol.unplaced_cost;
      // Is a place it may take still open? (With a pin or forbids only
      // those count.)
      bool place_left = used[static_cast<int>(a.care_type)] < total_open[static_cast<int>(a.care_type)];
      if (alone[p] && place_left) {
        place_left = false;
        for (int n : hk_of_type[static_cast<int>(a.care_type)]) {
          const HkNode& node = hk[n];
          if (allowed(static_cast<int>(p), node.hospital) &&
              static_cast<std::int64_t>(at_hk[n].size()) < open[node.hospital][static_cast<int>(node.k)]) {
            place_left = true;
          }
        }
      }
      a.unplaced = place_left ? Assignment::Unplaced::kCheaperUnplaced : Assignment::Unplaced::kNoOpenPlace;
    } else {
      a.cost = a.travel + a.load + a.outside_region;
    }
    plan.total_cost += a.cost;
  }
  return plan;
}

}  // namespace ozcc::engine::spreading
