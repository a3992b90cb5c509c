// Care pathways: validation naming every field, the rules engine as tables
// (complaint, urgency band, each condition, unknown facts, time windows over
// midnight, fallbacks, order, versions), and the entry-complaint search.
#include "core/pathways.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/time.h"
#include "core/complaints.h"

namespace ozcc {
namespace {

bool HasField(const std::vector<FieldError>& errs, const std::string& field) {
  return std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == field; });
}

std::string Dump(const std::vector<FieldError>& errs) {
  std::string out;
  for (const auto& e : errs) out += "\n  " + e.field + ": " + e.message;
  return out;
}

PathwayAction Action(std::string code, std::optional<OrgType> partner = std::nullopt,
                     std::optional<UnitType> unit = std::nullopt) {
  return {std::move(code), partner, unit, {"nl " + code, "en " + code}, "because"};
}

Pathway Make(std::string id, std::vector<std::string> complaints, Urgency from, Urgency to) {
  Pathway p;
  p.id = std::move(id);
  p.name = {"naam " + p.id, "name " + p.id};
  p.complaints = std::move(complaints);
  p.urgency = {from, to};
  p.actions = {Action("act-" + p.id, OrgType::kVvt)};
  p.source = "test";
  return p;
}

const std::vector<Complaint>& Known() {
  static const std::vector<Complaint> kList{
      {"catheter-problem", "Katheterproblemen", "Catheter problem", {"katheter verstopt", "blocked catheter"}},
      {"chest-pain", "Pijn op de borst", "Chest pain", {"pijn thorax", "borstpijn"}},
      {"fall", "Gevallen", "Fall", {"valpartij"}},
      {"psychiatric-problem", "Psychische crisis", "Mental health crisis", {"suïcidaal", "psychose"}},
      {"pain-control-problem", "Pijnbestrijding", "Pain control", {}},
  };
  return kList;
}

// ---------------------------------------------------------------------------
// Validation

TEST(ValidatePathway, AcceptsAGoodPathway) {
  Pathway p = Make("catheter-care", {"catheter-problem"}, Urgency::kU3, Urgency::kU4);
  p.conditions.age_min = 18;
  p.conditions.age_max = 120;
  p.conditions.living = {LivingSituation::kHomeAlone};
  p.conditions.time_of_day = TimeWindow{17 * 60, 8 * 60};
  p.conditions.known_care = {KnownCare::kDistrictNursing};
  p.actions.push_back(Action("vvt-crisis-bed", OrgType::kVvt, UnitType::kVvtCrisis));
  p.actions.push_back(Action("elv-palliative", OrgType::kVvt, UnitType::kElvPalliative));  // many VVT run ELV beds
  p.actions.push_back(Action("md-consult"));                                               // the ZCC itself
  EXPECT_TRUE(ValidatePathway(p, &Known()).empty()) << Dump(ValidatePathway(p, &Known()));
}

TEST(ValidatePathway, NamesEveryBrokenField) {
  Pathway p;
  p.id = "Catheter Care";
  p.version = 0;
  p.name = {"", std::string(kMaxPathwayName + 1, 'n')};
  p.complaints = {"catheter-problem", "Bad Code", "catheter-problem", "unknown-one"};
  p.urgency = {Urgency::kU4, Urgency::kU2};
  p.conditions.age_min = 80;
  p.conditions.age_max = 65;
  p.conditions.time_of_day = TimeWindow{600, 600};
  p.conditions.living = {LivingSituation::kHomeAlone, LivingSituation::kHomeAlone};
  p.conditions.known_care = {KnownCare::kHomeCare, KnownCare::kHomeCare};
  p.actions = {Action("acute-district-nursing", OrgType::kVvt, UnitType::kSeh), Action("acute-district-nursing"),
               Action("")};
  p.actions[1].description.en.clear();
  p.actions[1].rationale = "line\x01";
  auto errs = ValidatePathway(p, &Known());
  for (const char* f : {"id", "version", "name.nl", "name.en", "complaints[1]", "complaints[2]", "complaints[3]",
                        "urgency.to", "conditions.age_max", "conditions.time_of_day", "conditions.living[1]",
                        "conditions.known_care[1]", "actions[0].unit", "actions[1].code", "actions[1].description.en",
                        "actions[1].rationale", "actions[2].code", "source"}) {
    EXPECT_TRUE(HasField(errs, f)) << f << Dump(errs);
  }
}

TEST(ValidatePathway, ComplaintsOrAnyComplaint) {
  Pathway p = Make("group", {}, Urgency::kU3, Urgency::kU4);
  EXPECT_TRUE(HasField(ValidatePathway(p), "complaints"));
  p.any_complaint = true;
  EXPECT_TRUE(ValidatePathway(p).empty());
  p.complaints = {"fall"};
  EXPECT_TRUE(HasField(ValidatePathway(p), "complaints"));
}

TEST(ValidatePathway, KnownComplaintsOnlyWhenAListIsGiven) {
  Pathway p = Make("x", {"not-in-the-list"}, Urgency::kU3, Urgency::kU4);
  EXPECT_TRUE(ValidatePathway(p).empty());
  EXPECT_TRUE(HasField(ValidatePathway(p, &Known()), "complaints[0]"));
}

TEST(ValidatePathway, ActionBoundsAndWindowRange) {
  Pathway p = Make("x", {"fall"}, Urgency::kU3, Urgency::kU4);
  p.actions.clear();
  EXPECT_TRUE(HasField(ValidatePathway(p), "actions"));
  for (size_t i = 0; i <= kMaxPathwayActions; ++i) p.actions.push_back(Action("a" + std::to_string(i)));
  EXPECT_TRUE(HasField(ValidatePathway(p), "actions"));
  p = Make("x", {"fall"}, Urgency::kU3, Urgency::kU4);
  p.conditions.time_of_day = TimeWindow{-1, 1440};
  auto errs = ValidatePathway(p);
  EXPECT_TRUE(HasField(errs, "conditions.time_of_day.from"));
  EXPECT_TRUE(HasField(errs, "conditions.time_of_day.to"));
  p.conditions.time_of_day.reset();
  p.conditions.age_min = -1;
  p.conditions.age_max = kMaxAgeYears + 1;
  errs = ValidatePathway(p);
  EXPECT_TRUE(HasField(errs, "conditions.age_min"));
  EXPECT_TRUE(HasField(errs, "conditions.age_max"));
}

TEST(ValidatePathway, PrefixAndSetChecks) {
  Pathway a = Make("dup", {"fall"}, Urgency::kU3, Urgency::kU4);
  Pathway b = a;
  b.name.nl.clear();
  auto errs = ValidatePathwaySet({a, b}, &Known());
  EXPECT_TRUE(HasField(errs, "pathways[1].id")) << Dump(errs);
  EXPECT_TRUE(HasField(errs, "pathways[1].name.nl"));
  EXPECT_FALSE(HasField(errs, "pathways[0].id"));
}

TEST(UnitFitsOrg, Table) {
  EXPECT_TRUE(UnitFitsOrg(UnitType::kSeh, OrgType::kHospital));
  EXPECT_FALSE(UnitFitsOrg(UnitType::kSeh, OrgType::kVvt));
  EXPECT_TRUE(UnitFitsOrg(UnitType::kElvHigh, OrgType::kElv));
  EXPECT_TRUE(UnitFitsOrg(UnitType::kElvHigh, OrgType::kVvt));
  EXPECT_FALSE(UnitFitsOrg(UnitType::kVvtCrisis, OrgType::kElv));
  EXPECT_TRUE(UnitFitsOrg(UnitType::kGgzCrisis, OrgType::kGgz));
  EXPECT_TRUE(UnitFitsOrg(UnitType::kAmbulance, OrgType::kAmbulance));
  EXPECT_TRUE(UnitFitsOrg(UnitType::kHap, OrgType::kHap));
  EXPECT_FALSE(UnitFitsOrg(UnitType::kHap, OrgType::kAmbulance));
}

TEST(MinuteOfDay, ParseAndFormat) {
  EXPECT_EQ(ParseMinuteOfDay("00:00"), 0);
  EXPECT_EQ(ParseMinuteOfDay("17:00"), 1020);
  EXPECT_EQ(ParseMinuteOfDay("23:59"), 1439);
  for (const char* bad : {"24:00", "7:00", "07:60", "0700", "07:00:00", "", "ab:cd"}) {
    EXPECT_FALSE(ParseMinuteOfDay(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatMinuteOfDay(0), "00:00");
  EXPECT_EQ(FormatMinuteOfDay(1020), "17:00");
  EXPECT_EQ(FormatMinuteOfDay(1439), "23:59");
}

TEST(MinuteOfDay, NetherlandsLocalTimeAcrossSummerTime) {
  auto at = [](const char* s) { return NetherlandsMinuteOfDay(*ParseRfc3339(s)); };
  EXPECT_EQ(at("2026-01-15T02:30:00Z"), 3 * 60 + 30);  // CET, UTC+1
  EXPECT_EQ(at("2026-07-15T02:30:00Z"), 4 * 60 + 30);  // CEST, UTC+2
  EXPECT_EQ(at("2026-01-15T23:30:00Z"), 30);           // past midnight locally
  // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
  EXPECT_EQ(at("2026-03-29T00:59:59Z"), 1 * 60 + 59);
  EXPECT_EQ(at("2026-03-29T01:00:00Z"), 3 * 60);
  EXPECT_EQ(at("2026-10-25T00:59:00Z"), 2 * 60 + 59);
  EXPECT_EQ(at("2026-10-25T01:00:00Z"), 2 * 60);
  EXPECT_EQ(at("2024-03-31T01:00:00Z"), 3 * 60);  // 2024: last Sunday of March is the 31st
  EXPECT_EQ(at("2024-03-24T01:00:00Z"), 2 * 60);
}

TEST(FactsOf, FromTheCaseItsContextAndTheDutchClock) {
  Case c;
  c.complaint = "fall";
  c.urgency = Urgency::kU3;
  c.context = {80, LivingSituation::kHomeWithCarer, std::vector<KnownCare>{KnownCare::kHomeCare}};
  const Time now = *ParseRfc3339("2026-03-01T23:30:00Z");  // 00:30 on 2 March in the Netherlands
  CaseFacts f = FactsOf(c, now);
  EXPECT_EQ(f.complaint, "fall");
  EXPECT_EQ(f.urgency, Urgency::kU3);
  EXPECT_EQ(f.age_years, 80);
  EXPECT_EQ(f.living, LivingSituation::kHomeWithCarer);
  EXPECT_EQ(f.known_care, std::vector<KnownCare>{KnownCare::kHomeCare});
  EXPECT_EQ(f.minute_of_day, 30);
  // A known birth date wins over the estimate, on the Dutch date: 76 on 2 March.
  using namespace std::chrono;
  Patient p;
  p.birth_date = Date{year{1950}, March, day{2}};
  EXPECT_EQ(FactsOf(c, now, &p).age_years, 76);
  p.birth_date.reset();
  EXPECT_EQ(FactsOf(c, now, &p).age_years, 80);
  Case unknown;
  EXPECT_FALSE(FactsOf(unknown, now).age_years.has_value());
  EXPECT_FALSE(FactsOf(unknown, now).known_care.has_value());
  EXPECT_TRUE(Propose({Make("falls", {"fall"}, Urgency::kU3, Urgency::kU4)}, FactsOf(c, now)).size() == 1);
}

TEST(PathwayNames, EnumsRoundTrip) {
  for (LivingSituation s : kAllLivingSituations) EXPECT_EQ(ParseLivingSituation(ToString(s)), s);
  for (KnownCare k : kAllKnownCare) EXPECT_EQ(ParseKnownCare(ToString(k)), k);
  EXPECT_EQ(ToString(LivingSituation::kHomeWithCarer), "home-with-carer");
  EXPECT_EQ(ToString(KnownCare::kDistrictNursing), "district-nursing");
  EXPECT_FALSE(ParseKnownCare("wijkverpleging").has_value());
}

// ---------------------------------------------------------------------------
// Engine

std::vector<std::string> Ids(const std::vector<Proposal>& ps) {
  std::vector<std::string> ids;
  for (const Proposal& p : ps) ids.push_back(p.pathway_id);
  return ids;
}

CaseFacts Facts(std::string complaint, std::optional<Urgency> u) {
  CaseFacts f;
  f.complaint = std::move(complaint);
  f.urgency = u;
  return f;
}

TEST(Propose, ComplaintAndUrgencyBand) {
  const std::vector<Pathway> set{Make("catheter", {"catheter-problem"}, Urgency::kU3, Urgency::kU4)};
  struct Row {
    const char* complaint;
    std::optional<Urgency> urgency;
    bool match;
  };
  for (const Row& r : {Row{"catheter-problem", Urgency::kU3, true}, Row{"catheter-problem", Urgency::kU4, true},
                       Row{"catheter-problem", Urgency::kU2, false}, Row{"catheter-problem", Urgency::kU5, false},
                       Row{"chest-pain", Urgency::kU3, false}, Row{"catheter-problem", std::nullopt, false},
                       Row{"", Urgency::kU3, false}}) {
    auto got = Propose(set, Facts(r.complaint, r.urgency));
    EXPECT_EQ(got.size(), r.match ? 1u : 0u) << r.complaint << " " << (r.urgency ? ToString(*r.urgency) : "-");
  }
  auto got = Propose(set, Facts("catheter-problem", Urgency::kU3));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].pathway_id, "catheter");
  EXPECT_EQ(got[0].pathway_version, 1);
  EXPECT_EQ(got[0].actions, set[0].actions);
  EXPECT_TRUE(got[0].unchecked.empty());
}

TEST(Propose, EachConditionHoldsFailsOrIsUnchecked) {
  Pathway p = Make("elderly", {}, Urgency::kU3, Urgency::kU4);
  p.any_complaint = true;
  p.conditions.age_min = 70;
  p.conditions.age_max = 100;
  p.conditions.living = {LivingSituation::kHomeAlone, LivingSituation::kHomeWithCarer};
  p.conditions.time_of_day = TimeWindow{17 * 60, 8 * 60};  // 17:00–08:00, over midnight
  p.conditions.known_care = {KnownCare::kDistrictNursing, KnownCare::kHomeCare};
  const std::vector<Pathway> set{p};

  auto all_known = [] {
    CaseFacts f = Facts("fall", Urgency::kU3);
    f.age_years = 82;
    f.living = LivingSituation::kHomeAlone;
    f.minute_of_day = 3 * 60;
    f.known_care = std::vector<KnownCare>{KnownCare::kHomeCare};
    return f;
  };
  ASSERT_EQ(Propose(set, all_known()).size(), 1u);
  EXPECT_TRUE(Propose(set, all_known())[0].unchecked.empty());

  struct Row {
    const char* what;
    void (*change)(CaseFacts&);
    bool match;
    std::vector<std::string> unchecked;
  };
  const std::vector<Row> rows{
      {"age 69", [](CaseFacts& f) { f.age_years = 69; }, false, {}},
      {"age 70", [](CaseFacts& f) { f.age_years = 70; }, true, {}},
      {"age 100", [](CaseFacts& f) { f.age_years = 100; }, true, {}},
      {"age 101", [](CaseFacts& f) { f.age_years = 101; }, false, {}},
      {"age unknown", [](CaseFacts& f) { f.age_years.reset(); }, true, {"age"}},
      {"nursing home", [](CaseFacts& f) { f.living = LivingSituation::kNursingHome; }, false, {}},
      {"with carer", [](CaseFacts& f) { f.living = LivingSituation::kHomeWithCarer; }, true, {}},
      {"living unknown", [](CaseFacts& f) { f.living.reset(); }, true, {"living"}},
      {"17:00", [](CaseFacts& f) { f.minute_of_day = 17 * 60; }, true, {}},
      {"16:59", [](CaseFacts& f) { f.minute_of_day = 17 * 60 - 1; }, false, {}},
      {"00:00", [](CaseFacts& f) { f.minute_of_day = 0; }, true, {}},
      {"07:59", [](CaseFacts& f) { f.minute_of_day = 8 * 60 - 1; }, true, {}},
      {"08:00", [](CaseFacts& f) { f.minute_of_day = 8 * 60; }, false, {}},
      {"12:00", [](CaseFacts& f) { f.minute_of_day = 12 * 60; }, false, {}},
      {"time unknown", [](CaseFacts& f) { f.minute_of_day.reset(); }, true, {"time_of_day"}},
      {"no known care", [](CaseFacts& f) { f.known_care = std::vector<KnownCare>{}; }, false, {}},
      {"other known care",
       [](CaseFacts& f) { f.known_care = std::vector<KnownCare>{KnownCare::kGgzTreatment}; },
       false,
       {}},
      {"both known care",
       [](CaseFacts& f) {
         f.known_care = std::vector<KnownCare>{KnownCare::kGgzTreatment, KnownCare::kDistrictNursing};
       },
       true,
       {}},
      {"known care not asked", [](CaseFacts& f) { f.known_care.reset(); }, true, {"known_care"}},
      {"all unknown",
       [](CaseFacts& f) {
         f.age_years.reset();
         f.living.reset();
         f.minute_of_day.reset();
         f.known_care.reset();
       },
       true,
       {"age", "living", "time_of_day", "known_care"}},
  };
  for (const Row& r : rows) {
    CaseFacts f = all_known();
    r.change(f);
    auto got = Propose(set, f);
    ASSERT_EQ(got.size(), r.match ? 1u : 0u) << r.what;
    if (r.match) {
      EXPECT_EQ(got[0].unchecked, r.unchecked) << r.what;
    }
  }
}

TEST(Propose, WindowWithinADay) {
  Pathway p = Make("day", {"fall"}, Urgency::kU3, Urgency::kU4);
  p.conditions.time_of_day = TimeWindow{8 * 60, 23 * 60};
  for (auto [minute, match] : {std::pair{7 * 60 + 59, false}, std::pair{8 * 60, true}, std::pair{22 * 60 + 59, true},
                               std::pair{23 * 60, false}, std::pair{0, false}}) {
    CaseFacts f = Facts("fall", Urgency::kU3);
    f.minute_of_day = minute;
    EXPECT_EQ(Propose({p}, f).size(), match ? 1u : 0u) << minute;
  }
}

TEST(Propose, FallbackOnlyWhenNothingElseMatches) {
  Pathway other = Make("other-u3-u4", {}, Urgency::kU3, Urgency::kU4);
  other.any_complaint = true;
  other.fallback = true;
  Pathway falls = Make("falls", {"fall"}, Urgency::kU3, Urgency::kU4);
  Pathway elderly = Make("elderly", {}, Urgency::kU3, Urgency::kU4);
  elderly.any_complaint = true;
  elderly.conditions.age_min = 70;
  const std::vector<Pathway> set{other, falls, elderly};

  EXPECT_EQ(Ids(Propose(set, Facts("fall", Urgency::kU3))), (std::vector<std::string>{"falls", "elderly"}));
  CaseFacts young = Facts("chest-pain", Urgency::kU4);
  young.age_years = 40;
  EXPECT_EQ(Ids(Propose(set, young)), (std::vector<std::string>{"other-u3-u4"}));
  EXPECT_TRUE(Propose(set, Facts("chest-pain", Urgency::kU2)).empty());
  ASSERT_EQ(Propose(set, young).size(), 1u);
  EXPECT_TRUE(Propose(set, young)[0].fallback);
}

TEST(Propose, OrderCheckedThenSpecificThenFewerUncheckedThenId) {
  Pathway b_specific = Make("b-specific", {"fall"}, Urgency::kU3, Urgency::kU3);
  Pathway a_specific = Make("a-specific", {"fall"}, Urgency::kU3, Urgency::kU3);
  Pathway group = Make("group", {}, Urgency::kU3, Urgency::kU3);
  group.any_complaint = true;
  Pathway one_unknown = Make("one-unknown", {"fall"}, Urgency::kU3, Urgency::kU3);
  one_unknown.conditions.age_min = 70;
  Pathway two_unknown = Make("a-two-unknown", {"fall"}, Urgency::kU3, Urgency::kU3);
  two_unknown.conditions.age_min = 70;
  two_unknown.conditions.living = {LivingSituation::kHomeAlone};
  const std::vector<Pathway> set{two_unknown, group, b_specific, one_unknown, a_specific};
  EXPECT_EQ(Ids(Propose(set, Facts("fall", Urgency::kU3))),
            (std::vector<std::string>{"a-specific", "b-specific", "group", "one-unknown", "a-two-unknown"}));
}

TEST(Propose, OnlyTheHighestVersionOfAnIdCounts) {
  Pathway v1 = Make("catheter", {"catheter-problem"}, Urgency::kU3, Urgency::kU4);
  Pathway v2 = v1;
  v2.version = 2;
  v2.urgency = {Urgency::kU3, Urgency::kU5};
  v2.actions = {Action("new-action", OrgType::kVvt)};
  for (const std::vector<Pathway>& set : {std::vector<Pathway>{v1, v2}, std::vector<Pathway>{v2, v1}}) {
    auto got = Propose(set, Facts("catheter-problem", Urgency::kU3));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].pathway_version, 2);
    EXPECT_EQ(got[0].actions[0].code, "new-action");
    ASSERT_EQ(Propose(set, Facts("catheter-problem", Urgency::kU5)).size(), 1u);  // v2's band
  }
}

// ---------------------------------------------------------------------------
// Entry complaints

TEST(Complaints, ValidateNamesFields) {
  std::vector<Complaint> list{
      {"fall", "Gevallen", "Fall", {"val"}}, {"fall", "", "Fall again", {""}}, {"Bad", "Slecht", "", {}}};
  auto errs = ValidateComplaints(list);
  for (const char* f : {"complaints[1].code", "complaints[1].nl", "complaints[1].synonyms[0]", "complaints[2].code",
                        "complaints[2].en"}) {
    EXPECT_TRUE(HasField(errs, f)) << f << Dump(errs);
  }
  EXPECT_FALSE(HasField(errs, "complaints[0].code"));
  EXPECT_TRUE(ValidComplaintCode("chest-pain"));
  EXPECT_FALSE(ValidComplaintCode("1-chest"));
  EXPECT_FALSE(ValidComplaintCode("chest_pain"));
  EXPECT_FALSE(ValidComplaintCode(std::string(65, 'a')));
}

std::vector<std::string> Codes(const std::vector<const Complaint*>& hits) {
  std::vector<std::string> codes;
  for (const Complaint* c : hits) codes.push_back(c->code);
  return codes;
}

TEST(Complaints, SearchRanksExactPrefixWordSubstring) {
  EXPECT_EQ(Codes(SearchComplaints(Known(), "fall")), (std::vector<std::string>{"fall"}));
  EXPECT_EQ(Codes(SearchComplaints(Known(), "Pijn")),
            (std::vector<std::string>{"chest-pain", "pain-control-problem"}));  // prefix of the names
  EXPECT_EQ(Codes(SearchComplaints(Known(), "thorax")), (std::vector<std::string>{"chest-pain"}));  // synonym word
  EXPECT_EQ(Codes(SearchComplaints(Known(), "KATHETER")), (std::vector<std::string>{"catheter-problem"}));
  EXPECT_EQ(Codes(SearchComplaints(Known(), "suicidaal")), (std::vector<std::string>{"psychiatric-problem"}));
  EXPECT_EQ(Codes(SearchComplaints(Known(), "borst")).front(), "chest-pain");
  EXPECT_TRUE(SearchComplaints(Known(), "xyz").empty());
  EXPECT_EQ(SearchComplaints(Known(), "").size(), Known().size());
  EXPECT_EQ(SearchComplaints(Known(), "   ", 2).size(), 2u);
  EXPECT_EQ(SearchComplaints(Known(), "p", 1).size(), 1u);
  EXPECT_EQ(FindComplaint(Known(), "fall")->name_en, "Fall");
  EXPECT_EQ(FindComplaint(Known(), "nope"), nullptr);
}

TEST(Complaints, SearchPrefersExactNameOverSynonym) {
  std::vector<Complaint> list{{"b", "Beet", "Bite", {"koorts"}}, {"a", "Koorts", "Fever", {}}};
  EXPECT_EQ(Codes(SearchComplaints(list, "koorts")), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace ozcc
