#include "api/json/phase_json.h"

#include <string>

#include "api/json/capacity_json.h"  // ParseJsonObject
#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

Result<NewPhase> ParseNewPhase(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  NewPhase in;
  r.Object(d, "", {"phase", "rationale", "transfer_approval"});
  r.String(d, "", "phase", true, in.phase);
  r.String(d, "", "rationale", true, in.rationale);
  bool approval = false;
  if (r.Bool(d, "", "transfer_approval", false, approval)) in.transfer_approval = approval;
  if (!r.errors().empty()) return Status::Invalid("the declaration has invalid fields; nothing was stored", r.errors());
  return in;
}

json ToJson(const PhaseDeclaration& d) {
  return {{"phase", ToString(d.phase)},
          {"transfer_approval", d.transfer_approval},
          {"rationale", d.rationale},
          {"declared_by", d.declared_by},
          {"declared_at", d.declared_at ? json(FormatRfc3339(*d.declared_at)) : json(nullptr)},
          {"version", d.version}};
}

json ToJson(const service::PhaseView& v) {
  json out = ToJson(v.current);
  out["region_id"] = v.current.region_id;
  json history = json::array();
  for (const PhaseDeclaration& d : v.history) history.push_back(ToJson(d));
  out["history"] = std::move(history);
  return out;
}

json PhaseEventJson(const PhaseChange& c) {
  const PhaseDeclaration& d = c.declaration;
  return {{"region_id", d.region_id},
          {"phase", ToString(d.phase)},
          {"transfer_approval", d.transfer_approval},
          {"version", d.version},
          {"at", d.declared_at ? json(FormatRfc3339(*d.declared_at)) : json(nullptr)}};
}

}  // namespace ozcc::api
