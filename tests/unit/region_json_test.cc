// Region files: the shipped ones parse and validate cleanly; broken ones get
// every error named by JSON path and line.
#include "api/json/region_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/validate.h"
#include "support/external.h"
#include "support/status_errors.h"

namespace ozcc::api {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using test::Dump;
using test::HasError;

// A small valid file; each test breaks one thing. Line numbers matter.
constexpr const char* kGood = R"({
  "region": {"id": "R1", "name": "Test", "subregions": [
    {"id": "R1-A", "name": "A"}
  ]},
  "demo_values": true,
  "organizations": [
    {"id": "h1", "subregion_id": "R1-A", "name": "Hospital", "type": "hospital", "source": "test"}
  ],
  "locations": [
    {"id": "h1-main", "organization_id": "h1", "name": "Main", "address": "Street 1", "city": "Town",
     "lat": 51.9, "lon": 4.4}
  ],
  "units": [
    {"id": "h1-seh", "organization_id": "h1", "location_id": "h1-main", "type": "seh", "name": "SEH",
     "expected_interval_s": 300, "demo": {"beds_total": 20, "ed_waiting": 5}},
    {"id": "h1-w-interne", "organization_id": "h1", "location_id": "h1-main", "type": "ward",
     "specialism": "interne", "name": "Interne", "expected_interval_s": 1800}
  ]
}
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(RegionJson, GoodFileParses) {
  auto r = ParseRegionFile(kGood);
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  const RegionData& d = r->data;
  EXPECT_EQ(d.region.id, "R1");
  EXPECT_TRUE(d.demo_values);
  ASSERT_EQ(d.organizations.size(), 1u);
  EXPECT_EQ(d.organizations[0].region_id, "R1");
  EXPECT_EQ(d.organizations[0].type, OrgType::kHospital);
  EXPECT_FALSE(d.organizations[0].regional_function) << "default false";
  ASSERT_EQ(d.units.size(), 2u);
  EXPECT_EQ(d.units[0].type, UnitType::kSeh);
  EXPECT_EQ(d.units[1].specialism, "interne");
  EXPECT_DOUBLE_EQ(d.locations[0].lat, 51.9);
  ASSERT_EQ(r->demo.count("h1-seh"), 1u);
  EXPECT_EQ(r->demo.at("h1-seh").beds_total, 20);
  EXPECT_EQ(r->demo.at("h1-seh").beds_staffed, 20);  // defaults to total
  EXPECT_EQ(r->demo.at("h1-seh").ed_waiting, 5);
  EXPECT_EQ(r->demo.count("h1-w-interne"), 0u);
}

void CheckShippedRegion(const std::string& file, const std::string& id, size_t min_units) {
  std::string text = ReadFile(test::SourceDir() / "data" / "regions" / file);
  ASSERT_FALSE(text.empty()) << file;
  auto r = ParseRegionFile(text);
  ASSERT_TRUE(r.ok()) << file << ": " << Dump(r.status());
  const RegionData& d = r->data;
  EXPECT_EQ(d.region.id, id);
  EXPECT_TRUE(d.demo_values);
  EXPECT_TRUE(ValidateRegion(d).empty());
  EXPECT_GE(d.units.size(), min_units);
  // Every unit has plausible demo capacity for the simulated feed.
  for (const Unit& u : d.units) {
    ASSERT_EQ(r->demo.count(u.id), 1u) << u.id;
    const UnitDemo& demo = r->demo.at(u.id);
    if (UnitHasBeds(u.type)) {
      EXPECT_GT(demo.beds_total, 0) << u.id;
      EXPECT_LE(demo.beds_staffed, demo.beds_total) << u.id;
    }
    if (u.type == UnitType::kHap) {
      EXPECT_GT(demo.ed_waiting, 0) << u.id;
    }
  }
}

TEST(RegionJson, ZwnParsesAndValidates) {
  CheckShippedRegion("zwn.json", "ZWN", 150);
  auto r = ParseRegionJson(ReadFile(test::SourceDir() / "data" / "regions" / "zwn.json"));
  ASSERT_TRUE(r.ok());
  const RegionData& d = *r;
  ASSERT_EQ(d.region.subregions.size(), 3u);
  std::set<std::string> sub_names;
  for (const auto& s : d.region.subregions) sub_names.insert(s.name);
  EXPECT_EQ(sub_names, (std::set<std::string>{"Rotterdam-Rijnmond", "Zuid-Holland Zuid", "Zeeland"}));
  std::map<OrgType, int> orgs;
  for (const auto& o : d.organizations) orgs[o.type]++;
  EXPECT_EQ(orgs[OrgType::kHospital], 11);
  EXPECT_EQ(orgs[OrgType::kAmbulance], 3);
  EXPECT_GE(orgs[OrgType::kHap], 3);
  EXPECT_GE(orgs[OrgType::kGgz], 3);
  EXPECT_GE(orgs[OrgType::kVvt] + orgs[OrgType::kElv], 5);
  std::set<UnitType> types;
  for (const auto& u : d.units) types.insert(u.type);
  EXPECT_EQ(types.size(), 10u) << "every unit type occurs";
  EXPECT_LE(d.units.size(), 250u);
  // All places are in the south-west of the Netherlands.
  for (const auto& l : d.locations) {
    EXPECT_GT(l.lat, 51.2) << l.id;
    EXPECT_LT(l.lat, 52.1) << l.id;
    EXPECT_GT(l.lon, 3.3) << l.id;
    EXPECT_LT(l.lon, 5.1) << l.id;
  }
}

TEST(RegionJson, RegionalFunctionIsABoolean) {
  auto r =
      ParseRegionJson(Replace(kGood, "\"source\": \"test\"}", "\"source\": \"test\", \"regional_function\": true}"));
  ASSERT_TRUE(r.ok()) << Dump(r.status());
  EXPECT_TRUE(r->organizations[0].regional_function);
  auto bad =
      ParseRegionJson(Replace(kGood, "\"source\": \"test\"}", "\"source\": \"test\", \"regional_function\": 1}"));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasError(bad.status(), "organizations[0].regional_function", 7, "true or false")) << Dump(bad.status());
}

TEST(RegionJson, ZwnMarksItsRegionalHospitals) {
  auto r = ParseRegionJson(ReadFile(test::SourceDir() / "data" / "regions" / "zwn.json"));
  ASSERT_TRUE(r.ok());
  std::set<std::string> regional;
  for (const auto& o : r->organizations) {
    if (o.regional_function) regional.insert(o.id);
  }
  EXPECT_EQ(regional, (std::set<std::string>{"erasmusmc", "maasstad", "franciscus", "asz"}));
}

TEST(RegionJson, DemoSmallParsesAndValidates) { CheckShippedRegion("demo-small.json", "DEMO2", 10); }

TEST(RegionJson, SyntaxErrorNamesLine) {
  // Missing comma after the "demo_values" line (line 5): the parser trips on line 6.
  std::string bad = Replace(kGood, "\"demo_values\": true,", "\"demo_values\": true");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  ASSERT_EQ(r.status().errors().size(), 1u);
  EXPECT_TRUE(HasError(r.status(), "json", 6, "syntax error")) << Dump(r.status());
}

// Found by region_json_fuzz (2026-11-26): a number beyond double range made
// nlohmann::json throw out_of_range, which escaped ParseRegionFile (and would
// have ended `openzcc region import` with terminate).
TEST(RegionJson, NumberOutOfRangeIsAnErrorNotACrash) {
  std::string bad = Replace(kGood, "\"demo_values\": true,", "\"demo_values\": 1E9999999999999,");
  auto r = ParseRegionFile(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_TRUE(HasError(r.status(), "json", 5, "number overflow")) << Dump(r.status());
  EXPECT_FALSE(ParseRegionFile("{\"region\": 9E99999}").ok());
}

TEST(RegionJson, SyntaxErrorAtEndOfFile) {
  std::string bad(kGood);
  bad.resize(bad.rfind('}'));
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "json", 19)) << Dump(r.status());
}

TEST(RegionJson, UnknownFieldNamesPathAndLine) {
  std::string bad = Replace(kGood, "\"specialism\": \"interne\",", "\"specialism\": \"interne\", \"colour\": 1,");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[1].colour", 17, "unknown field")) << Dump(r.status());
}

TEST(RegionJson, WrongTypeNamesPathAndLine) {
  std::string bad = Replace(kGood, "\"expected_interval_s\": 300", "\"expected_interval_s\": \"300\"");
  bad = Replace(bad, "\"lat\": 51.9", "\"lat\": true");
  bad = Replace(bad, "\"demo_values\": true", "\"demo_values\": 1");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_TRUE(HasError(s, "units[0].expected_interval_s", 15, "must be an integer")) << Dump(s);
  EXPECT_TRUE(HasError(s, "locations[0].lat", 11, "must be a number")) << Dump(s);
  EXPECT_TRUE(HasError(s, "demo_values", 5, "true or false")) << Dump(s);
  EXPECT_EQ(s.errors().size(), 3u) << Dump(s);
}

TEST(RegionJson, DecimalWhereIntegerRequired) {
  auto r = ParseRegionJson(Replace(kGood, "\"expected_interval_s\": 1800", "\"expected_interval_s\": 1800.5"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[1].expected_interval_s", 17, "decimal")) << Dump(r.status());
}

TEST(RegionJson, MissingFieldNamesEnclosingObjectLine) {
  std::string bad = Replace(kGood, "\"name\": \"Hospital\", ", "");
  bad = Replace(bad, "\"location_id\": \"h1-main\", \"type\": \"seh\", ", "\"type\": \"seh\", ");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_TRUE(HasError(s, "organizations[0].name", 7, "missing")) << Dump(s);
  EXPECT_TRUE(HasError(s, "units[0].location_id", 14, "missing")) << Dump(s);
  // The missing location is not reported a second time as an unknown reference.
  EXPECT_EQ(s.errors().size(), 2u) << Dump(s);
}

TEST(RegionJson, UnknownReferenceNamesPathAndLine) {
  std::string bad = Replace(kGood, "\"subregion_id\": \"R1-A\"", "\"subregion_id\": \"R1-X\"");
  bad = Replace(bad, "\"location_id\": \"h1-main\", \"type\": \"ward\"",
                "\"location_id\": \"nowhere\", \"type\": \"ward\"");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_TRUE(HasError(s, "organizations[0].subregion_id", 7, "unknown subregion R1-X")) << Dump(s);
  EXPECT_TRUE(HasError(s, "units[1].location_id", 16, "unknown location nowhere")) << Dump(s);
}

TEST(RegionJson, DuplicateIdNamesPathAndLine) {
  auto r = ParseRegionJson(Replace(kGood, "\"id\": \"h1-w-interne\"", "\"id\": \"h1-seh\""));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[1].id", 16, "duplicate id h1-seh")) << Dump(r.status());
}

TEST(RegionJson, DuplicateKeyIsAnError) {
  auto r = ParseRegionJson(Replace(kGood, "\"name\": \"SEH\",", "\"name\": \"SEH\", \"name\": \"SEH 2\","));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].name", 14, "duplicate key")) << Dump(r.status());
}

// Found by region_json_fuzz: an unknown empty key must still name a field.
TEST(RegionJson, EmptyUnknownKeyIsNamed) {
  auto r = ParseRegionJson(Replace(kGood, "\"name\": \"SEH\",", "\"name\": \"SEH\", \"\": true,"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].\"\"", 14, "unknown field")) << Dump(r.status());
}

TEST(RegionJson, UnknownEnumNamesListsChoices) {
  std::string bad = Replace(kGood, "\"type\": \"seh\"", "\"type\": \"er\"");
  bad = Replace(bad, "\"type\": \"hospital\"", "\"type\": \"clinic\"");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].type", 14, "one of seh, ic, ward")) << Dump(r.status());
  EXPECT_TRUE(HasError(r.status(), "organizations[0].type", 7, "unknown organization type")) << Dump(r.status());
  EXPECT_EQ(r.status().errors().size(), 2u) << Dump(r.status());
}

TEST(RegionJson, LocationOfAnotherOrganization) {
  std::string bad =
      Replace(kGood, R"({"id": "h1-main", "organization_id": "h1")", R"({"id": "h1-main", "organization_id": "h2")");
  bad = Replace(bad, R"("source": "test"})",
                R"("source": "test"}, {"id": "h2", "subregion_id": "R1-A", "name": "B", "type": "vvt"})");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].location_id", 14, "belongs to organization h2")) << Dump(r.status());
}

TEST(RegionJson, UnitIdMustDifferFromLocationIds) {
  auto r = ParseRegionJson(Replace(kGood, "\"id\": \"h1-seh\"", "\"id\": \"h1-main\""));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].id", 14, "also a location id")) << Dump(r.status());
}

TEST(RegionJson, InconsistentDemoCapacity) {
  auto r = ParseRegionJson(Replace(kGood, R"("demo": {"beds_total": 20, "ed_waiting": 5})",
                                   R"("demo": {"beds_total": 20, "beds_staffed": 30, "occupancy": 1.5})"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasError(r.status(), "units[0].demo.beds_staffed", 15, "must not exceed")) << Dump(r.status());
  EXPECT_TRUE(HasError(r.status(), "units[0].demo.occupancy", 15, "between 0 and 1")) << Dump(r.status());
}

TEST(RegionJson, EveryErrorIsListed) {
  std::string bad = Replace(kGood, "\"name\": \"Test\"", "\"name\": 7");
  bad = Replace(bad, "\"city\": \"Town\"", "\"city\": \"Town\", \"zip\": \"1234\"");
  bad = Replace(bad, "\"expected_interval_s\": 1800", "\"expected_interval_s\": 5");
  auto r = ParseRegionJson(bad);
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_TRUE(HasError(s, "region.name", 2)) << Dump(s);
  EXPECT_TRUE(HasError(s, "locations[0].zip", 10)) << Dump(s);
  EXPECT_TRUE(HasError(s, "units[1].expected_interval_s", 17, "between 10 and")) << Dump(s);
  EXPECT_EQ(s.errors().size(), 3u) << Dump(s);
}

TEST(RegionJson, NotAnObject) {
  for (const char* text : {"[]", "42", "\"region\"", "null"}) {
    auto r = ParseRegionJson(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(HasError(r.status(), "json", 1, "must be an object")) << Dump(r.status());
  }
  auto empty = ParseRegionJson("");
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(HasError(empty.status(), "json", 1)) << Dump(empty.status());
}

TEST(RegionJson, LineAt) {
  EXPECT_EQ(LineAt("a\nb\nc", 0), 1);
  EXPECT_EQ(LineAt("a\nb\nc", 2), 2);
  EXPECT_EQ(LineAt("a\nb\nc", 4), 3);
  EXPECT_EQ(LineAt("a\nb\nc", 99), 3);
}

}  // namespace
}  // namespace ozcc::api
