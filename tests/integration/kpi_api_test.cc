// The worklist KPIs end to end (GET /api/v1/kpis): cases taken in, triaged,
// handed over, accepted or declined and closed with outcomes through the
// API, then the figures read back as JSON and as CSV. On both stores.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/time.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

class KpiApiTest : public ApiFixture {
 protected:
  static std::string Tag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

  // A new case as the ZCC; returns its JSON.
  json Create(json body) {
    auto r = Call("zcc", "POST", "/api/v1/cases", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  json Step(const std::string& user, const std::string& target, std::int64_t version, const json& body,
            int status = 200) {
    auto r = Call(user, "POST", target, body.is_null() ? "" : body.dump(), {{"If-Match", Tag(version)}});
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }
  json HandOver(const json& c, const std::string& org) {
    return Step("zcc", "/api/v1/cases/" + c["id"].get<std::string>() + "/handovers", c["version"],
                {{"to_organization_id", org}, {"sbar", {{"situation", "s"}, {"recommendation", "r"}}}}, 201);
  }
  json Get(const std::string& id) {
    auto r = Call("zcc", "GET", "/api/v1/cases/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  json Close(const json& c, const std::string& outcome) {
    return Step("zcc", "/api/v1/cases/" + c["id"].get<std::string>() + "/close", c["version"], {{"outcome", outcome}});
  }

  // The scenario, received 30, 20 and 10 minutes ago:
  // A (hap, requested by own_org_, U3): handed over to own_org_, accepted, closed ed-visit;
  // B (gp, no requester, U4): handed over to own_org_, declined, re-routed to other_org_, closed
  //   self-care-advice while other_org_ had not answered;
  // C (hap, requested by own_org_): untriaged, open. And one case in DEMO2, which never counts.
  void Scenario() {
    const Time now = Now();
    auto at = [&](int minutes_ago) { return FormatRfc3339(now - std::chrono::minutes(minutes_ago)); };
    json a = Create({{"region_id", "ZWN"},
                     {"channel", "hap"},
                     {"summary", "pijn op de borst"},
                     {"requesting_organization_id", own_org_},
                     {"received_at", at(30)},
                     {"urgency", "U3"},
                     {"complaint", "chest-pain"}});
    json b = Create({{"region_id", "ZWN"},
                     {"channel", "gp"},
                     {"summary", "valpartij"},
                     {"received_at", at(20)},
                     {"urgency", "U4"},
                     {"complaint", "chest-pain"}});
    json c = Create({{"region_id", "ZWN"},
                     {"channel", "hap"},
                     {"summary", "katheter"},
                     {"requesting_organization_id", own_org_},
                     {"received_at", at(10)}});
    ASSERT_FALSE(HasFailure());
    auto other = Call("admin", "POST", "/api/v1/cases",
                      json{{"region_id", "DEMO2"}, {"channel", "hap"}, {"summary", "elders"}}.dump());
    ASSERT_EQ(other.status, 201) << other.body;

    json a1 = HandOver(a, own_org_);
    json ha = a1["handovers"].back();
    Step("orguser", "/api/v1/handovers/" + ha["id"].get<std::string>() + "/accept", ha["version"], nullptr);
    Close(Get(a["id"]), "ed-visit");

    json b1 = HandOver(b, own_org_);
    json hb = b1["handovers"].back();
    Step("orguser", "/api/v1/handovers/" + hb["id"].get<std::string>() + "/decline", hb["version"],
         {{"reason", "geen plek"}});
    json b2 = HandOver(Get(b["id"]), other_org_);
    Close(b2, "self-care-advice");
    EXPECT_EQ(Get(c["id"])["state"], "new");
  }
};

TEST_P(KpiApiTest, FiguresOfCasesWorkedThroughTheApi) {
  Scenario();
  ASSERT_FALSE(HasFatalFailure());
  auto r = Call("zcc", "GET", "/api/v1/kpis?region=ZWN");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/json");
  const json k = json::parse(r.body);
  EXPECT_EQ(k["region"], "ZWN");
  EXPECT_TRUE(k["by"].is_null());
  EXPECT_TRUE(k["groups"].empty());
  const Time from = *ParseRfc3339(k["from"].get<std::string>()), to = *ParseRfc3339(k["to"].get<std::string>());
  EXPECT_EQ(to - from, std::chrono::hours(24 * 7)) << "default: the last 7 days";
  EXPECT_LE(to, Now());

  const json& t = k["total"];
  EXPECT_EQ(t["requests"], 3);
  EXPECT_EQ(t["open"], 1);
  EXPECT_EQ(t["closed"], 2);
  EXPECT_EQ(t["action_needed"], 1) << "ed-visit needs action, self-care advice does not";
  EXPECT_EQ(t["outcomes"]["ed-visit"], 1);
  EXPECT_EQ(t["outcomes"]["self-care-advice"], 1);
  EXPECT_EQ(t["outcomes"]["referred"], 0);
  EXPECT_EQ(t["outcomes"].size(), 8u);
  EXPECT_EQ(t["requests_by_partner"], json::array({{{"organization_id", own_org_}, {"requests", 2}}}));
  EXPECT_EQ(t["requests_without_partner"], 1);
  // A and B were triaged at intake, 30 and 20 minutes after they were received.
  EXPECT_EQ(t["time_to_triage"]["count"], 2);
  EXPECT_NEAR(t["time_to_triage"]["median_seconds"].get<double>(), 20 * 60, 120);
  EXPECT_NEAR(t["time_to_triage"]["p90_seconds"].get<double>(), 30 * 60, 120);
  EXPECT_EQ(t["time_to_handover"]["count"], 2);
  EXPECT_NEAR(t["time_to_handover"]["median_seconds"].get<double>(), 20 * 60, 120);
  // Handovers per receiving partner.
  const json& hp = t["handovers_by_partner"];
  ASSERT_EQ(hp.size(), 2u) << hp;
  for (const auto& p : hp) {
    if (p["organization_id"] == own_org_) {
      EXPECT_EQ(p["requested"], 2);
      EXPECT_EQ(p["accepted"], 1);
      EXPECT_EQ(p["declined"], 1);
      EXPECT_EQ(p["answered"], 2);
      EXPECT_EQ(p["escalated"], 0);
      EXPECT_DOUBLE_EQ(p["acceptance_rate"].get<double>(), 0.5);
    } else {
      EXPECT_EQ(p["organization_id"], other_org_);
      EXPECT_EQ(p["requested"], 1);
      EXPECT_EQ(p["answered"], 0);
      EXPECT_TRUE(p["acceptance_rate"].is_null());
    }
  }
  EXPECT_EQ(t["pathway"], (json{{"followed", 0}, {"deviated", 0}, {"none", 3}}));

  // The ROAZ coordinator of the region and an admin see the same; DEMO2 has its own one case.
  auto roaz = Call("coordinator", "GET", "/api/v1/kpis");
  ASSERT_EQ(roaz.status, 200) << roaz.body;
  EXPECT_EQ(json::parse(roaz.body)["total"]["requests"], 3);
  auto demo2 = Call("admin", "GET", "/api/v1/kpis?region=DEMO2");
  ASSERT_EQ(demo2.status, 200) << demo2.body;
  EXPECT_EQ(json::parse(demo2.body)["total"]["requests"], 1);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/kpis").status, 403);
  EXPECT_EQ(Call("zcc", "GET", "/api/v1/kpis?region=DEMO2").status, 403);

  // A period that ends before the cases were received holds none.
  const std::string early = "&from=" + FormatRfc3339(from) + "&to=" + FormatRfc3339(Now() - std::chrono::hours(1));
  auto none = Call("zcc", "GET", "/api/v1/kpis?region=ZWN" + early);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(json::parse(none.body)["total"]["requests"], 0);
}

TEST_P(KpiApiTest, GroupedByChannelAndDay) {
  Scenario();
  ASSERT_FALSE(HasFatalFailure());
  auto r = Call("zcc", "GET", "/api/v1/kpis?by=channel");
  ASSERT_EQ(r.status, 200) << r.body;
  const json k = json::parse(r.body);
  EXPECT_EQ(k["by"], "channel");
  std::map<std::string, json> groups;
  for (const auto& g : k["groups"]) groups[g["key"]] = g;
  EXPECT_EQ(groups.size(), 8u) << "every channel";
  EXPECT_EQ(groups["hap"]["requests"], 2);
  EXPECT_EQ(groups["hap"]["open"], 1);
  EXPECT_EQ(groups["hap"]["action_needed"], 1);
  EXPECT_EQ(groups["gp"]["requests"], 1);
  EXPECT_EQ(groups["gp"]["outcomes"]["self-care-advice"], 1);
  EXPECT_EQ(groups["112"]["requests"], 0);

  auto days = Call("zcc", "GET", "/api/v1/kpis?by=day");
  ASSERT_EQ(days.status, 200) << days.body;
  const json d = json::parse(days.body);
  ASSERT_GE(d["groups"].size(), 7u);
  ASSERT_LE(d["groups"].size(), 8u);
  int sum = 0;
  for (const auto& g : d["groups"]) sum += g["requests"].get<int>();
  EXPECT_EQ(sum, 3);
}

TEST_P(KpiApiTest, CsvWithAHeaderRow) {
  Scenario();
  ASSERT_FALSE(HasFatalFailure());
  auto r = Call("zcc", "GET", "/api/v1/kpis?region=ZWN&by=channel", "", {{"Accept", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_NE(r.Header("content-disposition").value_or("").find("attachment"), std::string::npos);
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\r') << "CRLF line ends";
    line.pop_back();
    std::vector<std::string> cells;
    std::string cell;
    for (char ch : line) {
      if (ch == ',') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += ch;
      }
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  ASSERT_GE(rows.size(), 2u);
  const auto& header = rows[0];
  EXPECT_EQ(header[0], "row");
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return size_t{0};
  };
  for (const auto& row : rows) ASSERT_EQ(row.size(), header.size());
  const auto& total = rows[1];
  EXPECT_EQ(total[col("row")], "total");
  EXPECT_EQ(total[col("requests")], "3");
  EXPECT_EQ(total[col("open")], "1");
  EXPECT_EQ(total[col("action_needed")], "1");
  EXPECT_EQ(total[col("ed-visit")], "1");
  EXPECT_EQ(total[col("handovers_requested")], "3");
  EXPECT_EQ(total[col("handovers_accepted")], "1");
  EXPECT_EQ(total[col("handovers_declined")], "1");
  EXPECT_EQ(total[col("acceptance_rate")], "0.5");
  EXPECT_EQ(total[col("pathway_none")], "3");
  EXPECT_EQ(total[col("region")], "ZWN");
  bool own = false, hap = false;
  for (const auto& row : rows) {
    if (row[col("row")] == "partner" && row[col("key")].empty() && row[col("partner")] == own_org_) {
      own = true;
      EXPECT_EQ(row[col("requests")], "2");
      EXPECT_EQ(row[col("handovers_requested")], "2");
      EXPECT_EQ(row[col("acceptance_rate")], "0.5");
      EXPECT_EQ(row[col("open")], "") << "case columns are empty on partner rows";
    }
    if (row[col("row")] == "group" && row[col("key")] == "hap") {
      hap = true;
      EXPECT_EQ(row[col("requests")], "2");
    }
  }
  EXPECT_TRUE(own);
  EXPECT_TRUE(hap);
}

INSTANTIATE_TEST_SUITE_P(, KpiApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
