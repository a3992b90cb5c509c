// The follow-up placement KPIs (docs/placement.md "KPIs"): how fast the
// region's desk places patients, how long they occupy a bed they no longer
// need, how providers answer offers and why they decline, in total and per
// Dutch calendar day, ISO week or care type.
//
// Definitions:
// - The period selects the placements created in [from, to) (a cohort);
//   every figure is about them and their offers, in their state at `now`.
// - waiting / offered / placed / cancelled: the placements' state now.
// - time to placement: created_at → ended_at of the placed ones.
// - wrong-bed days: WrongBedDays (earliest_at → ended, or now) of every
//   placement; the sum, median and p90.
// - offers: those made for the cohort, per state now; declines per reason;
//   time to answer: created_at → answered_at of the accepted and declined
//   ones.
// - per provider (the offer's organisation): offers, accepted, declined,
//   expired, and placed (its accepted offer of a placed placement);
//   acceptance rate = accepted / (accepted + declined), none when nothing
//   was answered.
// Medians and p90 by nearest rank (core/kpis.h), spans floored at 0.
// Grouping by day or week lists every day / week of the period in order,
// empty ones too; by care type all six care types in declaration order.
//
// Pure functions; no I/O, no clock; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/kpis.h"
#include "core/placement.h"

namespace ozcc {

// Wire names "day", "week", "care-type"; kNone: one total.
enum class PlacementKpiGrouping { kNone, kDay, kWeek, kCareType };
std::string_view ToString(PlacementKpiGrouping g);  // kNone → ""
std::optional<PlacementKpiGrouping> ParsePlacementKpiGrouping(std::string_view s);

// A placement with its offers, as the KPIs read it (PlacementStore::KpiPlacements).
struct PlacementRecord {
  Placement placement;
  std::vector<Offer> offers;
};

// Days (fractions kept).
struct DayStats {
  std::size_t count = 0;
  double total = 0;
  std::optional<double> median, p90;
  bool operator==(const DayStats&) const = default;
};

struct OfferCounts {
  std::size_t made = 0;
  std::size_t open = 0;
  std::size_t accepted = 0;
  std::size_t declined = 0;
  std::size_t withdrawn = 0;
  std::size_t expired = 0;
  bool operator==(const OfferCounts&) const = default;
};

struct ProviderFigures {
  std::string organization_id;
  std::size_t offers = 0;
  std::size_t accepted = 0;
  std::size_t declined = 0;
  std::size_t expired = 0;
  std::size_t placed = 0;
  std::optional<double> acceptance_rate() const;  // accepted / (accepted + declined)
  bool operator==(const ProviderFigures&) const = default;
};

struct PlacementKpiFigures {
  std::size_t placements = 0;
  std::size_t waiting = 0;
  std::size_t offered = 0;
  std::size_t placed = 0;
  std::size_t cancelled = 0;
  DurationStats time_to_placement;
  DayStats wrong_bed_days;
  OfferCounts offers;
  std::array<std::size_t, std::size(kAllDeclineReasons)> declines{};  // indexed as kAllDeclineReasons
  DurationStats time_to_answer;
  std::vector<ProviderFigures> providers;  // by organisation id
  std::size_t Declines(DeclineReason r) const { return declines[static_cast<std::size_t>(r)]; }
  bool operator==(const PlacementKpiFigures&) const = default;
};

struct PlacementKpiGroup {
  std::string key;  // "2026-12-01", "2026-W49" or a care type's wire name
  PlacementKpiFigures figures;
  bool operator==(const PlacementKpiGroup&) const = default;
};

struct PlacementKpiReport {
  Time from{};
  Time to{};
  Time now{};
  PlacementKpiGrouping by = PlacementKpiGrouping::kNone;
  PlacementKpiFigures total;
  std::vector<PlacementKpiGroup> groups;  // empty for kNone
};

// The figures of the placements created in [from, to) (others are ignored)
// as they stand at `now`, grouped as `by` asks. Precondition:
// CheckKpiPeriod(from, to) is ok.
PlacementKpiReport ComputePlacementKpis(const std::vector<PlacementRecord>& records, Time from, Time to, Time now,
                                        PlacementKpiGrouping by);

}  // namespace ozcc
