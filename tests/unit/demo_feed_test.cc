// The simulated feed produces reports the API itself would accept, for every
// unit of the shipped regions at every hour, and leaves some units silent.
#include "app/demo_feed.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api/json/region_json.h"
#include "core/validate.h"
#include "support/external.h"

namespace ozcc::app {
namespace {

RegionData Load(const char* name) {
  std::ifstream in(test::SourceDir() / "data" / "regions" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto d = api::ParseRegionJson(ss.str());
  EXPECT_TRUE(d.ok());
  return d.ok() ? *d : RegionData{};
}

TEST(DemoFeed, EverySimulatedReportIsValid) {
  for (const char* file : {"zwn.json", "demo-small.json"}) {
    RegionData d = Load(file);
    ASSERT_FALSE(d.units.empty());
    int silent = 0, seh_states[3] = {0, 0, 0};
    for (const auto& u : d.units) {
      if (DemoFeed::IsSilent(u.id)) ++silent;
      UnitView v;
      v.unit = u;
      for (int hour = 0; hour < 24; ++hour) {
        Time t = *ParseRfc3339("2026-11-26T00:00:00Z") + std::chrono::hours(hour) + std::chrono::seconds(17 * hour);
        CapacityInput in = DemoFeed::Simulate(v, t, 1234);
        auto errs = ValidateCapacity(in, u.type, t);
        EXPECT_TRUE(errs.empty()) << u.id << " at hour " << hour << ": " << errs.front().field << " "
                                  << errs.front().message;
        EXPECT_EQ(in.beds.has_value(), UnitHasBeds(u.type)) << u.id;
        EXPECT_EQ(in.ed.has_value(), UnitHasEd(u.type)) << u.id;
        if (u.type == UnitType::kSeh) seh_states[static_cast<int>(in.ed->status)]++;
      }
    }
    EXPECT_LT(silent, static_cast<int>(d.units.size()) / 4) << file;
    if (std::string(file) == "zwn.json") {
      EXPECT_GT(silent, 2) << "the stale display needs silent units";
      EXPECT_GT(seh_states[0], seh_states[1]) << "mostly open over a day";
      EXPECT_GT(seh_states[1], 0) << "some threatened";
    }
  }
}

TEST(DemoFeed, DeterministicForSeedUnitAndTime) {
  UnitView v;
  v.unit = {"x-ic", "x", "x-loc", UnitType::kIc, "", "IC", 900};
  Time t = *ParseRfc3339("2026-11-26T12:00:00Z");
  EXPECT_EQ(DemoFeed::Simulate(v, t, 1).beds, DemoFeed::Simulate(v, t, 1).beds);
}

}  // namespace
}  // namespace ozcc::app
