// What-if simulation in the product: runs started over the API, persisted
// with their progress, executed in the background and read on any instance;
// their result is what `openzcc simulate` computes, bit for bit; the
// region's scenario from its live state. On both stores.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/json/scenario_json.h"
#include "app/demo_feed.h"
#include "base/time.h"
#include "engine/simulate/simulator.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

// An M/M/c desk that starts busy with a queue, routing on to a second desk;
// small enough to run in a moment under the sanitizers.
const json kScenario = json::parse(R"({
  "name": "two desks from now",
  "horizon_hours": 400,
  "start_hour_of_week": 38.5,
  "arrivals": [{"name": "calls", "rate_per_hour": 9, "to": "desk",
                "profile": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5,
                            1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0.5, 0.5, 0.5, 0.5]}],
  "stations": [
    {"name": "desk", "servers": 10, "service": {"dist": "lognormal", "mean_minutes": 50, "sd_minutes": 30},
     "initial_in_service": 10, "initial_waiting": 12, "next": [{"station": "gp", "probability": 0.3}]},
    {"name": "gp", "servers": 2, "service": {"dist": "exponential", "mean_minutes": 20}}
  ]
})");

class SimulationApiTest : public ApiFixture {
 protected:
  HttpResponse Start(const std::string& user, const json& body) {
    return Call(user, "POST", "/api/v1/simulations", body.dump());
  }
  // Polls the run until it is done or failed (at most 120 s); every
  // replications_done seen, in order.
  json WaitDone(const std::string& id, std::vector<int>* progress = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    json run;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Call("zcc", "GET", "/api/v1/simulations/" + id);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return run;
      run = json::parse(r.body);
      if (progress) progress->push_back(run["replications_done"].get<int>());
      const std::string state = run["state"];
      if (state == "done" || state == "failed") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "run " << id << " did not end";
    return run;
  }
  // A second instance on the same store, with its own API and server.
  struct SecondInstance {
    std::unique_ptr<Store> store;
    std::unique_ptr<api::Api> api;
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<TestClient> client;
    ~SecondInstance() {
      if (api) api->Shutdown();
      if (server) server->Stop(2);
    }
  };
  std::unique_ptr<SecondInstance> StartSecondInstance() {
    auto b = std::make_unique<SecondInstance>();
    auto opened = OpenStore(store_url_);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return nullptr;
    b->store = std::move(*opened);
    b->api = std::make_unique<api::Api>(*b->store, api::ApiOptions{});
    b->api->Register(b->router);
    http::ServerOptions so;
    so.port = 0;
    so.worker_threads = 2;
    so.access_log = false;
    b->server = std::make_unique<http::Server>(so, b->router);
    EXPECT_TRUE(b->server->Start().ok());
    b->client = std::make_unique<TestClient>(b->server->port());
    return b;
  }
  // Seeds two weeks of the demo's history for the units the demo reports.
  void SeedDemo(Time now) {
    auto units = store_->ListUnits("ZWN");
    ASSERT_TRUE(units.ok());
    std::vector<UnitView> reporting;
    for (auto& u : *units) {
      if (!app::DemoFeed::IsSilent(u.unit.id)) reporting.push_back(u);
    }
    app::DemoFeedOptions o;
    o.history_weeks = 2;
    auto n = app::DemoFeed::SeedHistory(*store_, reporting, now, o);
    ASSERT_TRUE(n.ok()) << n.status().message();
  }
};

TEST_P(SimulationApiTest, ARunEndsWithWhatTheCommandComputesBitForBit) {
  const json body = {
      {"region_id", "ZWN"}, {"name", "desk closes"}, {"scenario", kScenario}, {"replications", 6}, {"seed", 11}};
  auto started = Start("zcc", body);
  ASSERT_EQ(started.status, 202) << started.body;
  json run = json::parse(started.body);
  const std::string id = run["id"];
  EXPECT_EQ(started.Header("location").value_or("").substr(0, 7), "http://");
  EXPECT_NE(started.Header("location").value_or("").find("/api/v1/simulations/" + id), std::string::npos);
  EXPECT_EQ(run["region_id"], "ZWN");
  EXPECT_EQ(run["name"], "desk closes");
  EXPECT_EQ(run["replications"], 6);
  EXPECT_EQ(run["seed"], 11);
  EXPECT_EQ(run["created_by"], "zcc");
  EXPECT_TRUE(run["state"] == "queued" || run["state"] == "running") << run;
  EXPECT_FALSE(run.contains("result"));

  std::vector<int> progress;
  run = WaitDone(id, &progress);
  ASSERT_EQ(run["state"], "done") << run.dump();
  EXPECT_EQ(run["replications_done"], 6);
  for (size_t i = 1; i < progress.size(); ++i) EXPECT_LE(progress[i - 1], progress[i]) << "progress only rises";
  EXPECT_EQ(progress.back(), 6);
  ASSERT_TRUE(run.contains("started_at") && run.contains("finished_at")) << run;
  EXPECT_LE(*ParseRfc3339(run["started_at"].get<std::string>()), *ParseRfc3339(run["finished_at"].get<std::string>()));
  EXPECT_FALSE(run.contains("error"));
  // The stored scenario is the one sent.
  auto sent = api::ParseScenarioJson(kScenario.dump());
  ASSERT_TRUE(sent.ok());
  auto stored = api::ParseScenarioJson(run["scenario"].dump());
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(api::ToJson(*stored).dump(), api::ToJson(*sent).dump());

  // What `openzcc simulate --replications 6 --seed 11` computes (any threads).
  auto sim = engine::simulate::Simulator::Build(sent->scenario);
  ASSERT_TRUE(sim.ok());
  auto want = sim->Run({6, 11, 3});
  ASSERT_TRUE(want.ok());
  const auto cli = api::ToJson(*want, 0);
  const json& got = run["result"];
  EXPECT_EQ(got["stations"].dump(), json::parse(cli.dump())["stations"].dump());
  EXPECT_EQ(got["events"], want->events);
  EXPECT_EQ(got["replications"], 6);
  EXPECT_EQ(got["seed"], 11);
  EXPECT_GE(got["wall_seconds"].get<double>(), 0.0);
  EXPECT_EQ(got["stations"].size(), 2u);

  // Listed, newest first, without scenario and result; the start is audited.
  auto second = Start("viewer", {{"region_id", "ZWN"}, {"scenario", kScenario}, {"replications", 1}});
  ASSERT_EQ(second.status, 202) << second.body;
  const std::string id2 = json::parse(second.body)["id"];
  auto list = Call("viewer", "GET", "/api/v1/simulations?region=ZWN");
  ASSERT_EQ(list.status, 200) << list.body;
  json items = json::parse(list.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], id2);
  EXPECT_EQ(items[1]["id"], id);
  EXPECT_FALSE(items[1].contains("scenario"));
  EXPECT_FALSE(items[1].contains("result"));
  EXPECT_EQ(items[0]["seed"], 1);  // the defaults
  EXPECT_EQ(items[0]["name"], "");
  auto audit = store_->ListAudit(0, 100);
  ASSERT_TRUE(audit.ok());
  int starts = 0;
  for (const auto& a : *audit) starts += a.action == "simulation.start" && a.outcome == "ok";
  EXPECT_EQ(starts, 2);
  WaitDone(id2);
  // Another region's list is not theirs.
  EXPECT_EQ(Call("zcc", "GET", "/api/v1/simulations?region=DEMO2").status, 403);
  EXPECT_EQ(Call("demo2-coordinator", "GET", "/api/v1/simulations/" + id).status, 403);
  EXPECT_EQ(Call("zcc", "GET", "/api/v1/simulations/sim-nope").status, 404);
}

TEST_P(SimulationApiTest, BadRequestsNameTheFieldAndStoreNothing) {
  auto bad = kScenario;
  bad["stations"][1]["servers"] = 0;
  auto r = Start("zcc", {{"region_id", "ZWN"}, {"scenario", bad}, {"replications", 101}});
  ASSERT_EQ(r.status, 400) << r.body;
  json p = json::parse(r.body);
  std::set<std::string> fields;
  for (const auto& e : p["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"scenario.stations[1].servers", "replications"})) << r.body;
  // The budget: horizon × replications.
  auto big = kScenario;
  big["horizon_hours"] = 100000;
  r = Start("zcc", {{"region_id", "ZWN"}, {"scenario", big}, {"replications", 10}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("scenario.horizon_hours"), std::string::npos) << r.body;
  // A region that does not exist, for someone who may simulate any.
  r = Start("admin", {{"region_id", "NOPE"}, {"scenario", kScenario}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("region_id"), std::string::npos);
  auto list = Call("admin", "GET", "/api/v1/simulations?region=ZWN");
  EXPECT_EQ(json::parse(list.body)["items"].size(), 0u);
}

// The triage mix, routing rules and the urgency discipline run through the
// API as through the command line (by_urgency included, bit for bit), and
// pathway_routing expands over the current pathway set.
TEST_P(SimulationApiTest, TriageMixAndPathwayRoutingRun) {
  auto triage = kScenario;
  triage["arrivals"][0]["mix"] =
      json::parse(R"([{"urgency": "U1", "share": 0.2}, {"urgency": "U3", "complaint": "fall", "share": 0.8}])");
  triage["stations"][0]["discipline"] = "urgency";
  triage["stations"][0]["routing"] =
      json::parse(R"([{"when": {"urgency": ["U1"]}, "next": [{"station": "gp", "probability": 1}]}])");
  auto started = Start("zcc", {{"region_id", "ZWN"}, {"scenario", triage}, {"replications", 3}, {"seed", 5}});
  ASSERT_EQ(started.status, 202) << started.body;
  json run = WaitDone(json::parse(started.body)["id"]);
  ASSERT_EQ(run["state"], "done") << run.dump();
  auto sent = api::ParseScenarioJson(triage.dump());
  ASSERT_TRUE(sent.ok());
  auto want = engine::simulate::Simulator::Build(sent->scenario)->Run({3, 5, 2});
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(run["result"]["stations"].dump(), json::parse(api::ToJson(*want, 0).dump())["stations"].dump());
  EXPECT_TRUE(run["result"]["stations"]["gp"]["by_urgency"].contains("U1")) << run["result"].dump();

  // pathway_routing over the current pathway set (the shipped one here): U3
  // falls go where the falls pathway's first action (acute district nursing,
  // partner vvt) is mapped; the stored scenario holds the generated rule.
  auto with_pathways = triage;
  with_pathways["pathway_routing"] = json::parse(R"({"from": "desk", "routes": {"vvt": "gp"}})");
  auto r = Start("zcc", {{"region_id", "ZWN"}, {"scenario", with_pathways}, {"replications", 2}});
  ASSERT_EQ(r.status, 202) << r.body;
  run = WaitDone(json::parse(r.body)["id"]);
  ASSERT_EQ(run["state"], "done") << run.dump();
  EXPECT_FALSE(run["scenario"].contains("pathway_routing"));
  const json& rules = run["scenario"]["stations"][0]["routing"];
  ASSERT_EQ(rules.size(), 2u) << run["scenario"].dump();
  EXPECT_EQ(rules[1]["when"]["complaint"], json::array({"fall"}));
  EXPECT_EQ(rules[1]["next"][0]["station"], "gp");
  EXPECT_TRUE(run["result"]["stations"]["gp"]["by_urgency"].contains("U3")) << run["result"].dump();
  // The result says what the pathways decided per class, as the command writes it; the scenario shown does not.
  EXPECT_FALSE(run["scenario"].contains("pathway_routes"));
  const json& routes = run["result"]["pathway_routes"];
  ASSERT_EQ(routes.size(), 2u) << run["result"].dump();
  EXPECT_EQ(routes[0], json::parse(R"({"urgency": "U1"})")) << "no complaint: the plain routing";
  EXPECT_EQ(routes[1]["complaint"], "fall");
  EXPECT_EQ(routes[1]["pathway"]["id"], "falls");
  EXPECT_EQ(routes[1]["matched"], "vvt");
  EXPECT_EQ(routes[1]["station"], "gp");
  // A route to a station that does not exist.
  with_pathways["pathway_routing"]["routes"]["vvt"] = "nursing";
  r = Start("zcc", {{"region_id", "ZWN"}, {"scenario", with_pathways}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("scenario.pathway_routing.routes.vvt"), std::string::npos) << r.body;
  auto bad = triage;
  bad["arrivals"][0]["mix"][1]["complaint"] = "tumble";
  r = Start("zcc", {{"region_id", "ZWN"}, {"scenario", bad}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("scenario.arrivals[0].mix[1].complaint"), std::string::npos) << r.body;
}

TEST_P(SimulationApiTest, ARunWhoseInstanceStoppedReadsAsFailed) {
  StoredSimulation lost;
  lost.id = "sim-lost";
  lost.region_id = "ZWN";
  lost.name = "lost";
  lost.state = "running";
  lost.replications = 10;
  lost.replications_done = 3;
  lost.seed = 1;
  lost.created_by = "zcc";
  lost.created_at = Now() - std::chrono::minutes(10);
  lost.started_at = lost.created_at;
  lost.heartbeat_at = Now() - std::chrono::seconds(121);
  lost.scenario = kScenario.dump();
  AuditRecord audit;
  audit.actor = "zcc";
  audit.role = "zcc-coordinator";
  audit.action = "simulation.start";
  audit.object = lost.id;
  audit.outcome = "ok";
  ASSERT_TRUE(store_->CreateSimulation(lost, audit).ok());
  StoredSimulation alive = lost;
  alive.id = "sim-alive";
  alive.heartbeat_at = Now();
  ASSERT_TRUE(store_->CreateSimulation(alive, audit).ok());
  json run = json::parse(Call("viewer", "GET", "/api/v1/simulations/sim-lost").body);
  EXPECT_EQ(run["state"], "failed");
  EXPECT_EQ(run["error"], "the instance running it stopped");
  EXPECT_EQ(run["replications_done"], 3);
  run = json::parse(Call("viewer", "GET", "/api/v1/simulations/sim-alive").body);
  EXPECT_EQ(run["state"], "running");
  json items = json::parse(Call("viewer", "GET", "/api/v1/simulations?region=ZWN").body)["items"];
  ASSERT_EQ(items.size(), 2u);
  for (const auto& i : items) EXPECT_EQ(i["state"], i["id"] == "sim-lost" ? "failed" : "running");
}

TEST_P(SimulationApiTest, AFullQueueIsRefusedWithRetryAfter) {
  // Each run long enough to keep the worker busy while the queue fills.
  auto slow = kScenario;
  slow["horizon_hours"] = 1700;
  slow["arrivals"][0]["rate_per_hour"] = 300;
  slow["stations"][0]["servers"] = 400;
  const json body = {{"region_id", "ZWN"}, {"scenario", slow}, {"replications", 100}};
  auto first = Start("zcc", body);
  ASSERT_EQ(first.status, 202) << first.body;
  // Wait until the worker has taken it, so the queue holds only what follows.
  const std::string first_id = json::parse(first.body)["id"];
  for (int i = 0; i < 500; ++i) {
    if (json::parse(Call("zcc", "GET", "/api/v1/simulations/" + first_id).body)["state"] == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int accepted = 1;
  HttpResponse refused;
  for (int i = 0; i < 8 && refused.status == 0; ++i) {
    auto r = Start("zcc", body);
    if (r.status == 202) {
      ++accepted;
    } else {
      refused = r;
    }
  }
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(accepted, 5) << "one running, four queued";
  EXPECT_TRUE(refused.Header("retry-after").has_value());
  EXPECT_EQ(refused.Header("content-type").value_or(""), "application/problem+json");
  auto list = json::parse(Call("zcc", "GET", "/api/v1/simulations?region=ZWN").body)["items"];
  EXPECT_EQ(list.size(), 5u) << "nothing stored for the refused one";
}

TEST_P(SimulationApiTest, TheRegionScenarioStartsFromItsLiveState) {
  const Time now = Now();
  SeedDemo(now);
  if (HasFatalFailure()) return;
  // Three care requests of the last weeks: two by a GP post, triaged by the requester, one by 112 (all open).
  for (const json& c :
       {json{{"channel", "hap"}, {"urgency", "U3"}, {"complaint", "catheter-problem"}},
        json{{"channel", "hap"}, {"urgency", "U1"}, {"complaint", "abdominal-pain"}}, json{{"channel", "112"}}}) {
    json body = c;
    body["region_id"] = "ZWN";
    body["summary"] = "request";
    ASSERT_EQ(Call("zcc", "POST", "/api/v1/cases", body.dump()).status, 201) << body;
  }
  // Two transfers to a ward: one en route (it will need a bed), one only requested (not yet).
  std::string receiving_ward;
  {
    auto latest_now = store_->LatestCapacity("ZWN");
    ASSERT_TRUE(latest_now.ok());
    std::set<std::string> reported;
    for (const auto& l : *latest_now) reported.insert(l.unit_id);
    auto all_units = store_->ListUnits("ZWN");
    ASSERT_TRUE(all_units.ok());
    for (const auto& u : *all_units) {
      if (u.unit.type == UnitType::kWard && reported.count(u.unit.id) && receiving_ward.empty()) {
        receiving_ward = u.unit.id;
        for (auto [id, state] : {std::pair{"tr-en-route", TransferState::kEnRoute},
                                 std::pair{"tr-requested", TransferState::kRequested}}) {
          TransferWrite w;
          w.transfer.id = id;
          w.transfer.region_id = "ZWN";
          w.transfer.from_organization_id = u.unit.organization_id;
          w.transfer.from_unit_id = u.unit.id;
          w.transfer.to_organization_id = u.unit.organization_id;
          w.transfer.to_unit_id = u.unit.id;
          w.transfer.reason = "test";
          w.transfer.created_by = "zcc";
          w.transfer.state = state;
          w.transfer.requested_at = w.transfer.updated_at = now;
          w.audit.push_back(ToolAudit("test", "transfer.create", id));
          auto written = store_->WriteTransfer(std::move(w));
          ASSERT_TRUE(written.ok()) << written.status().message();
        }
      }
    }
  }
  ASSERT_FALSE(receiving_ward.empty());
  auto r = Call("viewer", "GET", "/api/v1/regions/ZWN/scenario");
  ASSERT_EQ(r.status, 200) << r.body;
  json rs = json::parse(r.body);
  EXPECT_EQ(rs["region_id"], "ZWN");
  EXPECT_TRUE(ParseRfc3339(rs["as_of"].get<std::string>()).has_value());
  ASSERT_FALSE(rs["notes"].empty());
  const json& sc = rs["scenario"];
  const double how = sc["start_hour_of_week"];
  EXPECT_GE(how, 0);
  EXPECT_LT(how, 168);
  // It is a scenario the engine takes.
  auto parsed = api::ParseScenarioJson(sc.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << sc.dump(1);

  // One station per bedded unit with a report: servers = staffed, occupied in service (the excess waiting).
  auto latest = store_->LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok());
  std::map<std::string, CapacityReport> report_of;
  for (const auto& l : *latest) report_of[l.unit_id] = l;
  auto units = store_->ListUnits("ZWN");
  ASSERT_TRUE(units.ok());
  std::map<std::string, json> station_of;  // unit id → scenario station
  std::set<std::string> names;
  ASSERT_EQ(rs["stations"].size(), sc["stations"].size());
  for (size_t i = 0; i < rs["stations"].size(); ++i) {
    const json& meta = rs["stations"][i];
    EXPECT_EQ(meta["name"], sc["stations"][i]["name"]);
    EXPECT_TRUE(names.insert(meta["name"].get<std::string>()).second) << "names are unique";
    if (!meta["unit_id"].get<std::string>().empty()) station_of[meta["unit_id"]] = sc["stations"][i];
    EXPECT_EQ(meta.contains("unit_type"), meta["kind"] != "zcc") << meta;
  }
  int bedded = 0, eds = 0, posts = 0, ambulances = 0;
  std::map<std::string, std::string> kind_of;  // station name → kind
  for (const auto& meta : rs["stations"]) kind_of[meta["name"]] = meta["kind"];
  for (const auto& u : *units) {
    auto rep = report_of.find(u.unit.id);
    if (rep == report_of.end()) continue;
    // Every unit with a report is a station: beds, EDs, GP posts and ambulances.
    ASSERT_EQ(station_of.count(u.unit.id), 1u) << u.unit.id;
    for (const auto& meta : rs["stations"]) {
      if (meta["unit_id"] == u.unit.id) {
        EXPECT_EQ(meta["unit_type"], ToString(u.unit.type)) << u.unit.id;
      }
    }
    const json& st = station_of[u.unit.id];
    const std::string name = st["name"];
    const double shares = [&] {
      double sum = 0;
      for (const auto& n : st.value("next", json::array())) sum += n["probability"].get<double>();
      return sum;
    }();
    switch (u.unit.type) {
      case UnitType::kSeh: {
        ASSERT_TRUE(rep->second.ed) << u.unit.id;
        ++eds;
        EXPECT_EQ(kind_of[name], "ed");
        EXPECT_GE(st["initial_waiting"].get<std::int64_t>(), rep->second.ed->waiting) << u.unit.id;
        EXPECT_NEAR(shares, 0.25, 1e-9) << "a quarter of ED patients admitted: " << u.unit.id;
        for (const auto& n : st["next"]) {
          const std::string to = n["station"];
          EXPECT_EQ(kind_of[to], "beds") << u.unit.id << " → " << to;
        }
        break;
      }
      case UnitType::kHap: {
        ASSERT_TRUE(rep->second.ed) << u.unit.id;
        ++posts;
        EXPECT_EQ(kind_of[name], "hap");
        EXPECT_GE(st["servers"].get<int>(), 1);
        EXPECT_EQ(st["initial_in_service"].get<std::int64_t>() + st["initial_waiting"].get<std::int64_t>(),
                  rep->second.ed->in_treatment + rep->second.ed->waiting)
            << u.unit.id;
        EXPECT_FALSE(st.contains("next")) << "referrals are not reported";
        break;
      }
      case UnitType::kAmbulance: {
        ASSERT_TRUE(rep->second.beds) << u.unit.id;
        ++ambulances;
        EXPECT_EQ(kind_of[name], "ambulance");
        const std::int64_t servers = std::max<std::int64_t>(1, rep->second.beds->staffed);
        EXPECT_EQ(st["servers"], servers) << u.unit.id;
        EXPECT_EQ(st["initial_in_service"], std::min(rep->second.beds->occupied, servers)) << u.unit.id;
        EXPECT_NEAR(shares, 0.70, 1e-9) << "conveyed to the EDs: " << u.unit.id;
        for (const auto& n : st["next"]) EXPECT_EQ(kind_of[n["station"].get<std::string>()], "ed");
        break;
      }
      default: {
        ASSERT_TRUE(rep->second.beds) << u.unit.id;
        ++bedded;
        EXPECT_EQ(kind_of[name], "beds");
        const auto& b = *rep->second.beds;
        const std::int64_t servers = std::max<std::int64_t>(1, b.staffed);
        EXPECT_EQ(st["servers"], servers) << u.unit.id;
        EXPECT_EQ(st["initial_in_service"], std::min(b.occupied, servers)) << u.unit.id;
        // The transfer en route waits for a bed at its ward from time 0.
        EXPECT_EQ(st["initial_waiting"],
                  std::max<std::int64_t>(0, b.occupied - servers) + (u.unit.id == receiving_ward ? 1 : 0))
            << u.unit.id;
        // Wards send a few patients on to follow-up care; nothing else routes on.
        EXPECT_NEAR(shares, u.unit.type == UnitType::kWard ? 0.03 : 0.0, 1e-9) << u.unit.id;
      }
    }
  }
  EXPECT_GT(bedded, 3);
  EXPECT_GE(eds, 1);
  EXPECT_GE(posts, 1);
  EXPECT_GE(ambulances, 1);
  bool noted = false;
  for (const auto& n : rs["notes"]) noted |= n.get<std::string>().starts_with("Transfers under way: 1 patient(s)");
  EXPECT_TRUE(noted) << rs["notes"].dump(1);
  int zcc = 0;
  for (const auto& meta : rs["stations"]) zcc += meta["kind"] == "zcc";
  EXPECT_EQ(zcc, 1);
  // The ZCC's open cases wait; requests arrive per channel at the last four weeks' rate.
  const json& zcc_station = sc["stations"].back();
  EXPECT_EQ(zcc_station["name"], "ZCC worklist");
  EXPECT_EQ(zcc_station["initial_in_service"], 2);
  EXPECT_EQ(zcc_station["initial_waiting"], 1);
  std::map<std::string, double> zcc_rates;
  for (const auto& a : sc["arrivals"]) {
    if (a["to"] == "ZCC worklist") zcc_rates[a["name"]] = a["rate_per_hour"];
  }
  ASSERT_EQ(zcc_rates.size(), 2u) << sc["arrivals"].dump();
  EXPECT_NEAR(zcc_rates["ZCC worklist requests (hap)"], 2.0 / (24 * 28), 1e-12);
  EXPECT_NEAR(zcc_rates["ZCC worklist requests (112)"], 1.0 / (24 * 28), 1e-12);
  // A channel's triage mix is that of its triaged cases; the most urgent request is taken first.
  for (const auto& a : sc["arrivals"]) {
    if (a["name"] == "ZCC worklist requests (hap)") {
      EXPECT_EQ(a["mix"], json::parse(R"([{"urgency": "U1", "complaint": "abdominal-pain", "share": 0.5},
                                          {"urgency": "U3", "complaint": "catheter-problem", "share": 0.5}])"));
    } else if (a["to"] == "ZCC worklist") {
      EXPECT_FALSE(a.contains("mix")) << "no triaged case: no mix " << a;
    }
  }
  EXPECT_EQ(zcc_station["discipline"], "urgency");
  // Each station keeps its estimated total: an ED's own stream is its
  // arrivals less what the ambulances convey, never negative.
  for (const auto& a : sc["arrivals"]) EXPECT_GE(a["rate_per_hour"].get<double>(), 0) << a;

  // Runnable as it is.
  json scenario = sc;
  scenario["horizon_hours"] = 24;
  auto started = Start("viewer", {{"region_id", "ZWN"}, {"scenario", scenario}, {"replications", 2}});
  ASSERT_EQ(started.status, 202) << started.body;
  json run = WaitDone(json::parse(started.body)["id"]);
  EXPECT_EQ(run["state"], "done") << run.dump();
  EXPECT_EQ(run["result"]["stations"].size(), sc["stations"].size());

  // Who may: the region's own; not another region's, nor partners.
  EXPECT_EQ(Call("orguser", "GET", "/api/v1/regions/ZWN/scenario").status, 403);
  EXPECT_EQ(Call("demo2-coordinator", "GET", "/api/v1/regions/ZWN/scenario").status, 403);
  EXPECT_EQ(Call("admin", "GET", "/api/v1/regions/NOPE/scenario").status, 404);
}

// A second server on the same database reads the runs the first executes.
TEST_P(SimulationApiTest, ARunIsReadableOnAnotherInstance) {
  auto b = StartSecondInstance();
  ASSERT_TRUE(b && b->client);
  TestClient& client_b = *b->client;

  auto started = Start("zcc", {{"region_id", "ZWN"}, {"scenario", kScenario}, {"replications", 3}, {"seed", 5}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = json::parse(started.body)["id"];
  json on_a = WaitDone(id);
  ASSERT_EQ(on_a["state"], "done");
  auto r = client_b.Request("GET", "/api/v1/simulations/" + id, "", {{"Authorization", "Bearer " + TokenFor("zcc")}});
  ASSERT_EQ(r.status, 200) << r.body;
  json on_b = json::parse(r.body);
  EXPECT_EQ(on_b["state"], "done");
  EXPECT_EQ(on_b["result"], on_a["result"]);
  r = client_b.Request("GET", "/api/v1/simulations?region=ZWN", "", {{"Authorization", "Bearer " + TokenFor("zcc")}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["items"].size(), 1u);
}

// A run stopped on another instance than the one executing it: the executor
// stops after its replication under way, writes nothing more, and takes the
// next run; a queued run stopped never starts.
TEST_P(SimulationApiTest, ACancelOnAnotherInstanceStopsTheRunAndKeepsIt) {
  auto b = StartSecondInstance();
  ASSERT_TRUE(b && b->client);
  auto cancel_on_b = [&](const std::string& user, const std::string& id) {
    return b->client->Request("POST", "/api/v1/simulations/" + id + "/cancel", "",
                              {{"Authorization", "Bearer " + TokenFor(user)}});
  };
  // Minutes of work if nobody stopped it: 100 replications of about 2 million events.
  auto slow = kScenario;
  slow["horizon_hours"] = 1700;
  slow["arrivals"][0]["rate_per_hour"] = 600;
  slow["stations"][0]["servers"] = 800;
  auto first = Start("zcc", {{"region_id", "ZWN"}, {"scenario", slow}, {"replications", 100}});
  ASSERT_EQ(first.status, 202) << first.body;
  const std::string slow_id = json::parse(first.body)["id"];
  auto queued = Start("zcc", {{"region_id", "ZWN"}, {"scenario", slow}, {"replications", 100}});
  auto next = Start("zcc", {{"region_id", "ZWN"}, {"scenario", kScenario}, {"replications", 3}});
  ASSERT_EQ(queued.status, 202) << queued.body;
  ASSERT_EQ(next.status, 202) << next.body;
  const std::string queued_id = json::parse(queued.body)["id"];
  const std::string next_id = json::parse(next.body)["id"];
  for (int i = 0; i < 1000; ++i) {
    if (json::parse(Call("zcc", "GET", "/api/v1/simulations/" + slow_id).body)["state"] == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // Who may: a viewer not the runs of others; an unknown run is not found.
  EXPECT_EQ(cancel_on_b("viewer", slow_id).status, 403);
  EXPECT_EQ(cancel_on_b("orguser", slow_id).status, 403);
  EXPECT_EQ(cancel_on_b("zcc", "sim-none").status, 404);

  auto r = cancel_on_b("zcc", queued_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["state"], "cancelled");
  r = cancel_on_b("coordinator", slow_id);
  ASSERT_EQ(r.status, 200) << r.body;
  const json cancelled = json::parse(r.body);
  EXPECT_EQ(cancelled["state"], "cancelled");
  EXPECT_TRUE(cancelled.contains("finished_at"));
  EXPECT_LT(cancelled["replications_done"].get<int>(), 100);
  EXPECT_EQ(cancel_on_b("coordinator", slow_id).status, 409) << "a run is stopped once";

  // The worker moves on to the run after the two stopped ones (it would be
  // busy for minutes with either); then nothing more was written to them.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  json after;
  while (std::chrono::steady_clock::now() < deadline) {
    after = json::parse(Call("zcc", "GET", "/api/v1/simulations/" + next_id).body);
    if (after["state"] != "queued" && after["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(after["state"], "done") << after.dump();
  json slow_run = json::parse(Call("zcc", "GET", "/api/v1/simulations/" + slow_id).body);
  EXPECT_EQ(slow_run["state"], "cancelled");
  EXPECT_EQ(slow_run["replications_done"], cancelled["replications_done"]);
  EXPECT_EQ(slow_run["finished_at"], cancelled["finished_at"]);
  EXPECT_FALSE(slow_run.contains("result"));
  json queued_run = json::parse(Call("zcc", "GET", "/api/v1/simulations/" + queued_id).body);
  EXPECT_EQ(queued_run["state"], "cancelled");
  EXPECT_FALSE(queued_run.contains("started_at")) << "a run stopped while queued never starts";
  EXPECT_EQ(queued_run["replications_done"], 0);
  EXPECT_EQ(Call("zcc", "POST", "/api/v1/simulations/" + next_id + "/cancel").status, 409) << "it has ended";

  // Both stops are in the audit log, by whom.
  auto audit = store_->ListAudit(0, 1000);
  ASSERT_TRUE(audit.ok());
  std::map<std::string, std::string> stopped_by;
  for (const auto& a : *audit) {
    if (a.action == "simulation.cancel" && a.outcome == "ok") stopped_by[a.object] = a.actor;
  }
  EXPECT_EQ(stopped_by[slow_id], "coordinator");
  EXPECT_EQ(stopped_by[queued_id], "zcc");
}

INSTANTIATE_TEST_SUITE_P(, SimulationApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
