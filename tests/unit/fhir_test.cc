// FHIR R4 / SANER mapping: round trip, the SANER IG examples, rejections
// with FHIR paths, and schema validity of every resource we output.
#include "api/fhir/fhir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "api/fhir/saner.h"
#include "api/json/region_json.h"
#include "core/validate.h"
#include "support/external.h"

namespace ozcc::api::fhir {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Dump(const Status& s) {
  std::string out = s.message();
  for (const auto& e : s.errors()) out += "\n  " + e.field + ": " + e.message;
  return out;
}

bool HasError(const Status& s, const std::string& field, const std::string& text = "") {
  for (const auto& e : s.errors()) {
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// A tiny region: one hospital with SEH, IC, two wards; an ambulance post; a GP post.
RegionData TestRegion() {
  RegionData d;
  d.region = {"T", "Test", {{"T-A", "A"}}};
  d.organizations = {{"hosp", "T", "T-A", "Hospital", OrgType::kHospital, ""},
                     {"rav", "T", "T-A", "Ambulance", OrgType::kAmbulance, ""},
                     {"hap", "T", "T-A", "GP post", OrgType::kHap, ""}};
  d.locations = {{"hosp-main", "hosp", "Main site", "Street 1", "Town", 51.9, 4.4},
                 {"rav-post", "rav", "Post", "", "Town", 51.8, 4.5},
                 {"hap-post", "hap", "GP post", "Street 1", "Town", 51.9, 4.4}};
  d.units = {{"hosp-seh", "hosp", "hosp-main", UnitType::kSeh, "", "SEH", 300},
             {"hosp-ic", "hosp", "hosp-main", UnitType::kIc, "", "IC", 900},
             {"hosp-w-interne", "hosp", "hosp-main", UnitType::kWard, "interne", "Interne", 1800},
             {"hosp-w-chirurgie", "hosp", "hosp-main", UnitType::kWard, "chirurgie", "Chirurgie", 1800},
             {"rav-amb", "rav", "rav-post", UnitType::kAmbulance, "", "Ambulances", 120},
             {"hap-queue", "hap", "hap-post", UnitType::kHap, "", "HAP", 300}};
  return d;
}

UnitView ViewOf(const RegionData& d, const std::string& unit_id) {
  UnitView v;
  for (const Unit& u : d.units) {
    if (u.id == unit_id) v.unit = u;
  }
  v.region_id = d.region.id;
  v.subregion_id = "T-A";
  v.organization_name = "Org of " + v.unit.organization_id;
  return v;
}

CapacityReport Report(const std::string& unit, std::optional<Beds> beds, std::optional<EdState> ed) {
  CapacityReport r;
  r.unit_id = unit;
  r.as_of = FromUnixMillis(1764164459000);  // 2025-11-26T13:40:59Z
  r.received_at = FromUnixMillis(1764164461250);
  r.source = ReportSource::kFeed;
  r.beds = beds;
  r.ed = ed;
  r.version = 42;
  return r;
}

std::vector<CapacityReport> SampleReports() {
  return {Report("hosp-ic", Beds{20, 18, 15, 3}, std::nullopt),
          Report("hosp-seh", Beds{30, 28, 20, 8}, EdState{EdStatus::kThreatened, 12, 20, 4, 135}),
          Report("hosp-w-interne", Beds{32, 30, 29, 1}, std::nullopt),
          Report("rav-amb", Beds{8, 7, 4, 3}, std::nullopt),
          Report("hap-queue", std::nullopt, EdState{EdStatus::kOpen, 9, 3, 0, 0})};
}

TEST(Fhir, RoundTrip) {
  RegionData d = TestRegion();
  Lookup lookup = RegionLookup(d);
  for (const CapacityReport& r : SampleReports()) {
    json mr = CapacityToMeasureReport(ViewOf(d, r.unit_id), r);
    EXPECT_EQ(mr["subject"]["reference"], "Location/" + r.unit_id);
    EXPECT_EQ(mr["status"], "complete");
    auto back = MeasureReportToCapacity(mr, lookup);
    ASSERT_TRUE(back.ok()) << r.unit_id << ": " << Dump(back.status()) << "\n" << mr.dump(2);
    ASSERT_EQ(back->size(), 1u);
    const CapacityInput& in = back->front();
    EXPECT_EQ(in.unit_id, r.unit_id);
    ASSERT_TRUE(in.as_of.has_value());
    EXPECT_EQ(ToUnixMillis(*in.as_of), ToUnixMillis(r.as_of));
    EXPECT_EQ(in.beds, r.beds) << r.unit_id;
    EXPECT_EQ(in.ed, r.ed) << r.unit_id;
    // And it passes the domain rules for its unit type.
    EXPECT_TRUE(ValidateCapacity(in, ViewOf(d, r.unit_id).unit.type, r.as_of).empty()) << r.unit_id;
  }
}

// Found by measure_report_fuzz: a report with occupied beds beyond the staffed ones (overflow,
// valid in the domain: occupied up to the total) and none available imported, but its own export
// did not import again ("occupied + available exceed staffed beds").
TEST(Fhir, OverflowBeyondStaffedBedsRoundTrips) {
  RegionData d = TestRegion();
  Lookup lookup = RegionLookup(d);
  CapacityReport r = SampleReports()[0];
  r.beds = Beds{30, 20, 25, 0};  // total, staffed, occupied, available
  ASSERT_TRUE(ValidateCapacity({r.unit_id, r.as_of, r.beds, std::nullopt, ""}, ViewOf(d, r.unit_id).unit.type, r.as_of)
                  .empty());
  auto back = MeasureReportToCapacity(CapacityToMeasureReport(ViewOf(d, r.unit_id), r), lookup);
  ASSERT_TRUE(back.ok()) << Dump(back.status());
  EXPECT_EQ(back->front().beds, r.beds);
  // Free beds on top of an overflow still contradict the staffed count.
  r.beds = Beds{30, 20, 25, 1};
  auto bad = MeasureReportToCapacity(CapacityToMeasureReport(ViewOf(d, r.unit_id), r), lookup);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(Dump(bad.status()).find("occupied + available exceed staffed"), std::string::npos) << Dump(bad.status());
}

TEST(Fhir, SiteAndOrganizationSubjects) {
  RegionData d = TestRegion();
  Lookup lookup = RegionLookup(d);
  // The IC's report sent for the whole site: only the IC fits ICU codes.
  json mr = CapacityToMeasureReport(ViewOf(d, "hosp-ic"), SampleReports()[0]);
  for (const char* subject : {"Location/hosp-main", "Organization/hosp", "https://x.example/fhir/Organization/hosp",
                              "Location/hosp-main/_history/3"}) {
    mr["subject"]["reference"] = subject;
    auto r = MeasureReportToCapacity(mr, lookup);
    // numTotBeds describes the whole subject, so the IC's total is its staffed count.
    ASSERT_TRUE(r.ok()) << subject << ": " << Dump(r.status());
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(r->front().unit_id, "hosp-ic");
    EXPECT_EQ(r->front().beds, (Beds{18, 18, 15, 3}));
  }
  // A ward report for the site is ambiguous: two wards.
  json ward = CapacityToMeasureReport(ViewOf(d, "hosp-w-interne"), SampleReports()[2]);
  ward["subject"]["reference"] = "Location/hosp-main";
  auto amb = MeasureReportToCapacity(ward, lookup);
  ASSERT_FALSE(amb.ok());
  EXPECT_TRUE(HasError(amb.status(), "group[0].population[1].count", "2 units that fit")) << Dump(amb.status());
}

// The SANER IG examples: hospital (and state) level reports. A test lookup
// maps every subject to one IC unit and one ward; the expected numbers are
// computed from the file by the documented rule (docs/saner-mapping.md):
// IC ← numICUBeds / numICUBedsOcc; ward ← numbeds − numICUBeds and
// numBedsOcc − numICUBedsOcc; numTotBeds is not split.
TEST(Fhir, SanerIgExamples) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  Lookup lookup = [](std::string_view ref) -> std::vector<SubjectUnit> {
    if (ref.rfind("Location/", 0) != 0) return {};
    return {{"icu", UnitType::kIc}, {"ward", UnitType::kWard}};
  };
  int files = 0, imported = 0, rejected = 0;
  for (const auto& entry : fs::directory_iterator(test::ExternalDir() / "saner" / "examples")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("MeasureReport-", 0) != 0) continue;
    ++files;
    json mr = json::parse(ReadFile(entry.path()));
    // Read the Beds counts straight from the file.
    std::map<std::string, std::int64_t> c;
    for (const json& g : mr.value("group", json::array())) {
      bool beds = false;
      for (const json& cd : g["code"]["coding"]) beds = beds || cd.value("code", "") == "Beds";
      if (!beds) continue;
      for (const json& p : g["population"]) {
        if (!p.contains("count")) continue;
        for (const json& cd : p["code"]["coding"]) c[cd["code"].get<std::string>()] = p["count"].get<std::int64_t>();
      }
    }
    auto r = MeasureReportToCapacity(mr, lookup);
    std::map<std::string, Beds> expected;
    bool consistent = true;
    if (c.count("numICUBeds") && c.count("numICUBedsOcc")) {
      std::int64_t staffed = c["numICUBeds"], occ = c["numICUBedsOcc"];
      consistent = consistent && occ <= staffed;
      expected["icu"] = Beds{staffed, staffed, occ, std::max<std::int64_t>(0, staffed - occ)};
    }
    if (c.count("numbeds") && c.count("numBedsOcc")) {
      std::int64_t total = c["numbeds"] - c["numICUBeds"];  // numICUBeds absent → 0
      std::int64_t occ = c["numBedsOcc"] - c["numICUBedsOcc"];
      consistent = consistent && total >= 0 && occ >= 0 && occ <= total;
      expected["ward"] = Beds{total, total, occ, std::max<std::int64_t>(0, total - occ)};
    }
    if (expected.empty() || !consistent) {
      EXPECT_FALSE(r.ok()) << name;
      if (expected.empty()) {
        EXPECT_TRUE(HasError(r.status(), "group", "no usable group")) << name << Dump(r.status());
      }
      ++rejected;
      continue;
    }
    ASSERT_TRUE(r.ok()) << name << ": " << Dump(r.status());
    std::map<std::string, Beds> got;
    for (const CapacityInput& in : *r) {
      ASSERT_TRUE(in.beds.has_value()) << name;
      got[in.unit_id] = *in.beds;
      ASSERT_TRUE(in.as_of.has_value()) << name;
    }
    EXPECT_EQ(got, expected) << name;
    ++imported;
  }
  EXPECT_GT(files, 100) << "expected the SANER IG examples";
  EXPECT_GT(imported, 100);
  EXPECT_GT(rejected, 10);  // FEMA test-result reports have no bed groups
  std::cout << "SANER examples: " << files << " files, " << imported << " imported, " << rejected << " rejected\n";
}

TEST(Fhir, SanerExampleValuesSpotCheck) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  // FHIR-102: numbeds 51, numBedsOcc 10, numICUBeds 2, numICUBedsOcc 1 (read from the file).
  json mr = json::parse(ReadFile(test::ExternalDir() / "saner" / "examples" / "MeasureReport-FHIR-102.json"));
  std::map<std::string, std::int64_t> c;
  for (const json& p : mr["group"][0]["population"]) c[p["code"]["coding"][0]["code"].get<std::string>()] = p["count"];
  Lookup lookup = [](std::string_view ref) -> std::vector<SubjectUnit> {
    if (ref == "Location/Loc-X410011") return {{"icu", UnitType::kIc}, {"ward", UnitType::kWard}};
    return {};
  };
  auto r = MeasureReportToCapacity(mr, lookup);
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].unit_id, "icu");
  EXPECT_EQ((*r)[0].beds->staffed, c["numICUBeds"]);
  EXPECT_EQ((*r)[0].beds->occupied, c["numICUBedsOcc"]);
  EXPECT_EQ((*r)[1].unit_id, "ward");
  EXPECT_EQ((*r)[1].beds->total, c["numbeds"] - c["numICUBeds"]);
  EXPECT_EQ((*r)[1].beds->occupied, c["numBedsOcc"] - c["numICUBedsOcc"]);
  EXPECT_EQ(ToUnixMillis(*(*r)[0].as_of), ToUnixMillis(*ParseRfc3339("2020-05-11T00:00:00Z")));
}

class FhirReject : public ::testing::Test {
 protected:
  RegionData d_ = TestRegion();
  Lookup lookup_ = RegionLookup(d_);
  json ic_ = CapacityToMeasureReport(ViewOf(d_, "hosp-ic"), SampleReports()[0]);
  json seh_ = CapacityToMeasureReport(ViewOf(d_, "hosp-seh"), SampleReports()[1]);

  Status Import(const json& mr) {
    auto r = MeasureReportToCapacity(mr, lookup_);
    EXPECT_FALSE(r.ok()) << mr.dump(1);
    EXPECT_EQ(r.status().code(), Code::kInvalid);
    return r.status();
  }
};

TEST_F(FhirReject, WrongResourceType) {
  json p = {{"resourceType", "Patient"}, {"id", "x"}};
  EXPECT_TRUE(HasError(Import(p), "resourceType", "must be MeasureReport"));
  EXPECT_TRUE(HasError(Import(json::array()), "resourceType"));
}

TEST_F(FhirReject, StatusAndType) {
  ic_["status"] = "pending";
  ic_["type"] = "individual";
  Status s = Import(ic_);
  EXPECT_TRUE(HasError(s, "status", "must be complete")) << Dump(s);
  EXPECT_TRUE(HasError(s, "type", "must be summary")) << Dump(s);
}

TEST_F(FhirReject, Subject) {
  ic_["subject"]["reference"] = "Location/nowhere";
  EXPECT_TRUE(HasError(Import(ic_), "subject.reference", "unknown subject Location/nowhere"));
  ic_["subject"]["reference"] = "Patient/p1";
  EXPECT_TRUE(HasError(Import(ic_), "subject.reference", "must be Location"));
  ic_.erase("subject");
  EXPECT_TRUE(HasError(Import(ic_), "subject.reference", "is required"));
}

TEST_F(FhirReject, NegativeAndNonIntegerCounts) {
  ic_["group"][0]["population"][2]["count"] = -1;
  ic_["group"][0]["population"][3]["count"] = 2.5;
  Status s = Import(ic_);
  EXPECT_TRUE(HasError(s, "group[0].population[2].count", "0 or more")) << Dump(s);
  EXPECT_TRUE(HasError(s, "group[0].population[3].count", "integer")) << Dump(s);
}

TEST_F(FhirReject, InconsistentCounts) {
  ic_["group"][0]["population"][3]["count"] = 19;  // available 19 > staffed 18
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[3].count", "exceed staffed"));
  json ic2 = ic_;
  ic2["group"][0]["population"][3]["count"] = 5;  // occupied 15 + available 5 > staffed 18
  EXPECT_TRUE(HasError(Import(ic2), "group[0].population[3].count", "occupied + available"));
  json ic3 = ic_;
  ic3["group"][0]["population"][1]["count"] = 21;  // staffed 21 > total 20
  EXPECT_TRUE(HasError(Import(ic3), "group[0].population[1].count", "exceed the total"));
}

TEST_F(FhirReject, DuplicateCode) {
  ic_["group"][0]["population"].push_back(ic_["group"][0]["population"][2]);
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[4].count", "appears twice"));
}

TEST_F(FhirReject, CodesThatFitNoUnitOfTheSubject) {
  ic_["subject"]["reference"] = "Location/rav-amb";
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[1].count", "needs an IC unit"));
}

TEST_F(FhirReject, EdGroupNeedsStatus) {
  seh_["group"][1].erase("extension");
  EXPECT_TRUE(HasError(Import(seh_), "group[1].extension", "open, threatened or closed"));
  json bad = CapacityToMeasureReport(ViewOf(d_, "hosp-seh"), SampleReports()[1]);
  bad["group"][1]["extension"][0]["valueCode"] = "busy";
  EXPECT_TRUE(HasError(Import(bad), "group[1].extension[0].valueCode"));
}

// Found by measure_report_fuzz: an extension url that is not a string threw
// a JSON type error instead of being reported.
TEST_F(FhirReject, ExtensionUrlOfWrongTypeIsAnErrorNotACrash) {
  seh_["group"][1]["extension"] = json::array({{{"url", 5}}});
  EXPECT_TRUE(HasError(Import(seh_), "group[1].extension", "open, threatened or closed"));
}

// Found by measure_report_fuzz (2026-11-26): inpatient (numImp*) and NHSN
// (numbeds, numBedsOcc) codes were mapped to a HAP, a unit without beds; the
// import "succeeded" and the export of the result did not import again.
TEST_F(FhirReject, BedsForAUnitWithoutBeds) {
  json mr = CapacityToMeasureReport(ViewOf(d_, "hosp-w-interne"),
                                    Report("hosp-w-interne", Beds{30, 28, 20, 8}, std::nullopt));
  mr["subject"]["reference"] = "Location/hap-queue";
  mr["group"][0]["population"].erase(0);  // numTotBeds: "needs a unit with beds" was always said
  EXPECT_TRUE(HasError(Import(mr), "group[0].population[0].count", "needs a ward, ELV, GGZ or VVT unit"));
  auto population = [](const char* code, std::int64_t count) {
    return json{{"code", {{"coding", json::array({{{"system", std::string(kSanerValueSystem)}, {"code", code}}})}}},
                {"count", count}};
  };
  mr["group"][0]["population"] = json::array({population("numbeds", 30), population("numBedsOcc", 20)});
  EXPECT_TRUE(HasError(Import(mr), "group[0].population[0].count", "needs a ward, ELV, GGZ or VVT unit"));
}

TEST_F(FhirReject, NoUsableGroups) {
  ic_.erase("group");
  EXPECT_TRUE(HasError(Import(ic_), "group", "no usable group"));
  json only_ventilators = ic_;
  json group;
  group["code"]["coding"] = json::array({{{"system", kSanerGroupSystem}, {"code", "Ventilators"}}});
  group["population"] = json::array();
  only_ventilators["group"] = json::array({group});
  EXPECT_TRUE(HasError(Import(only_ventilators), "group", "no usable group"));
}

TEST_F(FhirReject, BadDate) {
  ic_["period"]["end"] = "yesterday";
  EXPECT_TRUE(HasError(Import(ic_), "period.end"));
}

TEST(Fhir, OperationOutcomeNamesFields) {
  Status s = Status::Invalid("bad", {{"group[1].population[0].count", "must be 0 or more"}, {"status", "x"}});
  json oo = OperationOutcome(s);
  ASSERT_EQ(oo["issue"].size(), 2u);
  EXPECT_EQ(oo["issue"][0]["expression"][0], "group[1].population[0].count");
  EXPECT_EQ(oo["issue"][0]["code"], "invalid");
  EXPECT_EQ(OperationOutcome(Status::NotFound("no such unit"))["issue"][0]["code"], "not-found");
}

TEST(Fhir, LocationsAndOrganizations) {
  RegionData d = TestRegion();
  json site = LocationResource(d.locations[0]);
  EXPECT_EQ(site["id"], "hosp-main");
  EXPECT_EQ(site["managingOrganization"]["reference"], "Organization/hosp");
  json unit = UnitLocationResource(d.units[1], d.locations[0]);
  EXPECT_EQ(unit["partOf"]["reference"], "Location/hosp-main");
  EXPECT_EQ(unit["type"][0]["coding"][0]["code"], "ICU");
  EXPECT_EQ(OrganizationResource(d.organizations[0])["name"], "Hospital");
}

// Every resource we output validates against the official FHIR R4 JSON schema.
TEST(Fhir, OutputValidatesAgainstR4Schema) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  const fs::path schema = test::ExternalDir() / "fhir-r4" / "fhir.schema.json";
  const fs::path script = test::SourceDir() / "tests" / "fhir" / "validate_fhir.py";
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null"), 0)
      << "needs Debian's python3-jsonschema (scripts/install-deps.sh)";

  const fs::path dir = fs::temp_directory_path() / ("ozcc-fhir-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<fs::path> files;
  auto write = [&](const json& resource) {
    fs::path p = dir / (std::to_string(files.size()) + ".json");
    std::ofstream(p) << resource.dump(1);
    files.push_back(p);
  };

  // The whole ZWN region, plus the test region's reports and outcomes.
  auto zwn = ParseRegionJson(ReadFile(test::SourceDir() / "data" / "regions" / "zwn.json"));
  ASSERT_TRUE(zwn.ok()) << Dump(zwn.status());
  std::map<std::string, Location> sites;
  for (const Location& l : zwn->locations) sites[l.id] = l;
  write(CapabilityStatement("https://openzcc.example/fhir"));
  for (const Organization& o : zwn->organizations) write(OrganizationResource(o));
  for (const Location& l : zwn->locations) write(LocationResource(l));
  for (const Unit& u : zwn->units) write(UnitLocationResource(u, sites.at(u.location_id)));
  RegionData d = TestRegion();
  for (const CapacityReport& r : SampleReports()) write(CapacityToMeasureReport(ViewOf(d, r.unit_id), r));
  json bad = CapacityToMeasureReport(ViewOf(d, "hosp-ic"), SampleReports()[0]);
  bad["group"][0]["population"][2]["count"] = -1;
  write(OperationOutcome(MeasureReportToCapacity(bad, RegionLookup(d)).status()));
  write(OperationOutcome(Status::Internal("boom")));

  std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + schema.string() + "'";
  for (const fs::path& f : files) cmd += " '" + f.string() + "'";
  const fs::path log = dir / "validate.log";
  cmd += " > '" + log.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << ReadFile(log);
  if (rc == 0) fs::remove_all(dir);
}

}  // namespace
}  // namespace ozcc::api::fhir
