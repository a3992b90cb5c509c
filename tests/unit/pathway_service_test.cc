// The pathway service on an in-memory store: seeding the shipped set at start
// (validated against the complaints, once, never over an edit), new versions
// with If-Match, who may change them, and the distance the proposal sorts by.
#include "service/pathway_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "api/pathway_seed.h"
#include "store/store.h"

namespace ozcc::service {
namespace {

class NoEvents final : public CaseListener {
 public:
  void CaseChanged(const CaseEvent&) override {}
};

Caller As(Role role, std::string name, std::string region = "R") {
  return {Principal{PrincipalKind::kUser, std::move(name), role, "", std::move(region)}, "req-1", ""};
}

std::vector<Complaint> Complaints() { return {{"catheter-problem", "Katheterprobleem", "Catheter problem", {}}}; }

Pathway Catheter() {
  Pathway p;
  p.id = "catheter-care";
  p.name = {"Katheterzorg", "Catheter care"};
  p.complaints = {"catheter-problem"};
  p.urgency = {Urgency::kU3, Urgency::kU4};
  p.actions = {
      PathwayAction{"acute-district-nursing", OrgType::kVvt, std::nullopt, {"Wijkverpleging", "District nursing"}, ""}};
  p.source = "test";
  return p;
}

class PathwayServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    cases_ = std::make_unique<CaseService>(*store_, *store_, *store_, events_, Complaints(), nullptr);
    service_ = std::make_unique<PathwayService>(*store_, *store_, *store_, *store_, *store_, *cases_, Complaints(),
                                                api::PathwayJsonCodec());
  }
  std::unique_ptr<Store> store_;
  NoEvents events_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<PathwayService> service_;
};

TEST_F(PathwayServiceTest, ABrokenShippedSetNamesTheFieldAndStoresNothing) {
  Pathway broken = Catheter();
  broken.complaints = {"not-a-complaint"};
  auto r = service_->SeedShipped({Catheter(), broken});
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  bool named = false;
  const Status st = r.status();
  for (const auto& e : st.errors()) named |= e.field == "pathways[1].complaints[0]" || e.field == "pathways[1].id";
  EXPECT_TRUE(named) << r.status().message();
  EXPECT_TRUE(store_->CurrentPathways()->empty());
}

TEST_F(PathwayServiceTest, SeedsOnceAndNeverOverAnEdit) {
  ASSERT_EQ(*service_->SeedShipped({Catheter()}), 1u);
  EXPECT_EQ(*service_->SeedShipped({Catheter()}), 0u);
  Pathway edit = Catheter();
  edit.name.nl = "Katheterzorg (regio)";
  const Caller admin = As(Role::kAdmin, "ada", "");
  EXPECT_EQ(service_->Put(admin, "catheter-care", std::nullopt, edit).status().code(), Code::kPreconditionRequired);
  EXPECT_EQ(service_->Put(admin, "catheter-care", 2, edit).status().code(), Code::kPreconditionFailed);
  auto put = service_->Put(admin, "catheter-care", 1, edit);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->stored.pathway.version, 2);
  EXPECT_FALSE(put->created);
  EXPECT_EQ(*service_->SeedShipped({Catheter()}), 0u);
  auto current = service_->Get(As(Role::kViewer, "vic"), "catheter-care", std::nullopt);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->pathway.name.nl, "Katheterzorg (regio)");
  EXPECT_EQ(service_->Get(As(Role::kViewer, "vic"), "catheter-care", 1)->created_by, "shipped");
  // Only an admin changes pathways; a feed token or privacy officer does not even read them.
  EXPECT_EQ(service_->Put(As(Role::kZccCoordinator, "zoe"), "catheter-care", 2, edit).status().code(),
            Code::kForbidden);
  EXPECT_EQ(service_->List(As(Role::kPrivacyOfficer, "pim")).status().code(), Code::kForbidden);
  // The body's id must be the path's.
  EXPECT_EQ(service_->Put(admin, "falls", std::nullopt, edit).status().code(), Code::kInvalid);
}

TEST(ShippedPathways, ABrokenFileIsNamedWithItsField) {
  const std::string good = R"({"id":"catheter-care","version":1,"name":{"nl":"K","en":"C"},
    "complaints":["catheter-problem"],"urgency":{"from":"U3","to":"U4"},
    "actions":[{"code":"md-consult","description":{"nl":"x","en":"x"}}],"source":"test"})";
  std::string bad = good;
  bad.replace(bad.find("\"U4\""), 4, "\"U9\"");
  auto ok = api::ParsePathwayFiles({{"catheter-care.json", good}}, Complaints());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->size(), 1u);
  auto broken = api::ParsePathwayFiles({{"catheter-care.json", bad}}, Complaints());
  ASSERT_EQ(broken.status().code(), Code::kInvalid);
  EXPECT_NE(broken.status().message().find("catheter-care.json: urgency.to"), std::string::npos)
      << broken.status().message();
  auto misnamed = api::ParsePathwayFiles({{"falls.json", good}}, Complaints());
  ASSERT_EQ(misnamed.status().code(), Code::kInvalid);
  EXPECT_NE(misnamed.status().message().find("falls.json: id"), std::string::npos);
  // The embedded set itself is valid against the shipped complaints (the server's start).
  EXPECT_EQ(api::ShippedPathwayFiles().size(), 27u);
}

TEST(DistanceKm, GreatCircle) {
  EXPECT_NEAR(DistanceKm(51.9, 4.47, 51.9, 4.47), 0.0, 1e-9);
  // Rotterdam – Goes, about 61 km as the crow flies.
  EXPECT_NEAR(DistanceKm(51.9225, 4.4792, 51.5045, 3.8885), 61.5, 1.5);
  EXPECT_NEAR(DistanceKm(0, 0, 0, 1), 111.19, 0.05);
}

}  // namespace
}  // namespace ozcc::service
