// Matching a follow-up placement against the region's follow-up units
// (docs/placement.md, "Matching"): every admission criterion checked one by
// one with its reason, free beds now from the capacity picture, beds held by
// reservations and the distance to the preferred place; the units ranked.
// Pure: no I/O, no clock read (the caller passes `now` through the inputs).
//
// Ranking: units that meet every criterion before those failing one; then
// units with free beds (> 0) before those without; then by distance
// (nearest first; unknown distance last); then by unit id, so equal inputs
// give one order.
//
// Free beds: the unit's latest report's `available` less the reservations
// held on it, floored at 0. A stale unit (core/stale.h) has no free beds
// here whatever it last reported: a bed reported long ago is not a bed one
// can promise; nor has a unit without a report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/admission_criteria.h"
#include "core/placement.h"
#include "core/types.h"

namespace ozcc {

// One side of a criterion's reason: absent (not stated), a flag, a number,
// a name, or a list of names.
using CriterionValue = std::variant<std::monostate, bool, std::int64_t, std::string, std::vector<std::string>>;

// A criterion checked for one unit: its name ("care_type", "dementia",
// "isolation", "oxygen", "max_weight_kg", "mobility", "age_min",
// "age_max"), whether the unit meets it, what the patient needs and what the
// unit admits.
struct CriterionCheck {
  std::string criterion;
  bool ok = true;
  CriterionValue need;
  CriterionValue limit;
  bool operator==(const CriterionCheck&) const = default;
};

// The patient side of a match.
struct PlacementNeeds {
  CareType care_type = CareType::kElvLow;
  CareProfile profile;
  std::optional<double> lat;  // the preferred place
  std::optional<double> lon;
};

// A unit that could take the patient, with what the picture knows of it.
struct MatchCandidate {
  Unit unit;  // with its criteria
  std::string organization_name;
  double lat = 0;  // the unit's location
  double lon = 0;
  std::optional<Beds> beds;   // latest report's beds; nullopt: never reported
  bool stale = false;         // the latest report is stale
  std::int64_t reserved = 0;  // beds held by reservations now
};

struct PlacementMatch {
  std::string unit_id;
  std::string organization_id;
  std::string organization_name;
  std::string unit_name;
  UnitType unit_type = UnitType::kElvLow;
  bool fits = true;                    // every criterion ok
  std::vector<CriterionCheck> checks;  // every criterion, in the order above
  std::int64_t free_beds = 0;          // as the header says
  std::optional<std::int64_t> reported_available;
  std::int64_t reserved = 0;
  bool stale = false;
  std::optional<double> distance_km;  // great-circle, to the preferred place
};

// Every criterion of `unit` checked against the needs. A profile value the
// patient's record does not give (weight, age) meets the limit: it is listed
// with an absent need.
std::vector<CriterionCheck> CheckCriteria(const PlacementNeeds& needs, const Unit& unit);

struct MatchRanking {
  std::vector<PlacementMatch> best;  // the first `limit` of the ranking
  size_t total = 0;                  // candidates ranked (the follow-up units)
  size_t fitting = 0;                // of them, those that meet every criterion
};

// The candidates that are follow-up units (FollowUpUnitType), matched and
// ranked as the header says; other units are left out. Every candidate is
// ranked, but only the best `limit` are returned with their reasons, so a
// region of thousands of units costs little more than the page shown.
MatchRanking MatchPlacement(const PlacementNeeds& needs, const std::vector<MatchCandidate>& candidates,
                            size_t limit = std::numeric_limits<size_t>::max());

// Great-circle distance in km (mean Earth radius 6371 km).
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace ozcc
