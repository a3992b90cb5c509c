// Spreading plans over HTTP on both stores: propose (201, Location, ETag)
// from the live capacity with stale units listed, the live `spreading`
// event, the list, re-solve and approve with If-Match (428, 412), the
// transfers approval makes on the transfer board, 409 the second time, who
// may (hospital users and other regions 403, viewers read), and bad input
// named by field with nothing stored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

class SpreadingApiTest : public ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Live IC figures of three hospitals; every other unit is unreported (stale).
    // Maasstad keeps half its IC for the region: 10 − 4 − 5 = 1 open place.
    for (const auto& [unit, staffed, occupied] :
         {std::tuple{"erasmusmc-ic", 30, 30}, std::tuple{"maasstad-ic", 10, 4}, std::tuple{"ikazia-ic", 8, 2}}) {
      const json beds = {
          {"beds",
           {{"total", staffed}, {"staffed", staffed}, {"occupied", occupied}, {"available", staffed - occupied}}}};
      auto r = Call("coordinator", "PUT", std::string("/api/v1/units/") + unit + "/capacity", beds.dump());
      ASSERT_EQ(r.status, 200) << unit << ": " << r.body;
    }
  }
  static Headers JsonMatching(std::int64_t version) {
    return {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version) + "\""}};
  }
  static const Headers& JsonOnly() {
    static const Headers h = {{"Content-Type", "application/json"}};
    return h;
  }
  static json NewPlan() {
    json patients = json::array();
    for (const char* id : {"P1", "P2"}) {
      patients.push_back({{"id", id},
                          {"from_organization", "erasmusmc"},
                          {"from_unit", "erasmusmc-ic"},
                          {"needs", "ic"},
                          {"label", "IC-patiënt beademd"}});
    }
    return {{"patients", patients}, {"note", "drukte Erasmus MC"}};
  }
  json Post(const std::string& who, const std::string& target, const json& body, int status,
            const Headers& headers = JsonOnly()) {
    auto r = Call(who, "POST", target, body.is_null() ? "" : body.dump(), headers);
    EXPECT_EQ(r.status, status) << who << " " << target << ": " << r.body.substr(0, 600);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
  json Get(const std::string& who, const std::string& target, int status = 200) {
    auto r = Call(who, "GET", target);
    EXPECT_EQ(r.status, status) << who << " " << target << ": " << r.body.substr(0, 600);
    json out = json::parse(r.body, nullptr, false);
    return out.is_discarded() ? json() : out;
  }
  static bool Names(const json& problem, const std::string& field) {
    for (const auto& e : problem.value("errors", json::array())) {
      if (e.value("field", "") == field) return true;
    }
    return false;
  }
};

TEST_P(SpreadingApiTest, ProposeResolveApproveIntoTransfers) {
  SseClient sse(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("viewer")}});
  ASSERT_EQ(sse.status(), 200);

  auto created = Call("zcc", "POST", "/api/v1/spreading/plans", NewPlan().dump(), JsonOnly());
  ASSERT_EQ(created.status, 201) << created.body;
  const json p = json::parse(created.body);
  const std::string id = p["id"];
  EXPECT_EQ(id.rfind("sp-", 0), 0u) << id;
  EXPECT_EQ(created.Header("etag").value_or(""), "\"1\"");
  EXPECT_NE(created.Header("location").value_or("").find("/api/v1/spreading/plans/" + id), std::string::npos);
  EXPECT_EQ(p["state"], "proposed");
  EXPECT_EQ(p["owner_region"], "ZWN");
  EXPECT_EQ(p["regions"], json::array({"ZWN"}));
  EXPECT_EQ(p["created_by"], "zcc");
  EXPECT_EQ(p["note"], "drukte Erasmus MC");
  EXPECT_TRUE(p["approved_by"].is_null());
  EXPECT_EQ(p["request"]["patients"][0]["label"], "IC-patiënt beademd");
  EXPECT_EQ(p["request"]["policy"]["road_factor"], 1.3);
  // The instance: every ZWN hospital, with its live IC.
  json maasstad, ikazia;
  for (const auto& h : p["hospitals"]) {
    if (h["id"] == "maasstad") maasstad = h;
    if (h["id"] == "ikazia") ikazia = h;
  }
  EXPECT_EQ(p["hospitals"].size(), 11u);
  ASSERT_TRUE(maasstad.is_object());
  EXPECT_TRUE(maasstad["regional_function"].get<bool>());
  EXPECT_EQ(maasstad["capacity"]["ic"], json({{"staffed", 10}, {"occupied", 4}, {"stale", false}}));
  EXPECT_TRUE(maasstad["capacity"]["ward"]["stale"].get<bool>()) << "no ward reported";
  ASSERT_TRUE(ikazia.is_object());
  EXPECT_FALSE(ikazia["regional_function"].get<bool>());
  bool listed = false;
  for (const auto& u : p["left_out_units"]) {
    if (u["unit"] == "maasstad-w-interne") {
      listed = true;
      EXPECT_EQ(u, json({{"unit", "maasstad-w-interne"},
                         {"organization", "maasstad"},
                         {"care_type", "ward"},
                         {"reason", "stale"}}));
    }
    EXPECT_NE(u["unit"], "ikazia-ic") << "a live unit is not left out";
  }
  EXPECT_TRUE(listed);
  // The plan as `openzcc spread` writes it: both to the open places (ikazia 6, maasstad 1).
  const json& plan = p["plan"];
  EXPECT_EQ(plan["status"], "optimal");
  ASSERT_EQ(plan["assignments"].size(), 2u);
  for (const auto& a : plan["assignments"]) {
    EXPECT_TRUE(a["hospital"] == "ikazia" || a["hospital"] == "maasstad") << a.dump();
    EXPECT_EQ(a["care_type"], "ic");
  }
  EXPECT_TRUE(p["transfers"].empty());

  auto e = sse.Next(std::chrono::seconds(10));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, "spreading");
  EXPECT_EQ(json::parse(e->data), json({{"id", id}, {"version", 1}, {"state", "proposed"}, {"owner_region", "ZWN"}}));

  // The list and the plan as stored.
  json list = Get("viewer", "/api/v1/spreading/plans?region=ZWN&state=proposed");
  ASSERT_EQ(list["plans"].size(), 1u);
  EXPECT_EQ(list["plans"][0]["id"], id);
  EXPECT_EQ(list["plans"][0]["patients"], 2);
  EXPECT_EQ(list["plans"][0]["placed"], 2);
  EXPECT_EQ(Get("viewer", "/api/v1/spreading/plans?state=approved")["plans"].size(), 0u);
  json got = Get("viewer", "/api/v1/spreading/plans/" + id);
  EXPECT_EQ(got["plan"], plan);
  EXPECT_EQ(got["hospitals"], p["hospitals"]);

  // Re-solve: If-Match required and current; a forbid moves a patient.
  Post("zcc", "/api/v1/spreading/plans/" + id + "/solve", json::object(), 428);
  Post("zcc", "/api/v1/spreading/plans/" + id + "/solve", json::object(), 412, JsonMatching(5));
  json bad = Post("zcc", "/api/v1/spreading/plans/" + id + "/solve",
                  {{"forbids", {{{"patient", "P1"}, {"hospital", "nowhere"}}}}}, 400, JsonMatching(1));
  EXPECT_TRUE(Names(bad, "forbids[0].hospital")) << bad.dump();
  json again = Post("zcc", "/api/v1/spreading/plans/" + id + "/solve",
                    {{"pins", {{{"patient", "P1"}, {"hospital", "ikazia"}}}}}, 200, JsonMatching(1));
  EXPECT_EQ(again["version"], 2);
  EXPECT_EQ(again["request"]["pins"], json::array({{{"patient", "P1"}, {"hospital", "ikazia"}}}));

  // Approve: the transfers on the board, announced; once only.
  json approved = Post("coordinator", "/api/v1/spreading/plans/" + id + "/approve", json(), 200, JsonMatching(2));
  EXPECT_EQ(approved["state"], "approved");
  EXPECT_EQ(approved["version"], 3);
  EXPECT_EQ(approved["approved_by"], "coordinator");
  ASSERT_EQ(approved["transfers"].size(), 2u) << approved.dump();
  EXPECT_TRUE(approved["not_transferred"].empty());
  for (const auto& t : approved["transfers"]) {
    json tr = Get("coordinator", "/api/v1/transfers/" + t["transfer"].get<std::string>());
    EXPECT_EQ(tr["state"], "requested");
    EXPECT_EQ(tr["reason"], "Spreiding " + id);
    EXPECT_EQ(tr["approval"], "not-required") << "the region is not in a crisis";
    EXPECT_EQ(tr["from_unit_id"], "erasmusmc-ic");
    EXPECT_TRUE(tr["to_unit_id"] == "ikazia-ic" || tr["to_unit_id"] == "maasstad-ic") << tr.dump();
  }
  std::vector<std::string> kinds;
  for (int i = 0; i < 3; ++i) {
    auto next = sse.Next(std::chrono::seconds(10));
    ASSERT_TRUE(next.has_value()) << "event " << i;
    kinds.push_back(next->event);
  }
  // The re-solve's event, the approval's two transfers, then the approval.
  EXPECT_EQ(kinds, (std::vector<std::string>{"spreading", "transfer", "transfer"}));
  auto last = sse.Next(std::chrono::seconds(10));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->event, "spreading");
  EXPECT_EQ(json::parse(last->data)["state"], "approved");
  Post("coordinator", "/api/v1/spreading/plans/" + id + "/approve", json(), 409, JsonMatching(3));
  Post("coordinator", "/api/v1/spreading/plans/" + id + "/discard", json(), 409, JsonMatching(3));
}

// In a crisis that requires the coordinator's approval of every transfer,
// the coordinator who approves the plan approves its transfers with it.
TEST_P(SpreadingApiTest, InACrisisThePlansTransfersAreApprovedWithIt) {
  auto crisis =
      Call("zcc", "PUT", "/api/v1/regions/ZWN/phase", R"({"phase":"crisis","rationale":"IC full"})", JsonMatching(0));
  ASSERT_EQ(crisis.status, 200) << crisis.body;
  json p = Post("zcc", "/api/v1/spreading/plans", NewPlan(), 201);
  json approved = Post("coordinator", "/api/v1/spreading/plans/" + p["id"].get<std::string>() + "/approve", json(), 200,
                       JsonMatching(1));
  ASSERT_EQ(approved["transfers"].size(), 2u) << approved.dump();
  for (const auto& t : approved["transfers"]) {
    json tr = Get("coordinator", "/api/v1/transfers/" + t["transfer"].get<std::string>());
    EXPECT_EQ(tr["approval"], "approved");
    EXPECT_EQ(tr["approved_by"], "coordinator");
    EXPECT_EQ(tr["version"], 1) << "approved as it is made";
  }
}

TEST_P(SpreadingApiTest, DiscardAndWhoMay) {
  Post("orguser", "/api/v1/spreading/plans", NewPlan(), 403);
  Post("viewer", "/api/v1/spreading/plans", NewPlan(), 403);
  json other_region = NewPlan();
  other_region["regions"] = {"DEMO2"};
  Post("coordinator", "/api/v1/spreading/plans", other_region, 403);
  json p = Post("coordinator", "/api/v1/spreading/plans", NewPlan(), 201);
  const std::string id = p["id"];
  Get("orguser", "/api/v1/spreading/plans/" + id, 403);
  Get("demo2-coordinator", "/api/v1/spreading/plans/" + id, 403);
  Get("viewer", "/api/v1/spreading/plans/" + id);
  Get("orguser", "/api/v1/spreading/plans?region=ZWN", 403);
  Post("viewer", "/api/v1/spreading/plans/" + id + "/discard", json(), 403, JsonMatching(1));
  json discarded = Post("zcc", "/api/v1/spreading/plans/" + id + "/discard", json(), 200, JsonMatching(1));
  EXPECT_EQ(discarded["state"], "discarded");
  Post("zcc", "/api/v1/spreading/plans/" + id + "/solve", json::object(), 409, JsonMatching(2));
  Get("zcc", "/api/v1/spreading/plans/sp-none", 404);
  Get("zcc", "/api/v1/spreading/plans?state=bogus", 400);
}

TEST_P(SpreadingApiTest, BadInputNamesTheFieldAndStoresNothing) {
  const std::string before = StoreFingerprint();
  json pins = NewPlan();
  pins["pins"] = {{{"patient", "P1"}, {"hospital", "nowhere"}}};
  json r = Post("zcc", "/api/v1/spreading/plans", pins, 400);
  EXPECT_TRUE(Names(r, "pins[0].hospital")) << r.dump();
  json dup = NewPlan();
  dup["patients"][1]["id"] = "P1";
  r = Post("zcc", "/api/v1/spreading/plans", dup, 400);
  EXPECT_TRUE(Names(r, "patients[1].id")) << r.dump();
  json needs = NewPlan();
  needs["patients"][0]["needs"] = "elv";
  r = Post("zcc", "/api/v1/spreading/plans", needs, 400);
  EXPECT_TRUE(Names(r, "patients[0].needs")) << r.dump();
  json unknown = NewPlan();
  unknown["extra"] = 1;
  r = Post("zcc", "/api/v1/spreading/plans", unknown, 400);
  EXPECT_TRUE(Names(r, "extra")) << r.dump();
  json unit = NewPlan();
  unit["patients"][0]["from_unit"] = "maasstad-ic";
  r = Post("zcc", "/api/v1/spreading/plans", unit, 400);
  EXPECT_TRUE(Names(r, "patients[0].from_unit")) << r.dump();
  json region = NewPlan();
  region["regions"] = {"NOPE"};
  r = Post("admin", "/api/v1/spreading/plans", region, 400);
  EXPECT_TRUE(Names(r, "regions[0]")) << r.dump();
  EXPECT_EQ(StoreFingerprint(), before);
  EXPECT_EQ(Get("zcc", "/api/v1/spreading/plans")["plans"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(, SpreadingApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
