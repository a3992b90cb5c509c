// The worklist over HTTP on both stores: a care request from intake to
// closing (ETags, 428/412/409, Location), the partner's inbox and answer,
// patient data read and logged; the 72-hour contact history (a feed reports,
// the ZCC finds it, the new request is flagged a repeat contact); the
// privacy officer's access log as JSON and CSV and the break-glass review.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

constexpr const char* kBsn = "111222333";

class WorklistApiTest : public ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  static Headers JsonMatching(std::int64_t version) {
    return {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version) + "\""}};
  }
  static const Headers& JsonOnly() {
    static const Headers h = {{"Content-Type", "application/json"}};
    return h;
  }
  json NewCase(bool with_patient = true) {
    json b = {{"region_id", "ZWN"},
              {"channel", "hap"},
              {"summary", "catheter blocked since noon"},
              {"urgency", "U3"},
              {"complaint", "catheter-problem"}};
    if (with_patient) {
      b["patient"] = {{"bsn", kBsn}, {"name", "J. Jansen"}, {"medication", "metformine"}};
      b["legal_basis"] = "consent";
    }
    return b;
  }
  // POSTs and returns the JSON answer, expecting `status`.
  json Post(const std::string& who, const std::string& target, const json& body, int status,
            const Headers& headers = JsonOnly()) {
    auto r = Call(who, "POST", target, body.dump(), headers);
    EXPECT_EQ(r.status, status) << target << ": " << r.body.substr(0, 400);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
};

TEST_P(WorklistApiTest, ARequestGoesFromIntakeToClosingWithVersionsOnEveryStep) {
  auto created = Call("zcc", "POST", "/api/v1/cases", NewCase().dump(), JsonOnly());
  ASSERT_EQ(created.status, 201) << created.body;
  const json c = json::parse(created.body);
  const std::string id = c["id"];
  EXPECT_EQ(created.Header("etag").value_or(""), "\"1\"");
  EXPECT_NE(created.Header("location").value_or("").find("/api/v1/cases/" + id), std::string::npos);
  EXPECT_EQ(c["state"], "triaged");
  EXPECT_TRUE(c["has_patient"].get<bool>());
  EXPECT_EQ(created.body.find(kBsn), std::string::npos) << "a case never carries patient data";

  const std::string handover = "/api/v1/cases/" + id + "/handovers";
  const json sbar = {{"to_organization_id", own_org_},
                     {"sbar", {{"situation", "blocked catheter"}, {"recommendation", "change it tonight"}}}};
  EXPECT_EQ(Call("zcc", "POST", handover, sbar.dump(), JsonOnly()).status, 428);
  EXPECT_EQ(Call("zcc", "POST", handover, sbar.dump(), JsonMatching(7)).status, 412);
  json after = Post("zcc", handover, sbar, 201, JsonMatching(1));
  EXPECT_EQ(after["state"], "handed-over");
  const std::string h = after["handovers"].back()["id"];

  // The partner sees it in its inbox and reads the patient (logged).
  json inbox = json::parse(Call("orguser", "GET", "/api/v1/handovers").body);
  ASSERT_EQ(inbox["items"].size(), 1u);
  EXPECT_EQ(inbox["items"][0]["id"], h);
  auto patient = Call("orguser", "GET", "/api/v1/cases/" + id + "/patient?purpose=handover");
  ASSERT_EQ(patient.status, 200) << patient.body;
  EXPECT_EQ(json::parse(patient.body)["bsn"], kBsn);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/cases/" + id + "/patient").status, 403);

  const std::int64_t hv = inbox["items"][0]["version"];
  json accepted = Post("orguser", "/api/v1/handovers/" + h + "/accept", json::object(), 200, JsonMatching(hv));
  EXPECT_EQ(accepted["state"], "accepted");
  EXPECT_EQ(accepted["case"]["state"], "accepted");

  const std::int64_t v = accepted["case"]["version"];
  EXPECT_EQ(Call("zcc", "POST", "/api/v1/cases/" + id + "/triage", R"({"urgency":"U2","complaint":"chest-pain"})",
                 JsonMatching(v))
                .status,
            409)
      << "an accepted case is not triaged again";
  json closed = Post("zcc", "/api/v1/cases/" + id + "/close", {{"outcome", "referred"}}, 200, JsonMatching(v));
  EXPECT_EQ(closed["state"], "closed");
  EXPECT_EQ(closed["outcome"], "referred");

  json open = json::parse(Call("zcc", "GET", "/api/v1/cases?region=ZWN").body);
  EXPECT_TRUE(open["items"].empty());
  json done = json::parse(Call("zcc", "GET", "/api/v1/cases?region=ZWN&state=closed").body);
  ASSERT_EQ(done["items"].size(), 1u);
  EXPECT_EQ(done["items"][0]["id"], id);
}

TEST_P(WorklistApiTest, APartnersContactIsInTheHistoryAndFlagsTheNextRequest) {
  const json contact = {{"bsn", kBsn},
                        {"at", FormatRfc3339(Now() - std::chrono::hours(3))},
                        {"kind", "hap-call"},
                        {"urgency", "U4"},
                        {"advice", "paracetamol, call back when worse"}};
  json stored = Post("feed", "/api/v1/contacts", contact, 201);
  EXPECT_EQ(stored["organization_id"], own_org_);
  EXPECT_FALSE(stored.contains("bsn"));
  EXPECT_EQ(Call("zcc", "POST", "/api/v1/contacts", contact.dump(), JsonOnly()).status, 403);

  json c = Post("zcc", "/api/v1/cases", NewCase(), 201);
  EXPECT_TRUE(c["repeat_contact"].get<bool>()) << "the HAP call 3 hours ago makes it a repeat contact";

  json history = Post("zcc", "/api/v1/contacts:search", {{"bsn", kBsn}, {"purpose", "intake"}}, 200);
  ASSERT_EQ(history["items"].size(), 2u) << history.dump();
  EXPECT_EQ(history["items"][0]["source"], "case");
  EXPECT_EQ(history["items"][0]["case_id"], c["id"]);
  EXPECT_EQ(history["items"][1]["source"], "contact");
  EXPECT_EQ(history["items"][1]["advice"], "paracetamol, call back when worse");
  EXPECT_EQ(history["items"][1]["organization_id"], own_org_);
  EXPECT_EQ(Call("orguser", "POST", "/api/v1/contacts:search", json{{"bsn", kBsn}}.dump(), JsonOnly()).status, 403);
}

TEST_P(WorklistApiTest, ThePrivacyOfficerReadsTheAccessLogAsJsonAndCsv) {
  json c = Post("zcc", "/api/v1/cases", NewCase(), 201);
  const std::string id = c["id"];
  ASSERT_EQ(Call("zcc", "GET", "/api/v1/cases/" + id + "/patient?purpose=triage").status, 200);
  ASSERT_EQ(Call("orguser", "GET", "/api/v1/cases/" + id + "/patient?purpose=curious").status, 403);

  json log = Post("privacy", "/api/v1/access-log:search", {{"bsn", kBsn}}, 200);
  ASSERT_EQ(log["entries"].size(), 3u) << log.dump();
  EXPECT_EQ(log["entries"][0]["outcome"], "denied");
  EXPECT_EQ(log["entries"][0]["actor"], "orguser");
  EXPECT_EQ(log["entries"][0]["purpose"], "curious");
  EXPECT_EQ(log["entries"][1]["action"], "patient.read");
  EXPECT_EQ(log["entries"][2]["action"], "patient.write");
  EXPECT_TRUE(log["next_before_id"].is_null());
  EXPECT_EQ(log.dump().find(kBsn), std::string::npos);

  Headers csv = JsonOnly();
  csv.emplace_back("Accept", "text/csv");
  auto r = Call("privacy", "POST", "/api/v1/access-log:search", json{{"case_id", id}}.dump(), csv);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "text/csv; charset=utf-8");
  std::vector<std::string> lines;
  for (size_t at = 0; at < r.body.size();) {
    size_t end = r.body.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    lines.push_back(r.body.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 4u) << r.body;
  EXPECT_EQ(lines[0], "id,at,actor,role,organization_id,case_id,action,purpose,outcome,break_glass,request_id");
  EXPECT_NE(lines[1].find(",orguser,org-user,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(",denied,false,"), std::string::npos) << lines[1];

  // The officer's search is audited, without the BSN.
  json audit = json::parse(Call("admin", "GET", "/api/v1/audit").body);
  bool found = false;
  for (const auto& a : audit["items"]) {
    if (a["action"] == "access-log.search") {
      found = true;
      EXPECT_EQ(a.dump().find(kBsn), std::string::npos);
    }
  }
  EXPECT_TRUE(found) << audit.dump().substr(0, 1000);
}

TEST_P(WorklistApiTest, BreakGlassIsGrantedForAReasonAndReviewedOnce) {
  json c = Post("zcc", "/api/v1/cases", NewCase(), 201);
  const std::string id = c["id"];
  EXPECT_EQ(Call("admin", "GET", "/api/v1/cases/" + id + "/patient").status, 403);
  EXPECT_EQ(Call("admin", "POST", "/api/v1/cases/" + id + "/break-glass", "{}", JsonOnly()).status, 422);
  json grant = Post("admin", "/api/v1/cases/" + id + "/break-glass", {{"reason", "coordinator unreachable"}}, 201);
  EXPECT_EQ(Call("admin", "GET", "/api/v1/cases/" + id + "/patient").status, 200);

  json list = json::parse(Call("privacy", "GET", "/api/v1/break-glass").body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], grant["id"]);
  EXPECT_EQ(list["items"][0]["region_id"], "ZWN");
  const std::string review = "/api/v1/break-glass/" + std::to_string(grant["id"].get<std::int64_t>()) + "/review";
  EXPECT_EQ(Call("zcc", "POST", review).status, 403);
  json reviewed = Post("privacy", review, json::object(), 200);
  EXPECT_EQ(reviewed["reviewed_by"], "privacy");
  EXPECT_EQ(Call("privacy", "POST", review).status, 409);
  EXPECT_TRUE(json::parse(Call("privacy", "GET", "/api/v1/break-glass").body)["items"].empty());
  EXPECT_EQ(Call("privacy", "POST", "/api/v1/break-glass/abc/review").status, 404);
}

INSTANTIATE_TEST_SUITE_P(, WorklistApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
