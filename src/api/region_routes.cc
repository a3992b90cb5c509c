// GET /api/v1/regions, GET /api/v1/regions/{region_id}.
#include "api/internal.h"

namespace ozcc::api {

using nlohmann::json;

json RegionJson(const Region& r) {
  json subs = json::array();
  for (const auto& s : r.subregions) subs.push_back({{"id", s.id}, {"name", s.name}});
  return {{"id", r.id}, {"name", r.name}, {"subregions", subs}};
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
}

}  // namespace ozcc::api
