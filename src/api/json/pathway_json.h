// Care pathway documents (data/pathways/*.json, and the body of
// PUT /api/v1/pathways/{id}) ↔ core Pathway. The format is documented in
// data/README.md.
//
// Parsing is strict and reports every problem at once (data_file.h): a
// syntax error, an unknown field, a wrong JSON type, a missing required
// field, an unknown enum name, a duplicate key, a malformed "HH:MM", and then
// every ValidatePathway() finding (core/pathways.h) not already reported for
// the same field. Each FieldError names the JSON path and starts "line N: ".
//
// Pure functions; thread-safe; no I/O (the caller reads the file).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/complaints.h"
#include "core/pathways.h"

namespace ozcc::api {

// Parses and validates one pathway. With `known`, every entry complaint must
// be in it. On any error: kInvalid listing every error.
Result<Pathway> ParsePathwayFile(std::string_view text, const std::vector<Complaint>* known = nullptr);

// The document ParsePathwayFile reads back to an equal Pathway. Optional
// members are written only when set (partner, unit, the conditions).
nlohmann::json ToJson(const Pathway& p);
// One action: {"code","partner"?,"unit"?,"description":{"nl","en"},"rationale"}.
nlohmann::json ToJson(const PathwayAction& a);

}  // namespace ozcc::api
