// What-if simulation in the product (docs/simulation.md, "In the product"):
// GET /api/v1/regions/{region_id}/scenario, POST /api/v1/simulations,
// GET /api/v1/simulations/{id}, POST /api/v1/simulations/{id}/cancel,
// GET /api/v1/simulations?region=. Parses the
// body (strictly: every error at once, each naming its field, the scenario's
// as "scenario.…"), calls SimulationService, maps runs to JSON (the shapes
// are in docs/openapi.json).
#include "api/internal.h"
#include "api/json/capacity_json.h"
#include "api/json/data_file.h"
#include "api/json/scenario_json.h"

namespace ozcc::api {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A stored scenario's member with what pathway routing decided (not part of
// the scenario language: it is taken out before the scenario is read).
constexpr const char* kPathwayRoutes = "pathway_routes";

// The body of POST /api/v1/simulations. `pathways`: the current pathway set,
// asked for only when the scenario has "pathway_routing" (its rules are then
// stored as the scenario's own, so the run does not depend on later edits).
Result<service::SimulationStart> ParseSimulationStart(std::string_view text,
                                                      const std::function<Result<std::vector<Pathway>>()>& pathways) {
  Result<json> parsed = ParseJsonObject(text);  // UTF-8, duplicate keys, depth, an object
  if (!parsed.ok()) return Status::BadRequest(parsed.status().message(), parsed.status().errors());
  const json& doc = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  service::SimulationStart out;
  ScenarioFile file;
  if (r.Object(doc, "", {"region_id", "name", "scenario", "replications", "seed"})) {
    r.String(doc, "", "region_id", true, out.region_id);
    r.String(doc, "", "name", false, out.name);
    std::int64_t replications = 10;
    if (doc.contains("replications") && doc["replications"].is_number_integer()) {
      // Out of the reader's integer range: still an integer, named by its range.
      const auto& v = doc["replications"];
      replications = v.is_number_unsigned() && v.get<std::uint64_t>() > 1000 ? 1001 : v.get<std::int64_t>();
    } else {
      r.Integer(doc, "", "replications", false, replications);
    }
    out.replications = replications < 0 || replications > 1000 ? 0 : static_cast<int>(replications);
    if (doc.contains("seed") && doc["seed"].is_number_integer()) {
      const auto& v = doc["seed"];
      out.seed = v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(service::SimulationService::kMaxSeed)
                     ? -1
                     : v.get<std::int64_t>();
    } else if (doc.contains("seed")) {
      std::int64_t ignored = 0;
      r.Integer(doc, "", "seed", false, ignored);  // names the wrong type
    }
    if (const json* scenario = r.Member(doc, "", "scenario", true)) {
      std::vector<Pathway> set;
      const bool wants_pathways = scenario->is_object() && scenario->contains("pathway_routing");
      if (wants_pathways) {
        auto loaded = pathways();
        if (!loaded.ok()) return loaded.status();
        set = std::move(loaded).value();
      }
      ReadScenarioJson(r, *scenario, "scenario", file, wants_pathways ? &set : nullptr);
    }
  }
  // The service's range checks, so that every error comes at once.
  if (doc.is_object()) {
    if (doc.contains("replications") && doc["replications"].is_number_integer() &&
        (out.replications < 1 || out.replications > service::SimulationService::kMaxReplications)) {
      r.Error("replications",
              "must be an integer 1 to " + std::to_string(service::SimulationService::kMaxReplications));
    }
    if (doc.contains("seed") && doc["seed"].is_number_integer() &&
        (out.seed < 0 || out.seed > service::SimulationService::kMaxSeed)) {
      r.Error("seed", "must be an integer 0 to " + std::to_string(service::SimulationService::kMaxSeed));
    }
  }
  if (!r.errors().empty()) {
    return Status::BadRequest("the simulation request has invalid fields; nothing was stored", r.errors());
  }
  out.scenario = file.scenario;
  // What the pathways decided per class goes with the stored scenario, for
  // the result (SimulationJsonCodec); the expanded rules are the scenario's own.
  ordered_json stored = ToJson(file);
  if (!file.pathway_routes.empty()) stored[kPathwayRoutes] = ToJson(file.pathway_routes);
  out.scenario_json = stored.dump();
  return out;
}

json RunJson(const StoredSimulation& run, bool full) {
  json j = {{"id", run.id},
            {"region_id", run.region_id},
            {"name", run.name},
            {"state", run.state},
            {"replications", run.replications},
            {"replications_done", run.replications_done},
            {"seed", run.seed},
            {"created_at", FormatRfc3339(run.created_at)},
            {"created_by", run.created_by}};
  if (run.started_at) j["started_at"] = FormatRfc3339(*run.started_at);
  if (run.finished_at) j["finished_at"] = FormatRfc3339(*run.finished_at);
  if (!run.error.empty()) j["error"] = run.error;
  if (full) {
    j["scenario"] = json::parse(run.scenario, nullptr, false);
    if (j["scenario"].is_object()) j["scenario"].erase(kPathwayRoutes);  // reported with the result
    if (!run.result.empty()) j["result"] = json::parse(run.result, nullptr, false);
  }
  return j;
}

ordered_json RegionScenarioJson(const service::RegionScenario& rs) {
  ScenarioFile file;
  file.name = rs.name;
  file.description = rs.description;
  file.scenario = rs.scenario;
  ordered_json stations = ordered_json::array();
  for (const auto& st : rs.stations) {
    ordered_json meta = {{"name", st.name}, {"unit_id", st.unit_id}, {"kind", st.kind}, {"stale", st.stale}};
    if (!st.unit_type.empty()) meta["unit_type"] = st.unit_type;
    stations.push_back(std::move(meta));
  }
  ordered_json j;
  j["region_id"] = rs.region_id;
  j["as_of"] = FormatRfc3339(rs.as_of);
  j["scenario"] = ToJson(file);
  // Those members the UI edits are always present, even at their defaults.
  j["scenario"]["start_hour_of_week"] = rs.scenario.start_hour_of_week;
  for (size_t i = 0; i < rs.scenario.stations.size(); ++i) {
    j["scenario"]["stations"][i]["initial_in_service"] = rs.scenario.stations[i].initial_in_service;
    j["scenario"]["stations"][i]["initial_waiting"] = rs.scenario.stations[i].initial_waiting;
  }
  j["stations"] = std::move(stations);
  j["notes"] = rs.notes;
  return j;
}

}  // namespace

service::SimulationCodec SimulationJsonCodec() {
  service::SimulationCodec c;
  c.decode_scenario = [](std::string_view text) -> Result<engine::simulate::Scenario> {
    ordered_json doc = ordered_json::parse(text, nullptr, false);
    const bool routed = doc.is_object() && doc.contains(kPathwayRoutes);
    if (routed) doc.erase(kPathwayRoutes);
    auto f = routed ? ParseScenarioJson(doc.dump()) : ParseScenarioJson(text);
    if (!f.ok()) return f.status();
    return std::move(f->scenario);
  };
  // The result as the command writes it, with the stored pathway routes.
  c.encode_result = [](const engine::simulate::SimulationResult& r, double wall, std::string_view scenario) {
    ordered_json j = ToJson(r, wall);
    const ordered_json stored = ordered_json::parse(scenario, nullptr, false);
    if (stored.is_object() && stored.contains(kPathwayRoutes)) j[kPathwayRoutes] = stored[kPathwayRoutes];
    return j.dump();
  };
  return c;
}

void RegisterSimulationRoutes(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/regions/{region_id}/scenario", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto rs = s.simulations.ForRegion(CallerOf(req, who), req.params["region_id"], Now());
    if (!rs.ok()) return ProblemFor(req, rs.status());
    http::Response resp;
    resp.status = 200;
    resp.Set("Content-Type", "application/json");
    resp.Set("Cache-Control", "no-store");
    resp.body = RegionScenarioJson(*rs).dump();
    return resp;
  });
  r.Add("POST", "/api/v1/simulations", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto start = ParseSimulationStart(req.body, [&]() -> Result<std::vector<Pathway>> {
      auto current = s.pathways.List(CallerOf(req, who));
      if (!current.ok()) return current.status();
      std::vector<Pathway> set;
      for (auto& v : *current) set.push_back(std::move(v.pathway));
      return set;
    });
    if (!start.ok()) return ProblemFor(req, start.status());
    auto run = s.simulations.Start(CallerOf(req, who), std::move(start).value());
    if (!run.ok()) {
      Status st = run.status();
      if (st.code() == Code::kInvalid) st = Status::BadRequest(st.message(), st.errors());
      http::Response resp = ProblemFor(req, st);
      if (st.code() == Code::kUnavailable) resp.Set("Retry-After", "30");
      return resp;
    }
    http::Response resp = Json(202, RunJson(*run, false));
    resp.Set("Location", PublicBase(s, req) + "/api/v1/simulations/" + run->id);
    return resp;
  });
  r.Add("GET", "/api/v1/simulations/{id}", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto run = s.simulations.Get(CallerOf(req, who), req.params["id"], Now());
    if (!run.ok()) return ProblemFor(req, run.status());
    return Json(200, RunJson(*run, true));
  });
  r.Add("POST", "/api/v1/simulations/{id}/cancel", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto run = s.simulations.Cancel(CallerOf(req, who), req.params["id"], Now());
    if (!run.ok()) return ProblemFor(req, run.status());
    return Json(200, RunJson(*run, true));
  });
  r.Add("GET", "/api/v1/simulations", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto region = RegionParam(req, who);
    if (!region.ok()) return ProblemFor(req, region.status());
    auto runs = s.simulations.List(CallerOf(req, who), *region, Now());
    if (!runs.ok()) return ProblemFor(req, runs.status());
    json items = json::array();
    for (const auto& run : *runs) items.push_back(RunJson(run, false));
    return Json(200, {{"items", std::move(items)}});
  });
}

}  // namespace ozcc::api
