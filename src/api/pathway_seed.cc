#include "api/pathway_seed.h"

#include <string>
#include <utility>

#include "api/json/pathway_json.h"

namespace ozcc::api {

Result<std::vector<Pathway>> ParseShippedPathways(const std::vector<Complaint>& known) {
  return ParsePathwayFiles(ShippedPathwayFiles(), known);
}

Result<std::vector<Pathway>> ParsePathwayFiles(const std::vector<ShippedFile>& files,
                                               const std::vector<Complaint>& known) {
  std::vector<Pathway> out;
  std::vector<FieldError> errors;
  for (const ShippedFile& f : files) {
    auto p = ParsePathwayFile(f.text, &known);
    if (!p.ok()) {
      const Status st = p.status();
      for (const FieldError& e : st.errors()) errors.push_back({std::string(f.name) + ": " + e.field, e.message});
      if (st.errors().empty()) errors.push_back({std::string(f.name), st.message()});
      continue;
    }
    if (std::string(f.name) != p->id + ".json") {
      errors.push_back({std::string(f.name) + ": id", "must be the file's name without .json, not " + p->id});
    }
    out.push_back(std::move(p).value());
  }
  if (!errors.empty()) {
    std::string message = "data/pathways is not valid: " + errors.front().field + ": " + errors.front().message;
    return Status::Invalid(std::move(message), std::move(errors));
  }
  return out;
}

service::PathwayCodec PathwayJsonCodec() {
  service::PathwayCodec c;
  c.encode = [](const Pathway& p) { return ToJson(p).dump(); };
  // Not against the complaint list: a stored version is history and reads
  // back even when a code it used was dropped since; new versions are
  // checked by the service.
  c.decode = [](std::string_view text) { return ParsePathwayFile(text, nullptr); };
  return c;
}

}  // namespace ozcc::api
