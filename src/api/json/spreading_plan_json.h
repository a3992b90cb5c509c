// Spreading plans through the API (docs/spreading.md, "Plans through the
// API"): the request bodies, the plan resource, the list summary, the live
// event, and the stored document (service::SpreadingCodec) both ways.
//
// Parsing is strict (data_file.h): unknown fields, wrong JSON types, missing
// required fields and unknown care types are kBadRequest, every problem at
// once, each naming its JSON path ("patients[2].needs"). Pure functions;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "service/spreading_service.h"
#include "store/spreading_store.h"

namespace ozcc::api {

// POST /api/v1/spreading/plans.
Result<service::SpreadingRequest> ParseSpreadingRequest(std::string_view text);

// POST /api/v1/spreading/plans/{id}/solve: each list replaces the stored one
// when present. An empty body is an empty object.
struct SpreadingSolveBody {
  std::optional<std::vector<service::SpreadConstraint>> pins, forbids;
};
Result<SpreadingSolveBody> ParseSpreadingSolve(std::string_view text);

nlohmann::ordered_json ToJson(const service::SpreadingPlanView& v);
nlohmann::ordered_json SummaryJson(const SpreadingPlanRecord& p);
nlohmann::ordered_json SpreadingEventJson(const SpreadingChange& c);

// The stored document: every field at full precision, read back exactly.
std::string EncodeSpreadingDocument(const service::SpreadingDocument& d);
Result<service::SpreadingDocument> DecodeSpreadingDocument(std::string_view text);
service::SpreadingCodec SpreadingJsonCodec();

}  // namespace ozcc::api
