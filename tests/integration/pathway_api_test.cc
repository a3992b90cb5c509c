// The care pathways end to end (both stores): the shipped set seeded at
// start, a new version by PUT with If-Match while the old one stays
// readable, the proposal of a triaged case with the region's live capacity
// nearest first, and the coordinator's decision (an action taken, or a
// deviation with a reason) on the case and its timeline.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "base/time.h"
#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

bool NamesField(const HttpResponse& r, const std::string& field) {
  for (const auto& e : Body(r).value("errors", json::array())) {
    if (e.value("field", "") == field) return true;
  }
  return false;
}

class PathwayApiTest : public ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  static Headers JsonBody(Headers h = {}) {
    h.emplace_back("Content-Type", "application/json");
    return h;
  }
  static Headers Matching(const std::string& etag) { return JsonBody({{"If-Match", etag}}); }

  // A case from the Zeeland GP post, triaged at intake.
  json NewCase(const std::string& complaint, const std::string& urgency, const std::string& from = "hap-zeeland") {
    json body = {{"region_id", "ZWN"}, {"channel", "hap"},       {"summary", "katheter verstopt"},
                 {"urgency", urgency}, {"complaint", complaint}, {"context", {{"age_years", 82}}}};
    if (!from.empty()) body["requesting_organization_id"] = from;
    auto r = Call("zcc", "POST", "/api/v1/cases", body.dump(), JsonBody());
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r);
  }
};

TEST_P(PathwayApiTest, ShippedSetIsSeededOnceAndReadable) {
  auto list = Call("viewer", "GET", "/api/v1/pathways");
  ASSERT_EQ(list.status, 200) << list.body;
  const json items = Body(list)["items"];
  EXPECT_EQ(items.size(), 27u);
  std::set<std::string> ids;
  for (const auto& p : items) {
    ids.insert(p["id"].get<std::string>());
    EXPECT_EQ(p["version"], 1);
    EXPECT_EQ(p["created_by"], "shipped");
  }
  EXPECT_TRUE(ids.count("catheter-care"));
  // Starting again stores nothing new.
  auto again = api_->SeedPathways();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 0u);

  auto one = Call("orguser", "GET", "/api/v1/pathways/catheter-care");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Header("etag").value_or(""), "\"1\"");
  EXPECT_EQ(Body(one)["actions"][0]["code"], "acute-district-nursing");
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/pathways/no-such-pathway").status, 404);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/pathways/catheter-care?version=2").status, 404);
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/pathways/catheter-care?version=x").status, 400);
  EXPECT_EQ(Call("privacy", "GET", "/api/v1/pathways").status, 403);
}

TEST_P(PathwayApiTest, PutMakesANewVersionAndKeepsTheOld) {
  json doc = Body(Call("admin", "GET", "/api/v1/pathways/catheter-care"));
  doc.erase("created_by");
  doc.erase("created_at");
  doc["name"]["nl"] = "Katheterzorg (regio)";

  auto without = Call("admin", "PUT", "/api/v1/pathways/catheter-care", doc.dump(), JsonBody());
  EXPECT_EQ(without.status, 428) << without.body;
  auto put = Call("admin", "PUT", "/api/v1/pathways/catheter-care", doc.dump(), Matching("\"1\""));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Header("etag").value_or(""), "\"2\"");
  EXPECT_EQ(Body(put)["version"], 2);
  EXPECT_EQ(Body(put)["created_by"], "admin");

  // The stale version is refused; nothing is stored.
  doc["name"]["nl"] = "Katheterzorg (oud)";
  auto stale = Call("admin", "PUT", "/api/v1/pathways/catheter-care", doc.dump(), Matching("\"1\""));
  EXPECT_EQ(stale.status, 412) << stale.body;

  auto current = Body(Call("viewer", "GET", "/api/v1/pathways/catheter-care"));
  EXPECT_EQ(current["version"], 2);
  EXPECT_EQ(current["name"]["nl"], "Katheterzorg (regio)");
  auto old = Call("viewer", "GET", "/api/v1/pathways/catheter-care?version=1");
  ASSERT_EQ(old.status, 200);
  EXPECT_EQ(Body(old)["name"]["nl"], "Katheterzorg");
  EXPECT_EQ(old.Header("etag").value_or(""), "\"1\"");
  auto versions = Body(Call("viewer", "GET", "/api/v1/pathways/catheter-care/versions"))["items"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["created_by"], "shipped");
  EXPECT_EQ(versions[1]["version"], 2);
  EXPECT_EQ(versions[1]["created_by"], "admin");

  // A restart does not put the shipped version back.
  ASSERT_TRUE(api_->SeedPathways().ok());
  EXPECT_EQ(Body(Call("viewer", "GET", "/api/v1/pathways/catheter-care"))["version"], 2);

  // A new id needs no If-Match and answers 201; one that names a version of it 412.
  doc["id"] = "catheter-care-night";
  auto fresh = Call("admin", "PUT", "/api/v1/pathways/catheter-care-night", doc.dump(), Matching("\"3\""));
  EXPECT_EQ(fresh.status, 412) << fresh.body;
  fresh = Call("admin", "PUT", "/api/v1/pathways/catheter-care-night", doc.dump(), JsonBody());
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(Body(fresh)["version"], 1);
  EXPECT_EQ(Body(Call("viewer", "GET", "/api/v1/pathways"))["items"].size(), 28u);
  // Only an admin changes pathways; the audit log has the change.
  EXPECT_EQ(Call("zcc", "PUT", "/api/v1/pathways/catheter-care", doc.dump(), Matching("\"2\"")).status, 403);
  auto audit = Body(Call("admin", "GET", "/api/v1/audit"));
  int puts = 0;
  for (const auto& a : audit["items"]) puts += a["action"] == "pathway.put" && a["outcome"] == "ok";
  EXPECT_EQ(puts, 2);
}

TEST_P(PathwayApiTest, ProposalOfACatheterCaseListsVvtCapacityNearestFirst) {
  // Live capacity: the Goes home has beds; the Middelburg one reported long ago.
  CapacityWrite w;
  w.reports.push_back(CapacityReport{.unit_id = "zeeuwsegronden-vvt-crisis", .as_of = Now(), .beds = Beds{6, 5, 3, 2}});
  w.reports.push_back(
      CapacityReport{.unit_id = "svrz-vvt-crisis", .as_of = Now() - std::chrono::hours(5), .beds = Beds{4, 4, 4, 0}});
  ASSERT_TRUE(store_->WriteCapacity(std::move(w)).ok());

  const json c = NewCase("catheter-problem", "U3");
  auto r = Call("zcc", "GET", "/api/v1/cases/" + c["id"].get<std::string>() + "/proposal");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("etag").value_or(""), "\"" + std::to_string(c["version"].get<int>()) + "\"");
  const json p = Body(r);
  EXPECT_EQ(p["facts"]["complaint"], "catheter-problem");
  EXPECT_EQ(p["facts"]["age_years"], 82);
  EXPECT_EQ(p["origin_organization_id"], "hap-zeeland");
  ASSERT_FALSE(p["pathways"].empty());
  const json& first = p["pathways"][0];
  EXPECT_EQ(first["id"], "catheter-care");
  EXPECT_EQ(first["version"], 1);
  const json& action = first["actions"][0];
  EXPECT_EQ(action["code"], "acute-district-nursing");
  EXPECT_EQ(action["partner"], "vvt");
  const json& rows = action["capacity"];
  ASSERT_FALSE(rows.empty());
  std::set<std::string> orgs;
  double last = -1;
  for (const auto& row : rows) {
    orgs.insert(row["organization_id"].get<std::string>());
    ASSERT_TRUE(row["distance_km"].is_number()) << row.dump();
    EXPECT_GE(row["distance_km"].get<double>(), last) << "nearest first";
    last = row["distance_km"].get<double>();
  }
  // Every VVT organisation of ZWN, and no other type.
  EXPECT_EQ(orgs, (std::set<std::string>{"laurens", "humanitas", "careyn", "zorgwaard", "rivas-vvt", "zeeuwsegronden",
                                         "svrz", "zorgsaam-vvt"}));
  // Goes is nearest to the Goes GP post; its fresh report comes first.
  EXPECT_EQ(rows[0]["organization_id"], "zeeuwsegronden");
  EXPECT_EQ(rows[0]["unit_id"], "zeeuwsegronden-vvt-crisis");
  EXPECT_EQ(rows[0]["beds"]["available"], 2);
  EXPECT_EQ(rows[0]["beds"]["occupied"], 3);
  EXPECT_EQ(rows[0]["stale"], false);
  EXPECT_LT(rows[0]["age_s"].get<int>(), 600);
  EXPECT_LT(rows[0]["distance_km"].get<double>(), 5.0);
  for (const auto& row : rows) {
    if (row["unit_id"] == "svrz-vvt-crisis") {
      EXPECT_EQ(row["stale"], true);
      EXPECT_GE(row["age_s"].get<int>(), 5 * 3600);
    }
    if (row["unit_id"] == "laurens-vvt-crisis") {
      EXPECT_TRUE(row["beds"].is_null());  // never reported
    }
  }

  // Without a requesting organisation: no distances, most available first.
  const json anonymous = NewCase("catheter-problem", "U4", "");
  const json q = Body(Call("zcc", "GET", "/api/v1/cases/" + anonymous["id"].get<std::string>() + "/proposal"));
  EXPECT_TRUE(q["origin_organization_id"].is_null());
  const json& qrows = q["pathways"][0]["actions"][0]["capacity"];
  ASSERT_FALSE(qrows.empty());
  EXPECT_TRUE(qrows[0]["distance_km"].is_null());
  EXPECT_EQ(qrows[0]["unit_id"], "zeeuwsegronden-vvt-crisis");

  // An untriaged or non-matching case gets no proposal; partners and viewers none at all.
  const json chest = NewCase("chest-pain", "U1");
  const json none = Body(Call("zcc", "GET", "/api/v1/cases/" + chest["id"].get<std::string>() + "/proposal"));
  for (const auto& pw : none["pathways"]) EXPECT_NE(pw["id"], "catheter-care");
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/cases/" + c["id"].get<std::string>() + "/proposal").status, 403);
  EXPECT_EQ(Call("zcc", "GET", "/api/v1/cases/c-nope/proposal").status, 404);
}

TEST_P(PathwayApiTest, DecisionsShowOnTheCaseAndItsTimeline) {
  const json c = NewCase("catheter-problem", "U3");
  const std::string path = "/api/v1/cases/" + c["id"].get<std::string>() + "/pathway";
  const std::string etag = "\"" + std::to_string(c["version"].get<int>()) + "\"";
  const json take = {{"pathway_id", "catheter-care"}, {"pathway_version", 1}, {"action", "acute-district-nursing"}};

  EXPECT_EQ(Call("zcc", "POST", path, take.dump(), JsonBody()).status, 428);
  EXPECT_EQ(Call("zcc", "POST", path, take.dump(), Matching("\"99\"")).status, 412);
  auto wrong = Call("zcc", "POST", path,
                    json{{"pathway_id", "catheter-care"}, {"pathway_version", 1}, {"action", "vvt-crisis-bed"}}.dump(),
                    Matching(etag));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_TRUE(NamesField(wrong, "action")) << wrong.body;
  auto unknown =
      Call("zcc", "POST", path,
           json{{"pathway_id", "catheter-care"}, {"pathway_version", 7}, {"action", "acute-district-nursing"}}.dump(),
           Matching(etag));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(NamesField(unknown, "pathway_version")) << unknown.body;
  auto no_reason = Call("zcc", "POST", path,
                        json{{"pathway_id", "catheter-care"}, {"pathway_version", 1}, {"deviation_reason", " "}}.dump(),
                        Matching(etag));
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(NamesField(no_reason, "deviation_reason")) << no_reason.body;

  auto taken = Call("zcc", "POST", path, take.dump(), Matching(etag));
  ASSERT_EQ(taken.status, 200) << taken.body;
  json v = Body(taken);
  EXPECT_EQ(v["pathway"]["id"], "catheter-care");
  EXPECT_EQ(v["pathway"]["action"], "acute-district-nursing");
  EXPECT_TRUE(v["pathway"]["deviation_reason"].is_null());
  const std::string etag2 = taken.Header("etag").value_or("");
  EXPECT_NE(etag2, etag);

  // The coordinator changes its mind: the wijkverpleging has no one free.
  const json deviate = {{"pathway_id", "catheter-care"},
                        {"pathway_version", 1},
                        {"deviation_reason", "wijkverpleging heeft niemand vrij; huisartsenpost visite"}};
  auto deviated = Call("zcc", "POST", path, deviate.dump(), Matching(etag2));
  ASSERT_EQ(deviated.status, 200) << deviated.body;
  auto read = Body(Call("zcc", "GET", "/api/v1/cases/" + c["id"].get<std::string>()));
  EXPECT_EQ(read["pathway"]["deviation_reason"], deviate["deviation_reason"]);
  EXPECT_TRUE(read["pathway"]["action"].is_null());
  int lines = 0;
  for (const auto& e : read["timeline"]) {
    if (e["kind"] != "pathway") continue;
    ++lines;
    EXPECT_EQ(e["actor"], "zcc");
  }
  EXPECT_EQ(lines, 2);
  EXPECT_NE(read["timeline"].back()["detail"].get<std::string>().find("deviated from catheter-care v1"),
            std::string::npos)
      << read["timeline"].back().dump();
  const json p = Body(Call("zcc", "GET", "/api/v1/cases/" + c["id"].get<std::string>() + "/proposal"));
  EXPECT_EQ(p["decided"]["deviation_reason"], deviate["deviation_reason"]);

  // A closed case takes no decision.
  const std::string etag3 = deviated.Header("etag").value_or("");
  auto closed = Call("zcc", "POST", "/api/v1/cases/" + c["id"].get<std::string>() + "/close",
                     json{{"outcome", "referred"}}.dump(), Matching(etag3));
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto late = Call("zcc", "POST", path, take.dump(), Matching(closed.Header("etag").value_or("")));
  EXPECT_EQ(late.status, 409) << late.body;
}

INSTANTIATE_TEST_SUITE_P(, PathwayApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
