// JSON ↔ capacity types. Parsing is strict: unknown fields, wrong types,
// non-integers, out-of-range numbers are errors naming the field; it checks
// shape only — the domain rules are core/validate.h.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/types.h"

namespace ozcc::api {

// "a string", "an integer", "a decimal number" …: for error messages.
const char* JsonTypeName(const nlohmann::json& v);

// A JSON number that is a whole number within int64: 20 and 20.0 (JSON
// Schema's "integer"), not 20.5, "20" or 1e300; else nullopt with `why` set
// ("must be a whole number, not a decimal", "is out of range", "must be an
// integer, not string").
std::optional<std::int64_t> WholeNumber(const nlohmann::json& v, std::string* why);
// "line L, column C" of the parser's 1-based byte position in `text`.
std::string JsonPosition(std::string_view text, std::size_t byte);
// What a parse error's message says went wrong, in a few plain words.
std::string JsonSyntaxReason(std::string_view message);

// Parses request text into JSON, rejecting invalid UTF-8, duplicate keys,
// U+0000 in keys and strings, nesting deeper than 32 and bodies that are
// not a JSON object. A syntax error is kInvalid with errors [{"body",
// "line L, column C: what went wrong"}], in our words, not the library's.
// Integer fields accept a JSON number with no fraction (20.0 is 20).
Result<nlohmann::json> ParseJsonObject(std::string_view text);

// One capacity body {"as_of","beds":{…},"ed":{…},"note"} for unit_id.
// Field names in errors get `prefix` ("items[3].").
Result<CapacityInput> ParseCapacityInput(const nlohmann::json& body, std::string unit_id,
                                         const std::string& prefix = "");

// {"items":[{"unit_id", …capacity body…}, …]}; at most `max_items`.
Result<std::vector<CapacityInput>> ParseCapacityBatch(const nlohmann::json& body, size_t max_items = 5000);

nlohmann::json ToJson(const Beds& b);
nlohmann::json ToJson(const EdState& e);
// Stored report: {"unit_id","as_of","received_at","source","beds","ed","note","version"}.
nlohmann::json ToJson(const CapacityReport& r);

}  // namespace ozcc::api
