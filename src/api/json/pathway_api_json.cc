#include "api/json/pathway_api_json.h"

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "api/json/capacity_json.h"  // ParseJsonObject
#include "api/json/data_file.h"
#include "api/json/pathway_json.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

json OptTime(const std::optional<Time>& t) { return t ? json(FormatRfc3339(*t)) : json(nullptr); }
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json FactsJson(const CaseFacts& f) {
  json known = nullptr;
  if (f.known_care) {
    known = json::array();
    for (KnownCare k : *f.known_care) known.push_back(ToString(k));
  }
  return {{"complaint", OrNull(f.complaint)},
          {"urgency", f.urgency ? json(ToString(*f.urgency)) : json(nullptr)},
          {"age_years", f.age_years ? json(*f.age_years) : json(nullptr)},
          {"living", f.living ? json(ToString(*f.living)) : json(nullptr)},
          {"local_time", f.minute_of_day ? json(FormatMinuteOfDay(*f.minute_of_day)) : json(nullptr)},
          {"known_care", std::move(known)}};
}

}  // namespace

json ToJson(const service::PathwayVersion& v) {
  json j = ToJson(v.pathway);
  j["created_by"] = v.created_by;
  j["created_at"] = FormatRfc3339(v.created_at);
  return j;
}

json VersionLineJson(const service::PathwayVersion& v) {
  return {{"version", v.pathway.version},
          {"created_by", v.created_by},
          {"created_at", FormatRfc3339(v.created_at)},
          {"name", {{"nl", v.pathway.name.nl}, {"en", v.pathway.name.en}}}};
}

json ToJson(const service::CapacityRow& r) {
  json beds = nullptr;
  if (r.beds) {
    beds = {{"total", r.beds->total},
            {"staffed", r.beds->staffed},
            {"occupied", r.beds->occupied},
            {"available", r.beds->available}};
  }
  json distance = nullptr;
  if (r.distance_km) distance = std::round(*r.distance_km * 10) / 10;  // 100 m is precise enough
  return {{"organization_id", r.organization_id},
          {"organization_name", r.organization_name},
          {"unit_id", OrNull(r.unit_id)},
          {"unit_name", OrNull(r.unit_name)},
          {"unit_type", r.unit_type ? json(ToString(*r.unit_type)) : json(nullptr)},
          {"beds", std::move(beds)},
          {"reported_at", OptTime(r.reported_at)},
          {"age_s", r.age_s ? json(*r.age_s) : json(nullptr)},
          {"stale", r.stale},
          {"distance_km", std::move(distance)}};
}

json ToJson(const service::ProposalView& v) {
  json pathways = json::array();
  for (const auto& p : v.pathways) {
    json actions = json::array();
    for (const auto& a : p.actions) {
      json j = ToJson(a.action);
      json rows = json::array();
      for (const auto& r : a.capacity) rows.push_back(ToJson(r));
      j["capacity"] = std::move(rows);
      actions.push_back(std::move(j));
    }
    const Proposal& pr = p.proposal;
    pathways.push_back({{"id", pr.pathway_id},
                        {"version", pr.pathway_version},
                        {"name", {{"nl", pr.pathway_name.nl}, {"en", pr.pathway_name.en}}},
                        {"unchecked", pr.unchecked},
                        {"fallback", pr.fallback},
                        {"source", pr.source},
                        {"rationale", pr.rationale},
                        {"actions", std::move(actions)}});
  }
  json decided = nullptr;
  if (v.decided) {
    decided = {{"id", v.decided->pathway_id},
               {"version", v.decided->pathway_version},
               {"action", OrNull(v.decided->action_code)},
               {"deviation_reason", OrNull(v.decided->deviation_reason)}};
  }
  return {{"case_id", v.case_id},
          {"case_version", v.case_version},
          {"now", FormatRfc3339(v.now)},
          {"facts", FactsJson(v.facts)},
          {"origin_organization_id", OrNull(v.origin_organization_id)},
          {"decided", std::move(decided)},
          {"pathways", std::move(pathways)}};
}

Result<service::PathwayChoice> ParsePathwayChoice(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  service::PathwayChoice c;
  r.Object(d, "", {"pathway_id", "pathway_version", "action", "deviation_reason"});
  r.String(d, "", "pathway_id", true, c.pathway_id);
  std::int64_t version = 0;
  if (r.Integer(d, "", "pathway_version", true, version)) {
    if (version < 1 || version > 1000000) {
      r.Error("pathway_version", "must be 1 to 1000000");
    } else {
      c.pathway_version = static_cast<int>(version);
    }
  }
  r.String(d, "", "action", false, c.action);
  r.String(d, "", "deviation_reason", false, c.deviation_reason);
  if (r.errors().empty()) {
    const bool has_action = d.contains("action");
    const bool has_reason = d.contains("deviation_reason");
    if (has_action == has_reason) {
      r.Error(has_action ? "deviation_reason" : "action",
              "give either the action taken (\"action\") or the reason to deviate (\"deviation_reason\")");
    }
  }
  if (!r.errors().empty()) {
    return Status::Invalid("the pathway decision has invalid fields; nothing was stored", r.errors());
  }
  return c;
}

Result<Pathway> ParsePathwayBody(std::string_view body, const std::vector<Complaint>& known) {
  auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  return ParsePathwayFile(body, &known);
}

}  // namespace ozcc::api
