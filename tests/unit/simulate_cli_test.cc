// `openzcc simulate` through the real command line: the result document, the
// same numbers for the same seed whatever the threads, exit 2 naming the
// field on bad input, exit 1 when the output cannot be written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_run.h"

namespace ozcc::app {
namespace {

using test::Cli;
using test::CliRun;
using test::Read;
using test::TempDir;
using test::Write;

constexpr const char* kScenario =
    R"({"horizon_hours": 3000, "warmup_hours": 100, "arrivals": [{"name": "calls", "rate_per_hour": 9, "to": "triage"}], "stations": [{"name": "triage", "servers": 10, "service": {"dist": "exponential", "mean_minutes": 60}}]})";

TEST(SimulateCli, WritesTheResultAndIsReproducible) {
  TempDir dir;
  const std::string file = Write(dir.path() / "s.json", kScenario);
  CliRun a = Cli({"simulate", "--scenario", file, "--replications", "4", "--seed", "9", "--threads", "1"});
  ASSERT_EQ(a.rc, 0) << a.err;
  auto j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["replications"], 4);
  EXPECT_EQ(j["seed"], 9);
  EXPECT_GT(j["events"].get<double>(), 4 * 2 * 9 * 2900 * 0.9);
  EXPECT_GE(j["wall_seconds"].get<double>(), 0);
  const auto& t = j["stations"]["triage"];
  EXPECT_NEAR(t["utilisation"]["mean"].get<double>(), 0.9, 0.05);
  EXPECT_TRUE(t["wait_probability"]["ci95"].is_array());
  EXPECT_NE(a.err.find("seed 9"), std::string::npos) << a.err;

  const std::string out = (dir.path() / "out.json").string();
  CliRun b =
      Cli({"simulate", "--scenario", file, "--replications", "4", "--seed", "9", "--threads", "3", "--output", out});
  ASSERT_EQ(b.rc, 0) << b.err;
  EXPECT_TRUE(b.out.empty());
  auto k = nlohmann::json::parse(Read(out));
  j.erase("wall_seconds");
  k.erase("wall_seconds");
  EXPECT_EQ(j, k) << "same seed, other thread count: the same numbers";

  // The default seed is fixed and said.
  CliRun c = Cli({"simulate", "--scenario", file, "--replications", "2"});
  ASSERT_EQ(c.rc, 0) << c.err;
  EXPECT_EQ(nlohmann::json::parse(c.out)["seed"], 1);
  EXPECT_NE(c.err.find("seed 1 (the default)"), std::string::npos) << c.err;
}

// --pathways DIR: the scenario's pathway_routing expands over that set and
// the result says which pathway sent which class where; without the flag the
// scenario is refused naming pathway_routing; a broken set exits 2.
TEST(SimulateCli, PathwaysRouteTheMix) {
  TempDir dir;
  const std::string file = Write(dir.path() / "p.json", R"({"horizon_hours": 500, "arrivals": [{"name": "calls",
    "rate_per_hour": 10, "to": "desk", "mix": [{"urgency": "U3", "complaint": "fall", "share": 0.6},
    {"urgency": "U2", "complaint": "headache", "share": 0.4}]}],
    "pathway_routing": {"from": "desk", "routes": {"vvt": "nursing"}},
    "stations": [{"name": "desk", "servers": 2, "service": {"dist": "exponential", "mean_minutes": 3},
                  "next": [{"station": "gp", "probability": 1}]},
                 {"name": "nursing", "servers": 5, "service": {"dist": "exponential", "mean_minutes": 30}},
                 {"name": "gp", "servers": 5, "service": {"dist": "exponential", "mean_minutes": 30}}]})");
  const std::string pathways = (std::filesystem::path(OZCC_SOURCE_DIR) / "data" / "pathways").string();
  CliRun a = Cli({"simulate", "--scenario", file, "--replications", "2", "--pathways", pathways});
  ASSERT_EQ(a.rc, 0) << a.err;
  auto j = nlohmann::json::parse(a.out);
  ASSERT_EQ(j["pathway_routes"].size(), 2u) << a.out;
  EXPECT_EQ(j["pathway_routes"][0]["pathway"]["id"], "falls");
  EXPECT_EQ(j["pathway_routes"][0]["station"], "nursing");
  EXPECT_FALSE(j["pathway_routes"][1].contains("station")) << "headache's md-consult is not mapped";
  EXPECT_NEAR(j["stations"]["nursing"]["arrival_rate_per_hour"]["mean"].get<double>(), 6, 0.6);
  EXPECT_TRUE(j["stations"]["nursing"]["by_urgency"].contains("U3"));
  EXPECT_FALSE(j["stations"]["nursing"]["by_urgency"].contains("U2"));

  CliRun b = Cli({"simulate", "--scenario", file, "--replications", "2"});
  EXPECT_EQ(b.rc, 2);
  EXPECT_NE(b.err.find("pathway_routing: line 4:"), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("--pathways"), std::string::npos) << b.err;

  const std::string broken = (dir.path() / "set").string();
  std::filesystem::create_directories(broken);
  Write(std::filesystem::path(broken) / "x.json", "{}");
  CliRun c = Cli({"simulate", "--scenario", file, "--pathways", broken});
  EXPECT_EQ(c.rc, 2);
  EXPECT_NE(c.err.find("x.json"), std::string::npos) << c.err;
}

TEST(SimulateCli, BadInputExitsTwoNamingTheField) {
  TempDir dir;
  std::string bad = kScenario;
  bad.replace(bad.find("\"servers\": 10"), 13, "\"servers\": 0");
  CliRun r = Cli({"simulate", "--scenario", Write(dir.path() / "bad.json", bad)});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("stations[0].servers: line 1:"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());

  r = Cli({"simulate", "--scenario", Write(dir.path() / "junk.json", "{\"horizon_hours\": ")});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("json: line 1"), std::string::npos) << r.err;

  r = Cli({"simulate", "--scenario", (dir.path() / "missing.json").string()});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--scenario"), std::string::npos) << r.err;

  const std::string good = Write(dir.path() / "s.json", kScenario);
  r = Cli({"simulate", "--scenario", good, "--replications", "0"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--replications"), std::string::npos) << r.err;
  r = Cli({"simulate", "--scenario", good, "--seed", "9007199254740992"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;

  r = Cli({"simulate", "--scenario", good, "--replications", "2", "--output",
           (dir.path() / "no" / "such" / "dir.json").string()});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ozcc::app
