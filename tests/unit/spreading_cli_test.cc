// `openzcc spread` through the real command line, and the instance parser:
// the plan document, the same bytes for the same input, exit 2 naming every
// bad field with its line, exit 1 when the output cannot be written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/json/spreading_json.h"
#include "support/cli_run.h"
#include "support/status_errors.h"

namespace ozcc::app {
namespace {

using test::Cli;
using test::CliRun;
using test::Dump;
using test::HasError;
using test::Read;
using test::TempDir;
using test::Write;

// The hand-computed instance of spreading_test.cc (optimum 182), plus a
// stale ward at H2 and a ward patient who therefore finds no place.
constexpr const char* kInstance = R"({
  "hospitals": [
    {"id": "H1", "lat": 52.0, "lon": 4.3, "region": "R", "capacity": {"ic": {"staffed": 4, "occupied": 2}}},
    {"id": "H2", "lat": 51.9, "lon": 4.5, "region": "S", "regional_function": true,
     "capacity": {"ic": {"staffed": 10, "occupied": 2}, "ward": {"staffed": 30, "occupied": 3, "stale": true}}}
  ],
  "patients": [
    {"id": "P1", "lat": 52.1, "lon": 4.4, "region": "R", "needs": "ic"},
    {"id": "P2", "lat": 52.1, "lon": 4.4, "region": "R", "needs": "ic"},
    {"id": "P3", "lat": 52.0, "lon": 4.4, "region": "R", "needs": "ic"},
    {"id": "W", "lat": 52.0, "lon": 4.4, "region": "R", "needs": "ward"}
  ],
  "travel_minutes": {"P1": {"H1": 10, "H2": 5}, "P2": {"H1": 10, "H2": 30}, "P3": {"H1": 20, "H2": 20}},
  "policy": {"reserve": {"ic": 0.5}}
})";

TEST(SpreadCli, WritesTheOptimalPlan) {
  TempDir dir;
  const std::string file = Write(dir.path() / "i.json", kInstance);
  CliRun a = Cli({"spread", "--input", file});
  ASSERT_EQ(a.rc, 0) << a.err;
  auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["total_cost"], 182 + 10'000);
  EXPECT_GE(j["solve_ms"].get<double>(), 0);
  ASSERT_EQ(j["assignments"].size(), 4u);
  EXPECT_EQ(j["assignments"][0],
            nlohmann::json::parse(R"({"patient": "P1", "hospital": "H2", "care_type": "ic", "travel": 5.0,
                                      "load": 18.0, "outside_region": 30.0, "cost": 53.0})"));
  EXPECT_EQ(j["assignments"][1]["hospital"], "H1");
  EXPECT_EQ(j["assignments"][2]["load"], 24);
  EXPECT_EQ(j["assignments"][3],
            nlohmann::json::parse(R"({"patient": "W", "hospital": null, "care_type": "ward", "travel": 0.0,
                                      "load": 0.0, "outside_region": 0.0, "cost": 10000.0,
                                      "unplaced_reason": "no_open_place"})"));
  EXPECT_EQ(j["left_out"], nlohmann::json::parse(R"([{"hospital": "H2", "care_type": "ward", "reason": "stale"}])"));
  EXPECT_EQ(j["open_places"], nlohmann::json::parse(R"([{"hospital": "H1", "care_type": "ic", "open": 2, "reserve": 0},
      {"hospital": "H2", "care_type": "ic", "open": 3, "reserve": 5},
      {"hospital": "H2", "care_type": "ward", "open": 0, "reserve": 0}])"));
  EXPECT_NE(a.err.find("4 patients, 3 placed"), std::string::npos) << a.err;

  // Same input, same plan, byte for byte (but the time it took).
  const std::string out = (dir.path() / "plan.json").string();
  CliRun b = Cli({"spread", "--input", file, "--output", out});
  ASSERT_EQ(b.rc, 0) << b.err;
  EXPECT_TRUE(b.out.empty());
  auto strip = [](std::string s) {
    const size_t at = s.find("\"solve_ms\"");
    return s.erase(at, s.find('\n', at) - at);
  };
  EXPECT_EQ(strip(Read(out)), strip(a.out));
}

TEST(SpreadCli, BadInputExitsTwoNamingEveryFieldWithItsLine) {
  TempDir dir;
  std::string bad = kInstance;
  bad.replace(bad.find("\"staffed\": 4"), 12, "\"staffed\": -4");
  bad.replace(bad.find("\"needs\": \"ward\""), 15, "\"needs\": \"icu\"");
  bad.replace(bad.find("\"P3\": {\"H1\""), 11, "\"P9\": {\"H1\"");
  bad.replace(bad.find("\"policy\": {"), 11, "\"policy\": {\"speed\": 3, ");
  CliRun r = Cli({"spread", "--input", Write(dir.path() / "bad.json", bad)});
  EXPECT_EQ(r.rc, 2);
  EXPECT_TRUE(r.out.empty());
  for (const char* want :
       {"hospitals[0].capacity.ic.staffed: line 3: must be 0 to 10000000",
        "patients[3].needs: line 11: unknown care type", "travel_minutes.P9: line 13: no patient has the id \"P9\"",
        "policy.speed: line 14: unknown field"}) {
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\n" << r.err;
  }

  r = Cli({"spread", "--input", Write(dir.path() / "junk.json", "{\"hospitals\": [")});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("json: line 1"), std::string::npos) << r.err;

  r = Cli({"spread", "--input", (dir.path() / "missing.json").string()});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--input"), std::string::npos) << r.err;

  r = Cli({"spread", "--input", Write(dir.path() / "i.json", kInstance), "--output",
           (dir.path() / "no" / "such" / "dir.json").string()});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
}

TEST(SpreadingJson, ParserReportsShapesAndModelFindingsOnce) {
  auto r = api::ParseSpreadingInstanceJson(
      "{\"hospitals\": [{\"id\": \"A\", \"lat\": 91, \"lon\": 5, \"region\": \"R\",\n"
      " \"capacity\": {\"icu\": {}}},\n"
      " {\"id\": \"A\", \"lat\": 52, \"lon\": \"5\", \"region\": \"R\", \"capacity\": {}}],\n"
      " \"patients\": [{\"id\": \"p\", \"lat\": 52, \"lon\": 5, \"region\": \"R\"}],\n"
      " \"travel_minutes\": {\"p\": {\"A\": \"ten\", \"B\": 3}},\n"
      " \"extra\": 1}");
  ASSERT_FALSE(r.ok());
  const Status& st = r.status();
  EXPECT_TRUE(HasError(st, "hospitals[0].lat", 1, "-90 to 90")) << Dump(st);
  EXPECT_TRUE(HasError(st, "hospitals[0].capacity.icu", 2, "unknown field")) << Dump(st);
  EXPECT_TRUE(HasError(st, "hospitals[1].id", 3, "duplicate id \"A\"")) << Dump(st);
  EXPECT_TRUE(HasError(st, "hospitals[1].lon", 3, "must be a number")) << Dump(st);
  EXPECT_TRUE(HasError(st, "patients[0].needs", 4, "missing")) << Dump(st);
  EXPECT_TRUE(HasError(st, "travel_minutes.p.A", 5, "must be a number")) << Dump(st);
  EXPECT_TRUE(HasError(st, "travel_minutes.p.B", 5, "no hospital")) << Dump(st);
  EXPECT_TRUE(HasError(st, "extra", 6, "unknown field")) << Dump(st);
  size_t lon_errors = 0;
  for (const auto& e : st.errors()) lon_errors += e.field == "hospitals[1].lon" ? 1 : 0;
  EXPECT_EQ(lon_errors, 1u) << "a wrong type is not also out of range";

  auto ok = api::ParseSpreadingInstanceJson(R"({"hospitals": [], "patients": []})");
  ASSERT_TRUE(ok.ok()) << Dump(ok.status());
  EXPECT_EQ(ok->policy.unplaced_cost, 10'000);
  EXPECT_EQ(ok->policy.reserve[0], 0.5);
}

TEST(SpreadingJson, PinsAndForbidsNameTheirPatientAndHospital) {
  const std::string hospitals =
      R"({"hospitals": [{"id": "A", "lat": 52, "lon": 5, "region": "R", "capacity": {"ic": {"staffed": 4, "occupied": 0}}},
                   {"id": "B", "lat": 52, "lon": 6, "region": "R", "capacity": {"ic": {"staffed": 4, "occupied": 0}}}],
  "patients": [{"id": "p", "lat": 52, "lon": 5, "region": "R", "needs": "ic"},
               {"id": "q", "lat": 52, "lon": 5, "region": "R", "needs": "ic"}],
)";
  auto ok = api::ParseSpreadingInstanceJson(hospitals + R"("pins": {"p": "B"}, "forbids": {"q": ["A"]}})");
  ASSERT_TRUE(ok.ok()) << Dump(ok.status());
  ASSERT_EQ(ok->pins.size(), 1u);
  EXPECT_EQ(ok->pins[0].patient, 0);
  EXPECT_EQ(ok->pins[0].hospital, 1);
  ASSERT_EQ(ok->forbids.size(), 1u);
  EXPECT_EQ(ok->forbids[0].patient, 1);
  EXPECT_EQ(ok->forbids[0].hospital, 0);

  auto bad = api::ParseSpreadingInstanceJson(hospitals + R"("pins": {"p": "B", "x": "A", "q": 3},
  "forbids": {"p": ["B", "C", 4], "q": "A"}})");
  ASSERT_FALSE(bad.ok());
  const Status& st = bad.status();
  EXPECT_TRUE(HasError(st, "pins.x", 5, "no patient has the id \"x\"")) << Dump(st);
  EXPECT_TRUE(HasError(st, "pins.q", 5, "must be a hospital id")) << Dump(st);
  EXPECT_TRUE(HasError(st, "forbids.p[1]", 6, "no hospital has the id \"C\"")) << Dump(st);
  EXPECT_TRUE(HasError(st, "forbids.p[2]", 6, "must be a hospital id")) << Dump(st);
  EXPECT_TRUE(HasError(st, "forbids.q", 6, "must be an array")) << Dump(st);
  bool pinned_and_forbidden = false;  // the model's finding; its path is no JSON member, so no line is asserted
  for (const auto& e : st.errors()) {
    pinned_and_forbidden |= e.field == "forbids.p.B" && e.message.find("pinned to this hospital") != std::string::npos;
  }
  EXPECT_TRUE(pinned_and_forbidden) << Dump(st);
}

}  // namespace
}  // namespace ozcc::app
