#include "api/json/transfer_json.h"

#include <string>
#include <utility>

#include "api/json/capacity_json.h"  // ParseJsonObject
#include "api/json/case_json.h"      // ReadPatient
#include "api/json/data_file.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

json OptTime(const std::optional<Time>& t) { return t ? json(FormatRfc3339(*t)) : json(nullptr); }
json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

const std::string& StateNames() {
  static const std::string names =
      EnumNames({TransferState::kRequested, TransferState::kAccepted, TransferState::kDeclined, TransferState::kPlanned,
                 TransferState::kEnRoute, TransferState::kArrived, TransferState::kCancelled},
                [](TransferState s) { return ToString(s); });
  return names;
}

std::optional<Time> ReadTime(DataReader& r, const json& d, const char* key) {
  std::string text;
  if (!r.String(d, "", key, false, text)) return std::nullopt;
  auto t = ParseRfc3339(text);
  if (!t) r.Error(key, "must be an RFC 3339 time with a zone (2026-12-05T03:12:00Z)");
  return t;
}

}  // namespace

Result<NewTransferBody> ParseNewTransfer(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  NewTransferBody out;
  NewTransfer& in = out.transfer;
  r.Object(d, "",
           {"region_id", "from_organization_id", "from_unit_id", "to_organization_id", "to_unit_id", "care_type",
            "reason", "case_id", "planned_at", "patient"});
  r.String(d, "", "region_id", false, in.region_id);
  r.String(d, "", "from_organization_id", true, in.from_organization_id);
  r.String(d, "", "from_unit_id", true, in.from_unit_id);
  r.String(d, "", "to_organization_id", true, in.to_organization_id);
  r.String(d, "", "to_unit_id", true, in.to_unit_id);
  r.String(d, "", "care_type", true, in.care_type);
  r.String(d, "", "reason", true, in.reason);
  r.String(d, "", "case_id", false, in.case_id);
  in.planned_at = ReadTime(r, d, "planned_at");
  ReadPatient(r, d, out.patient);
  if (!r.errors().empty()) return Status::Invalid("the transfer has invalid fields; nothing was stored", r.errors());
  return out;
}

Result<service::TransferStepInput> ParseTransferStep(std::string_view text) {
  auto parsed = ParseJsonObject(text);
  if (!parsed.ok()) return parsed.status();
  const json& d = *parsed;
  PathLines lines(text);
  DataReader r(lines);
  service::TransferStepInput in;
  r.Object(d, "", {"to", "reason", "at", "planned_at"});
  if (auto to = ReadEnum<TransferState>(r, d, "", "to", true, ParseTransferState, "state", StateNames())) {
    in.to = *to;
  }
  r.String(d, "", "reason", false, in.reason);
  in.at = ReadTime(r, d, "at");
  in.planned_at = ReadTime(r, d, "planned_at");
  if (!r.errors().empty()) return Status::Invalid("the step has invalid fields; nothing was stored", r.errors());
  return in;
}

json ToJson(const Transfer& t) {
  return {{"id", t.id},
          {"region_id", t.region_id},
          {"from_organization_id", t.from_organization_id},
          {"from_unit_id", t.from_unit_id},
          {"to_organization_id", t.to_organization_id},
          {"to_unit_id", t.to_unit_id},
          {"care_type", ToString(t.care_type)},
          {"reason", t.reason},
          {"case_id", OrNull(t.case_id)},
          {"has_patient", t.has_patient},
          {"state", ToString(t.state)},
          {"planned_at", OptTime(t.planned_at)},
          {"created_by", t.created_by},
          {"requested_at", FormatRfc3339(t.requested_at)},
          {"updated_at", FormatRfc3339(t.updated_at)},
          {"answered_at", OptTime(t.answered_at)},
          {"departed_at", OptTime(t.departed_at)},
          {"ended_at", OptTime(t.ended_at)},
          {"approval", ToString(t.approval)},
          {"approved_by", t.approved_by},
          {"approved_at", OptTime(t.approved_at)},
          {"version", t.version}};
}

json ToJson(const TransferEvent& e) {
  return {{"state", ToString(e.state)},
          {"at", FormatRfc3339(e.at)},
          {"actor", e.actor},
          {"organization_id", OrNull(e.organization_id)},
          {"reason", OrNull(e.reason)}};
}

json ToJson(const service::TransferView& v) {
  json j = ToJson(v.transfer);
  json timeline = json::array();
  for (const auto& e : v.timeline) timeline.push_back(ToJson(e));
  j["timeline"] = std::move(timeline);
  json notes = json::array();
  for (const auto& n : v.notes) notes.push_back(n);
  j["notes"] = std::move(notes);
  json reports = json::array();
  for (const auto& r : v.reports) {
    json beds = nullptr;
    if (r.beds) {
      beds = {{"total", r.beds->total},
              {"staffed", r.beds->staffed},
              {"occupied", r.beds->occupied},
              {"available", r.beds->available}};
    }
    reports.push_back({{"unit_id", r.unit_id},
                       {"as_of", FormatRfc3339(r.as_of)},
                       {"source", ToString(r.source)},
                       {"beds", std::move(beds)},
                       {"version", r.version}});
  }
  j["capacity_reports"] = std::move(reports);
  return j;
}

json TransferEventJson(const TransferChange& c) {
  const Transfer& t = c.transfer;
  const bool alert = c.state == TransferState::kRequested || c.state == TransferState::kEnRoute;
  return {{"transfer_id", t.id},
          {"state", ToString(c.state)},
          {"at", FormatRfc3339(c.at)},
          {"from_organization_id", t.from_organization_id},
          {"from_unit_id", t.from_unit_id},
          {"to_organization_id", t.to_organization_id},
          {"to_unit_id", t.to_unit_id},
          {"care_type", ToString(t.care_type)},
          {"requested_at", FormatRfc3339(t.requested_at)},
          {"planned_at", OptTime(t.planned_at)},
          {"answered_at", OptTime(t.answered_at)},
          {"departed_at", OptTime(t.departed_at)},
          {"ended_at", OptTime(t.ended_at)},
          {"version", t.version},
          {"approval", ToString(t.approval)},
          {"alert", alert},
          {"alert_organization_id", alert ? json(t.to_organization_id) : json(nullptr)}};
}

}  // namespace ozcc::api
