#include "core/placement_match.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ozcc {

namespace {

std::vector<std::string> Names(const std::vector<CareType>& types) {
  std::vector<std::string> out;
  out.reserve(types.size());
  for (CareType t : types) out.emplace_back(ToString(t));
  return out;
}

// A need the unit has to accept: a patient without it passes any unit.
CriterionCheck Flag(const char* name, bool need, const std::optional<bool>& accepts) {
  const bool limit = accepts.value_or(false);
  return {name, !need || limit, need, limit};
}

CriterionValue OptInt(const std::optional<std::int64_t>& v) {
  return v ? CriterionValue(*v) : CriterionValue(std::monostate{});
}

}  // namespace

std::vector<CriterionCheck> CheckCriteria(const PlacementNeeds& needs, const Unit& unit) {
  static const AdmissionCriteria kNone;
  const AdmissionCriteria& c = unit.criteria ? *unit.criteria : kNone;
  const CareProfile& p = needs.profile;
  std::vector<CriterionCheck> out;
  const std::vector<CareType> accepted = AcceptedCareTypes(unit);
  out.push_back({"care_type", std::find(accepted.begin(), accepted.end(), needs.care_type) != accepted.end(),
                 std::string(ToString(needs.care_type)), Names(accepted)});
  out.push_back(Flag("dementia", p.dementia, c.dementia));
  out.push_back(Flag("isolation", p.isolation, c.isolation));
  out.push_back(Flag("oxygen", p.oxygen, c.oxygen));
  out.push_back({"max_weight_kg", !p.weight_kg || !c.max_weight_kg || *p.weight_kg <= *c.max_weight_kg,
                 OptInt(p.weight_kg), OptInt(c.max_weight_kg)});
  {
    CriterionCheck m{"mobility", true, std::string(ToString(p.mobility)), std::monostate{}};
    if (c.mobility) {
      m.ok = static_cast<int>(p.mobility) <= static_cast<int>(*c.mobility);
      m.limit = std::string(ToString(*c.mobility));
    }
    out.push_back(std::move(m));
  }
  out.push_back({"age_min", !p.age || !c.age_min || *p.age >= *c.age_min, OptInt(p.age), OptInt(c.age_min)});
  out.push_back({"age_max", !p.age || !c.age_max || *p.age <= *c.age_max, OptInt(p.age), OptInt(c.age_max)});
  return out;
}

std::vector<PlacementMatch> MatchPlacement(const PlacementNeeds& needs, const std::vector<MatchCandidate>& candidates) {
  std::vector<PlacementMatch> out;
  for (const MatchCandidate& cand : candidates) {
    if (!FollowUpUnitType(cand.unit.type)) continue;
    PlacementMatch m;
    m.unit_id = cand.unit.id;
    m.organization_id = cand.unit.organization_id;
    m.organization_name = cand.organization_name;
    m.unit_name = cand.unit.name;
    m.unit_type = cand.unit.type;
    m.checks = CheckCriteria(needs, cand.unit);
    m.fits = std::all_of(m.checks.begin(), m.checks.end(), [](const CriterionCheck& c) { return c.ok; });
    m.stale = cand.stale;
    m.reserved = std::max<std::int64_t>(0, cand.reserved);
    if (cand.beds) m.reported_available = cand.beds->available;
    if (cand.beds && !cand.stale) m.free_beds = std::max<std::int64_t>(0, cand.beds->available - m.reserved);
    if (needs.lat && needs.lon) m.distance_km = DistanceKm(*needs.lat, *needs.lon, cand.lat, cand.lon);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const PlacementMatch& a, const PlacementMatch& b) {
    if (a.fits != b.fits) return a.fits;
    if ((a.free_beds > 0) != (b.free_beds > 0)) return a.free_beds > 0;
    if (a.distance_km.has_value() != b.distance_km.has_value()) return a.distance_km.has_value();
    if (a.distance_km && *a.distance_km != *b.distance_km) return *a.distance_km < *b.distance_km;
    return a.unit_id < b.unit_id;
  });
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
