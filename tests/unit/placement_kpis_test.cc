// The follow-up placement KPIs (core/placement_kpis.h): the cohort of the
// period, the states now, time to placement and to answer, wrong-bed days,
// offers per state and declines per reason, the providers, and each grouping.
#include "core/placement_kpis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time.h"

namespace ozcc {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

Time T(const char* s) { return *ParseRfc3339(s); }

PlacementRecord P(const std::string& id, const char* created, PlacementState state, CareType care = CareType::kElvLow) {
  PlacementRecord r;
  Placement& p = r.placement;
  p.id = id;
  p.region_id = "ZWN";
  p.care_type = care;
  p.created_at = T(created);
  p.earliest_at = DayStart(p.created_at);
  p.state = state;
  return r;
}

Offer O(const std::string& org, OfferState state, Time made, std::optional<Time> answered = std::nullopt,
        std::optional<DeclineReason> reason = std::nullopt) {
  Offer o;
  o.organization_id = org;
  o.unit_id = org + "-u";
  o.state = state;
  o.created_at = made;
  o.answered_at = answered;
  o.decline_reason = reason;
  return o;
}

const Time kFrom = T("2026-11-30T00:00:00Z");
const Time kTo = T("2026-12-07T00:00:00Z");
const Time kNow = T("2026-12-07T12:00:00Z");

TEST(PlacementKpiGrouping, WireNames) {
  for (auto g : {PlacementKpiGrouping::kDay, PlacementKpiGrouping::kWeek, PlacementKpiGrouping::kCareType}) {
    EXPECT_EQ(ParsePlacementKpiGrouping(ToString(g)), g);
  }
  EXPECT_EQ(ToString(PlacementKpiGrouping::kCareType), "care-type");
  EXPECT_FALSE(ParsePlacementKpiGrouping("channel"));
  EXPECT_FALSE(ParsePlacementKpiGrouping(""));
}

TEST(PlacementKpis, NothingInThePeriod) {
  auto r = ComputePlacementKpis({P("pl-old", "2026-11-29T23:59:59Z", PlacementState::kWaiting),
                                 P("pl-late", "2026-12-07T00:00:00Z", PlacementState::kWaiting)},
                                kFrom, kTo, kNow, PlacementKpiGrouping::kNone);
  EXPECT_EQ(r.total, PlacementKpiFigures{});
  EXPECT_FALSE(r.total.time_to_placement.median);
  EXPECT_FALSE(r.total.wrong_bed_days.median);
  EXPECT_TRUE(r.groups.empty());
  EXPECT_EQ(r.now, kNow);
}

TEST(PlacementKpis, StatesOffersProvidersAndSpans) {
  // Placed after 26 h: offered to A (declined, no bed, after 1 h) and B (accepted after 3 h).
  auto placed = P("pl-1", "2026-12-01T08:00:00Z", PlacementState::kPlaced);
  placed.placement.ended_at = placed.placement.created_at + hours(26);
  const Time t1 = placed.placement.created_at + hours(1);
  placed.offers = {O("A", OfferState::kDeclined, t1, t1 + hours(1), DeclineReason::kNoBed),
                   O("B", OfferState::kAccepted, t1, t1 + hours(3))};
  // Waiting: A declined (care too complex, after 30 min), B's reservation expired.
  auto waiting = P("pl-2", "2026-12-02T10:00:00Z", PlacementState::kWaiting);
  const Time t2 = waiting.placement.created_at;
  waiting.offers = {O("A", OfferState::kDeclined, t2, t2 + minutes(30), DeclineReason::kCareTooComplex),
                    O("B", OfferState::kExpired, t2, t2 + hours(30))};
  // Offered to C (open); a second offer withdrawn.
  auto offered = P("pl-3", "2026-12-05T09:00:00Z", PlacementState::kOffered);
  offered.offers = {O("C", OfferState::kOpen, offered.placement.created_at),
                    O("A", OfferState::kWithdrawn, offered.placement.created_at, kNow)};
  // Cancelled two days after it was ready: a decline without a reason counts as other.
  auto cancelled = P("pl-4", "2026-12-03T12:00:00Z", PlacementState::kCancelled);
  cancelled.placement.earliest_at = T("2026-12-01T00:00:00Z");
  cancelled.placement.ended_at = T("2026-12-03T00:00:00Z");
  cancelled.offers = {O("C", OfferState::kDeclined, T("2026-12-03T12:00:00Z"), T("2026-12-03T14:00:00Z"))};

  auto r = ComputePlacementKpis({placed, waiting, offered, cancelled}, kFrom, kTo, kNow, PlacementKpiGrouping::kNone);
  const auto& f = r.total;
  EXPECT_EQ(f.placements, 4u);
  EXPECT_EQ(f.waiting, 1u);
  EXPECT_EQ(f.offered, 1u);
  EXPECT_EQ(f.placed, 1u);
  EXPECT_EQ(f.cancelled, 1u);
  EXPECT_EQ(f.time_to_placement.count, 1u);
  EXPECT_EQ(f.time_to_placement.median, milliseconds(hours(26)));
  EXPECT_EQ(f.time_to_placement.p90, milliseconds(hours(26)));

  // Wrong-bed days from the start of the day each was created (earliest_at): pl-1 08:00 + 26 h → 34 h;
  // pl-2 2 Dec → now (7 Dec 12:00) 5.5 d; pl-3 5 Dec → now 2.5 d; pl-4 1 → 3 Dec, 2 d.
  const double d1 = 34.0 / 24, d2 = 5.5, d3 = 2.5, d4 = 2.0;
  EXPECT_EQ(f.wrong_bed_days.count, 4u);
  EXPECT_DOUBLE_EQ(f.wrong_bed_days.total, d1 + d2 + d3 + d4);
  // Sorted d1 < d4 < d3 < d2: the median is rank 2 of 4, the p90 rank 4.
  EXPECT_DOUBLE_EQ(*f.wrong_bed_days.median, d4);
  EXPECT_DOUBLE_EQ(*f.wrong_bed_days.p90, d2);

  EXPECT_EQ(f.offers, (OfferCounts{.made = 7, .open = 1, .accepted = 1, .declined = 3, .withdrawn = 1, .expired = 1}));
  EXPECT_EQ(f.Declines(DeclineReason::kNoBed), 1u);
  EXPECT_EQ(f.Declines(DeclineReason::kCareTooComplex), 1u);
  EXPECT_EQ(f.Declines(DeclineReason::kOther), 1u);
  EXPECT_EQ(f.Declines(DeclineReason::kPatientChoice), 0u);
  // Answered: 1 h, 3 h, 30 min, 2 h → sorted 30 min, 1 h, 2 h, 3 h: median rank 2 = 1 h, p90 rank 4 = 3 h.
  EXPECT_EQ(f.time_to_answer.count, 4u);
  EXPECT_EQ(f.time_to_answer.median, milliseconds(hours(1)));
  EXPECT_EQ(f.time_to_answer.p90, milliseconds(hours(3)));

  ASSERT_EQ(f.providers.size(), 3u);
  EXPECT_EQ(
      f.providers[0],
      (ProviderFigures{.organization_id = "A", .offers = 3, .accepted = 0, .declined = 2, .expired = 0, .placed = 0}));
  EXPECT_EQ(
      f.providers[1],
      (ProviderFigures{.organization_id = "B", .offers = 2, .accepted = 1, .declined = 0, .expired = 1, .placed = 1}));
  EXPECT_EQ(
      f.providers[2],
      (ProviderFigures{.organization_id = "C", .offers = 2, .accepted = 0, .declined = 1, .expired = 0, .placed = 0}));
  EXPECT_EQ(f.providers[0].acceptance_rate(), 0.0);
  EXPECT_EQ(f.providers[1].acceptance_rate(), 1.0);
  EXPECT_FALSE((ProviderFigures{.organization_id = "D", .offers = 1}).acceptance_rate());
}

TEST(PlacementKpis, SpansNeverNegative) {
  auto p = P("pl-1", "2026-12-01T08:00:00Z", PlacementState::kPlaced);
  p.placement.ended_at = p.placement.created_at - hours(1);  // a clock set back
  p.placement.earliest_at = p.placement.created_at + hours(48);
  p.offers = {O("A", OfferState::kAccepted, p.placement.created_at, p.placement.created_at - minutes(5))};
  auto r = ComputePlacementKpis({p}, kFrom, kTo, kNow, PlacementKpiGrouping::kNone);
  EXPECT_EQ(r.total.time_to_placement.median, milliseconds(0));
  EXPECT_EQ(r.total.time_to_answer.median, milliseconds(0));
  EXPECT_EQ(r.total.wrong_bed_days.total, 0.0);
}

TEST(PlacementKpis, PercentilesByNearestRank) {
  std::vector<PlacementRecord> rs;
  for (int i = 1; i <= 10; ++i) {
    auto p = P("pl-" + std::to_string(i), "2026-12-01T00:00:00Z", PlacementState::kPlaced);
    p.placement.ended_at = p.placement.created_at + hours(i);
    rs.push_back(p);
  }
  auto r = ComputePlacementKpis(rs, kFrom, kTo, kNow, PlacementKpiGrouping::kNone);
  EXPECT_EQ(r.total.time_to_placement.count, 10u);
  EXPECT_EQ(r.total.time_to_placement.median, milliseconds(hours(5)));
  EXPECT_EQ(r.total.time_to_placement.p90, milliseconds(hours(9)));
  // Every one ended i hours after midnight of the day it was ready.
  EXPECT_DOUBLE_EQ(r.total.wrong_bed_days.total, 55.0 / 24);
  EXPECT_DOUBLE_EQ(*r.total.wrong_bed_days.median, 5.0 / 24);
  EXPECT_DOUBLE_EQ(*r.total.wrong_bed_days.p90, 9.0 / 24);
}

TEST(PlacementKpis, GroupsByDayWeekAndCareType) {
  // 2026-11-30 is a Monday (ISO week 49). 23:30 UTC on 6 December is before `to`, so it counts, and it is
  // 7 December in the Netherlands (CET): the period's last Dutch day, in ISO week 50.
  std::vector<PlacementRecord> rs = {P("a", "2026-11-30T10:00:00Z", PlacementState::kWaiting, CareType::kGrz),
                                     P("b", "2026-11-30T11:00:00Z", PlacementState::kPlaced, CareType::kGrz),
                                     P("c", "2026-12-06T23:30:00Z", PlacementState::kWaiting, CareType::kGgz)};
  auto by_day = ComputePlacementKpis(rs, kFrom, kTo, kNow, PlacementKpiGrouping::kDay);
  ASSERT_EQ(by_day.groups.size(), 8u);  // 30 Nov … 7 Dec (Dutch days of the UTC period)
  EXPECT_EQ(by_day.groups.front().key, "2026-11-30");
  EXPECT_EQ(by_day.groups.front().figures.placements, 2u);
  EXPECT_EQ(by_day.groups[1].key, "2026-12-01");
  EXPECT_EQ(by_day.groups[1].figures.placements, 0u);
  EXPECT_EQ(by_day.groups.back().key, "2026-12-07");
  EXPECT_EQ(by_day.groups.back().figures.placements, 1u);
  EXPECT_EQ(by_day.total.placements, 3u);

  auto by_week = ComputePlacementKpis(rs, kFrom, kTo, kNow, PlacementKpiGrouping::kWeek);
  ASSERT_EQ(by_week.groups.size(), 2u);
  EXPECT_EQ(by_week.groups[0].key, "2026-W49");
  EXPECT_EQ(by_week.groups[0].figures.placements, 2u);
  EXPECT_EQ(by_week.groups[1].key, "2026-W50");
  EXPECT_EQ(by_week.groups[1].figures.placements, 1u);

  auto by_care = ComputePlacementKpis(rs, kFrom, kTo, kNow, PlacementKpiGrouping::kCareType);
  ASSERT_EQ(by_care.groups.size(), std::size(kAllCareTypes));
  EXPECT_EQ(by_care.groups[0].key, "elv-low");
  EXPECT_EQ(by_care.groups[0].figures.placements, 0u);
  EXPECT_EQ(by_care.groups[4].key, "grz");
  EXPECT_EQ(by_care.groups[4].figures.placements, 2u);
  EXPECT_EQ(by_care.groups[4].figures.placed, 1u);
  EXPECT_EQ(by_care.groups[5].key, "ggz");
  EXPECT_EQ(by_care.groups[5].figures.waiting, 1u);
}

}  // namespace
}  // namespace ozcc
