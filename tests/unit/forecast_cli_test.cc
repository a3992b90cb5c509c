// `openzcc forecast ed-arrivals` and `forecast occupancy` (app/forecast_cli.h)
// as the backtest contract: the output rows, no look-ahead (changing or
// dropping any row after an origin leaves that origin's forecast as it was),
// targets beyond the last row, and bad input refused with exit 2 naming the
// file, line and field.
#include "app/forecast_cli.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_run.h"

namespace ozcc::app {
namespace {

using test::Cli;
using test::Write;

std::string Temp(const std::string& name) {
  return (std::filesystem::path(testing::TempDir()) / ("forecast_cli_" + name)).string();
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Hourly ED arrivals from 2024-01-01T00 (a Monday) for `hours` hours.
std::string EdCsv(int hours, std::uint32_t seed, int changed_after = -1) {
  std::mt19937 rng(seed);
  std::ostringstream out;
  out << "time,value\n";
  for (int i = 0; i < hours; ++i) {
    const double mu = 6 - 4 * std::cos(2 * 3.14159265 * (i % 24) / 24);
    int v = std::poisson_distribution<int>(mu)(rng);
    if (changed_after >= 0 && i > changed_after) v = v * 3 + 7;
    out << FormatForecastHour(ParseForecastHour("2024-01-01T00:00:00").value() + i, {}) << ',' << v << '\n';
  }
  return out.str();
}

// Output rows by origin.
std::map<std::string, std::vector<std::string>> ByOrigin(const std::vector<std::string>& lines) {
  std::map<std::string, std::vector<std::string>> out;
  for (std::size_t i = 1; i < lines.size(); ++i) out[lines[i].substr(0, lines[i].find(','))].push_back(lines[i]);
  return out;
}

TEST(ForecastCli, EdArrivalsWritesEveryOriginAndHorizon) {
  const std::string in = Temp("ed.csv");
  const std::string out = Temp("ed_out.csv");
  Write(in, EdCsv(24 * 7 * 5, 1));
  auto r = Cli({"forecast", "ed-arrivals", "--input", in, "--origins", "2024-02-01T00:00:00..2024-02-01T05:00:00",
                "--horizons", "1,2", "--output", out});
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u + 6 * 2);
  EXPECT_EQ(lines[0], "origin,target,horizon,mean,p10,p90");
  EXPECT_EQ(lines[1].substr(0, 42), "2024-02-01T00:00:00,2024-02-01T01:00:00,1,");
  EXPECT_EQ(lines[12].substr(0, 42), "2024-02-01T05:00:00,2024-02-01T07:00:00,2,");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<double> v;
    std::stringstream ss(lines[i]);
    std::string f;
    for (int k = 0; std::getline(ss, f, ','); ++k) {
      if (k >= 3) v.push_back(std::stod(f));
    }
    ASSERT_EQ(v.size(), 3u);
    EXPECT_LE(v[1], v[0]);  // p10 <= mean <= p90
    EXPECT_GE(v[2], v[0]);
  }
}

// The contract: for origin o only rows up to o are used. Every row after o
// is changed (and in a second run dropped); the forecasts of origins <= o
// stay byte for byte the same, those after o change.
TEST(ForecastCli, EdArrivalsHasNoLookAhead) {
  const int hours = 24 * 7 * 6;
  const std::string in = Temp("ed_base.csv");
  const std::string changed = Temp("ed_changed.csv");
  const std::string cut = Temp("ed_cut.csv");
  Write(in, EdCsv(hours, 2));
  const int o = hours - 30;  // index of the origin hour whose future is changed
  Write(changed, EdCsv(hours, 2, o));
  {
    const std::string all = EdCsv(hours, 2);
    std::istringstream ss(all);
    std::ostringstream head;
    std::string line;
    for (int i = 0; i <= o + 1 && std::getline(ss, line); ++i) head << line << '\n';  // header + rows 0..o
    Write(cut, head.str());
  }
  const std::string origin = FormatForecastHour(ParseForecastHour("2024-01-01T00:00:00").value() + o, {});
  const std::string from = FormatForecastHour(ParseForecastHour(origin).value() - 5, {});
  const std::string to = FormatForecastHour(ParseForecastHour(origin).value() + 5, {});
  std::map<std::string, std::map<std::string, std::vector<std::string>>> outs;
  for (const auto& [name, file, last] :
       {std::tuple{"base", in, to}, std::tuple{"changed", changed, to}, std::tuple{"cut", cut, origin}}) {
    const std::string out = Temp(std::string("ed_out_") + name + ".csv");
    auto r = Cli({"forecast", "ed-arrivals", "--input", file, "--origins", from + ".." + last, "--horizons", "1,2,3",
                  "--output", out});
    ASSERT_EQ(r.rc, 0) << name << ": " << r.err;
    outs[name] = ByOrigin(Lines(out));
  }
  ASSERT_EQ(outs["base"].size(), 11u);
  ASSERT_EQ(outs["cut"].size(), 6u);
  int after = 0;
  for (const auto& [org, rows] : outs["base"]) {
    if (org <= origin) {
      EXPECT_EQ(rows, outs["changed"][org]) << org;
      EXPECT_EQ(rows, outs["cut"][org]) << org;
    } else {
      after += rows != outs["changed"][org];
    }
  }
  EXPECT_EQ(after, 5);  // the test can see a change: later origins did move
}

TEST(ForecastCli, EdArrivalsHolidaysChangeOnlyTheirDays) {
  const std::string in = Temp("ed_h.csv");
  const std::string hol = Temp("hol.csv");
  Write(in, EdCsv(24 * 7 * 5, 3));
  Write(hol, "date,name\n2024-02-07,\"Feast, with a comma\"\n");  // a Wednesday
  const std::string out1 = Temp("ed_h1.csv");
  const std::string out2 = Temp("ed_h2.csv");
  const std::string origins = "2024-02-04T00:00:00..2024-02-04T00:00:00";
  ASSERT_EQ(
      Cli({"forecast", "ed-arrivals", "--input", in, "--origins", origins, "--horizons", "1,84", "--output", out1}).rc,
      0);
  auto r = Cli({"forecast", "ed-arrivals", "--input", in, "--origins", origins, "--horizons", "1,84", "--holidays", hol,
                "--output", out2});
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto a = Lines(out1);
  const auto b = Lines(out2);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1], b[1]);  // 2024-02-04T01: not a holiday
  EXPECT_NE(a[2], b[2]);  // 2024-02-07T12: the holiday
}

std::string OccCsv(int days, int changed_after = -1) {
  std::ostringstream out;
  out << "date,occupied,admissions\n";
  double occ = 1000;
  for (int t = 0; t < days; ++t) {
    double adm = 100 + 30 * std::sin(t / 9.0) + (t % 7 == 0 ? -20 : 0);
    occ = occ * 0.9 + adm;
    double o = std::round(occ);
    if (changed_after >= 0 && t > changed_after) o *= 2, adm = 0;
    out << FormatForecastDate(ParseForecastDate("2020-10-17").value() + t) << ',' << o << ',' << std::round(adm)
        << '\n';
  }
  return out.str();
}

TEST(ForecastCli, OccupancyHasNoLookAheadAndForecastsBeyondTheLastRow) {
  const std::string in = Temp("occ.csv");
  const std::string changed = Temp("occ_changed.csv");
  const std::string cut = Temp("occ_cut.csv");
  Write(in, OccCsv(80));
  Write(changed, OccCsv(80, 50));  // day 50 = 2020-12-06
  {
    std::istringstream ss(OccCsv(80));
    std::ostringstream head;
    std::string line;
    for (int i = 0; i <= 51 && std::getline(ss, line); ++i) head << line << '\n';
    Write(cut, head.str());
  }
  std::map<std::string, std::map<std::string, std::vector<std::string>>> outs;
  for (const auto& [name, file, last] :
       {std::tuple{"base", in, "2020-12-10"}, std::tuple{"changed", changed, "2020-12-10"},
        std::tuple{"cut", cut, "2020-12-06"}}) {
    const std::string out = Temp(std::string("occ_out_") + name + ".csv");
    auto r = Cli({"forecast", "occupancy", "--input", file, "--origins", std::string("2020-12-01..") + last,
                  "--horizons", "7,14,21", "--output", out});
    ASSERT_EQ(r.rc, 0) << name << ": " << r.err;
    outs[name] = ByOrigin(Lines(out));
  }
  ASSERT_EQ(outs["base"].size(), 10u);
  ASSERT_EQ(outs["cut"].size(), 6u);
  EXPECT_EQ(outs["cut"]["2020-12-06"].back().substr(0, 25), "2020-12-06,2020-12-27,21,");  // beyond the last row
  int after = 0;
  for (const auto& [org, rows] : outs["base"]) {
    if (org <= "2020-12-06") {
      EXPECT_EQ(rows, outs["changed"][org]) << org;
      EXPECT_EQ(rows, outs["cut"][org]) << org;
    } else {
      after += rows != outs["changed"][org];
    }
  }
  EXPECT_EQ(after, 4);
}

struct BadCase {
  std::string name;
  std::string command;  // ed-arrivals or occupancy
  std::string input;
  std::string origins;
  std::string horizons;
  std::string expect;  // in the message
};

TEST(ForecastCli, BadInputExitsTwoNamingLineAndField) {
  const std::string ed_ok = "time,value\n2024-01-01T00:00:00,3\n2024-01-01T01:00:00,4\n2024-01-01T02:00:00,5\n";
  const std::string ed_origins = "2024-01-01T01:00:00..2024-01-01T02:00:00";
  const std::string occ_ok = "date,occupied,admissions\n2020-10-17,10,2\n2020-10-18,11,3\n";
  const std::vector<BadCase> cases = {
      {"no value column", "ed-arrivals", "time,count\n2024-01-01T00:00:00,3\n", ed_origins, "1", "line 1"},
      {"negative count", "ed-arrivals", "time,value\n2024-01-01T00:00:00,3\n2024-01-01T01:00:00,-1\n", ed_origins, "1",
       "line 3: value"},
      {"text count", "ed-arrivals", "time,value\n2024-01-01T00:00:00,three\n", ed_origins, "1", "line 2: value"},
      {"bad time", "ed-arrivals", "time,value\n2024-01-01T00:00:00,3\n2024-13-01T01:00:00,1\n", ed_origins, "1",
       "line 3: time"},
      {"not an hour start", "ed-arrivals", "time,value\n2024-01-01T00:30:00,3\n", ed_origins, "1", "line 2: time"},
      {"out of order", "ed-arrivals", "time,value\n2024-01-01T01:00:00,3\n2024-01-01T00:00:00,1\n", ed_origins, "1",
       "line 3: time"},
      {"duplicate hour", "ed-arrivals", "time,value\n2024-01-01T01:00:00,3\n2024-01-01T01:00:00,1\n", ed_origins, "1",
       "line 3: time"},
      {"missing field", "ed-arrivals", "time,value\n2024-01-01T00:00:00\n", ed_origins, "1", "line 2: value"},
      {"origins not a range", "ed-arrivals", ed_ok, "2024-01-01T01:00:00", "1", "--origins"},
      {"origin after the data", "ed-arrivals", ed_ok, "2024-01-01T01:00:00..2024-01-01T05:00:00", "1",
       "after the last row"},
      {"origin before the data", "ed-arrivals", ed_ok, "2023-12-31T23:00:00..2024-01-01T01:00:00", "1",
       "before the first row"},
      {"bad horizon", "ed-arrivals", ed_ok, ed_origins, "1,x", "--horizons"},
      {"zero horizon", "ed-arrivals", ed_ok, ed_origins, "0", "--horizons"},
      {"empty file", "ed-arrivals", "", ed_origins, "1", "empty"},
      {"no rows", "ed-arrivals", "time,value\n", ed_origins, "1", "no data rows"},
      {"bad date", "occupancy", "date,occupied,admissions\n2020-10-17,10,2\n2020-10-32,11,3\n",
       "2020-10-17..2020-10-17", "7", "line 3: date"},
      {"bad occupied", "occupancy", "date,occupied,admissions\n2020-10-17,ten,2\n", "2020-10-17..2020-10-17", "7",
       "line 2: occupied"},
      {"bad admissions", "occupancy", "date,occupied,admissions\n2020-10-17,10,-2\n", "2020-10-17..2020-10-17", "7",
       "line 2: admissions"},
      {"no admissions column", "occupancy", "date,occupied\n2020-10-17,10\n", "2020-10-17..2020-10-17", "7",
       "admissions"},
      {"origin with unknown occupancy", "occupancy", "date,occupied,admissions\n2020-10-17,10,2\n2020-10-18,NA,3\n",
       "2020-10-18..2020-10-18", "7", "origin 2020-10-18"},
      {"occupancy origins as hours", "occupancy", occ_ok, "2020-10-17T00:00..2020-10-18", "7", "--origins"},
  };
  for (const auto& c : cases) {
    const std::string in = Temp("bad.csv");
    Write(in, c.input);
    auto r = Cli({"forecast", c.command, "--input", in, "--origins", c.origins, "--horizons", c.horizons, "--output",
                  Temp("bad_out.csv")});
    EXPECT_EQ(r.rc, 2) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
  }
  auto r = Cli({"forecast", "ed-arrivals", "--input", Temp("does_not_exist.csv"), "--origins", ed_origins});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
  Write(Temp("ok.csv"), ed_ok);
  Write(Temp("bad_hol.csv"), "date,name\n2024-01-01,x\n24-01-02,y\n");
  r = Cli({"forecast", "ed-arrivals", "--input", Temp("ok.csv"), "--origins", ed_origins, "--holidays",
           Temp("bad_hol.csv")});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("line 3: date"), std::string::npos) << r.err;
}

TEST(ForecastCli, TimeParsing) {
  ForecastTimeStyle st;
  EXPECT_EQ(ParseForecastHour("1970-01-02T03:00:00", &st).value(), 27);
  EXPECT_TRUE(st.seconds);
  EXPECT_EQ(ParseForecastHour("1970-01-02 03", &st).value(), 27);
  EXPECT_EQ(st.separator, ' ');
  EXPECT_FALSE(st.minutes);
  EXPECT_EQ(FormatForecastHour(27, st), "1970-01-02 03");
  EXPECT_EQ(ParseForecastHour("1970-01-02T03:00:00+01:00").value(), 27);  // local: the offset is ignored
  EXPECT_EQ(ParseForecastHour("1970-01-02T03:00Z").value(), 27);
  EXPECT_EQ(ParseForecastHour("1970-01-02").value(), 24);
  EXPECT_FALSE(ParseForecastHour("1970-01-02T24:00").ok());
  EXPECT_FALSE(ParseForecastHour("1970-01-02T03:00:01").ok());
  EXPECT_FALSE(ParseForecastHour("1970-02-30T03:00").ok());
  EXPECT_FALSE(ParseForecastHour("1970-01-02T03:00junk").ok());
  EXPECT_EQ(ParseForecastDate("2020-10-17").value(), 18552);
  EXPECT_EQ(FormatForecastDate(18552), "2020-10-17");
  EXPECT_EQ(ParseForecastHorizons("7, 14", 21).value(), (std::vector<int>{7, 14}));
  EXPECT_FALSE(ParseForecastHorizons("7,7", 21).ok());
  EXPECT_FALSE(ParseForecastHorizons("22", 21).ok());
  EXPECT_FALSE(ParseForecastHorizons("", 21).ok());
}

}  // namespace
}  // namespace ozcc::app
