#include "engine/forecast/occupancy.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/forecast/count_interval.h"

namespace ozcc::engine::forecast {

namespace {

double At(const std::vector<double>& v, std::int64_t i) {
  return i >= 0 && static_cast<std::size_t>(i) < v.size() ? v[static_cast<std::size_t>(i)] : NAN;
}

// Mean of the known values of v over days [from, to]; NaN when none.
double MeanKnown(const std::vector<double>& v, std::int64_t from, std::int64_t to, int* known) {
  double sum = 0;
  int n = 0;
  for (std::int64_t i = std::max<std::int64_t>(0, from); i <= to; ++i) {
    const double x = At(v, i);
    if (!std::isnan(x)) sum += x, ++n;
  }
  if (known) *known = n;
  return n ? sum / n : NAN;
}

// The q-quantile of sorted values, linearly interpolated.
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

// Mean of the factors f[0..6] set to 1 (a weekly pattern moves flow between
// days, not its weekly total).
void Normalise(double* f) {
  double sum = 0;
  for (int w = 0; w < 7; ++w) sum += f[w];
  if (sum > 0) {
    for (int w = 0; w < 7; ++w) f[w] *= 7 / sum;
  }
}

// Day of the week of day t, counted from day 0 of the series (the pattern is
// estimated from the series itself, so its calendar day is not needed).
int WeekDay(std::int64_t t) { return static_cast<int>(((t % 7) + 7) % 7); }

Status InvalidOption(const std::string& field, const std::string& message) {
  return Status::Invalid("invalid forecast options", {{field, message}});
}

}  // namespace

Result<OccupancyModel> OccupancyModel::Build(const OccupancyOptions& o) {
  if (o.discharge_window_days < 1) return InvalidOption("discharge_window_days", "must be >= 1");
  if (!(o.default_discharge_rate > 0 && o.default_discharge_rate < 1)) {
    return InvalidOption("default_discharge_rate", "must be between 0 and 1");
  }
  if (o.growth_window_days < 1) return InvalidOption("growth_window_days", "must be >= 1");
  if (!(o.growth_damping >= 0 && o.growth_damping <= 1)) return InvalidOption("growth_damping", "must be 0..1");
  if (o.residual_horizon_days < 1) return InvalidOption("residual_horizon_days", "must be >= 1");
  if (o.residual_origins < 0) return InvalidOption("residual_origins", "must be >= 0");
  if (o.min_backtest_history_days < 1) return InvalidOption("min_backtest_history_days", "must be >= 1");
  if (!(o.prior_log_sd_per_day > 0)) return InvalidOption("prior_log_sd_per_day", "must be > 0");
  if (!(o.prior_origins > 0)) return InvalidOption("prior_origins", "must be > 0");
  if (o.weekly_window_days < 0) return InvalidOption("weekly_window_days", "must be >= 0");
  if (!(o.weekly_shrink_weeks > 0)) return InvalidOption("weekly_shrink_weeks", "must be > 0");
  if (!(o.horizon_prior_errors > 0)) return InvalidOption("horizon_prior_errors", "must be > 0");
  if (o.peak_horizon_days < 0) return InvalidOption("peak_horizon_days", "must be >= 0");
  if (!(o.interval > 0 && o.interval < 1)) return InvalidOption("interval", "must be between 0 and 1");
  return OccupancyModel(o);
}

std::vector<double> OccupancyModel::Path(const DailyOccupancy& s, std::size_t origin, int days,
                                         OccupancyForecast* info) const {
  const auto o = static_cast<std::int64_t>(origin);
  const double now = At(s.occupied, o);
  if (std::isnan(now)) return {};
  // Discharge probability per day from the recent flow balance.
  double discharged = 0;
  double present = 0;
  int usable = 0;
  for (std::int64_t t = o - options_.discharge_window_days + 1; t <= o; ++t) {
    const double prev = At(s.occupied, t - 1);
    const double cur = At(s.occupied, t);
    const double adm = At(s.admissions, t);
    if (std::isnan(prev) || std::isnan(cur) || std::isnan(adm)) continue;
    discharged += prev + adm - cur;
    present += prev;
    ++usable;
  }
  double d = usable >= 3 && present > 0 ? discharged / present : options_.default_discharge_rate;
  d = std::clamp(d, 0.01, 0.9);

  // Admissions: level (7-day mean, centred 3 days back) and damped growth.
  int known = 0;
  const double level = MeanKnown(s.admissions, o - 6, o, &known);
  const int gw = options_.growth_window_days;
  int known_prev = 0;
  const double level_now = MeanKnown(s.admissions, o - gw + 1, o, &known);
  const double level_prev = MeanKnown(s.admissions, o - 2 * std::int64_t{gw} + 1, o - gw, &known_prev);
  double growth = 0;
  if (known * 2 >= gw && known_prev * 2 >= gw && level_now > 0 && level_prev > 0) {
    growth = std::clamp(std::log(level_now / level_prev) / gw, -0.2, 0.2);
  }
  double inflow[7], outflow[7];
  WeeklyPattern(s, origin, inflow, outflow);
  std::vector<double> path(static_cast<std::size_t>(days));
  double occ = now;
  const double phi = options_.growth_damping;
  double steps = 0;  // damped steps from the level's centre (o - 3) to day o + j
  double pw = 1;
  for (int i = 1; i <= 3; ++i) steps += (pw *= phi);
  for (int j = 1; j <= days; ++j) {
    steps += (pw *= phi);
    // Without any known admissions the occupancy is held where it is.
    if (!std::isnan(level)) {
      const int w = WeekDay(o + j);
      occ = occ * (1 - std::clamp(d * outflow[w], 0.0, 0.95)) + level * std::exp(growth * steps) * inflow[w];
    }
    path[static_cast<std::size_t>(j - 1)] = occ;
  }
  if (info) {
    info->discharge_rate = d;
    info->admissions_level = std::isnan(level) ? 0 : level;
    info->admissions_growth = growth;
    for (int w = 0; w < 7; ++w) {
      info->inflow_by_weekday[static_cast<std::size_t>(WeekDay(w - o))] = inflow[w];
      info->outflow_by_weekday[static_cast<std::size_t>(WeekDay(w - o))] = outflow[w];
    }
  }
  return path;
}

void OccupancyModel::WeeklyPattern(const DailyOccupancy& s, std::size_t origin, double* inflow, double* outflow) const {
  const auto o = static_cast<std::int64_t>(origin);
  const std::int64_t from = o - options_.weekly_window_days + 1;
  // Inflow: admissions over their centred 7-day mean (which a trend or a wave
  // moves with them), as a ratio of sums per day of the week.
  double adm[7] = {}, centred[7] = {};
  int adm_days[7] = {};
  for (std::int64_t t = from; t <= o - 3; ++t) {
    const double a = At(s.admissions, t);
    int known = 0;
    const double m = MeanKnown(s.admissions, t - 3, t + 3, &known);
    if (std::isnan(a) || known < 7) continue;
    const int w = WeekDay(t);
    adm[w] += a, centred[w] += m, ++adm_days[w];
  }
  // Outflow: the discharge rate of each day of the week over the window's
  // rate, both as discharges / patients present the day before.
  double out[7] = {}, present[7] = {}, out_all = 0, present_all = 0;
  int out_days[7] = {};
  for (std::int64_t t = from; t <= o; ++t) {
    const double prev = At(s.occupied, t - 1), cur = At(s.occupied, t), a = At(s.admissions, t);
    if (std::isnan(prev) || std::isnan(cur) || std::isnan(a)) continue;
    const int w = WeekDay(t);
    out[w] += prev + a - cur, present[w] += prev, ++out_days[w];
    out_all += prev + a - cur, present_all += prev;
  }
  const double rate_all = present_all > 0 ? out_all / present_all : 0;
  // Each day's factor is shrunk toward 1 (flat) with the weight of
  // `weekly_shrink_weeks` weeks: a few weeks of data give half a pattern.
  const double k = options_.weekly_shrink_weeks;
  for (int w = 0; w < 7; ++w) {
    const double a_raw = centred[w] > 0 ? adm[w] / centred[w] : 1;
    inflow[w] = (adm_days[w] * a_raw + k) / (adm_days[w] + k);
    const double d_raw = present[w] > 0 && rate_all > 0 ? (out[w] / present[w]) / rate_all : 1;
    outflow[w] = (out_days[w] * std::clamp(d_raw, 0.0, 4.0) + k) / (out_days[w] + k);
  }
  Normalise(inflow);
  Normalise(outflow);
}

Result<OccupancyForecast> OccupancyModel::Run(const DailyOccupancy& s, std::size_t origin,
                                              std::span<const int> horizons) const {
  if (origin >= s.occupied.size())
    return Status::Invalid("the origin is beyond the last day", {{"origin", "out of range"}});
  if (std::isnan(s.occupied[origin])) {
    return Status::Invalid("occupancy on the origin day is unknown", {{"occupied", "missing at the origin"}});
  }
  int longest = options_.peak_horizon_days;
  for (int h : horizons) {
    if (h < 1) return Status::Invalid("a horizon must be >= 1 day", {{"horizons", "must be >= 1"}});
    longest = std::max(longest, h);
  }
  OccupancyForecast out;
  std::vector<double> ahead = Path(s, origin, longest, &out);
  out.path.reserve(ahead.size() + 1);
  out.path.push_back(s.occupied[origin]);
  out.path.insert(out.path.end(), ahead.begin(), ahead.end());
  const auto peak = std::max_element(out.path.begin(), out.path.end());
  out.peak = *peak;
  out.peak_horizon = static_cast<int>(peak - out.path.begin());

  // The model's own backtest on the days up to the origin: log errors, per
  // horizon and pooled per day of horizon.
  const int hmax = options_.residual_horizon_days;
  int hband = hmax;
  for (int h : horizons) hband = std::max(hband, h);
  const auto o = static_cast<std::int64_t>(origin);
  // Only earlier origins whose forecast was of the same kind count: with a
  // full admission history, or (where admissions are unknown) held flat.
  auto full_history = [&](std::int64_t b) {
    int known = 0;
    (void)MeanKnown(s.admissions, b - options_.min_backtest_history_days + 1, b, &known);
    return known >= options_.min_backtest_history_days;
  };
  const bool kind = full_history(o);
  std::vector<std::vector<double>> by_h(static_cast<std::size_t>(hband) + 1);  // log error at h
  const std::int64_t from = std::max<std::int64_t>(0, o - 1 - options_.residual_origins);
  for (std::int64_t b = from; b < o; ++b) {
    if (full_history(b) != kind) continue;
    const int days = static_cast<int>(std::min<std::int64_t>(hband, o - b));
    std::vector<double> past = Path(s, static_cast<std::size_t>(b), days, nullptr);
    for (int h = 1; h <= static_cast<int>(past.size()); ++h) {
      const double seen = s.occupied[static_cast<std::size_t>(b + h)];
      const double f = past[static_cast<std::size_t>(h - 1)];
      if (std::isnan(seen) || seen <= 0 || !(f > 0)) continue;
      by_h[static_cast<std::size_t>(h)].push_back(std::log(seen / f));
    }
  }
  std::vector<double> z;  // log error / h, h <= hmax
  for (int h = 1; h <= hmax; ++h) {
    for (double e : by_h[static_cast<std::size_t>(h)]) z.push_back(e / h);
  }
  std::sort(z.begin(), z.end());
  const double lo_p = (1 - options_.interval) / 2;
  const double hi_p = 1 - lo_p;
  const double prior_lo = options_.prior_log_sd_per_day * NormalQuantile(lo_p);
  const double prior_hi = options_.prior_log_sd_per_day * NormalQuantile(hi_p);
  double zlo = prior_lo;
  double zhi = prior_hi;
  if (!z.empty()) {
    const double w = static_cast<double>(z.size()) / (static_cast<double>(z.size()) + options_.prior_origins * hmax);
    zlo = w * Quantile(z, lo_p) + (1 - w) * prior_lo;
    zhi = w * Quantile(z, hi_p) + (1 - w) * prior_hi;
  }
  out.backtest_errors = static_cast<int>(z.size());
  for (int h : horizons) {
    // The pooled band, widened where this horizon's own past errors need a
    // wider one: their 10% and 90% quantiles, blended with the pooled band
    // with the weight of `horizon_prior_errors` errors. (Narrowing it too
    // would follow the past more closely, and cover less on data whose
    // coming weeks are harder than the last ones: docs/forecasting.md.)
    double lo = std::min(zlo, zhi) * h;
    double hi = std::max(zlo, zhi) * h;
    auto& e = by_h[static_cast<std::size_t>(h)];
    if (!e.empty()) {
      std::sort(e.begin(), e.end());
      const double n = static_cast<double>(e.size());
      const double w = n / (n + options_.horizon_prior_errors);
      lo = std::min(lo, w * Quantile(e, lo_p) + (1 - w) * lo);
      hi = std::max(hi, w * Quantile(e, hi_p) + (1 - w) * hi);
    }
    OccupancyPoint pt;
    pt.horizon = h;
    pt.mean = out.path[static_cast<std::size_t>(h)];
    pt.lo = pt.mean * std::exp(lo);
    pt.hi = pt.mean * std::exp(hi);
    out.points.push_back(pt);
  }
  return out;
}

}  // namespace ozcc::engine::forecast
