// The worklist's use cases on an in-memory store with a real patient key:
// the state machine through the service, If-Match (428/412), who may see and
// answer what, patient data sealed and every access logged, break-glass,
// linking a request to the patient's open case, the 72-hour repeat contact,
// and the escalation of unanswered handovers.
#include "service/case_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "service/patient_seal.h"
#include "store/store.h"

namespace ozcc::service {
namespace {

class Events final : public CaseListener {
 public:
  void CaseChanged(const CaseEvent& e) override { seen.push_back(e); }
  std::vector<CaseEvent> seen;
};

Caller As(Role role, std::string name, std::string org = "", std::string region = "R") {
  return {Principal{PrincipalKind::kUser, std::move(name), role, std::move(org), std::move(region)}, "req-1", ""};
}

const Caller kZcc = As(Role::kZccCoordinator, "zoe");
const Caller kVvtUser = As(Role::kOrgUser, "vera", "R-V1");
const Caller kHospitalUser = As(Role::kOrgUser, "harry", "R-H1");
const Caller kViewer = As(Role::kViewer, "victor");
const Caller kAdmin = As(Role::kAdmin, "ada", "", "");

RegionData Region() {
  RegionData d;
  d.region = ozcc::Region{"R", "Region R", {{"R-A", "Sub A"}}};
  d.organizations = {Organization{"R-H1", "R", "R-A", "Hospital", OrgType::kHospital, "test"},
                     Organization{"R-V1", "R", "R-A", "Thuiszorg", OrgType::kVvt, "test"}};
  d.locations = {Location{"R-L1", "R-H1", "Site", "Street 1", "Town", 51.9, 4.4},
                 Location{"R-L2", "R-V1", "Office", "Lane 2", "Town", 51.8, 4.3}};
  d.units = {Unit{"R-V1-wv", "R-V1", "R-L2", UnitType::kVvtCrisis, "", "Crisis beds", 900}};
  return d;
}

std::vector<Complaint> Complaints() {
  return {{"catheter-problem", "Katheterprobleem", "Catheter problem", {}},
          {"chest-pain", "Pijn op de borst", "Chest pain", {}}};
}

class CaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->ImportRegion(Region(), ToolAudit("test", "region.import", "R")).ok());
    auto key = ParsePatientKey(GeneratePatientKey());
    ASSERT_TRUE(key.ok());
    seal_ = std::make_shared<const PatientSeal>(*key);
    service_ = std::make_unique<CaseService>(*store_, *store_, *store_, events_, Complaints(), seal_);
  }

  NewCase Request(std::string summary = "catheter blocked since this morning") {
    NewCase in;
    in.region_id = "R";
    in.channel = Channel::kHap;
    in.summary = std::move(summary);
    return in;
  }
  static Patient APatient() {
    Patient p;
    p.bsn = "111222333";
    p.name = "J. Jansen";
    p.medication = "metformine";
    return p;
  }
  CaseView Created(NewCase in) {
    auto v = service_->Create(kZcc, std::move(in));
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : CaseView{};
  }
  CaseView Triaged(Urgency u = Urgency::kU3) {
    CaseView v = Created(Request());
    TriageInput t;
    t.urgency = u;
    t.complaint = "catheter-problem";
    auto r = service_->Triage(kZcc, v.the_case.id, v.the_case.version, t);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : CaseView{};
  }
  CaseView HandedOver(CaseView v, const std::string& org = "R-V1") {
    HandoverRequest h;
    h.to_organization_id = org;
    h.sbar = {"blocked catheter", "", "", "please change it tonight"};
    auto r = service_->HandOver(kZcc, v.the_case.id, v.the_case.version, h);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : CaseView{};
  }
  std::vector<PatientAccess> AccessOfCase(const std::string& case_id) {
    auto log = store_->ListAccess("", case_id, 0, 100);
    EXPECT_TRUE(log.ok());
    return log.ok() ? *log : std::vector<PatientAccess>{};
  }

  std::unique_ptr<Store> store_;
  Events events_;
  std::shared_ptr<const PatientSeal> seal_;
  std::unique_ptr<CaseService> service_;
};

TEST_F(CaseServiceTest, CreateStartsANewCaseWithItsTimelineAndAnEvent) {
  CaseView v = Created(Request());
  EXPECT_EQ(v.the_case.state, CaseState::kNew);
  EXPECT_EQ(v.the_case.version, 1);
  EXPECT_EQ(v.the_case.created_by, "zoe");
  ASSERT_EQ(v.timeline.size(), 1u);
  EXPECT_EQ(v.timeline[0].kind, TimelineKind::kCreated);
  ASSERT_TRUE(v.due_at.has_value()) << "an untriaged request has a triage target";
  ASSERT_EQ(events_.seen.size(), 1u);
  EXPECT_EQ(events_.seen[0].case_now.id, v.the_case.id);
  EXPECT_GT(events_.seen[0].version, 0);
}

TEST_F(CaseServiceTest, ARequestTriagedByTheRequesterStartsTriaged) {
  NewCase in = Request();
  in.urgency = Urgency::kU2;
  in.complaint = "chest-pain";
  CaseView v = Created(in);
  EXPECT_EQ(v.the_case.state, CaseState::kTriaged);
  ASSERT_EQ(v.triages.size(), 1u);
  EXPECT_EQ(v.triages[0].urgency, Urgency::kU2);
}

TEST_F(CaseServiceTest, ChangesNeedTheCurrentVersion) {
  CaseView v = Created(Request());
  TriageInput t;
  t.urgency = Urgency::kU3;
  t.complaint = "catheter-problem";
  EXPECT_EQ(service_->Triage(kZcc, v.the_case.id, std::nullopt, t).status().code(), Code::kPreconditionRequired);
  EXPECT_EQ(service_->Triage(kZcc, v.the_case.id, v.the_case.version + 1, t).status().code(),
            Code::kPreconditionFailed);
  auto first = service_->Triage(kZcc, v.the_case.id, v.the_case.version, t);
  ASSERT_TRUE(first.ok());
  // The second coordinator still holds version 1.
  EXPECT_EQ(service_->Triage(kZcc, v.the_case.id, v.the_case.version, t).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(first->the_case.version, v.the_case.version + 1);
}

TEST_F(CaseServiceTest, IllegalStepsAreConflictsAndStoreNothing) {
  CaseView v = Created(Request());
  auto closed = service_->Close(kZcc, v.the_case.id, v.the_case.version, Outcome::kHelpedByZcc, "");
  EXPECT_EQ(closed.status().code(), Code::kConflict);
  EXPECT_NE(closed.status().message().find("triage"), std::string::npos) << closed.status().message();
  auto again = service_->Get(kZcc, v.the_case.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->the_case.version, v.the_case.version);
}

TEST_F(CaseServiceTest, RetriageKeepsTheHistory) {
  CaseView v = Triaged(Urgency::kU4);
  TriageInput t;
  t.urgency = Urgency::kU2;
  t.complaint = "catheter-problem";
  t.note = "now feverish";
  auto r = service_->Triage(kZcc, v.the_case.id, v.the_case.version, t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->triages.size(), 2u);
  EXPECT_EQ(r->triages[0].urgency, Urgency::kU4);
  EXPECT_EQ(r->triages[1].urgency, Urgency::kU2);
  EXPECT_EQ(r->the_case.urgency, Urgency::kU2);
}

TEST_F(CaseServiceTest, HandoverAcceptedByThePartnerThenClosed) {
  CaseView v = HandedOver(Triaged());
  EXPECT_EQ(v.the_case.state, CaseState::kHandedOver);
  ASSERT_EQ(v.handovers.size(), 1u);
  const Handover& h = v.handovers[0];
  EXPECT_EQ(h.state, HandoverState::kRequested);

  auto inbox = service_->Inbox(kVvtUser, "", false);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ((*inbox)[0].handover.id, h.id);

  EXPECT_EQ(service_->Accept(kHospitalUser, h.id, h.version, "").status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Accept(kVvtUser, h.id, std::nullopt, "").status().code(), Code::kPreconditionRequired);
  auto accepted = service_->Accept(kVvtUser, h.id, h.version, "we go at 22:00");
  ASSERT_TRUE(accepted.ok()) << accepted.status().message();
  EXPECT_EQ(accepted->handover.state, HandoverState::kAccepted);
  EXPECT_EQ(accepted->the_case.state, CaseState::kAccepted);
  EXPECT_EQ(accepted->handover.answered_by, "vera");

  auto closed = service_->Close(kZcc, v.the_case.id, accepted->the_case.version, Outcome::kCarePrevented, "nurse came");
  ASSERT_TRUE(closed.ok()) << closed.status().message();
  EXPECT_EQ(closed->the_case.state, CaseState::kClosed);
  ASSERT_EQ(closed->handovers.size(), 1u);
  EXPECT_EQ(closed->handovers[0].state, HandoverState::kCompleted);
  EXPECT_TRUE(closed->the_case.closed_at.has_value());
}

TEST_F(CaseServiceTest, ADeclineReturnsTheCaseToTheZccAndNeedsAReason) {
  CaseView v = HandedOver(Triaged());
  const Handover& h = v.handovers[0];
  EXPECT_EQ(service_->Decline(kVvtUser, h.id, h.version, "").status().code(), Code::kInvalid);
  auto declined = service_->Decline(kVvtUser, h.id, h.version, "no nurse free before 06:00");
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->the_case.state, CaseState::kDeclined);
  EXPECT_EQ(declined->handover.state, HandoverState::kRejected);
  EXPECT_EQ(declined->handover.reason, "no nurse free before 06:00");
  // Re-routed to another partner from the declined state.
  CaseView again = HandedOver(*service_->Get(kZcc, v.the_case.id), "R-H1");
  EXPECT_EQ(again.the_case.state, CaseState::kHandedOver);
  EXPECT_EQ(again.handovers.size(), 2u);
}

TEST_F(CaseServiceTest, HandingOverAgainCancelsTheLiveHandover) {
  CaseView v = HandedOver(Triaged());
  CaseView rerouted = HandedOver(v, "R-H1");
  ASSERT_EQ(rerouted.handovers.size(), 2u);
  EXPECT_EQ(rerouted.handovers[0].state, HandoverState::kCancelled);
  EXPECT_EQ(rerouted.handovers[1].state, HandoverState::kRequested);
  EXPECT_EQ(service_->Accept(kVvtUser, rerouted.handovers[0].id, rerouted.handovers[0].version, "").status().code(),
            Code::kConflict);
}

TEST_F(CaseServiceTest, OnlyTheZccAndTheAddresseeSeeACase) {
  CaseView v = HandedOver(Triaged());
  EXPECT_TRUE(service_->Get(kVvtUser, v.the_case.id).ok());
  EXPECT_EQ(service_->Get(kHospitalUser, v.the_case.id).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Get(kViewer, v.the_case.id).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Worklist(kViewer, {}).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Worklist(kVvtUser, {}).status().code(), Code::kForbidden);
}

TEST_F(CaseServiceTest, TheWorklistIsInUrgencyOrderAndClosedCasesApart) {
  CaseView u3 = Triaged(Urgency::kU3);
  CaseView untriaged = Created(Request("someone fell"));
  CaseView u1 = Triaged(Urgency::kU1);
  auto list = service_->Worklist(kZcc, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].the_case.id, u1.the_case.id);
  EXPECT_EQ((*list)[1].the_case.id, untriaged.the_case.id);
  EXPECT_EQ((*list)[2].the_case.id, u3.the_case.id);
  EXPECT_TRUE((*list)[0].overdue) << "U1 belongs with 112 at once";

  ASSERT_TRUE(service_->Close(kZcc, u3.the_case.id, u3.the_case.version, Outcome::kReferred, "").ok());
  WorklistQuery closed;
  closed.states = CaseQuery::States::kClosed;
  auto done = service_->Worklist(kZcc, closed);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ((*done)[0].the_case.id, u3.the_case.id);
}

TEST_F(CaseServiceTest, PatientDataIsSealedReadByThoseInvolvedAndEveryAccessLogged) {
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kTreatmentRelationship;
  CaseView v = Created(in);
  ASSERT_TRUE(v.the_case.has_patient);
  auto sealed = store_->CasePatient(v.the_case.id);
  ASSERT_TRUE(sealed.ok() && sealed->has_value());
  EXPECT_EQ((*sealed)->sealed.find("Jansen"), std::string::npos);
  EXPECT_EQ((*sealed)->bsn_hash.find("111222333"), std::string::npos);

  auto read = service_->ReadPatient(kZcc, v.the_case.id, "worklist");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, APatient());

  // Not handed over to the VVT yet; the viewer never.
  EXPECT_EQ(service_->ReadPatient(kVvtUser, v.the_case.id, "inbox").status().code(), Code::kForbidden);
  EXPECT_EQ(service_->ReadPatient(kViewer, v.the_case.id, "").status().code(), Code::kForbidden);
  TriageInput t;
  t.urgency = Urgency::kU3;
  t.complaint = "catheter-problem";
  auto triaged = service_->Triage(kZcc, v.the_case.id, v.the_case.version, t);
  ASSERT_TRUE(triaged.ok());
  HandedOver(*triaged);
  EXPECT_TRUE(service_->ReadPatient(kVvtUser, v.the_case.id, "handover").ok());
  EXPECT_EQ(service_->ReadPatient(kHospitalUser, v.the_case.id, "").status().code(), Code::kForbidden);

  std::vector<PatientAccess> log = AccessOfCase(v.the_case.id);
  int ok = 0, denied = 0;
  for (const auto& a : log) {
    EXPECT_FALSE(a.bsn_hash.empty()) << a.action;
    (a.outcome == "ok" ? ok : denied) += 1;
  }
  EXPECT_EQ(ok, 3) << "intake write, the coordinator's read, the partner's read";
  EXPECT_EQ(denied, 3);
}

TEST_F(CaseServiceTest, AnAdminReadsPatientDataOnlyThroughBreakGlass) {
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kVitalInterest;
  CaseView v = Created(in);
  EXPECT_EQ(service_->ReadPatient(kAdmin, v.the_case.id, "").status().code(), Code::kForbidden);
  EXPECT_EQ(service_->BreakGlass(kAdmin, v.the_case.id, "").status().code(), Code::kInvalid);
  EXPECT_EQ(service_->BreakGlass(kZcc, v.the_case.id, "curious").status().code(), Code::kForbidden);
  auto grant = service_->BreakGlass(kAdmin, v.the_case.id, "patient unconscious, coordinator unreachable");
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  EXPECT_EQ(grant->expires_at - grant->granted_at, CaseService::kBreakGlassFor);
  EXPECT_TRUE(service_->ReadPatient(kAdmin, v.the_case.id, "emergency").ok());
  auto log = AccessOfCase(v.the_case.id);
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(log.front().break_glass) << "the newest line: the break-glass read";
  auto review = store_->UnreviewedBreakGlass(10);
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->size(), 1u);
}

TEST_F(CaseServiceTest, ABadBsnIsRefusedWithoutEchoingIt) {
  NewCase in = Request();
  in.patient = APatient();
  in.patient->bsn = "123456789";  // fails the 11-proef
  in.legal_basis = LegalBasis::kConsent;
  auto v = service_->Create(kZcc, in);
  ASSERT_EQ(v.status().code(), Code::kInvalid);
  ASSERT_FALSE(v.status().errors().empty());
  EXPECT_EQ(v.status().errors()[0].field, "patient.bsn");
  EXPECT_EQ(v.status().errors()[0].message.find("123456789"), std::string::npos);
}

TEST_F(CaseServiceTest, WithoutAPatientKeyPatientDataIsRefusedAndTheRestWorks) {
  CaseService keyless(*store_, *store_, *store_, events_, Complaints(), nullptr);
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kConsent;
  auto refused = keyless.Create(kZcc, in);
  ASSERT_EQ(refused.status().code(), Code::kInvalid);
  EXPECT_EQ(refused.status().errors().back().field, "patient");
  EXPECT_TRUE(keyless.Create(kZcc, Request()).ok());
}

TEST_F(CaseServiceTest, ANewRequestForAPatientWithAnOpenCaseJoinsIt) {
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kConsent;
  CaseView first = Created(in);
  in.summary = "daughter calls again: still blocked";
  CaseView second = Created(in);
  EXPECT_TRUE(second.linked);
  EXPECT_EQ(second.the_case.id, first.the_case.id);
  EXPECT_EQ(second.timeline.size(), 2u);
  auto list = service_->Worklist(kZcc, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u) << "not duplicated";
}

TEST_F(CaseServiceTest, AnotherRequestWithin72HoursIsARepeatContact) {
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kConsent;
  in.urgency = Urgency::kU4;
  in.complaint = "catheter-problem";
  CaseView first = Created(in);
  ASSERT_TRUE(service_->Close(kZcc, first.the_case.id, first.the_case.version, Outcome::kSelfCareAdvice, "").ok());
  CaseView second = Created(in);
  EXPECT_FALSE(second.linked);
  EXPECT_NE(second.the_case.id, first.the_case.id);
  EXPECT_TRUE(second.the_case.repeat_contact);
  EXPECT_FALSE(first.the_case.repeat_contact);
}

TEST_F(CaseServiceTest, AnUnansweredHandoverEscalatesOncePerWindow) {
  CaseView v = HandedOver(Triaged(Urgency::kU3));  // 15 minutes to answer
  const Time due = v.handovers[0].due_at;
  auto none = service_->EscalateDue(due - std::chrono::seconds(1));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  auto one = service_->EscalateDue(due + std::chrono::seconds(1));
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(*one, 1u);
  EXPECT_EQ(*service_->EscalateDue(due + std::chrono::seconds(2)), 0u) << "not again within the window";
  auto after = service_->Get(kZcc, v.the_case.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->handovers[0].escalations, 1);
  EXPECT_EQ(after->timeline.back().kind, TimelineKind::kEscalated);
  EXPECT_EQ(events_.seen.back().kind, TimelineKind::kEscalated);
  // The partner still answers, on the handover's new version.
  EXPECT_TRUE(service_->Accept(kVvtUser, after->handovers[0].id, after->handovers[0].version, "").ok());
}

TEST_F(CaseServiceTest, EventsCarryNoPatientDataAndTakeIncreasingVersions) {
  NewCase in = Request();
  in.patient = APatient();
  in.legal_basis = LegalBasis::kConsent;
  CaseView v = Created(in);
  TriageInput t;
  t.urgency = Urgency::kU3;
  t.complaint = "catheter-problem";
  ASSERT_TRUE(service_->Triage(kZcc, v.the_case.id, v.the_case.version, t).ok());
  HandedOver(*service_->Get(kZcc, v.the_case.id));
  ASSERT_EQ(events_.seen.size(), 3u);
  for (size_t i = 1; i < events_.seen.size(); ++i) EXPECT_GT(events_.seen[i].version, events_.seen[i - 1].version);
  ASSERT_TRUE(events_.seen.back().handover.has_value());
  EXPECT_TRUE(events_.seen.back().handover->sbar.situation.empty());
  auto since = store_->CaseEventsSince("R", 0, 100);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->size(), 3u);
}

}  // namespace
}  // namespace ozcc::service
