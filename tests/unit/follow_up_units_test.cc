// The copy of a region's follow-up units that placement matching keeps
// between requests, on an in-memory store: after any sequence of reports
// (late ones with an earlier as_of, reports of other units, more than one
// catch-up can fold) and imports, what it gives equals what a fresh read of
// the store gives; an import is seen at once; an unknown region is kNotFound.
#include "service/follow_up_units.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/time.h"
#include "store/store.h"

namespace ozcc::service {
namespace {

const Time kT0 = FromUnixMillis(1'790'000'000'000);

// A hospital ward and `n` care-home crisis units.
RegionData Region(int n, const std::string& name_suffix = "") {
  RegionData d;
  d.region = ozcc::Region{"R", "Region R", {{"R-A", "Sub A"}}};
  d.organizations = {Organization{"R-H1", "R", "R-A", "Hospital", OrgType::kHospital, "test"},
                     Organization{"R-V1", "R", "R-A", "Care home", OrgType::kVvt, "test"}};
  d.locations = {Location{"R-L1", "R-H1", "Site", "Street 1", "Town", 52.0, 4.0},
                 Location{"R-L2", "R-V1", "Home", "Lane 2", "Town", 51.5, 4.5}};
  d.units = {Unit{"R-ward", "R-H1", "R-L1", UnitType::kWard, "interne", "Interne", 600}};
  for (int i = 0; i < n; ++i) {
    d.units.push_back(Unit{"R-c" + std::to_string(i), "R-V1", "R-L2", UnitType::kVvtCrisis, "",
                           "Crisis " + std::to_string(i) + name_suffix, 600});
  }
  return d;
}

CapacityReport Report(const std::string& unit, Time as_of, std::int64_t available) {
  CapacityReport r;
  r.unit_id = unit;
  r.as_of = as_of;
  r.source = ReportSource::kFeed;
  r.beds = Beds{10, 10, 10 - available, available};
  r.reported_by = "token:feed";
  return r;
}

class FollowUpUnitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->ImportRegion(Region(kUnits), AuditRecord{}).ok());
  }
  void Write(std::vector<CapacityReport> reports) {
    CapacityWrite w;
    w.reports = std::move(reports);
    ASSERT_TRUE(store_->WriteCapacity(std::move(w)).ok());
  }
  // The kept copy equals one read afresh from the store.
  void ExpectAsFresh(FollowUpUnits& kept, const std::string& when) {
    auto got = kept.Get("R");
    ASSERT_TRUE(got.ok()) << got.status().message();
    FollowUpUnits fresh_reader(*store_, *store_);
    auto fresh = fresh_reader.Get("R");
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ((*got)->units.size(), (*fresh)->units.size()) << when;
    for (size_t i = 0; i < (*got)->units.size(); ++i) {
      const MatchCandidate& a = (*got)->units[i];
      const MatchCandidate& b = (*fresh)->units[i];
      EXPECT_EQ(a.unit.id, b.unit.id) << when;
      EXPECT_EQ(a.unit.name, b.unit.name) << when;
      EXPECT_EQ(a.beds, b.beds) << when << ": " << a.unit.id;
      EXPECT_EQ((*got)->latest[i].has_value(), (*fresh)->latest[i].has_value()) << when;
      if ((*got)->latest[i] && (*fresh)->latest[i]) {
        EXPECT_EQ((*got)->latest[i]->as_of, (*fresh)->latest[i]->as_of) << when;
        EXPECT_EQ((*got)->latest[i]->version, (*fresh)->latest[i]->version) << when;
      }
    }
  }
  static constexpr int kUnits = 12;
  std::unique_ptr<Store> store_;
};

TEST_F(FollowUpUnitsTest, OnlyFollowUpUnitsWithTheirOrganisationAndPlace) {
  FollowUpUnits kept(*store_, *store_);
  auto got = kept.Get("R");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ((*got)->units.size(), static_cast<size_t>(kUnits)) << "the ward is no follow-up unit";
  EXPECT_EQ((*got)->units[0].organization_name, "Care home");
  EXPECT_DOUBLE_EQ((*got)->units[0].lat, 51.5);
  EXPECT_FALSE((*got)->units[0].beds.has_value()) << "never reported";
  EXPECT_EQ(kept.Get("NOPE").status().code(), Code::kNotFound);
}

TEST_F(FollowUpUnitsTest, EqualsAFreshReadAfterAnySequenceOfReportsAndImports) {
  FollowUpUnits kept(*store_, *store_);
  ExpectAsFresh(kept, "at first");
  std::mt19937 rng(2026);
  for (int step = 0; step < 40; ++step) {
    std::vector<CapacityReport> batch;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < n; ++j) {
      const int u = static_cast<int>(rng() % (kUnits + 1));
      const std::string unit = u == kUnits ? "R-ward" : "R-c" + std::to_string(u);
      // As_of anywhere in an hour around the step: some reports arrive late.
      batch.push_back(Report(unit, kT0 + std::chrono::minutes(step * 5 + static_cast<int>(rng() % 60) - 30),
                             static_cast<std::int64_t>(rng() % 8)));
    }
    Write(batch);
    if (step % 7 == 3) {
      ASSERT_TRUE(store_->ImportRegion(Region(kUnits, " v" + std::to_string(step)), AuditRecord{}).ok());
    }
    ExpectAsFresh(kept, "after step " + std::to_string(step));
  }
}

TEST_F(FollowUpUnitsTest, MoreReportsThanOneCatchUpFoldsAreReadAfresh) {
  FollowUpUnits kept(*store_, *store_);
  ExpectAsFresh(kept, "at first");
  std::vector<CapacityReport> many;
  for (int i = 0; i < 1500; ++i) {
    many.push_back(Report("R-c" + std::to_string(i % kUnits), kT0 + std::chrono::seconds(i), i % 7));
  }
  Write(many);
  ExpectAsFresh(kept, "after 1500 reports");
  auto got = kept.Get("R");
  ASSERT_TRUE(got.ok());
  int last = 0;  // of unit 3's reports
  for (int i = 0; i < 1500; ++i) last = i % kUnits == 3 ? i : last;
  EXPECT_EQ((*got)->units[3].beds->available, last % 7);
}

TEST_F(FollowUpUnitsTest, AGetKeepsThePictureItGotWhileNewReportsArrive) {
  FollowUpUnits kept(*store_, *store_);
  auto before = kept.Get("R");
  ASSERT_TRUE(before.ok());
  Write({Report("R-c0", kT0, 5)});
  auto after = kept.Get("R");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE((*before)->units[0].beds.has_value()) << "a picture handed out is never changed";
  EXPECT_EQ((*after)->units[0].beds->available, 5);
  Write({Report("R-ward", kT0, 3)});
  auto same = kept.Get("R");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->get(), after->get()) << "a report of another unit makes no new picture";
}

}  // namespace
}  // namespace ozcc::service
