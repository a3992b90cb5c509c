// JSON of the pathway routes (service/pathway_service.h): a stored version,
// the versions list, a case's proposal with live capacity, and the body of
// POST /api/v1/cases/{id}/pathway. The pathway document itself is
// pathway_json.h's.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"
#include "service/pathway_service.h"

namespace ozcc::api {

// A pathway version: the document (pathway_json.h ToJson) plus created_by and created_at.
nlohmann::json ToJson(const service::PathwayVersion& v);
// A line of GET /api/v1/pathways/{id}/versions: {version, created_by, created_at}.
nlohmann::json VersionLineJson(const service::PathwayVersion& v);
nlohmann::json ToJson(const service::CapacityRow& r);
nlohmann::json ToJson(const service::ProposalView& v);

// {"pathway_id", "pathway_version", "action"} or {"pathway_id",
// "pathway_version", "deviation_reason"}: strict, every problem named.
Result<service::PathwayChoice> ParsePathwayChoice(std::string_view body);
// A PUT body: a JSON object (ParseJsonObject: syntax, UTF-8, depth) that
// ParsePathwayFile accepts against `known`.
Result<Pathway> ParsePathwayBody(std::string_view body, const std::vector<Complaint>& known);

}  // namespace ozcc::api
