// The shipped care pathways (data/pathways/*.json), embedded at build time
// (cmake/embed_pathways.cmake), and the codec the pathway service stores
// them with.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/complaints.h"
#include "core/pathways.h"
#include "service/pathway_service.h"

namespace ozcc::api {

struct ShippedFile {
  std::string_view name;  // "catheter-care.json"
  std::string_view text;
};

// Every file of data/pathways, by name.
const std::vector<ShippedFile>& ShippedPathwayFiles();

// Parses every shipped file against `known`. kInvalid naming the file and
// each field ("catheter-care.json: actions[0].partner") when one is broken.
Result<std::vector<Pathway>> ParseShippedPathways(const std::vector<Complaint>& known);
// The same for any files (each one's id must be its name without ".json").
Result<std::vector<Pathway>> ParsePathwayFiles(const std::vector<ShippedFile>& files,
                                               const std::vector<Complaint>& known);

// The stored form: the document of api/json/pathway_json.h.
service::PathwayCodec PathwayJsonCodec();

}  // namespace ozcc::api
