#include "core/placement_kpis.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

namespace ozcc {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

constexpr std::array<std::pair<PlacementKpiGrouping, std::string_view>, 3> kGroupings{
    {{PlacementKpiGrouping::kDay, "day"},
     {PlacementKpiGrouping::kWeek, "week"},
     {PlacementKpiGrouping::kCareType, "care-type"}}};

milliseconds Span(Time from, Time to) {
  return std::max(milliseconds{0}, std::chrono::duration_cast<milliseconds>(to - from));
}

DayStats DayStatsOf(std::vector<double> values) {
  DayStats s;
  s.count = values.size();
  if (values.empty()) return s;
  for (double v : values) s.total += v;
  std::sort(values.begin(), values.end());
  s.median = NearestRank(values, 50);
  s.p90 = NearestRank(values, 90);
  return s;
}

// What one group adds up before its figures are final.
struct Tally {
  PlacementKpiFigures f;
  std::map<std::string, ProviderFigures> providers;
  std::vector<milliseconds> to_placement, to_answer;
  std::vector<double> wrong_bed;

  void Add(const PlacementRecord& r, Time now) {
    const Placement& p = r.placement;
    ++f.placements;
    switch (p.state) {
      case PlacementState::kWaiting: ++f.waiting; break;
      case PlacementState::kOffered: ++f.offered; break;
      case PlacementState::kPlaced: ++f.placed; break;
      case PlacementState::kCancelled: ++f.cancelled; break;
    }
    if (p.state == PlacementState::kPlaced && p.ended_at) to_placement.push_back(Span(p.created_at, *p.ended_at));
    wrong_bed.push_back(WrongBedDays(p, now));
    for (const Offer& o : r.offers) AddOffer(o, p.state == PlacementState::kPlaced);
  }

  void AddOffer(const Offer& o, bool placement_placed) {
    ProviderFigures& prov = providers[o.organization_id];
    prov.organization_id = o.organization_id;
    ++prov.offers;
    ++f.offers.made;
    switch (o.state) {
      case OfferState::kOpen: ++f.offers.open; break;
      case OfferState::kAccepted:
        ++f.offers.accepted;
        ++prov.accepted;
        if (placement_placed) ++prov.placed;
        break;
      case OfferState::kDeclined:
        ++f.offers.declined;
        ++prov.declined;
        ++f.declines[static_cast<std::size_t>(o.decline_reason.value_or(DeclineReason::kOther))];
        break;
      case OfferState::kWithdrawn: ++f.offers.withdrawn; break;
      case OfferState::kExpired:
        ++f.offers.expired;
        ++prov.expired;
        break;
    }
    const bool answered = o.state == OfferState::kAccepted || o.state == OfferState::kDeclined;
    if (answered && o.answered_at) to_answer.push_back(Span(o.created_at, *o.answered_at));
  }

  PlacementKpiFigures Done() && {
    f.time_to_placement = DurationStatsOf(std::move(to_placement));
    f.time_to_answer = DurationStatsOf(std::move(to_answer));
    f.wrong_bed_days = DayStatsOf(std::move(wrong_bed));
    for (auto& [id, prov] : providers) f.providers.push_back(std::move(prov));
    return std::move(f);
  }
};

std::string KeyOf(const Placement& p, PlacementKpiGrouping by) {
  switch (by) {
    case PlacementKpiGrouping::kNone: return "";
    case PlacementKpiGrouping::kDay: return FormatIsoDate(NetherlandsDate(p.created_at));
    case PlacementKpiGrouping::kWeek: return IsoWeek(NetherlandsDate(p.created_at));
    case PlacementKpiGrouping::kCareType: return std::string(ToString(p.care_type));
  }
  return "";
}

}  // namespace

std::string_view ToString(PlacementKpiGrouping g) {
  for (const auto& [k, v] : kGroupings) {
    if (k == g) return v;
  }
  return "";
}

std::optional<PlacementKpiGrouping> ParsePlacementKpiGrouping(std::string_view s) {
  for (const auto& [k, v] : kGroupings) {
    if (v == s) return k;
  }
  return std::nullopt;
}

std::optional<double> ProviderFigures::acceptance_rate() const {
  const std::size_t answered = accepted + declined;
  if (answered == 0) return std::nullopt;
  return static_cast<double>(accepted) / static_cast<double>(answered);
}

PlacementKpiReport ComputePlacementKpis(const std::vector<PlacementRecord>& records, Time from, Time to, Time now,
                                        PlacementKpiGrouping by) {
  PlacementKpiReport r;
  r.from = from;
  r.to = to;
  r.now = now;
  r.by = by;
  Tally total;
  // Keys in the order they are listed; the tallies by key.
  std::vector<std::string> order;
  std::map<std::string, Tally> groups;
  auto list = [&](std::string key) {
    if (groups.try_emplace(key).second) order.push_back(std::move(key));
  };
  if (by == PlacementKpiGrouping::kDay || by == PlacementKpiGrouping::kWeek) {
    const sys_days first{NetherlandsDate(from)};
    const sys_days last{NetherlandsDate(to - milliseconds{1})};
    for (sys_days d = first; d <= last; d += days{1}) {
      list(by == PlacementKpiGrouping::kDay ? FormatIsoDate(Date{d}) : IsoWeek(Date{d}));
    }
  }
  if (by == PlacementKpiGrouping::kCareType) {
    for (CareType c : kAllCareTypes) list(std::string(ToString(c)));
  }
  for (const PlacementRecord& rec : records) {
    const Time at = rec.placement.created_at;
    if (at < from || !(at < to)) continue;
    total.Add(rec, now);
    if (by != PlacementKpiGrouping::kNone) groups[KeyOf(rec.placement, by)].Add(rec, now);
  }
  r.total = std::move(total).Done();
  for (auto& key : order) r.groups.push_back({key, std::move(groups[key]).Done()});
  return r;
}

}  // namespace ozcc
