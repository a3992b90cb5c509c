#include "core/placement_match.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

namespace ozcc {

namespace {

std::vector<std::string> Names(const std::vector<CareType>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (CareType t : types) out.emplace_back(ToString(t));
  return out;
}

// The tests of the criteria, shared by CheckCriteria (with the reasons) and
// Fits (the verdict alone, for ranking every unit without allocating).
// A need the unit has to accept: a patient without it passes any unit.
bool FlagOk(bool need, const std::optional<bool>& accepts) { return !need || accepts.value_or(false); }
// A patient value the record does not give meets the limit.
bool AtMost(const std::optional<std::int64_t>& v, const std::optional<std::int64_t>& max) {
  return !v || !max || *v <= *max;
}
bool AtLeast(const std::optional<std::int64_t>& v, const std::optional<std::int64_t>& min) {
  return !v || !min || *v >= *min;
}
bool MobilityOk(Mobility need, const std::optional<Mobility>& limit) {
  return !limit || static_cast<int>(need) <= static_cast<int>(*limit);
}
// As AcceptedCareTypes, without making the list.
bool CareTypeOk(CareType need, const Unit& unit) {
  if (!FollowUpUnitType(unit.type)) return false;
  if (unit.criteria && !unit.criteria->care_types.empty()) {
    const auto& types = unit.criteria->care_types;
    return std::find(types.begin(), types.end(), need) != types.end();
  }
  return PlacementCareTypeOf(unit.type) == need;
}

const AdmissionCriteria& CriteriaOf(const Unit& unit) {
  static const AdmissionCriteria kNone;
  return unit.criteria ? *unit.criteria : kNone;
}

// Whether the unit meets every criterion (all of CheckCriteria's ok).
bool Fits(const PlacementNeeds& needs, const Unit& unit) {
  const AdmissionCriteria& c = CriteriaOf(unit);
  const CareProfile& p = needs.profile;
  return CareTypeOk(needs.care_type, unit) && FlagOk(p.dementia, c.dementia) && FlagOk(p.isolation, c.isolation) &&
         FlagOk(p.oxygen, c.oxygen) && AtMost(p.weight_kg, c.max_weight_kg) && MobilityOk(p.mobility, c.mobility) &&
         AtLeast(p.age, c.age_min) && AtMost(p.age, c.age_max);
}

CriterionCheck Flag(const char* name, bool need, const std::optional<bool>& accepts) {
  return {name, FlagOk(need, accepts), need, accepts.value_or(false)};
}

CriterionValue OptInt(const std::optional<std::int64_t>& v) {
  return v ? CriterionValue(*v) : CriterionValue(std::monostate{});
}

std::int64_t ReservedOf(const MatchCandidate& c) { return std::max<std::int64_t>(0, c.reserved); }

// What the ranking orders a candidate by (the header's order).
struct RankKey {
  bool fits = false;
  std::int64_t free_beds = 0;
  std::optional<double> distance_km;
  const MatchCandidate* cand = nullptr;
};

bool Before(const RankKey& a, const RankKey& b) {
  if (a.fits != b.fits) return a.fits;
  if ((a.free_beds > 0) != (b.free_beds > 0)) return a.free_beds > 0;
  if (a.distance_km.has_value() != b.distance_km.has_value()) return a.distance_km.has_value();
  if (a.distance_km && *a.distance_km != *b.distance_km) return *a.distance_km < *b.distance_km;
  return a.cand->unit.id < b.cand->unit.id;
}

}  // namespace

std::vector<CriterionCheck> CheckCriteria(const PlacementNeeds& needs, const Unit& unit) {
  const AdmissionCriteria& c = CriteriaOf(unit);
  const CareProfile& p = needs.profile;
  std::vector<CriterionCheck> out;
  out.reserve(8);
  out.push_back({"care_type", CareTypeOk(needs.care_type, unit), std::string(ToString(needs.care_type)),
                 Names(AcceptedCareTypes(unit))});
  out.push_back(Flag("dementia", p.dementia, c.dementia));
  out.push_back(Flag("isolation", p.isolation, c.isolation));
  out.push_back(Flag("oxygen", p.oxygen, c.oxygen));
  out.push_back({"max_weight_kg", AtMost(p.weight_kg, c.max_weight_kg), OptInt(p.weight_kg), OptInt(c.max_weight_kg)});
  {
    CriterionCheck m{"mobility", MobilityOk(p.mobility, c.mobility), std::string(ToString(p.mobility)),
                     std::monostate{}};
    if (c.mobility) m.limit = std::string(ToString(*c.mobility));
    out.push_back(std::move(m));
  }
  out.push_back({"age_min", AtLeast(p.age, c.age_min), OptInt(p.age), OptInt(c.age_min)});
  out.push_back({"age_max", AtMost(p.age, c.age_max), OptInt(p.age), OptInt(c.age_max)});
  return out;
}

MatchRanking MatchPlacement(const PlacementNeeds& needs, const std::vector<MatchCandidate>& candidates, size_t limit) {
  std::vector<RankKey> keys;
  keys.reserve(candidates.size());
  MatchRanking out;
  for (const MatchCandidate& cand : candidates) {
    if (!FollowUpUnitType(cand.unit.type)) continue;
    RankKey k;
    k.cand = &cand;
    k.fits = Fits(needs, cand.unit);
    if (cand.beds && !cand.stale) k.free_beds = std::max<std::int64_t>(0, cand.beds->available - ReservedOf(cand));
    if (needs.lat && needs.lon) k.distance_km = DistanceKm(*needs.lat, *needs.lon, cand.lat, cand.lon);
    out.fitting += k.fits ? 1 : 0;
    keys.push_back(k);
  }
  out.total = keys.size();
  const size_t n = std::min(limit, keys.size());
  std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(n), keys.end(), Before);
  out.best.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const RankKey& k = keys[i];
    const MatchCandidate& cand = *k.cand;
    PlacementMatch m;
    m.unit_id = cand.unit.id;
    m.organization_id = cand.unit.organization_id;
    m.organization_name = cand.organization_name;
    m.unit_name = cand.unit.name;
    m.unit_type = cand.unit.type;
    m.checks = CheckCriteria(needs, cand.unit);
    m.fits = k.fits;
    m.stale = cand.stale;
    m.reserved = ReservedOf(cand);
    if (cand.beds) m.reported_available = cand.beds->available;
    m.free_beds = k.free_beds;
    m.distance_km = k.distance_km;
    out.best.push_back(std::move(m));
  }
  return out;
}

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace ozcc
