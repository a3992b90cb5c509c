// The worklist over FHIR on both stores (api/fhir/task.h): a handover is a
// Task the partner finds by owner, reads with its version and answers with a
// version-aware PUT (428 / 412 / 422 / 403 as the JSON API); the case's
// Patient is read by those who may, and every read and refusal is in the
// access log; a user of an uninvolved organisation who opens the case is
// refused and logged there too. Every resource and OperationOutcome the
// server answers is validated against the official R4 schema.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/api_fixture.h"
#include "support/fhir_validate.h"

namespace ozcc::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kBsn = "111222333";
constexpr const char* kOtherBsn = "123456782";  // another patient: a second request of the same one joins its case

class FhirTaskApiTest : public ApiFixture {
 protected:
  void TearDown() override {
    EXPECT_TRUE(ValidFhirR4(returned_));
    ApiFixture::TearDown();
  }

  // A triaged case with a patient, handed over to `org`; returns {case id, handover id}.
  std::pair<std::string, std::string> HandOverTo(const std::string& org, const std::string& bsn = kBsn) {
    const json body = {{"region_id", "ZWN"},
                       {"channel", "hap"},
                       {"summary", "catheter blocked since noon"},
                       {"urgency", "U3"},
                       {"complaint", "catheter-problem"},
                       {"patient", {{"bsn", bsn}, {"name", "J. Jansen"}}},
                       {"legal_basis", "consent"}};
    auto created = Call("zcc", "POST", "/api/v1/cases", body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(created.status, 201) << created.body;
    const json c = json::parse(created.body, nullptr, false);
    const std::string id = c.value("id", "");
    const json sbar = {{"to_organization_id", org},
                       {"sbar", {{"situation", "blocked catheter"}, {"recommendation", "change it tonight"}}}};
    auto h = Call("zcc", "POST", "/api/v1/cases/" + id + "/handovers", sbar.dump(),
                  {{"Content-Type", "application/json"}, {"If-Match", created.Header("etag").value_or("")}});
    EXPECT_EQ(h.status, 201) << h.body;
    const json after = json::parse(h.body, nullptr, false);
    return {id, after.is_object() ? after["handovers"].back().value("id", "") : ""};
  }

  HttpResponse Fhir(const std::string& user, const std::string& method, const std::string& target,
                    const std::string& body, int expect_status, Headers headers = {}) {
    HttpResponse r = Call(user, method, target, body, std::move(headers));
    EXPECT_EQ(r.status, expect_status) << method << " " << target << "\n" << r.body.substr(0, 600);
    EXPECT_EQ(r.Header("content-type").value_or("").rfind("application/fhir+json", 0), 0u) << target;
    json j = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << target << ": " << r.body.substr(0, 200);
    if (j.is_object()) returned_.push_back(j);
    return r;
  }
  json Get(const std::string& user, const std::string& target, int expect_status = 200) {
    return json::parse(Fhir(user, "GET", target, "", expect_status).body, nullptr, false);
  }
  HttpResponse Put(const std::string& user, const std::string& id, const json& task, int expect_status,
                   const std::string& if_match = "") {
    Headers h = {{"Content-Type", "application/fhir+json"}};
    if (!if_match.empty()) h.emplace_back("If-Match", if_match);
    return Fhir(user, "PUT", "/fhir/Task/" + id, task.dump(), expect_status, std::move(h));
  }
  static std::string FirstField(const json& oo) {
    if (!oo.contains("issue") || oo["issue"].empty()) return "";
    return oo["issue"][0].value("expression", json::array({""}))[0];
  }

  std::vector<json> returned_;
};

TEST_P(FhirTaskApiTest, ThePartnerFindsReadsAndAcceptsItsTask) {
  auto [case_id, id] = HandOverTo(own_org_);
  ASSERT_FALSE(id.empty());

  // The partner's inbox as a search, by owner in each reference form.
  for (const std::string& owner : {"Organization/" + own_org_, own_org_}) {
    json b = Get("orguser", "/fhir/Task?owner=" + owner);
    ASSERT_EQ(b["total"], 1) << b.dump(1);
    EXPECT_EQ(b["entry"][0]["resource"]["id"], id);
    EXPECT_EQ(b["entry"][0]["resource"]["status"], "requested");
  }
  EXPECT_EQ(Get("orguser", "/fhir/Task?status=accepted")["total"], 0);
  EXPECT_EQ(Get("zcc", "/fhir/Task?owner=Organization/" + other_org_)["total"], 0);
  EXPECT_EQ(Get("zcc", "/fhir/Task")["total"], 1) << "the ZCC sees the handovers of its open cases";

  auto read = Fhir("orguser", "GET", "/fhir/Task/" + id, "", 200);
  EXPECT_EQ(read.Header("etag").value_or(""), "W/\"1\"");
  json task = json::parse(read.body);
  EXPECT_EQ(task["for"]["reference"], "Patient/" + case_id);
  EXPECT_EQ(read.body.find(kBsn), std::string::npos) << "a Task carries no patient data";
  EXPECT_EQ(read.body.find("J. Jansen"), std::string::npos);

  // Accept: the version is required, a stale one refused, nothing changes.
  task["status"] = "accepted";
  json no_meta = task;
  no_meta.erase("meta");
  Put("orguser", id, no_meta, 428);
  Put("orguser", id, task, 412, "W/\"7\"");
  json stale = task;
  stale["meta"]["versionId"] = "5";
  Put("orguser", id, stale, 412);
  Put("zcc", id, task, 403, "W/\"1\"");
  json completed = task;
  completed["status"] = "completed";
  EXPECT_EQ(FirstField(json::parse(Put("orguser", id, completed, 422, "W/\"1\"").body)), "status");
  json other_id = task;
  other_id["id"] = "h-other";
  EXPECT_EQ(FirstField(json::parse(Put("orguser", id, other_id, 400, "W/\"1\"").body)), "id");
  EXPECT_EQ(Get("orguser", "/fhir/Task/" + id)["status"], "requested");

  auto accepted = Put("orguser", id, task, 200);  // meta.versionId "1" as read
  EXPECT_EQ(accepted.Header("etag").value_or(""), "W/\"2\"");
  EXPECT_EQ(json::parse(accepted.body)["status"], "accepted");
  auto again = Put("orguser", id, task, 200);  // the same answer again changes nothing
  EXPECT_EQ(again.Header("etag").value_or(""), "W/\"2\"");
  auto c = Call("zcc", "GET", "/api/v1/cases/" + case_id);
  EXPECT_EQ(json::parse(c.body)["state"], "accepted") << c.body;
  EXPECT_EQ(Get("orguser", "/fhir/Task?status=accepted")["total"], 1);
}

TEST_P(FhirTaskApiTest, ARejectionNeedsItsReason) {
  auto [case_id, id] = HandOverTo(own_org_);
  json task = Get("orguser", "/fhir/Task/" + id);
  task["status"] = "rejected";
  EXPECT_EQ(FirstField(json::parse(Put("orguser", id, task, 422, "W/\"1\"").body)), "statusReason.text");
  task["statusReason"] = {{"text", "no crisis bed tonight"}};
  json rejected = json::parse(Put("orguser", id, task, 200, "W/\"1\"").body);
  EXPECT_EQ(rejected["status"], "rejected");
  EXPECT_EQ(rejected["statusReason"]["text"], "no crisis bed tonight");
  EXPECT_EQ(json::parse(Call("zcc", "GET", "/api/v1/cases/" + case_id).body)["state"], "declined");
  // Rejected cannot become accepted: the ZCC re-routes instead.
  task["status"] = "accepted";
  Put("orguser", id, task, 409, "W/\"2\"");
}

TEST_P(FhirTaskApiTest, WhoSeesWhichTask) {
  auto [mine_case, mine] = HandOverTo(own_org_);
  auto [theirs_case, theirs] = HandOverTo(other_org_, kOtherBsn);
  // The partner sees only its own, whatever owner it names.
  json b = Get("orguser", "/fhir/Task");
  ASSERT_EQ(b["total"], 1);
  EXPECT_EQ(b["entry"][0]["resource"]["id"], mine);
  EXPECT_EQ(Get("orguser", "/fhir/Task?owner=Organization/" + other_org_)["total"], 0);
  Get("orguser", "/fhir/Task/" + theirs, 403);
  // The ZCC and an administrator see both; viewers and ROAZ coordinators none.
  std::set<std::string> ids;
  const json zcc = Get("zcc", "/fhir/Task");
  for (const auto& e : zcc["entry"]) ids.insert(e["resource"]["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{mine, theirs}));
  EXPECT_EQ(Get("admin", "/fhir/Task?region=ZWN")["total"], 2);
  Get("viewer", "/fhir/Task", 403);
  Get("coordinator", "/fhir/Task", 403);
  Get("viewer", "/fhir/Task/" + mine, 403);
  Get("orguser", "/fhir/Task/h-unknown", 404);
}

TEST_P(FhirTaskApiTest, PatientReadsAndRefusalsAreInTheAccessLog) {
  auto [mine_case, mine] = HandOverTo(own_org_);
  auto [theirs_case, theirs] = HandOverTo(other_org_, kOtherBsn);
  json p = Get("orguser", "/fhir/Patient/" + mine_case + "?purpose=handover");
  EXPECT_EQ(p["identifier"][0]["value"], kBsn);
  EXPECT_EQ(p["name"][0]["text"], "J. Jansen");
  Get("orguser", "/fhir/Patient/" + theirs_case, 403);
  Get("viewer", "/fhir/Patient/" + mine_case, 403);
  // The uninvolved organisation opens the other case in the JSON API: refused, logged.
  EXPECT_EQ(Call("orguser", "GET", "/api/v1/cases/" + theirs_case).status, 403);

  auto log = Call("privacy", "POST", "/api/v1/access-log:search", json{{"case_id", theirs_case}}.dump(),
                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(log.status, 200) << log.body;
  std::multiset<std::string> refused;
  const json theirs_log = json::parse(log.body);
  for (const auto& e : theirs_log["entries"]) {
    if (e["outcome"] == "denied") refused.insert(e["actor"].get<std::string>() + " " + e["action"].get<std::string>());
  }
  EXPECT_EQ(refused, (std::multiset<std::string>{"orguser patient.read", "orguser case.read"})) << log.body;
  log = Call("privacy", "POST", "/api/v1/access-log:search", json{{"case_id", mine_case}}.dump(),
             {{"Content-Type", "application/json"}});
  const json mine_log = json::parse(log.body)["entries"];
  bool read_logged = false, viewer_logged = false;
  for (const auto& e : mine_log) {
    read_logged |= e["actor"] == "orguser" && e["outcome"] == "ok" && e["purpose"] == "handover";
    viewer_logged |= e["actor"] == "viewer" && e["outcome"] == "denied";
  }
  EXPECT_TRUE(read_logged) << mine_log.dump(1);
  EXPECT_TRUE(viewer_logged) << mine_log.dump(1);
}

INSTANTIATE_TEST_SUITE_P(, FhirTaskApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
