// GET /api/v1/regions, GET /api/v1/regions/{region_id}, and the region's
// declared phase: GET and PUT /api/v1/regions/{region_id}/phase.
#include "api/internal.h"
#include "api/json/phase_json.h"

namespace ozcc::api {

using nlohmann::json;

json RegionJson(const Region& r) {
  json subs = json::array();
  for (const auto& s : r.subregions) subs.push_back({{"id", s.id}, {"name", s.name}});
  return {{"id", r.id}, {"name", r.name}, {"subregions", subs}};
}

namespace {

http::Response PhaseResponse(const Result<service::PhaseView>& v, const http::Request& req) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = Json(200, ToJson(*v));
  resp.Set("ETag", "\"" + std::to_string(v->current.version) + "\"");
  return resp;
}

}  // namespace

void PhasePublisher::PhaseDeclared(const PhaseChange& c) {
  events_.Publish(c.declaration.region_id, c.region_version, "phase", PhaseEventJson(c).dump());
}

void RegisterRegionRoutes(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/regions", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto regions = s.regions.Regions(CallerOf(req, who));
    if (!regions.ok()) return ProblemFor(req, regions.status());
    json out = json::array();
    for (const auto& region : *regions) out.push_back(RegionJson(region));
    return Json(200, out);
  });

  r.Add("GET", "/api/v1/regions/{region_id}", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    const std::string& id = req.params["region_id"];
    auto data = s.regions.Tree(CallerOf(req, who), id);
    if (!data.ok()) return ProblemFor(req, data.status());
    json orgs = json::array(), locs = json::array(), units = json::array();
    for (const auto& o : data->organizations) {
      orgs.push_back({{"id", o.id}, {"name", o.name}, {"type", ToString(o.type)}, {"subregion_id", o.subregion_id}});
    }
    for (const auto& l : data->locations) {
      locs.push_back({{"id", l.id},
                      {"organization_id", l.organization_id},
                      {"name", l.name},
                      {"address", l.address},
                      {"city", l.city},
                      {"lat", l.lat},
                      {"lon", l.lon}});
    }
    for (const auto& u : data->units) {
      units.push_back({{"id", u.id},
                       {"organization_id", u.organization_id},
                       {"location_id", u.location_id},
                       {"type", ToString(u.type)},
                       {"specialism", u.specialism},
                       {"name", u.name},
                       {"expected_interval_s", u.expected_interval_s}});
    }
    return Json(200, {{"region", RegionJson(data->region)},
                      {"demo_values", data->demo_values},
                      {"organizations", orgs},
                      {"locations", locs},
                      {"units", units}});
  });

  r.Add("GET", "/api/v1/regions/{region_id}/phase", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return PhaseResponse(s.phases.Get(CallerOf(req, who), req.params["region_id"]), req);
  });
  r.Add("PUT", "/api/v1/regions/{region_id}/phase", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseNewPhase(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return PhaseResponse(s.phases.Declare(CallerOf(req, who), req.params["region_id"], IfMatch(req, false, 0), *in),
                         req);
  });
}

}  // namespace ozcc::api
