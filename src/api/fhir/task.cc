#include "api/fhir/task.h"

#include <charconv>

#include "api/fhir/fhir.h"
#include "base/time.h"

namespace ozcc::api::fhir {

using nlohmann::json;

namespace {

json Concept(std::string_view system, std::string_view code, std::string_view text) {
  return {{"coding", json::array({Coding(system, code)})}, {"text", text}};
}

// The latest moment the handover changed.
Time LastModified(const Handover& h) {
  Time t = h.requested_at;
  if (h.answered_at && *h.answered_at > t) t = *h.answered_at;
  if (h.ended_at && *h.ended_at > t) t = *h.ended_at;
  return t;
}

// The case as the ServiceRequest the Task fulfils: no patient data, as on
// the worklist.
json RequestOf(const Case& c) {
  json r = {{"resourceType", "ServiceRequest"},
            {"id", "request"},
            {"identifier", json::array({{{"system", kCaseIdSystem}, {"value", c.id}}})},
            {"status", c.state == CaseState::kClosed ? "completed" : "active"},
            {"intent", "order"},
            {"category", json::array({Concept(kChannelSystem, ToString(c.channel), ToString(c.channel))})},
            {"authoredOn", FormatRfc3339(c.received_at)}};
  if (c.urgency) r["priority"] = PriorityOf(*c.urgency);
  if (!c.complaint.empty()) r["code"] = Concept(kComplaintSystem, c.complaint, c.complaint);
  if (c.urgency) {
    r["orderDetail"] =
        json::array({Concept(kUrgencySystem, ToString(*c.urgency), "NTS " + std::string(ToString(*c.urgency)))});
  }
  // subject is required: the Patient when one is recorded, else who it is not.
  r["subject"] = c.has_patient ? json{{"reference", "Patient/" + c.id}} : json{{"display", "patient not recorded"}};
  if (!c.requesting_organization_id.empty()) {
    r["requester"] = {{"reference", "Organization/" + c.requesting_organization_id}};
  }
  return r;
}

}  // namespace

std::string_view PriorityOf(Urgency u) {
  switch (u) {
    case Urgency::kU0:
    case Urgency::kU1: return "stat";
    case Urgency::kU2: return "asap";
    case Urgency::kU3: return "urgent";
    case Urgency::kU4:
    case Urgency::kU5: return "routine";
  }
  return "routine";
}

json TaskResource(const Handover& h, const Case& c) {
  json t = {
      {"resourceType", "Task"},
      {"id", h.id},
      {"meta", {{"versionId", std::to_string(h.version)}, {"lastUpdated", FormatRfc3339(LastModified(h))}}},
      {"contained", json::array({RequestOf(c)})},
      {"identifier", json::array({{{"system", kHandoverIdSystem}, {"value", h.id}}})},
      {"status", ToString(h.state)},
      {"intent", "order"},
      {"code",
       {{"coding",
         json::array({Coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request")})},
        {"text", "Overdracht van de ZCC"}}},
      {"focus", {{"reference", "#request"}}},
      {"authoredOn", FormatRfc3339(h.requested_at)},
      {"lastModified", FormatRfc3339(LastModified(h))},
      {"owner", {{"reference", "Organization/" + h.to_organization_id}}}};
  if (c.urgency) t["priority"] = PriorityOf(*c.urgency);
  if (c.has_patient) t["for"] = {{"reference", "Patient/" + c.id}};
  if (!h.requested_by.empty()) t["requester"] = {{"display", h.requested_by}};
  if (!h.to_unit_id.empty()) t["location"] = {{"reference", "Location/" + h.to_unit_id}};
  if (h.state == HandoverState::kRequested) t["restriction"] = {{"period", {{"end", FormatRfc3339(h.due_at)}}}};
  if (!h.reason.empty() && (h.state == HandoverState::kRejected || h.state == HandoverState::kCancelled)) {
    t["statusReason"] = {{"text", h.reason}};
  }
  if (h.escalations > 0) {
    t["businessStatus"] = Concept(kHandoverStatusSystem, "escalated",
                                  "escalated " + std::to_string(h.escalations) + "x: the answer deadline passed");
  }
  if (h.answered_at && !h.answered_by.empty()) {
    t["note"] = json::array({{{"authorString", h.answered_by},
                              {"time", FormatRfc3339(*h.answered_at)},
                              {"text", h.state == HandoverState::kRejected ? "rejected" : "accepted"}}});
  }
  json input = json::array();
  auto part = [&](std::string_view code, std::string_view text, const std::string& value) {
    if (!value.empty()) input.push_back({{"type", Concept(kSbarSystem, code, text)}, {"valueString", value}});
  };
  part("situation", "Situation", h.sbar.situation);
  part("background", "Background", h.sbar.background);
  part("assessment", "Assessment", h.sbar.assessment);
  part("recommendation", "Recommendation", h.sbar.recommendation);
  if (!input.empty()) t["input"] = std::move(input);
  return t;
}

json TransferTaskResource(const Transfer& t) {
  std::string_view status = "requested";
  switch (t.state) {
    case TransferState::kRequested: status = "requested"; break;
    case TransferState::kAccepted: status = "accepted"; break;
    case TransferState::kDeclined: status = "rejected"; break;
    case TransferState::kPlanned: status = "ready"; break;
    case TransferState::kEnRoute: status = "in-progress"; break;
    case TransferState::kArrived: status = "completed"; break;
    case TransferState::kCancelled: status = "cancelled"; break;
  }
  json task = {
      {"resourceType", "Task"},
      {"id", t.id},
      {"meta", {{"versionId", std::to_string(t.version)}, {"lastUpdated", FormatRfc3339(t.updated_at)}}},
      {"identifier", json::array({{{"system", kTransferIdSystem}, {"value", t.id}}})},
      {"status", status},
      {"businessStatus", Concept(kTransferStateSystem, ToString(t.state), ToString(t.state))},
      {"intent", "order"},
      {"code",
       {{"coding",
         json::array({Coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request")})},
        {"text", "Overplaatsing van een patiënt"}}},
      {"authoredOn", FormatRfc3339(t.requested_at)},
      {"lastModified", FormatRfc3339(t.updated_at)},
      {"requester", {{"reference", "Organization/" + t.from_organization_id}}},
      {"owner", {{"reference", "Organization/" + t.to_organization_id}}},
      {"location", {{"reference", "Location/" + t.to_unit_id}}},
      {"reasonCode", {{"text", t.reason}}},
      {"input", json::array({{{"type", {{"text", "care type"}}}, {"valueCode", ToString(t.care_type)}},
                             {{"type", {{"text", "sending unit"}}},
                              {"valueReference", {{"reference", "Location/" + t.from_unit_id}}}}})}};
  if (t.has_patient) task["for"] = {{"reference", "Patient/" + t.id}};
  if (t.approval == TransferApproval::kPending) {
    task["statusReason"] = Concept(kTransferApprovalSystem, "pending", "Wacht op goedkeuring van de coördinator");
  } else if (t.approval == TransferApproval::kApproved && t.approved_at) {
    task["input"].push_back({{"type", Concept(kTransferApprovalSystem, "approved", "Goedgekeurd door de coördinator")},
                             {"valueDateTime", FormatRfc3339(*t.approved_at)}});
  }
  if (t.planned_at) task["restriction"] = {{"period", {{"start", FormatRfc3339(*t.planned_at)}}}};
  if (t.departed_at || t.ended_at) {
    json period = json::object();
    if (t.departed_at) period["start"] = FormatRfc3339(*t.departed_at);
    if (t.ended_at) period["end"] = FormatRfc3339(*t.ended_at);
    task["executionPeriod"] = std::move(period);
  }
  return task;
}

json PatientResource(const std::string& case_id, const Patient& p) {
  json r = {{"resourceType", "Patient"}, {"id", case_id}};
  if (!p.bsn.empty()) r["identifier"] = json::array({{{"system", kBsnSystem}, {"value", p.bsn}}});
  if (!p.name.empty()) r["name"] = json::array({{{"text", p.name}}});
  if (p.birth_date) r["birthDate"] = FormatIsoDate(*p.birth_date);
  if (!p.address.empty()) r["address"] = json::array({{{"text", p.address}, {"country", "NL"}}});
  if (!p.gp.empty()) r["generalPractitioner"] = json::array({{{"display", p.gp}}});
  return r;
}

Result<TaskAnswer> ParseTaskAnswer(const json& body, std::string_view id) {
  if (!body.is_object() || body.value("resourceType", json()) != "Task") {
    return Status(Code::kBadRequest, "the body must be a Task", {{"resourceType", "must be Task"}});
  }
  if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>() != id) {
    return Status(Code::kBadRequest, "the Task's id must be the id in the URL", {{"id", "must be " + std::string(id)}});
  }
  TaskAnswer out;
  if (auto meta = body.find("meta"); meta != body.end() && meta->is_object() && meta->contains("versionId")) {
    const json& v = (*meta)["versionId"];
    std::int64_t n = 0;
    const std::string s = v.is_string() ? v.get<std::string>() : "";
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 1) {
      return Status(Code::kBadRequest, "meta.versionId is not a version of this server",
                    {{"meta.versionId", "must be a version this server wrote (a positive whole number)"}});
    }
    out.version = n;
  }
  const json status = body.value("status", json());
  auto parsed = status.is_string() ? ParseHandoverState(status.get<std::string>()) : std::nullopt;
  if (!parsed) {
    return Status::Invalid("the Task's status is missing or not a Task status",
                           {{"status", "must be accepted or rejected"}});
  }
  out.status = *parsed;
  if (auto reason = body.find("statusReason"); reason != body.end() && reason->is_object()) {
    const json text = reason->value("text", json());
    if (text.is_string()) out.reason = text.get<std::string>();
  }
  return out;
}

}  // namespace ozcc::api::fhir
