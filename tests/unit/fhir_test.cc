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
    ASSERT_EQ(back->inputs.size(), 1u);
    EXPECT_TRUE(back->warnings.empty()) << r.unit_id << ": our own export is applied whole";
    const CapacityInput& in = back->inputs.front();
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
// did not import again (free beds on top of the occupied ones beyond the staffed ones).
TEST(Fhir, OverflowBeyondStaffedBedsRoundTrips) {
  RegionData d = TestRegion();
  Lookup lookup = RegionLookup(d);
  CapacityReport r = SampleReports()[0];
  r.beds = Beds{30, 20, 25, 0};  // total, staffed, occupied, available
  ASSERT_TRUE(ValidateCapacity({r.unit_id, r.as_of, r.beds, std::nullopt, ""}, ViewOf(d, r.unit_id).unit.type, r.as_of)
                  .empty());
  auto back = MeasureReportToCapacity(CapacityToMeasureReport(ViewOf(d, r.unit_id), r), lookup);
  ASSERT_TRUE(back.ok()) << Dump(back.status());
  EXPECT_EQ(back->inputs.front().beds, r.beds);
  // Free beds on top of an overflow still contradict the staffed count.
  r.beds = Beds{30, 20, 25, 1};
  auto bad = MeasureReportToCapacity(CapacityToMeasureReport(ViewOf(d, r.unit_id), r), lookup);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(Dump(bad.status()).find(kOccupiedPlusAvailableMsg), std::string::npos) << Dump(bad.status());
}

// The warning whose code names `code` ("numbeds" matches "numbeds, numBedsOcc"), or null.
const ImportWarning* WarningFor(const MeasureReportImport& r, const std::string& code) {
  for (const ImportWarning& w : r.warnings) {
    if (w.code == code || w.code.rfind(code + ",", 0) == 0) return &w;
  }
  return nullptr;
}

std::string Dump(const MeasureReportImport& r) {
  std::string out;
  for (const CapacityInput& in : r.inputs) out += "\n  applied to " + in.unit_id;
  for (const ImportWarning& w : r.warnings) out += "\n  warning " + w.path + ": " + w.code + ": " + w.message;
  return out;
}

json SanerPopulation(const std::string& code, std::int64_t count) {
  return {{"code", {{"coding", json::array({{{"system", std::string(kSanerValueSystem)}, {"code", code}}})}}},
          {"count", count}};
}

// A hospital-level report of the CDC "Patient Impact and Hospital Capacity"
// measure, shaped as the SANER IG's examples are: a Beds group with these
// counts, then a Ventilators group.
json CdcReport(const std::string& subject, const std::vector<std::pair<std::string, std::int64_t>>& beds) {
  json pops = json::array();
  for (const auto& [code, count] : beds) pops.push_back(SanerPopulation(code, count));
  json vent = {
      {"code", {{"coding", json::array({{{"system", std::string(kSanerGroupSystem)}, {"code", "Ventilators"}}})}}},
      {"population", json::array({SanerPopulation("numVent", 12)})}};
  return {{"resourceType", "MeasureReport"},
          {"status", "complete"},
          {"type", "summary"},
          {"measure", "http://hl7.org/fhir/uv/saner/Measure/CDCPatientImpactAndHospitalCapacity"},
          {"subject", {{"reference", subject}}},
          {"period", {{"start", "2025-11-26"}, {"end", "2025-11-26"}}},
          {"group",
           json::array(
               {{{"code", {{"coding", json::array({{{"system", std::string(kSanerGroupSystem)}, {"code", "Beds"}}})}}},
                 {"population", pops}},
                vent})}};
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
    ASSERT_EQ(r->inputs.size(), 1u);
    EXPECT_EQ(r->inputs.front().unit_id, "hosp-ic");
    EXPECT_EQ(r->inputs.front().beds, (Beds{18, 18, 15, 3}));
    // … and is answered back, not split.
    ASSERT_EQ(r->warnings.size(), 1u) << Dump(*r);
    EXPECT_EQ(r->warnings[0].kind, ImportWarning::Kind::kNotApplied);
    EXPECT_EQ(r->warnings[0].path, "group[0].population[0].count");
    EXPECT_EQ(r->warnings[0].counts, (std::map<std::string, std::int64_t>{{"numTotBeds", 20}}));
    EXPECT_NE(r->warnings[0].message.find("not split"), std::string::npos) << Dump(*r);
  }
  // A ward report for the site is ambiguous (two wards) and nothing else in it applies: refused, saying why.
  json ward = CapacityToMeasureReport(ViewOf(d, "hosp-w-interne"), SampleReports()[2]);
  ward["subject"]["reference"] = "Location/hosp-main";
  auto amb = MeasureReportToCapacity(ward, lookup);
  ASSERT_FALSE(amb.ok());
  EXPECT_TRUE(HasError(amb.status(), "group", "nothing in this report could be applied")) << Dump(amb.status());
  EXPECT_TRUE(HasError(amb.status(), "group[0].population[1].count", "2 units that fit")) << Dump(amb.status());
  EXPECT_TRUE(HasError(amb.status(), "group[0].population[0].count", "numTotBeds 32: a total of the whole"))
      << Dump(amb.status());
}

// The issue's case: a hospital-level CDC report for a site with an SEH, an
// IC unit and two wards. The ICU numbers go to the IC unit; numbeds /
// numBedsOcc and numTotBeds are hospital-wide and are not split over the
// wards: warnings carry them back with their counts.
TEST(Fhir, FacilityReportForASiteWithSeveralWards) {
  RegionData d = TestRegion();
  json mr =
      CdcReport("Location/hosp-main",
                {{"numTotBeds", 53}, {"numbeds", 51}, {"numBedsOcc", 10}, {"numICUBeds", 6}, {"numICUBedsOcc", 4}});
  auto r = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  ASSERT_EQ(r->inputs.size(), 1u) << Dump(*r);
  EXPECT_EQ(r->inputs[0].unit_id, "hosp-ic");
  EXPECT_EQ(r->inputs[0].beds, (Beds{6, 6, 4, 2}));
  EXPECT_EQ(ToUnixMillis(*r->inputs[0].as_of), ToUnixMillis(*ParseRfc3339("2025-11-26T00:00:00Z")));
  EXPECT_TRUE(ValidateCapacity(r->inputs[0], UnitType::kIc, Now()).empty());

  ASSERT_EQ(r->warnings.size(), 3u) << Dump(*r);
  const ImportWarning* tot = WarningFor(*r, "numTotBeds");
  ASSERT_NE(tot, nullptr) << Dump(*r);
  EXPECT_EQ(tot->counts, (std::map<std::string, std::int64_t>{{"numTotBeds", 53}}));
  const ImportWarning* nhsn = WarningFor(*r, "numbeds");
  ASSERT_NE(nhsn, nullptr) << Dump(*r);
  EXPECT_EQ(nhsn->kind, ImportWarning::Kind::kNotApplied);
  EXPECT_EQ(nhsn->path, "group[0].population[1].count");
  EXPECT_EQ(nhsn->code, "numbeds, numBedsOcc");
  EXPECT_EQ(nhsn->counts, (std::map<std::string, std::int64_t>{{"numbeds", 51}, {"numBedsOcc", 10}}))
      << "the hospital's own figures, not minus the ICU";
  EXPECT_NE(nhsn->message.find("hospital-wide"), std::string::npos) << nhsn->message;
  EXPECT_NE(nhsn->message.find("2 ward-type units"), std::string::npos) << nhsn->message;
  const ImportWarning* vent = WarningFor(*r, "Ventilators");
  ASSERT_NE(vent, nullptr) << Dump(*r);
  EXPECT_EQ(vent->kind, ImportWarning::Kind::kIgnored);
  EXPECT_EQ(vent->path, "group[1]");
  // In the report's order.
  EXPECT_EQ(r->warnings[0].path, "group[0].population[0].count");
  EXPECT_EQ(r->warnings[2].path, "group[1]");

  // As OperationOutcome issues.
  json issues = WarningIssues(r->warnings);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[1]["severity"], "warning");
  EXPECT_EQ(issues[1]["code"], "not-supported");
  EXPECT_EQ(issues[1]["expression"][0], "group[0].population[1].count");
  EXPECT_EQ(issues[1]["diagnostics"].get<std::string>().rfind("numbeds 51, numBedsOcc 10: hospital-wide", 0), 0u)
      << issues[1].dump();
  EXPECT_EQ(issues[2]["code"], "informational");

  // The same for the organisation as a whole (one IC unit in it).
  mr["subject"]["reference"] = "Organization/hosp";
  auto org = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(org.ok()) << Dump(org.status());
  ASSERT_EQ(org->inputs.size(), 1u);
  EXPECT_EQ(org->inputs[0].unit_id, "hosp-ic");
}

// Two IC units at the site: the ICU numbers fit both, so they are not
// applied; with nothing else to apply the report is refused, naming why.
TEST(Fhir, TwoIcUnitsAtTheSiteAreAmbiguous) {
  RegionData d = TestRegion();
  d.units.push_back({"hosp-ic2", "hosp", "hosp-main", UnitType::kIc, "", "IC 2", 900});
  json mr =
      CdcReport("Location/hosp-main",
                {{"numTotBeds", 53}, {"numbeds", 51}, {"numBedsOcc", 10}, {"numICUBeds", 6}, {"numICUBedsOcc", 4}});
  auto r = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_FALSE(r.ok());
  const Status& st = r.status();
  EXPECT_TRUE(HasError(st, "group", "nothing in this report could be applied to one unit of Location/hosp-main"))
      << Dump(st);
  EXPECT_TRUE(HasError(st, "group", "ignored groups: Ventilators (group[1])")) << Dump(st);
  EXPECT_TRUE(HasError(st, "group[0].population[3].count",
                       "numICUBeds 6, numICUBedsOcc 4: subject Location/hosp-main "
                       "has 2 units that fit (hosp-ic, hosp-ic2)"))
      << Dump(st);
  EXPECT_TRUE(HasError(st, "group[0].population[1].count", "hospital-wide")) << Dump(st);
  EXPECT_TRUE(HasError(st, "group[0].population[0].count", "numTotBeds")) << Dump(st);

  // With an ED group besides, the single SEH gets its state and the ICU is a warning.
  mr["group"].push_back(
      {{"extension", json::array({{{"url", kEdStatusExtension}, {"valueCode", "threatened"}}})},
       {"code", {{"coding", json::array({{{"system", std::string(kOzccGroupSystem)}, {"code", "ED"}}})}}},
       {"population",
        json::array(
            {{{"code", {{"coding", json::array({{{"system", std::string(kOzccValueSystem)}, {"code", "edWaiting"}}})}}},
              {"count", 7}}})}});
  auto ed = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(ed.ok()) << Dump(ed.status());
  ASSERT_EQ(ed->inputs.size(), 1u) << Dump(*ed);
  EXPECT_EQ(ed->inputs[0].unit_id, "hosp-seh");
  ASSERT_TRUE(ed->inputs[0].ed.has_value());
  EXPECT_EQ(ed->inputs[0].ed->status, EdStatus::kThreatened);
  EXPECT_EQ(ed->inputs[0].ed->waiting, 7);
  const ImportWarning* icu = WarningFor(*ed, "numICUBeds");
  ASSERT_NE(icu, nullptr) << Dump(*ed);
  EXPECT_NE(icu->message.find("2 units that fit"), std::string::npos);
}

// numbeds counts the ICU's beds too: for a site with one ward and an IC
// unit, the ward gets numbeds − numICUBeds; without the ICU's counts in the
// report the ward's part cannot be told apart and is not applied.
TEST(Fhir, NhsnBedsForASiteWithOneWard) {
  RegionData d = TestRegion();
  std::erase_if(d.units, [](const Unit& u) { return u.id == "hosp-w-chirurgie"; });
  json mr =
      CdcReport("Location/hosp-main", {{"numbeds", 51}, {"numBedsOcc", 10}, {"numICUBeds", 6}, {"numICUBedsOcc", 4}});
  auto r = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  ASSERT_EQ(r->inputs.size(), 2u) << Dump(*r);
  EXPECT_EQ(r->inputs[0].unit_id, "hosp-ic");
  EXPECT_EQ(r->inputs[1].unit_id, "hosp-w-interne");
  EXPECT_EQ(r->inputs[1].beds, (Beds{45, 45, 6, 39}));

  json no_icu = CdcReport("Location/hosp-main", {{"numbeds", 51}, {"numBedsOcc", 10}});
  auto n = MeasureReportToCapacity(no_icu, RegionLookup(d));
  ASSERT_FALSE(n.ok()) << "nothing else to apply";
  EXPECT_TRUE(HasError(n.status(), "group[0].population[0].count", "includes the ICU's beds")) << Dump(n.status());
  EXPECT_TRUE(HasError(n.status(), "group[0].population[1].count", "includes the ICU's occupied beds"))
      << Dump(n.status());
}

// A unit's own report with a family that does not fit it: the rest is
// applied and the misfit is a warning.
TEST(Fhir, FamilyThatFitsNoUnitIsAWarningWhenTheRestApplies) {
  RegionData d = TestRegion();
  json mr = CapacityToMeasureReport(ViewOf(d, "hosp-ic"), SampleReports()[0]);
  mr["group"][0]["population"].push_back(SanerPopulation("numImpBeds", 30));
  mr["group"][0]["population"].push_back(SanerPopulation("numVentUse", 3));  // not a code we map
  json absent = SanerPopulation("numAmbBedsOcc", 0);
  absent.erase("count");
  mr["group"][0]["population"].push_back(absent);
  auto r = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  ASSERT_EQ(r->inputs.size(), 1u);
  EXPECT_EQ(r->inputs[0].beds, SampleReports()[0].beds);
  ASSERT_EQ(r->warnings.size(), 3u) << Dump(*r);
  EXPECT_EQ(r->warnings[0].path, "group[0].population[4].count");
  EXPECT_NE(r->warnings[0].message.find("needs a ward, ELV, GGZ or VVT unit"), std::string::npos) << Dump(*r);
  EXPECT_EQ(r->warnings[1].code, "numVentUse");
  EXPECT_EQ(r->warnings[1].kind, ImportWarning::Kind::kIgnored);
  EXPECT_EQ(r->warnings[2].code, "numAmbBedsOcc");
  EXPECT_NE(r->warnings[2].message.find("no count"), std::string::npos);
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
    // The subject has an IC unit, so the ward needs the ICU's counts to be told apart.
    if (c.count("numbeds") && c.count("numBedsOcc") && c.count("numICUBeds") && c.count("numICUBedsOcc")) {
      std::int64_t total = c["numbeds"] - c["numICUBeds"];
      std::int64_t occ = c["numBedsOcc"] - c["numICUBedsOcc"];
      consistent = consistent && total >= 0 && occ >= 0 && occ <= total;
      expected["ward"] = Beds{total, total, occ, std::max<std::int64_t>(0, total - occ)};
    }
    if (expected.empty() || !consistent) {
      EXPECT_FALSE(r.ok()) << name;
      if (expected.empty()) {
        EXPECT_TRUE(HasError(r.status(), "group")) << name << Dump(r.status());
      }
      ++rejected;
      continue;
    }
    ASSERT_TRUE(r.ok()) << name << ": " << Dump(r.status());
    std::map<std::string, Beds> got;
    for (const CapacityInput& in : r->inputs) {
      ASSERT_TRUE(in.beds.has_value()) << name;
      got[in.unit_id] = *in.beds;
      ASSERT_TRUE(in.as_of.has_value()) << name;
    }
    EXPECT_EQ(got, expected) << name;
    if (c.count("numTotBeds")) {
      const ImportWarning* tot = WarningFor(*r, "numTotBeds");
      ASSERT_NE(tot, nullptr) << name << Dump(*r);
      EXPECT_EQ(tot->counts.at("numTotBeds"), c["numTotBeds"]) << name;
    }
    ++imported;
  }
  EXPECT_GT(files, 100) << "expected the SANER IG examples";
  EXPECT_GT(imported, 100);
  EXPECT_GT(rejected, 10);  // FEMA test-result reports have no bed groups
  std::cout << "SANER examples: " << files << " files, " << imported << " imported, " << rejected << " rejected\n";
}

// Every facility-level MeasureReport of the SANER IG examples (subject: the
// Location of a hospital, by the Location resource in the same folder, or
// when that is absent by its reporter, a provider Organization), posted for
// a site of ours with an SEH, one IC unit and three wards. Expected, computed
// from each file: the ICU counts go to the IC unit (when it has an occupied
// or available count and they agree), nothing goes to a ward or the SEH,
// numTotBeds and numbeds/numBedsOcc come back as warnings with the file's
// counts, and every group other than Beds is named as ignored. A report
// whose ICU counts cannot be applied is refused with those same reasons.
TEST(Fhir, SanerFacilityExamplesAtASiteWithSeveralWards) {
  OZCC_SKIP_IF_NO_EXTERNAL();
  const fs::path dir = test::ExternalDir() / "saner" / "examples";
  auto resource = [&](const std::string& type, const std::string& id) -> json {
    const fs::path p = dir / (type + "-" + id + ".json");
    return fs::exists(p) ? json::parse(ReadFile(p)) : json();
  };
  auto has_code = [](const json& concepts, const std::string& code) {
    for (const json& cc : concepts.is_array() ? concepts : json::array({concepts})) {
      if (!cc.is_object()) continue;
      for (const json& c : cc.value("coding", json::array())) {
        if (c.value("code", "") == code) return true;
      }
    }
    return false;
  };
  int files = 0, facility = 0, applied = 0, refused = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("MeasureReport-", 0) != 0) continue;
    ++files;
    const json mr = json::parse(ReadFile(entry.path()));
    const std::string subject = mr.value("subject", json::object()).value("reference", "");
    if (subject.rfind("Location/", 0) != 0) continue;
    const std::string site_id = subject.substr(9);
    const json loc = resource("Location", site_id);
    bool hospital = false;
    if (loc.is_object()) {
      hospital =
          has_code(loc.value("type", json::array()), "HOSP") || has_code(loc.value("physicalType", json()), "si");
    } else if (const std::string rep = mr.value("reporter", json::object()).value("reference", "");
               rep.rfind("Organization/", 0) == 0) {
      const json org = resource("Organization", rep.substr(13));
      hospital = org.is_object() && has_code(org.value("type", json::array()), "prov");
    }
    if (!hospital) continue;
    ++facility;
    SCOPED_TRACE(name);

    RegionData d;
    d.region = {"US", "Test", {{"US-A", "A"}}};
    d.organizations = {{"org", "US", "US-A", "Hospital", OrgType::kHospital, ""}};
    d.locations = {{site_id, "org", "Hospital", "", "", 0, 0}};
    d.units = {{"seh", "org", site_id, UnitType::kSeh, "", "SEH", 300},
               {"ic", "org", site_id, UnitType::kIc, "", "IC", 900},
               {"w-interne", "org", site_id, UnitType::kWard, "interne", "Interne", 1800},
               {"w-chirurgie", "org", site_id, UnitType::kWard, "chirurgie", "Chirurgie", 1800},
               {"w-cardio", "org", site_id, UnitType::kWard, "cardiologie", "Cardiologie", 1800}};

    // From the file: the Beds counts, and the other groups' codes.
    std::map<std::string, std::int64_t> c;
    std::vector<std::string> other_groups;
    const json groups = mr.value("group", json::array());
    for (size_t i = 0; i < groups.size(); ++i) {
      if (!has_code(groups[i].value("code", json()), "Beds")) {
        other_groups.push_back("group[" + std::to_string(i) + "]");
        continue;
      }
      for (const json& p : groups[i].value("population", json::array())) {
        if (p.contains("count")) c[p["code"]["coding"][0]["code"].get<std::string>()] = p["count"].get<std::int64_t>();
      }
    }
    auto pick = [&](std::initializer_list<const char*> codes) {
      std::map<std::string, std::int64_t> out;
      for (const char* code : codes) {
        if (c.count(code)) out[code] = c[code];
      }
      return out;
    };

    auto r = MeasureReportToCapacity(mr, RegionLookup(d));
    const bool icu_usable = c.count("numICUBeds") && (c.count("numICUBedsOcc") || c.count("numICUBedsAvail"));
    const bool icu_consistent = !c.count("numICUBedsOcc") || c["numICUBedsOcc"] <= c["numICUBeds"];
    if (!icu_usable || !icu_consistent) {
      ASSERT_FALSE(r.ok()) << Dump(*r);
      EXPECT_TRUE(HasError(r.status(), "group")) << Dump(r.status());
      ++refused;
      continue;
    }
    ASSERT_TRUE(r.ok()) << Dump(r.status());
    ASSERT_EQ(r->inputs.size(), 1u) << Dump(*r) << "\nonly the IC unit; never a ward or the SEH";
    const CapacityInput& ic = r->inputs[0];
    EXPECT_EQ(ic.unit_id, "ic");
    const std::int64_t staffed = c["numICUBeds"];
    const std::int64_t occ =
        c.count("numICUBedsOcc") ? c["numICUBedsOcc"] : std::max<std::int64_t>(0, staffed - c["numICUBedsAvail"]);
    EXPECT_EQ(ic.beds, (Beds{staffed, staffed, occ, std::max<std::int64_t>(0, staffed - occ)}));
    ASSERT_TRUE(ic.as_of.has_value());
    EXPECT_TRUE(ValidateCapacity(ic, UnitType::kIc, Now()).empty());

    std::map<std::string, std::int64_t> tot = pick({"numTotBeds", "numTotBedsOcc", "numTotBedsAvail"});
    if (!tot.empty()) {
      const ImportWarning* w = WarningFor(*r, "numTotBeds");
      ASSERT_NE(w, nullptr) << Dump(*r);
      EXPECT_EQ(w->counts, tot);
      EXPECT_NE(w->message.find("not split"), std::string::npos) << w->message;
    }
    std::map<std::string, std::int64_t> nhsn = pick({"numbeds", "numBedsOcc"});
    if (!nhsn.empty()) {
      const ImportWarning* w = WarningFor(*r, nhsn.count("numbeds") ? "numbeds" : "numBedsOcc");
      ASSERT_NE(w, nullptr) << Dump(*r);
      EXPECT_EQ(w->kind, ImportWarning::Kind::kNotApplied);
      EXPECT_EQ(w->counts, nhsn) << "the hospital's own figures";
      EXPECT_NE(w->message.find("hospital-wide"), std::string::npos) << w->message;
      EXPECT_NE(w->message.find("3 ward-type units"), std::string::npos) << w->message;
    }
    for (const std::string& g : other_groups) {
      bool named = false;
      for (const ImportWarning& w : r->warnings)
        named = named || (w.path == g && w.kind == ImportWarning::Kind::kIgnored);
      EXPECT_TRUE(named) << g << " not named as ignored" << Dump(*r);
    }
    // Every warning points at something in the file.
    for (const ImportWarning& w : r->warnings) {
      EXPECT_EQ(w.path.rfind("group[", 0), 0u) << w.path;
      EXPECT_FALSE(w.message.empty());
    }
    ++applied;
  }
  EXPECT_GT(facility, 100) << "expected the SANER IG's hospital reports";
  EXPECT_GT(applied, 100);
  std::cout << "SANER examples: " << files << " files, " << facility << " facility-level: " << applied
            << " applied to the IC unit with warnings, " << refused << " refused\n";
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
  ASSERT_EQ(r->inputs.size(), 2u);
  const std::vector<CapacityInput>& in = r->inputs;
  EXPECT_EQ(in[0].unit_id, "icu");
  EXPECT_EQ(in[0].beds->staffed, c["numICUBeds"]);
  EXPECT_EQ(in[0].beds->occupied, c["numICUBedsOcc"]);
  EXPECT_EQ(in[1].unit_id, "ward");
  EXPECT_EQ(in[1].beds->total, c["numbeds"] - c["numICUBeds"]);
  EXPECT_EQ(in[1].beds->occupied, c["numBedsOcc"] - c["numICUBedsOcc"]);
  EXPECT_EQ(ToUnixMillis(*in[0].as_of), ToUnixMillis(*ParseRfc3339("2020-05-11T00:00:00Z")));
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
  EXPECT_TRUE(HasError(s, "group[0].population[3].count", "whole number")) << Dump(s);
  ic_["group"][0]["population"][3]["count"] = "3";
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[3].count", "integer")) << Dump(s);
  ic_["group"][0]["population"][3]["count"] = 1e300;
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[3].count", "at most")) << Dump(s);
}

// JSON has one number type: a count written 20.0 is the integer 20.
TEST(Fhir, IntegralDecimalCountsAreWholeNumbers) {
  RegionData d = TestRegion();
  const CapacityReport r = SampleReports()[0];
  json mr = CapacityToMeasureReport(ViewOf(d, r.unit_id), r);
  for (auto& p : mr["group"][0]["population"]) p["count"] = p["count"].get<double>();
  ASSERT_TRUE(mr["group"][0]["population"][0]["count"].is_number_float());
  auto back = MeasureReportToCapacity(mr, RegionLookup(d));
  ASSERT_TRUE(back.ok()) << Dump(back.status());
  EXPECT_EQ(back->inputs.at(0).beds, r.beds);
}

TEST_F(FhirReject, InconsistentCounts) {
  ic_["group"][0]["population"][3]["count"] = 19;  // available 19 > staffed 18
  EXPECT_TRUE(HasError(Import(ic_), "group[0].population[3].count", std::string(kOccupiedPlusAvailableMsg)));
  json ic2 = ic_;
  ic2["group"][0]["population"][3]["count"] = 5;  // occupied 15 + available 5 > staffed 18
  EXPECT_TRUE(HasError(Import(ic2), "group[0].population[3].count", std::string(kOccupiedPlusAvailableMsg)));
  json ic3 = ic_;
  ic3["group"][0]["population"][1]["count"] = 21;  // staffed 21 > total 20
  EXPECT_TRUE(HasError(Import(ic3), "group[0].population[1].count", "must not exceed total"));
}

// The bed rules are core's (ValidateBeds): the same message as PUT, batch and
// CSV, on the count the report gave, with the figures it was checked with.
TEST_F(FhirReject, BedRulesAreCoresOnTheGivenCounts) {
  ic_["group"][0]["population"][3]["count"] = 5;  // occupied 15 + available 5 > staffed 18
  Status s = Import(ic_);
  ASSERT_EQ(s.errors().size(), 1u) << Dump(s);
  EXPECT_EQ(s.errors()[0].field, "group[0].population[3].count");
  EXPECT_EQ(s.errors()[0].message.rfind(std::string(kOccupiedPlusAvailableMsg) + " (", 0), 0u) << Dump(s);
  EXPECT_NE(s.errors()[0].message.find("numICUBeds 18"), std::string::npos) << Dump(s);
  // Without numICUBeds the staffed count is the total: the error names the
  // available count and says the staffed one was implied.
  json no_staffed = ic_;
  no_staffed["group"][0]["population"].erase(1);  // now [0] total 20, [1] occupied 15, [2] available
  no_staffed["group"][0]["population"][2]["count"] = 6;
  s = Import(no_staffed);
  ASSERT_EQ(s.errors().size(), 1u) << Dump(s);
  EXPECT_EQ(s.errors()[0].field, "group[0].population[2].count");
  EXPECT_NE(s.errors()[0].message.find("staffed 20 implied"), std::string::npos) << Dump(s);
  // Occupied beyond staffed with none available is an overflow, not an error.
  json overflow = ic_;
  overflow["group"][0]["population"][2]["count"] = 20;
  overflow["group"][0]["population"][3]["count"] = 0;
  auto ok = MeasureReportToCapacity(overflow, lookup_);
  ASSERT_TRUE(ok.ok()) << Dump(ok.status());
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
  // The warnings a stored hospital-level report is answered with.
  auto facility = MeasureReportToCapacity(
      CdcReport("Location/hosp-main",
                {{"numTotBeds", 53}, {"numbeds", 51}, {"numBedsOcc", 10}, {"numICUBeds", 6}, {"numICUBedsOcc", 4}}),
      RegionLookup(d));
  ASSERT_TRUE(facility.ok()) << Dump(facility.status());
  write({{"resourceType", "OperationOutcome"}, {"issue", WarningIssues(facility->warnings)}});

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
