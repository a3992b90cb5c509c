// Simulation scenarios (the file of `openzcc simulate --scenario`, the
// named scenarios in data/scenarios/) ↔ engine::simulate::Scenario, and the
// simulation's result as JSON. The language is documented in
// docs/simulation.md.
//
// Parsing is strict and reports every problem at once (data_file.h): a
// syntax error, an unknown field, a wrong JSON type, a missing required
// field, an unknown distribution, a duplicate key, and then every finding of
// Simulator::Build (a station that does not exist, probabilities above 1, …)
// not already reported for the same field. Each FieldError names the JSON
// path ("stations[0].service.mean_minutes") and its message starts
// "line N: ".
//
// Pure functions; thread-safe; no I/O (the caller reads the file).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/json/data_file.h"
#include "base/status.h"
#include "engine/simulate/simulator.h"

namespace ozcc::api {

// A parsed scenario that Simulator::Build accepts (its checks are run here
// too), with its optional descriptive members.
struct ScenarioFile {
  std::string name;         // optional "name"
  std::string description;  // optional "description": what it models and where its figures come from
  engine::simulate::Scenario scenario;
};

Result<ScenarioFile> ParseScenarioJson(std::string_view text);

// Reads the scenario at `path` of a document another reader is reading (the
// member "scenario" of a request body) into `out`, adding every shape and
// model error to `r` with its field prefixed by `path`
// ("scenario.stations[1].servers") and the line in that document.
void ReadScenarioJson(DataReader& r, const nlohmann::json& doc, const std::string& path, ScenarioFile& out);

// The document ParseScenarioJson reads back to an equal scenario (members at
// their defaults are left out: warmup_hours 0, an empty profile or next).
nlohmann::ordered_json ToJson(const ScenarioFile& s);

// The wire names of the service distributions.
const char* ToString(engine::simulate::Dist d);

// {"stations": {NAME: {"wait_probability": {"mean", "ci95": [lo, hi]},
// "mean_wait_minutes", "utilisation", "arrival_rate_per_hour"}, …},
// "events", "wall_seconds", "replications", "seed"}: stations keyed by name
// in the scenario's order; "ci95" is null with one replication.
nlohmann::ordered_json ToJson(const engine::simulate::SimulationResult& r, double wall_seconds);

}  // namespace ozcc::api
