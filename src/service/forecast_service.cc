#include "service/forecast_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/kpis.h"
#include "core/pathways.h"
#include "engine/forecast/ed_arrivals.h"
#include "engine/forecast/occupancy.h"

namespace ozcc::service {

namespace {

using std::chrono::hours;
namespace fc = engine::forecast;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kEdHistoryWeeks = 8;  // hours read for an ED forecast
constexpr int kEdBacktestHours = 14 * 24;
constexpr int kEdMinHours = 7 * 24;  // at least a week of reported arrivals
constexpr int kBedHistoryDays = 90;
constexpr int kBedBacktestDays = 28;
constexpr int kBedMinDays = 10;

// Scores forecasts against actual values.
struct Score {
  double abs_error = 0;
  int n = 0, inside = 0;
  void Add(double actual, double mean, double lo, double hi) {
    if (std::isnan(actual)) return;
    abs_error += std::abs(actual - mean);
    ++n;
    if (actual >= lo && actual <= hi) ++inside;
  }
  ForecastBacktest Summary(double scale, int origins) const {
    ForecastBacktest b;
    b.forecasts = n;
    b.origins = origins;
    if (n > 0) {
      b.mase = scale > 0 ? abs_error / n / scale : 0;
      b.coverage = static_cast<double>(inside) / n;
    }
    return b;
  }
};

// Mean absolute difference between values `lag` apart in v[0..end), both known.
double NaiveScale(const std::vector<double>& v, std::size_t lag, std::size_t end) {
  double sum = 0;
  int n = 0;
  for (std::size_t i = lag; i < std::min(end, v.size()); ++i) {
    if (std::isnan(v[i]) || std::isnan(v[i - lag])) continue;
    sum += std::abs(v[i] - v[i - lag]);
    ++n;
  }
  return n > 0 ? sum / n : 0;
}

}  // namespace

std::string_view ToString(ForecastKind k) { return k == ForecastKind::kEdArrivals ? "ed-arrivals" : "occupancy"; }

Result<std::optional<UnitForecast>> ForecastService::Compute(const UnitView& unit, ForecastKind kind, int days,
                                                             Time now) {
  UnitForecast out;
  out.unit = unit;
  if (kind == ForecastKind::kEdArrivals) {
    if (!UnitHasEd(unit.unit.type)) return std::optional<UnitForecast>{};
    out.kind = ForecastKind::kEdArrivals;
    auto reports = capacity_.CapacityHistory(unit.unit.id, now - hours(24 * 7 * kEdHistoryWeeks), now, 200000);
    if (!reports.ok()) return reports.status();
    // Per hour, the arrivals of the report nearest to the hour's end.
    std::map<std::int64_t, std::pair<std::int64_t, double>> by_hour;  // hour → (distance ms, arrivals)
    for (const auto& r : *reports) {
      if (!r.ed || !r.ed->arrivals) continue;
      const Time start = ArrivalsHourStart(r.as_of);
      const std::int64_t h = ToUnixMillis(start) / 3600000;
      const std::int64_t dist = std::abs(ToUnixMillis(r.as_of) - ToUnixMillis(start + hours(1)));
      auto [it, fresh] = by_hour.try_emplace(h, dist, static_cast<double>(*r.ed->arrivals));
      if (!fresh && dist <= it->second.first) it->second = {dist, static_cast<double>(*r.ed->arrivals)};
      out.data_as_of = std::max(out.data_as_of, r.as_of);
    }
    if (static_cast<int>(by_hour.size()) < kEdMinHours) return std::optional<UnitForecast>{};
    const std::int64_t first = by_hour.begin()->first, last = by_hour.rbegin()->first;
    fc::HourlyCounts series;
    series.counts.assign(static_cast<std::size_t>(last - first + 1), kNaN);
    for (const auto& [h, v] : by_hour) series.counts[static_cast<std::size_t>(h - first)] = v.second;
    const std::size_t origin = series.counts.size() - 1;
    // Hour of week from the origin backwards: right for the recent weeks (a
    // change of summer time lies an hour off further back).
    const Time origin_time = FromUnixMillis(last * 3600000);
    series.first_hour_of_week =
        static_cast<int>(((NetherlandsHourOfWeek(origin_time) - static_cast<std::int64_t>(origin)) % 168 + 168) % 168);
    auto model = fc::EdArrivalsModel::Build({});
    if (!model.ok()) return model.status();
    const int horizons[] = {1, 2};
    auto f = model->Run(series, origin, horizons);
    if (!f.ok()) return std::optional<UnitForecast>{};
    out.origin = origin_time;
    out.history = static_cast<int>(by_hour.size());
    for (const auto& p : f->points) {
      out.points.push_back({p.horizon, origin_time + hours(p.horizon), p.mean, p.lo, p.hi});
    }
    // Backtest: the last two weeks of origins, 1 and 2 hours ahead.
    Score score;
    const std::size_t from =
        std::max<std::size_t>(kEdMinHours, origin > kEdBacktestHours ? origin - kEdBacktestHours : 0);
    int origins = 0;
    for (std::size_t o = from; o + 1 <= origin; ++o) {
      if (std::isnan(series.counts[o])) continue;
      auto b = model->Run(series, o, horizons);
      if (!b.ok()) continue;
      ++origins;
      for (const auto& p : b->points) {
        const std::size_t t = o + static_cast<std::size_t>(p.horizon);
        if (t <= origin) score.Add(series.counts[t], p.mean, p.lo, p.hi);
      }
    }
    out.backtest = score.Summary(NaiveScale(series.counts, 168, from > 168 ? from : series.counts.size()), origins);
    return std::optional<UnitForecast>{std::move(out)};
  }
  if (!UnitHasBeds(unit.unit.type)) return std::optional<UnitForecast>{};
  out.kind = ForecastKind::kOccupancy;
  auto reports = capacity_.CapacityHistory(unit.unit.id, now - hours(24 * kBedHistoryDays), now, 200000);
  if (!reports.ok()) return reports.status();
  // Daily mean occupancy by local date; today is not complete and is left out.
  const auto today = std::chrono::sys_days{NetherlandsDate(now)};
  std::map<std::int64_t, std::pair<double, int>> by_day;
  const CapacityReport* latest = nullptr;
  for (const auto& r : *reports) {
    if (!r.beds) continue;
    latest = &r;
    const auto day = std::chrono::sys_days{NetherlandsDate(r.as_of)};
    if (day >= today) continue;
    auto& [sum, n] = by_day[day.time_since_epoch().count()];
    sum += static_cast<double>(r.beds->occupied);
    ++n;
  }
  if (!latest || static_cast<int>(by_day.size()) < kBedMinDays) return std::optional<UnitForecast>{};
  out.data_as_of = latest->as_of;
  out.threshold = static_cast<double>(latest->beds->staffed);
  const std::int64_t first = by_day.begin()->first, last = by_day.rbegin()->first;
  fc::DailyOccupancy series;
  series.occupied.assign(static_cast<std::size_t>(last - first + 1), kNaN);
  for (const auto& [d, v] : by_day) series.occupied[static_cast<std::size_t>(d - first)] = v.first / v.second;
  series.admissions.assign(series.occupied.size(), kNaN);
  for (std::size_t i = 1; i < series.occupied.size(); ++i) {
    const double change = series.occupied[i] - series.occupied[i - 1];
    if (!std::isnan(change)) series.admissions[i] = std::max(0.0, change);
  }
  auto model = fc::OccupancyModel::Build({});
  if (!model.ok()) return model.status();
  std::vector<int> horizons(static_cast<std::size_t>(days));
  std::iota(horizons.begin(), horizons.end(), 1);
  const std::size_t origin = series.occupied.size() - 1;
  auto f = model->Run(series, origin, horizons);
  if (!f.ok()) return std::optional<UnitForecast>{};
  const auto day_time = [&](std::size_t index_plus) {
    return Time{std::chrono::sys_days{std::chrono::days{first + static_cast<std::int64_t>(index_plus)}}};
  };
  out.origin = day_time(origin);
  out.history = static_cast<int>(by_day.size());
  for (const auto& p : f->points) {
    ForecastPoint fp{p.horizon, day_time(origin + static_cast<std::size_t>(p.horizon)), p.mean, p.lo, p.hi};
    if (!out.crosses && p.mean > *out.threshold) {
      out.crosses = true;
      out.crosses_at = fp;
    }
    out.points.push_back(fp);
  }
  // The peak within the asked horizon.
  out.peak = series.occupied[origin];
  out.peak_at = out.origin;
  for (std::size_t h = 0; h < f->path.size() && h <= static_cast<std::size_t>(days); ++h) {
    if (f->path[h] > out.peak) {
      out.peak = f->path[h];
      out.peak_at = day_time(origin + h);
    }
  }
  // Backtest: the last four weeks of origins, every horizon asked.
  Score score;
  const std::size_t min_origin = static_cast<std::size_t>(model->options().min_backtest_history_days);
  const std::size_t from = std::max(min_origin, origin > kBedBacktestDays ? origin - kBedBacktestDays : 0);
  int origins = 0;
  for (std::size_t o = from; o < origin; ++o) {
    if (std::isnan(series.occupied[o])) continue;
    auto b = model->Run(series, o, horizons);
    if (!b.ok()) continue;
    ++origins;
    for (const auto& p : b->points) {
      const std::size_t t = o + static_cast<std::size_t>(p.horizon);
      if (t <= origin) score.Add(series.occupied[t], p.mean, p.lo, p.hi);
    }
  }
  out.backtest = score.Summary(NaiveScale(series.occupied, 1, from > 1 ? from : series.occupied.size()), origins);
  return std::optional<UnitForecast>{std::move(out)};
}

Result<std::vector<UnitForecast>> ForecastService::ForUnit(const Caller& caller, const std::string& unit_id, int days,
                                                           Time now) {
  if (days < 1 || days > kMaxDays) {
    return Status::BadRequest("bad forecast horizon", {{"days", "must be 1–" + std::to_string(kMaxDays)}});
  }
  auto unit = regions_.GetUnit(unit_id);
  if (!unit.ok()) return unit.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {unit->region_id, ""}, "", ""));
  auto latest = capacity_.LatestCapacity(unit->region_id);
  if (!latest.ok()) return latest.status();
  std::int64_t version = -1;
  for (const auto& r : *latest) {
    if (r.unit_id == unit->unit.id) version = r.version;
  }
  if (version < 0) return Status::NotFound("unit " + unit_id + " has no reports to forecast from");
  return AllKinds(*unit, version, days, now);
}

Result<std::vector<UnitForecast>> ForecastService::AllKinds(const UnitView& unit, std::int64_t version, int days,
                                                            Time now) {
  std::vector<UnitForecast> out;
  for (ForecastKind kind : {ForecastKind::kEdArrivals, ForecastKind::kOccupancy}) {
    auto f = Cached(unit, kind, version, days, now);
    if (!f.ok()) return f.status();
    if (*f) out.push_back(std::move(**f));
  }
  if (out.empty()) return Status::NotFound("unit " + unit.unit.id + " has too little history for a forecast");
  return out;
}

Result<std::optional<UnitForecast>> ForecastService::Cached(const UnitView& unit, ForecastKind kind,
                                                            std::int64_t version, int days, Time now) {
  const auto key = std::make_tuple(unit.unit.id, kind, days);
  const std::int64_t hour = ToUnixMillis(now) / 3600000;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second.version == version && it->second.hour == hour) {
      return it->second.forecast;
    }
  }
  auto f = Compute(unit, kind, days, now);
  if (!f.ok()) return f.status();
  std::lock_guard lock(mu_);
  cache_[key] = {version, hour, *f};
  return f;
}

Result<RegionForecast> ForecastService::ForRegion(const Caller& caller, const std::string& region_id, int days,
                                                  Time now) {
  if (days < 1 || days > kMaxDays) {
    return Status::BadRequest("bad forecast horizon", {{"days", "must be 1–" + std::to_string(kMaxDays)}});
  }
  if (region_id.empty()) return Status::Invalid("name the region", {{"region", "is required"}});
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {region_id, ""}, "", ""));
  auto region = regions_.GetRegion(region_id);
  if (!region.ok()) return region.status();
  auto units = regions_.ListUnits(region_id);
  if (!units.ok()) return units.status();
  auto latest = capacity_.LatestCapacity(region_id);
  if (!latest.ok()) return latest.status();
  std::map<std::string, std::int64_t> version_of;
  for (const auto& r : *latest) version_of[r.unit_id] = r.version;
  RegionForecast out;
  out.region_id = region_id;
  for (const auto& u : *units) {
    auto v = version_of.find(u.unit.id);
    if (v == version_of.end()) {
      ++out.units_without_forecast;
      continue;
    }
    auto all = AllKinds(u, v->second, days, now);
    if (!all.ok()) {
      if (all.status().code() != Code::kNotFound) return all.status();
      ++out.units_without_forecast;
      continue;
    }
    for (auto& f : *all) {
      if (f.kind == ForecastKind::kEdArrivals) {
        out.eds.push_back(std::move(f));
      } else if (f.crosses) {
        out.crossing.push_back(std::move(f));
      }
    }
  }
  return out;
}

}  // namespace ozcc::service
