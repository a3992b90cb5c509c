// Spreading plans' use cases on an in-memory store: the instance built from
// the region tree and the live capacity (stale units left out and listed),
// pins and forbids checked against the plan, approval making the transfers
// in one write and only once, If-Match (428/412), who may do what, and the
// live events.
#include "service/spreading_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "api/json/spreading_plan_json.h"
#include "store/store.h"

namespace ozcc::service {
namespace {

namespace sp = engine::spreading;

class Events final : public SpreadingListener, public TransferListener {
 public:
  void SpreadingChanged(const SpreadingChange& c) override { plans.push_back(c); }
  void TransferChanged(const TransferChange& c) override { transfers.push_back(c); }
  std::vector<SpreadingChange> plans;
  std::vector<TransferChange> transfers;
};

Caller As(Role role, std::string name, std::string org = "", std::string region = "R") {
  return {Principal{PrincipalKind::kUser, std::move(name), role, std::move(org), std::move(region)}, "req-1", ""};
}

const Caller kZcc = As(Role::kZccCoordinator, "zoe");
const Caller kRoaz = As(Role::kRoazCoordinator, "rob");
const Caller kViewer = As(Role::kViewer, "victor");
const Caller kHospitalUser = As(Role::kOrgUser, "harry", "R-H1");
const Caller kOtherZcc = As(Role::kZccCoordinator, "olga", "", "S");
const Caller kAdmin = As(Role::kAdmin, "ada", "", "");

// Region R: three hospitals on a line eastwards (H1 the sender, H2 near,
// H3 far) and a care home; region S: one hospital next to H1.
RegionData RegionR() {
  RegionData d;
  d.region = ozcc::Region{"R", "Region R", {{"R-A", "Sub A"}}};
  d.organizations = {Organization{"R-H1", "R", "R-A", "Sender", OrgType::kHospital, "test"},
                     Organization{"R-H2", "R", "R-A", "Near", OrgType::kHospital, "test", true},
                     Organization{"R-H3", "R", "R-A", "Far", OrgType::kHospital, "test"},
                     Organization{"R-V1", "R", "R-A", "Care home", OrgType::kVvt, "test"}};
  d.locations = {Location{"R-L1", "R-H1", "Site", "Street 1", "Town", 52.0, 4.0},
                 Location{"R-L2", "R-H2", "Site", "Street 2", "Town", 52.0, 4.2},
                 Location{"R-L3", "R-H3", "Site", "Street 3", "Town", 52.0, 5.0},
                 Location{"R-L4", "R-V1", "Home", "Lane 4", "Town", 52.0, 4.1}};
  d.units = {Unit{"R-H1-ic", "R-H1", "R-L1", UnitType::kIc, "", "IC", 600},
             Unit{"R-H1-w", "R-H1", "R-L1", UnitType::kWard, "interne", "Interne", 600},
             Unit{"R-H2-ic", "R-H2", "R-L2", UnitType::kIc, "", "IC", 600},
             Unit{"R-H2-ic2", "R-H2", "R-L2", UnitType::kIc, "", "IC 2", 600},
             Unit{"R-H2-w", "R-H2", "R-L2", UnitType::kWard, "interne", "Interne", 600},
             Unit{"R-H2-w2", "R-H2", "R-L2", UnitType::kWard, "chirurgie", "Chirurgie", 600},
             Unit{"R-H3-ic", "R-H3", "R-L3", UnitType::kIc, "", "IC", 600},
             Unit{"R-V1-c", "R-V1", "R-L4", UnitType::kVvtCrisis, "", "Crisis", 600}};
  return d;
}

RegionData RegionS() {
  RegionData d;
  d.region = ozcc::Region{"S", "Region S", {{"S-A", "Sub A"}}};
  d.organizations = {Organization{"S-H1", "S", "S-A", "Neighbour", OrgType::kHospital, "test"}};
  d.locations = {Location{"S-L1", "S-H1", "Site", "Street 9", "Town", 52.0, 4.01}};
  d.units = {Unit{"S-H1-ic", "S-H1", "S-L1", UnitType::kIc, "", "IC", 600}};
  return d;
}

class SpreadingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->ImportRegion(RegionR(), ToolAudit("test", "region.import", "R")).ok());
    ASSERT_TRUE(store_->ImportRegion(RegionS(), ToolAudit("test", "region.import", "S")).ok());
    service_ = std::make_unique<SpreadingService>(*store_, *store_, *store_, *store_, *store_, events_, events_,
                                                  api::SpreadingJsonCodec());
    const Time now = Now();
    Report("R-H1-ic", 10, 10, now);  // the sender is full
    Report("R-H1-w", 20, 20, now);
    Report("R-H2-ic", 10, 6, now);
    Report("R-H2-ic2", 8, 0, now - std::chrono::hours(3));  // stale: 3 h > 2 × 10 min
    Report("R-H2-w", 20, 15, now);
    Report("R-H2-w2", 20, 10, now);
    Report("R-H3-ic", 10, 2, now - h3_age_);
    Report("S-H1-ic", 10, 0, now);
  }

  void Report(const std::string& unit, std::int64_t staffed, std::int64_t occupied, Time as_of) {
    CapacityReport r;
    r.unit_id = unit;
    r.as_of = as_of;
    r.beds = Beds{staffed, staffed, occupied, staffed - occupied};
    CapacityWrite w;
    w.reports = {r};
    auto st = store_->WriteCapacity(w);
    ASSERT_TRUE(st.ok()) << st.status().message();
  }

  static SpreadingRequest Request(int ic_patients, int ward_patients = 0) {
    SpreadingRequest in;
    for (int i = 0; i < ic_patients + ward_patients; ++i) {
      SpreadPatient p;
      p.id = "P" + std::to_string(i + 1);
      p.from_organization = "R-H1";
      p.from_unit = i < ic_patients ? "R-H1-ic" : "R-H1-w";
      p.needs = i < ic_patients ? sp::CareType::kIc : sp::CareType::kWard;
      p.label = "IC-patiënt";
      in.patients.push_back(p);
    }
    return in;
  }

  SpreadingPlanView Proposed(SpreadingRequest in) {
    auto v = service_->Propose(kZcc, std::move(in));
    EXPECT_TRUE(v.ok()) << v.status().message();
    return v.ok() ? *v : SpreadingPlanView{};
  }

  const SpreadHospital* HospitalOf(const SpreadingPlanView& v, size_t patient) {
    int h = v.doc.plan.assignments.at(patient).hospital;
    return h < 0 ? nullptr : &v.doc.hospitals.at(static_cast<size_t>(h));
  }

  std::chrono::hours h3_age_{0};  // of H3's IC report
  std::unique_ptr<Store> store_;
  Events events_;
  std::unique_ptr<SpreadingService> service_;
};

bool HasField(const Status& st, const std::string& field) {
  for (const auto& e : st.errors()) {
    if (e.field == field) return true;
  }
  return false;
}

TEST_F(SpreadingServiceTest, ProposeBuildsTheInstanceFromLiveCapacityAndListsStaleUnits) {
  SpreadingPlanView v = Proposed(Request(2, 1));
  EXPECT_EQ(v.record.state, "proposed");
  EXPECT_EQ(v.record.version, 1);
  EXPECT_EQ(v.record.owner_region, "R");
  EXPECT_EQ(v.record.regions, (std::vector<std::string>{"R"}));
  EXPECT_EQ(v.record.created_by, "zoe");
  ASSERT_EQ(v.doc.hospitals.size(), 3u) << "hospitals only, of the caller's region";
  const sp::Hospital& h2 = v.doc.hospitals[1].hospital;
  EXPECT_EQ(h2.id, "R-H2");
  EXPECT_TRUE(h2.regional_function);
  EXPECT_DOUBLE_EQ(h2.lon, 4.2);
  const sp::CareCapacity& ic = h2.capacity[static_cast<size_t>(sp::CareType::kIc)];
  EXPECT_TRUE(ic.present);
  EXPECT_FALSE(ic.stale);
  EXPECT_EQ(ic.staffed, 10) << "the stale IC 2 unit's 8 places never count";
  EXPECT_EQ(ic.occupied, 6);
  const sp::CareCapacity& ward = h2.capacity[static_cast<size_t>(sp::CareType::kWard)];
  EXPECT_EQ(ward.staffed, 40);
  EXPECT_EQ(ward.occupied, 25);
  EXPECT_FALSE(v.doc.hospitals[2].hospital.capacity[static_cast<size_t>(sp::CareType::kWard)].present);
  ASSERT_EQ(v.doc.left_out_units.size(), 1u);
  EXPECT_EQ(v.doc.left_out_units[0], (LeftOutUnit{"R-H2-ic2", "R-H2", sp::CareType::kIc}));
  // H2 keeps half its IC for the region (regional function): 10 − 6 − 5 < 1
  // open place, so the IC patients go to H3; the ward patient to H2.
  ASSERT_EQ(v.doc.plan.assignments.size(), 3u);
  ASSERT_NE(HospitalOf(v, 0), nullptr);
  EXPECT_EQ(HospitalOf(v, 0)->hospital.id, "R-H3");
  EXPECT_EQ(HospitalOf(v, 1)->hospital.id, "R-H3");
  ASSERT_NE(HospitalOf(v, 2), nullptr);
  EXPECT_EQ(HospitalOf(v, 2)->hospital.id, "R-H2");
  EXPECT_EQ(v.record.placed, 3);
  ASSERT_EQ(events_.plans.size(), 1u);
  EXPECT_EQ(events_.plans[0].plan_id, v.record.id);
  EXPECT_EQ(events_.plans[0].state, "proposed");

  // Read back: the same plan.
  auto got = service_->Get(kViewer, v.record.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->record.version, 1);
  EXPECT_EQ(got->doc.request.patients, v.doc.request.patients);
  EXPECT_DOUBLE_EQ(got->doc.plan.total_cost, v.doc.plan.total_cost);
  EXPECT_EQ(got->doc.left_out_units, v.doc.left_out_units);
  auto list = service_->List(kRoaz, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].patients, 3);
}

class StaleH3Test : public SpreadingServiceTest {
 protected:
  void SetUp() override {
    h3_age_ = std::chrono::hours(5);
    SpreadingServiceTest::SetUp();
  }
};

TEST_F(StaleH3Test, AStaleCareTypeTakesNobody) {
  SpreadingPlanView v = Proposed(Request(1));
  const sp::CareCapacity& ic = v.doc.hospitals[2].hospital.capacity[static_cast<size_t>(sp::CareType::kIc)];
  EXPECT_TRUE(ic.stale);
  EXPECT_EQ(ic.staffed, 0);
  EXPECT_EQ(v.doc.left_out_units.size(), 2u);
  EXPECT_EQ(HospitalOf(v, 0), nullptr) << "no live IC place open anywhere";
  ASSERT_EQ(v.doc.plan.left_out.size(), 1u);
  EXPECT_EQ(v.doc.plan.left_out[0].hospital, 2);
}

TEST_F(SpreadingServiceTest, OwnHospitalIsNeverChosen) {
  Report("R-H1-ic", 10, 2, Now());  // the sender has room, and no travel at all
  SpreadingPlanView v = Proposed(Request(1));
  ASSERT_NE(HospitalOf(v, 0), nullptr);
  EXPECT_EQ(HospitalOf(v, 0)->hospital.id, "R-H3") << "not its own hospital R-H1";
  EXPECT_TRUE(v.doc.request.forbids.empty()) << "the service's forbid is not the coordinator's";
  // Pinning a patient to its own hospital is refused.
  SpreadingRequest in = Request(1);
  in.pins.push_back({"P1", "R-H1"});
  auto st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "pins[0].hospital"));
}

TEST_F(SpreadingServiceTest, APinAndAForbidAreObeyed) {
  Report("R-H2-ic", 20, 6, Now());  // reserve 10: 4 open, and nearer than H3
  SpreadingPlanView free = Proposed(Request(1));
  ASSERT_NE(HospitalOf(free, 0), nullptr);
  EXPECT_EQ(HospitalOf(free, 0)->hospital.id, "R-H2");

  SpreadingRequest pinned = Request(1);
  pinned.pins.push_back({"P1", "R-H3"});
  SpreadingPlanView p = Proposed(pinned);
  ASSERT_NE(HospitalOf(p, 0), nullptr);
  EXPECT_EQ(HospitalOf(p, 0)->hospital.id, "R-H3") << "pinned there";

  SpreadingRequest forbidden = Request(2);
  forbidden.forbids.push_back({"P1", "R-H2"});
  SpreadingPlanView f = Proposed(forbidden);
  ASSERT_NE(HospitalOf(f, 0), nullptr);
  EXPECT_EQ(HospitalOf(f, 0)->hospital.id, "R-H3") << "forbidden the nearer one";
  ASSERT_NE(HospitalOf(f, 1), nullptr);
  EXPECT_EQ(HospitalOf(f, 1)->hospital.id, "R-H2");

  // A pin to a hospital without an open place leaves the patient unplaced;
  // re-solving with the pin removed places it again.
  Report("R-H3-ic", 10, 10, Now());
  auto again = service_->Solve(kZcc, p.record.id, 1, std::nullopt, std::nullopt);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(HospitalOf(*again, 0), nullptr);
  again = service_->Solve(kZcc, p.record.id, 2, std::vector<SpreadConstraint>{}, std::nullopt);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_NE(HospitalOf(*again, 0), nullptr);
  EXPECT_EQ(HospitalOf(*again, 0)->hospital.id, "R-H2");

  // One pin per patient; no forbid of the pinned pair.
  SpreadingRequest twice = Request(1);
  twice.pins = {{"P1", "R-H2"}, {"P1", "R-H3"}};
  twice.forbids = {{"P1", "R-H2"}};
  auto st = service_->Propose(kZcc, twice);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "pins[1].patient"));
  EXPECT_TRUE(HasField(st.status(), "forbids[0]"));
}

TEST_F(SpreadingServiceTest, BadInputNamesTheFieldAndStoresNothing) {
  SpreadingRequest in = Request(2);
  in.patients[1].id = "P1";
  in.patients[0].from_unit = "R-H2-ic";
  in.pins.push_back({"P9", "R-H2"});
  in.forbids.push_back({"P1", "R-V1"});
  in.policy.road_factor = 0.5;
  auto st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "patients[1].id"));
  in.patients[1].id = "P2";
  st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "patients[0].from_unit")) << "a unit of another organisation";
  EXPECT_TRUE(HasField(st.status(), "pins[0].patient"));
  EXPECT_TRUE(HasField(st.status(), "forbids[0].hospital")) << "a care home is no hospital of the plan";
  in.patients[0].from_unit = "R-H1-ic";
  in.pins.clear();
  in.forbids.clear();
  in.pins.push_back({"P1", "R-H9"});
  st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "pins[0].hospital"));
  in.pins.clear();
  st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "policy.road_factor"));
  in.policy.road_factor = 1.3;
  in.regions = {"NOPE"};
  st = service_->Propose(kZcc, in);
  ASSERT_EQ(st.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(st.status(), "regions[0]"));
  EXPECT_EQ(service_->Propose(kZcc, SpreadingRequest{}).status().code(), Code::kBadRequest) << "no patients";
  EXPECT_TRUE(store_->ListSpreadingPlans({"R", {}, 200})->empty());
  EXPECT_TRUE(events_.plans.empty());
}

TEST_F(SpreadingServiceTest, WhoMay) {
  EXPECT_EQ(service_->Propose(kHospitalUser, Request(1)).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Propose(kViewer, Request(1)).status().code(), Code::kForbidden);
  SpreadingPlanView v = Proposed(Request(1));
  EXPECT_EQ(service_->Get(kHospitalUser, v.record.id).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Get(kOtherZcc, v.record.id).status().code(), Code::kForbidden);
  EXPECT_TRUE(service_->Get(kViewer, v.record.id).ok());
  EXPECT_EQ(service_->Approve(kViewer, v.record.id, 1).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Discard(kHospitalUser, v.record.id, 1).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->List(kHospitalUser, {}).status().code(), Code::kForbidden);
  EXPECT_EQ(service_->Get(kZcc, "sp-none").status().code(), Code::kNotFound);
}

TEST_F(SpreadingServiceTest, ChangesNameTheirVersion) {
  SpreadingPlanView v = Proposed(Request(1));
  EXPECT_EQ(service_->Approve(kZcc, v.record.id, std::nullopt).status().code(), Code::kPreconditionRequired);
  EXPECT_EQ(service_->Approve(kZcc, v.record.id, 7).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(service_->Solve(kZcc, v.record.id, std::nullopt, {}, {}).status().code(), Code::kPreconditionRequired);
  EXPECT_EQ(service_->Discard(kZcc, v.record.id, 2).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(store_->GetSpreadingPlan(v.record.id)->version, 1);
}

TEST_F(SpreadingServiceTest, ResolveReadsTheCapacityOfNowAndReplacesTheLists) {
  SpreadingPlanView v = Proposed(Request(1));
  ASSERT_EQ(HospitalOf(v, 0)->hospital.id, "R-H3");
  Report("R-H3-ic", 10, 10, Now());  // H3 filled up meanwhile
  auto again = service_->Solve(kZcc, v.record.id, 1, std::vector<SpreadConstraint>{{"P1", "R-H2"}}, std::nullopt);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->record.version, 2);
  EXPECT_EQ(again->doc.hospitals[2].hospital.capacity[0].occupied, 10);
  EXPECT_EQ(HospitalOf(*again, 0), nullptr) << "no open IC place now";
  EXPECT_EQ(again->doc.request.pins, (std::vector<SpreadConstraint>{{"P1", "R-H2"}}));
  EXPECT_EQ(service_->Get(kZcc, v.record.id)->doc.request.pins.size(), 1u);
  auto bad = service_->Solve(kZcc, v.record.id, 2, std::nullopt, std::vector<SpreadConstraint>{{"P1", "X"}});
  ASSERT_EQ(bad.status().code(), Code::kBadRequest);
  EXPECT_TRUE(HasField(bad.status(), "forbids[0].hospital"));
  EXPECT_EQ(store_->GetSpreadingPlan(v.record.id)->version, 2);
}

TEST_F(SpreadingServiceTest, ApproveMakesTheTransfersOnceInOneWrite) {
  SpreadingRequest in = Request(1, 1);
  in.regions = {"R", "S"};
  // A third patient whose nearest open IC place is across the border.
  SpreadPatient p3 = in.patients[0];
  p3.id = "P3";
  in.patients.push_back(p3);
  in.policy.outside_region_penalty = 0;
  EXPECT_EQ(service_->Propose(kZcc, in).status().code(), Code::kForbidden) << "R's desk may not read S";
  auto proposed = service_->Propose(kAdmin, in);
  ASSERT_TRUE(proposed.ok()) << proposed.status().message();
  SpreadingPlanView v = *proposed;
  EXPECT_EQ(v.record.owner_region, "R") << "an admin's plan is the first region's";
  ASSERT_EQ(v.doc.hospitals.size(), 4u);
  ASSERT_NE(HospitalOf(v, 0), nullptr);
  EXPECT_EQ(HospitalOf(v, 0)->hospital.id, "S-H1");
  events_.plans.clear();
  auto approved = service_->Approve(kRoaz, v.record.id, 1);
  ASSERT_TRUE(approved.ok()) << approved.status().message();
  EXPECT_EQ(approved->record.state, "approved");
  EXPECT_EQ(approved->record.version, 2);
  EXPECT_EQ(approved->doc.approved_by, "rob");
  // P1 and P3 go to S (another region): no transfer; P2 (ward) to H2's unit
  // with the most open live places (chirurgie: 10 open, interne 5).
  ASSERT_EQ(approved->doc.transfers.size(), 1u);
  EXPECT_EQ(approved->doc.transfers[0].patient, "P2");
  EXPECT_EQ(approved->doc.not_transferred,
            (std::vector<NotTransferred>{{"P1", "other_region"}, {"P3", "other_region"}}));
  auto t = store_->GetTransfer(approved->doc.transfers[0].transfer);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->state, TransferState::kRequested);
  EXPECT_EQ(t->from_unit_id, "R-H1-w");
  EXPECT_EQ(t->to_organization_id, "R-H2");
  EXPECT_EQ(t->to_unit_id, "R-H2-w2");
  EXPECT_EQ(t->care_type, UnitType::kWard);
  EXPECT_EQ(t->reason, "Spreiding " + v.record.id);
  ASSERT_EQ(events_.transfers.size(), 1u) << "announced on the transfer stream";
  ASSERT_EQ(events_.plans.size(), 1u);
  EXPECT_GT(events_.plans[0].version, events_.transfers[0].version);
  EXPECT_EQ(events_.plans[0].state, "approved");
  // Once only.
  EXPECT_EQ(service_->Approve(kRoaz, v.record.id, 2).status().code(), Code::kConflict);
  EXPECT_EQ(service_->Discard(kRoaz, v.record.id, 2).status().code(), Code::kConflict);
  EXPECT_EQ(service_->Solve(kRoaz, v.record.id, 2, {}, {}).status().code(), Code::kConflict);
  EXPECT_EQ(store_->ListTransfers({"R", "", TransferQuery::States::kAll, 500})->size(), 1u);
  auto got = service_->Get(kZcc, v.record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->doc.transfers, approved->doc.transfers);
  ASSERT_TRUE(got->doc.approved_at.has_value());
}

TEST_F(SpreadingServiceTest, UnplacedPatientsAreNotTransferredAndDiscardEnds) {
  Report("R-H3-ic", 10, 10, Now());
  SpreadingPlanView v = Proposed(Request(1));
  ASSERT_EQ(HospitalOf(v, 0), nullptr);
  auto approved = service_->Approve(kZcc, v.record.id, 1);
  ASSERT_TRUE(approved.ok()) << approved.status().message();
  EXPECT_TRUE(approved->doc.transfers.empty());
  EXPECT_EQ(approved->doc.not_transferred, (std::vector<NotTransferred>{{"P1", "unplaced"}}));

  SpreadingPlanView w = Proposed(Request(1));
  auto discarded = service_->Discard(kZcc, w.record.id, 1);
  ASSERT_TRUE(discarded.ok()) << discarded.status().message();
  EXPECT_EQ(discarded->record.state, "discarded");
  EXPECT_EQ(service_->Approve(kZcc, w.record.id, 2).status().code(), Code::kConflict);
  auto proposed = service_->List(kZcc, {"R", {"proposed"}, 200});
  ASSERT_TRUE(proposed.ok());
  EXPECT_TRUE(proposed->empty());
  EXPECT_EQ(service_->List(kZcc, {"R", {}, 200})->size(), 2u);
}

}  // namespace
}  // namespace ozcc::service
