// The FHIR search layer (api/fhir/search.h) without a server: parsing by the
// declarations, R4 OR/AND rules, reference forms, paging by keyset, the
// Prefer header and form decoding. End to end: tests/integration/fhir_search_test.cc.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "api/fhir/fhir.h"
#include "api/fhir/search.h"

namespace ozcc::api::fhir {
namespace {

using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

const std::string kBase = "https://zcc.example/fhir";

Candidate Loc(const std::string& id, const std::string& org, const std::string& region = "ZWN") {
  return {{{"resourceType", "Location"}, {"id", id}, {"managingOrganization", {{"reference", "Organization/" + org}}}},
          region,
          {}};
}

std::vector<Candidate> Some() {
  return {Loc("c", "o1"), Loc("a", "o1"), Loc("b", "o2"), Loc("e", "o3", "DEMO2"), Loc("d", "o2")};
}

std::vector<std::string> Ids(const json& bundle) {
  std::vector<std::string> out;
  for (const auto& e : bundle.value("entry", json::array())) out.push_back(e["resource"]["id"]);
  return out;
}

std::string LinkOf(const json& bundle, const std::string& rel) {
  for (const auto& l : bundle["link"]) {
    if (l["relation"] == rel) return l["url"];
  }
  return "";
}

json Search(const Params& p, bool lenient = false) {
  auto req = ParseSearch("Location", p, kBase, lenient);
  EXPECT_TRUE(req.ok()) << req.status().message();
  if (!req.ok()) return nullptr;
  auto b = RunSearch(*req, Some(), kBase);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return b.ok() ? *b : json();
}

std::string Refused(const Params& p, bool lenient = false) {
  auto req = ParseSearch("Location", p, kBase, lenient);
  if (req.ok()) return "accepted";
  EXPECT_EQ(req.status().code(), Code::kBadRequest);
  return req.status().errors().empty() ? "no field" : req.status().errors()[0].field;
}

TEST(FhirSearchLayer, DeclarationsDriveTheCapabilityStatement) {
  json cs = CapabilityStatement(kBase);
  for (const auto& r : cs["rest"][0]["resource"]) {
    const SearchableType* t = FindSearchable(r["type"].get<std::string>());
    bool searchable = false;
    for (const auto& i : r["interaction"]) searchable |= i["code"] == "search-type";
    if (!searchable) {  // read only (Patient): no parameters, no declaration
      EXPECT_EQ(t, nullptr) << r["type"] << " is declared searchable but the statement has no search-type";
      EXPECT_FALSE(r.contains("searchParam")) << r["type"];
      continue;
    }
    ASSERT_NE(t, nullptr) << r["type"];
    ASSERT_EQ(r["searchParam"].size(), t->params.size());
    for (size_t i = 0; i < t->params.size(); ++i) EXPECT_EQ(r["searchParam"][i]["name"], t->params[i].name);
  }
  EXPECT_EQ(cs["rest"][0]["security"]["service"][0]["coding"][0]["system"], kSecurityServiceSystem);
}

TEST(FhirSearchLayer, CommaIsOrRepeatIsAnd) {
  EXPECT_EQ(Ids(Search({{"_id", "a,c"}})), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(Ids(Search({{"_id", "a,c"}, {"_id", "c,d"}})), std::vector<std::string>{"c"});
  EXPECT_EQ(Search({{"_id", "a"}, {"_id", "b"}})["total"], 0);
  EXPECT_EQ(Ids(Search({{"organization", "o1,Organization/o2"}, {"_id", "b,c"}})),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Ids(Search({{"region", "DEMO2"}})), std::vector<std::string>{"e"});
  // "\," is a literal comma: one value "a,c", no such id.
  EXPECT_EQ(Search({{"_id", "a\\,c"}})["total"], 0);
}

TEST(FhirSearchLayer, ReferenceForms) {
  const std::vector<std::string> o2 = {"b", "d"};
  for (const std::string& v : {std::string("o2"), std::string("Organization/o2"), kBase + "/Organization/o2",
                               kBase + "/Organization/o2/_history/1"}) {
    EXPECT_EQ(Ids(Search({{"organization", v}})), o2) << v;
  }
  EXPECT_EQ(Ids(Search({{"organization:Organization", "o2"}})), o2);
  EXPECT_EQ(Ids(Search({{"organization:Organization", "Organization/o2"}})), o2);
  EXPECT_EQ(Search({{"organization", "https://other.example/fhir/Organization/o2"}})["total"], 0);
  EXPECT_EQ(Refused({{"organization", "Location/o2"}}), "organization");
  EXPECT_EQ(Refused({{"organization", "a/b/c"}}), "organization");
  EXPECT_EQ(Refused({{"organization:Location", "o2"}}), "organization:Location");
}

TEST(FhirSearchLayer, UnknownParametersRefusedUnlessLenient) {
  EXPECT_EQ(Refused({{"name", "x"}}), "name");
  EXPECT_EQ(Refused({{"_id:not", "x"}}), "_id:not");
  EXPECT_EQ(Refused({{"_count:x", "1"}}), "_count:x");
  EXPECT_EQ(Refused({{"_id", ""}}), "_id");
  EXPECT_EQ(Refused({{"_id", "a,"}}), "_id");
  EXPECT_EQ(Refused({{"_summary", "data"}}), "_summary");
  EXPECT_EQ(Refused({{"_format", "xml"}}), "_format");
  EXPECT_EQ(Refused({{"_count", "1"}, {"_count", "2"}}), "_count");
  json b = Search({{"name", "x"}, {"_id", "a"}, {"_id:not", "b"}}, true);
  EXPECT_EQ(Ids(b), std::vector<std::string>{"a"});
  EXPECT_EQ(LinkOf(b, "self"), kBase + "/Location?_id=a");
  EXPECT_EQ(Refused({{"_count", "x"}}, true), "_count") << "a bad value stays refused";
  EXPECT_EQ(ParseSearch("Patient", {}, kBase, false).status().code(), Code::kNotFound);
}

TEST(FhirSearchLayer, KeysetPagingCoversEverythingOnce) {
  json p1 = Search({{"_count", "2"}});
  EXPECT_EQ(Ids(p1), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p1["total"], 5);
  EXPECT_EQ(LinkOf(p1, "previous"), "");
  EXPECT_EQ(LinkOf(p1, "next"), kBase + "/Location?_count=2&_cursor=a:b");
  json p2 = Search({{"_count", "2"}, {"_cursor", "a:b"}});
  EXPECT_EQ(Ids(p2), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(LinkOf(p2, "previous"), kBase + "/Location?_count=2&_cursor=b:c");
  json p3 = Search({{"_count", "2"}, {"_cursor", "a:d"}});
  EXPECT_EQ(Ids(p3), std::vector<std::string>{"e"});
  EXPECT_EQ(LinkOf(p3, "next"), "");
  EXPECT_EQ(Ids(Search({{"_count", "2"}, {"_cursor", "b:c"}})), (std::vector<std::string>{"a", "b"}));
  // A cursor whose resource left the result still positions the page.
  EXPECT_EQ(Ids(Search({{"_count", "2"}, {"_cursor", "a:bb"}})), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Refused({{"_cursor", "b"}}), "_cursor");
  json capped = Search({{"_count", "99999999999999999999999"}});
  EXPECT_EQ(LinkOf(capped, "self"), kBase + "/Location?_count=" + std::to_string(kMaxPageSize));
}

TEST(FhirSearchLayer, SummaryCount) {
  json b = Search({{"organization", "o1"}, {"_summary", "count"}});
  EXPECT_EQ(b["total"], 2);
  EXPECT_FALSE(b.contains("entry"));
  EXPECT_EQ(b["link"].size(), 1u);
  EXPECT_EQ(Search({{"_count", "0"}})["total"], 5);
  EXPECT_FALSE(Search({{"_count", "0"}}).contains("entry"));
}

TEST(FhirSearchLayer, SelfLinkEncodesWhatWasApplied) {
  json b = Search({{"organization", kBase + "/Organization/o 1"}, {"_format", "application/fhir+json"}});
  EXPECT_EQ(LinkOf(b, "self"),
            kBase + "/Location?organization=" + kBase + "/Organization/o%201&_format=application/fhir%2Bjson");
}

TEST(FhirSearchLayer, FormAndPrefer) {
  EXPECT_EQ(ParseForm("a=1&&b=x%2Cy+z&c&subject%3ALocation=u"),
            (Params{{"a", "1"}, {"b", "x,y z"}, {"c", ""}, {"subject:Location", "u"}}));
  EXPECT_TRUE(PrefersLenient("handling=lenient"));
  EXPECT_TRUE(PrefersLenient("return=minimal, Handling = \"lenient\""));
  EXPECT_FALSE(PrefersLenient("handling=strict"));
  EXPECT_FALSE(PrefersLenient(""));
  EXPECT_EQ(Preference("handling=lenient; x=1, return=OperationOutcome", "return"), "operationoutcome");
  EXPECT_EQ(Preference("return = \"minimal\"", "return"), "minimal");
  EXPECT_EQ(Preference("respond-async", "return"), "");
}

}  // namespace
}  // namespace ozcc::api::fhir
