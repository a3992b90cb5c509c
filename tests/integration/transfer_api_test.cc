// Transfers over HTTP on both stores: create (201, Location, ETag), every
// legal step and an illegal one (409 naming from and to), If-Match (428,
// 412), who may take which step (403 for the wrong side, other regions and
// viewers), the board per region and per organisation, the patient sealed and
// its read logged, and the arrival: both units get a capacity report of
// source `transfer` in the live picture, their history and the event stream.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/auth.h"
#include "base/time.h"
#include "support/api_fixture.h"
#include "support/fhir_validate.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

constexpr const char* kBsn = "111222333";

class TransferApiTest : public ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // A user of the receiving hospital.
    UserRecord u{"receiver", api::HashPassword(kPassword), Role::kOrgUser, other_org_, "ZWN", false};
    ASSERT_TRUE(store_->CreateUser(u, AuditRecord{}).ok());
    from_unit_ = UnitOf(own_org_, UnitType::kIc);
    to_unit_ = UnitOf(other_org_, UnitType::kIc);
  }
  static Headers JsonMatching(std::int64_t version) {
    return {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version) + "\""}};
  }
  static const Headers& JsonOnly() {
    static const Headers h = {{"Content-Type", "application/json"}};
    return h;
  }
  json NewTransfer(bool with_patient = true) {
    json b = {{"region_id", "ZWN"},
              {"from_organization_id", own_org_},
              {"from_unit_id", from_unit_},
              {"to_organization_id", other_org_},
              {"to_unit_id", to_unit_},
              {"care_type", "ic"},
              {"reason", "IC full: spreading"},
              {"planned_at", FormatRfc3339(Now() + std::chrono::hours(2))}};
    if (with_patient) b["patient"] = {{"bsn", kBsn}, {"name", "J. Jansen"}, {"medication", "metoprolol"}};
    return b;
  }
  json Post(const std::string& who, const std::string& target, const json& body, int status,
            const Headers& headers = JsonOnly()) {
    auto r = Call(who, "POST", target, body.dump(), headers);
    EXPECT_EQ(r.status, status) << who << " " << target << " " << body.dump() << ": " << r.body.substr(0, 400);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
  json Step(const std::string& who, const std::string& id, const std::string& to, std::int64_t version, int status,
            const std::string& reason = "") {
    json body = {{"to", to}};
    if (!reason.empty()) body["reason"] = reason;
    return Post(who, "/api/v1/transfers/" + id + "/transition", body, status, JsonMatching(version));
  }
  json Latest(const std::string& unit) {
    auto r = Call("coordinator", "GET", "/api/v1/units/" + unit + "/capacity/history");
    EXPECT_EQ(r.status, 200) << r.body;
    json h = json::parse(r.body, nullptr, false);
    return h.is_discarded() || h["points"].empty() ? json() : h["points"].back();
  }
  std::string from_unit_, to_unit_;
};

TEST_P(TransferApiTest, ATransferGoesFromRequestToArrivalAndMovesABed) {
  // Both units report first: the sending IC has 3 free, the receiving 5.
  const std::string beds3 = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3}})";
  const std::string beds5 = R"({"beds":{"total":20,"staffed":18,"occupied":13,"available":5}})";
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + from_unit_ + "/capacity", beds3).status, 200);
  ASSERT_EQ(Call("coordinator", "PUT", "/api/v1/units/" + to_unit_ + "/capacity", beds5).status, 200);
  SseClient sse(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("receiver")}});
  ASSERT_EQ(sse.status(), 200);

  auto created = Call("orguser", "POST", "/api/v1/transfers", NewTransfer().dump(), JsonOnly());
  ASSERT_EQ(created.status, 201) << created.body;
  const json t = json::parse(created.body);
  const std::string id = t["id"];
  EXPECT_EQ(id.rfind("t-", 0), 0u) << id;
  EXPECT_EQ(created.Header("etag").value_or(""), "\"1\"");
  EXPECT_NE(created.Header("location").value_or("").find("/api/v1/transfers/" + id), std::string::npos);
  EXPECT_EQ(t["state"], "requested");
  EXPECT_TRUE(t["has_patient"].get<bool>());
  EXPECT_EQ(created.body.find(kBsn), std::string::npos) << "a transfer never carries patient data";
  ASSERT_EQ(t["timeline"].size(), 1u);
  EXPECT_EQ(t["timeline"][0]["actor"], "orguser");

  // The receiving organisation is alerted on its stream; no patient data.
  auto e = sse.Next(std::chrono::seconds(10));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "transfer");
  const json ev = json::parse(e->data);
  EXPECT_EQ(ev["transfer_id"], id);
  EXPECT_EQ(ev["state"], "requested");
  EXPECT_TRUE(ev["alert"].get<bool>());
  EXPECT_EQ(ev["alert_organization_id"], other_org_);
  EXPECT_EQ(e->data.find(kBsn), std::string::npos);
  EXPECT_EQ(e->data.find("Jansen"), std::string::npos);

  // Accepting is the receiving side's; it names the version.
  Step("orguser", id, "accepted", 1, 403);
  EXPECT_EQ(
      Call("receiver", "POST", "/api/v1/transfers/" + id + "/transition", R"({"to":"accepted"})", JsonOnly()).status,
      428);
  Step("receiver", id, "accepted", 7, 412);
  json accepted = Step("receiver", id, "accepted", 1, 200);
  EXPECT_EQ(accepted["state"], "accepted");
  EXPECT_FALSE(accepted["answered_at"].is_null());
  // An illegal step: 409 naming from and to.
  auto illegal =
      Call("receiver", "POST", "/api/v1/transfers/" + id + "/transition", R"({"to":"arrived"})", JsonMatching(2));
  EXPECT_EQ(illegal.status, 409) << illegal.body;
  EXPECT_NE(illegal.body.find("from accepted to arrived"), std::string::npos) << illegal.body;
  // Either side plans (setting when the move happens; only a planning step may) and marks en route.
  const std::string when =
      FormatRfc3339(std::chrono::time_point_cast<std::chrono::seconds>(Now()) + std::chrono::hours(5));
  auto wrong = Call("orguser", "POST", "/api/v1/transfers/" + id + "/transition",
                    json{{"to", "cancelled"}, {"reason", "x"}, {"planned_at", when}}.dump(), JsonMatching(2));
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("planned_at"), std::string::npos) << wrong.body;
  json planned = Post("orguser", "/api/v1/transfers/" + id + "/transition", {{"to", "planned"}, {"planned_at", when}},
                      200, JsonMatching(2));
  EXPECT_EQ(planned["planned_at"], when);
  json en_route = Step("receiver", id, "en-route", 3, 200);
  EXPECT_FALSE(en_route["departed_at"].is_null());
  // The arrival is the receiving side's.
  Step("orguser", id, "arrived", 4, 403);
  json arrived = Step("receiver", id, "arrived", 4, 200);
  EXPECT_EQ(arrived["state"], "arrived");
  EXPECT_FALSE(arrived["ended_at"].is_null());
  EXPECT_EQ(arrived["timeline"].size(), 5u);
  EXPECT_TRUE(arrived["notes"].empty()) << arrived.dump();
  ASSERT_EQ(arrived["capacity_reports"].size(), 2u);

  // Both units' capacity changed by one patient, as reports of source transfer.
  json to = Latest(to_unit_);
  EXPECT_EQ(to["source"], "transfer") << to.dump();
  EXPECT_EQ(to["beds"]["occupied"], 14);
  EXPECT_EQ(to["beds"]["available"], 4);
  json from = Latest(from_unit_);
  EXPECT_EQ(from["source"], "transfer") << from.dump();
  EXPECT_EQ(from["beds"]["occupied"], 14);
  EXPECT_EQ(from["beds"]["available"], 4);
  auto snapshot = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
  ASSERT_EQ(snapshot.status, 200);
  int seen = 0;
  const json units = json::parse(snapshot.body)["units"];
  for (const auto& u : units) {
    if (u["unit_id"] == to_unit_ || u["unit_id"] == from_unit_) {
      EXPECT_EQ(u["source"], "transfer") << u.dump();
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
  // The stream: accepted, planned, en route, then the two capacity reports and the arrival.
  std::vector<std::string> kinds;
  for (int i = 0; i < 6; ++i) {
    auto next = sse.Next(std::chrono::seconds(10));
    ASSERT_TRUE(next.has_value()) << "event " << i;
    kinds.push_back(next->event);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"transfer", "transfer", "transfer", "capacity", "capacity", "transfer"}));

  // A final transfer takes no step, not even a cancel.
  Step("orguser", id, "cancelled", 5, 409, "changed our mind");
}

TEST_P(TransferApiTest, WhoMaySeeAndChangeATransfer) {
  json t = Post("orguser", "/api/v1/transfers", NewTransfer(), 201);
  const std::string id = t["id"];
  // The sending side creates: not the receiver, a viewer, another region.
  json as_receiver = NewTransfer(false);
  Post("receiver", "/api/v1/transfers", as_receiver, 403);
  Post("viewer", "/api/v1/transfers", as_receiver, 403);
  Post("demo2-coordinator", "/api/v1/transfers", as_receiver, 403);
  Post("privacy", "/api/v1/transfers", as_receiver, 403);
  // Region coordinators and admin may create for any organisation of their region.
  Post("zcc", "/api/v1/transfers", as_receiver, 201);
  Post("coordinator", "/api/v1/transfers", as_receiver, 201);
  Post("admin", "/api/v1/transfers", as_receiver, 201);

  EXPECT_EQ(Call("viewer", "GET", "/api/v1/transfers/" + id).status, 200) << "viewer reads";
  EXPECT_EQ(Call("receiver", "GET", "/api/v1/transfers/" + id).status, 200);
  EXPECT_EQ(Call("demo2-coordinator", "GET", "/api/v1/transfers/" + id).status, 403);
  EXPECT_EQ(Call("privacy", "GET", "/api/v1/transfers/" + id).status, 403);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/transfers/t-0000000000000000").status, 404);
  Step("viewer", id, "accepted", 1, 403);
  Step("demo2-coordinator", id, "accepted", 1, 403);
  // Declining needs a reason; cancelling is the sending side's.
  Step("receiver", id, "declined", 1, 422);
  Step("receiver", id, "cancelled", 1, 403, "not ours to cancel");
  json cancelled = Step("orguser", id, "cancelled", 1, 200, "patient recovered");
  EXPECT_EQ(cancelled["timeline"].back()["reason"], "patient recovered");

  // The patient: either side reads it, logged; a viewer never.
  auto p = Call("receiver", "GET", "/api/v1/transfers/" + id + "/patient?purpose=admission");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(json::parse(p.body)["bsn"], kBsn);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/transfers/" + id + "/patient").status, 403);
  json log = Post("privacy", "/api/v1/access-log:search", {{"bsn", kBsn}}, 200);
  ASSERT_GE(log["entries"].size(), 3u) << log.dump();
  EXPECT_EQ(log["entries"][0]["outcome"], "denied");
  EXPECT_EQ(log["entries"][0]["actor"], "viewer");
  EXPECT_EQ(log["entries"][1]["action"], "patient.read");
  EXPECT_EQ(log["entries"][1]["purpose"], "admission");
  // Also found by the transfer's id, as a case's by its id.
  json by_id = Post("privacy", "/api/v1/access-log:search", {{"case_id", id}}, 200);
  ASSERT_EQ(by_id["entries"].size(), 3u) << "the write, the read and the refused read" << by_id.dump();
  EXPECT_EQ(by_id["entries"][1]["purpose"], "admission");
  EXPECT_EQ(by_id["entries"][2]["action"], "patient.write");
  for (const auto& e : by_id["entries"]) EXPECT_EQ(e["case_id"], id);
  Post("privacy", "/api/v1/access-log:search", {{"case_id", "no-such-id"}}, 404);

  // The board: the region's for coordinators and viewers; an organisation's
  // user sees its own, not another's.
  json all = json::parse(Call("coordinator", "GET", "/api/v1/transfers?region=ZWN&state=all").body);
  EXPECT_EQ(all["items"].size(), 4u);
  json open = json::parse(Call("viewer", "GET", "/api/v1/transfers?region=ZWN").body);
  EXPECT_EQ(open["items"].size(), 3u);
  json closed = json::parse(Call("zcc", "GET", "/api/v1/transfers?region=ZWN&state=closed").body);
  ASSERT_EQ(closed["items"].size(), 1u);
  EXPECT_EQ(closed["items"][0]["id"], id);
  json own = json::parse(Call("orguser", "GET", "/api/v1/transfers?state=all").body);
  EXPECT_EQ(own["items"].size(), 4u) << "the transfers from or to its organisation";
  json theirs = json::parse(Call("receiver", "GET", "/api/v1/transfers?organization=" + other_org_).body);
  EXPECT_EQ(theirs["items"].size(), 3u) << "open, to its organisation";
  EXPECT_EQ(Call("receiver", "GET", "/api/v1/transfers?organization=" + own_org_).status, 403);
  EXPECT_EQ(Call("orguser", "GET", "/api/v1/transfers?organization=" + other_org_).status, 403);
  EXPECT_EQ(Call("demo2-coordinator", "GET", "/api/v1/transfers?region=ZWN").status, 403);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/transfers?state=done").status, 400);
  EXPECT_EQ(Call("admin", "GET", "/api/v1/transfers").status, 400) << "an admin names the region";
  json no_region = NewTransfer(false);
  no_region.erase("region_id");
  Post("admin", "/api/v1/transfers", no_region, 422);
  Post("orguser", "/api/v1/transfers", no_region, 201);
}

TEST_P(TransferApiTest, BadInputIsRefusedAndNothingStored) {
  const std::string before = StoreFingerprint();
  auto refuse = [&](json body, const std::string& field) {
    auto r = Call("orguser", "POST", "/api/v1/transfers", body.dump(), JsonOnly());
    EXPECT_EQ(r.status, 422) << body.dump() << ": " << r.body;
    EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << field << ": " << r.body;
  };
  json b = NewTransfer();
  b["care_type"] = "icu";
  refuse(b, "care_type");
  b = NewTransfer();
  b["care_type"] = "ward";
  refuse(b, "to_unit_id");  // the receiving unit is an IC
  b = NewTransfer();
  b["to_organization_id"] = "nope";
  refuse(b, "to_organization_id");
  b = NewTransfer();
  b["from_unit_id"] = UnitOf(other_org_, UnitType::kSeh);
  refuse(b, "from_unit_id");
  b = NewTransfer();
  b["patient"]["bsn"] = "123456789";
  refuse(b, "patient.bsn");
  b = NewTransfer();
  b["case_id"] = "c-unknown";
  refuse(b, "case_id");
  b = NewTransfer();
  b["surprise"] = 1;
  refuse(b, "surprise");
  b = NewTransfer();
  b.erase("reason");
  refuse(b, "reason");
  EXPECT_EQ(Call("orguser", "POST", "/api/v1/transfers", "{", JsonOnly()).status, 422);
  EXPECT_EQ(Call("orguser", "POST", "/api/v1/transfers", NewTransfer().dump(), {{"Content-Type", "text/plain"}}).status,
            415);
  EXPECT_EQ(StoreFingerprint(), before);

  json t = Post("orguser", "/api/v1/transfers", NewTransfer(false), 201);
  const std::string step = "/api/v1/transfers/" + t["id"].get<std::string>() + "/transition";
  EXPECT_EQ(Call("receiver", "POST", step, R"({"to":"flying"})", JsonMatching(1)).status, 422);
  EXPECT_EQ(Call("receiver", "POST", step, R"({"to":"accepted","at":"yesterday"})", JsonMatching(1)).status, 422);
  EXPECT_EQ(Call("receiver", "POST", step, R"({"to":"accepted","at":"2999-01-01T00:00:00Z"})", JsonMatching(1)).status,
            422);
  EXPECT_EQ(Call("receiver", "POST", step, R"({"to":"accepted","extra":true})", JsonMatching(1)).status, 422);
  EXPECT_EQ(
      Call("receiver", "POST", "/api/v1/transfers/t-nope/transition", R"({"to":"accepted"})", JsonMatching(1)).status,
      404);
}

// A transfer is a FHIR Task too (ids t-…, apart from the handovers' h-…):
// read by either side, found by the receiving organisation's owner search
// and the ZCC's, valid R4; its patient is the Patient with its id, logged.
// The crisis switch: a region's coordinator declares crisis with approval;
// every transfer created from then on waits for the coordinator before it
// may move; answering and cancelling need none; back to regular, new
// transfers need none again, and one already approved stays so.
TEST_P(TransferApiTest, InACrisisEveryTransferWaitsForTheCoordinatorsApproval) {
  SseClient sse(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("receiver")}});
  ASSERT_EQ(sse.status(), 200);
  auto none = Call("viewer", "GET", "/api/v1/regions/ZWN/phase");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(json::parse(none.body)["phase"], "regular");
  EXPECT_EQ(none.Header("etag").value_or(""), "\"0\"");
  const json crisis = {{"phase", "crisis"}, {"rationale", "IC occupancy 96%: LCPS asks to spread"}};
  auto put = [&](const std::string& who, const json& body, std::int64_t version) {
    return Call(who, "PUT", "/api/v1/regions/ZWN/phase", body.dump(), JsonMatching(version));
  };
  EXPECT_EQ(put("orguser", crisis, 0).status, 403);
  EXPECT_EQ(put("viewer", crisis, 0).status, 403);
  auto declared = put("zcc", crisis, 0);
  ASSERT_EQ(declared.status, 200) << declared.body;
  const json phase = json::parse(declared.body);
  EXPECT_EQ(phase["phase"], "crisis");
  EXPECT_TRUE(phase["transfer_approval"].get<bool>()) << "on by default in a crisis";
  EXPECT_EQ(phase["declared_by"], "zcc");
  EXPECT_EQ(phase["version"], 1);
  EXPECT_EQ(phase["history"].size(), 1u);
  EXPECT_EQ(declared.Header("etag").value_or(""), "\"1\"");
  EXPECT_EQ(put("zcc", crisis, 0).status, 412) << "a declaration names the one it replaces";
  auto e = sse.Next(std::chrono::seconds(10));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "phase");
  EXPECT_EQ(json::parse(e->data)["phase"], "crisis");
  EXPECT_TRUE(json::parse(e->data)["transfer_approval"].get<bool>());

  // A new transfer waits: answered, cancelled, but not planned before approval.
  const json t = Post("orguser", "/api/v1/transfers", NewTransfer(false), 201);
  const std::string id = t["id"];
  EXPECT_EQ(t["approval"], "pending");
  Step("receiver", id, "accepted", 1, 200);
  auto refused =
      Call("receiver", "POST", "/api/v1/transfers/" + id + "/transition", R"({"to":"planned"})", JsonMatching(2));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("approval"), std::string::npos) << refused.body;
  // A FHIR client sees it too: the Task's statusReason while it waits.
  auto task = Call("receiver", "GET", "/fhir/Task/" + id);
  ASSERT_EQ(task.status, 200) << task.body;
  EXPECT_EQ(json::parse(task.body)["statusReason"]["coding"][0]["code"], "pending") << task.body;
  const std::string approve = "/api/v1/transfers/" + id + "/approve";
  Post("orguser", approve, json::object(), 403, JsonMatching(2));
  Post("receiver", approve, json::object(), 403, JsonMatching(2));
  Post("viewer", approve, json::object(), 403, JsonMatching(2));
  Post("zcc", approve, json::object(), 412, JsonMatching(1));
  const json approved = Post("zcc", approve, json::object(), 200, JsonMatching(2));
  EXPECT_EQ(approved["approval"], "approved");
  EXPECT_EQ(approved["approved_by"], "zcc");
  EXPECT_FALSE(approved["approved_at"].is_null());
  EXPECT_EQ(approved["version"], 3);
  EXPECT_EQ(approved["state"], "accepted") << "approval is no step";
  task = Call("receiver", "GET", "/fhir/Task/" + id);
  EXPECT_EQ(json::parse(task.body).contains("statusReason"), false) << task.body;
  EXPECT_NE(task.body.find("\"approved\""), std::string::npos) << task.body;
  Post("zcc", approve, json::object(), 409, JsonMatching(3));
  EXPECT_EQ(Step("receiver", id, "planned", 3, 200)["state"], "planned");
  // Cancelling a waiting transfer needs no approval.
  const json other = Post("orguser", "/api/v1/transfers", NewTransfer(false), 201);
  EXPECT_EQ(Step("orguser", other["id"], "cancelled", 1, 200, "patient improved")["state"], "cancelled");
  Post("zcc", "/api/v1/transfers/" + other["id"].get<std::string>() + "/approve", json::object(), 409, JsonMatching(2));

  // Approval only in a crisis; back to regular, a new transfer needs none.
  json adjusted = {{"phase", "adjusted"}, {"rationale", "pressure easing"}, {"transfer_approval", true}};
  EXPECT_EQ(put("coordinator", adjusted, 1).status, 422);
  auto regular = put("coordinator", {{"phase", "regular"}, {"rationale", "over"}}, 1);
  ASSERT_EQ(regular.status, 200) << regular.body;
  EXPECT_FALSE(json::parse(regular.body)["transfer_approval"].get<bool>());
  EXPECT_EQ(json::parse(regular.body)["history"].size(), 2u);
  EXPECT_EQ(Post("orguser", "/api/v1/transfers", NewTransfer(false), 201)["approval"], "not-required");
  auto kept = Call("receiver", "GET", "/api/v1/transfers/" + id);
  EXPECT_EQ(json::parse(kept.body)["approval"], "approved") << kept.body;
  // Every declaration and approval is audited.
  auto audit = Call("admin", "GET", "/api/v1/audit?limit=500");
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("phase.declare"), std::string::npos);
  EXPECT_NE(audit.body.find("transfer.approve"), std::string::npos);
}

TEST_P(TransferApiTest, ATransferIsAFhirTask) {
  json t = Post("orguser", "/api/v1/transfers", NewTransfer(), 201);
  const std::string id = t["id"];
  auto get = [&](const std::string& who, const std::string& target, int status) {
    auto r = Call(who, "GET", target);
    EXPECT_EQ(r.status, status) << who << " " << target << ": " << r.body.substr(0, 300);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  };
  json task = get("receiver", "/fhir/Task/" + id, 200);
  EXPECT_EQ(task["resourceType"], "Task");
  EXPECT_EQ(task["id"], id);
  EXPECT_EQ(task["status"], "requested");
  EXPECT_EQ(task["owner"]["reference"], "Organization/" + other_org_);
  EXPECT_EQ(task["requester"]["reference"], "Organization/" + own_org_);
  EXPECT_EQ(task.dump().find(kBsn), std::string::npos);
  std::vector<json> all = {task};

  json inbox = get("receiver", "/fhir/Task?owner=Organization/" + other_org_, 200);
  ASSERT_EQ(inbox["total"], 1) << inbox.dump().substr(0, 500);
  EXPECT_EQ(inbox["entry"][0]["resource"]["id"], id);
  all.push_back(inbox["entry"][0]["resource"]);
  EXPECT_EQ(get("orguser", "/fhir/Task?owner=Organization/" + other_org_, 200)["total"], 0)
      << "the sending side's inbox search is its own";
  EXPECT_EQ(get("zcc", "/fhir/Task", 200)["total"], 1) << "the ZCC sees its region's open transfers";
  get("demo2-coordinator", "/fhir/Task/" + id, 403);
  get("privacy", "/fhir/Task/" + id, 403);
  get("receiver", "/fhir/Task/t-0000000000000000", 404);

  // It changes only through its own steps: a PUT is refused as such for
  // whoever may read it, as a read for anyone else.
  json put = task;
  put["status"] = "accepted";
  auto refused = Call("receiver", "PUT", "/fhir/Task/" + id, put.dump(), {{"Content-Type", "application/fhir+json"}});
  EXPECT_EQ(refused.status, 405) << refused.body.substr(0, 300);
  EXPECT_EQ(refused.Header("allow"), "GET");
  json outcome = json::parse(refused.body, nullptr, false);
  EXPECT_EQ(outcome["issue"][0]["code"], "not-supported") << refused.body;
  EXPECT_NE(outcome["issue"][0]["diagnostics"].get<std::string>().find("/api/v1/transfers/" + id + "/transition"),
            std::string::npos);
  EXPECT_EQ(
      Call("demo2-coordinator", "PUT", "/fhir/Task/" + id, put.dump(), {{"Content-Type", "application/fhir+json"}})
          .status,
      403);
  EXPECT_EQ(get("receiver", "/fhir/Task/" + id, 200)["status"], "requested") << "nothing changed";

  // Steps show as Task.status.
  Step("receiver", id, "accepted", 1, 200);
  Step("receiver", id, "planned", 2, 200);
  EXPECT_EQ(get("orguser", "/fhir/Task/" + id, 200)["status"], "ready");
  all.push_back(get("orguser", "/fhir/Task/" + id, 200));
  EXPECT_TRUE(ValidFhirR4(all));

  json patient = get("receiver", "/fhir/Patient/" + id, 200);
  EXPECT_EQ(patient["resourceType"], "Patient");
  EXPECT_EQ(patient["identifier"][0]["value"], kBsn);
  get("viewer", "/fhir/Patient/" + id, 403);
}

INSTANTIATE_TEST_SUITE_P(, TransferApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
