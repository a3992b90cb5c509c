// The worklist KPIs (core/kpis.h) as tables: the period check, the Dutch
// date and ISO week (DST days, year ends), and the figures of small sets of
// cases — none, open ones, a case with two handovers, every outcome, the
// pathway counts, percentiles and each grouping.
#include "core/kpis.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/time.h"

namespace ozcc {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

Time T(const char* s) { return *ParseRfc3339(s); }

// A case received at `at`; closed with `outcome` when given, else open (triaged).
KpiCase Make(const std::string& id, const char* at, std::optional<Outcome> outcome = std::nullopt) {
  KpiCase k;
  Case& c = k.the_case;
  c.id = id;
  c.region_id = "ZWN";
  c.subregion_id = "ZWN-R";
  c.channel = Channel::kHap;
  c.received_at = T(at);
  c.state = outcome ? CaseState::kClosed : CaseState::kTriaged;
  c.outcome = outcome;
  if (outcome) c.closed_at = c.received_at + hours(1);
  return k;
}

Handover H(const std::string& org, Time requested, HandoverState state, bool answered, int escalations = 0) {
  Handover h;
  h.id = org + "-" + std::to_string(ToUnixMillis(requested));
  h.to_organization_id = org;
  h.requested_at = requested;
  h.state = state;
  if (answered) h.answered_at = requested + minutes(3);
  h.escalations = escalations;
  return h;
}

// ---------------------------------------------------------------------------
// Period, dates, weeks

TEST(KpiPeriod, Table) {
  struct Row {
    const char* from;
    const char* to;
    bool ok;
  };
  const std::vector<Row> rows = {
      {"2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", true},
      {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.001Z", true},
      {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", false},  // empty
      {"2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", false},  // reversed
      {"2026-01-01T00:00:00Z", "2027-01-02T00:00:00Z", true},   // 366 days
      {"2026-01-01T00:00:00Z", "2027-01-02T00:00:00.001Z", false},
  };
  for (const auto& r : rows) {
    Status st = CheckKpiPeriod(T(r.from), T(r.to));
    EXPECT_EQ(st.ok(), r.ok) << r.from << " – " << r.to;
    if (!st.ok()) {
      EXPECT_EQ(st.code(), Code::kBadRequest);
      ASSERT_EQ(st.errors().size(), 1u);
      EXPECT_EQ(st.errors()[0].field, "from");
    }
  }
}

TEST(KpiDates, NetherlandsDateAcrossDstAndMidnight) {
  struct Row {
    const char* at;
    const char* date;
  };
  const std::vector<Row> rows = {
      {"2026-01-15T22:59:59Z", "2026-01-15"},  // 23:59 CET
      {"2026-01-15T23:00:00Z", "2026-01-16"},  // 00:00 CET
      {"2026-03-28T23:30:00Z", "2026-03-29"},  // 00:30 CET on the spring-forward day
      {"2026-03-29T00:59:00Z", "2026-03-29"},  // 01:59 CET, just before the change
      {"2026-03-29T01:00:00Z", "2026-03-29"},  // 03:00 CEST
      {"2026-03-29T21:59:00Z", "2026-03-29"},  // 23:59 CEST: the day had 23 hours
      {"2026-03-29T22:00:00Z", "2026-03-30"}, {"2026-10-24T21:59:00Z", "2026-10-24"},  // 23:59 CEST
      {"2026-10-24T22:00:00Z", "2026-10-25"},  // 00:00 CEST on the fall-back day
      {"2026-10-25T00:59:00Z", "2026-10-25"},  // 02:59 CEST
      {"2026-10-25T01:00:00Z", "2026-10-25"},  // 02:00 CET again
      {"2026-10-25T22:59:00Z", "2026-10-25"},  // 23:59 CET: the day had 25 hours
      {"2026-10-25T23:00:00Z", "2026-10-26"}, {"2026-12-31T23:30:00Z", "2027-01-01"},
  };
  for (const auto& r : rows) EXPECT_EQ(FormatIsoDate(NetherlandsDate(T(r.at))), r.date) << r.at;
}

TEST(KpiDates, IsoWeeks) {
  struct Row {
    const char* date;
    const char* week;
  };
  const std::vector<Row> rows = {
      {"2026-01-01", "2026-W01"},                              // a Thursday
      {"2025-12-29", "2026-W01"},                              // Monday of that week
      {"2025-12-28", "2025-W52"},                              // Sunday before
      {"2027-01-03", "2026-W53"},                              // 2026 has 53 weeks
      {"2027-01-04", "2027-W01"}, {"2026-03-29", "2026-W13"},  // Sunday
      {"2026-03-30", "2026-W14"},                              // Monday
      {"2024-12-30", "2025-W01"},
  };
  for (const auto& r : rows) EXPECT_EQ(IsoWeek(*ParseIsoDate(r.date)), r.week) << r.date;
}

TEST(KpiGroupingNames, RoundTrip) {
  for (auto g :
       {KpiGrouping::kDay, KpiGrouping::kWeek, KpiGrouping::kChannel, KpiGrouping::kSubregion, KpiGrouping::kPathway}) {
    EXPECT_EQ(ParseKpiGrouping(ToString(g)), g);
  }
  EXPECT_FALSE(ParseKpiGrouping("").has_value());
  EXPECT_FALSE(ParseKpiGrouping("month").has_value());
  EXPECT_FALSE(ParseKpiGrouping("Day").has_value());
}

// ---------------------------------------------------------------------------
// Figures

const Time kFrom = T("2026-03-27T00:00:00Z");
const Time kTo = T("2026-03-31T00:00:00Z");

TEST(Kpis, NoCases) {
  for (auto by : {KpiGrouping::kNone, KpiGrouping::kDay, KpiGrouping::kWeek, KpiGrouping::kChannel,
                  KpiGrouping::kSubregion, KpiGrouping::kPathway}) {
    KpiReport r = ComputeKpis({}, kFrom, kTo, by);
    EXPECT_EQ(r.total, KpiFigures{}) << ToString(by);
    EXPECT_FALSE(r.total.time_to_triage.median.has_value());
    EXPECT_EQ(r.from, kFrom);
    EXPECT_EQ(r.to, kTo);
    for (const auto& g : r.groups) EXPECT_EQ(g.figures, KpiFigures{}) << g.key;
  }
  // Day and week list the period even without cases; the others list what occurs (channel: all).
  EXPECT_EQ(ComputeKpis({}, kFrom, kTo, KpiGrouping::kNone).groups.size(), 0u);
  EXPECT_EQ(ComputeKpis({}, kFrom, kTo, KpiGrouping::kDay).groups.size(), 5u);  // 27/28 local … 31 (00:00Z = 02:00)
  EXPECT_EQ(ComputeKpis({}, kFrom, kTo, KpiGrouping::kWeek).groups.size(), 2u);
  EXPECT_EQ(ComputeKpis({}, kFrom, kTo, KpiGrouping::kChannel).groups.size(), kAllChannels.size());
  EXPECT_EQ(ComputeKpis({}, kFrom, kTo, KpiGrouping::kSubregion).groups.size(), 0u);
}

TEST(Kpis, OutcomesOpenAndActionNeeded) {
  struct Row {
    std::optional<Outcome> outcome;
    bool action;
  };
  const std::vector<Row> rows = {
      {Outcome::kHelpedByZcc, false}, {Outcome::kReferred, true},          {Outcome::kCarePrevented, true},
      {Outcome::kEdVisit, true},      {Outcome::kHospitalAdmission, true}, {Outcome::kAmbulance, true},
      {Outcome::kDoctorVisit, true},  {Outcome::kSelfCareAdvice, false},   {std::nullopt, false},
      {std::nullopt, false},
  };
  std::vector<KpiCase> cases;
  size_t action = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    cases.push_back(Make("c" + std::to_string(i), "2026-03-28T10:00:00Z", rows[i].outcome));
    KpiReport one = ComputeKpis({cases.back()}, kFrom, kTo, KpiGrouping::kNone);
    EXPECT_EQ(one.total.action_needed, rows[i].action ? 1u : 0u) << i;
    if (rows[i].outcome) {
      EXPECT_EQ(one.total.Outcomes(*rows[i].outcome), 1u);
    }
    action += rows[i].action;
  }
  KpiReport r = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kNone);
  EXPECT_EQ(r.total.requests, 10u);
  EXPECT_EQ(r.total.closed, 8u);
  EXPECT_EQ(r.total.open, 2u);
  EXPECT_EQ(r.total.action_needed, action);
  EXPECT_EQ(r.total.action_needed, 6u);
  for (Outcome o : kAllOutcomes) EXPECT_EQ(r.total.Outcomes(o), 1u) << ToString(o);
}

TEST(Kpis, OnlyCasesReceivedInThePeriodCount) {
  const std::vector<KpiCase> cases = {
      Make("before", "2026-03-26T23:59:59.999Z"),
      Make("first", "2026-03-27T00:00:00Z"),
      Make("last", "2026-03-30T23:59:59.999Z"),
      Make("at-to", "2026-03-31T00:00:00Z"),
  };
  EXPECT_EQ(ComputeKpis(cases, kFrom, kTo, KpiGrouping::kNone).total.requests, 2u);
}

TEST(Kpis, RequestsPerRequestingPartner) {
  std::vector<KpiCase> cases;
  for (const char* org : {"HAP-1", "HAP-1", "VVT-2", "", "HAP-1"}) {
    cases.push_back(Make(std::string("c") + org, "2026-03-28T10:00:00Z"));
    cases.back().the_case.requesting_organization_id = org;
  }
  KpiReport r = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kNone);
  EXPECT_EQ(r.total.requests_by_partner, (std::vector<PartnerRequests>{{"HAP-1", 3}, {"VVT-2", 1}}));
  EXPECT_EQ(r.total.requests_without_partner, 1u);
}

TEST(Kpis, ACaseWithTwoHandoversAndAcceptancePerPartner) {
  const Time at = T("2026-03-28T10:00:00Z");
  KpiCase k = Make("c1", "2026-03-28T10:00:00Z", Outcome::kReferred);
  k.the_case.triaged_at = at + minutes(4);
  // Declined by VVT after two escalations, then re-routed to the GGZ, which accepted.
  k.handovers = {H("GGZ", at + minutes(30), HandoverState::kCompleted, true),
                 H("VVT", at + minutes(10), HandoverState::kRejected, true, 2)};
  KpiCase k2 = Make("c2", "2026-03-28T11:00:00Z");
  // Withdrawn by the ZCC before VVT answered; then accepted by VVT on a second try.
  k2.handovers = {H("VVT", at + hours(1) + minutes(20), HandoverState::kCancelled, false, 1),
                  H("VVT", at + hours(1) + minutes(50), HandoverState::kAccepted, true)};
  KpiReport r = ComputeKpis({k, k2}, kFrom, kTo, KpiGrouping::kNone);
  ASSERT_EQ(r.total.handovers_by_partner.size(), 2u);
  const PartnerHandovers& ggz = r.total.handovers_by_partner[0];
  const PartnerHandovers& vvt = r.total.handovers_by_partner[1];
  EXPECT_EQ(ggz.organization_id, "GGZ");
  EXPECT_EQ(ggz.requested, 1u);
  EXPECT_EQ(ggz.accepted, 1u);
  EXPECT_EQ(ggz.declined, 0u);
  EXPECT_EQ(ggz.acceptance_rate(), 1.0);
  EXPECT_EQ(vvt.organization_id, "VVT");
  EXPECT_EQ(vvt.requested, 3u);
  EXPECT_EQ(vvt.accepted, 1u);
  EXPECT_EQ(vvt.declined, 1u);
  EXPECT_EQ(vvt.answered(), 2u);
  EXPECT_EQ(vvt.escalated, 2u);
  EXPECT_EQ(vvt.acceptance_rate(), 0.5);
  // Time to handover: to the first handover of each case (10 min; 20 min).
  EXPECT_EQ(r.total.time_to_handover.count, 2u);
  EXPECT_EQ(r.total.time_to_handover.median, milliseconds(minutes(10)));
  EXPECT_EQ(r.total.time_to_handover.p90, milliseconds(minutes(20)));
  EXPECT_EQ(r.total.time_to_triage.count, 1u);
  EXPECT_EQ(r.total.time_to_triage.median, milliseconds(minutes(4)));
}

TEST(Kpis, AnAcceptedHandoverLaterDeclinedCountsAsDeclined) {
  KpiCase k = Make("c1", "2026-03-28T10:00:00Z");
  k.handovers = {H("VVT", T("2026-03-28T10:05:00Z"), HandoverState::kRejected, true)};
  KpiCase k2 = Make("c2", "2026-03-28T10:00:00Z");
  k2.handovers = {H("VVT", T("2026-03-28T10:05:00Z"), HandoverState::kRequested, false)};
  KpiReport r = ComputeKpis({k, k2}, kFrom, kTo, KpiGrouping::kNone);
  ASSERT_EQ(r.total.handovers_by_partner.size(), 1u);
  EXPECT_EQ(r.total.handovers_by_partner[0].requested, 2u);
  EXPECT_EQ(r.total.handovers_by_partner[0].answered(), 1u);
  EXPECT_EQ(r.total.handovers_by_partner[0].acceptance_rate(), 0.0);
  PartnerHandovers none;
  EXPECT_FALSE(none.acceptance_rate().has_value());
}

TEST(Kpis, PercentilesByNearestRank) {
  struct Row {
    std::vector<int> minutes;
    int median, p90;
  };
  const std::vector<Row> rows = {
      {{7}, 7, 7},
      {{1, 2}, 1, 2},
      {{3, 1, 2}, 2, 3},
      {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, 9},
      {{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100}, 6, 10},
      {{-5, 5}, 0, 5},  // triaged "before" received: 0
  };
  for (const auto& row : rows) {
    std::vector<KpiCase> cases;
    for (int m : row.minutes) {
      cases.push_back(Make("c" + std::to_string(cases.size()), "2026-03-28T10:00:00Z"));
      cases.back().the_case.triaged_at = cases.back().the_case.received_at + minutes(m);
    }
    cases.push_back(Make("untriaged", "2026-03-28T10:00:00Z"));  // not counted
    const DurationStats s = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kNone).total.time_to_triage;
    EXPECT_EQ(s.count, row.minutes.size());
    EXPECT_EQ(s.median, milliseconds(minutes(row.median))) << row.minutes.size();
    EXPECT_EQ(s.p90, milliseconds(minutes(row.p90))) << row.minutes.size();
  }
}

TEST(Kpis, PathwayFollowedDeviatedNone) {
  std::vector<KpiCase> cases = {Make("a", "2026-03-28T10:00:00Z"), Make("b", "2026-03-28T10:00:00Z"),
                                Make("c", "2026-03-28T10:00:00Z"), Make("d", "2026-03-28T10:00:00Z")};
  cases[0].the_case.pathway = PathwayUse{"catheter-care", 1, "acute-district-nursing", ""};
  cases[1].the_case.pathway = PathwayUse{"catheter-care", 2, "", "patient refuses"};
  cases[2].the_case.pathway = PathwayUse{"frail-elderly", 1, "gp-visit", ""};
  KpiReport r = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kPathway);
  EXPECT_EQ(r.total.pathway_followed, 2u);
  EXPECT_EQ(r.total.pathway_deviated, 1u);
  EXPECT_EQ(r.total.pathway_none, 1u);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key, "");
  EXPECT_EQ(r.groups[0].figures.pathway_none, 1u);
  EXPECT_EQ(r.groups[1].key, "catheter-care");
  EXPECT_EQ(r.groups[1].figures.requests, 2u);
  EXPECT_EQ(r.groups[1].figures.pathway_deviated, 1u);
  EXPECT_EQ(r.groups[2].key, "frail-elderly");
}

TEST(Kpis, GroupedByDayAcrossTheDstChange) {
  // Received in the night of the spring-forward day (29 March 2026) and the days around it.
  struct Row {
    const char* at;
    const char* day;
  };
  const std::vector<Row> rows = {
      {"2026-03-27T22:59:00Z", "2026-03-27"}, {"2026-03-27T23:00:00Z", "2026-03-28"},
      {"2026-03-28T23:30:00Z", "2026-03-29"}, {"2026-03-29T01:30:00Z", "2026-03-29"},
      {"2026-03-29T21:59:00Z", "2026-03-29"}, {"2026-03-29T22:00:00Z", "2026-03-30"},
  };
  std::vector<KpiCase> cases;
  std::map<std::string, size_t> expected;
  for (const auto& row : rows) {
    cases.push_back(Make("c" + std::to_string(cases.size()), row.at));
    ++expected[row.day];
  }
  KpiReport r = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kDay);
  std::vector<std::string> keys;
  for (const auto& g : r.groups) {
    keys.push_back(g.key);
    EXPECT_EQ(g.figures.requests, expected[g.key]) << g.key;
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"}));
  EXPECT_EQ(r.total.requests, rows.size());

  KpiReport weeks = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kWeek);
  ASSERT_EQ(weeks.groups.size(), 2u);
  EXPECT_EQ(weeks.groups[0].key, "2026-W13");
  EXPECT_EQ(weeks.groups[0].figures.requests, 5u);
  EXPECT_EQ(weeks.groups[1].key, "2026-W14");
  EXPECT_EQ(weeks.groups[1].figures.requests, 1u);
}

TEST(Kpis, GroupedByChannelAndSubregion) {
  std::vector<KpiCase> cases = {Make("a", "2026-03-28T10:00:00Z"), Make("b", "2026-03-28T10:00:00Z"),
                                Make("c", "2026-03-28T10:00:00Z")};
  cases[1].the_case.channel = Channel::k112;
  cases[1].the_case.subregion_id = "";
  cases[2].the_case.channel = Channel::kSelfTriage;
  cases[2].the_case.subregion_id = "ZWN-D";
  KpiReport r = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kChannel);
  ASSERT_EQ(r.groups.size(), kAllChannels.size());
  for (size_t i = 0; i < kAllChannels.size(); ++i) {
    const Channel c = kAllChannels[i];
    EXPECT_EQ(r.groups[i].key, ToString(c));
    const size_t n = (c == Channel::kHap || c == Channel::k112 || c == Channel::kSelfTriage) ? 1 : 0;
    EXPECT_EQ(r.groups[i].figures.requests, n) << ToString(c);
  }
  KpiReport s = ComputeKpis(cases, kFrom, kTo, KpiGrouping::kSubregion);
  ASSERT_EQ(s.groups.size(), 3u);
  EXPECT_EQ(s.groups[0].key, "");
  EXPECT_EQ(s.groups[1].key, "ZWN-D");
  EXPECT_EQ(s.groups[2].key, "ZWN-R");
  // The groups add up to the total.
  size_t sum = 0;
  for (const auto& g : s.groups) sum += g.figures.requests;
  EXPECT_EQ(sum, s.total.requests);
}

}  // namespace
}  // namespace ozcc
