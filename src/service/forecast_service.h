// Forecasts of a unit and a region's outlook, from the unit's own stored
// history (engine/forecast). Transport-neutral: core types in, plain structs
// out; the routes in api/forecast_routes.cc map them. Thread-safe.
//
// - An ED or GP post (a unit with an ED state): arrivals in each of the next
//   hours, from the hourly `ed.arrivals` it reported (the report nearest to
//   the end of each hour, core/types.h ArrivalsHourStart); the origin is the
//   last hour reported.
// - A unit with beds (an SEH with observation beds too): occupancy 1..days days ahead, from its daily mean
//   occupancy (local days, Europe/Amsterdam); the origin is the last complete
//   day with reports. Admissions are not reported, so they are approximated
//   by the day's increase of the mean occupancy (never negative); with them
//   the model's discharge rate comes out as the mean decrease, so a unit in a
//   steady state is forecast steady. `threshold` is the staffed beds of the
//   latest report; `crosses` is set when the expected occupancy exceeds it
//   within the horizon.
// Each forecast carries its own rolling-origin backtest over the unit's last
// weeks: MASE (scale: in-sample MAE of the lag-168 seasonal naive for hours,
// of the one-day change for days) and the share of actual values inside the
// 80% interval. Results are cached per unit and its latest report.
//
// A unit may have both (an SEH): ForUnit gives every forecast it has, the ED
// arrivals first.
//
// Who may: whoever may read the unit's region (as the history and the
// snapshot); kNotFound for an unknown unit or region, kBadRequest naming "days"
// outside 1..21, kNotFound when the unit has too little history.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/types.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/region_store.h"

namespace ozcc::service {

struct ForecastPoint {
  int horizon = 0;  // hours (ED) or days (beds) after the origin
  Time target{};    // start of the hour, or local midnight of the day
  double mean = 0;
  double p10 = 0;
  double p90 = 0;
};

struct ForecastBacktest {
  double mase = 0;      // mean absolute scaled error over every backtest forecast
  double coverage = 0;  // share of actual values inside the 80% interval (0..1)
  int forecasts = 0;    // how many forecasts were scored (0: too little history; then mase, coverage are 0)
  int origins = 0;      // origins of the backtest (hours or days)
};

enum class ForecastKind { kEdArrivals, kOccupancy };

struct UnitForecast {
  UnitView unit;
  ForecastKind kind = ForecastKind::kEdArrivals;
  Time origin{};      // last hour / day observed
  Time data_as_of{};  // as_of of the unit's latest report used
  std::vector<ForecastPoint> points;
  ForecastBacktest backtest;
  int history = 0;  // hours or days of history read
  // Occupancy only.
  double peak = 0;
  Time peak_at{};
  std::optional<double> threshold;  // staffed beds, latest report
  bool crosses = false;
  std::optional<ForecastPoint> crosses_at;  // first point whose mean exceeds the threshold
};

struct RegionForecast {
  std::string region_id;
  std::vector<UnitForecast> eds;       // every ED / GP post with a forecast: the next two hours
  std::vector<UnitForecast> crossing;  // bed forecasts expected to exceed their threshold within the horizon
  int units_without_forecast = 0;      // units with no forecast of any kind (too little history)
};

class ForecastService {
 public:
  static constexpr int kMaxDays = 21;
  static constexpr int kDefaultDays = 7;

  ForecastService(RegionStore& regions, CapacityStore& capacity, AuditStore& audit)
      : regions_(regions), capacity_(capacity), audit_(audit) {}

  // The unit's forecasts at `now`, one per kind it has history for (the ED
  // arrivals first, then the occupancy, `days` ahead); never empty.
  Result<std::vector<UnitForecast>> ForUnit(const Caller& caller, const std::string& unit_id, int days, Time now);
  // The region's outlook: 2-hour ED outlook per ED, units crossing within `days`.
  Result<RegionForecast> ForRegion(const Caller& caller, const std::string& region_id, int days, Time now);

 private:
  // One kind of forecast; nullopt when the unit has too little history for it.
  Result<std::optional<UnitForecast>> Compute(const UnitView& unit, ForecastKind kind, int days, Time now);
  // Compute, or the cached result while the unit's latest report is `version`.
  Result<std::optional<UnitForecast>> Cached(const UnitView& unit, ForecastKind kind, std::int64_t version, int days,
                                             Time now);
  // Every kind the unit has, in order: ED arrivals, occupancy.
  Result<std::vector<UnitForecast>> AllKinds(const UnitView& unit, std::int64_t version, int days, Time now);
  RegionStore& regions_;
  CapacityStore& capacity_;
  AuditStore& audit_;
  std::mutex mu_;
  // (unit, kind, days) → forecast (or none), valid while the unit's latest report has that
  // version, within the same clock hour.
  struct Entry {
    std::int64_t version = 0;
    std::int64_t hour = 0;
    std::optional<UnitForecast> forecast;
  };
  std::map<std::tuple<std::string, ForecastKind, int>, Entry> cache_;
};

std::string_view ToString(ForecastKind k);

}  // namespace ozcc::service
