// The worklist KPIs: GET /api/v1/kpis?region=&from=&to=&by= as JSON, or as
// CSV with Accept: text/csv. Parses the query, calls KpiService, maps
// (api/json/kpi_json.h).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/internal.h"
#include "api/json/kpi_json.h"

namespace ozcc::api {

namespace {

Result<service::KpiQuery> KpiQueryOf(const http::Request& req) {
  service::KpiQuery q;
  q.region_id = req.Query("region").value_or("");
  std::vector<FieldError> errs;
  auto time_param = [&](const char* name) -> std::optional<Time> {
    auto v = req.Query(name);
    if (!v) return std::nullopt;
    auto t = ParseRfc3339(*v);
    if (!t) errs.push_back({name, "must be an RFC 3339 date-time (2026-11-26T13:40:00Z)"});
    return t;
  };
  q.from = time_param("from");
  q.to = time_param("to");
  if (auto by = req.Query("by"); by && !by->empty()) {
    auto g = ParseKpiGrouping(*by);
    if (!g) {
      errs.push_back({"by", "one of day, week, channel, subregion, pathway"});
    } else {
      q.by = *g;
    }
  }
  if (!errs.empty()) return Status::BadRequest("bad KPI query", errs);
  return q;
}

}  // namespace

void RegisterKpiRoutes(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/kpis", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto q = KpiQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    const std::string region = q->region_id.empty() ? who.region_id : q->region_id;
    auto report = s.kpis.Kpis(CallerOf(req, who), std::move(q).value());
    if (!report.ok()) return ProblemFor(req, report.status());
    if (!WantsCsv(req)) return Json(200, ToJson(*report, region));
    http::Response resp;
    resp.Set("Content-Type", "text/csv; charset=utf-8");
    resp.Set("Cache-Control", "no-store");
    std::string day = FormatRfc3339(report->from).substr(0, 10);
    resp.Set("Content-Disposition", "attachment; filename=\"kpis-" + region + "-" + day + ".csv\"");
    resp.body = ToCsv(*report, region);
    return resp;
  });
}

}  // namespace ozcc::api
