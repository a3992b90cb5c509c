// The 72-hour contact history and the privacy officer's use cases on a real
// SQLite store (in memory) with a real patient key: a partner's feed reports
// a contact, a coordinator finds it (advice opened, the ZCC's own cases
// beside it) and a new request of that patient is flagged; who may do what;
// every search and refusal is on the access log; the privacy officer lists
// the access to a patient or a case (and it is audited) and reviews
// break-glass grants of its region.
#include "service/contact_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "service/case_service.h"
#include "service/patient_seal.h"
#include "service/privacy_service.h"
#include "store/store.h"

namespace ozcc::service {
namespace {

class NoEvents final : public CaseListener {
 public:
  void CaseChanged(const CaseEvent&) override {}
};

Caller As(Role role, std::string name, std::string org = "", std::string region = "R") {
  return {Principal{PrincipalKind::kUser, std::move(name), role, std::move(org), std::move(region)}, "req-1", ""};
}
Caller Feed(std::string org, std::string region = "R") {
  return {Principal{PrincipalKind::kFeedToken, "hap-feed", Role::kViewer, std::move(org), std::move(region)}, "req-2",
          ""};
}

const Caller kZcc = As(Role::kZccCoordinator, "zoe");
const Caller kOtherZcc = As(Role::kZccCoordinator, "otto", "", "Q");
const Caller kOrgUser = As(Role::kOrgUser, "vera", "R-V1");
const Caller kAdmin = As(Role::kAdmin, "ada", "", "");
const Caller kPrivacy = As(Role::kPrivacyOfficer, "pim");
const Caller kOtherPrivacy = As(Role::kPrivacyOfficer, "quinten", "", "Q");
constexpr const char* kBsn = "111222333";

RegionData Region(const std::string& id) {
  RegionData d;
  d.region = ozcc::Region{id, "Region " + id, {{id + "-A", "Sub A"}}};
  d.organizations = {Organization{id + "-H1", id, id + "-A", "Hospital", OrgType::kHospital, "test"},
                     Organization{id + "-V1", id, id + "-A", "Thuiszorg", OrgType::kVvt, "test"}};
  return d;
}

class ContactServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    for (const char* r : {"R", "Q"}) {
      ASSERT_TRUE(store_->ImportRegion(Region(r), ToolAudit("test", "region.import", r)).ok());
    }
    auto key = ParsePatientKey(GeneratePatientKey());
    ASSERT_TRUE(key.ok());
    seal_ = std::make_shared<const PatientSeal>(*key);
    cases_ =
        std::make_unique<CaseService>(*store_, *store_, *store_, events_,
                                      std::vector<Complaint>{{"catheter-problem", "Katheter", "Catheter", {}}}, seal_);
    contacts_ = std::make_unique<ContactService>(*store_, *store_, seal_);
    privacy_ = std::make_unique<PrivacyService>(*store_, *store_, *store_, seal_);
  }

  static NewContact AContact(std::string kind = "hap-call") {
    NewContact c;
    c.bsn = kBsn;
    c.at = Now() - std::chrono::hours(2);
    c.kind = std::move(kind);
    c.urgency = Urgency::kU4;
    c.advice = "paracetamol; call back when the fever rises";
    return c;
  }
  CaseView CaseOfPatient(const Caller& who = kZcc) {
    NewCase in;
    in.region_id = who.who.region_id;
    in.channel = Channel::kHap;
    in.summary = "fever, confused";
    in.patient = Patient{kBsn, "J. Jansen", {}, "", "", "", "", ""};
    in.legal_basis = LegalBasis::kVitalInterest;
    auto v = cases_->Create(who, std::move(in));
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : CaseView{};
  }
  std::vector<PatientAccess> AccessTo(const std::string& bsn) {
    auto log = store_->ListAccess(seal_->BsnHash(bsn), "", 0, 100);
    EXPECT_TRUE(log.ok());
    return log.ok() ? *log : std::vector<PatientAccess>{};
  }

  std::unique_ptr<Store> store_;
  NoEvents events_;
  std::shared_ptr<const PatientSeal> seal_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<ContactService> contacts_;
  std::unique_ptr<PrivacyService> privacy_;
};

TEST_F(ContactServiceTest, AReportedContactIsFoundWithItsAdviceAndNeverStoredInClear) {
  auto stored = contacts_->Report(Feed("R-H1"), AContact());
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_GT(stored->id, 0);
  EXPECT_EQ(stored->organization_id, "R-H1") << "the token's organisation, not the body's";
  EXPECT_EQ(stored->bsn_hash, seal_->BsnHash(kBsn));
  EXPECT_EQ(stored->sealed.find("paracetamol"), std::string::npos);

  auto h = contacts_->Search(kZcc, kBsn, "intake");
  ASSERT_TRUE(h.ok()) << h.status().message();
  ASSERT_EQ(h->items.size(), 1u);
  EXPECT_EQ(h->items[0].source, HistoryItem::Source::kContact);
  EXPECT_EQ(h->items[0].advice, "paracetamol; call back when the fever rises");
  EXPECT_EQ(h->items[0].kind, "hap-call");
  EXPECT_EQ(h->items[0].organization_id, "R-H1");
  EXPECT_EQ(h->items[0].urgency, Urgency::kU4);

  auto log = AccessTo(kBsn);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].action, "contacts.search");
  EXPECT_EQ(log[0].purpose, "intake");
  EXPECT_EQ(log[0].outcome, "ok");
  EXPECT_EQ(log[1].action, "contact.write");
  EXPECT_EQ(log[1].actor, "token:hap-feed");
}

TEST_F(ContactServiceTest, TheHistoryHoldsTheLast72HoursOfContactsAndCasesNewestFirst) {
  NewContact old = AContact("ambulance");
  old.at = Now() - std::chrono::hours(80);
  ASSERT_TRUE(contacts_->Report(Feed("R-H1"), old).ok());
  ASSERT_TRUE(contacts_->Report(Feed("R-H1"), AContact("hap-call")).ok());
  CaseView c = CaseOfPatient();
  auto h = contacts_->Search(kZcc, kBsn, "");
  ASSERT_TRUE(h.ok()) << h.status().message();
  ASSERT_EQ(h->items.size(), 2u) << "the ambulance ride of 80 hours ago is outside the window";
  EXPECT_EQ(h->items[0].source, HistoryItem::Source::kCase);
  EXPECT_EQ(h->items[0].case_id, c.the_case.id);
  EXPECT_EQ(h->items[0].state, CaseState::kNew);
  EXPECT_EQ(h->items[1].kind, "hap-call");
  EXPECT_TRUE(c.the_case.repeat_contact) << "the HAP call 2 hours before makes the new request a repeat contact";
  EXPECT_EQ(AccessTo(kBsn)[0].purpose, "intake") << "an empty purpose is logged as intake";
}

TEST_F(ContactServiceTest, OnlyAPartnersFeedReportsAndOnlyTheZccSearches) {
  EXPECT_EQ(contacts_->Report(kZcc, AContact()).status().code(), Code::kForbidden);
  EXPECT_EQ(contacts_->Report(kAdmin, AContact()).status().code(), Code::kForbidden);
  EXPECT_EQ(contacts_->Report(kOrgUser, AContact()).status().code(), Code::kForbidden);
  for (const Caller& who : {kOrgUser, kAdmin, kPrivacy}) {
    EXPECT_EQ(contacts_->Search(who, kBsn, "curious").status().code(), Code::kForbidden) << who.who.name;
  }
  // Each refused search is on the access log of the patient.
  auto log = AccessTo(kBsn);
  ASSERT_EQ(log.size(), 3u);
  for (const auto& a : log) {
    EXPECT_EQ(a.outcome, "denied");
    EXPECT_EQ(a.purpose, "curious");
  }
  EXPECT_TRUE(contacts_->Search(kOtherZcc, kBsn, "").ok()) << "a contact history is not bound to a region";
}

TEST_F(ContactServiceTest, BadInputNamesTheFieldAndStoresNothing) {
  NewContact c = AContact();
  c.bsn = "123456789";  // fails the 11-proef
  c.kind = "teleport";
  c.at = Now() + std::chrono::hours(1);
  const Status st = contacts_->Report(Feed("R-H1"), c).status();
  ASSERT_EQ(st.code(), Code::kInvalid);
  std::vector<std::string> fields;
  for (const auto& e : st.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"bsn", "at", "kind"}));
  for (const auto& e : st.errors()) EXPECT_EQ(e.message.find("123456789"), std::string::npos);
  EXPECT_EQ(contacts_->Search(kZcc, "123456789", "").status().code(), Code::kInvalid);
  EXPECT_EQ(contacts_->Search(kZcc, "", "").status().code(), Code::kInvalid);
  EXPECT_TRUE(store_->ContactsOf(seal_->BsnHash("123456789"), Time{}, 10)->empty());
}

TEST_F(ContactServiceTest, WithoutAPatientKeyContactsAreOff) {
  ContactService keyless(*store_, *store_, nullptr);
  EXPECT_EQ(keyless.Report(Feed("R-H1"), AContact()).status().code(), Code::kUnavailable);
  EXPECT_EQ(keyless.Search(kZcc, kBsn, "").status().code(), Code::kUnavailable);
}

TEST_F(ContactServiceTest, WhenItsAccessLogLineCannotBeWrittenASearchReturnsNothing) {
  ASSERT_TRUE(contacts_->Report(Feed("R-H1"), AContact()).ok());
  const size_t lines = AccessTo(kBsn).size();  // the report's own
  // The line is committed while the store is read; a line the store refuses
  // (here: a purpose no engine can hold) must take the history down with it.
  auto h = contacts_->Search(kZcc, kBsn, std::string("intake\0x", 8));
  ASSERT_FALSE(h.ok()) << "the history left without its access-log line";
  EXPECT_EQ(h.status().code(), Code::kInvalid);
  EXPECT_EQ(AccessTo(kBsn).size(), lines);
  ASSERT_TRUE(contacts_->Search(kZcc, kBsn, "intake").ok());
  ASSERT_EQ(AccessTo(kBsn).size(), lines + 1);
  EXPECT_EQ(AccessTo(kBsn).front().action, "contacts.search");
}

TEST_F(ContactServiceTest, ThePrivacyOfficerListsTheAccessToAPatientAndIsAudited) {
  CaseView c = CaseOfPatient();
  ASSERT_TRUE(cases_->ReadPatient(kZcc, c.the_case.id, "triage").ok());
  ASSERT_TRUE(contacts_->Search(kZcc, kBsn, "intake").ok());
  auto page = privacy_->SearchAccess(kPrivacy, {kBsn, "", 0, 100});
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(page->entries[0].action, "contacts.search");
  EXPECT_EQ(page->entries[1].action, "patient.read");
  EXPECT_EQ(page->entries[2].action, "patient.write");
  EXPECT_FALSE(page->next_before_id.has_value());
  auto audit = store_->ListAudit(0, 1);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->at(0).action, "access-log.search");
  EXPECT_EQ(audit->at(0).object, "patient") << "the audit log never names the BSN";

  // Paging.
  auto first = privacy_->SearchAccess(kPrivacy, {kBsn, "", 0, 2});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_before_id.has_value());
  auto rest = privacy_->SearchAccess(kPrivacy, {kBsn, "", *first->next_before_id, 2});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->entries.size(), 1u);
  EXPECT_EQ(rest->entries[0].action, "patient.write");

  // By case: the officer's region only.
  auto by_case = privacy_->SearchAccess(kPrivacy, {"", c.the_case.id, 0, 100});
  ASSERT_TRUE(by_case.ok());
  EXPECT_EQ(by_case->entries.size(), 2u) << "the contact search went through no case";
  EXPECT_EQ(privacy_->SearchAccess(kOtherPrivacy, {"", c.the_case.id, 0, 100}).status().code(), Code::kForbidden);
  EXPECT_EQ(privacy_->SearchAccess(kZcc, {kBsn, "", 0, 100}).status().code(), Code::kForbidden);
  EXPECT_TRUE(privacy_->SearchAccess(kAdmin, {kBsn, "", 0, 100}).ok());
}

TEST_F(ContactServiceTest, AnAccessSearchNamesItsBadFields) {
  const Status none = privacy_->SearchAccess(kPrivacy, {"", "", 0, 100}).status();
  ASSERT_EQ(none.code(), Code::kInvalid);
  EXPECT_EQ(none.errors().at(0).field, "bsn");
  const Status bad = privacy_->SearchAccess(kPrivacy, {"123456789", "no such/case", -1, 0}).status();
  ASSERT_EQ(bad.code(), Code::kInvalid);
  std::vector<std::string> fields;
  for (const auto& e : bad.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"bsn", "case_id", "limit", "before_id"}));
  EXPECT_EQ(privacy_->SearchAccess(kPrivacy, {"", "c-unknown", 0, 100}).status().code(), Code::kNotFound);
}

TEST_F(ContactServiceTest, BreakGlassGrantsAreReviewedOnceByTheirRegionsOfficer) {
  CaseView c = CaseOfPatient();
  auto grant = cases_->BreakGlass(kAdmin, c.the_case.id, "patient unconscious, coordinator unreachable");
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  auto list = privacy_->GrantsToReview(kPrivacy);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].grant.username, "ada");
  EXPECT_EQ((*list)[0].region_id, "R");
  EXPECT_TRUE(privacy_->GrantsToReview(kOtherPrivacy)->empty()) << "another region's officer sees none";
  EXPECT_EQ(privacy_->Review(kOtherPrivacy, grant->id).status().code(), Code::kForbidden);
  EXPECT_EQ(privacy_->GrantsToReview(kZcc).status().code(), Code::kForbidden);

  auto reviewed = privacy_->Review(kPrivacy, grant->id);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().message();
  EXPECT_EQ(reviewed->grant.reviewed_by, "pim");
  EXPECT_TRUE(privacy_->GrantsToReview(kPrivacy)->empty());
  EXPECT_EQ(privacy_->Review(kPrivacy, grant->id).status().code(), Code::kConflict);
  EXPECT_EQ(privacy_->Review(kPrivacy, 999999).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace ozcc::service
