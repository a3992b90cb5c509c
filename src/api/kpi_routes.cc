// The KPIs, as JSON or as CSV with Accept: text/csv: the worklist's (GET
// /api/v1/kpis?region=&from=&to=&by=, KpiService) and the follow-up
// placements' (GET /api/v1/placements/kpis?region=&from=&to=&by=,
// PlacementService::Kpis). Parses the query, calls the service, maps
// (api/json/kpi_json.h).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/internal.h"
#include "api/json/kpi_json.h"

namespace ozcc::api {

namespace {

// The period's bounds ("from", "to": RFC 3339, each optional); a bad one is
// added to `errs` by name.
struct Period {
  std::optional<Time> from, to;
};
Period PeriodOf(const http::Request& req, std::vector<FieldError>& errs) {
  auto time_param = [&](const char* name) -> std::optional<Time> {
    auto v = req.Query(name);
    if (!v) return std::nullopt;
    auto t = ParseRfc3339(*v);
    if (!t) errs.push_back({name, "must be an RFC 3339 date-time (2026-11-26T13:40:00Z)"});
    return t;
  };
  return {time_param("from"), time_param("to")};
}

// The grouping "by" names (absent or empty: none), parsed by `parse`.
template <class Grouping, class Parse>
void GroupingOf(const http::Request& req, Parse parse, const char* allowed, Grouping& out,
                std::vector<FieldError>& errs) {
  auto by = req.Query("by");
  if (!by || by->empty()) return;
  auto g = parse(*by);
  if (!g) {
    errs.push_back({"by", allowed});
  } else {
    out = *g;
  }
}

Result<service::KpiQuery> KpiQueryOf(const http::Request& req) {
  service::KpiQuery q;
  q.region_id = req.Query("region").value_or("");
  std::vector<FieldError> errs;
  auto period = PeriodOf(req, errs);
  q.from = period.from;
  q.to = period.to;
  GroupingOf(req, ParseKpiGrouping, "one of day, week, channel, subregion, pathway", q.by, errs);
  if (!errs.empty()) return Status::BadRequest("bad KPI query", errs);
  return q;
}

Result<service::PlacementKpiQuery> PlacementKpiQueryOf(const http::Request& req) {
  service::PlacementKpiQuery q;
  q.region_id = req.Query("region").value_or("");
  std::vector<FieldError> errs;
  auto period = PeriodOf(req, errs);
  q.from = period.from;
  q.to = period.to;
  GroupingOf(req, ParsePlacementKpiGrouping, "one of day, week, care-type", q.by, errs);
  if (!errs.empty()) return Status::BadRequest("bad KPI query", errs);
  return q;
}

// A report as JSON, or as a CSV download named "<name>-<region>-<first day>.csv"
// when the client asks for text/csv.
template <class Report>
http::Response ReportResponse(const http::Request& req, const Report& report, const std::string& region,
                              const std::string& name) {
  if (!WantsCsv(req)) return Json(200, ToJson(report, region));
  http::Response resp;
  resp.Set("Content-Type", "text/csv; charset=utf-8");
  resp.Set("Cache-Control", "no-store");
  std::string day = FormatRfc3339(report.from).substr(0, 10);
  resp.Set("Content-Disposition", "attachment; filename=\"" + name + "-" + region + "-" + day + ".csv\"");
  resp.body = ToCsv(report, region);
  return resp;
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
    return ReportResponse(req, *report, region, "kpis");
  });
  r.Add("GET", "/api/v1/placements/kpis", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto q = PlacementKpiQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    const std::string region = q->region_id.empty() ? who.region_id : q->region_id;
    auto report = s.placements.Kpis(CallerOf(req, who), std::move(q).value());
    if (!report.ok()) return ProblemFor(req, report.status());
    return ReportResponse(req, *report, region, "placement-kpis");
  });
}

}  // namespace ozcc::api
