// Bed occupancy forecast, days ahead, from daily occupancy and admissions
// (inflow and length of stay, as the UMCG model did in the COVID waves).
//
// Model (docs/forecasting.md):
// - Length of stay: each day a patient leaves with probability d (a
//   geometric length-of-stay curve, mean 1/d days), with d estimated from
//   the last `discharge_window_days` as discharges / patients present, where
//   discharges(t) = occupied(t-1) + admissions(t) - occupied(t). Being
//   memoryless, it serves both the patients in bed now (their remaining
//   stay) and those still to come.
// - Admissions: the 7-day mean at the origin (level, centred 3 days back)
//   and the daily growth rate of log admissions between the last two
//   `growth_window_days` windows, damped by `growth_damping` per day.
// - Weekly pattern: per day of the week, a factor on the admissions (their
//   ratio to the centred 7-day mean) and one on the discharge rate (that
//   day's rate over the window's), from the last `weekly_window_days`, each
//   shrunk toward 1 with the weight of `weekly_shrink_weeks` weeks and
//   scaled to mean 1. The day of the week is the day's index mod 7: the
//   pattern is learnt from the series, so its calendar is not needed.
// - Occupancy, day by day: occupied(t) = occupied(t-1) * (1 - d * out[t])
//                                        + admissions(t) * in[t].
// - Interval: from the model's own rolling-origin backtest on the series up
//   to the origin (forecasts made at earlier origins for days already
//   observed, of the same kind: with `min_backtest_history_days` of known
//   admissions before them, or without): log errors per day of horizon, pooled over horizons
//   1..`residual_horizon_days`, their quantiles scaled by h, blended with a
//   weak normal prior (`prior_log_sd_per_day`, weight `prior_origins`
//   origins) so that a short history still gets a sensible band; then, per
//   horizon, widened to the quantiles of that horizon's own errors where
//   they need more (blended with weight `horizon_prior_errors`).
// - Peak: the highest expected occupancy from the origin to the longest
//   horizon (at least `peak_horizon_days`), and its day.
//
// Units: patients (occupied), patients per day (admissions), days.
// Preconditions: one entry per day, contiguous; NaN marks a missing value;
// occupied at the origin is known. Only days 0..origin are read: targets
// may lie beyond the last day given. Thread safety: immutable after Build.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "base/status.h"

namespace ozcc::engine::forecast {

struct OccupancyOptions {
  int discharge_window_days = 14;        // days for the discharge probability
  double default_discharge_rate = 0.12;  // used with fewer than 3 usable days
  int growth_window_days = 7;            // the two windows compared for the admission growth
  double growth_damping = 0.8;           // per day (0..1); 0 = flat admissions
  int residual_horizon_days = 14;        // horizons pooled for the interval
  int residual_origins = 90;             // at most this many earlier origins in the backtest
  int min_backtest_history_days = 14;    // an earlier origin counts once it had this much history
  double prior_log_sd_per_day = 0.014;   // prior sd of the log error per day of horizon
  double prior_origins = 10;             // weight of the prior, in origins
  double horizon_prior_errors = 20;      // weight (in errors) of the pooled band against a horizon's own errors
  int weekly_window_days = 56;           // days for the weekly pattern of inflow and outflow (0 = flat)
  double weekly_shrink_weeks = 1;        // its shrinkage toward flat, in weeks of data
  int peak_horizon_days = 21;            // the peak is looked for at least this far ahead
  double interval = 0.8;                 // central probability of the interval
};

struct DailyOccupancy {
  std::vector<double> occupied;    // patients in bed on each day; NaN = missing
  std::vector<double> admissions;  // patients admitted on each day; NaN = missing (may be shorter)
};

struct OccupancyPoint {
  int horizon = 0;  // days after the origin
  double mean = 0;
  double lo = 0;
  double hi = 0;
};

struct OccupancyForecast {
  std::vector<OccupancyPoint> points;  // one per requested horizon, in the order asked
  std::vector<double> path;            // expected occupancy for days origin+0 .. origin+max horizon
  double peak = 0;                     // highest value of path
  int peak_horizon = 0;                // its day after the origin (0 = today)
  double discharge_rate = 0;           // d, per day
  double admissions_level = 0;         // admissions per day, 7-day mean at the origin
  double admissions_growth = 0;        // per day, undamped
  int backtest_errors = 0;             // log errors the interval was estimated from
  // The weekly pattern used, by day of the week counted from the origin's
  // (index 0 = the origin's day of the week): admissions and discharge rate
  // relative to their weekly mean (1 = flat).
  std::array<double, 7> inflow_by_weekday{1, 1, 1, 1, 1, 1, 1};
  std::array<double, 7> outflow_by_weekday{1, 1, 1, 1, 1, 1, 1};
};

class OccupancyModel {
 public:
  static Result<OccupancyModel> Build(const OccupancyOptions& options);

  // Forecast made at day `origin` for origin + h, h in horizons (each >= 1).
  Result<OccupancyForecast> Run(const DailyOccupancy& series, std::size_t origin, std::span<const int> horizons) const;

  const OccupancyOptions& options() const { return options_; }

 private:
  explicit OccupancyModel(const OccupancyOptions& options) : options_(options) {}
  // The expected path for days origin+1 .. origin+days; empty when occupied(origin) is unknown.
  std::vector<double> Path(const DailyOccupancy& s, std::size_t origin, int days, OccupancyForecast* info) const;
  // Day-of-week factors (index: day of the series mod 7) of admissions and of
  // the discharge rate, each with mean 1, from the days up to the origin.
  void WeeklyPattern(const DailyOccupancy& s, std::size_t origin, double* inflow, double* outflow) const;
  OccupancyOptions options_;
};

}  // namespace ozcc::engine::forecast
