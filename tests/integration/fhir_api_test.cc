// The FHIR R4 endpoints end to end: a real server on a free port, real HTTP,
// a real store (each test on SQLite and on PostgreSQL, see ApiFixture). Reads
// (metadata, Organization, Location, MeasureReport export) and SANER
// MeasureReport import, with the organisation scope of feed tokens and every
// kind of bad input; a refused POST must leave the store unchanged. Every FHIR
// resource the server answers with is collected and, at the end of each test,
// validated against the official R4 JSON schema with
// tests/fhir/validate_fhir.py (as tests/unit/fhir_test.cc does).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/time.h"
#include "support/api_fixture.h"
#include "support/external.h"

namespace ozcc::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBeds = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3},"note":"test"})";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The issue of an OperationOutcome whose expression names `path`, or null.
json IssueFor(const json& oo, const std::string& path) {
  for (const auto& issue : oo.value("issue", json::array())) {
    for (const auto& e : issue.value("expression", json::array())) {
      if (e == path) return issue;
    }
  }
  return nullptr;
}

// The population of a MeasureReport group with this code.
json* PopulationOf(json& group, const std::string& code) {
  for (auto& p : group["population"]) {
    for (const auto& c : p["code"]["coding"]) {
      if (c.value("code", "") == code) return &p;
    }
  }
  return nullptr;
}

class FhirApiTest : public ApiFixture {
 protected:
  void TearDown() override {
    ValidateReturnedResources();
    ApiFixture::TearDown();
  }

  // A FHIR request: checks the media type, parses the body and keeps it for
  // the schema check at the end of the test.
  json Fhir(const std::string& user, const std::string& method, const std::string& target, const std::string& body,
            int* status, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse r = Call(user, method, target, body, std::move(headers));
    *status = r.status;
    const std::string ctype = r.Header("content-type").value_or("");
    EXPECT_EQ(ctype.rfind("application/fhir+json", 0), 0u)
        << method << " " << target << " → " << r.status << " Content-Type " << ctype << "\n"
        << r.body;
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << method << " " << target << " → not JSON: " << r.body;
    if (j.is_discarded()) return nullptr;
    returned_.push_back(j);
    return j;
  }

  json Get(const std::string& user, const std::string& target, int expect_status) {
    int status = 0;
    json j = Fhir(user, "GET", target, "", &status);
    EXPECT_EQ(status, expect_status) << "GET " << target << "\n" << j.dump(1);
    return j;
  }

  // POSTs a MeasureReport (as FHIR clients do, with application/fhir+json),
  // asking for the OperationOutcome that says what was stored and not applied.
  json Post(const std::string& user, const std::string& body, int* status) {
    return Fhir(user, "POST", "/fhir/MeasureReport", body, status,
                {{"Content-Type", "application/fhir+json"}, {"Prefer", "return=OperationOutcome"}});
  }

  // An OperationOutcome with at least one issue of this severity.
  static ::testing::AssertionResult IsOutcome(const json& j, const std::string& severity = "error") {
    if (!j.is_object() || j.value("resourceType", "") != "OperationOutcome") {
      return ::testing::AssertionFailure() << "not an OperationOutcome: " << j.dump(1);
    }
    for (const auto& i : j.value("issue", json::array())) {
      if (i.value("severity", "") == severity) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no issue of severity " << severity << ": " << j.dump(1);
  }

  // PUTs kBeds for `unit` as the manager (own org) and exports it as FHIR.
  json ExportedReport(const std::string& unit) {
    auto put = Call("manager", "PUT", "/api/v1/units/" + unit + "/capacity", kBeds);
    EXPECT_EQ(put.status, 200) << put.body;
    json bundle = Get("viewer", "/fhir/MeasureReport?subject=Location/" + unit, 200);
    EXPECT_EQ(bundle.value("resourceType", ""), "Bundle");
    EXPECT_EQ(bundle.value("type", ""), "searchset");
    EXPECT_EQ(bundle.value("entry", json::array()).size(), 1u) << bundle.dump(1);
    if (bundle.value("entry", json::array()).size() != 1) return nullptr;
    return bundle["entry"][0]["resource"];
  }

  json SnapshotRow(const std::string& unit) {
    auto snap = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
    EXPECT_EQ(snap.status, 200);
    const json body = json::parse(snap.body);
    for (const auto& u : body["units"]) {
      if (u["unit_id"] == unit) return u;
    }
    ADD_FAILURE() << "unit " << unit << " not in the snapshot";
    return nullptr;
  }

  json History(const std::string& unit) {
    auto hist = Call("viewer", "GET", "/api/v1/units/" + unit + "/capacity/history");
    EXPECT_EQ(hist.status, 200) << hist.body;
    return json::parse(hist.body)["points"];
  }

  // Every resource collected so far against the official R4 JSON schema.
  void ValidateReturnedResources() {
    if (returned_.empty()) return;
    const fs::path schema = ExternalDir() / "fhir-r4" / "fhir.schema.json";
    if (!fs::exists(schema)) {
      std::cout << "[ note ] " << schema << " not found; " << returned_.size() << " resources not schema-checked\n";
      return;
    }
    const fs::path script = SourceDir() / "tests" / "fhir" / "validate_fhir.py";
    ASSERT_EQ(std::system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null"), 0)
        << "needs Debian's python3-jsonschema (scripts/install-deps.sh)";
    static std::atomic<int> counter{0};
    const fs::path dir =
        fs::temp_directory_path() / ("ozcc-fhir-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + schema.string() + "'";
    for (size_t i = 0; i < returned_.size(); ++i) {
      const fs::path p = dir / (std::to_string(i) + "-" + returned_[i].value("resourceType", "x") + ".json");
      std::ofstream(p) << returned_[i].dump(1);
      cmd += " '" + p.string() + "'";
    }
    const fs::path log = dir / "validate.log";
    cmd += " > '" + log.string() + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    EXPECT_EQ(rc, 0) << returned_.size() << " resources, problems:\n"
                     << ReadFile(log) << "(files kept in " << dir << ")";
    if (rc == 0) fs::remove_all(dir);
  }

  std::vector<json> returned_;
};

// ---------------------------------------------------------------- reads

TEST_P(FhirApiTest, MetadataIsAnR4CapabilityStatement) {
  json cs = Get("", "/fhir/metadata", 200);  // no sign-in needed
  EXPECT_EQ(cs["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cs["fhirVersion"], "4.0.1");
  EXPECT_EQ(cs["kind"], "instance");
  EXPECT_EQ(cs["status"], "active");
  std::set<std::string> types;
  for (const auto& rest : cs.value("rest", json::array())) {
    EXPECT_EQ(rest["mode"], "server");
    for (const auto& r : rest.value("resource", json::array())) types.insert(r.value("type", ""));
  }
  for (const char* t : {"Organization", "Location", "MeasureReport"}) EXPECT_TRUE(types.count(t)) << t;
}

TEST_P(FhirApiTest, OrganizationsOfTheViewersRegion) {
  json bundle = Get("viewer", "/fhir/Organization", 200);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(bundle["total"], zwn_.organizations.size());
  std::set<std::string> got, want;
  for (const auto& e : bundle["entry"]) {
    EXPECT_EQ(e["resource"]["resourceType"], "Organization");
    const std::string id = e["resource"]["id"];
    got.insert(id);
    EXPECT_NE(e["fullUrl"].get<std::string>().find("/fhir/Organization/" + id), std::string::npos) << e.dump();
  }
  for (const auto& o : zwn_.organizations) want.insert(o.id);
  EXPECT_EQ(got, want) << "all ZWN organisations and nothing from DEMO2";

  json org = Get("viewer", "/fhir/Organization/" + own_org_, 200);
  EXPECT_EQ(org["resourceType"], "Organization");
  EXPECT_EQ(org["id"], own_org_);
  for (const auto& o : zwn_.organizations) {
    if (o.id == own_org_) {
      EXPECT_EQ(org["name"], o.name);
    }
  }

  json missing = Get("viewer", "/fhir/Organization/no-such-org", 404);
  EXPECT_TRUE(IsOutcome(missing));
  EXPECT_EQ(missing["issue"][0]["code"], "not-found");
}

TEST_P(FhirApiTest, SiteAndUnitLocations) {
  json bundle = Get("viewer", "/fhir/Location", 200);
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(bundle["total"], zwn_.locations.size() + zwn_.units.size());
  EXPECT_EQ(bundle["entry"].size(), zwn_.locations.size() + zwn_.units.size());

  const Location& site = zwn_.locations.front();
  json s = Get("viewer", "/fhir/Location/" + site.id, 200);
  EXPECT_EQ(s["resourceType"], "Location");
  EXPECT_EQ(s["id"], site.id);
  EXPECT_EQ(s["physicalType"]["coding"][0]["code"], "si");
  EXPECT_EQ(s["managingOrganization"]["reference"], "Organization/" + site.organization_id);
  EXPECT_DOUBLE_EQ(s["position"]["latitude"].get<double>(), site.lat);
  EXPECT_DOUBLE_EQ(s["position"]["longitude"].get<double>(), site.lon);

  const std::string ic = UnitOf(own_org_, UnitType::kIc);
  std::string ic_site;
  for (const auto& u : zwn_.units) {
    if (u.id == ic) ic_site = u.location_id;
  }
  json u = Get("viewer", "/fhir/Location/" + ic, 200);
  EXPECT_EQ(u["id"], ic);
  EXPECT_EQ(u["partOf"]["reference"], "Location/" + ic_site);
  EXPECT_EQ(u["physicalType"]["coding"][0]["code"], "wa");
  bool icu = false;
  for (const auto& t : u.value("type", json::array())) {
    for (const auto& c : t["coding"]) icu = icu || c.value("code", "") == "ICU";
  }
  EXPECT_TRUE(icu) << u.dump(1);

  json missing = Get("viewer", "/fhir/Location/no-such-place", 404);
  EXPECT_TRUE(IsOutcome(missing));
}

TEST_P(FhirApiTest, ReadsNeedSignInAndTheRegion) {
  for (const char* target :
       {"/fhir/Organization", "/fhir/Organization/x", "/fhir/Location", "/fhir/Location/x", "/fhir/MeasureReport"}) {
    json oo = Get("", target, 401);
    EXPECT_TRUE(IsOutcome(oo)) << target;
  }
  int status = 0;
  json post = Post("", R"({"resourceType":"MeasureReport"})", &status);
  EXPECT_EQ(status, 401);
  EXPECT_TRUE(IsOutcome(post));

  // A DEMO2 coordinator may not read ZWN, and sees only DEMO2 by default.
  for (const std::string& target :
       std::vector<std::string>{"/fhir/Organization?region=ZWN", "/fhir/Location?region=ZWN",
                                "/fhir/MeasureReport?region=ZWN", "/fhir/Organization/" + own_org_ + "?region=ZWN"}) {
    json oo = Get("demo2-coordinator", target, 403);
    EXPECT_TRUE(IsOutcome(oo)) << target;
    EXPECT_EQ(oo["issue"][0]["code"], "forbidden") << target;
  }
  json own = Get("demo2-coordinator", "/fhir/Organization", 200);
  for (const auto& e : own["entry"]) {
    for (const auto& o : zwn_.organizations) EXPECT_NE(e["resource"]["id"], o.id);
  }
  Get("demo2-coordinator", "/fhir/Organization/" + own_org_, 404);  // not in its region
}

// ---------------------------------------------------------------- MeasureReport

TEST_P(FhirApiTest, MeasureReportRoundTripAsFeedToken) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  json mr = ExportedReport(unit);
  ASSERT_TRUE(mr.is_object());
  EXPECT_EQ(mr["resourceType"], "MeasureReport");
  EXPECT_EQ(mr["subject"]["reference"], "Location/" + unit);
  EXPECT_EQ(mr["reporter"]["reference"], "Organization/" + own_org_);
  json& beds = mr["group"][0];
  ASSERT_NE(PopulationOf(beds, "numTotBeds"), nullptr) << mr.dump(1);
  EXPECT_EQ((*PopulationOf(beds, "numTotBeds"))["count"], 20);
  EXPECT_EQ((*PopulationOf(beds, "numICUBeds"))["count"], 18);
  EXPECT_EQ((*PopulationOf(beds, "numICUBedsOcc"))["count"], 15);
  EXPECT_EQ((*PopulationOf(beds, "numICUBedsAvail"))["count"], 3);

  // New numbers, consistent: 24 beds, 22 staffed, 16 occupied, 6 free; a new as_of.
  (*PopulationOf(beds, "numTotBeds"))["count"] = 24;
  (*PopulationOf(beds, "numICUBeds"))["count"] = 22;
  (*PopulationOf(beds, "numICUBedsOcc"))["count"] = 16;
  (*PopulationOf(beds, "numICUBedsAvail"))["count"] = 6;
  const std::string as_of = FormatRfc3339(Now());
  mr["period"] = {{"start", as_of}, {"end", as_of}};
  mr["date"] = as_of;
  const std::int64_t before = Version();

  int status = 0;
  json oo = Post("feed", mr.dump(), &status);
  ASSERT_EQ(status, 201) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo, "information"));
  EXPECT_GT(Version(), before);

  json row = SnapshotRow(unit);
  EXPECT_EQ(row["beds"], (json{{"total", 24}, {"staffed", 22}, {"occupied", 16}, {"available", 6}})) << row.dump(1);
  EXPECT_EQ(row["source"], "fhir") << "a SANER MeasureReport is stored with source fhir";
  json points = History(unit);
  ASSERT_EQ(points.size(), 2u) << points.dump(1);
  EXPECT_EQ(points[0]["beds"]["total"], 20);
  EXPECT_EQ(points[1]["beds"], (json{{"total", 24}, {"staffed", 22}, {"occupied", 16}, {"available", 6}}));

  // The export now says the same.
  json again = Get("viewer", "/fhir/MeasureReport?subject=Location/" + unit, 200);
  ASSERT_EQ(again["entry"].size(), 1u);
  EXPECT_EQ((*PopulationOf(again["entry"][0]["resource"]["group"][0], "numICUBedsAvail"))["count"], 6);
}

TEST_P(FhirApiTest, MeasureReportExportBundleCoversEveryReportedUnit) {
  // SEH with ED state, IC, and a ward: a region export holds one report each.
  const std::string seh = UnitOf(own_org_, UnitType::kSeh);
  const std::string ic = UnitOf(own_org_, UnitType::kIc);
  const std::string ward = UnitOf(own_org_, UnitType::kWard);
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + seh + "/capacity",
                 R"({"beds":{"total":30,"staffed":28,"occupied":20,"available":8},)"
                 R"("ed":{"status":"threatened","waiting":12,"in_treatment":20,"boarding":4,"crowding":135}})")
                .status,
            200);
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + ic + "/capacity", kBeds).status, 200);
  ASSERT_EQ(Call("manager", "PUT", "/api/v1/units/" + ward + "/capacity", kBeds).status, 200);

  json all = Get("viewer", "/fhir/MeasureReport", 200);
  EXPECT_EQ(all["type"], "searchset");
  std::set<std::string> subjects;
  for (const auto& e : all["entry"]) subjects.insert(e["resource"]["subject"]["reference"]);
  EXPECT_EQ(subjects, (std::set<std::string>{"Location/" + seh, "Location/" + ic, "Location/" + ward}));

  // A site subject exports the reports of the units at that site.
  std::string site;
  for (const auto& u : zwn_.units) {
    if (u.id == seh) site = u.location_id;
  }
  json at_site = Get("viewer", "/fhir/MeasureReport?subject=Location/" + site, 200);
  EXPECT_GE(at_site["entry"].size(), 1u);
  json by_org = Get("viewer", "/fhir/MeasureReport?subject=Organization/" + own_org_, 200);
  EXPECT_EQ(by_org["entry"].size(), 3u);
  json none = Get("viewer", "/fhir/MeasureReport?subject=Location/nowhere", 200);
  EXPECT_EQ(none["total"], 0);

  // The SEH's ED group round-trips through POST as the feed token.
  json seh_mr;
  for (const auto& e : all["entry"]) {
    if (e["resource"]["subject"]["reference"] == "Location/" + seh) seh_mr = e["resource"];
  }
  ASSERT_TRUE(seh_mr.is_object());
  int status = 0;
  json oo = Post("feed", seh_mr.dump(), &status);
  EXPECT_EQ(status, 201) << oo.dump(1);
  EXPECT_EQ(SnapshotRow(seh)["ed"]["crowding"], 135);
}

TEST_P(FhirApiTest, FeedTokenMayNotReportForAnotherOrganisation) {
  const std::string mine = UnitOf(own_org_, UnitType::kIc);
  const std::string theirs = UnitOf(other_org_, UnitType::kIc);
  json mr = ExportedReport(mine);
  ASSERT_TRUE(mr.is_object());
  mr["subject"]["reference"] = "Location/" + theirs;
  mr["reporter"]["reference"] = "Organization/" + other_org_;
  const std::int64_t before = Version();
  const json snap_before = SnapshotRow(theirs);

  int status = 0;
  json oo = Post("feed", mr.dump(), &status);
  EXPECT_EQ(status, 403) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo));
  EXPECT_EQ(oo["issue"][0]["code"], "forbidden");
  EXPECT_EQ(Version(), before) << "nothing stored";
  EXPECT_EQ(SnapshotRow(theirs), snap_before);
  EXPECT_TRUE(History(theirs).empty());

  // The other organisation as a whole: also refused.
  mr["subject"]["reference"] = "Organization/" + other_org_;
  oo = Post("feed", mr.dump(), &status);
  EXPECT_EQ(status, 403) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo));
  EXPECT_EQ(Version(), before);

  // A viewer may not write at all.
  mr["subject"]["reference"] = "Location/" + mine;
  oo = Post("viewer", mr.dump(), &status);
  EXPECT_EQ(status, 403) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo));
  EXPECT_EQ(Version(), before);
}

TEST_P(FhirApiTest, InvalidMeasureReportsAreRefusedWithPaths) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  const json good = ExportedReport(unit);
  ASSERT_TRUE(good.is_object());
  // Exported populations: [0] numTotBeds, [1] numICUBeds, [2] numICUBedsOcc, [3] numICUBedsAvail.
  ASSERT_EQ(good["group"][0]["population"][1]["code"]["coding"][0]["code"], "numICUBeds");
  const std::int64_t before = Version();

  struct Case {
    std::string name, body, path;  // path "" = no expression expected
  };
  std::vector<Case> cases;
  cases.push_back({"not JSON", "{\"resourceType\": \"MeasureReport\", ", ""});
  cases.push_back({"a JSON array", "[]", ""});
  cases.push_back({"resourceType Patient", R"({"resourceType":"Patient","id":"p1"})", "resourceType"});
  json mr = good;
  mr["status"] = "pending";
  cases.push_back({"status pending", mr.dump(), "status"});
  mr = good;
  mr["subject"]["reference"] = "Location/nowhere";
  cases.push_back({"unknown subject", mr.dump(), "subject.reference"});
  mr = good;
  mr["group"][0]["population"][2]["count"] = -1;
  cases.push_back({"negative count", mr.dump(), "group[0].population[2].count"});
  mr = good;
  mr["group"][0]["population"][1]["count"] = 21;  // staffed 21 > total 20
  cases.push_back({"staffed > total", mr.dump(), "group[0].population[1].count"});

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    int status = 0;
    json oo = Post("feed", c.body, &status);
    EXPECT_GE(status, 400);
    EXPECT_LT(status, 500);
    EXPECT_TRUE(IsOutcome(oo));
    if (!c.path.empty()) {
      json issue = IssueFor(oo, c.path);
      EXPECT_TRUE(issue.is_object()) << "no issue with expression " << c.path << ": " << oo.dump(1);
      if (issue.is_object()) {
        EXPECT_EQ(issue["severity"], "error");
        EXPECT_FALSE(issue.value("diagnostics", "").empty());
      }
    }
    EXPECT_EQ(Version(), before) << "nothing stored";
  }
  EXPECT_EQ(History(unit).size(), 1u);
}

// A MeasureReport the domain rules refuse (as_of in the future) still names
// the FHIR path, not our JSON field.
TEST_P(FhirApiTest, DomainRuleErrorsNameTheFhirPath) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  json mr = ExportedReport(unit);
  ASSERT_TRUE(mr.is_object());
  mr["period"] = {{"start", "2999-01-01T00:00:00Z"}, {"end", "2999-01-01T00:00:00Z"}};
  const std::int64_t before = Version();
  int status = 0;
  json oo = Post("feed", mr.dump(), &status);
  EXPECT_EQ(status, 422) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo));
  EXPECT_TRUE(IssueFor(oo, "period.end").is_object()) << oo.dump(1);
  EXPECT_EQ(Version(), before);
}

// Every SANER IG example MeasureReport, posted as is: its subject is a US
// location we do not know, so each is refused and says so.
TEST_P(FhirApiTest, SanerIgExamplesWithUnknownSubjectsAreRefused) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  const std::int64_t before = Version();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(ExternalDir() / "saner" / "examples")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("MeasureReport-", 0) != 0 || entry.path().extension() != ".json") continue;
    ++files;
    SCOPED_TRACE(name);
    const std::string body = ReadFile(entry.path());
    const std::string subject = json::parse(body)["subject"]["reference"];
    int status = 0;
    json oo = Post("feed", body, &status);
    EXPECT_EQ(status, 422) << oo.dump(1);
    EXPECT_TRUE(IsOutcome(oo));
    json issue = IssueFor(oo, "subject.reference");
    ASSERT_TRUE(issue.is_object()) << oo.dump(1);
    EXPECT_NE(issue.value("diagnostics", "").find("unknown subject " + subject), std::string::npos) << issue.dump();
  }
  EXPECT_GT(files, 100) << "expected the SANER IG examples";
  EXPECT_EQ(Version(), before) << "nothing stored";
  // Keep the schema check small: the outcomes are all alike.
  if (returned_.size() > 5) returned_.resize(5);
}

// The issue's case end to end: a real hospital-level report of the SANER IG
// (CDC "Patient Impact and Hospital Capacity": numTotBeds, numbeds,
// numBedsOcc, numICUBeds, numICUBedsOcc, Ventilators, Encounters), posted as
// is but for its subject, now the site of our hospital's IC unit (a site with
// several wards and one IC unit). 201: the ICU numbers are stored for the IC
// unit; the hospital-wide totals and the other groups come back as warnings;
// no ward and not the SEH get a report.
TEST_P(FhirApiTest, FacilityLevelSanerReportAppliesTheIcuAndWarnsTheRest) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  const std::string ic = UnitOf(own_org_, UnitType::kIc);
  std::string site;
  for (const auto& u : zwn_.units) {
    if (u.id == ic) site = u.location_id;
  }
  std::vector<std::string> others;  // the site's other units
  int wards = 0, ics = 0;
  for (const auto& u : zwn_.units) {
    if (u.location_id != site) continue;
    wards += u.type == UnitType::kWard;
    ics += u.type == UnitType::kIc;
    if (u.id != ic) others.push_back(u.id);
  }
  ASSERT_GE(wards, 2) << site << " should have several wards";
  ASSERT_EQ(ics, 1) << site;

  json mr = json::parse(ReadFile(ExternalDir() / "saner" / "examples" / "MeasureReport-FHIR-102.json"));
  ASSERT_EQ(mr["subject"]["reference"], "Location/Loc-X410011");
  mr["subject"] = {{"reference", "Location/" + site}};
  std::map<std::string, std::int64_t> c;  // the file's Beds counts
  for (const auto& p : mr["group"][0]["population"]) c[p["code"]["coding"][0]["code"].get<std::string>()] = p["count"];
  ASSERT_TRUE(c.count("numICUBeds") && c.count("numICUBedsOcc") && c.count("numbeds") && c.count("numTotBeds"));
  const std::int64_t before = Version();

  int status = 0;
  json oo = Post("feed", mr.dump(), &status);
  ASSERT_EQ(status, 201) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo, "information"));
  EXPECT_NE(oo["issue"][0].value("diagnostics", "").find("stored 1 capacity report(s): MeasureReport/" + ic),
            std::string::npos)
      << oo.dump(1);
  // Warnings: numTotBeds [0], numbeds/numBedsOcc [1] (hospital-wide, not split), Ventilators, Encounters.
  json tot = IssueFor(oo, "group[0].population[0].count");
  json nhsn = IssueFor(oo, "group[0].population[1].count");
  ASSERT_TRUE(tot.is_object() && nhsn.is_object()) << oo.dump(1);
  for (const json& w : {tot, nhsn}) {
    EXPECT_EQ(w["severity"], "warning");
    EXPECT_EQ(w["code"], "not-supported");
    EXPECT_NE(w.value("diagnostics", "").find("not split"), std::string::npos) << w.dump();
  }
  EXPECT_NE(tot.value("diagnostics", "").find("numTotBeds " + std::to_string(c["numTotBeds"])), std::string::npos);
  EXPECT_NE(nhsn.value("diagnostics", "")
                .find("numbeds " + std::to_string(c["numbeds"]) + ", numBedsOcc " + std::to_string(c["numBedsOcc"]) +
                      ": hospital-wide"),
            std::string::npos)
      << nhsn.dump();
  for (const char* g : {"group[1]", "group[2]"}) {
    json w = IssueFor(oo, g);
    ASSERT_TRUE(w.is_object()) << g << oo.dump(1);
    EXPECT_EQ(w["severity"], "warning");
    EXPECT_EQ(w["code"], "informational");
  }
  EXPECT_EQ(oo["issue"].size(), 5u) << oo.dump(1);

  // Stored: the IC unit's capacity, from the file; nothing for the site's other units.
  EXPECT_EQ(Version(), before + 1);
  const std::int64_t staffed = c["numICUBeds"], occ = c["numICUBedsOcc"];
  json row = SnapshotRow(ic);
  EXPECT_EQ(row["beds"],
            (json{{"total", staffed}, {"staffed", staffed}, {"occupied", occ}, {"available", staffed - occ}}))
      << row.dump(1);
  EXPECT_EQ(row["source"], "fhir");
  // History around the report's date (period.end 2020-05-11), for the IC unit and every other unit of the site.
  ASSERT_EQ(mr["period"]["end"], "2020-05-11");
  auto history = [&](const std::string& unit) {
    auto h = Call("viewer", "GET",
                  "/api/v1/units/" + unit + "/capacity/history?from=2020-05-01T00:00:00Z&to=2020-06-01T00:00:00Z");
    EXPECT_EQ(h.status, 200) << h.body;
    return json::parse(h.body)["points"];
  };
  EXPECT_EQ(history(ic).size(), 1u);
  for (const std::string& u : others) EXPECT_TRUE(history(u).empty()) << u << " got a report";
  EXPECT_FALSE(others.empty());

  // The same report without its ICU counts: nothing can be applied, 422 naming why.
  auto& pops = mr["group"][0]["population"];
  pops.erase(std::remove_if(pops.begin(), pops.end(),
                            [](const json& p) {
                              return p["code"]["coding"][0]["code"].get<std::string>().rfind("numICU", 0) == 0;
                            }),
             pops.end());
  oo = Post("feed", mr.dump(), &status);
  EXPECT_EQ(status, 422) << oo.dump(1);
  EXPECT_TRUE(IsOutcome(oo));
  json why = IssueFor(oo, "group");
  ASSERT_TRUE(why.is_object()) << oo.dump(1);
  EXPECT_NE(why.value("diagnostics", "").find("nothing in this report could be applied"), std::string::npos);
  EXPECT_TRUE(IssueFor(oo, "group[0].population[1].count").is_object()) << "numbeds named: " << oo.dump(1);
  EXPECT_EQ(Version(), before + 1) << "nothing more stored";
}

TEST_P(FhirApiTest, IdempotentRepeatStoresOnceAndAnswersAsTheFirstTime) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  json mr = ExportedReport(unit);
  ASSERT_TRUE(mr.is_object());
  (*PopulationOf(mr["group"][0], "numICUBedsOcc"))["count"] = 16;
  (*PopulationOf(mr["group"][0], "numICUBedsAvail"))["count"] = 2;
  const std::string as_of = FormatRfc3339(Now());
  mr["period"] = {{"start", as_of}, {"end", as_of}};
  const std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/fhir+json"},
                                                                    {"Idempotency-Key", "fhir-1"}};
  HttpResponse first = Call("feed", "POST", "/fhir/MeasureReport", mr.dump(), headers);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::int64_t after_first = Version();
  HttpResponse second = Call("feed", "POST", "/fhir/MeasureReport", mr.dump(), headers);
  EXPECT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.Header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(second.Header("location"), first.Header("location"));
  EXPECT_EQ(second.Header("etag"), first.Header("etag"));
  EXPECT_EQ(json::parse(second.body), json::parse(first.body));
  EXPECT_EQ(Version(), after_first);
  EXPECT_EQ(History(unit).size(), 2u);
}

// A FHIR create, as generic clients expect it: 201, Location of the stored
// version, ETag, the body per Prefer; the Location and the resource's id can
// be read and vread.
TEST_P(FhirApiTest, MeasureReportCreateIsAFhirCreateThatCanBeReadBack) {
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  json mr = ExportedReport(unit);
  ASSERT_TRUE(mr.is_object());
  const std::string as_of = FormatRfc3339(Now());
  mr["period"] = {{"start", as_of}, {"end", as_of}};

  HttpResponse created =
      Call("manager", "POST", "/fhir/MeasureReport", mr.dump(), {{"Content-Type", "application/fhir+json"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string version = std::to_string(Version());
  const std::string location = created.Header("location").value_or("");
  EXPECT_EQ(location, "http://127.0.0.1:" + std::to_string(server_->port()) + "/fhir/MeasureReport/" + unit +
                          "/_history/" + version);
  EXPECT_EQ(created.Header("etag").value_or(""), "W/\"" + version + "\"");
  json body = json::parse(created.body);
  returned_.push_back(body);
  EXPECT_EQ(body["resourceType"], "MeasureReport") << "no Prefer: the stored resource";
  EXPECT_EQ(body["id"], unit);
  EXPECT_EQ(body["meta"]["versionId"], version);
  EXPECT_EQ(body["group"], mr["group"]);

  // read and vread give the same resource; the Location's path is the vread.
  EXPECT_EQ(Get("viewer", "/fhir/MeasureReport/" + unit, 200), body);
  EXPECT_EQ(Get("viewer", location.substr(location.find("/fhir/")), 200), body);
  EXPECT_EQ(Get("feed", "/fhir/MeasureReport/" + unit, 200), body) << "the feed reads back what it may report";
  // The search's fullUrl is the read's URL.
  json bundle = Get("viewer", "/fhir/MeasureReport?_id=" + unit, 200);
  ASSERT_EQ(bundle["entry"].size(), 1u) << bundle.dump(1);
  const std::string full = bundle["entry"][0]["fullUrl"];
  EXPECT_EQ(full, location.substr(0, location.find("/_history/")));

  // A newer report: read moves on, vread of the old version stays.
  mr["period"] = {{"start", FormatRfc3339(Now())}, {"end", FormatRfc3339(Now())}};
  (*PopulationOf(mr["group"][0], "numICUBedsOcc"))["count"] = 14;
  (*PopulationOf(mr["group"][0], "numICUBedsAvail"))["count"] = 4;
  HttpResponse minimal = Call("manager", "POST", "/fhir/MeasureReport", mr.dump(),
                              {{"Content-Type", "application/fhir+json"}, {"Prefer", "return=minimal"}});
  ASSERT_EQ(minimal.status, 201) << minimal.body;
  EXPECT_TRUE(minimal.body.empty()) << minimal.body;
  const std::string newer = std::to_string(Version());
  EXPECT_EQ(minimal.Header("etag").value_or(""), "W/\"" + newer + "\"");
  EXPECT_EQ(Get("viewer", "/fhir/MeasureReport/" + unit, 200)["meta"]["versionId"], newer);
  EXPECT_EQ(Get("viewer", "/fhir/MeasureReport/" + unit + "/_history/" + version, 200), body);

  // Unknown unit, version or kind of version: 404 OperationOutcome.
  EXPECT_TRUE(IsOutcome(Get("viewer", "/fhir/MeasureReport/nowhere", 404)));
  EXPECT_TRUE(IsOutcome(Get("viewer", "/fhir/MeasureReport/" + unit + "/_history/999999", 404)));
  EXPECT_TRUE(IsOutcome(Get("viewer", "/fhir/MeasureReport/" + unit + "/_history/x1", 404)));
  // Another region's reader: 403.
  EXPECT_TRUE(IsOutcome(Get("demo2-coordinator", "/fhir/MeasureReport/" + unit, 403)));
}

// Every answer under /fhir is FHIR: the transport's own errors too, and a
// client that accepts no JSON gets 406.
TEST_P(FhirApiTest, EveryAnswerUnderFhirIsFhir) {
  int status = 0;
  EXPECT_TRUE(IsOutcome(Fhir("viewer", "GET", "/fhir/Patient", "", &status)));
  EXPECT_EQ(status, 404);
  HttpResponse r = Call("viewer", "DELETE", "/fhir/metadata", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(r.Header("content-type").value_or("").rfind("application/fhir+json", 0), 0u) << r.body;
  EXPECT_EQ(json::parse(r.body)["issue"][0]["code"], "not-supported");
  // A body over the limit: 413, before the handler runs.
  r = Call("manager", "POST", "/fhir/MeasureReport", std::string(2u << 20, ' '),
           {{"Content-Type", "application/fhir+json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("content-type").value_or("").rfind("application/fhir+json", 0), 0u) << r.body;
  EXPECT_EQ(json::parse(r.body)["issue"][0]["code"], "too-long") << r.body;
  // Outside /fhir the transport's errors stay problem+json.
  EXPECT_EQ(Call("viewer", "GET", "/api/v1/nothing", "").Header("content-type").value_or(""),
            "application/problem+json");

  // Formats: XML is refused with 406; JSON under any of its names is served.
  for (const char* accept : {"application/fhir+xml", "application/xml;q=1, application/json;q=0", "text/html"}) {
    json oo = Fhir("viewer", "GET", "/fhir/Location", "", &status, {{"Accept", accept}});
    EXPECT_EQ(status, 406) << accept;
    EXPECT_TRUE(IsOutcome(oo)) << accept;
  }
  EXPECT_TRUE(IsOutcome(Fhir("", "GET", "/fhir/metadata?_format=xml", "", &status)));
  EXPECT_EQ(status, 406);
  for (const char* accept : {"application/fhir+json", "application/json+fhir", "application/json", "*/*",
                             "application/fhir+xml;q=0.9, application/fhir+json;q=0.8"}) {
    Fhir("viewer", "GET", "/fhir/Location?_count=1", "", &status, {{"Accept", accept}});
    EXPECT_EQ(status, 200) << accept;
  }
  Fhir("", "GET", "/fhir/metadata?_format=application/json%2Bfhir", "", &status);
  EXPECT_EQ(status, 200);
  // The old alias as a body's media type.
  const std::string unit = UnitOf(own_org_, UnitType::kIc);
  json mr = ExportedReport(unit);
  ASSERT_TRUE(mr.is_object());
  Fhir("manager", "POST", "/fhir/MeasureReport", mr.dump(), &status, {{"Content-Type", "application/json+fhir"}});
  EXPECT_EQ(status, 201);
}

INSTANTIATE_TEST_SUITE_P(, FhirApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

// The URLs the server writes start where clients reach it: behind a trusted
// proxy where the proxy says (X-Forwarded-Proto / -Host), never where an
// untrusted client says, and at public_base_url when one is configured.
class FhirPublicBaseTest : public FhirApiTest {
 protected:
  // Every absolute URL of the CapabilityStatement, a search Bundle and a
  // create's Location, for a request with these headers.
  std::vector<std::string> UrlsWritten(const std::vector<std::pair<std::string, std::string>>& headers) {
    std::vector<std::string> urls;
    int status = 0;
    json cs = Fhir("", "GET", "/fhir/metadata", "", &status, headers);
    urls.push_back(cs["implementation"]["url"]);
    json bundle = Fhir("viewer", "GET", "/fhir/Location?_count=2", "", &status, headers);
    for (const auto& l : bundle["link"]) urls.push_back(l["url"]);
    for (const auto& e : bundle["entry"]) urls.push_back(e["fullUrl"]);
    const std::string unit = UnitOf(own_org_, UnitType::kIc);
    json mr = ExportedReport(unit);
    auto with = headers;
    with.emplace_back("Content-Type", "application/fhir+json");
    HttpResponse created = Call("manager", "POST", "/fhir/MeasureReport", mr.dump(), with);
    EXPECT_EQ(created.status, 201) << created.body;
    urls.push_back(created.Header("location").value_or(""));
    EXPECT_GE(urls.size(), 6u);
    return urls;
  }
};

class FhirBehindProxyTest : public FhirPublicBaseTest {
 protected:
  void SetUp() override {
    auto trusted = http::TrustedProxies::Parse({"127.0.0.1", "::1"});
    ASSERT_TRUE(trusted.ok());
    server_options_.trusted_proxies = *trusted;
    FhirPublicBaseTest::SetUp();
  }
};

TEST_P(FhirBehindProxyTest, UrlsFollowTheTrustedProxy) {
  for (const auto& url : UrlsWritten({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "zcc.example.nl"}})) {
    EXPECT_EQ(url.rfind("https://zcc.example.nl/fhir", 0), 0u) << url;
  }
  // Text that is not a host is not written into URLs.
  for (const auto& url : UrlsWritten({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example/x?y"}})) {
    EXPECT_EQ(url.rfind("https://127.0.0.1:" + std::to_string(server_->port()) + "/fhir", 0), 0u) << url;
  }
}

TEST_P(FhirPublicBaseTest, AnUntrustedClientCannotMoveTheUrls) {
  for (const auto& url : UrlsWritten({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "attacker.example"}})) {
    EXPECT_EQ(url.rfind("http://127.0.0.1:" + std::to_string(server_->port()) + "/fhir", 0), 0u) << url;
  }
}

class FhirConfiguredBaseTest : public FhirPublicBaseTest {
 protected:
  void SetUp() override {
    api_options_.public_base_url = "https://zcc.example.nl/openzcc";
    FhirPublicBaseTest::SetUp();
  }
};

TEST_P(FhirConfiguredBaseTest, UrlsStartAtTheConfiguredBase) {
  for (const auto& url : UrlsWritten({{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "other.example"}})) {
    EXPECT_EQ(url.rfind("https://zcc.example.nl/openzcc/fhir", 0), 0u) << url;
  }
}

INSTANTIATE_TEST_SUITE_P(, FhirPublicBaseTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, FhirBehindProxyTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, FhirConfiguredBaseTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
