// The worklist's FHIR mapping (api/fhir/task.h): a handover as a Task in
// each of its states, the patient as a Patient, both valid against the
// official R4 schema and free of what they must not carry; the partner's
// PUT body read element by element.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/fhir/task.h"
#include "base/time.h"
#include "support/fhir_validate.h"

namespace ozcc::api::fhir {
namespace {

using nlohmann::json;

Time At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

Case SomeCase() {
  Case c;
  c.id = "c-0123456789abcdef";
  c.region_id = "ZWN";
  c.channel = Channel::kHap;
  c.requesting_organization_id = "hap-delft";
  c.received_at = At("2026-12-05T02:00:00Z");
  c.summary = "catheter blocked since noon";
  c.urgency = Urgency::kU3;
  c.complaint = "catheter-problem";
  c.state = CaseState::kHandedOver;
  c.has_patient = true;
  return c;
}

Handover SomeHandover() {
  Handover h;
  h.id = "h-00112233aabbccdd";
  h.case_id = "c-0123456789abcdef";
  h.to_organization_id = "vvt-zuid";
  h.to_unit_id = "vvt-zuid-crisis";
  h.sbar = {"blocked catheter", "", "no fever", "change it tonight"};
  h.requested_by = "coordinator Jansen";
  h.requested_at = At("2026-12-05T02:10:00Z");
  h.due_at = At("2026-12-05T05:10:00Z");
  h.version = 1;
  return h;
}

const json* Contained(const json& task) {
  for (const auto& r : task["contained"]) {
    if ("#" + r.value("id", "") == task["focus"]["reference"].get<std::string>()) return &r;
  }
  return nullptr;
}

TEST(FhirTask, ARequestedHandoverIsATaskWithItsRequestContained) {
  const json t = TaskResource(SomeHandover(), SomeCase());
  EXPECT_EQ(t["resourceType"], "Task");
  EXPECT_EQ(t["id"], "h-00112233aabbccdd");
  EXPECT_EQ(t["status"], "requested");
  EXPECT_EQ(t["intent"], "order");
  EXPECT_EQ(t["priority"], "urgent");
  EXPECT_EQ(t["meta"]["versionId"], "1");
  EXPECT_EQ(t["owner"]["reference"], "Organization/vvt-zuid");
  EXPECT_EQ(t["location"]["reference"], "Location/vvt-zuid-crisis");
  EXPECT_EQ(t["for"]["reference"], "Patient/c-0123456789abcdef");
  EXPECT_EQ(t["restriction"]["period"]["end"], "2026-12-05T05:10:00Z");
  EXPECT_EQ(t["authoredOn"], "2026-12-05T02:10:00Z");
  EXPECT_FALSE(t.contains("statusReason"));
  EXPECT_FALSE(t.contains("businessStatus"));
  // SBAR: the parts given, in order; an empty background is left out.
  ASSERT_EQ(t["input"].size(), 3u);
  EXPECT_EQ(t["input"][0]["type"]["coding"][0]["code"], "situation");
  EXPECT_EQ(t["input"][2]["valueString"], "change it tonight");
  const json* sr = Contained(t);
  ASSERT_NE(sr, nullptr) << t.dump(1);
  EXPECT_EQ((*sr)["resourceType"], "ServiceRequest");
  EXPECT_EQ((*sr)["status"], "active");
  EXPECT_EQ((*sr)["subject"]["reference"], "Patient/c-0123456789abcdef");
  EXPECT_EQ((*sr)["code"]["coding"][0]["code"], "catheter-problem");
  EXPECT_EQ((*sr)["requester"]["reference"], "Organization/hap-delft");
  EXPECT_EQ((*sr)["identifier"][0]["value"], "c-0123456789abcdef");
  // No patient data, and not the free-text summary either (kept off every export).
  EXPECT_EQ(t.dump().find("catheter blocked since noon"), std::string::npos);
  EXPECT_TRUE(ozcc::test::ValidFhirR4({t}));
}

TEST(FhirTask, EveryStateAndAnswerMaps) {
  std::vector<json> all;
  Case c = SomeCase();
  Handover h = SomeHandover();

  h.state = HandoverState::kRejected;
  h.reason = "no crisis bed tonight";
  h.answered_by = "VVT Zuid nurse";
  h.answered_at = At("2026-12-05T02:20:00Z");
  h.version = 2;
  json rejected = TaskResource(h, c);
  EXPECT_EQ(rejected["status"], "rejected");
  EXPECT_EQ(rejected["statusReason"]["text"], "no crisis bed tonight");
  EXPECT_EQ(rejected["note"][0]["authorString"], "VVT Zuid nurse");
  EXPECT_EQ(rejected["lastModified"], "2026-12-05T02:20:00Z");
  EXPECT_FALSE(rejected.contains("restriction")) << "an answered handover has no deadline";
  all.push_back(rejected);

  h.state = HandoverState::kAccepted;
  h.reason.clear();
  json accepted = TaskResource(h, c);
  EXPECT_EQ(accepted["status"], "accepted");
  EXPECT_FALSE(accepted.contains("statusReason"));
  all.push_back(accepted);

  h.state = HandoverState::kCompleted;
  h.ended_at = At("2026-12-05T04:00:00Z");
  c.state = CaseState::kClosed;
  json completed = TaskResource(h, c);
  EXPECT_EQ(completed["status"], "completed");
  EXPECT_EQ(completed["lastModified"], "2026-12-05T04:00:00Z");
  EXPECT_EQ((*Contained(completed))["status"], "completed");
  all.push_back(completed);

  // Escalated, no unit, no patient, no urgency yet: still a valid Task.
  Handover e = SomeHandover();
  e.escalations = 2;
  e.to_unit_id.clear();
  Case bare = SomeCase();
  bare.has_patient = false;
  bare.urgency.reset();
  bare.complaint.clear();
  bare.requesting_organization_id.clear();
  json escalated = TaskResource(e, bare);
  EXPECT_EQ(escalated["businessStatus"]["coding"][0]["code"], "escalated");
  EXPECT_FALSE(escalated.contains("for"));
  EXPECT_FALSE(escalated.contains("location"));
  EXPECT_FALSE(escalated.contains("priority"));
  EXPECT_TRUE((*Contained(escalated))["subject"].contains("display"));
  all.push_back(escalated);

  h.state = HandoverState::kCancelled;
  h.reason = "patient recovered";
  EXPECT_EQ(TaskResource(h, c)["statusReason"]["text"], "patient recovered");
  all.push_back(TaskResource(h, c));
  EXPECT_TRUE(ozcc::test::ValidFhirR4(all));
}

// A transfer as a Task in each of its states: valid R4, its own id space,
// the receiving organisation as owner, no patient data.
TEST(FhirTask, ATransferIsATaskInEachOfItsStates) {
  Transfer t;
  t.id = "t-00112233aabbccdd";
  t.region_id = "ZWN";
  t.from_organization_id = "erasmusmc";
  t.from_unit_id = "erasmusmc-ic";
  t.to_organization_id = "maasstad";
  t.to_unit_id = "maasstad-ic";
  t.care_type = UnitType::kIc;
  t.reason = "IC full: spreading";
  t.has_patient = true;
  t.requested_at = At("2026-12-05T02:10:00Z");
  t.updated_at = t.requested_at;
  t.planned_at = At("2026-12-05T04:00:00Z");
  t.version = 1;
  const std::pair<TransferState, const char*> states[] = {
      {TransferState::kRequested, "requested"}, {TransferState::kAccepted, "accepted"},
      {TransferState::kDeclined, "rejected"},   {TransferState::kPlanned, "ready"},
      {TransferState::kEnRoute, "in-progress"}, {TransferState::kArrived, "completed"},
      {TransferState::kCancelled, "cancelled"}};
  std::vector<json> all;
  for (const auto& [state, status] : states) {
    Transfer s = ApplyTransferStep(t, state, At("2026-12-05T03:00:00Z"));
    if (state == TransferState::kArrived) s.departed_at = At("2026-12-05T02:40:00Z");
    const json task = TransferTaskResource(s);
    EXPECT_EQ(task["resourceType"], "Task");
    EXPECT_EQ(task["id"], t.id);
    EXPECT_EQ(task["status"], status) << ToString(state);
    EXPECT_EQ(task["businessStatus"]["coding"][0]["code"], ToString(state));
    EXPECT_EQ(task["owner"]["reference"], "Organization/maasstad");
    EXPECT_EQ(task["requester"]["reference"], "Organization/erasmusmc");
    EXPECT_EQ(task["for"]["reference"], "Patient/" + t.id);
    EXPECT_EQ(task["restriction"]["period"]["start"], "2026-12-05T04:00:00Z");
    EXPECT_EQ(task["identifier"][0]["system"], kTransferIdSystem);
    all.push_back(task);
  }
  EXPECT_EQ(all[5]["executionPeriod"]["start"], "2026-12-05T02:40:00Z");
  EXPECT_EQ(all[5]["executionPeriod"]["end"], "2026-12-05T03:00:00Z");
  t.has_patient = false;
  t.planned_at.reset();
  const json bare = TransferTaskResource(t);
  EXPECT_FALSE(bare.contains("for"));
  EXPECT_FALSE(bare.contains("restriction"));
  EXPECT_FALSE(bare.contains("statusReason"));
  all.push_back(bare);
  // In a crisis: awaiting the coordinator, then approved.
  t.approval = TransferApproval::kPending;
  const json pending = TransferTaskResource(t);
  EXPECT_EQ(pending["statusReason"]["coding"][0]["system"], kTransferApprovalSystem);
  EXPECT_EQ(pending["statusReason"]["coding"][0]["code"], "pending");
  all.push_back(pending);
  t.approval = TransferApproval::kApproved;
  t.approved_by = "zcc";
  t.approved_at = At("2026-12-05T02:10:00Z");
  const json approved = TransferTaskResource(t);
  EXPECT_FALSE(approved.contains("statusReason"));
  ASSERT_EQ(approved["input"].size(), 3u);
  EXPECT_EQ(approved["input"][2]["type"]["coding"][0]["code"], "approved");
  EXPECT_EQ(approved["input"][2]["valueDateTime"], "2026-12-05T02:10:00Z");
  all.push_back(approved);
  EXPECT_TRUE(ozcc::test::ValidFhirR4(all));
}

TEST(FhirTask, PriorityFollowsTheUrgency) {
  EXPECT_EQ(PriorityOf(Urgency::kU0), "stat");
  EXPECT_EQ(PriorityOf(Urgency::kU1), "stat");
  EXPECT_EQ(PriorityOf(Urgency::kU2), "asap");
  EXPECT_EQ(PriorityOf(Urgency::kU3), "urgent");
  EXPECT_EQ(PriorityOf(Urgency::kU4), "routine");
  EXPECT_EQ(PriorityOf(Urgency::kU5), "routine");
}

TEST(FhirTask, PatientCarriesIdentityButNotClinicalData) {
  Patient p;
  p.bsn = "111222333";
  p.name = "J. Jansen";
  p.birth_date = ParseIsoDate("1941-03-02");
  p.address = "Markt 1, Delft";
  p.gp = "Huisartsenpraktijk Centrum";
  p.medication = "metformine";
  p.allergies = "penicilline";
  const json r = PatientResource("c-0123456789abcdef", p);
  EXPECT_EQ(r["id"], "c-0123456789abcdef");
  EXPECT_EQ(r["identifier"][0]["system"], kBsnSystem);
  EXPECT_EQ(r["identifier"][0]["value"], "111222333");
  EXPECT_EQ(r["birthDate"], "1941-03-02");
  EXPECT_EQ(r["name"][0]["text"], "J. Jansen");
  EXPECT_EQ(r.dump().find("metformine"), std::string::npos);
  EXPECT_EQ(r.dump().find("penicilline"), std::string::npos);
  EXPECT_TRUE(ozcc::test::ValidFhirR4({r, PatientResource("c-1", Patient{})}));
}

TEST(FhirTask, APutBodyIsReadForStatusReasonAndVersion) {
  json body = TaskResource(SomeHandover(), SomeCase());
  body["status"] = "rejected";
  body["statusReason"] = {{"text", "no bed"}};
  auto a = ParseTaskAnswer(body, "h-00112233aabbccdd");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->status, HandoverState::kRejected);
  EXPECT_EQ(a->reason, "no bed");
  EXPECT_EQ(a->version, 1);

  body.erase("meta");
  body["status"] = "accepted";
  a = ParseTaskAnswer(body, "h-00112233aabbccdd");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, HandoverState::kAccepted);
  EXPECT_FALSE(a->version.has_value());

  struct Bad {
    json body;
    const char* field;
    Code code;
  };
  const json task = {{"resourceType", "Task"}, {"id", "h-1"}, {"status", "accepted"}};
  auto with = [&](const char* key, json v) {
    json b = task;
    b[key] = std::move(v);
    return b;
  };
  const std::vector<Bad> bad = {
      {json::array(), "resourceType", Code::kBadRequest},
      {with("resourceType", "Patient"), "resourceType", Code::kBadRequest},
      {with("id", "h-2"), "id", Code::kBadRequest},
      {with("id", 7), "id", Code::kBadRequest},
      {with("status", "done"), "status", Code::kInvalid},
      {with("status", nullptr), "status", Code::kInvalid},
      {with("meta", {{"versionId", "0"}}), "meta.versionId", Code::kBadRequest},
      {with("meta", {{"versionId", 3}}), "meta.versionId", Code::kBadRequest},
      {with("meta", {{"versionId", "3x"}}), "meta.versionId", Code::kBadRequest},
  };
  for (const auto& b : bad) {
    auto r = ParseTaskAnswer(b.body, "h-1");
    ASSERT_FALSE(r.ok()) << b.body.dump();
    EXPECT_EQ(r.status().code(), b.code) << b.body.dump();
    ASSERT_FALSE(r.status().errors().empty()) << b.body.dump();
    EXPECT_EQ(r.status().errors()[0].field, b.field) << b.body.dump();
  }
}

}  // namespace
}  // namespace ozcc::api::fhir
