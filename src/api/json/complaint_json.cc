#include "api/json/complaint_json.h"

#include <set>
#include <string>
#include <utility>

#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

Result<std::vector<Complaint>> ParseComplaintsFile(std::string_view text) {
  Result<json> parsed = ParseDataJson(text, "complaints file");
  if (!parsed.ok()) return parsed.status();
  const json& doc = parsed.value();
  PathLines lines(text);
  DataReader r(lines);
  std::vector<Complaint> list;
  if (r.Object(doc, "", {"description", "source", "complaints"})) {
    std::string ignored;
    r.String(doc, "", "description", false, ignored);
    r.String(doc, "", "source", false, ignored);
    if (const json* arr = r.Array(doc, "", "complaints")) {
      for (size_t i = 0; i < arr->size(); ++i) {
        const json& v = (*arr)[i];
        const std::string p = IndexPath("complaints", i);
        Complaint c;
        if (r.Object(v, p, {"code", "nl", "en", "synonyms"})) {
          r.String(v, p, "code", true, c.code);
          r.String(v, p, "nl", true, c.name_nl);
          r.String(v, p, "en", true, c.name_en);
          r.StringArray(v, p, "synonyms", false, c.synonyms);
        }
        list.push_back(std::move(c));
      }
    }
  }
  std::set<std::string> shape_fields;
  for (const FieldError& e : r.errors()) shape_fields.insert(e.field);
  for (const FieldError& e : ValidateComplaints(list)) {
    if (!CoveredBy(shape_fields, e.field)) r.Error(e.field, e.message);
  }
  if (!r.errors().empty()) {
    size_t n = r.errors().size();
    return Status::Invalid("complaints file has " + std::to_string(n) + (n == 1 ? " error" : " errors"),
                           std::move(r.errors()));
  }
  return list;
}

json ToJson(const Complaint& c) {
  return {{"code", c.code}, {"nl", c.name_nl}, {"en", c.name_en}, {"synonyms", c.synonyms}};
}

}  // namespace ozcc::api
