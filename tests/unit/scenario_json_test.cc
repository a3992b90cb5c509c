// Simulation scenarios as JSON: the issue's scenario parses exactly as
// written and runs to Erlang C; broken documents get every error named by
// JSON path and line (shape errors and the model's own checks); a scenario
// survives ToJson → parse unchanged; the result JSON has the documented
// shape; every named scenario in data/scenarios/ parses and runs, and the
// Rapid HAG pair reproduces the pilot's share.
#include "api/json/scenario_json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "api/json/complaint_json.h"
#include "api/pathway_seed.h"
#include "engine/simulate/erlang_c.h"
#include "support/status_errors.h"

namespace ozcc::api {

extern const std::string_view kComplaintsJson;  // data/complaints.json, embedded at build time

namespace {

using engine::simulate::Dist;
using engine::simulate::Simulator;

using test::Dump;
using test::HasError;

// The issue's scenario, byte for byte.
constexpr const char* kIssue =
    R"({"horizon_hours": 100000, "warmup_hours": 1000, "arrivals": [{"name": "calls", "rate_per_hour": 9, "to": "triage"}], "stations": [{"name": "triage", "servers": 10, "service": {"dist": "exponential", "mean_minutes": 60}}]})";

TEST(ScenarioJson, IssueScenarioParsesAsWritten) {
  auto f = ParseScenarioJson(kIssue);
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  const auto& s = f->scenario;
  EXPECT_EQ(s.horizon_hours, 100000);
  EXPECT_EQ(s.warmup_hours, 1000);
  ASSERT_EQ(s.arrivals.size(), 1u);
  EXPECT_EQ(s.arrivals[0].name, "calls");
  EXPECT_EQ(s.arrivals[0].rate_per_hour, 9);
  EXPECT_EQ(s.arrivals[0].to, "triage");
  EXPECT_TRUE(s.arrivals[0].profile.empty());
  ASSERT_EQ(s.stations.size(), 1u);
  EXPECT_EQ(s.stations[0].name, "triage");
  EXPECT_EQ(s.stations[0].servers, 10);
  EXPECT_EQ(s.stations[0].service.dist, Dist::kExponential);
  EXPECT_EQ(s.stations[0].service.mean_minutes, 60);
  EXPECT_TRUE(s.stations[0].next.empty());
}

// Runs it (ten replications, as the command line does by default) and checks
// the result document: P(wait) and utilisation to Erlang C within 2% (their
// confidence half-widths are 0.5% and 0.1% here; the mean wait's is 2.3% at
// ten replications, it is checked to 2% in simulate_test with forty).
TEST(ScenarioJson, IssueScenarioRunsToErlangC) {
  auto f = ParseScenarioJson(kIssue);
  ASSERT_TRUE(f.ok());
  auto sim = Simulator::Build(f->scenario);
  ASSERT_TRUE(sim.ok());
  auto r = sim->Run({10, 1, 0});
  ASSERT_TRUE(r.ok());
  auto j = ToJson(*r, 1.25);
  auto closed = engine::simulate::ErlangC(9, 60, 10);
  ASSERT_TRUE(closed.ok());
  const auto& t = j["stations"]["triage"];
  EXPECT_NEAR(t["wait_probability"]["mean"].get<double>(), closed->wait_probability, 0.02 * closed->wait_probability);
  EXPECT_NEAR(t["utilisation"]["mean"].get<double>(), 0.9, 0.02 * 0.9);
  EXPECT_NEAR(t["mean_wait_minutes"]["mean"].get<double>(), closed->mean_wait_minutes,
              0.05 * closed->mean_wait_minutes);
  // The closed form lies inside each 95% interval.
  for (const char* k : {"wait_probability", "mean_wait_minutes", "utilisation"}) {
    const double want = k == std::string("wait_probability")    ? closed->wait_probability
                        : k == std::string("mean_wait_minutes") ? closed->mean_wait_minutes
                                                                : closed->utilisation;
    ASSERT_TRUE(t[k]["ci95"].is_array()) << k;
    EXPECT_LE(t[k]["ci95"][0].get<double>(), want) << k;
    EXPECT_GE(t[k]["ci95"][1].get<double>(), want) << k;
  }
  EXPECT_EQ(j["replications"], 10);
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["wall_seconds"], 1.25);
  EXPECT_EQ(j["events"].get<std::uint64_t>(), r->events);
  EXPECT_NEAR(j["events"].get<double>(), 10 * 2 * 9 * 100000.0, 10 * 2 * 9 * 100000.0 * 0.005);
  // The documented shape, in this order.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"stations", "events", "wall_seconds", "replications", "seed"}));
  std::vector<std::string> figures;
  for (const auto& [k, v] : t.items()) figures.push_back(k);
  EXPECT_EQ(figures, (std::vector<std::string>{"wait_probability", "mean_wait_minutes", "utilisation",
                                               "arrival_rate_per_hour"}));
}

TEST(ScenarioJson, OneReplicationHasNoInterval) {
  auto f = ParseScenarioJson(kIssue);
  ASSERT_TRUE(f.ok());
  f->scenario.horizon_hours = 2000;
  auto sim = Simulator::Build(f->scenario);
  ASSERT_TRUE(sim.ok());
  auto r = sim->Run({1, 5, 1});
  ASSERT_TRUE(r.ok());
  auto j = ToJson(*r, 0);
  EXPECT_TRUE(j["stations"]["triage"]["utilisation"]["ci95"].is_null());
  EXPECT_TRUE(j["stations"]["triage"]["utilisation"]["mean"].is_number());
}

// Every kind of member, for the round trip and for breaking one thing at a
// time. Line numbers matter.
constexpr const char* kFull = R"({
  "name": "two desks",
  "description": "a triage desk that sends some on to a GP post",
  "horizon_hours": 500,
  "warmup_hours": 24,
  "arrivals": [
    {"name": "phone", "rate_per_hour": 12.5, "to": "desk",
     "profile": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5,
                 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0.5, 0.5, 0.5, 0.5]},
    {"name": "walk-in", "rate_per_hour": 2, "to": "gp"}
  ],
  "stations": [
    {"name": "desk", "servers": 3, "service": {"dist": "lognormal", "mean_minutes": 6, "sd_minutes": 4},
     "next": [{"station": "gp", "probability": 0.4}, {"station": "ed", "probability": 0.1}]},
    {"name": "gp", "servers": 2, "service": {"dist": "gamma", "mean_minutes": 10, "sd_minutes": 5}},
    {"name": "ed", "servers": 4, "service": {"dist": "erlang", "mean_minutes": 90, "k": 3}},
    {"name": "note", "servers_by_hour": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], "service": {"dist": "deterministic", "mean_minutes": 1}}
  ]
})";

TEST(ScenarioJson, RoundTrip) {
  auto f = ParseScenarioJson(kFull);
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  EXPECT_EQ(f->name, "two desks");
  EXPECT_EQ(f->scenario.arrivals[0].profile.size(), 24u);
  EXPECT_EQ(f->scenario.stations[0].next.size(), 2u);
  EXPECT_EQ(f->scenario.stations[2].service.k, 3);
  EXPECT_EQ(f->scenario.stations[1].service.sd_minutes, 5);
  const std::string text = ToJson(*f).dump(2);
  auto again = ParseScenarioJson(text);
  ASSERT_TRUE(again.ok()) << Dump(again.status()) << "\n" << text;
  EXPECT_EQ(ToJson(*again).dump(), ToJson(*f).dump());
  EXPECT_EQ(again->scenario.stations[3].service.dist, Dist::kDeterministic);
  EXPECT_EQ(again->scenario.arrivals[0].profile, f->scenario.arrivals[0].profile);
  EXPECT_EQ(again->scenario.stations[3].servers_by_hour.size(), 24u);
  EXPECT_EQ(again->scenario.stations[3].servers_by_hour, f->scenario.stations[3].servers_by_hour);
  EXPECT_EQ(f->scenario.stations[3].servers_by_hour[8], 1);
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ScenarioJson, ShapeErrorsNameFieldAndLine) {
  // Unknown fields, at every level.
  auto r = ParseScenarioJson(Replace(kFull, R"("warmup_hours": 24,)", R"("warmup_hours": 24, "horizon": 3,)"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "horizon", 5, "unknown")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("to": "gp"})", R"("to": "gp", "colour": "red"})"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[1].colour", 10, "unknown")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("mean_minutes": 1})", R"("mean_minutes": 1, "minutes": 2})"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].service.minutes", 17, "unknown")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("probability": 0.4})", R"("probability": 0.4, "p": 1})"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].next[0].p", 14, "unknown")) << Dump(r.status());
  // A parameter of another distribution is refused too.
  r = ParseScenarioJson(Replace(kFull, R"("mean_minutes": 1})", R"("mean_minutes": 1, "sd_minutes": 2})"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].service.sd_minutes", 17, "only of lognormal and gamma"))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("mean_minutes": 1})", R"("mean_minutes": 1, "k": 2})"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].service.k", 17, "only of erlang")) << Dump(r.status());
  // Wrong types, missing members, unknown distribution.
  r = ParseScenarioJson(Replace(kFull, R"("servers": 3,)", R"("servers": 2.5,)"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].servers", 13, "integer")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("horizon_hours": 500,)", R"("horizon_hours": "500",)"));
  EXPECT_TRUE(HasError(r.status(), "horizon_hours", 4, "must be a number")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("name": "walk-in", )", ""));
  EXPECT_TRUE(HasError(r.status(), "arrivals[1].name", 10, "missing")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("dist": "gamma")", R"("dist": "weibull")"));
  EXPECT_TRUE(HasError(r.status(), "stations[1].service.dist", 15, "one of exponential, deterministic"))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, "0.5, 0.5, 0.5, 0.5]}", "0.5, 0.5, 0.5, null]}"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[0].profile[23]", 9, "must be a number")) << Dump(r.status());
  // Servers: a number or a schedule, exactly one of them.
  r = ParseScenarioJson(Replace(kFull, R"({"name": "note", )", R"({"name": "note", "servers": 2, )"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].servers_by_hour", 17, "not both")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("servers": 3, )", ""));
  EXPECT_TRUE(HasError(r.status(), "stations[0].servers", 13, "missing")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, "[0, 0, 0, 0, 0, 0, 0, 0, 1,", "[0, 0.5, 0, 0, 0, 0, 0, 0, 1,"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].servers_by_hour[1]", 17, "integer")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, "[0, 0, 0, 0, 0, 0, 0, 0, 1,", "[0, -3, 0, 0, 0, 0, 0, 0, 1,"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].servers_by_hour[1]", 17, "0 to 100000")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, "[0, 0, 0, 0, 0, 0, 0, 0, 1,", "[0, 0, 0, 0, 0, 0, 0, 1,"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].servers_by_hour", 17, "24 (hours of the day) or 168"))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("arrivals": [)", R"("arrivals": {"x": 1}, "a": [)"));
  EXPECT_FALSE(r.ok());
  // Not JSON at all, or a duplicate key.
  r = ParseScenarioJson("{\"horizon_hours\": 5,\n \"stations\": [}");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "json", 2)) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("warmup_hours": 24,)", R"("warmup_hours": 24, "warmup_hours": 2,)"));
  EXPECT_FALSE(r.ok()) << "duplicate key";
}

TEST(ScenarioJson, ModelErrorsNameFieldAndLine) {
  auto r = ParseScenarioJson(
      Replace(kFull, R"({"station": "gp", "probability": 0.4})", R"({"station": "gq", "probability": 0.95})"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "stations[0].next[0].station", 14, "no station is named \"gq\""))
      << Dump(r.status());
  EXPECT_TRUE(HasError(r.status(), "stations[0].next", 14, "more than 1")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("warmup_hours": 24)", R"("warmup_hours": 500)"));
  EXPECT_TRUE(HasError(r.status(), "warmup_hours", 5, "less than horizon_hours")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("servers": 4)", R"("servers": 0)"));
  EXPECT_TRUE(HasError(r.status(), "stations[2].servers", 16, "1 to 100000")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("k": 3)", R"("k": 0)"));
  EXPECT_TRUE(HasError(r.status(), "stations[2].service.k", 16, "1 to 1000")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"("rate_per_hour": 2)", R"("rate_per_hour": -2)"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[1].rate_per_hour", 10, "0 to")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, R"({"name": "gp", "servers": 2)", R"({"name": "desk", "servers": 2)"));
  EXPECT_TRUE(HasError(r.status(), "stations[1].name", 15, "earlier station")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kFull, "0.5, 0.5, 0.5, 0.5]}", "0.5, 0.5, 0.5]}"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[0].profile", 8, "24 (hours of the day) or 168")) << Dump(r.status());
  // A shape error is not also reported as a model error.
  r = ParseScenarioJson(Replace(kFull, R"("servers": 3,)", R"("servers": "3",)"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().errors().size(), 1u) << Dump(r.status());
  // Every error at once.
  r = ParseScenarioJson(
      Replace(Replace(kFull, R"("servers": 4)", R"("servers": 0)"), R"("to": "gp"})", R"("to": "gp2"})"));
  EXPECT_EQ(r.status().errors().size(), 2u) << Dump(r.status());
}

// "What-if from now": the start hour and each station's initial state.
TEST(ScenarioJson, StartStateParsesRoundTripsAndNamesBadValues) {
  std::string text = Replace(kFull, R"("warmup_hours": 24,)", R"("warmup_hours": 24, "start_hour_of_week": 38.5,)");
  text = Replace(text, R"({"name": "gp", "servers": 2,)",
                 R"({"name": "gp", "servers": 2, "initial_in_service": 2, "initial_waiting": 5,)");
  auto f = ParseScenarioJson(text);
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  EXPECT_EQ(f->scenario.start_hour_of_week, 38.5);
  EXPECT_EQ(f->scenario.stations[1].initial_in_service, 2);
  EXPECT_EQ(f->scenario.stations[1].initial_waiting, 5);
  EXPECT_EQ(f->scenario.stations[0].initial_in_service, 0);
  const auto json = ToJson(*f);
  EXPECT_EQ(json["start_hour_of_week"], 38.5);
  EXPECT_EQ(json["stations"][1]["initial_waiting"], 5);
  EXPECT_FALSE(json["stations"][0].contains("initial_in_service"));  // defaults are left out
  auto again = ParseScenarioJson(json.dump(2));
  ASSERT_TRUE(again.ok()) << Dump(again.status());
  EXPECT_EQ(ToJson(*again).dump(), json.dump());

  auto r = ParseScenarioJson(Replace(text, R"("start_hour_of_week": 38.5)", R"("start_hour_of_week": 168)"));
  EXPECT_TRUE(HasError(r.status(), "start_hour_of_week", 5, "< 168")) << Dump(r.status());
  r = ParseScenarioJson(Replace(text, R"("start_hour_of_week": 38.5)", R"("start_hour_of_week": "now")"));
  EXPECT_TRUE(HasError(r.status(), "start_hour_of_week", 5, "must be a number")) << Dump(r.status());
  r = ParseScenarioJson(Replace(text, R"("initial_in_service": 2)", R"("initial_in_service": 3)"));
  EXPECT_TRUE(HasError(r.status(), "stations[1].initial_in_service", 15, "servers at the start")) << Dump(r.status());
  r = ParseScenarioJson(Replace(text, R"("initial_in_service": 2)", R"("initial_in_service": 1.5)"));
  EXPECT_TRUE(HasError(r.status(), "stations[1].initial_in_service", 15, "integer")) << Dump(r.status());
  EXPECT_EQ(r.status().errors().size(), 1u) << Dump(r.status());
  r = ParseScenarioJson(Replace(text, R"("initial_waiting": 5)", R"("initial_waiting": -5)"));
  EXPECT_TRUE(HasError(r.status(), "stations[1].initial_waiting", 15, "0 to")) << Dump(r.status());
  r = ParseScenarioJson(Replace(text, R"("initial_waiting": 5)", R"("initial_waiting": 100000000)"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().errors().at(0).field, "stations[1].initial_waiting") << Dump(r.status());
  // The schedule's servers of the start hour bound those in service: the
  // note desk has one at 14:30 on a Tuesday (08:00-20:00) and none at 21:00.
  r = ParseScenarioJson(Replace(text, R"({"name": "note", )", R"({"name": "note", "initial_in_service": 1, )"));
  EXPECT_TRUE(r.ok()) << Dump(r.status());
  r = ParseScenarioJson(Replace(Replace(text, R"({"name": "note", )", R"({"name": "note", "initial_in_service": 1, )"),
                                R"("start_hour_of_week": 38.5)", R"("start_hour_of_week": 45)"));
  EXPECT_TRUE(HasError(r.status(), "stations[3].initial_in_service", 17, "servers at the start (0)"))
      << Dump(r.status());
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The named scenarios shipped in data/scenarios/ parse and run (short).
// The triage mix, routing rules and the urgency discipline: parsed, round
// trip, bad values named with path and line, and by_urgency in the result.
constexpr const char* kTriage = R"({
  "horizon_hours": 2000,
  "warmup_hours": 20,
  "arrivals": [
    {"name": "calls", "rate_per_hour": 20, "to": "desk",
     "mix": [{"urgency": "U1", "share": 0.2},
             {"urgency": "U3", "complaint": "chest-pain", "share": 0.3},
             {"urgency": "U4", "complaint": "fall", "share": 0.5}]}
  ],
  "stations": [
    {"name": "desk", "servers": 2, "discipline": "urgency",
     "service": {"dist": "exponential", "mean_minutes": 5},
     "routing": [{"when": {"urgency": ["U0", "U1"]}, "next": [{"station": "ed", "probability": 1}]},
                 {"when": {"complaint": ["fall"], "hours": [8, 20]}, "next": [{"station": "gp", "probability": 0.5}]}],
     "next": [{"station": "gp", "probability": 1}]},
    {"name": "ed", "servers": 5, "service": {"dist": "exponential", "mean_minutes": 10}},
    {"name": "gp", "servers": 5, "service": {"dist": "exponential", "mean_minutes": 10}}
  ]
})";

TEST(ScenarioJson, TriageMixRoutingAndDiscipline) {
  auto f = ParseScenarioJson(kTriage);
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  const auto& s = f->scenario;
  ASSERT_EQ(s.arrivals[0].mix.size(), 3u);
  EXPECT_EQ(s.arrivals[0].mix[1].urgency, Urgency::kU3);
  EXPECT_EQ(s.arrivals[0].mix[1].complaint, "chest-pain");
  EXPECT_EQ(s.stations[0].discipline, engine::simulate::Discipline::kUrgency);
  ASSERT_EQ(s.stations[0].routing.size(), 2u);
  EXPECT_EQ(s.stations[0].routing[0].urgencies.size(), 2u);
  EXPECT_EQ(s.stations[0].routing[1].hours_from, 8);
  EXPECT_EQ(s.stations[0].routing[1].hours_to, 20);
  EXPECT_EQ(s.stations[1].discipline, engine::simulate::Discipline::kFifo);
  const std::string text = ToJson(*f).dump(2);
  auto again = ParseScenarioJson(text);
  ASSERT_TRUE(again.ok()) << Dump(again.status()) << "\n" << text;
  EXPECT_EQ(ToJson(*again).dump(), ToJson(*f).dump());
  EXPECT_EQ(again->scenario.arrivals[0].mix, s.arrivals[0].mix);

  auto sim = Simulator::Build(s);
  ASSERT_TRUE(sim.ok());
  auto r = sim->Run({2, 1, 1});
  ASSERT_TRUE(r.ok());
  const auto j = ToJson(*r, 0);
  ASSERT_TRUE(j["stations"]["desk"].contains("by_urgency")) << j.dump(2);
  const auto& desk = j["stations"]["desk"]["by_urgency"];
  EXPECT_EQ(desk.size(), 3u);
  EXPECT_TRUE(desk.contains("U1") && desk.contains("U3") && desk.contains("U4"));
  for (const char* k : {"wait_probability", "mean_wait_minutes", "arrival_rate_per_hour"}) {
    EXPECT_TRUE(desk["U1"][k].contains("mean") && desk["U1"][k].contains("ci95")) << k;
  }
  // Only U1 reaches the ED; the GP post sees U3 and U4.
  EXPECT_EQ(j["stations"]["ed"]["by_urgency"].size(), 1u);
  EXPECT_FALSE(j["stations"]["gp"]["by_urgency"].contains("U1"));
  // Without a mix there is no by_urgency.
  auto plain = ParseScenarioJson(kIssue);
  ASSERT_TRUE(plain.ok());
  plain->scenario.horizon_hours = 200;
  plain->scenario.warmup_hours = 0;
  auto pr = Simulator::Build(plain->scenario)->Run({1, 1, 1});
  ASSERT_TRUE(pr.ok());
  EXPECT_FALSE(ToJson(*pr, 0)["stations"]["triage"].contains("by_urgency"));
}

TEST(ScenarioJson, TriageErrorsNameFieldAndLine) {
  auto r = ParseScenarioJson(Replace(kTriage, R"("urgency": "U1", "share": 0.2)", R"("urgency": "U9", "share": 0.2)"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[0].mix[0].urgency", 6, "unknown urgency \"U9\"")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("complaint": "chest-pain")", R"("complaint": "heartache")"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[0].mix[1].complaint", 7, "unknown entry complaint \"heartache\""))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("share": 0.5)", R"("share": 0.4)"));
  EXPECT_TRUE(HasError(r.status(), "arrivals[0].mix", 6, "add up to 0.9")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("urgency": ["U0", "U1"])", R"("urgency": ["U0", "urgent"])"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[0].when.urgency[1]", 13, "unknown urgency"))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("complaint": ["fall"])", R"("complaint": ["tumble"])"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[1].when.complaint[0]", 14, "unknown entry complaint"))
      << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("next": [{"station": "ed", "probability": 1}])",
                                R"("next": [{"station": "ic", "probability": 1.5}])"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[0].next[0].station", 13, "no station is named \"ic\""))
      << Dump(r.status());
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[0].next[0].probability", 13, "0 to 1")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("hours": [8, 20])", R"("hours": [8, 8])"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[1].when.hours", 14, "empty")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("hours": [8, 20])", R"("hours": [8, 30])"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[1].when.hours", 14, "0 to 24")) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("hours": [8, 20])", R"("hours": "day")"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[1].when.hours", 14)) << Dump(r.status());
  r = ParseScenarioJson(Replace(kTriage, R"("discipline": "urgency")", R"("discipline": "lifo")"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].discipline", 11, "unknown discipline \"lifo\"")) << Dump(r.status());
  r = ParseScenarioJson(
      Replace(kTriage, R"({"when": {"urgency": ["U0", "U1"]}, )", R"({"if": {"urgency": ["U0", "U1"]}, )"));
  EXPECT_TRUE(HasError(r.status(), "stations[0].routing[0].if", 13)) << Dump(r.status());
}

// "pathway_routing" over the shipped pathways: refused without a pathway
// set, expanded with one (the falls pathway sends U3 falls to district
// nursing), written back as explicit rules, and reported as pathway_routes.
TEST(ScenarioJson, PathwayRoutingExpandsOverThePathwaySet) {
  const std::string text = Replace(kTriage, R"("stations": [)",
                                   R"("pathway_routing": {"from": "desk", "routes": {"vvt": "gp", "md-consult": "ed"}},
  "stations": [)");
  auto refused = ParseScenarioJson(text);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(HasError(refused.status(), "pathway_routing", 10, "--pathways")) << Dump(refused.status());

  auto known = ParseComplaintsFile(kComplaintsJson);
  ASSERT_TRUE(known.ok());
  auto pathways = ParseShippedPathways(*known);
  ASSERT_TRUE(pathways.ok()) << Dump(pathways.status());
  auto f = ParseScenarioJson(text, &*pathways);
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  ASSERT_EQ(f->pathway_routes.size(), 3u);
  // U1 has no complaint; U3 chest pain: md-consult; U4 fall: acute district nursing (vvt).
  EXPECT_TRUE(f->pathway_routes[0].pathway_id.empty());
  EXPECT_EQ(f->pathway_routes[1].pathway_id, "chest-pain-pain-control");
  EXPECT_EQ(f->pathway_routes[1].station, "ed");
  EXPECT_EQ(f->pathway_routes[2].pathway_id, "falls");
  EXPECT_EQ(f->pathway_routes[2].matched, "vvt");
  EXPECT_EQ(f->pathway_routes[2].station, "gp");
  EXPECT_EQ(f->scenario.stations[0].routing.size(), 4u);  // two of its own, then two generated
  // Written back: explicit rules, readable without the pathways.
  auto again = ParseScenarioJson(ToJson(*f).dump());
  ASSERT_TRUE(again.ok()) << Dump(again.status());
  EXPECT_EQ(again->scenario.stations[0].routing.size(), 4u);
  // The result says which pathway sent which class where.
  auto r = Simulator::Build(f->scenario)->Run({1, 1, 1});
  ASSERT_TRUE(r.ok());
  const auto j = ToJson(*r, 0, f->pathway_routes);
  ASSERT_EQ(j["pathway_routes"].size(), 3u);
  EXPECT_EQ(j["pathway_routes"][2]["pathway"]["id"], "falls");
  EXPECT_EQ(j["pathway_routes"][2]["pathway"]["version"], f->pathway_routes[2].pathway_version);
  EXPECT_EQ(j["pathway_routes"][2]["station"], "gp");
  EXPECT_FALSE(j["pathway_routes"][0].contains("station"));
  // A route to a station that does not exist.
  auto bad = ParseScenarioJson(Replace(text, R"("vvt": "gp")", R"("vvt": "nursing")"), &*pathways);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasError(bad.status(), "pathway_routing.routes.vvt", 10, "no station is named")) << Dump(bad.status());
}

// The shipped pathway set (data/pathways), as `openzcc simulate --pathways data/pathways` loads it.
const std::vector<Pathway>& ShippedPathways() {
  static const std::vector<Pathway> kSet = [] {
    auto known = ParseComplaintsFile(kComplaintsJson);
    EXPECT_TRUE(known.ok());
    auto set = ParseShippedPathways(known.ok() ? *known : std::vector<Complaint>{});
    EXPECT_TRUE(set.ok()) << Dump(set.status());
    return set.ok() ? *set : std::vector<Pathway>{};
  }();
  return kSet;
}

TEST(ScenarioJson, ShippedScenariosParseAndRun) {
  const std::filesystem::path dir = std::filesystem::path(OZCC_SOURCE_DIR) / "data" / "scenarios";
  ASSERT_TRUE(std::filesystem::exists(dir));
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++n;
    auto f = ParseScenarioJson(ReadFile(entry.path()), &ShippedPathways());
    ASSERT_TRUE(f.ok()) << entry.path() << ": " << Dump(f.status());
    EXPECT_FALSE(f->name.empty()) << entry.path();
    EXPECT_FALSE(f->description.empty()) << entry.path();
    f->scenario.horizon_hours = std::min(f->scenario.horizon_hours, f->scenario.warmup_hours + 24 * 7 * 4);
    auto sim = Simulator::Build(f->scenario);
    ASSERT_TRUE(sim.ok()) << entry.path();
    auto r = sim->Run({2, 1, 0});
    ASSERT_TRUE(r.ok()) << entry.path();
    EXPECT_GT(r->events, 0u) << entry.path();
  }
  EXPECT_GT(n, 0);
}

// The Rapid HAG pilot (seed 001) as a pair of named scenarios: the same
// demand, and with the Rapid HAG it does 28.1% of the U1/U2 visits (the
// pilot's figure) while the GPs' visits wait less. Full length, ten
// replications (~190 000 events each).
TEST(ScenarioJson, RapidHagScenariosReproduceThePilotShare) {
  const std::filesystem::path dir = std::filesystem::path(OZCC_SOURCE_DIR) / "data" / "scenarios";
  auto with = ParseScenarioJson(ReadFile(dir / "rapid-hag.json"));
  auto without = ParseScenarioJson(ReadFile(dir / "rapid-hag-baseline.json"));
  ASSERT_TRUE(with.ok()) << Dump(with.status());
  ASSERT_TRUE(without.ok()) << Dump(without.status());
  auto demand = [](const ScenarioFile& f) {
    ScenarioFile only_arrivals;
    only_arrivals.scenario.arrivals = f.scenario.arrivals;
    only_arrivals.scenario.horizon_hours = f.scenario.horizon_hours;
    only_arrivals.scenario.warmup_hours = f.scenario.warmup_hours;
    return ToJson(only_arrivals).dump();
  };
  EXPECT_EQ(demand(*with), demand(*without)) << "both scenarios must model the same demand";

  auto run = [](const ScenarioFile& f) {
    auto sim = Simulator::Build(f.scenario);
    EXPECT_TRUE(sim.ok());
    auto r = sim->Run({10, 1, 0});
    EXPECT_TRUE(r.ok());
    std::map<std::string, engine::simulate::StationResult> by_name;
    for (const auto& st : r->stations) by_name[st.name] = st;
    return by_name;
  };
  auto a = run(*with);
  auto b = run(*without);
  ASSERT_TRUE(a.count("rapid-hag") && a.count("gp-visit") && a.count("regiearts"));
  ASSERT_TRUE(b.count("gp-visit") && b.count("regiearts") && !b.count("rapid-hag"));
  // 1.5 requests per pilot hour, 60 pilot hours a week.
  const double weekly_mean = 1.5 * 60 / 168;
  EXPECT_NEAR(a["regiearts"].arrival_rate_per_hour.mean, weekly_mean, 0.02 * weekly_mean);
  EXPECT_NEAR(b["regiearts"].arrival_rate_per_hour.mean, weekly_mean, 0.02 * weekly_mean);
  const double share = a["rapid-hag"].arrival_rate_per_hour.mean / a["regiearts"].arrival_rate_per_hour.mean;
  std::printf("  Rapid HAG share of U1/U2 visits: %.4f (pilot: 0.281)\n", share);
  EXPECT_NEAR(share, 0.281, 0.02 * 0.281);
  EXPECT_NEAR(a["gp-visit"].arrival_rate_per_hour.mean, 0.719 * b["gp-visit"].arrival_rate_per_hour.mean,
              0.02 * 0.719 * b["gp-visit"].arrival_rate_per_hour.mean);
  // Fewer GP visits wait, and they wait less: the intervals do not overlap.
  std::printf("  GP visits P(wait): %.3f without, %.3f with the Rapid HAG; mean wait %.1f and %.1f min\n",
              b["gp-visit"].wait_probability.mean, a["gp-visit"].wait_probability.mean,
              b["gp-visit"].mean_wait_minutes.mean, a["gp-visit"].mean_wait_minutes.mean);
  EXPECT_LT(a["gp-visit"].wait_probability.ci_high, b["gp-visit"].wait_probability.ci_low);
  EXPECT_LT(a["gp-visit"].mean_wait_minutes.ci_high, b["gp-visit"].mean_wait_minutes.ci_low);
  EXPECT_LT(a["gp-visit"].utilisation.ci_high, b["gp-visit"].utilisation.ci_low);
}

// The pilot of ZCC Rotterdam-Rijnmond (seed 001): of the 407 cases discussed,
// 145 went from the GP post to acute district nursing (VVT) and 262 to the
// ambulance (MKA), and 145 patients in 13 months were helped by acute VVT.
// The shipped pathways route the mix; the shares are the pilot's within 2%
// (ten replications of twenty years, about 7 500 cases each).
TEST(ScenarioJson, RotterdamPathwaysReproduceThePilotSplit) {
  const std::filesystem::path dir = std::filesystem::path(OZCC_SOURCE_DIR) / "data" / "scenarios";
  auto f = ParseScenarioJson(ReadFile(dir / "zcc-rotterdam-pathways.json"), &ShippedPathways());
  ASSERT_TRUE(f.ok()) << Dump(f.status());
  std::map<std::string, std::string> sent;  // pathway id -> station
  for (const auto& pr : f->pathway_routes) {
    EXPECT_FALSE(pr.station.empty()) << pr.complaint << ": every class goes where a pathway sends it";
    sent[pr.pathway_id] = pr.station;
  }
  EXPECT_EQ(sent["catheter-care"], "acute-vvt");
  EXPECT_EQ(sent["wound-care"], "acute-vvt");
  EXPECT_EQ(sent["falls"], "acute-vvt");
  EXPECT_EQ(sent["rapid-hag"], "mka");
  auto sim = Simulator::Build(f->scenario);
  ASSERT_TRUE(sim.ok());
  auto r = sim->Run({10, 1, 0});
  ASSERT_TRUE(r.ok());
  std::map<std::string, engine::simulate::StationResult> by;
  for (const auto& st : r->stations) by[st.name] = st;
  const double zcc = by["zcc"].arrival_rate_per_hour.mean;
  const double vvt_share = by["acute-vvt"].arrival_rate_per_hour.mean / zcc;
  const double mka_share = by["mka"].arrival_rate_per_hour.mean / zcc;
  const double hours_13_months = 13 * 365.25 / 12 * 24;
  std::printf("  to acute VVT %.4f (pilot 145/407 = %.4f), to MKA %.4f (262/407 = %.4f); VVT in 13 months %.1f (145)\n",
              vvt_share, 145.0 / 407, mka_share, 262.0 / 407,
              by["acute-vvt"].arrival_rate_per_hour.mean * hours_13_months);
  EXPECT_NEAR(vvt_share, 145.0 / 407, 0.02 * 145.0 / 407);
  EXPECT_NEAR(mka_share, 262.0 / 407, 0.02 * 262.0 / 407);
  EXPECT_NEAR(by["acute-vvt"].arrival_rate_per_hour.mean * hours_13_months, 145, 0.03 * 145);
  // The nursing requests are U3 and U4 only; the ambulance sees U1 only.
  for (const auto& u : by["acute-vvt"].by_urgency) {
    EXPECT_TRUE(u.urgency == Urgency::kU3 || u.urgency == Urgency::kU4);
  }
  ASSERT_EQ(by["mka"].by_urgency.size(), 1u);
  EXPECT_EQ(by["mka"].by_urgency[0].urgency, Urgency::kU1);
}

}  // namespace
}  // namespace ozcc::api
