// Pathway and complaint files: broken documents get every error named by JSON
// path and line; a pathway survives ToJson → parse unchanged; and the shipped
// data (data/pathways/*.json, data/complaints.json) parses, validates, uses
// only known complaints, and each pathway proposes what its own data says for
// a case that matches it and nothing for one that does not.
#include "api/json/pathway_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/json/complaint_json.h"
#include "core/pathways.h"
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

// A valid pathway; each test breaks one thing. Line numbers matter.
constexpr const char* kGood = R"({
  "id": "catheter-care",
  "version": 2,
  "name": {"nl": "Katheterzorg", "en": "Catheter care"},
  "complaints": ["catheter-problem"],
  "urgency": {"from": "U3", "to": "U4"},
  "conditions": {
    "age_min": 18,
    "living": ["home-alone", "home-with-carer"],
    "time_of_day": {"from": "17:00", "to": "08:00"},
    "known_care": ["district-nursing"]
  },
  "actions": [
    {"code": "acute-district-nursing", "partner": "vvt",
     "description": {"nl": "Acute wijkverpleging", "en": "Acute district nursing"},
     "rationale": "seed 001"},
    {"code": "md-consult", "description": {"nl": "Overleg", "en": "Consult"}}
  ],
  "source": "test",
  "rationale": "why"
})";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const std::vector<Complaint>& Known() {
  static const std::vector<Complaint> kList{{"catheter-problem", "Katheterproblemen", "Catheter problem", {}}};
  return kList;
}

TEST(PathwayJson, ParsesTheGoodFile) {
  auto p = ParsePathwayFile(kGood, &Known());
  ASSERT_TRUE(p.ok()) << Dump(p.status());
  EXPECT_EQ(p->id, "catheter-care");
  EXPECT_EQ(p->version, 2);
  EXPECT_EQ(p->urgency.from, Urgency::kU3);
  EXPECT_EQ(p->conditions.age_min, 18);
  EXPECT_FALSE(p->conditions.age_max.has_value());
  ASSERT_TRUE(p->conditions.time_of_day.has_value());
  EXPECT_EQ(p->conditions.time_of_day->from_minute, 17 * 60);
  EXPECT_EQ(p->conditions.time_of_day->to_minute, 8 * 60);
  EXPECT_EQ(p->conditions.known_care, std::vector<KnownCare>{KnownCare::kDistrictNursing});
  ASSERT_EQ(p->actions.size(), 2u);
  EXPECT_EQ(p->actions[0].partner, OrgType::kVvt);
  EXPECT_FALSE(p->actions[1].partner.has_value());
  EXPECT_FALSE(p->any_complaint);
}

TEST(PathwayJson, RoundTripsThroughToJson) {
  auto p = ParsePathwayFile(kGood);
  ASSERT_TRUE(p.ok()) << Dump(p.status());
  auto again = ParsePathwayFile(ToJson(*p).dump(2));
  ASSERT_TRUE(again.ok()) << Dump(again.status());
  EXPECT_EQ(*again, *p);
  Pathway group = *p;
  group.complaints.clear();
  group.any_complaint = true;
  group.fallback = true;
  group.conditions = {};
  group.actions[0].unit = UnitType::kVvtCrisis;
  auto back = ParsePathwayFile(ToJson(group).dump());
  ASSERT_TRUE(back.ok()) << Dump(back.status());
  EXPECT_EQ(*back, group);
}

TEST(PathwayJson, ShapeErrorsNamedWithLines) {
  struct Row {
    std::string from, to, field;
    int line;
    std::string text;
  };
  const std::vector<Row> rows{
      {R"("version": 2)", R"("version": "2")", "version", 3, "must be an integer"},
      {R"("version": 2)", R"("version": 2.5)", "version", 3, "must be an integer"},
      {R"("version": 2)", R"("version": -4294967295)", "version", 3, "out of range"},
      {R"("version": 2)", R"("version": 0)", "version", 3, "1 to 1000000"},
      {R"("en": "Catheter care")", R"("en": 7)", "name.en", 4, "must be a string"},
      {R"("from": "U3")", R"("from": "U9")", "urgency.from", 6, "unknown urgency \"U9\""},
      {R"("age_min": 18)", R"("age_min": 300)", "conditions.age_min", 8, "0 to 130"},
      {R"("home-alone")", R"("at-home")", "conditions.living[0]", 9, "unknown living situation"},
      {R"("from": "17:00")", R"("from": "5pm")", "conditions.time_of_day.from", 10, "HH:MM"},
      {R"("district-nursing")", R"("wijkverpleging")", "conditions.known_care[0]", 11, "unknown known care"},
      {R"("partner": "vvt")", R"("partner": "nursing")", "actions[0].partner", 14, "unknown organisation type"},
      {R"("rationale": "seed 001")", R"("rationale": "seed 001", "cost": 3)", "actions[0].cost", 16,
       "unknown field \"cost\""},
      {R"("source": "test",)", "", "source", 1, "required field \"source\" is missing"},
      {R"("complaints": ["catheter-problem"])", R"("complaints": "catheter-problem")", "complaints", 5,
       "must be an array"},
      {R"("complaints": ["catheter-problem"])", R"("complaints": [3])", "complaints[0]", 5, "must be a string"},
      {R"("id": "catheter-care",)", R"("id": "catheter-care", "id": "x",)", "id", 2, "duplicate key"},
  };
  for (const Row& r : rows) {
    auto p = ParsePathwayFile(Replace(kGood, r.from, r.to), &Known());
    ASSERT_FALSE(p.ok()) << r.field;
    EXPECT_EQ(p.status().code(), Code::kInvalid);
    EXPECT_TRUE(HasError(p.status(), r.field, r.line, r.text)) << r.field << Dump(p.status());
  }
}

TEST(PathwayJson, DomainErrorsNamedWithLines) {
  auto p = ParsePathwayFile(Replace(Replace(Replace(kGood, R"("to": "U4")", R"("to": "U2")"), R"("partner": "vvt")",
                                            R"("partner": "vvt", "unit": "seh")"),
                                    R"(["catheter-problem"])", R"(["catheter-problem", "unknown-code"])"),
                            &Known());
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(HasError(p.status(), "urgency.to", 6, "empty band")) << Dump(p.status());
  EXPECT_TRUE(HasError(p.status(), "actions[0].unit", 14, "not run by a vvt")) << Dump(p.status());
  EXPECT_TRUE(HasError(p.status(), "complaints[1]", 5, "unknown entry complaint")) << Dump(p.status());
  // The same document without the complaint list knows no complaints to check.
  auto loose = ParsePathwayFile(Replace(kGood, R"(["catheter-problem"])", R"(["unknown-code"])"));
  EXPECT_TRUE(loose.ok()) << Dump(loose.status());
}

TEST(PathwayJson, ShapeErrorIsNotRepeatedAsADomainError) {
  auto p = ParsePathwayFile(Replace(kGood, R"("name": {"nl": "Katheterzorg", "en": "Catheter care"},)", ""));
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(HasError(p.status(), "name", 1, "missing")) << Dump(p.status());
  const Status st = p.status();  // status() is a copy: keep it while iterating
  for (const auto& e : st.errors()) EXPECT_NE(e.field, "name.nl") << Dump(st);
}

TEST(PathwayJson, SyntaxErrorsAndNonObjects) {
  auto p = ParsePathwayFile("{\n  \"id\": \"x\",\n  oops\n}");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(HasError(p.status(), "json", 3)) << Dump(p.status());
  auto arr = ParsePathwayFile("[]");
  ASSERT_FALSE(arr.ok());
  EXPECT_TRUE(HasError(arr.status(), "json", 1, "must be an object")) << Dump(arr.status());
  auto huge = ParsePathwayFile("{\"version\": 1e999}");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), Code::kInvalid);
}

TEST(ComplaintJson, ParsesAndNamesErrors) {
  auto ok = ParseComplaintsFile(R"({"complaints": [{"code": "fall", "nl": "Gevallen", "en": "Fall",
                                   "synonyms": ["val"]}]})");
  ASSERT_TRUE(ok.ok()) << Dump(ok.status());
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].synonyms, std::vector<std::string>{"val"});
  EXPECT_EQ(ToJson((*ok)[0]).dump(), R"({"code":"fall","en":"Fall","nl":"Gevallen","synonyms":["val"]})");

  auto bad = ParseComplaintsFile(R"({"complaints": [
    {"code": "fall", "nl": "Gevallen", "en": "Fall"},
    {"code": "fall", "nl": "Val", "en": "Fall", "extra": 1},
    {"code": "Bad Code", "nl": "", "en": "x", "synonyms": [1]},
    "not an object"
  ]})");
  ASSERT_FALSE(bad.ok());
  const Status& st = bad.status();
  EXPECT_TRUE(HasError(st, "complaints[1].code", 3, "duplicate")) << Dump(st);
  EXPECT_TRUE(HasError(st, "complaints[1].extra", 3, "unknown field")) << Dump(st);
  EXPECT_TRUE(HasError(st, "complaints[2].code", 4)) << Dump(st);
  EXPECT_TRUE(HasError(st, "complaints[2].nl", 4, "required")) << Dump(st);
  EXPECT_TRUE(HasError(st, "complaints[2].synonyms[0]", 4, "must be a string")) << Dump(st);
  EXPECT_TRUE(HasError(st, "complaints[3]", 5, "must be an object")) << Dump(st);
  for (const auto& e : st.errors()) EXPECT_NE(e.field, "complaints[3].code") << Dump(st);
}

// ---------------------------------------------------------------------------
// The shipped data

std::vector<Complaint> ShippedComplaints() {
  auto list = ParseComplaintsFile(ReadFile(test::SourceDir() / "data" / "complaints.json"));
  EXPECT_TRUE(list.ok()) << Dump(list.status());
  return list.ok() ? *list : std::vector<Complaint>{};
}

std::vector<std::filesystem::path> PathwayFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(test::SourceDir() / "data" / "pathways")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Pathway> ShippedPathways(const std::vector<Complaint>& complaints) {
  std::vector<Pathway> set;
  for (const auto& f : PathwayFiles()) {
    auto p = ParsePathwayFile(ReadFile(f), &complaints);  // every complaint used exists
    EXPECT_TRUE(p.ok()) << f.filename() << ": " << Dump(p.status());
    if (!p.ok()) continue;
    EXPECT_EQ(p->id + ".json", f.filename().string()) << "a pathway file is named after its id";
    set.push_back(*p);
  }
  return set;
}

TEST(ShippedData, ComplaintsParseAndCoverTheCommonEntryComplaints) {
  const auto complaints = ShippedComplaints();
  EXPECT_GE(complaints.size(), 50u);
  for (const char* code : {"chest-pain", "shortness-of-breath", "abdominal-pain", "fever", "headache", "fall",
                           "seizure", "catheter-problem", "feeding-tube-problem", "home-situation-untenable"}) {
    EXPECT_NE(FindComplaint(complaints, code), nullptr) << code;
  }
  EXPECT_EQ(SearchComplaints(complaints, "pijn thorax").front()->code, "chest-pain");
  EXPECT_EQ(SearchComplaints(complaints, "katheter").front()->code, "catheter-problem");
  EXPECT_EQ(SearchComplaints(complaints, "benauwd").front()->code, "shortness-of-breath");
}

TEST(ShippedData, PathwaysOfAnnex3AreAllThere) {
  const auto complaints = ShippedComplaints();
  const auto set = ShippedPathways(complaints);
  EXPECT_TRUE(ValidatePathwaySet(set, &complaints).empty());
  std::set<std::string> ids;
  for (const Pathway& p : set) ids.insert(p.id);
  // Annex 3 of seed 001, by our ids (a combined annex name may be split in two).
  for (const char* id : {"acute-psychiatry",
                         "appendicitis",
                         "atrial-fibrillation",
                         "nosebleed",
                         "abdominal-pain-adults",
                         "chronically-ill",
                         "diabetes-dysregulated",
                         "home-situation-untenable",
                         "headache",
                         "medical-aids",
                         "seizure",
                         "catheter-care",
                         "urinary-problems",
                         "shortness-of-breath",
                         "constipation",
                         "palliative-care",
                         "chest-pain-pain-control",
                         "other-u3-u4",
                         "frail-elderly",
                         "post-surgery-discharge",
                         "feeding-tube",
                         "falls",
                         "trauma-fractures",
                         "wound-care",
                         "bites",
                         "sick-child-fever",
                         "rapid-hag"}) {
    EXPECT_EQ(ids.count(id), 1u) << id;
  }
  for (const Pathway& p : set) {
    EXPECT_NE(p.source.find("Seed 001"), std::string::npos) << p.id << " names its source";
    EXPECT_FALSE(p.rationale.empty()) << p.id;
  }
}

// Facts that satisfy every condition of `p` with its first complaint and the
// lower end of its band; for an any-complaint pathway, the first complaint of
// the list.
CaseFacts MatchingFacts(const Pathway& p, const std::vector<Complaint>& complaints) {
  CaseFacts f;
  f.complaint = p.any_complaint ? complaints.front().code : p.complaints.front();
  f.urgency = p.urgency.from;
  const PathwayConditions& c = p.conditions;
  f.age_years = c.age_min ? *c.age_min : (c.age_max ? *c.age_max : 50);
  if (!c.living.empty()) f.living = c.living.front();
  if (c.time_of_day) f.minute_of_day = c.time_of_day->from_minute;
  f.known_care = c.known_care.empty() ? std::vector<KnownCare>{} : std::vector<KnownCare>{c.known_care.front()};
  return f;
}

const Proposal* Find(const std::vector<Proposal>& ps, const std::string& id) {
  for (const Proposal& p : ps) {
    if (p.pathway_id == id) return &p;
  }
  return nullptr;
}

bool Proposes(const std::vector<Pathway>& set, const CaseFacts& f, const std::string& id) {
  return Find(Propose(set, f), id) != nullptr;
}

TEST(ShippedData, EachPathwayProposesWhatItsDataSays) {
  const auto complaints = ShippedComplaints();
  const auto set = ShippedPathways(complaints);
  ASSERT_FALSE(set.empty());
  for (const Pathway& p : set) {
    if (p.fallback) continue;  // below
    const CaseFacts f = MatchingFacts(p, complaints);
    const std::vector<Proposal> proposals = Propose(set, f);
    const Proposal* got = Find(proposals, p.id);
    ASSERT_NE(got, nullptr) << p.id << " is not proposed for a case that matches it";
    EXPECT_EQ(got->pathway_version, p.version) << p.id;
    EXPECT_EQ(got->actions, p.actions) << p.id;
    EXPECT_TRUE(got->unchecked.empty()) << p.id;

    // Not for an urgency outside the band, nor (if it names complaints) for
    // another complaint.
    for (Urgency u : kAllUrgencies) {
      if (u >= p.urgency.from && u <= p.urgency.to) continue;
      CaseFacts outside = f;
      outside.urgency = u;
      EXPECT_FALSE(Proposes(set, outside, p.id)) << p.id << " at " << ToString(u);
    }
    if (!p.any_complaint) {
      CaseFacts other = f;
      other.complaint = "dental-problem";
      ASSERT_EQ(std::count(p.complaints.begin(), p.complaints.end(), other.complaint), 0);
      EXPECT_FALSE(Proposes(set, other, p.id)) << p.id;
    }
    // Nor when a condition it has fails.
    const PathwayConditions& c = p.conditions;
    if (c.age_min) {
      CaseFacts young = f;
      young.age_years = *c.age_min - 1;
      EXPECT_FALSE(Proposes(set, young, p.id)) << p.id << " below its age";
    }
    if (c.age_max) {
      CaseFacts old = f;
      old.age_years = *c.age_max + 1;
      EXPECT_FALSE(Proposes(set, old, p.id)) << p.id << " above its age";
    }
    if (!c.living.empty()) {
      CaseFacts elsewhere = f;
      elsewhere.living = LivingSituation::kNursingHome;
      ASSERT_EQ(std::count(c.living.begin(), c.living.end(), LivingSituation::kNursingHome), 0);
      EXPECT_FALSE(Proposes(set, elsewhere, p.id)) << p.id << " in a nursing home";
    }
    if (c.time_of_day) {
      CaseFacts outside = f;
      outside.minute_of_day = (c.time_of_day->to_minute + 1) % 1440;
      EXPECT_FALSE(Proposes(set, outside, p.id)) << p.id << " outside its hours";
    }
    if (!c.known_care.empty()) {
      CaseFacts none = f;
      none.known_care = std::vector<KnownCare>{};
      EXPECT_FALSE(Proposes(set, none, p.id)) << p.id << " without the known care";
    }
  }
}

TEST(ShippedData, FallbackOnlyForWhatNoOtherPathwayTakes) {
  const auto complaints = ShippedComplaints();
  const auto set = ShippedPathways(complaints);
  int fallbacks = 0;
  for (const Pathway& p : set) {
    if (!p.fallback) continue;
    ++fallbacks;
    bool proposed_alone = false;
    for (const Complaint& c : complaints) {
      CaseFacts f = MatchingFacts(p, complaints);
      f.complaint = c.code;
      auto got = Propose(set, f);
      if (got.size() == 1 && got[0].pathway_id == p.id) proposed_alone = true;
      // Never beside another pathway.
      if (got.size() > 1) {
        EXPECT_EQ(Find(got, p.id), nullptr) << p.id << " with " << c.code;
      }
    }
    EXPECT_TRUE(proposed_alone) << p.id << " is never proposed";
  }
  EXPECT_EQ(fallbacks, 1);
}

// The seed's examples, as a coordinator would meet them.
TEST(ShippedData, TheSeedsExamples) {
  const auto complaints = ShippedComplaints();
  const auto set = ShippedPathways(complaints);
  auto first_action = [&](const CaseFacts& f, const std::string& id) -> std::string {
    const auto got = Propose(set, f);
    const Proposal* p = Find(got, id);
    return p ? p->actions.front().code : "";
  };
  // Catheter problems at U3/U4 → acute district nursing (VVT), not the GP post.
  CaseFacts catheter;
  catheter.complaint = "catheter-problem";
  catheter.urgency = Urgency::kU3;
  EXPECT_EQ(first_action(catheter, "catheter-care"), "acute-district-nursing");
  EXPECT_EQ(Propose(set, catheter).front().actions.front().partner, OrgType::kVvt);
  // Frail elderly, "it no longer works at home" → VVT crisis bed or ELV among the actions.
  CaseFacts home;
  home.complaint = "home-situation-untenable";
  home.urgency = Urgency::kU3;
  home.age_years = 84;
  home.living = LivingSituation::kHomeAlone;
  auto got = Propose(set, home);
  ASSERT_NE(Find(got, "home-situation-untenable"), nullptr);
  ASSERT_NE(Find(got, "frail-elderly"), nullptr);
  EXPECT_EQ(got.front().pathway_id, "home-situation-untenable");  // the complaint's own pathway first
  std::set<std::string> codes;
  for (const PathwayAction& a : Find(got, "frail-elderly")->actions) codes.insert(a.code);
  EXPECT_TRUE(codes.count("vvt-crisis-bed") && codes.count("elv-admission"));
  // U1/U2 visit → Rapid HAG (ambulance nurse), during its hours.
  CaseFacts chest;
  chest.complaint = "chest-pain";
  chest.urgency = Urgency::kU1;
  chest.minute_of_day = 19 * 60;
  EXPECT_EQ(first_action(chest, "rapid-hag"), "rapid-hag-visit");
  chest.minute_of_day = 3 * 60;
  EXPECT_EQ(first_action(chest, "rapid-hag"), "");
}

}  // namespace
}  // namespace ozcc::api
