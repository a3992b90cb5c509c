// Two OpenZCC instances on one PostgreSQL database behave as one system: a
// write on one reaches the live streams and the snapshot of the other, a
// sign-out on one ends the session on both, and the second keeps following
// after its change-feed connection is lost. (SQLite is one process's store:
// these run on PostgreSQL only.) The worklist's events travel the same way.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "store/postgres/postgres_store.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

const std::string kBeds = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3}})";

// A second server on the fixture's database. Its snapshots never age out by
// time (1 h), so only the change feed can refresh them.
struct Instance {
  explicit Instance(const std::string& url) {
    auto opened = OpenStore(url);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return;
    store = std::move(*opened);
    api::ApiOptions ao;
    ao.snapshot_max_age = std::chrono::hours(1);
    api = std::make_unique<api::Api>(*store, ao);
    api->Register(router);
    http::ServerOptions so;
    so.port = 0;
    so.worker_threads = 4;
    so.access_log = false;
    so.sse_heartbeat_s = 1;
    server = std::make_unique<http::Server>(so, router);
    EXPECT_TRUE(server->Start().ok());
    client = std::make_unique<TestClient>(server->port());
  }
  ~Instance() {
    client.reset();
    if (api) api->Shutdown();
    if (server) server->Stop(2);
    server.reset();
    api.reset();
    store.reset();
  }
  std::unique_ptr<Store> store;
  http::Router router;
  std::unique_ptr<api::Api> api;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<TestClient> client;
};

class MultiInstanceTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    b_ = std::make_unique<Instance>(store_url_);
    ASSERT_TRUE(b_->client);
  }
  void TearDown() override {
    b_.reset();
    ApiFixture::TearDown();
  }
  // A request to instance B with `user`'s session (signed in on A: sessions live in the database).
  HttpResponse CallB(const std::string& user, const std::string& method, const std::string& target,
                     const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + TokenFor(user)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return b_->client->Request(method, target, body, headers);
  }
  // Polls GET /api/v1/auth/me with `user`'s credentials on both instances
  // until both refuse them, for at most 10 s (the auth cache alone would keep
  // them for 30 s). Returns the last statuses on A and on B.
  std::pair<int, int> StatusesUntilRefusedOnBoth(const std::string& user) {
    int on_a = 200, on_b = 200;
    for (int i = 0; i < 100 && (on_a == 200 || on_b == 200); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      on_a = Call(user, "GET", "/api/v1/auth/me").status;
      on_b = CallB(user, "GET", "/api/v1/auth/me").status;
    }
    return {on_a, on_b};
  }
  std::unique_ptr<SseClient> StreamB(const std::string& user) {
    auto sse = std::make_unique<SseClient>(
        b_->server->port(), "/api/v1/events?region=ZWN",
        std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + TokenFor(user)}});
    EXPECT_EQ(sse->status(), 200);
    return sse;
  }
  std::int64_t SnapshotVersionB() {
    auto r = CallB("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["version"].get<std::int64_t>() : -1;
  }
  // Next capacity event on the stream (skipping none: the test knows what comes).
  static json NextCapacity(SseClient& sse) {
    auto e = sse.Next(std::chrono::seconds(10));
    if (!e) {
      ADD_FAILURE() << "no event within 10 s";
      return json();
    }
    EXPECT_EQ(e->event, "capacity") << e->data;
    json data = json::parse(e->data);
    EXPECT_EQ(e->id, std::to_string(data["version"].get<std::int64_t>()));
    return data;
  }
  std::unique_ptr<Instance> b_;
};

TEST_P(MultiInstanceTest, WriteOnOneReachesTheStreamsAndSnapshotOfTheOther) {
  const std::int64_t before = SnapshotVersionB();  // cached on B from here on
  auto sse = StreamB("viewer");
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  auto put = Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
  ASSERT_EQ(put.status, 200) << put.body;
  const std::int64_t version = json::parse(put.body)["version"].get<std::int64_t>();
  EXPECT_GT(version, before);

  json event = NextCapacity(*sse);
  EXPECT_EQ(event["unit_id"], unit);
  EXPECT_EQ(event["version"], version);
  EXPECT_EQ(event["beds"]["available"], 3);
  EXPECT_EQ(SnapshotVersionB(), version);  // not the cached one
}

// Writes on both instances at once: each stream gets every version exactly once.
TEST_P(MultiInstanceTest, StreamsOfBothInstancesGetEveryWriteOnce) {
  auto on_b = StreamB("viewer");
  SseClient on_a(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("viewer")}});
  ASSERT_EQ(on_a.status(), 200);
  const std::string ic = UnitOf(own_org_, UnitType::kIc);
  const std::string ward = UnitOf(other_org_, UnitType::kIc);
  const std::string token = TokenFor("coordinator");
  constexpr int kEach = 15;
  auto writer = [&](std::uint16_t port, const std::string& unit) {
    TestClient c(port);
    for (int i = 0; i < kEach; ++i) {
      auto r = c.Request("PUT", "/api/v1/units/" + unit + "/capacity", kBeds,
                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 200) << r.body;
    }
  };
  std::thread ta(writer, server_->port(), ic);
  std::thread tb(writer, b_->server->port(), ward);
  ta.join();
  tb.join();
  const std::int64_t last = Version();
  ASSERT_EQ(last, 2 * kEach);
  for (SseClient* sse : {on_b.get(), &on_a}) {
    std::multiset<std::int64_t> seen;
    while (seen.size() < static_cast<size_t>(2 * kEach)) {
      json e = NextCapacity(*sse);
      if (e.is_null()) break;
      seen.insert(e["version"].get<std::int64_t>());
    }
    std::multiset<std::int64_t> want;
    for (std::int64_t v = 1; v <= last; ++v) want.insert(v);
    EXPECT_EQ(seen, want);
    EXPECT_FALSE(sse->Next(std::chrono::milliseconds(300)).has_value()) << "an event came twice";
  }
}

// The worklist is live on every instance: a case made on A, a capacity
// report and a handover reach B's stream in one gap-free order; the partner's
// answer on B reaches A's. No event carries patient data.
TEST_P(MultiInstanceTest, WorklistEventsReachTheOtherInstanceInOrder) {
  auto on_b = StreamB("zcc");
  SseClient on_a(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("zcc")}});
  ASSERT_EQ(on_a.status(), 200);
  const std::vector<std::pair<std::string, std::string>> as_zcc = {{"Authorization", "Bearer " + TokenFor("zcc")},
                                                                   {"Content-Type", "application/json"}};
  const json request = {{"region_id", "ZWN"},
                        {"channel", "hap"},
                        {"summary", "katheter verstopt"},
                        {"urgency", "U3"},
                        {"complaint", "catheter-problem"},
                        {"patient", {{"bsn", "111222333"}, {"name", "J. Jansen"}}},
                        {"legal_basis", "consent"}};
  auto created = client_->Request("POST", "/api/v1/cases", request.dump(), as_zcc);
  ASSERT_EQ(created.status, 201) << created.body;
  const json c = json::parse(created.body);
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity", kBeds).status,
            200);
  auto headers = as_zcc;
  headers.emplace_back("If-Match", "\"1\"");
  const json sbar = {{"to_organization_id", own_org_}, {"sbar", {{"situation", "s"}, {"recommendation", "r"}}}};
  auto handed =
      client_->Request("POST", "/api/v1/cases/" + c["id"].get<std::string>() + "/handovers", sbar.dump(), headers);
  ASSERT_EQ(handed.status, 201) << handed.body;
  const json h = json::parse(handed.body)["handovers"].back();

  std::vector<std::string> kinds;
  std::int64_t last = 0;
  for (int i = 0; i < 3; ++i) {
    auto e = on_b->Next(std::chrono::seconds(10));
    ASSERT_TRUE(e.has_value()) << "event " << i << " did not reach B";
    EXPECT_EQ(e->data.find("111222333"), std::string::npos) << e->data;
    EXPECT_EQ(e->data.find("Jansen"), std::string::npos) << e->data;
    const std::int64_t v = std::stoll(e->id);
    EXPECT_EQ(v, last + 1) << "gap-free order";
    last = v;
    kinds.push_back(e->event);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"case", "capacity", "handover"}));

  // The partner answers on B; A's stream sees it.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(on_a.Next(std::chrono::seconds(10)).has_value());
  const std::string accept = "/api/v1/handovers/" + h["id"].get<std::string>() + "/accept";
  auto answered = b_->client->Request("POST", accept, "",
                                      {{"Authorization", "Bearer " + TokenFor("orguser")},
                                       {"If-Match", "\"" + std::to_string(h["version"].get<std::int64_t>()) + "\""}});
  ASSERT_EQ(answered.status, 200) << answered.body;
  auto e = on_a.Next(std::chrono::seconds(10));
  ASSERT_TRUE(e.has_value()) << "the answer on B did not reach A";
  EXPECT_EQ(e->event, "handover");
  const json data = json::parse(e->data);
  EXPECT_EQ(std::stoll(e->id), last + 1);
  EXPECT_EQ(data["handover"]["state"], "accepted") << e->data;
  EXPECT_EQ(data["state"], "accepted") << e->data;
}

TEST_P(MultiInstanceTest, TransferEventsAndTheirArrivalReachTheOtherInstance) {
  auto on_b = StreamB("viewer");
  const std::string from_unit = UnitOf(own_org_, UnitType::kIc);
  const std::string to_unit = UnitOf(other_org_, UnitType::kIc);
  ASSERT_EQ(Call("coordinator", "PUT", "/api/v1/units/" + to_unit + "/capacity", kBeds).status, 200);
  (void)NextCapacity(*on_b);
  const json request = {{"from_organization_id", own_org_},
                        {"from_unit_id", from_unit},
                        {"to_organization_id", other_org_},
                        {"to_unit_id", to_unit},
                        {"care_type", "ic"},
                        {"reason", "spreading"},
                        {"patient", {{"bsn", "111222333"}, {"name", "J. Jansen"}}}};
  auto created =
      Call("coordinator", "POST", "/api/v1/transfers", request.dump(), {{"Content-Type", "application/json"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  std::int64_t version = 1;
  for (const char* to : {"accepted", "planned", "en-route", "arrived"}) {
    auto r = Call("coordinator", "POST", "/api/v1/transfers/" + id + "/transition", json{{"to", to}}.dump(),
                  {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version++) + "\""}});
    ASSERT_EQ(r.status, 200) << to << ": " << r.body;
  }
  // Requested … en route, then the receiving unit's report (the sending unit
  // had none: no report, a note) and the arrival; in order, no patient data.
  std::vector<std::string> seen;
  std::int64_t last = 0;
  for (int i = 0; i < 6; ++i) {
    auto e = on_b->Next(std::chrono::seconds(10));
    ASSERT_TRUE(e.has_value()) << "event " << i << " did not reach B";
    EXPECT_EQ(e->data.find("111222333"), std::string::npos) << e->data;
    EXPECT_EQ(e->data.find("Jansen"), std::string::npos) << e->data;
    const std::int64_t v = std::stoll(e->id);
    if (last != 0) {
      EXPECT_EQ(v, last + 1) << "gap-free order";
    }
    last = v;
    const json data = json::parse(e->data);
    seen.push_back(e->event + ":" +
                   (e->event == "transfer" ? data["state"].get<std::string>() : data["source"].get<std::string>()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"transfer:requested", "transfer:accepted", "transfer:planned",
                                            "transfer:en-route", "capacity:transfer", "transfer:arrived"}));
}

TEST_P(MultiInstanceTest, PhaseAndPlacementEventsReachTheOtherInstance) {
  auto on_b = StreamB("viewer");
  // A crisis with approval, declared on A: the acceptance's transfer then awaits approval.
  auto crisis = Call("coordinator", "PUT", "/api/v1/regions/ZWN/phase", R"({"phase":"crisis","rationale":"IC full"})",
                     {{"Content-Type", "application/json"}, {"If-Match", "\"0\""}});
  ASSERT_EQ(crisis.status, 200) << crisis.body;
  const json request = {{"from_organization_id", own_org_},
                        {"from_unit_id", UnitOf(own_org_, UnitType::kIc)},
                        {"care_type", "elv-high"},
                        {"earliest_date", FormatIsoDate(Date{std::chrono::floor<std::chrono::days>(Now())})}};
  const std::vector<std::pair<std::string, std::string>> json_only = {{"Content-Type", "application/json"}};
  auto created = Call("coordinator", "POST", "/api/v1/placements", request.dump(), json_only);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  auto offered = Call("coordinator", "POST", "/api/v1/placements/" + id + "/offers",
                      json{{"offers", {{{"organization_id", "aafje"}, {"unit_id", "aafje-elv-high"}}}}}.dump(),
                      {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  ASSERT_EQ(offered.status, 200) << offered.body;
  const std::string offer = json::parse(offered.body)["offers"][0]["id"];
  auto accepted = Call("coordinator", "POST", "/api/v1/placements/" + id + "/offers/" + offer + "/answer",
                       json{{"accept", true}}.dump(), {{"Content-Type", "application/json"}, {"If-Match", "\"2\""}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  // Written on A, replayed on B from the store: in order, without gaps.
  std::vector<std::string> seen;
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    auto e = on_b->Next(std::chrono::seconds(10));
    ASSERT_TRUE(e.has_value()) << "event " << i << " did not reach B";
    const std::int64_t v = std::stoll(e->id);
    if (last != 0) {
      EXPECT_EQ(v, last + 1) << "gap-free order";
    }
    last = v;
    const json data = json::parse(e->data);
    if (e->event == "placement") {
      EXPECT_EQ(data["id"], id);
    }
    if (e->event == "transfer") {
      EXPECT_EQ(data["approval"], "pending");
    }
    seen.push_back(e->event + ":" + data.value("state", data.value("phase", "")));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"phase:crisis", "placement:waiting", "placement:offered",
                                            "transfer:accepted", "placement:offered"}));
}

TEST_P(MultiInstanceTest, SignOutOnOneEndsTheSessionOnBoth) {
  ASSERT_EQ(CallB("viewer", "GET", "/api/v1/auth/me").status, 200);  // now cached on B
  ASSERT_EQ(Call("viewer", "POST", "/api/v1/auth/logout").status, 204);
  int status = 200;
  for (int i = 0; i < 100 && status == 200; ++i) {  // the cache would keep it for 30 s
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = CallB("viewer", "GET", "/api/v1/auth/me").status;
  }
  EXPECT_EQ(status, 401);
}

// A live stream held on B ends when its session signs out on A (through the
// change feed), well before B's periodic check of open streams would find it.
TEST_P(MultiInstanceTest, SignOutOnOneEndsTheSessionsStreamsOnTheOther) {
  const std::string token = NewSession("viewer"), other = NewSession("viewer");
  auto stream = [&](const std::string& t) {
    return std::make_unique<SseClient>(
        b_->server->port(), "/api/v1/events?region=ZWN",
        std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + t}});
  };
  auto s = stream(token), kept = stream(other);
  ASSERT_EQ(s->status(), 200);
  ASSERT_EQ(kept->status(), 200);
  ASSERT_EQ(client_->Request("POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + token}}).status, 204);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!s->closed() && std::chrono::steady_clock::now() < deadline) (void)s->Next(std::chrono::milliseconds(100));
  EXPECT_TRUE(s->closed()) << "the signed-out session's stream on B is still open";
  EXPECT_FALSE(kept->closed()) << "another session of the same user keeps its stream";
}

// `openzcc user disable` (here: the store call it makes) ends every session of
// the account on every instance at once, not after the 30 s auth cache.
TEST_P(MultiInstanceTest, DisablingAUserEndsTheirSessionsEverywhere) {
  ASSERT_EQ(CallB("viewer", "GET", "/api/v1/auth/me").status, 200);  // cached on B
  ASSERT_EQ(Call("viewer", "GET", "/api/v1/auth/me").status, 200);   // and on A
  ASSERT_TRUE(store_->DisableUser("viewer", ToolAudit("test", "user.disable", "viewer")).ok());
  const auto [on_a, on_b] = StatusesUntilRefusedOnBoth("viewer");
  EXPECT_EQ(on_a, 401);
  EXPECT_EQ(on_b, 401);
}

// `openzcc token revoke` (the store call it makes): the feed token is refused
// on every instance at once, not after the 30 s auth cache.
TEST_P(MultiInstanceTest, RevokingAFeedTokenRefusesItEverywhere) {
  ASSERT_EQ(CallB("feed", "GET", "/api/v1/auth/me").status, 200);  // cached on B
  ASSERT_EQ(Call("feed", "GET", "/api/v1/auth/me").status, 200);   // and on A
  auto n = store_->RevokeFeedTokens(own_org_, "hix", ToolAudit("test", "token.revoke", own_org_ + "/hix"));
  ASSERT_TRUE(n.ok()) << n.status().message();
  ASSERT_EQ(*n, 1);
  const auto [on_a, on_b] = StatusesUntilRefusedOnBoth("feed");
  EXPECT_EQ(on_a, 401);
  EXPECT_EQ(on_b, 401);
}

TEST_P(MultiInstanceTest, RegionImportOnOneRefreshesTheSnapshotOfTheOther) {
  SnapshotVersionB();
  RegionData renamed = zwn_;
  renamed.units[0].name = "Hernoemd via de andere instantie";
  ASSERT_TRUE(store_->ImportRegion(renamed, ToolAudit("test", "region.import", "ZWN")).ok());
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    auto r = CallB("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
    seen = r.body.find(renamed.units[0].name) != std::string::npos;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen);
}

// B's connections are terminated (as in a database fail-over): its feed
// reconnects, catches up what it missed and follows new writes.
TEST_P(MultiInstanceTest, FollowsAgainAfterItsFeedConnectionIsLost) {
  auto sse = StreamB("viewer");
  auto* pg = dynamic_cast<postgres::PostgresStore*>(b_->store.get());
  ASSERT_NE(pg, nullptr);
  for (int pid : pg->BackendPids()) {
    EXPECT_EQ(PgAdminExec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "");
  }
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  for (int i = 1; i <= 3; ++i) {
    auto put = Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
    ASSERT_EQ(put.status, 200) << put.body;
  }
  for (std::int64_t v = 1; v <= 3; ++v) EXPECT_EQ(NextCapacity(*sse)["version"], v);
  EXPECT_EQ(SnapshotVersionB(), 3);
}

INSTANTIATE_TEST_SUITE_P(, MultiInstanceTest, ::testing::Values(std::string("postgres")), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
