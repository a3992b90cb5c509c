// Forecasts: GET /api/v1/units/{unit_id}/forecast?days= and
// GET /api/v1/forecasts?region=&days=. Parses the query, calls
// ForecastService, maps to JSON (the shapes are in docs/openapi.json). A unit
// with both an ED and beds (an SEH) has two forecasts: the top of the answer is
// the first (its ED arrivals), `forecasts` lists both.
#include <charconv>

#include "api/internal.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

// days= : 1..21, default 7; anything else names "days".
Result<int> DaysOf(const http::Request& req) {
  auto v = req.Query("days");
  if (!v) return service::ForecastService::kDefaultDays;
  int days = 0;
  const auto* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, days);
  if (ec != std::errc() || ptr != end || days < 1 || days > service::ForecastService::kMaxDays) {
    return Status::BadRequest("bad forecast horizon",
                              {{"days", "must be an integer 1–" + std::to_string(service::ForecastService::kMaxDays)}});
  }
  return days;
}

std::string DateOrTime(const service::UnitForecast& f, Time t) {
  return f.kind == service::ForecastKind::kOccupancy ? FormatRfc3339(t).substr(0, 10) : FormatRfc3339(t);
}

json ToJson(const service::UnitForecast& f, Time now) {
  json points = json::array();
  for (const auto& p : f.points) {
    points.push_back({{"horizon", p.horizon},
                      {"target", DateOrTime(f, p.target)},
                      {"mean", p.mean},
                      {"p10", p.p10},
                      {"p90", p.p90}});
  }
  const auto age_s = std::max<std::int64_t>(0, (ToUnixMillis(now) - ToUnixMillis(f.data_as_of)) / 1000);
  json j = {{"unit_id", f.unit.unit.id},
            {"unit_type", ToString(f.unit.unit.type)},
            {"organization_name", f.unit.organization_name},
            {"unit_name", f.unit.unit.name},
            {"kind", service::ToString(f.kind)},
            {"horizon_unit", f.kind == service::ForecastKind::kOccupancy ? "day" : "hour"},
            {"origin", DateOrTime(f, f.origin)},
            {"data_as_of", FormatRfc3339(f.data_as_of)},
            {"data_age_seconds", age_s},
            {"history", f.history},
            {"interval", 0.8},
            {"points", std::move(points)},
            {"backtest",
             {{"mase", f.backtest.mase},
              {"coverage", f.backtest.coverage},
              {"forecasts", f.backtest.forecasts},
              {"origins", f.backtest.origins}}}};
  if (f.kind == service::ForecastKind::kOccupancy) {
    j["peak"] = {{"mean", f.peak}, {"date", DateOrTime(f, f.peak_at)}};
    j["threshold"] = f.threshold ? json(*f.threshold) : json(nullptr);
    j["crosses_threshold"] = f.crosses;
    j["crosses_on"] = f.crosses_at ? json(DateOrTime(f, f.crosses_at->target)) : json(nullptr);
  }
  return j;
}

}  // namespace

void RegisterForecastRoutes(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/units/{unit_id}/forecast", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto days = DaysOf(req);
    if (!days.ok()) return ProblemFor(req, days.status());
    const Time now = Now();
    auto f = s.forecasts.ForUnit(CallerOf(req, who), req.params["unit_id"], *days, now);
    if (!f.ok()) return ProblemFor(req, f.status());
    // The first forecast at the top (as before: an SEH's ED arrivals), every
    // forecast of the unit in `forecasts` (an SEH's occupancy too).
    json all = json::array();
    for (const auto& one : *f) all.push_back(ToJson(one, now));
    json j = all.front();
    j["forecasts"] = std::move(all);
    return Json(200, j);
  });
  r.Add("GET", "/api/v1/forecasts", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto days = DaysOf(req);
    if (!days.ok()) return ProblemFor(req, days.status());
    const std::string region = req.Query("region").value_or(who.region_id);
    const Time now = Now();
    auto f = s.forecasts.ForRegion(CallerOf(req, who), region, *days, now);
    if (!f.ok()) return ProblemFor(req, f.status());
    json eds = json::array(), crossing = json::array();
    for (const auto& u : f->eds) eds.push_back(ToJson(u, now));
    for (const auto& u : f->crossing) crossing.push_back(ToJson(u, now));
    return Json(200, {{"region", f->region_id},
                      {"days", *days},
                      {"generated_at", FormatRfc3339(now)},
                      {"ed_outlook", std::move(eds)},
                      {"crossing", std::move(crossing)},
                      {"units_without_forecast", f->units_without_forecast}});
  });
}

}  // namespace ozcc::api
