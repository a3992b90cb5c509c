// Core rules: time parsing/formatting, staleness, capacity and region validation.
#include <gtest/gtest.h>

#include <limits>

#include "base/time.h"
#include "core/audit.h"
#include "core/stale.h"
#include "core/types.h"
#include "core/validate.h"

namespace ozcc {
namespace {

Time T(const char* s) { return *ParseRfc3339(s); }

TEST(Time, ParsesAndFormatsRfc3339) {
  EXPECT_EQ(FormatRfc3339(T("2026-11-26T13:40:59Z")), "2026-11-26T13:40:59Z");
  EXPECT_EQ(FormatRfc3339(T("2026-11-26T13:40:59.5Z")), "2026-11-26T13:40:59.500Z");
  EXPECT_EQ(FormatRfc3339(T("2026-11-26T14:40:59+01:00")), "2026-11-26T13:40:59Z");
  EXPECT_EQ(FormatRfc3339(T("2024-02-29T00:00:00-02:30")), "2024-02-29T02:30:00Z");
  EXPECT_EQ(ToUnixMillis(T("1970-01-01T00:00:01.001Z")), 1001);
}

TEST(Time, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T13:40:59", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z",
        "2026-11-26 13:40:59Z", "2026-11-26T13:40:59+1:00", "2026-11-26T13:40:59Zjunk", "2026-11-26T13:40:59.Z",
        "x026-11-26T13:40:59Z", "0000-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Stale, NeverReportedIsStale) { EXPECT_TRUE(IsStale(std::nullopt, 300, T("2026-01-01T00:00:00Z"))); }

TEST(Stale, OlderThanTwiceTheIntervalIsStale) {
  Time as_of = T("2026-01-01T00:00:00Z");
  EXPECT_FALSE(IsStale(as_of, 300, T("2026-01-01T00:10:00Z")));  // exactly 2×: not yet
  EXPECT_TRUE(IsStale(as_of, 300, T("2026-01-01T00:10:01Z")));
  EXPECT_EQ(AgeSeconds(as_of, T("2026-01-01T00:10:01Z")), 601);
  EXPECT_EQ(AgeSeconds(as_of, T("2025-12-31T23:00:00Z")), 0);  // future as_of: age 0
}

CapacityInput Input(Beds b) {
  CapacityInput in;
  in.unit_id = "u";
  in.beds = b;
  return in;
}

bool HasField(const std::vector<FieldError>& errs, const std::string& field) {
  for (const auto& e : errs) {
    if (e.field == field) return true;
  }
  return false;
}

TEST(ValidateCapacity, AcceptsConsistentBeds) {
  EXPECT_TRUE(ValidateCapacity(Input({20, 18, 15, 3}), UnitType::kWard, Now()).empty());
  EXPECT_TRUE(ValidateCapacity(Input({0, 0, 0, 0}), UnitType::kIc, Now()).empty());
}

TEST(ValidateCapacity, NamesEveryBrokenRule) {
  auto errs = ValidateCapacity(Input({10, 12, 11, 13}), UnitType::kWard, Now(), "items[2].");
  EXPECT_TRUE(HasField(errs, "items[2].beds.staffed"));    // staffed > total
  EXPECT_TRUE(HasField(errs, "items[2].beds.occupied"));   // occupied > total
  EXPECT_TRUE(HasField(errs, "items[2].beds.available"));  // occupied + available > staffed
  auto neg = ValidateCapacity(Input({-1, 0, 0, 0}), UnitType::kWard, Now());
  EXPECT_TRUE(HasField(neg, "beds.total"));
  auto huge = ValidateCapacity(Input({kMaxCount + 1, 0, 0, 0}), UnitType::kWard, Now());
  EXPECT_TRUE(HasField(huge, "beds.total"));
}

// Occupied beds may exceed the staffed ones (overflow, up to the total) when
// none are available; free beds on top of the occupied ones may not. One
// message, on beds.available, whichever input path brought the numbers.
TEST(ValidateCapacity, OccupiedPlusAvailableAtMostStaffed) {
  EXPECT_TRUE(ValidateCapacity(Input({30, 20, 25, 0}), UnitType::kIc, Now()).empty());  // overflow
  EXPECT_TRUE(ValidateCapacity(Input({20, 18, 15, 3}), UnitType::kWard, Now()).empty());
  for (Beds b : {Beds{20, 18, 15, 5}, Beds{30, 20, 25, 1}, Beds{20, 18, 0, 19}, Beds{20, 18, 15, 19}}) {
    auto errs = ValidateCapacity(Input(b), UnitType::kWard, Now(), "items[1].");
    ASSERT_EQ(errs.size(), 1u) << b.occupied << " + " << b.available;
    EXPECT_EQ(errs[0].field, "items[1].beds.available");
    EXPECT_EQ(errs[0].message, kOccupiedPlusAvailableMsg);
  }
  // Unchecked extremes are named, and the sum does not overflow.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_TRUE(HasField(ValidateBeds({kMax, kMax, kMax, kMax}), "available"));
  EXPECT_TRUE(HasField(ValidateBeds({kMax, kMin, kMax, 1}), "available"));
  EXPECT_TRUE(HasField(ValidateBeds({kMax, 5, kMin, kMax}), "occupied"));
}

TEST(ValidateCapacity, EdRules) {
  CapacityInput in;
  in.ed = EdState{EdStatus::kThreatened, 5, 10, 2, 201};
  auto errs = ValidateCapacity(in, UnitType::kSeh, Now());
  EXPECT_TRUE(HasField(errs, "ed.crowding"));
  in.ed->crowding = 200;
  EXPECT_TRUE(ValidateCapacity(in, UnitType::kSeh, Now()).empty());
  EXPECT_TRUE(ValidateCapacity(in, UnitType::kHap, Now()).empty());
  EXPECT_TRUE(HasField(ValidateCapacity(in, UnitType::kIc, Now()), "ed"));  // IC has no ED status
}

TEST(ValidateCapacity, PartsMustFitTheUnitType) {
  EXPECT_TRUE(HasField(ValidateCapacity(Input({1, 1, 0, 1}), UnitType::kHap, Now()), "beds"));
  CapacityInput empty;
  EXPECT_TRUE(HasField(ValidateCapacity(empty, UnitType::kWard, Now()), "beds"));
}

TEST(ValidateCapacity, AsOfAtMostFiveMinutesAhead) {
  Time now = T("2026-11-26T12:00:00Z");
  CapacityInput in = Input({1, 1, 0, 1});
  in.as_of = T("2026-11-26T12:05:00Z");
  EXPECT_TRUE(ValidateCapacity(in, UnitType::kWard, now).empty());
  in.as_of = T("2026-11-26T12:05:01Z");
  EXPECT_TRUE(HasField(ValidateCapacity(in, UnitType::kWard, now), "as_of"));
}

TEST(ValidateCapacity, NoteLength) {
  CapacityInput in = Input({1, 1, 0, 1});
  in.note = std::string(kMaxNoteBytes, 'x');
  EXPECT_TRUE(ValidateCapacity(in, UnitType::kWard, Now()).empty());
  in.note.push_back('x');
  EXPECT_TRUE(HasField(ValidateCapacity(in, UnitType::kWard, Now()), "note"));
}

RegionData SmallRegion() {
  RegionData d;
  d.region = {"R", "Region", {{"R-A", "A"}}};
  d.organizations = {{"org", "R", "R-A", "Hospital", OrgType::kHospital, ""}};
  d.locations = {{"loc", "org", "Main", "Street 1", "Town", 51.9, 4.4}};
  d.units = {{"org-seh", "org", "loc", UnitType::kSeh, "", "SEH", 300}};
  return d;
}

TEST(ValidateRegion, AcceptsConsistentRegion) { EXPECT_TRUE(ValidateRegion(SmallRegion()).empty()); }

TEST(ValidateRegion, NamesBrokenReferencesAndDuplicates) {
  RegionData d = SmallRegion();
  d.units.push_back({"org-seh", "nope", "nowhere", UnitType::kWard, "", "Ward", 5});
  d.locations[0].lat = 91;
  auto errs = ValidateRegion(d);
  EXPECT_TRUE(HasField(errs, "units[1].id"));
  EXPECT_TRUE(HasField(errs, "units[1].organization_id"));
  EXPECT_TRUE(HasField(errs, "units[1].location_id"));
  EXPECT_TRUE(HasField(errs, "units[1].specialism"));
  EXPECT_TRUE(HasField(errs, "units[1].expected_interval_s"));
  EXPECT_TRUE(HasField(errs, "locations[0].lat"));
}

TEST(Types, WireNamesRoundTrip) {
  for (auto t :
       {UnitType::kSeh, UnitType::kIc, UnitType::kWard, UnitType::kElvLow, UnitType::kElvHigh, UnitType::kElvPalliative,
        UnitType::kGgzCrisis, UnitType::kVvtCrisis, UnitType::kHap, UnitType::kAmbulance}) {
    EXPECT_EQ(ParseUnitType(ToString(t)), t);
  }
  EXPECT_FALSE(ParseUnitType("SEH").has_value());
  EXPECT_EQ(ParseEdStatus("threatened"), EdStatus::kThreatened);
}

TEST(Audit, ToolChangesAreRecordedAsCliWithTheirActorAndTime) {
  const Time before = Now();
  const AuditRecord a = ToolAudit("alice", "user.add", "bob", "cli");
  const Time after = Now();
  EXPECT_EQ(a.actor, "alice");
  EXPECT_EQ(a.role, "cli");
  EXPECT_EQ(a.action, "user.add");
  EXPECT_EQ(a.object, "bob");
  EXPECT_EQ(a.outcome, "ok");
  EXPECT_EQ(a.request_id, "cli");
  EXPECT_TRUE(a.organization_id.empty());
  EXPECT_GE(a.at, before);
  EXPECT_LE(a.at, after);
  EXPECT_EQ(ToolAudit("test", "setup", "ZWN").request_id, "");
}

}  // namespace
}  // namespace ozcc
