// The forecast engines (engine/forecast) on synthetic series with a known
// pattern: the ED model recovers an hour-of-week profile and a level, its
// 80% interval covers near 80% of simulated Poisson counts over many
// origins, holidays count as Sundays, nothing after the origin is read; the
// occupancy model recovers the discharge rate and the steady state, follows
// growth, finds the peak, and its interval covers simulated data at about
// the stated rate, learns a weekly rhythm of admissions and discharges and
// a band per horizon. Fixed seeds; the tolerances are stated with each test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include "engine/forecast/count_interval.h"
#include "engine/forecast/ed_arrivals.h"
#include "engine/forecast/occupancy.h"

namespace ozcc::engine::forecast {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Expected arrivals per hour of week: a daily curve (low at night, high at
// noon) times a weekday factor (Monday busiest, weekend quieter).
double TruePattern(int how) {
  const int day = how / 24;
  const int hour = how % 24;
  static constexpr double kDayFactor[7] = {1.25, 1.1, 1.0, 1.0, 1.05, 0.85, 0.8};
  return kDayFactor[day] * (6.5 - 4.0 * std::cos(2 * kPi * (hour - 2) / 24.0));
}

HourlyCounts Simulate(int weeks, std::uint32_t seed, double late_factor = 1.0, int late_hours = 0) {
  std::mt19937 rng(seed);
  HourlyCounts s;
  s.first_hour_of_week = 0;
  const int n = weeks * 168;
  s.counts.resize(n);
  for (int i = 0; i < n; ++i) {
    const double f = i >= n - late_hours ? late_factor : 1.0;
    s.counts[i] = std::poisson_distribution<int>(TruePattern(i % 168) * f)(rng);
  }
  return s;
}

EdArrivalsModel EdModel(EdArrivalsOptions o = {}) { return EdArrivalsModel::Build(o).value(); }

TEST(CountInterval, NormalQuantile) {
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.9), 1.2815515655446004, 1e-9);
  EXPECT_NEAR(NormalQuantile(0.025), -1.959963984540054, 1e-9);
  EXPECT_NEAR(NormalQuantile(1e-6), -4.753424308822899, 1e-7);
}

// Over a spread of means, the interval [Q(0.1), Q(0.9)] holds 80% of the
// Poisson probability on average (the integer quantiles would hold 85-90%).
TEST(CountInterval, CoversEightyPercentOfAPoissonCountOnAverage) {
  double covered = 0;
  int n = 0;
  for (double mu = 1.0; mu <= 20.0; mu += 0.05, ++n) {
    const double lo = JitteredCountQuantile(mu, 0, 0.1);
    const double hi = JitteredCountQuantile(mu, 0, 0.9);
    ASSERT_LT(lo, mu);
    ASSERT_GT(hi, mu);
    double p = std::exp(-mu);
    for (int k = 0; k < 100; p *= mu / (k + 1), ++k) {
      if (k >= lo && k <= hi) covered += p;
    }
  }
  EXPECT_NEAR(covered / n, 0.80, 0.02);
}

TEST(CountInterval, NegativeBinomialIsWiderThanPoisson) {
  EXPECT_LT(JitteredCountQuantile(8, 0.2, 0.1), JitteredCountQuantile(8, 0, 0.1));
  EXPECT_GT(JitteredCountQuantile(8, 0.2, 0.9), JitteredCountQuantile(8, 0, 0.9));
  EXPECT_EQ(JitteredCountQuantile(0, 0, 0.9), 0);
  // Large means: near the normal quantiles.
  EXPECT_NEAR(JitteredCountQuantile(1e6, 0, 0.9), 1e6 + 1281.55, 2.0);
}

TEST(EdArrivals, RecoversTheHourOfWeekPattern) {
  const HourlyCounts s = Simulate(104, 7);
  const int horizons[] = {1};
  auto fc = EdModel().Run(s, s.counts.size() - 1, horizons);
  ASSERT_TRUE(fc.ok()) << fc.status().message();
  double abs_rel = 0;
  double worst = 0;
  for (int c = 0; c < 168; ++c) {
    const double rel = std::abs(fc->profile[c] * fc->level / TruePattern(c) - 1);
    abs_rel += rel / 168;
    worst = std::max(worst, rel);
  }
  // About 70 effective weeks per cell: a cell's own mean is off by ~5% at
  // night; shrinking and smoothing take most of that away.
  EXPECT_LT(abs_rel, 0.05);
  EXPECT_LT(worst, 0.2);
  EXPECT_NEAR(fc->level, 1.0, 0.1);
  EXPECT_LT(fc->inv_size, 0.05);  // Poisson data: no over-dispersion found
}

TEST(EdArrivals, FollowsARecentChangeOfLevel) {
  const HourlyCounts s = Simulate(30, 11, 1.5, 24 * 14);  // the last two weeks 50% busier
  const int horizons[] = {1, 2};
  auto fc = EdModel().Run(s, s.counts.size() - 1, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_GT(fc->level, 1.25);
  EXPECT_LT(fc->level, 1.75);
  // Next hour is hour 0 of Monday.
  EXPECT_NEAR(fc->points[0].mean, TruePattern(0) * 1.5, TruePattern(0) * 0.3);
  EXPECT_EQ(fc->points[1].horizon, 2);
}

// Over many origins of simulated Poisson data the 80% interval holds about
// 80% of the counts. 2 x 1344 forecasts: sampling sd of the coverage ~1%;
// the tolerance (4 points) also allows for the estimation error of the mean.
TEST(EdArrivals, IntervalCoverageNearEightyPercentOnPoissonData) {
  const HourlyCounts s = Simulate(60, 23);
  const auto model = EdModel();
  const int horizons[] = {1, 2};
  int covered = 0;
  int total = 0;
  double abs_err = 0;
  for (std::size_t o = s.counts.size() - 1 - 8 * 168; o + 2 < s.counts.size(); ++o) {
    auto fc = model.Run(s, o, horizons);
    ASSERT_TRUE(fc.ok());
    for (const auto& p : fc->points) {
      const double y = s.counts[o + p.horizon];
      covered += y >= p.lo && y <= p.hi;
      abs_err += std::abs(fc->profile[(o + p.horizon) % 168] * fc->level - TruePattern((o + p.horizon) % 168));
      ++total;
    }
  }
  const double coverage = static_cast<double>(covered) / total;
  EXPECT_GT(coverage, 0.76);
  EXPECT_LT(coverage, 0.84);
  EXPECT_LT(abs_err / total, 0.45);  // mean error of the expected count vs the truth (mean count ~6)
}

TEST(EdArrivals, AHolidayIsForecastAsASunday) {
  HourlyCounts s = Simulate(20, 5);
  // Make two past Wednesdays behave like Sundays and mark them, and mark the
  // Wednesday after the series too.
  const std::int64_t weeks = 20;
  for (std::int64_t w : {weeks - 3, weeks - 9}) {
    const std::int64_t day = w * 7 + 2;
    s.holiday_days.push_back(day);
    for (int h = 0; h < 24; ++h) s.counts[day * 24 + h] = std::round(TruePattern(6 * 24 + h));
  }
  const std::int64_t target_day = weeks * 7 + 2;
  s.holiday_days.push_back(target_day);
  const std::size_t origin = s.counts.size() - 1;
  const int h = static_cast<int>(target_day * 24 + 12 - static_cast<std::int64_t>(origin));
  const int horizons[] = {h};  // the holiday's noon
  auto fc = EdModel().Run(s, origin, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_DOUBLE_EQ(fc->points[0].mean, fc->profile[6 * 24 + 12] * fc->level);
  EXPECT_NEAR(fc->points[0].mean, TruePattern(6 * 24 + 12), 1.0);
  // Without the mark the same hour is a Wednesday.
  s.holiday_days.pop_back();
  auto plain = EdModel().Run(s, origin, horizons);
  ASSERT_TRUE(plain.ok());
  EXPECT_DOUBLE_EQ(plain->points[0].mean, plain->profile[2 * 24 + 12] * plain->level);
  EXPECT_GT(plain->points[0].mean - fc->points[0].mean, 0.5);
}

TEST(EdArrivals, ReadsNothingAfterTheOrigin) {
  HourlyCounts s = Simulate(10, 3);
  const std::size_t origin = s.counts.size() - 100;
  const int horizons[] = {1, 2, 24};
  auto before = EdModel().Run(s, origin, horizons);
  for (std::size_t i = origin + 1; i < s.counts.size(); ++i) s.counts[i] = 50;
  s.counts.resize(origin + 1);
  auto after = EdModel().Run(s, origin, horizons);
  ASSERT_TRUE(before.ok() && after.ok());
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(before->points[k].mean, after->points[k].mean);
    EXPECT_EQ(before->points[k].hi, after->points[k].hi);
  }
}

TEST(EdArrivals, ShortAndGappyHistories) {
  HourlyCounts s;
  s.first_hour_of_week = 30;
  s.counts = {3, 4, NAN, 5, 6};
  const int horizons[] = {1};
  auto fc = EdModel().Run(s, 4, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_GT(fc->points[0].mean, 2);
  EXPECT_LT(fc->points[0].mean, 7);
  s.counts = {NAN, NAN};
  EXPECT_EQ(EdModel().Run(s, 1, horizons).status().code(), Code::kInvalid);
}

TEST(EdArrivals, RefusesBadArguments) {
  const HourlyCounts s = Simulate(2, 1);
  const int ok[] = {1};
  const int zero[] = {0};
  EXPECT_EQ(EdModel().Run(s, s.counts.size(), ok).status().code(), Code::kInvalid);
  EXPECT_EQ(EdModel().Run(s, 10, zero).status().code(), Code::kInvalid);
  EdArrivalsOptions bad;
  bad.interval = 1.0;
  auto m = EdArrivalsModel::Build(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().errors().at(0).field, "interval");
}

// A ward simulated day by day: admissions Poisson around a rate that
// follows `rate(t)`, each patient leaving with probability d per day.
DailyOccupancy SimulateWard(int days, double d, const std::function<double(int)>& rate, std::uint32_t seed) {
  std::mt19937 rng(seed);
  DailyOccupancy s;
  double occ = rate(0) / d;
  for (int t = 0; t < days; ++t) {
    const double adm = std::poisson_distribution<int>(rate(t))(rng);
    const double left = std::binomial_distribution<int>(static_cast<int>(occ), d)(rng);
    occ = occ - left + adm;
    s.occupied.push_back(occ);
    s.admissions.push_back(adm);
  }
  return s;
}

OccupancyModel OccModel() { return OccupancyModel::Build({}).value(); }

TEST(Occupancy, RecoversTheDischargeRateAndTheSteadyState) {
  const auto s = SimulateWard(
      120, 0.1, [](int) { return 200.0; }, 3);
  const int horizons[] = {7, 14};
  auto fc = OccModel().Run(s, s.occupied.size() - 1, horizons);
  ASSERT_TRUE(fc.ok()) << fc.status().message();
  EXPECT_NEAR(fc->discharge_rate, 0.1, 0.01);
  EXPECT_NEAR(fc->admissions_level, 200, 15);
  EXPECT_NEAR(fc->points[1].mean, 2000, 120);
  EXPECT_LT(fc->points[1].lo, fc->points[1].mean);
  EXPECT_GT(fc->points[1].hi, fc->points[1].mean);
  EXPECT_GT(fc->points[1].hi - fc->points[1].lo, fc->points[0].hi - fc->points[0].lo);  // wider further out
  EXPECT_EQ(fc->path.size(), 22u);  // today and 21 days (the peak horizon)
}

TEST(Occupancy, ARisingWaveIsForecastToRiseAndItsPeakLiesAhead) {
  // Admissions grow 4% a day for 40 days, from 60.
  const auto s = SimulateWard(
      70, 0.12, [](int t) { return 60.0 * std::exp(0.04 * std::min(t, 69)); }, 5);
  const int horizons[] = {7, 14};
  const std::size_t origin = 50;
  auto fc = OccModel().Run(s, origin, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_GT(fc->admissions_growth, 0.02);
  EXPECT_GT(fc->points[0].mean, s.occupied[origin] * 1.1);
  EXPECT_GT(fc->peak_horizon, 7);
  EXPECT_GE(fc->peak, fc->points[1].mean);
  // Closer to the truth than the last value.
  EXPECT_LT(std::abs(fc->points[1].mean - s.occupied[origin + 14]),
            std::abs(s.occupied[origin] - s.occupied[origin + 14]));
}

TEST(Occupancy, AFallingWavePeaksToday) {
  const auto s = SimulateWard(
      80, 0.1, [](int t) { return 300.0 * std::exp(-0.03 * t); }, 9);
  const int horizons[] = {7};
  auto fc = OccModel().Run(s, 60, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc->peak_horizon, 0);
  EXPECT_EQ(fc->peak, s.occupied[60]);
  EXPECT_LT(fc->points[0].mean, s.occupied[60]);
}

// Coverage of the 80% band on a ward whose admission rate wanders (a random
// walk on the log scale): errors at 7 and 14 days are strongly correlated
// from one origin to the next, so the tolerance is wide (0.65-0.95) and
// three seeds are pooled.
TEST(Occupancy, IntervalCoverageOnSimulatedWards) {
  int covered = 0;
  int total = 0;
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed * 101);
    std::normal_distribution<double> step(0, 0.03);
    std::vector<double> log_rate{std::log(150.0)};
    for (int t = 1; t < 400; ++t) log_rate.push_back(log_rate.back() + step(rng));
    const auto s = SimulateWard(
        400, 0.11, [&](int t) { return std::exp(log_rate[t]); }, seed);
    const int horizons[] = {7, 14};
    for (std::size_t o = 100; o + 14 < s.occupied.size(); ++o) {
      auto fc = OccModel().Run(s, o, horizons);
      ASSERT_TRUE(fc.ok());
      for (const auto& p : fc->points) {
        const double y = s.occupied[o + p.horizon];
        covered += y >= p.lo && y <= p.hi;
        ++total;
      }
    }
  }
  const double coverage = static_cast<double>(covered) / total;
  EXPECT_GT(coverage, 0.65);
  EXPECT_LT(coverage, 0.95);
}

TEST(Occupancy, ReadsNothingAfterTheOriginAndForecastsBeyondTheData) {
  auto s = SimulateWard(
      60, 0.1, [](int) { return 100.0; }, 4);
  const int horizons[] = {7, 14, 21};
  auto before = OccModel().Run(s, 40, horizons);
  for (std::size_t i = 41; i < s.occupied.size(); ++i) s.occupied[i] *= 3, s.admissions[i] = 0;
  auto changed = OccModel().Run(s, 40, horizons);
  s.occupied.resize(41);
  s.admissions.resize(41);
  auto truncated = OccModel().Run(s, 40, horizons);
  ASSERT_TRUE(before.ok() && changed.ok() && truncated.ok());
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(before->points[k].mean, changed->points[k].mean);
    EXPECT_EQ(before->points[k].lo, truncated->points[k].lo);
    EXPECT_EQ(before->points[k].hi, truncated->points[k].hi);
  }
}

// Days before admissions were reported (as in LCPS before 2020-10-17) do
// not widen the band: it is estimated from earlier origins that had an
// admission history as the origin has. A wild and a calm period without
// admissions before the same ward give the same forecasts and bands.
TEST(Occupancy, DaysWithoutAdmissionsDoNotWidenTheBand) {
  const auto ward = SimulateWard(
      100, 0.1, [](int t) { return 150.0 + 50 * std::sin(t / 8.0); }, 8);
  auto with_early = [&](bool wild) {
    DailyOccupancy s;
    for (int t = 0; t < 60; ++t) {
      s.occupied.push_back(t == 59 ? 1500 : wild ? 500 + 400 * std::sin(t / 5.0) : 1500);
      s.admissions.push_back(NAN);
    }
    s.occupied.insert(s.occupied.end(), ward.occupied.begin(), ward.occupied.end());
    s.admissions.insert(s.admissions.end(), ward.admissions.begin(), ward.admissions.end());
    return s;
  };
  const auto calm = with_early(false);
  const auto wild = with_early(true);
  const int horizons[] = {7, 14};
  for (std::size_t o : {80u, 110u, 145u}) {
    auto a = OccModel().Run(calm, o, horizons);
    auto b = OccModel().Run(wild, o, horizons);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_GT(a->backtest_errors, 0) << o;
    EXPECT_EQ(a->backtest_errors, b->backtest_errors) << o;
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_DOUBLE_EQ(a->points[k].mean, b->points[k].mean) << o;
      EXPECT_DOUBLE_EQ(a->points[k].lo, b->points[k].lo) << o;
      EXPECT_DOUBLE_EQ(a->points[k].hi, b->points[k].hi) << o;
    }
  }
}

// A ward with a weekly rhythm, as hospitals have: planned admissions on
// weekdays (Monday most), few at the weekend; discharges mostly on weekdays
// (Friday most), few at the weekend. Day 0 is a Monday.
constexpr double kAdmissionsByDay[7] = {1.45, 1.15, 1.1, 1.05, 1.0, 0.6, 0.65};
constexpr double kDischargeByDay[7] = {1.0, 1.1, 1.1, 1.15, 1.4, 0.6, 0.65};

DailyOccupancy SimulateWeeklyWard(int days, double d, double rate, std::uint32_t seed) {
  std::mt19937 rng(seed);
  DailyOccupancy s;
  double occ = rate / d;
  for (int t = 0; t < days; ++t) {
    const double adm = std::poisson_distribution<int>(rate * kAdmissionsByDay[t % 7])(rng);
    const double left = std::binomial_distribution<int>(static_cast<int>(occ), d * kDischargeByDay[t % 7])(rng);
    occ = occ - left + adm;
    s.occupied.push_back(occ);
    s.admissions.push_back(adm);
  }
  return s;
}

TEST(Occupancy, LearnsTheWeeklyRhythmOfAdmissionsAndDischarges) {
  const auto s = SimulateWeeklyWard(150, 0.15, 30, 21);
  const std::size_t origin = 139;  // a Sunday (139 % 7 == 6)
  const int horizons[] = {1, 2, 3, 4, 5, 6, 7};
  auto weekly = OccModel().Run(s, origin, horizons);
  OccupancyOptions flat_options;
  flat_options.weekly_window_days = 0;
  auto flat = OccupancyModel::Build(flat_options).value().Run(s, origin, horizons);
  ASSERT_TRUE(weekly.ok() && flat.ok());
  // The factors, indexed from the origin's day: index 1 is Monday, 5 Friday, 6 Saturday.
  EXPECT_GT(weekly->inflow_by_weekday[1], 1.2);
  EXPECT_LT(weekly->inflow_by_weekday[6], 0.8);
  EXPECT_GT(weekly->outflow_by_weekday[5], 1.2);
  EXPECT_LT(weekly->outflow_by_weekday[6], 0.8);
  for (int w = 0; w < 7; ++w) {
    EXPECT_EQ(flat->inflow_by_weekday[static_cast<std::size_t>(w)], 1.0);
    EXPECT_EQ(flat->outflow_by_weekday[static_cast<std::size_t>(w)], 1.0);
  }
  // Monday fills the ward and Friday empties it; the flat model cannot say so.
  const auto& p = weekly->points;
  EXPECT_GT(p[0].mean - s.occupied[origin], 5) << "Monday's admissions";
  EXPECT_LT(p[4].mean - p[3].mean, -2) << "Friday's discharges";
  EXPECT_NEAR(flat->points[0].mean - s.occupied[origin], 0, 3);
  // Over many origins the weekly model is closer at 1..6 days, where the
  // rhythm matters (at 7 days it has come full circle).
  double err_weekly = 0, err_flat = 0;
  for (std::size_t o = 60; o + 7 < s.occupied.size(); ++o) {
    auto a = OccModel().Run(s, o, horizons);
    auto b = OccupancyModel::Build(flat_options).value().Run(s, o, horizons);
    ASSERT_TRUE(a.ok() && b.ok());
    for (int k = 0; k < 6; ++k) {
      const double y = s.occupied[o + static_cast<std::size_t>(k) + 1];
      err_weekly += std::abs(a->points[static_cast<std::size_t>(k)].mean - y);
      err_flat += std::abs(b->points[static_cast<std::size_t>(k)].mean - y);
    }
  }
  EXPECT_LT(err_weekly, 0.9 * err_flat);  // 0.85 with this seed: the daily Poisson noise dominates
}

// Without history the weekly pattern is shrunk toward flat: after two weeks
// the factors are closer to 1 than after twelve.
TEST(Occupancy, AShortHistoryGivesAWeakerWeeklyPattern) {
  const auto s = SimulateWeeklyWard(100, 0.15, 30, 22);
  const int horizons[] = {7};
  auto spread = [](const std::array<double, 7>& f) {
    return *std::max_element(f.begin(), f.end()) - *std::min_element(f.begin(), f.end());
  };
  auto early = OccModel().Run(s, 16, horizons);
  auto late = OccModel().Run(s, 90, horizons);
  ASSERT_TRUE(early.ok() && late.ok());
  EXPECT_LT(spread(early->inflow_by_weekday), spread(late->inflow_by_weekday));
  EXPECT_GT(spread(late->inflow_by_weekday), 0.5);
}

// The band of each horizon is learnt from that horizon's own past errors: on
// a ward with a weekly rhythm the 80% band covers about 80% at 1 day as at 7,
// and is not simply proportional to the horizon.
TEST(Occupancy, ABandPerHorizonCoversAtEachHorizon) {
  const int horizons[] = {1, 7};
  int covered[2] = {}, total[2] = {};
  double width[2] = {};
  for (std::uint32_t seed : {31u, 32u, 33u}) {
    const auto s = SimulateWeeklyWard(300, 0.15, 30, seed);
    for (std::size_t o = 120; o + 7 < s.occupied.size(); ++o) {
      auto fc = OccModel().Run(s, o, horizons);
      ASSERT_TRUE(fc.ok());
      for (std::size_t k = 0; k < 2; ++k) {
        const auto& p = fc->points[k];
        const double y = s.occupied[o + static_cast<std::size_t>(p.horizon)];
        covered[k] += y >= p.lo && y <= p.hi;
        ++total[k];
        width[k] += p.hi - p.lo;
      }
    }
  }
  for (std::size_t k = 0; k < 2; ++k) {
    const double coverage = static_cast<double>(covered[k]) / total[k];
    EXPECT_GT(coverage, 0.72) << "horizon " << horizons[k];
    EXPECT_LT(coverage, 0.88) << "horizon " << horizons[k];
  }
  EXPECT_LT(width[1], 6 * width[0]) << "not 7 times the 1-day band";
  EXPECT_GT(width[1], width[0]);
}

TEST(Occupancy, RefusesBadWeeklyAndBandOptions) {
  OccupancyOptions o;
  o.weekly_window_days = -1;
  EXPECT_EQ(OccupancyModel::Build(o).status().errors().at(0).field, "weekly_window_days");
  o = {};
  o.weekly_shrink_weeks = 0;
  EXPECT_EQ(OccupancyModel::Build(o).status().errors().at(0).field, "weekly_shrink_weeks");
  o = {};
  o.horizon_prior_errors = -1;
  EXPECT_EQ(OccupancyModel::Build(o).status().errors().at(0).field, "horizon_prior_errors");
}

TEST(Occupancy, MissingValues) {
  DailyOccupancy s;
  s.occupied = {100, 104, 103, NAN, 99, 101};
  s.admissions = {NAN, NAN, NAN, NAN, NAN, NAN};
  const int horizons[] = {7};
  auto fc = OccModel().Run(s, 5, horizons);
  ASSERT_TRUE(fc.ok());
  EXPECT_NEAR(fc->points[0].mean, 101, 1e-9);                                 // no admissions known: held where it is
  EXPECT_EQ(OccModel().Run(s, 3, horizons).status().code(), Code::kInvalid);  // occupancy unknown at the origin
  EXPECT_EQ(OccModel().Run(s, 6, horizons).status().code(), Code::kInvalid);
  const int zero[] = {0};
  EXPECT_EQ(OccModel().Run(s, 5, zero).status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace ozcc::engine::forecast
