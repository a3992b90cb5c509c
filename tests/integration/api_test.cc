// The capacity API end to end: a real server on a free port, real HTTP, a
// real store (each test on SQLite and on PostgreSQL, see ApiFixture). Every
// write path is also driven with bad input, and the store must be unchanged
// afterwards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/events.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

const std::string kBeds = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3},"note":"test"})";

json Body(const HttpResponse& r) { return json::parse(r.body); }

// The problem+json names this field.
::testing::AssertionResult NamesField(const HttpResponse& r, const std::string& field) {
  if (r.Header("content-type").value_or("").find("application/problem+json") == std::string::npos) {
    return ::testing::AssertionFailure() << "not problem+json: " << r.status << " " << r.body;
  }
  for (const auto& e : Body(r).value("errors", json::array())) {
    if (e.value("field", "") == field) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no error for field " << field << " in " << r.body;
}

class ApiTest : public ApiFixture {};

TEST_P(ApiTest, HealthReadyMetrics) {
  EXPECT_EQ(Call("", "GET", "/healthz").status, 200);
  EXPECT_EQ(Call("", "GET", "/readyz").status, 200);
  auto m = Call("", "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("openzcc_capacity_reports_total"), std::string::npos);

  // The replay ring's size is visible: one committed report keeps one event.
  const double events = Metric("openzcc_event_replay_events"), bytes = Metric("openzcc_event_replay_bytes");
  ASSERT_GE(events, 0);
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity", kBeds).status,
            200);
  EXPECT_EQ(Metric("openzcc_event_replay_events"), events + 1);
  EXPECT_GT(Metric("openzcc_event_replay_bytes"), bytes + 100);  // a capacity event is a unit row of JSON
}

TEST_P(ApiTest, LoginMeLogout) {
  auto bad = Call("", "POST", "/api/v1/auth/login", R"({"username":"viewer","password":"wrong-password"})");
  EXPECT_EQ(bad.status, 401);
  auto missing = Call("", "POST", "/api/v1/auth/login", R"({"username":"viewer"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_TRUE(NamesField(missing, "password"));

  auto ok = Call("", "POST", "/api/v1/auth/login", json{{"username", "manager"}, {"password", kPassword}}.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto cookie = ok.Header("set-cookie").value_or("");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string token = Body(ok)["token"];

  // The cookie works as well as the Bearer header.
  auto me = client_->Request("GET", "/api/v1/auth/me", "", {{"Cookie", "ozcc_session=" + token}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Body(me)["role"], "org-capacity-manager");
  EXPECT_EQ(Body(me)["organization_id"], own_org_);

  auto out = client_->Request("POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(out.status, 204);
  auto after = client_->Request("GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.Header("content-type").value_or(""), "application/problem+json");
}

TEST_P(ApiTest, RepeatedFailedSignInsAreThrottledAndAudited) {
  const std::string wrong = json{{"username", "viewer"}, {"password", "wrong-password"}}.dump();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("", "POST", "/api/v1/auth/login", wrong).status, 401) << i;
  // Even the right password waits now.
  auto right = json{{"username", "viewer"}, {"password", kPassword}}.dump();
  auto throttled = Call("", "POST", "/api/v1/auth/login", right);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.Header("retry-after").value_or(""), "1");
  // Another account from the same address is not held up by this one.
  EXPECT_EQ(
      Call("", "POST", "/api/v1/auth/login", json{{"username", "manager"}, {"password", kPassword}}.dump()).status,
      200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Call("", "POST", "/api/v1/auth/login", right).status, 200);
  // Every attempt is in the audit log.
  const json records = Body(Call("admin", "GET", "/api/v1/audit?limit=1000"));
  int failed = 0, throttled_n = 0, ok = 0;
  for (const auto& a : records["items"]) {
    if (a["action"] != "auth.login" || a["object"] != "viewer") continue;
    const std::string outcome = a["outcome"];
    (outcome == "failed" ? failed : outcome == "throttled" ? throttled_n : ok)++;
  }
  EXPECT_EQ(failed, 5);
  EXPECT_EQ(throttled_n, 1);
  EXPECT_EQ(ok, 1);
}

TEST_P(ApiTest, SnapshotNeedsSignInAndIsCachedWithEtag) {
  EXPECT_EQ(Call("", "GET", "/api/v1/capacity/snapshot?region=ZWN").status, 401);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/capacity/snapshot?region=DEMO2").status, 403);
  EXPECT_EQ(Call("admin", "GET", "/api/v1/capacity/snapshot?region=NOPE").status, 404);

  auto snap = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
  ASSERT_EQ(snap.status, 200);
  json s = Body(snap);
  EXPECT_EQ(s["region"], "ZWN");
  EXPECT_EQ(s["units"].size(), zwn_.units.size());
  for (const auto& u : s["units"]) {
    EXPECT_TRUE(u["stale"].get<bool>()) << "never reported units are stale";
    EXPECT_TRUE(u["location"]["lat"].is_number());
  }
  EXPECT_TRUE(s["totals"]["by_type"].contains("seh"));

  auto etag = snap.Header("etag");
  ASSERT_TRUE(etag.has_value());
  auto again = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN", "", {{"If-None-Match", *etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  auto gz = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.Header("content-encoding").value_or(""), "gzip");
  EXPECT_LT(gz.body.size(), snap.body.size());

  // A write changes the version, so the old ETag no longer matches.
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity", kBeds).status,
            200);
  auto after = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN", "", {{"If-None-Match", *etag}});
  ASSERT_EQ(after.status, 200);
  EXPECT_GT(Body(after)["version"].get<std::int64_t>(), s["version"].get<std::int64_t>());
}

TEST_P(ApiTest, PutStoresAndShowsInSnapshotAndHistory) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  auto put = Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
  ASSERT_EQ(put.status, 200) << put.body;
  json r = Body(put);
  EXPECT_EQ(r["unit_id"], unit);
  EXPECT_EQ(r["beds"]["available"], 3);
  EXPECT_EQ(r["source"], "manual");
  EXPECT_TRUE(r["received_at"].is_string());
  EXPECT_EQ(r["version"].get<std::int64_t>(), Version());

  json snap = Body(Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN"));
  bool found = false;
  for (const auto& u : snap["units"]) {
    if (u["unit_id"] != unit) continue;
    found = true;
    EXPECT_EQ(u["beds"]["occupied"], 15);
    EXPECT_FALSE(u["stale"].get<bool>());
    // Reported just now: fresh, and young (not a timing test: a loaded box may take seconds).
    EXPECT_LE(u["age_seconds"].get<std::int64_t>(), 60);
  }
  EXPECT_TRUE(found);

  auto hist = Call("viewer", "GET", "/api/v1/units/" + unit + "/capacity/history");
  ASSERT_EQ(hist.status, 200);
  ASSERT_EQ(Body(hist)["points"].size(), 1u);
  // Each point says where the number came from and who reported it.
  EXPECT_EQ(Body(hist)["points"][0]["source"], "manual");
  EXPECT_EQ(Body(hist)["points"][0]["reported_by"], "manager");
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/units/" + unit + "/capacity/history?from=yesterday").status, 422);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/units/nope/capacity/history").status, 404);
}

TEST_P(ApiTest, BadInputIsRefusedAndNothingIsStored) {
  const std::string seh = "/api/v1/units/" + UnitOf(own_org_, UnitType::kSeh) + "/capacity";
  const std::string ic = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  const std::int64_t before = Version();
  struct Case {
    std::string target, body, field;
    int status;
  };
  const std::vector<Case> cases = {
      {ic, R"({"beds":{"total":"20","staffed":18,"occupied":15,"available":3}})", "beds.total", 422},
      {ic, R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":-1}})", "beds.available", 422},
      {ic, R"({"beds":{"total":20,"staffed":21,"occupied":15,"available":3}})", "beds.staffed", 422},
      {ic, R"({"beds":{"total":20,"staffed":18,"occupied":21,"available":3}})", "beds.occupied", 422},
      {ic, R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":19}})", "beds.available", 422},
      {ic, R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3},"colour":"red"})", "colour", 422},
      {ic, R"({"beds":{"total":2.5,"staffed":1,"occupied":1,"available":0}})", "beds.total", 422},
      {ic, R"({"as_of":"2999-01-01T00:00:00Z","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})", "as_of",
       422},
      {ic, R"({"as_of":"gisteren","beds":{"total":1,"staffed":1,"occupied":0,"available":1}})", "as_of", 422},
      {ic, R"({"ed":{"status":"open"}})", "ed", 422},
      {seh, R"({"ed":{"status":"full","crowding":10}})", "ed.status", 422},
      {seh, R"({"ed":{"status":"open","crowding":201}})", "ed.crowding", 422},
      {ic, R"({})", "beds", 422},
  };
  for (const auto& c : cases) {
    auto r = Call("manager", "PUT", c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_TRUE(NamesField(r, c.field)) << c.body;
  }
  // Not JSON, duplicate keys, bad UTF-8, not an object: 422 without a field.
  for (const std::string& body : {std::string("{"), std::string(R"({"note":"a","note":"b"})"),
                                  std::string("{\"note\":\"\xc3\x28\"}"), std::string("[]")}) {
    auto r = Call("manager", "PUT", ic, body);
    EXPECT_EQ(r.status, 422) << body;
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
  }
  // Unknown unit, oversize body.
  EXPECT_EQ(Call("manager", "PUT", "/api/v1/units/nope/capacity", kBeds).status, 404);
  auto big = Call("manager", "PUT", ic, std::string(2 << 20, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(Version(), before);
  auto latest = store_->LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->empty());
}

TEST_P(ApiTest, WritesAreScopedToOrganisationAndRegion) {
  const std::string own = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  const std::string other = "/api/v1/units/" + UnitOf(other_org_, UnitType::kIc) + "/capacity";
  EXPECT_EQ(Call("", "PUT", own, kBeds).status, 401);
  EXPECT_EQ(Call("manager", "PUT", own, kBeds).status, 200);
  EXPECT_EQ(Call("manager", "PUT", other, kBeds).status, 403);
  EXPECT_EQ(Call("feed", "PUT", own, kBeds).status, 200);
  EXPECT_EQ(Call("feed", "PUT", other, kBeds).status, 403);
  EXPECT_EQ(Call("orguser", "PUT", own, kBeds).status, 403);
  EXPECT_EQ(Call("viewer", "PUT", own, kBeds).status, 403);
  EXPECT_EQ(Call("coordinator", "PUT", other, kBeds).status, 200);
  EXPECT_EQ(Call("demo2-coordinator", "PUT", other, kBeds).status, 403);
  EXPECT_EQ(Call("admin", "PUT", other, kBeds).status, 200);
  // Feed tokens write, they do not read.
  EXPECT_EQ(Call("feed", "GET", "/api/v1/capacity/snapshot?region=ZWN").status, 403);
  EXPECT_EQ(Call("demo2-coordinator", "GET", "/api/v1/capacity/snapshot?region=ZWN").status, 403);
  // A feed's report is marked as such.
  auto r = Call("feed", "PUT", own, kBeds);
  EXPECT_EQ(Body(r)["source"], "feed");
  // Every refused write is audited.
  auto audit = Call("admin", "GET", "/api/v1/audit?limit=1000");
  ASSERT_EQ(audit.status, 200);
  int denied = 0, ok = 0;
  const json records = Body(audit);
  for (const auto& a : records["items"]) {
    if (a["action"] != "capacity.write") continue;
    (a["outcome"] == "denied" ? denied : ok)++;
  }
  EXPECT_EQ(denied, 5);
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(Call("coordinator", "GET", "/api/v1/audit").status, 403);
}

TEST_P(ApiTest, IdempotencyKeyReturnsTheFirstResult) {
  const std::string ic = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  auto first = Call("manager", "PUT", ic, kBeds, {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 200);
  const std::int64_t v = Version();
  auto second = Call("manager", "PUT", ic, kBeds, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.Header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(Version(), v);
  auto different = Call("manager", "PUT", ic, R"({"beds":{"total":1,"staffed":1,"occupied":1,"available":0}})",
                        {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(different.status, 409);
  EXPECT_EQ(Version(), v);
}

TEST_P(ApiTest, BatchIsAtomicAndNamesItems) {
  const std::string a = UnitOf(own_org_, UnitType::kIc), b = UnitOf(own_org_, UnitType::kSeh);
  const std::int64_t before = Version();
  json bad = {{"items",
               {{{"unit_id", a}, {"beds", {{"total", 5}, {"staffed", 5}, {"occupied", 1}, {"available", 4}}}},
                {{"unit_id", b}, {"ed", {{"status", "open"}, {"crowding", 300}}}},
                {{"unit_id", "nope"}, {"beds", {{"total", 5}, {"staffed", 5}, {"occupied", 1}, {"available", 4}}}}}}};
  auto r = Call("manager", "POST", "/api/v1/capacity:batch", bad.dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(NamesField(r, "items[1].ed.crowding"));
  EXPECT_TRUE(NamesField(r, "items[2].unit_id"));
  EXPECT_EQ(Version(), before);

  bad["items"].erase(2);
  bad["items"][1]["ed"]["crowding"] = 150;
  auto ok = Call("manager", "POST", "/api/v1/capacity:batch", bad.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["stored"], 2);
  EXPECT_EQ(Version(), before + 2);

  // One item of another organisation makes the whole batch forbidden.
  json mixed = {{"items",
                 {{{"unit_id", a}, {"beds", {{"total", 5}, {"staffed", 5}, {"occupied", 1}, {"available", 4}}}},
                  {{"unit_id", UnitOf(other_org_, UnitType::kIc)},
                   {"beds", {{"total", 5}, {"staffed", 5}, {"occupied", 1}, {"available", 4}}}}}}};
  EXPECT_EQ(Call("manager", "POST", "/api/v1/capacity:batch", mixed.dump()).status, 403);
  EXPECT_EQ(Version(), before + 2);
}

TEST_P(ApiTest, CsvImportNamesLinesAndHonoursPartial) {
  const std::string a = UnitOf(own_org_, UnitType::kIc), b = UnitOf(own_org_, UnitType::kSeh);
  const std::vector<std::pair<std::string, std::string>> csv_type = {{"Content-Type", "text/csv"}};
  const std::int64_t before = Version();
  std::string bad = "unit_id,beds_total,beds_staffed,beds_occupied,beds_available,ed_status,ed_crowding\n" + a +
                    ",10,8,5,3,,\n" + b + ",,,,,open,999\n";
  auto r = Call("manager", "POST", "/api/v1/capacity:import-csv", bad, csv_type);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(NamesField(r, "line 3: ed_crowding"));  // the CSV column
  EXPECT_EQ(Version(), before);

  auto partial = Call("manager", "POST", "/api/v1/capacity:import-csv?partial=true", bad, csv_type);
  ASSERT_EQ(partial.status, 200) << partial.body;
  EXPECT_EQ(Body(partial)["stored"], 1);
  EXPECT_EQ(Body(partial)["rejected"].size(), 1u);
  EXPECT_EQ(Version(), before + 1);

  auto syntax = Call("manager", "POST", "/api/v1/capacity:import-csv", "unit_id,colour\nx,red\n", csv_type);
  EXPECT_EQ(syntax.status, 422);
  EXPECT_EQ(Call("manager", "POST", "/api/v1/capacity:import-csv", bad).status, 415);
  EXPECT_EQ(Version(), before + 1);
}

TEST_P(ApiTest, EventsArriveLiveAndResumeWithLastEventId) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  SseClient sse(server_->port(), "/api/v1/events?region=ZWN", {{"Authorization", "Bearer " + TokenFor("viewer")}});
  ASSERT_EQ(sse.status(), 200);
  // Let the subscription register before writing.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto put = Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
  ASSERT_EQ(put.status, 200);
  auto ev = sse.Next(std::chrono::seconds(10));
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->event, "capacity");
  EXPECT_EQ(ev->id, std::to_string(Body(put)["version"].get<std::int64_t>()));
  json row = json::parse(ev->data);
  EXPECT_EQ(row["unit_id"], unit);
  EXPECT_EQ(row["beds"]["available"], 3);

  // Two more writes; a client that saw the first resumes from its id.
  Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
  Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
  SseClient resumed(server_->port(), "/api/v1/events?region=ZWN",
                    {{"Authorization", "Bearer " + TokenFor("viewer")}, {"Last-Event-ID", ev->id}});
  auto e2 = resumed.Next(std::chrono::seconds(10));
  auto e3 = resumed.Next(std::chrono::seconds(10));
  ASSERT_TRUE(e2 && e3);
  EXPECT_EQ(std::stoll(e2->id), std::stoll(ev->id) + 1);
  EXPECT_EQ(std::stoll(e3->id), std::stoll(ev->id) + 2);

  // Id 0 is still covered: this instance kept every event since version 1.
  SseClient from_start(server_->port(), "/api/v1/events?region=ZWN",
                       {{"Authorization", "Bearer " + TokenFor("viewer")}, {"Last-Event-ID", "0"}});
  auto first = from_start.Next(std::chrono::seconds(10));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->event, "capacity");
  EXPECT_EQ(first->id, "1");
}

TEST_P(ApiTest, EventsNotKeptTellTheClientToReload) {
  // A write this instance never published (another process, before start).
  CapacityWrite w;
  CapacityReport r;
  r.unit_id = UnitOf(own_org_, UnitType::kIc);
  r.as_of = Now();
  r.beds = Beds{1, 1, 0, 1};
  w.reports.push_back(r);
  ASSERT_TRUE(store_->WriteCapacity(std::move(w)).ok());
  if (GetParam() == "postgres") {
    // On PostgreSQL the change feed brings another process's write to this
    // instance too: once followed, it is replayed like a local one.
    for (int i = 0; i < 100 && api_->events().Contiguous("ZWN") < 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    SseClient resumed(server_->port(), "/api/v1/events?region=ZWN",
                      {{"Authorization", "Bearer " + TokenFor("viewer")}, {"Last-Event-ID", "0"}});
    auto followed = resumed.Next(std::chrono::seconds(10));
    ASSERT_TRUE(followed.has_value());
    EXPECT_EQ(followed->event, "capacity");
    EXPECT_EQ(followed->id, "1");
    // What predates this instance's start is not kept: reload.
    api_->events().SetBaseline("ZWN", Version());
  }
  SseClient old(server_->port(), "/api/v1/events?region=ZWN",
                {{"Authorization", "Bearer " + TokenFor("viewer")}, {"Last-Event-ID", "0"}});
  auto reload = old.Next(std::chrono::seconds(10));
  ASSERT_TRUE(reload.has_value());
  EXPECT_EQ(reload->event, "reload");
  EXPECT_EQ(reload->id, std::to_string(Version()));

  EXPECT_EQ(Call("", "GET", "/api/v1/events?region=ZWN").status, 401);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/events?region=ZWN&last_event_id=x").status, 422);
}

TEST_P(ApiTest, RegionsAreListedPerPrincipal) {
  auto all = Call("admin", "GET", "/api/v1/regions");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Body(all).size(), 2u);
  auto own = Call("viewer", "GET", "/api/v1/regions");
  ASSERT_EQ(Body(own).size(), 1u);
  EXPECT_EQ(Body(own)[0]["id"], "ZWN");
  EXPECT_EQ(Body(own)[0]["subregions"].size(), 3u);
  auto detail = Call("viewer", "GET", "/api/v1/regions/ZWN");
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(Body(detail)["units"].size(), zwn_.units.size());
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/regions/DEMO2").status, 403);
}

TEST_P(ApiTest, UnknownRoutesAndMethods) {
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/nope").status, 404);
  EXPECT_EQ(Call("viewer", "DELETE", "/api/v1/capacity/snapshot").status, 405);
  EXPECT_EQ(Call("admin", "DELETE", "/api/v1/audit").status, 405);  // audit cannot be changed
}

INSTANTIATE_TEST_SUITE_P(, ApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
