#include "engine/forecast/ed_arrivals.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "engine/forecast/count_interval.h"

namespace ozcc::engine::forecast {

namespace {

constexpr int kWeek = 168;
constexpr int kDay = 24;

// The hour of the week a profile cell stands for: a holiday is a Sunday.
class HourOfWeek {
 public:
  explicit HourOfWeek(const HourlyCounts& s) : first_(s.first_hour_of_week), holidays_(s.holiday_days) {
    std::sort(holidays_.begin(), holidays_.end());
  }
  int operator()(std::int64_t i) const {
    const std::int64_t hour_of_day = (first_ % kDay + i) % kDay;
    const std::int64_t day = (first_ % kDay + i) / kDay;
    if (std::binary_search(holidays_.begin(), holidays_.end(), day))
      return static_cast<int>(6 * std::int64_t{kDay} + hour_of_day);
    return static_cast<int>((first_ + i) % kWeek);
  }

 private:
  int first_;
  std::vector<std::int64_t> holidays_;
};

Status InvalidOption(const std::string& field, const std::string& message) {
  return Status::Invalid("invalid forecast options", {{field, message}});
}

}  // namespace

Result<EdArrivalsModel> EdArrivalsModel::Build(const EdArrivalsOptions& o) {
  if (o.profile_weeks < 1 || o.profile_weeks > 1000) return InvalidOption("profile_weeks", "must be 1..1000");
  if (!(o.profile_half_life_weeks > 0)) return InvalidOption("profile_half_life_weeks", "must be > 0");
  if (!(o.shrink_to_product >= 0 && o.shrink_to_product <= 1))
    return InvalidOption("shrink_to_product", "must be 0..1");
  if (!(o.neighbour_weight >= 0 && o.neighbour_weight <= 0.5))
    return InvalidOption("neighbour_weight", "must be 0..0.5");
  if (!(o.level_alpha >= 0 && o.level_alpha <= 1)) return InvalidOption("level_alpha", "must be 0..1");
  if (o.level_hours < 1) return InvalidOption("level_hours", "must be >= 1");
  if (o.dispersion_hours < 0) return InvalidOption("dispersion_hours", "must be >= 0");
  if (!(o.interval > 0 && o.interval < 1)) return InvalidOption("interval", "must be between 0 and 1");
  return EdArrivalsModel(o);
}

Result<EdArrivalsForecast> EdArrivalsModel::Run(const HourlyCounts& series, std::size_t origin,
                                                std::span<const int> horizons) const {
  const auto& y = series.counts;
  if (origin >= y.size()) return Status::Invalid("the origin is beyond the last hour", {{"origin", "out of range"}});
  if (series.first_hour_of_week < 0 || series.first_hour_of_week >= kWeek) {
    return Status::Invalid("first_hour_of_week must be 0..167", {{"first_hour_of_week", "out of range"}});
  }
  for (int h : horizons) {
    if (h < 1) return Status::Invalid("a horizon must be >= 1 hour", {{"horizons", "must be >= 1"}});
  }
  const HourOfWeek how(series);
  const auto o = static_cast<std::int64_t>(origin);

  // Hour-of-week profile, weighted by the age of each hour.
  std::array<double, kWeek> num{};
  std::array<double, kWeek> den{};
  const std::int64_t first = std::max<std::int64_t>(0, o + 1 - std::int64_t{options_.profile_weeks} * kWeek);
  const double decay_per_hour = std::pow(0.5, 1.0 / (options_.profile_half_life_weeks * kWeek));
  double w = 1;
  for (std::int64_t i = o; i >= first; --i, w *= decay_per_hour) {
    const double v = y[static_cast<std::size_t>(i)];
    if (std::isnan(v)) continue;
    const int c = how(i);
    num[c] += w * v;
    den[c] += w;
  }
  std::array<double, 7> day_num{};
  std::array<double, 7> day_den{};
  std::array<double, kDay> hour_num{};
  std::array<double, kDay> hour_den{};
  double tot_num = 0;
  double tot_den = 0;
  for (int c = 0; c < kWeek; ++c) {
    day_num[c / kDay] += num[c];
    day_den[c / kDay] += den[c];
    hour_num[c % kDay] += num[c];
    hour_den[c % kDay] += den[c];
    tot_num += num[c];
    tot_den += den[c];
  }
  if (tot_den <= 0) return Status::Invalid("no observed hour up to the origin", {{"counts", "all missing"}});
  const double total = tot_num / tot_den;
  std::array<double, kWeek> raw{};
  for (int c = 0; c < kWeek; ++c) {
    const double day = day_den[c / kDay] > 0 ? day_num[c / kDay] / day_den[c / kDay] : total;
    const double hour = hour_den[c % kDay] > 0 ? hour_num[c % kDay] / hour_den[c % kDay] : total;
    const double product = total > 0 ? day * hour / total : 0;
    raw[c] = den[c] > 0 ? (1 - options_.shrink_to_product) * (num[c] / den[c]) + options_.shrink_to_product * product
                        : product;
  }
  EdArrivalsForecast out;
  out.profile.resize(kWeek);
  const double nb = options_.neighbour_weight;
  for (int c = 0; c < kWeek; ++c) {
    out.profile[c] = (1 - 2 * nb) * raw[c] + nb * (raw[(c + kWeek - 1) % kWeek] + raw[(c + 1) % kWeek]);
  }

  // Level (ratio of smoothed counts to smoothed profile) and the one-step
  // errors it implies, for the dispersion.
  const double a = options_.level_alpha;
  const std::int64_t span = std::max(options_.level_hours, options_.dispersion_hours);
  const std::int64_t start = std::max<std::int64_t>(0, o + 1 - span);
  const std::int64_t score_from = std::max(start + kDay, o + 1 - options_.dispersion_hours);
  double sy = 0;
  double sp = 0;
  double level = 1;
  double excess = 0;  // sum of (y - mu)^2 - mu
  double mu2 = 0;     // sum of mu^2
  for (std::int64_t i = start; i <= o; ++i) {
    const double v = y[static_cast<std::size_t>(i)];
    if (std::isnan(v)) continue;
    const double p = out.profile[how(i)];
    if (i >= score_from) {
      const double mu = p * level;
      excess += (v - mu) * (v - mu) - mu;
      mu2 += mu * mu;
    }
    if (a > 0) {
      sy = (1 - a) * sy + a * v;
      sp = (1 - a) * sp + a * p;
      if (sp > 1e-12) level = std::clamp(sy / sp, 0.2, 5.0);
    }
  }
  out.level = level;
  out.inv_size = mu2 > 0 ? std::clamp(excess / mu2, 0.0, 2.0) : 0;

  const double lo_p = (1 - options_.interval) / 2;
  const double hi_p = 1 - lo_p;
  out.points.reserve(horizons.size());
  for (int h : horizons) {
    EdArrivalsPoint pt;
    pt.horizon = h;
    pt.mean = out.profile[how(o + h)] * level;
    pt.lo = JitteredCountQuantile(pt.mean, out.inv_size, lo_p);
    pt.hi = JitteredCountQuantile(pt.mean, out.inv_size, hi_p);
    out.points.push_back(pt);
  }
  return out;
}

}  // namespace ozcc::engine::forecast
