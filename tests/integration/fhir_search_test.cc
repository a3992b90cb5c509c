// FHIR R4 search end to end (api/fhir/search.h), on both stores: every
// search parameter the live CapabilityStatement advertises filters (a loop
// over the statement, so a parameter declared without a working matcher
// fails here), _id lists, the reference forms and the :Type modifier,
// region, _count paging to the end, _summary=count, unknown parameters
// (400 vs Prefer: handling=lenient), POST _search and its media type and
// CSRF rules. Every Bundle and OperationOutcome the server answers with is
// validated against the official R4 JSON schema at the end of each test.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/api_fixture.h"
#include "support/fhir_validate.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

const std::string kBeds = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3}})";
const std::vector<std::pair<std::string, std::string>> kLenient = {{"Prefer", "handling=lenient"}};
const std::vector<std::pair<std::string, std::string>> kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

std::string Enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> Ids(const json& bundle) {
  std::vector<std::string> out;
  for (const auto& e : bundle.value("entry", json::array())) out.push_back(e["resource"]["id"]);
  return out;
}

std::set<std::string> IdSet(const json& bundle) {
  auto v = Ids(bundle);
  return {v.begin(), v.end()};
}

std::string LinkOf(const json& bundle, const std::string& relation) {
  for (const auto& l : bundle.value("link", json::array())) {
    if (l.value("relation", "") == relation) return l.value("url", "");
  }
  return "";
}

// The string at a dotted path of a resource ("managingOrganization.reference"), or "".
std::string At(const json& r, const std::string& path) {
  const json* at = &r;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at->is_string() ? at->get<std::string>() : "";
}

class FhirSearchTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    for (const char* region : {"ZWN", "DEMO2"}) {
      auto d = store_->GetRegion(region);
      ASSERT_TRUE(d.ok()) << region;
      for (const auto& o : d->organizations) region_of_[o.id] = region;
      for (const auto& l : d->locations) region_of_[l.id] = region;
      for (const auto& u : d->units) {
        region_of_[u.id] = region;
        units_.push_back(u);
      }
    }
    base_ = Get("", "/fhir/metadata", 200)["implementation"].value("url", "");
    ASSERT_FALSE(base_.empty());
  }

  void TearDown() override {
    EXPECT_TRUE(ValidFhirR4(returned_));
    ApiFixture::TearDown();
  }

  json Fhir(const std::string& user, const std::string& method, const std::string& target, const std::string& body,
            int expect_status, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse r = Call(user, method, target, body, std::move(headers));
    EXPECT_EQ(r.status, expect_status) << method << " " << target << "\n" << r.body;
    EXPECT_EQ(r.Header("content-type").value_or("").rfind("application/fhir+json", 0), 0u) << target;
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << target << " → not JSON: " << r.body;
    if (j.is_discarded()) return nullptr;
    returned_.push_back(j);
    return j;
  }

  json Get(const std::string& user, const std::string& target, int expect_status = 200,
           std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Fhir(user, "GET", target, "", expect_status, std::move(headers));
  }

  // A link the server wrote, as a request target on this server.
  std::string Target(const std::string& url) {
    EXPECT_EQ(url.rfind(base_, 0), 0u) << url << " is not under " << base_;
    return "/fhir" + url.substr(base_.size());
  }

  // A 400 OperationOutcome whose issue names `field`.
  void ExpectRefused(const json& oo, const std::string& field) {
    ASSERT_EQ(oo.value("resourceType", ""), "OperationOutcome") << oo.dump(1);
    bool named = false;
    for (const auto& i : oo["issue"]) {
      for (const auto& e : i.value("expression", json::array())) named = named || e == field;
    }
    EXPECT_TRUE(named) << "no issue names " << field << ": " << oo.dump(1);
  }

  // Current reports for units of two ZWN hospitals and of DEMO2, as admin.
  void ReportSomeUnits() {
    int zwn_own = 0, zwn_other = 0, demo2 = 0;
    for (const auto& u : units_) {
      if (!UnitHasBeds(u.type) || u.type == UnitType::kAmbulance) continue;
      int* n = u.organization_id == own_org_     ? &zwn_own
               : u.organization_id == other_org_ ? &zwn_other
               : region_of_[u.id] == "DEMO2"     ? &demo2
                                                 : nullptr;
      if (!n || *n >= 3) continue;
      auto put = Call("admin", "PUT", "/api/v1/units/" + u.id + "/capacity", kBeds);
      ASSERT_EQ(put.status, 200) << u.id << " " << put.body;
      ++*n;
    }
    ASSERT_GT(zwn_own, 1);
    ASSERT_GT(zwn_other, 0);
    ASSERT_GT(demo2, 0);
  }

  // Handovers as Tasks: ZWN to two hospitals (one accepted), DEMO2 to one of its organisations.
  void HandSomeOver() {
    auto demo2 = store_->GetRegion("DEMO2");
    ASSERT_TRUE(demo2.ok());
    ASSERT_FALSE(demo2->organizations.empty());
    const std::vector<std::pair<std::string, std::string>> to = {
        {"ZWN", own_org_}, {"ZWN", other_org_}, {"DEMO2", demo2->organizations.front().id}};
    const std::vector<std::pair<std::string, std::string>> json_type = {{"Content-Type", "application/json"}};
    for (const auto& [region, org] : to) {
      const json c = {{"region_id", region},
                      {"channel", "gp"},
                      {"summary", "fever"},
                      {"urgency", "U3"},
                      {"complaint", "catheter-problem"}};
      auto created = Call("admin", "POST", "/api/v1/cases", c.dump(), json_type);
      ASSERT_EQ(created.status, 201) << created.body;
      const json sbar = {{"to_organization_id", org}, {"sbar", {{"situation", "s"}, {"recommendation", "r"}}}};
      auto headers = json_type;
      headers.emplace_back("If-Match", created.Header("etag").value_or(""));
      auto h =
          Call("admin", "POST", "/api/v1/cases/" + json::parse(created.body)["id"].get<std::string>() + "/handovers",
               sbar.dump(), headers);
      ASSERT_EQ(h.status, 201) << h.body;
      const std::string id = json::parse(h.body)["handovers"].back()["id"];
      region_of_[id] = region;
      if (org == own_org_) {
        headers = json_type;
        headers.emplace_back("If-Match", "\"1\"");
        ASSERT_EQ(Call("orguser", "POST", "/api/v1/handovers/" + id + "/accept", "{}", headers).status, 200);
      }
    }
  }

  std::string base_;
  std::map<std::string, std::string> region_of_;  // resource id → region
  std::vector<Unit> units_;
  std::vector<json> returned_;
};

// ---------------------------------------------------------------- every advertised parameter

TEST_P(FhirSearchTest, EveryAdvertisedSearchParameterFilters) {
  ReportSomeUnits();
  HandSomeOver();
  // How to read a resource's values for an advertised parameter. A parameter
  // the statement advertises that is missing here fails the test: teach it
  // here when you declare it in api/fhir/search.cc.
  using Values = std::function<std::vector<std::string>(const json&)>;
  auto path = [](std::string p) { return Values([p](const json& r) { return std::vector<std::string>{At(r, p)}; }); };
  const std::map<std::string, Values> read = {
      {"_id", path("id")},
      {"region", [&](const json& r) { return std::vector<std::string>{region_of_[r.value("id", "")]}; }},
      {"Location.organization", path("managingOrganization.reference")},
      {"Location.partof", path("partOf.reference")},
      {"MeasureReport.subject", path("subject.reference")},
      {"MeasureReport.reporter", path("reporter.reference")},
      {"Task.owner", path("owner.reference")},
      {"Task.status", path("status")},
  };

  json cs = Get("", "/fhir/metadata");
  int checked = 0;
  for (const auto& rest : cs["rest"]) {
    for (const auto& res : rest["resource"]) {
      const std::string type = res["type"];
      bool searchable = false;
      for (const auto& i : res.value("interaction", json::array())) searchable |= i.value("code", "") == "search-type";
      const json params = res.value("searchParam", json::array());
      if (!searchable) {
        EXPECT_TRUE(params.empty()) << type << " advertises parameters but no search-type";
        continue;
      }
      // Unfiltered, as an administrator (every region).
      json all = Get("admin", "/fhir/" + type + "?_count=1000");
      ASSERT_EQ(all["total"], all.value("entry", json::array()).size()) << type << ": more than one page";
      for (const auto& p : params) {
        const std::string name = p["name"];
        SCOPED_TRACE(type + "." + name);
        EXPECT_TRUE(p.contains("type") && p.contains("documentation")) << p.dump();
        auto it = read.find(type + "." + name);
        if (it == read.end()) it = read.find(name);
        if (it == read.end()) {
          ADD_FAILURE() << type << " advertises " << name << ", which this test does not know how to check";
          continue;
        }
        // The values present, with how many resources have each.
        std::map<std::string, int> freq;
        for (const auto& e : all["entry"]) {
          std::set<std::string> vs;
          for (auto& v : it->second(e["resource"])) {
            if (!v.empty()) vs.insert(v);
          }
          for (const auto& v : vs) freq[v]++;
        }
        std::string value;
        for (const auto& [v, n] : freq) {
          if (n > 0 && n < static_cast<int>(all["entry"].size())) {
            value = v;
            break;
          }
        }
        ASSERT_FALSE(value.empty()) << "no value of " << name << " selects a strict subset of " << all["total"];
        json some = Get("admin", "/fhir/" + type + "?" + name + "=" + Enc(value) + "&_count=1000");
        EXPECT_EQ(some["total"], freq[value]) << name << "=" << value;
        EXPECT_LT(some["total"].get<int>(), all["total"].get<int>()) << name << "=" << value << " did not filter";
        EXPECT_GT(some["total"].get<int>(), 0) << name << "=" << value;
        for (const auto& e : some.value("entry", json::array())) {
          auto vs = it->second(e["resource"]);
          EXPECT_NE(std::find(vs.begin(), vs.end(), value), vs.end())
              << e["resource"]["id"] << " does not match " << name << "=" << value;
        }
        EXPECT_NE(LinkOf(some, "self").find(name + "="), std::string::npos) << LinkOf(some, "self");
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 12) << "the statement advertises fewer parameters than it did";
}

TEST_P(FhirSearchTest, CapabilityStatementDescribesSearchAndSecurity) {
  json cs = Get("", "/fhir/metadata");
  const json& rest = cs["rest"][0];
  EXPECT_NE(rest["security"].value("description", "").find("Bearer"), std::string::npos) << rest["security"].dump(1);
  EXPECT_EQ(rest["security"]["cors"], false);
  EXPECT_EQ(rest["security"]["service"][0]["coding"][0]["code"], "Bearer");
  std::map<std::string, std::set<std::string>> names;
  for (const auto& r : rest["resource"]) {
    for (const auto& p : r.value("searchParam", json::array())) {
      names[r["type"]].insert(p["name"].get<std::string>());
      EXPECT_FALSE(p.value("documentation", "").empty()) << p.dump();
    }
  }
  for (const char* t : {"Organization", "Location", "MeasureReport"}) {
    EXPECT_TRUE(names[t].count("_id")) << t;
    EXPECT_TRUE(names[t].count("region")) << t;
  }
  EXPECT_TRUE(names["Location"].count("organization"));
  EXPECT_TRUE(names["Location"].count("partof"));
  EXPECT_TRUE(names["MeasureReport"].count("subject"));
}

// ---------------------------------------------------------------- _id, references, region

TEST_P(FhirSearchTest, IdListsAreOrAndRepeatsAreAnd) {
  const std::string a = units_[0].id, b = units_[1].id;
  json one = Get("viewer", "/fhir/Location?_id=" + a);
  EXPECT_EQ(Ids(one), std::vector<std::string>{a});
  EXPECT_EQ(one["total"], 1);
  EXPECT_EQ(LinkOf(one, "self"), base_ + "/Location?_id=" + a);

  json both = Get("viewer", "/fhir/Location?_id=" + a + "," + b);
  EXPECT_EQ(IdSet(both), (std::set<std::string>{a, b}));
  json and_ = Get("viewer", "/fhir/Location?_id=" + a + "&_id=" + b);
  EXPECT_EQ(and_["total"], 0);
  EXPECT_FALSE(and_.contains("entry"));
  json narrowed = Get("viewer", "/fhir/Location?_id=" + a + "," + b + "&_id=" + b);
  EXPECT_EQ(Ids(narrowed), std::vector<std::string>{b});
  EXPECT_EQ(Get("viewer", "/fhir/Location?_id=no-such-place")["total"], 0);

  json org = Get("viewer", "/fhir/Organization?_id=" + own_org_ + "," + other_org_);
  EXPECT_EQ(IdSet(org), (std::set<std::string>{own_org_, other_org_}));
}

TEST_P(FhirSearchTest, ReferenceFormsAndTypeModifier) {
  std::set<std::string> want;
  for (const auto& u : units_) {
    if (u.organization_id == own_org_) want.insert(u.id);
  }
  for (const auto& l : zwn_.locations) {
    if (l.organization_id == own_org_) want.insert(l.id);
  }
  ASSERT_FALSE(want.empty());
  for (const std::string& v : {"Organization/" + own_org_, own_org_, base_ + "/Organization/" + own_org_,
                               base_ + "/Organization/" + own_org_ + "/_history/3"}) {
    json b = Get("viewer", "/fhir/Location?organization=" + Enc(v));
    EXPECT_EQ(IdSet(b), want) << v;
  }
  json mod = Get("viewer", "/fhir/Location?organization:Organization=" + own_org_);
  EXPECT_EQ(IdSet(mod), want);
  // Another server's resource is not here; a type the parameter cannot point to is refused.
  EXPECT_EQ(Get("viewer", "/fhir/Location?organization=" +
                              Enc("https://elsewhere.example/fhir/Organization/" + own_org_))["total"],
            0);
  ExpectRefused(Get("viewer", "/fhir/Location?organization=Location/" + own_org_, 400), "organization");
  ExpectRefused(Get("viewer", "/fhir/Location?organization:Location=" + own_org_, 400), "organization:Location");

  // partof: the units of one site.
  const Unit& unit = units_[0];
  std::set<std::string> at_site;
  for (const auto& u : units_) {
    if (u.location_id == unit.location_id) at_site.insert(u.id);
  }
  EXPECT_EQ(IdSet(Get("viewer", "/fhir/Location?partof=Location/" + unit.location_id)), at_site);
  EXPECT_EQ(IdSet(Get("viewer", "/fhir/Location?partof=" + unit.location_id)), at_site);

  // MeasureReport subject with and without the modifier.
  ReportSomeUnits();
  json all = Get("viewer", "/fhir/MeasureReport");
  ASSERT_GT(all["total"].get<int>(), 2);
  const std::string reported = all["entry"][0]["resource"]["id"];
  for (const std::string& q : {"subject:Location=" + reported, "subject=" + reported, "subject=Location/" + reported,
                               "subject=" + Enc(base_ + "/Location/" + reported)}) {
    EXPECT_EQ(Ids(Get("viewer", "/fhir/MeasureReport?" + q)), std::vector<std::string>{reported}) << q;
  }
  EXPECT_EQ(Get("viewer", "/fhir/MeasureReport?subject:Organization=" + reported)["total"], 0);
  json by_org = Get("viewer", "/fhir/MeasureReport?subject:Organization=" + own_org_);
  json by_reporter = Get("viewer", "/fhir/MeasureReport?reporter=" + own_org_);
  EXPECT_GT(by_org["total"].get<int>(), 1);
  EXPECT_LT(by_org["total"].get<int>(), all["total"].get<int>());
  EXPECT_EQ(IdSet(by_org), IdSet(by_reporter));
  ExpectRefused(Get("viewer", "/fhir/MeasureReport?subject:Patient=x", 400), "subject:Patient");
}

TEST_P(FhirSearchTest, RegionNamesWhereToLook) {
  json all = Get("admin", "/fhir/Organization");
  json zwn = Get("admin", "/fhir/Organization?region=ZWN");
  json demo2 = Get("admin", "/fhir/Organization?region=DEMO2");
  json both = Get("admin", "/fhir/Organization?region=ZWN,DEMO2");
  EXPECT_EQ(zwn["total"], zwn_.organizations.size());
  EXPECT_GT(demo2["total"].get<int>(), 0);
  EXPECT_EQ(both["total"], all["total"]);
  EXPECT_EQ(all["total"].get<int>(), zwn["total"].get<int>() + demo2["total"].get<int>());
  EXPECT_EQ(Get("admin", "/fhir/Organization?region=ZWN&region=DEMO2")["total"], 0);
  EXPECT_EQ(Get("admin", "/fhir/Organization?region=NOPE")["total"], 0) << "no such region: nothing in it";
  // Another region than one's own is refused, alone or in a list.
  Get("viewer", "/fhir/Location?region=DEMO2", 403);
  Get("viewer", "/fhir/Location?region=ZWN,DEMO2", 403);
  EXPECT_EQ(Get("viewer", "/fhir/Location?region=ZWN")["total"], zwn_.locations.size() + zwn_.units.size());
}

// ---------------------------------------------------------------- paging and summary

TEST_P(FhirSearchTest, CountPagesThroughTheWholeResultSet) {
  json all = Get("viewer", "/fhir/Location");
  const int total = all["total"];
  ASSERT_GT(total, 20);
  std::vector<std::string> seen;
  std::vector<json> pages;
  std::string target = "/fhir/Location?_count=7";
  while (!target.empty()) {
    json page = Get("viewer", target);
    ASSERT_EQ(page["type"], "searchset");
    EXPECT_EQ(page["total"], total) << target;
    EXPECT_LE(page.value("entry", json::array()).size(), 7u);
    EXPECT_EQ(Target(LinkOf(page, "first")), "/fhir/Location?_count=7");
    for (const auto& id : Ids(page)) seen.push_back(id);
    pages.push_back(page);
    const std::string next = LinkOf(page, "next");
    target = next.empty() ? "" : Target(next);
    ASSERT_LE(pages.size(), 100u);
  }
  EXPECT_EQ(pages.size(), static_cast<size_t>((total + 6) / 7));
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a resource came twice";
  EXPECT_EQ(unique, IdSet(all)) << "the pages together are the whole result set";
  // previous from the second page is the first page; the first page has none.
  EXPECT_EQ(LinkOf(pages[0], "previous"), "");
  json back = Get("viewer", Target(LinkOf(pages[1], "previous")));
  EXPECT_EQ(Ids(back), Ids(pages[0]));
  // A cursor the server did not write is refused.
  ExpectRefused(Get("viewer", "/fhir/Location?_cursor=zz", 400), "_cursor");

  // Capped, and bad values refused.
  json capped = Get("viewer", "/fhir/Location?_count=5000");
  EXPECT_EQ(capped["entry"].size(), static_cast<size_t>(total));
  EXPECT_EQ(LinkOf(capped, "self"), base_ + "/Location?_count=1000");
  ExpectRefused(Get("viewer", "/fhir/Location?_count=-1", 400), "_count");
  ExpectRefused(Get("viewer", "/fhir/Location?_count=ten", 400), "_count");
  ExpectRefused(Get("viewer", "/fhir/Location?_count=5&_count=6", 400), "_count");
}

TEST_P(FhirSearchTest, SummaryCountGivesTheTotalOnly) {
  const std::string org = own_org_;
  json full = Get("viewer", "/fhir/Location?organization=" + org);
  json count = Get("viewer", "/fhir/Location?organization=" + org + "&_summary=count");
  EXPECT_EQ(count["total"], full["total"]);
  EXPECT_GT(count["total"].get<int>(), 0);
  EXPECT_FALSE(count.contains("entry")) << count.dump(1);
  EXPECT_EQ(LinkOf(count, "self"), base_ + "/Location?organization=" + org + "&_summary=count");
  EXPECT_EQ(Get("viewer", "/fhir/Location?_count=0")["total"], Get("viewer", "/fhir/Location?_summary=count")["total"]);
  ExpectRefused(Get("viewer", "/fhir/Location?_summary=true", 400), "_summary");
}

// ---------------------------------------------------------------- unknown parameters

TEST_P(FhirSearchTest, UnknownParametersAreRefusedUnlessLenient) {
  const std::string unit = units_[0].id;
  for (const std::string& q :
       std::vector<std::string>{"name=x", "_id:exact=" + unit, "_sort=name", "_include=Location:organization",
                                "address-city=Rotterdam", "_count:x=1"}) {
    const std::string name = q.substr(0, q.find('='));
    json oo = Get("viewer", "/fhir/Location?_id=" + unit + "&" + q, 400);
    ExpectRefused(oo, name);
    EXPECT_EQ(oo["issue"][0]["code"], "invalid");
    json lenient = Get("viewer", "/fhir/Location?_id=" + unit + "&" + q, 200, kLenient);
    EXPECT_EQ(Ids(lenient), std::vector<std::string>{unit}) << q;
    EXPECT_EQ(LinkOf(lenient, "self"), base_ + "/Location?_id=" + unit) << "the self link lists what was applied";
  }
  // Lenient does not excuse a bad value of a known parameter.
  Get("viewer", "/fhir/Location?_count=x", 400, kLenient);
  ExpectRefused(Get("viewer", "/fhir/Location?_id=", 400), "_id");
  ExpectRefused(Get("viewer", "/fhir/MeasureReport?subject=a/b/c", 400), "subject");
  // Other Prefer forms.
  Get("viewer", "/fhir/Location?name=x", 200, {{"Prefer", "return=minimal, handling=lenient"}});
  Get("viewer", "/fhir/Location?name=x", 400, {{"Prefer", "handling=strict"}});
  // Still signed in first, region next.
  Get("", "/fhir/Location?name=x", 401);
}

// ---------------------------------------------------------------- POST _search

TEST_P(FhirSearchTest, PostSearchTakesAFormBody) {
  const std::string a = units_[0].id, b = units_[1].id;
  json got = Fhir("viewer", "POST", "/fhir/Location/_search", "_id=" + a + "%2C" + b, 200, kForm);
  EXPECT_EQ(IdSet(got), (std::set<std::string>{a, b}));
  // Query and body combined (AND), the self link a GET of what was applied.
  json combined = Fhir("viewer", "POST", "/fhir/Location/_search?_count=1", "_id=" + a + "," + b, 200, kForm);
  EXPECT_EQ(combined["total"], 2);
  EXPECT_EQ(combined["entry"].size(), 1u);
  EXPECT_EQ(LinkOf(combined, "self"), base_ + "/Location?_id=" + a + "," + b + "&_count=1");
  json anded = Fhir("viewer", "POST", "/fhir/Location/_search?_id=" + a, "_id=" + b, 200, kForm);
  EXPECT_EQ(anded["total"], 0);
  // Every searchable type.
  for (const char* type : {"Organization", "Location", "MeasureReport"}) {
    json all = Fhir("viewer", "POST", std::string("/fhir/") + type + "/_search", "", 200, kForm);
    EXPECT_EQ(all["total"], Get("viewer", std::string("/fhir/") + type)["total"]) << type;
  }
  json charset = Fhir("viewer", "POST", "/fhir/Organization/_search", "_id=" + own_org_, 200,
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}});
  EXPECT_EQ(Ids(charset), std::vector<std::string>{own_org_});
  // Unknown parameter in the body: refused like in a query.
  ExpectRefused(Fhir("viewer", "POST", "/fhir/Location/_search", "name=x", 400, kForm), "name");
  // Other media types: 415.
  json oo =
      Fhir("viewer", "POST", "/fhir/Location/_search", R"({"_id":"x"})", 415, {{"Content-Type", "application/json"}});
  EXPECT_EQ(oo["issue"][0]["code"], "not-supported");
  Fhir("viewer", "POST", "/fhir/Location/_search", "_id=x", 415);
  Fhir("", "POST", "/fhir/Location/_search", "_id=x", 401, kForm);

  // A cookie session: a POST needs the CSRF header (the guard's rule for every POST).
  const std::string cookie = "ozcc_session=" + NewSession("viewer");
  auto no_header = Call("", "POST", "/fhir/Location/_search", "_id=" + a,
                        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
  EXPECT_EQ(no_header.status, 403) << no_header.body;
  auto with_header =
      Call("", "POST", "/fhir/Location/_search", "_id=" + a,
           {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}, {"X-OpenZCC-CSRF", "1"}});
  EXPECT_EQ(with_header.status, 200) << with_header.body;
}

INSTANTIATE_TEST_SUITE_P(, FhirSearchTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
