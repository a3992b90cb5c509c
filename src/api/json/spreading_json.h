// Spreading instances (the file of `openzcc spread --input`) ↔
// engine::spreading::Instance, and the optimiser's plan as JSON. Both
// formats are documented in docs/spreading.md.
//
// Parsing is strict and reports every problem at once (data_file.h): a
// syntax error, an unknown field, a wrong JSON type, a missing required
// field, a duplicate key, an unknown care type, a travel time naming an
// unknown patient or hospital, a pin or forbid naming one, and then every finding of Spreader::Build
// (duplicate ids, coordinates or policy numbers out of range, …) not
// already reported for the same field. Each FieldError names the JSON path
// ("hospitals[3].capacity.ic.staffed", "travel_minutes.P7.H2") and its
// message starts "line N: ".
//
// Pure functions; thread-safe; no I/O (the caller reads the file).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/json/data_file.h"
#include "base/status.h"
#include "engine/spreading/spreader.h"

namespace ozcc::api {

Result<engine::spreading::Instance> ParseSpreadingInstanceJson(std::string_view text);

// Pieces the plans API's bodies share with the instance file: a care type's
// wire name ("ic", "ward"; nullopt otherwise), and the `policy` member
// (unknown fields refused, defaults kept for absent ones).
std::optional<engine::spreading::CareType> ParseSpreadingCareType(std::string_view s);
void ReadSpreadingPolicy(DataReader& r, const nlohmann::json& v, engine::spreading::Policy& pol);

// {"status": "optimal", "total_cost", "solve_ms", "assignments": [{"patient",
// "hospital" (null when unplaced), "care_type", "travel", "load",
// "outside_region", "cost", "unplaced_reason" (only when unplaced:
// "no_open_place" or "cheaper_unplaced")}], "left_out": [{"hospital",
// "care_type", "reason": "stale"}], "open_places": [{"hospital",
// "care_type", "open", "reserve"}]}; numbers at full precision.
nlohmann::ordered_json ToJson(const engine::spreading::Instance& in, const engine::spreading::Plan& plan,
                              double solve_ms);

}  // namespace ozcc::api
