// ED arrivals forecast: the count of patients arriving at an emergency
// department in each of the next hours, with a prediction interval.
//
// Model (docs/forecasting.md): expected arrivals in hour t are
//   mean(t) = profile(hour of week of t) * level.
// - profile: the mean count per hour of the week over the last
//   `profile_weeks` weeks, each week weighted by 0.5^(age / half-life);
//   each cell is shrunk towards the day-of-week x hour-of-day product
//   (which is estimated from seven times as many hours) and smoothed with
//   its neighbouring hours. A holiday counts as a Sunday, in the estimate and
//   in the forecast.
// - level: the exponentially smoothed ratio of observed to profile counts
//   (sum of smoothed counts over sum of smoothed profile, so quiet night
//   hours do not make it jumpy).
// - interval: the count is negative binomial with that mean and a
//   dispersion estimated by moments from the one-step errors of the last
//   `dispersion_hours` (Poisson when there is no over-dispersion); the
//   interval is the central `interval` range of the count with its mass
//   spread over the unit interval (count_interval.h), so that it covers the
//   stated fraction on average rather than more.
// Cost: O(profile_weeks * 168 + level_hours) per Run, no allocation beyond
// the result and two small tables; meant to run on every ED update.
//
// Units: counts per hour (arrivals in the hour that starts at the time);
// horizons in hours after the origin hour. Preconditions: counts >= 0 (NaN
// marks a missing hour and is skipped), origin < counts.size(). Only
// counts[0..origin] are read: the forecast made at origin never depends on
// a later hour. Thread safety: a model is immutable after Build; Run is
// const and may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace ozcc::engine::forecast {

struct EdArrivalsOptions {
  int profile_weeks = 156;              // history used for the hour-of-week profile
  double profile_half_life_weeks = 52;  // weight of a week halves every this many weeks
  double shrink_to_product = 0.2;       // weight of the day x hour product in each cell (0..1)
  double neighbour_weight = 0.1;        // weight of each neighbouring hour in the smoothing (0..0.5)
  double level_alpha = 0.01;            // smoothing constant of the level, per hour (0..1]; 0 = no level
  int level_hours = 24 * 28;            // hours read to compute the level
  int dispersion_hours = 24 * 28;       // hours of one-step errors for the dispersion
  double interval = 0.8;                // central probability of the prediction interval
};

struct HourlyCounts {
  int first_hour_of_week = 0;              // of counts[0]: 0 = Monday 00:00 ... 167 = Sunday 23:00
  std::vector<double> counts;              // one per hour, contiguous; NaN = missing
  std::vector<std::int64_t> holiday_days;  // holidays as day numbers; day 0 is the day of counts[0]
};

struct EdArrivalsPoint {
  int horizon = 0;  // hours after the origin
  double mean = 0;  // expected arrivals in that hour
  double lo = 0;    // lower end of the interval (the 10% quantile for 0.8)
  double hi = 0;    // upper end (the 90% quantile)
};

struct EdArrivalsForecast {
  std::vector<EdArrivalsPoint> points;  // one per requested horizon, in the order asked
  double level = 1;                     // observed / profile, recently
  double inv_size = 0;                  // negative binomial 1/size (0 = Poisson)
  std::vector<double> profile;          // 168 expected counts per hour of week (level 1)
};

class EdArrivalsModel {
 public:
  // kInvalid naming the option when one is out of range.
  static Result<EdArrivalsModel> Build(const EdArrivalsOptions& options);

  // Forecast made at `origin` (the index of the last observed hour) for
  // origin + h, h in `horizons` (each >= 1). kInvalid when origin is out of
  // range, a horizon < 1, or no hour up to origin is observed.
  Result<EdArrivalsForecast> Run(const HourlyCounts& series, std::size_t origin, std::span<const int> horizons) const;

  const EdArrivalsOptions& options() const { return options_; }

 private:
  explicit EdArrivalsModel(const EdArrivalsOptions& options) : options_(options) {}
  EdArrivalsOptions options_;
};

}  // namespace ozcc::engine::forecast
