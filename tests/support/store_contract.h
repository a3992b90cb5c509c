// The Store contract as value-parameterised tests, shared by every backend.
// A backend's test file includes this header once and instantiates the suite
// with a StoreBackend whose open_fresh() yields a new, migrated, empty store
// (the suite name must be unqualified, hence the using-declaration):
//
//   using store_test::StoreContractTest;
//   INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest,
//                            ::testing::Values(StoreBackend{"postgres", &OpenFreshPostgres}),
//                            StoreBackendName);
//
// Only the Store interface is used here; backend-specific checks (raw SQL,
// writer statistics, reconnects) stay in the backend's own test file.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/store.h"

namespace ozcc::store_test {

// A fresh store and how to dispose of what it created (e.g. drop its database).
struct FreshStore {
  std::unique_ptr<Store> store;
  std::function<void()> drop;  // may be empty; called after the store is destroyed
  std::string skip;            // non-empty: the backend is not available here; the test is skipped with this reason
};

struct StoreBackend {
  std::string name;
  std::function<FreshStore()> open_fresh;
};

inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackend>& info) { return info.param.name; }

// A region with two subregions, two organisations and `units` units.
inline RegionData MakeRegion(const std::string& id, int units) {
  RegionData d;
  d.region = Region{id, "Region " + id, {{id + "-A", "Sub A"}, {id + "-B", "Sub B"}}};
  d.demo_values = true;
  d.organizations = {
      Organization{id + "-H1", id, id + "-A", "Hospital One", OrgType::kHospital, "test"},
      Organization{id + "-V1", id, id + "-B", "Care Home", OrgType::kVvt, "test"},
  };
  d.locations = {
      Location{id + "-L1", id + "-H1", "Main site", "Street 1", "Town", 51.9, 4.47},
      Location{id + "-L2", id + "-V1", "Home", "Lane 2", "Village", 51.5, 3.6},
  };
  for (int i = 0; i < units; ++i) {
    bool hospital = i % 2 == 0;
    Unit u;
    u.id = id + "-U" + std::to_string(i);
    u.organization_id = hospital ? id + "-H1" : id + "-V1";
    u.location_id = hospital ? id + "-L1" : id + "-L2";
    u.type = i == 0 ? UnitType::kSeh : hospital ? UnitType::kWard : UnitType::kVvtCrisis;
    u.specialism = u.type == UnitType::kWard ? "interne" : "";
    u.name = "Unit " + std::to_string(i);
    u.expected_interval_s = 600 + i;
    d.units.push_back(u);
  }
  return d;
}

inline AuditRecord Audit(const std::string& action, const std::string& object) {
  AuditRecord a;
  a.actor = "tester";
  a.role = "admin";
  a.action = action;
  a.object = object;
  a.outcome = "ok";
  a.request_id = "req-1";
  return a;
}

inline CapacityReport Report(const std::string& unit, Time as_of, std::int64_t available) {
  CapacityReport r;
  r.unit_id = unit;
  r.as_of = as_of;
  r.source = ReportSource::kFeed;
  r.beds = Beds{20, 18, 18 - available, available};
  r.note = "n" + std::to_string(available);
  r.reported_by = "token:feed";
  return r;
}

inline CapacityWrite OneReport(const CapacityReport& r) {
  CapacityWrite w;
  w.reports = {r};
  return w;
}

inline const Time kT0 = FromUnixMillis(1'790'000'000'000);

class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    fresh_ = GetParam().open_fresh();
    if (!fresh_.skip.empty()) GTEST_SKIP() << fresh_.skip;
    ASSERT_TRUE(fresh_.store != nullptr) << "backend " << GetParam().name << " did not open";
    store_ = fresh_.store.get();
  }
  void TearDown() override {
    fresh_.store.reset();
    if (fresh_.drop) fresh_.drop();
  }
  Store& store() { return *store_; }

 private:
  FreshStore fresh_;
  Store* store_ = nullptr;
};

TEST_P(StoreContractTest, PingOnceMigrated) { EXPECT_TRUE(store().Ping().ok()); }

TEST_P(StoreContractTest, RegionImportAndReadBack) {
  Store& s = store();
  RegionData zwn = MakeRegion("ZWN", 5);
  zwn.organizations[0].regional_function = true;
  ASSERT_TRUE(s.ImportRegion(zwn, Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 2), Audit("region.import", "OTH")).ok());

  auto regions = s.ListRegions();
  ASSERT_TRUE(regions.ok()) << regions.status().message();
  ASSERT_EQ(regions->size(), 2u);
  EXPECT_EQ((*regions)[0].id, "OTH");
  EXPECT_EQ((*regions)[1].id, "ZWN");
  ASSERT_EQ((*regions)[1].subregions.size(), 2u);
  EXPECT_EQ((*regions)[1].subregions[1].name, "Sub B");

  auto got = s.GetRegion("ZWN");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->region.name, "Region ZWN");
  EXPECT_TRUE(got->demo_values);
  ASSERT_EQ(got->organizations.size(), 2u);
  EXPECT_EQ(got->organizations[1].type, OrgType::kVvt);
  EXPECT_EQ(got->organizations[1].subregion_id, "ZWN-B");
  EXPECT_TRUE(got->organizations[0].regional_function);
  EXPECT_FALSE(got->organizations[1].regional_function);
  ASSERT_EQ(got->locations.size(), 2u);
  EXPECT_DOUBLE_EQ(got->locations[0].lat, 51.9);
  EXPECT_DOUBLE_EQ(got->locations[0].lon, 4.47);
  EXPECT_EQ(got->locations[1].city, "Village");
  ASSERT_EQ(got->units.size(), 5u);
  for (size_t i = 0; i < zwn.units.size(); ++i) {
    EXPECT_EQ(got->units[i].id, zwn.units[i].id);
    EXPECT_EQ(got->units[i].type, zwn.units[i].type);
    EXPECT_EQ(got->units[i].specialism, zwn.units[i].specialism);
    EXPECT_EQ(got->units[i].location_id, zwn.units[i].location_id);
    EXPECT_EQ(got->units[i].expected_interval_s, zwn.units[i].expected_interval_s);
  }
  EXPECT_EQ(s.GetRegion("NOPE").status().code(), Code::kNotFound);

  auto unit = s.GetUnit("ZWN-U1");
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->region_id, "ZWN");
  EXPECT_EQ(unit->subregion_id, "ZWN-B");
  EXPECT_EQ(unit->organization_name, "Care Home");
  EXPECT_DOUBLE_EQ(unit->lon, 3.6);
  EXPECT_EQ(unit->unit.type, UnitType::kVvtCrisis);
  EXPECT_EQ(s.GetUnit("ZWN-U99").status().code(), Code::kNotFound);
  auto units = s.ListUnits("ZWN");
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->size(), 5u);
  EXPECT_EQ(s.ListUnits("OTH")->size(), 2u);
  auto tree_version = [&s](const std::string& region) -> std::int64_t {
    auto v = s.TreeVersion(region);
    return v.ok() ? *v : -1;
  };
  EXPECT_EQ(tree_version("ZWN"), 1);
  EXPECT_EQ(s.TreeVersion("NOPE").status().code(), Code::kNotFound);

  // Re-import: renamed unit, one unit dropped (it has no reports).
  RegionData v2 = MakeRegion("ZWN", 4);
  v2.units[0].name = "SEH renamed";
  ASSERT_TRUE(s.ImportRegion(v2, Audit("region.import", "ZWN")).ok());
  EXPECT_EQ(tree_version("ZWN"), 2) << "each import counts";
  EXPECT_EQ(tree_version("OTH"), 1);
  EXPECT_EQ(s.ListUnits("ZWN")->size(), 4u);
  EXPECT_EQ(s.GetUnit("ZWN-U0")->unit.name, "SEH renamed");
  EXPECT_EQ(s.GetUnit("ZWN-U4").status().code(), Code::kNotFound);
  EXPECT_FALSE(s.GetRegion("ZWN")->organizations[0].regional_function) << "a re-import replaces the flag";

  // A unit with reports cannot be dropped; nothing of that import is applied.
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U3", kT0, 1))).ok());
  RegionData v3 = MakeRegion("ZWN", 3);
  v3.region.name = "should not stick";
  auto st = s.ImportRegion(v3, Audit("region.import", "ZWN"));
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_NE(st.message().find("ZWN-U3"), std::string::npos);
  EXPECT_EQ(s.GetRegion("ZWN")->region.name, "Region ZWN");
  EXPECT_EQ(s.ListUnits("ZWN")->size(), 4u);
  EXPECT_EQ(tree_version("ZWN"), 2) << "an import refused counts for nothing";

  // Ids are global: another region may not claim ZWN's organisation.
  RegionData thief = MakeRegion("OTH", 2);
  thief.organizations[0].id = "ZWN-H1";
  for (auto& l : thief.locations)
    if (l.organization_id == "OTH-H1") l.organization_id = "ZWN-H1";
  for (auto& u : thief.units)
    if (u.organization_id == "OTH-H1") u.organization_id = "ZWN-H1";
  EXPECT_EQ(s.ImportRegion(thief, Audit("region.import", "OTH")).code(), Code::kConflict);

  // Broken references are named per field.
  RegionData bad = MakeRegion("BAD", 2);
  bad.units[1].organization_id = "nowhere";
  bad.locations[0].organization_id = "nowhere";
  st = s.ImportRegion(bad, Audit("region.import", "BAD"));
  EXPECT_EQ(st.code(), Code::kInvalid);
  ASSERT_EQ(st.errors().size(), 2u);
  EXPECT_EQ(st.errors()[0].field, "locations[0].organization_id");
  EXPECT_EQ(st.errors()[1].field, "units[1].organization_id");
  EXPECT_EQ(s.GetRegion("BAD").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, WriteAndReadCapacity) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
  EXPECT_EQ(*s.DataVersion("ZWN"), 0);
  EXPECT_EQ(*s.DataVersion("NOPE"), 0);

  CapacityReport seh;
  seh.unit_id = "ZWN-U0";
  seh.as_of = kT0;
  seh.source = ReportSource::kManual;
  seh.beds = Beds{30, 25, 20, 5};
  seh.ed = EdState{EdStatus::kThreatened, 12, 8, 3, 140};
  seh.ed->arrivals = 17;  // migration 0006: round-trips on both engines
  seh.note = "druk — \"quoted\" {x,y} \\ 'single'";
  seh.reported_by = "alice";
  CapacityWrite w = OneReport(seh);
  w.audit = {Audit("capacity.write", "ZWN-U0")};
  const Time before = Now();
  auto res = s.WriteCapacity(w);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->version, 1);
  ASSERT_EQ(res->reports.size(), 1u);
  EXPECT_EQ(res->reports[0].version, 1);
  EXPECT_GE(res->reports[0].received_at, before);
  EXPECT_LE(res->reports[0].received_at, Now());

  // A report without beds or ED parts keeps them absent.
  CapacityReport bare;
  bare.unit_id = "ZWN-U1";
  bare.as_of = kT0;
  bare.note = "geen";
  ASSERT_TRUE(s.WriteCapacity(OneReport(bare)).ok());

  auto latest = s.LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok()) << latest.status().message();
  ASSERT_EQ(latest->size(), 2u);
  const CapacityReport& got = (*latest)[0];
  EXPECT_EQ(got.unit_id, "ZWN-U0");
  EXPECT_EQ(got.as_of, kT0);
  EXPECT_EQ(got.received_at, res->reports[0].received_at);
  EXPECT_EQ(got.source, ReportSource::kManual);
  EXPECT_EQ(got.beds, seh.beds);
  EXPECT_EQ(got.ed, seh.ed);
  EXPECT_EQ(got.note, seh.note);
  EXPECT_EQ(got.reported_by, "alice");
  EXPECT_EQ(got.version, 1);
  EXPECT_FALSE((*latest)[1].beds.has_value());
  EXPECT_FALSE((*latest)[1].ed.has_value());
  EXPECT_EQ((*latest)[1].version, 2);

  // Latest = greatest as_of; a late-arriving older report does not replace it;
  // equal as_of: the greater version wins.
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U2", kT0 + std::chrono::minutes(10), 7))).ok());
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U2", kT0 + std::chrono::minutes(5), 3))).ok());
  auto l2 = s.LatestCapacity("ZWN");
  ASSERT_EQ(l2->size(), 3u);
  EXPECT_EQ((*l2)[2].beds->available, 7);
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U2", kT0 + std::chrono::minutes(10), 9))).ok());
  EXPECT_EQ((*s.LatestCapacity("ZWN"))[2].beds->available, 9);

  // History: as_of range inclusive, oldest first, limited.
  auto hist = s.CapacityHistory("ZWN-U2", kT0, kT0 + std::chrono::minutes(10), 100);
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 3u);
  EXPECT_EQ((*hist)[0].beds->available, 3);
  EXPECT_EQ((*hist)[1].beds->available, 7);
  EXPECT_EQ((*hist)[2].beds->available, 9);
  EXPECT_EQ(s.CapacityHistory("ZWN-U2", kT0, kT0 + std::chrono::minutes(9), 100)->size(), 1u);
  EXPECT_EQ(s.CapacityHistory("ZWN-U2", kT0, kT0 + std::chrono::minutes(10), 2)->size(), 2u);

  // Since: by version, oldest first.
  auto since = s.CapacitySince("ZWN", 2, 100);
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ((*since)[0].version, 3);
  EXPECT_EQ((*since)[2].version, 5);
  EXPECT_EQ(s.CapacitySince("ZWN", 0, 2)->size(), 2u);
  EXPECT_EQ(*s.DataVersion("ZWN"), 5);

  // One report by unit and version (FHIR vread): the older report of U2 stays readable.
  auto at = s.CapacityReportAt("ZWN", "ZWN-U2", 4);
  ASSERT_TRUE(at.ok()) << at.status().message();
  ASSERT_TRUE(at->has_value());
  EXPECT_EQ((*at)->beds->available, 3);
  EXPECT_EQ((*at)->version, 4);
  EXPECT_EQ((*s.CapacityReportAt("ZWN", "ZWN-U0", 1))->ed, seh.ed);
  EXPECT_FALSE(s.CapacityReportAt("ZWN", "ZWN-U1", 4)->has_value()) << "version 4 is U2's";
  EXPECT_FALSE(s.CapacityReportAt("ZWN", "ZWN-U2", 99)->has_value());
  EXPECT_FALSE(s.CapacityReportAt("NOPE", "ZWN-U2", 4)->has_value());

  // The audit record went in with the write.
  auto audit = s.ListAudit(0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ((*audit)[0].action, "capacity.write");
  EXPECT_GT((*audit)[0].at, Time{});

  EXPECT_EQ(s.WriteCapacity(CapacityWrite{}).status().code(), Code::kInvalid);
}

TEST_P(StoreContractTest, LatestMatchesFullHistoryUnderRandomOrder) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 6), Audit("region.import", "ZWN")).ok());
  std::mt19937 rng(42);  // fixed seed: deterministic
  for (int i = 0; i < 200; ++i) {
    CapacityWrite w;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) {
      // Few distinct as_of values, so ties (broken by version) are common.
      w.reports.push_back(Report("ZWN-U" + std::to_string(rng() % 6), kT0 + std::chrono::seconds(rng() % 5),
                                 static_cast<std::int64_t>(rng() % 18)));
    }
    ASSERT_TRUE(s.WriteCapacity(std::move(w)).ok());
  }
  auto all = s.CapacitySince("ZWN", 0, 100000);
  ASSERT_TRUE(all.ok());
  std::map<std::string, CapacityReport> expected;
  for (const auto& r : *all) {
    auto it = expected.find(r.unit_id);
    if (it == expected.end() || r.as_of > it->second.as_of ||
        (r.as_of == it->second.as_of && r.version > it->second.version)) {
      expected[r.unit_id] = r;
    }
  }
  auto latest = s.LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), expected.size());
  for (const auto& r : *latest) {
    EXPECT_EQ(r.version, expected[r.unit_id].version) << r.unit_id;
    EXPECT_EQ(r.beds, expected[r.unit_id].beds) << r.unit_id;
  }
}

TEST_P(StoreContractTest, VersionsStrictlyIncreasePerRegion) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("A", 2), Audit("region.import", "A")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("B", 2), Audit("region.import", "B")).ok());
  std::int64_t last_a = 0, last_b = 0;
  for (int i = 0; i < 10; ++i) {
    auto a = s.WriteCapacity(OneReport(Report("A-U" + std::to_string(i % 2), kT0, i)));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->version, last_a + 1);
    last_a = a->version;
    if (i % 3 == 0) {
      auto b = s.WriteCapacity(OneReport(Report("B-U1", kT0, i)));
      ASSERT_TRUE(b.ok());
      EXPECT_EQ(b->version, last_b + 1);
      last_b = b->version;
    }
  }
  // A batch takes one version per report, in order.
  CapacityWrite batch;
  batch.reports = {Report("A-U0", kT0, 1), Report("A-U1", kT0, 2), Report("A-U0", kT0, 3)};
  auto r = s.WriteCapacity(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reports[0].version, last_a + 1);
  EXPECT_EQ(r->reports[1].version, last_a + 2);
  EXPECT_EQ(r->reports[2].version, last_a + 3);
  EXPECT_EQ(r->version, last_a + 3);
  EXPECT_EQ(*s.DataVersion("A"), last_a + 3);
  EXPECT_EQ(*s.DataVersion("B"), last_b);

  // A batch over two regions: each report takes its own region's next version.
  CapacityWrite mixed;
  mixed.reports = {Report("B-U0", kT0, 1), Report("A-U1", kT0, 2), Report("B-U1", kT0, 3)};
  auto m = s.WriteCapacity(mixed);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->reports[0].version, last_b + 1);
  EXPECT_EQ(m->reports[1].version, last_a + 4);
  EXPECT_EQ(m->reports[2].version, last_b + 2);
  EXPECT_EQ(m->version, std::max(last_a + 4, last_b + 2));
}

TEST_P(StoreContractTest, BatchWithUnknownUnitStoresNothing) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1))).ok());
  const auto audit_before = s.ListAudit(0, 1000)->size();

  CapacityWrite batch;
  batch.reports = {Report("ZWN-U1", kT0, 1), Report("ghost-1", kT0, 2), Report("ghost-2", kT0, 3)};
  batch.audit = {Audit("capacity.write", "batch")};
  batch.idempotency_key = "k1";
  batch.idempotency_scope = "alice";
  auto r = s.WriteCapacity(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("ghost-1"), std::string::npos);
  EXPECT_EQ(r.status().message().find("ghost-2"), std::string::npos);

  EXPECT_EQ(*s.DataVersion("ZWN"), 1);
  EXPECT_EQ(s.LatestCapacity("ZWN")->size(), 1u);
  EXPECT_EQ(s.CapacitySince("ZWN", 0, 100)->size(), 1u);
  EXPECT_EQ(s.ListAudit(0, 1000)->size(), audit_before);
  EXPECT_FALSE(s.GetIdempotent("alice", "k1")->has_value());

  // The next good write continues the sequence without a gap.
  auto ok = s.WriteCapacity(OneReport(Report("ZWN-U1", kT0, 4)));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->version, 2);
}

TEST_P(StoreContractTest, IdempotencyEntryStoredWithWrite) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  CapacityWrite w = OneReport(Report("ZWN-U0", kT0, 4));
  w.idempotency_key = "key-1";
  w.idempotency_scope = "alice";
  w.request_hash = "h1";
  w.response_for_key = [](const std::vector<CapacityReport>& stored) {
    return "{\"version\":" + std::to_string(stored.at(0).version) + "}";
  };
  auto r = s.WriteCapacity(w);
  ASSERT_TRUE(r.ok());

  auto entry = s.GetIdempotent("alice", "key-1");
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->request_hash, "h1");
  EXPECT_EQ((*entry)->status, 200);
  EXPECT_EQ((*entry)->body, "{\"version\":1}");
  EXPECT_FALSE(s.GetIdempotent("bob", "key-1")->has_value());
  EXPECT_FALSE(s.GetIdempotent("alice", "key-2")->has_value());

  // Reusing the key stores nothing more; another principal may use the same key.
  auto again = s.WriteCapacity(w);
  EXPECT_EQ(again.status().code(), Code::kConflict);
  EXPECT_EQ(*s.DataVersion("ZWN"), 1);
  w.idempotency_scope = "bob";
  EXPECT_TRUE(s.WriteCapacity(w).ok());

  // A throwing response callback fails that write only, as a Status.
  CapacityWrite bad = OneReport(Report("ZWN-U1", kT0, 1));
  bad.idempotency_key = "key-3";
  bad.idempotency_scope = "alice";
  bad.response_for_key = [](const std::vector<CapacityReport>&) -> std::string { throw std::runtime_error("boom"); };
  auto failed = s.WriteCapacity(bad);
  EXPECT_EQ(failed.status().code(), Code::kInternal);
  EXPECT_EQ(*s.DataVersion("ZWN"), 2);
}

TEST_P(StoreContractTest, ConcurrentWritesAllStoredGapFree) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 16), Audit("region.import", "ZWN")).ok());
  constexpr int kThreads = 32;
  constexpr int kPerThread = 40;
  std::vector<std::vector<std::int64_t>> versions(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        CapacityWrite w = OneReport(Report("ZWN-U" + std::to_string((t + i) % 16), kT0 + std::chrono::seconds(i), t));
        w.audit = {Audit("capacity.write", "t" + std::to_string(t))};
        auto r = s.WriteCapacity(std::move(w));
        if (!r.ok()) {
          ++failures;
          continue;
        }
        versions[t].push_back(r->reports[0].version);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  std::set<std::int64_t> all;
  for (const auto& v : versions) {
    ASSERT_EQ(v.size(), static_cast<size_t>(kPerThread));
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));  // each caller sees its own writes in order
    all.insert(v.begin(), v.end());
  }
  constexpr std::int64_t kTotal = static_cast<std::int64_t>(kThreads) * kPerThread;
  EXPECT_EQ(static_cast<std::int64_t>(all.size()), kTotal);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kTotal);
  EXPECT_EQ(*s.DataVersion("ZWN"), kTotal);
  EXPECT_EQ(s.CapacitySince("ZWN", 0, 100000)->size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(s.ListAudit(0, 100000)->size(), static_cast<size_t>(kTotal) + 1);
}

TEST_P(StoreContractTest, FailingWriteInAGroupDoesNotHurtOthers) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 30;
  std::atomic<int> ok{0}, not_found{0}, other{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const bool bad = (t + i) % 3 == 0;
        CapacityWrite w;
        w.reports = {Report("ZWN-U" + std::to_string(t % 4), kT0, i)};
        if (bad) w.reports.push_back(Report("missing", kT0, i));
        auto r = s.WriteCapacity(std::move(w));
        if (r.ok()) {
          ++ok;
        } else if (r.status().code() == Code::kNotFound) {
          ++not_found;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  int expected_bad = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i) expected_bad += (t + i) % 3 == 0;
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(not_found.load(), expected_bad);
  EXPECT_EQ(ok.load(), kThreads * kPerThread - expected_bad);
  EXPECT_EQ(*s.DataVersion("ZWN"), ok.load());
  EXPECT_EQ(s.CapacitySince("ZWN", 0, 100000)->size(), static_cast<size_t>(ok.load()));
}

TEST_P(StoreContractTest, AuditPagesNewestFirst) {
  Store& s = store();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(s.AppendAudit(Audit("auth.login", "u" + std::to_string(i))).ok());
  auto page1 = s.ListAudit(0, 3);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_EQ((*page1)[0].object, "u6");
  EXPECT_EQ((*page1)[2].object, "u4");
  EXPECT_GT((*page1)[0].id, (*page1)[1].id);
  EXPECT_EQ((*page1)[0].request_id, "req-1");
  EXPECT_EQ((*page1)[0].actor, "tester");
  EXPECT_EQ((*page1)[0].role, "admin");
  EXPECT_GT((*page1)[0].at, Time{});
  auto page2 = s.ListAudit(page1->back().id, 3);
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].object, "u3");
  auto page3 = s.ListAudit(page2->back().id, 3);
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ((*page3)[0].object, "u0");
}

// The audit log is append-only: whatever a caller puts in a record, what is
// kept is bounded (core/audit.h), through AppendAudit and through the
// records a write carries, cut at a character boundary with a marker.
TEST_P(StoreContractTest, AuditFieldsAreBounded) {
  Store& s = store();
  AuditRecord big = Audit("auth.login", std::string(1 << 20, 'o'));
  big.actor = std::string(1 << 20, 'a');
  big.detail = "from " + std::string(1 << 20, 'd');
  big.request_id = std::string(5000, 'r');
  big.role = std::string(300, 'x');
  big.organization_id = std::string(300, 'g');
  big.outcome = std::string(300, 'c');
  ASSERT_TRUE(s.AppendAudit(big).ok());
  // A multi-byte character straddling the cut is not split.
  AuditRecord accented = Audit("user.add", std::string(kAuditFieldMax - 10, 'e') + std::string(20, 'x'));
  accented.actor = std::string(200, 'e');
  for (int i = 0; i < 100; ++i) accented.actor += "\xc3\xa9";  // é
  ASSERT_TRUE(s.CreateUser(UserRecord{"bounded", "$argon2id$h", Role::kViewer, "", "ZWN", false}, accented).ok());
  auto all = s.ListAudit(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (const auto& a : *all) {
    for (const std::string* f :
         {&a.actor, &a.role, &a.organization_id, &a.action, &a.object, &a.outcome, &a.request_id}) {
      EXPECT_LE(f->size(), kAuditFieldMax);
    }
    EXPECT_LE(a.detail.size(), kAuditDetailMax);
  }
  const AuditRecord& kept = (*all)[1];
  EXPECT_EQ(kept.actor.substr(0, 100), std::string(100, 'a'));
  EXPECT_NE(kept.actor.find("bytes]"), std::string::npos) << kept.actor;
  EXPECT_EQ(kept.detail.substr(0, 9), "from dddd");
  const std::string& actor = (*all)[0].actor;
  EXPECT_EQ(actor.substr(0, 200), std::string(200, 'e'));
  const size_t marker = actor.find("\xe2\x80\xa6[+");  // …[+
  ASSERT_NE(marker, std::string::npos) << actor;
  EXPECT_EQ((marker - 200) % 2, 0u) << "cut inside a two-byte character";
}

TEST_P(StoreContractTest, UsersSessionsAndFeedTokens) {
  Store& s = store();
  UserRecord u{"bob", "$argon2id$v=19$hash", Role::kOrgCapacityManager, "ZWN-H1", "ZWN", false};
  ASSERT_TRUE(s.CreateUser(u, Audit("user.add", "bob")).ok());
  EXPECT_EQ(s.CreateUser(u, Audit("user.add", "bob")).code(), Code::kConflict);
  UserRecord off{"eve", "$argon2id$x", Role::kViewer, "", "", true};
  ASSERT_TRUE(s.CreateUser(off, Audit("user.add", "eve")).ok());
  EXPECT_TRUE(s.GetUser("eve")->disabled);
  auto got = s.GetUser("bob");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->password_hash, u.password_hash);
  EXPECT_EQ(got->role, Role::kOrgCapacityManager);
  EXPECT_EQ(got->organization_id, "ZWN-H1");
  EXPECT_EQ(got->region_id, "ZWN");
  EXPECT_FALSE(got->disabled);
  EXPECT_EQ(s.GetUser("carol").status().code(), Code::kNotFound);
  EXPECT_EQ(s.ListAudit(0, 10)->size(), 2u);  // the failed add left no audit record of its own

  const Time now = Now();
  SessionRecord live{"hash-live", "bob", now, now + std::chrono::hours(8)};
  SessionRecord expired{"hash-old", "bob", now - std::chrono::hours(9), now - std::chrono::hours(1)};
  ASSERT_TRUE(s.CreateSession(live).ok());
  ASSERT_TRUE(s.CreateSession(expired).ok());
  EXPECT_EQ(s.CreateSession(live).code(), Code::kConflict);
  EXPECT_EQ(s.CreateSession(SessionRecord{"h", "nobody", now, now + std::chrono::hours(1)}).code(), Code::kNotFound);
  auto sess = s.GetSession("hash-live");
  ASSERT_TRUE(sess.ok());
  EXPECT_EQ(sess->username, "bob");
  EXPECT_EQ(sess->created_at, now);
  EXPECT_EQ(sess->expires_at, now + std::chrono::hours(8));
  EXPECT_EQ(s.GetSession("hash-old").status().code(), Code::kNotFound);
  EXPECT_EQ(s.GetSession("hash-none").status().code(), Code::kNotFound);
  ASSERT_TRUE(s.DeleteSession("hash-live").ok());
  EXPECT_EQ(s.GetSession("hash-live").status().code(), Code::kNotFound);
  EXPECT_TRUE(s.DeleteSession("hash-live").ok());

  // Disabling an account ends all its sessions, and only its own.
  ASSERT_TRUE(s.CreateSession(SessionRecord{"bob-1", "bob", now, now + std::chrono::hours(8)}).ok());
  ASSERT_TRUE(s.CreateSession(SessionRecord{"bob-2", "bob", now, now + std::chrono::hours(8)}).ok());
  UserRecord ann{"ann", "$argon2id$y", Role::kViewer, "", "ZWN", false};
  ASSERT_TRUE(s.CreateUser(ann, Audit("user.add", "ann")).ok());
  ASSERT_TRUE(s.CreateSession(SessionRecord{"ann-1", "ann", now, now + std::chrono::hours(8)}).ok());
  const size_t audits = s.ListAudit(0, 100)->size();
  ASSERT_TRUE(s.DisableUser("bob", Audit("user.disable", "bob")).ok());
  EXPECT_TRUE(s.GetUser("bob")->disabled);
  EXPECT_EQ(s.GetSession("bob-1").status().code(), Code::kNotFound);
  EXPECT_EQ(s.GetSession("bob-2").status().code(), Code::kNotFound);
  EXPECT_TRUE(s.GetSession("ann-1").ok());
  EXPECT_EQ(s.DisableUser("carol", Audit("user.disable", "carol")).code(), Code::kNotFound);
  EXPECT_EQ(s.ListAudit(0, 100)->size(), audits + 1);

  FeedTokenRecord tok{"tok-hash", "lis-feed", "ZWN-H1", "ZWN", now, false};
  ASSERT_TRUE(s.CreateFeedToken(tok, Audit("token.create", "lis-feed")).ok());
  EXPECT_EQ(s.CreateFeedToken(tok, Audit("token.create", "lis-feed")).code(), Code::kConflict);
  auto t = s.GetFeedToken("tok-hash");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "lis-feed");
  EXPECT_EQ(t->organization_id, "ZWN-H1");
  EXPECT_EQ(t->region_id, "ZWN");
  EXPECT_EQ(t->created_at, now);
  EXPECT_FALSE(t->revoked);
  EXPECT_EQ(s.GetFeedToken("other").status().code(), Code::kNotFound);
  EXPECT_EQ(s.ListAudit(0, 10)->size(), 5u);  // 2 users, ann, the disable, the token

  // Revoking by organisation and name: every live token of that name, and only those.
  ASSERT_TRUE(s.CreateFeedToken({"tok-2", "lis-feed", "ZWN-H1", "ZWN", now + std::chrono::seconds(1), false},
                                Audit("token.create", "lis-feed"))
                  .ok());
  ASSERT_TRUE(s.CreateFeedToken({"tok-3", "ris-feed", "ZWN-H1", "ZWN", now, false}, Audit("token.create", "ris")).ok());
  ASSERT_TRUE(s.CreateFeedToken({"tok-4", "lis-feed", "ZWN-H2", "ZWN", now, false}, Audit("token.create", "lis")).ok());
  auto revoked = s.RevokeFeedTokens("ZWN-H1", "lis-feed", Audit("token.revoke", "lis-feed"));
  ASSERT_TRUE(revoked.ok()) << revoked.status().message();
  EXPECT_EQ(*revoked, 2);
  EXPECT_TRUE(s.GetFeedToken("tok-hash")->revoked);
  EXPECT_TRUE(s.GetFeedToken("tok-2")->revoked);
  EXPECT_FALSE(s.GetFeedToken("tok-3")->revoked);  // another name
  EXPECT_FALSE(s.GetFeedToken("tok-4")->revoked);  // another organisation
  const size_t before_noop = s.ListAudit(0, 100)->size();
  EXPECT_EQ(*s.RevokeFeedTokens("ZWN-H1", "lis-feed", Audit("token.revoke", "lis-feed")), 0);  // already revoked
  EXPECT_EQ(*s.RevokeFeedTokens("ZWN-H1", "nope", Audit("token.revoke", "nope")), 0);
  EXPECT_EQ(s.ListAudit(0, 100)->size(), before_noop);  // nothing revoked, nothing audited
  auto h1 = s.ListFeedTokens("ZWN-H1");
  ASSERT_TRUE(h1.ok());
  ASSERT_EQ(h1->size(), 3u);
  EXPECT_EQ((*h1)[0].token_hash, "tok-hash");  // lis-feed, oldest first
  EXPECT_EQ((*h1)[1].token_hash, "tok-2");
  EXPECT_EQ((*h1)[2].token_hash, "tok-3");
  EXPECT_EQ(s.ListFeedTokens("")->size(), 4u);
  EXPECT_TRUE(s.ListFeedTokens("ZWN-H9")->empty());
}

TEST_P(StoreContractTest, ReadsWhileWriting) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  readers.reserve(6);
  for (int t = 0; t < 6; ++t) {  // more readers than pooled connections
    readers.emplace_back([&] {
      std::int64_t last = 0;
      while (!done.load()) {
        auto v = s.DataVersion("ZWN");
        auto since = s.CapacitySince("ZWN", 0, 100000);
        auto region = s.GetRegion("ZWN");
        if (!v.ok() || !since.ok() || *v < last || !region.ok() || region->units.size() != 4u) ++errors;
        if (v.ok()) last = *v;
        // Versions become visible in order: what a reader sees has no gaps.
        if (since.ok()) {
          for (size_t k = 0; k < since->size(); ++k)
            if ((*since)[k].version != static_cast<std::int64_t>(k) + 1) ++errors;
        }
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    if (!s.WriteCapacity(OneReport(Report("ZWN-U" + std::to_string(i % 4), kT0, i))).ok()) ++errors;
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(*s.DataVersion("ZWN"), 100);
}

// --- the worklist (case_store.h) ---------------------------------------------

inline Case MakeCase(const std::string& id, const std::string& region, Time received = kT0) {
  Case c;
  c.id = id;
  c.region_id = region;
  c.subregion_id = region + "-A";
  c.channel = Channel::kHap;
  c.requesting_organization_id = region + "-H1";
  c.caller = Caller{"Anna", "triagist HAP", "+31 10 123 45 67"};
  c.received_at = received;
  c.summary = "benauwd";
  c.created_by = "coord";
  c.created_at = received;
  c.updated_at = received;
  return c;
}

inline CaseWrite Creating(const Case& c) {
  CaseWrite w;
  w.the_case = c;
  w.timeline = {TimelineEntry{c.created_at, c.created_by, TimelineKind::kCreated, "aangemaakt"}};
  w.event_kind = TimelineKind::kCreated;
  return w;
}

// A change of the stored case `c` (expected_version: its version).
inline CaseWrite Changing(const Case& c, TimelineKind kind = TimelineKind::kNote) {
  CaseWrite w;
  w.the_case = c;
  w.expected_version = c.version;
  w.event_kind = kind;
  return w;
}

inline Handover MakeHandover(const std::string& id, const std::string& case_id, const std::string& org, Time at) {
  Handover h;
  h.id = id;
  h.case_id = case_id;
  h.to_organization_id = org;
  h.sbar = Sbar{"S " + id, "B", "A", "R"};
  h.requested_by = "coord";
  h.requested_at = at;
  h.due_at = at + std::chrono::minutes(5);
  return h;
}

inline PatientAccess Access(const std::string& bsn_hash, const std::string& case_id, const std::string& action) {
  PatientAccess a;
  a.actor = "coord";
  a.role = "zcc-coordinator";
  a.organization_id = "ZCC";
  a.bsn_hash = bsn_hash;
  a.case_id = case_id;
  a.action = action;
  a.purpose = "worklist";
  a.outcome = "ok";
  a.request_id = "req-1";
  return a;
}

TEST_P(StoreContractTest, CaseRoundTripsEveryField) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  Case full = MakeCase("case-1", "ZWN");
  full.subregion_id = "ZWN-B";
  full.channel = Channel::kSelfTriage;
  full.summary = "druk — \"quoted\" {x,y} \\ 'single'\nline two";
  full.urgency = Urgency::kU2;
  full.complaint = "dyspnoe";
  full.context =
      CaseContext{87, LivingSituation::kHomeAlone, std::vector{KnownCare::kHomeCare, KnownCare::kChronicCare}};
  full.state = CaseState::kClosed;
  full.outcome = Outcome::kCarePrevented;
  full.legal_basis = LegalBasis::kVitalInterest;
  full.has_patient = true;
  full.repeat_contact = true;
  full.pathway = PathwayUse{"dyspnoe-thuis", 3, "", "no bed free"};
  full.updated_at = kT0 + std::chrono::minutes(30);
  full.triaged_at = kT0 + std::chrono::minutes(2);
  full.closed_at = kT0 + std::chrono::minutes(30);
  CaseWrite w = Creating(full);
  w.patient = SealedPatient{"hash-1", "nonce+cipher==", "k1"};
  w.audit = {Audit("case.create", "case-1")};
  w.access = {Access("hash-1", "case-1", "patient.write")};
  auto res = s.WriteCase(w);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->the_case.version, 1);
  EXPECT_EQ(res->region_version, 1);
  full.version = 1;
  EXPECT_EQ(res->the_case, full);
  auto got = s.GetCase("case-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, full);
  EXPECT_EQ(**s.CasePatient("case-1"), *w.patient);

  // Absent optionals stay absent; known care "none" is not "not asked".
  Case bare = MakeCase("case-2", "ZWN");
  bare.requesting_organization_id.clear();
  bare.caller = Caller{};
  bare.context.known_care = std::vector<KnownCare>{};
  ASSERT_TRUE(s.WriteCase(Creating(bare)).ok());
  bare.version = 1;
  EXPECT_EQ(*s.GetCase("case-2"), bare);
  Case unasked = MakeCase("case-3", "ZWN");
  ASSERT_TRUE(s.WriteCase(Creating(unasked)).ok());
  EXPECT_FALSE(s.GetCase("case-3")->context.known_care.has_value());
  EXPECT_FALSE(s.CasePatient("case-2")->has_value());
  EXPECT_EQ(s.GetCase("nope").status().code(), Code::kNotFound);

  // A change replaces the case and, when given, the patient.
  CaseWrite change = Changing(*got);
  change.the_case.summary = "anders";
  change.patient = SealedPatient{"hash-2", "other", "k2"};
  auto changed = s.WriteCase(change);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(changed->the_case.version, 2);
  EXPECT_EQ(s.GetCase("case-1")->summary, "anders");
  EXPECT_EQ(s.GetCase("case-1")->version, 2);
  EXPECT_EQ(**s.CasePatient("case-1"), *change.patient);
  ASSERT_TRUE(s.WriteCase(Changing(*s.GetCase("case-1"))).ok());
  EXPECT_EQ(**s.CasePatient("case-1"), *change.patient) << "no patient in the write: unchanged";
  EXPECT_EQ(*s.DataVersion("ZWN"), 5);
  EXPECT_EQ((*s.ListAudit(0, 1))[0].action, "case.create");
}

TEST_P(StoreContractTest, CaseHistoryTimelineAndHandovers) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  CaseWrite create = Creating(MakeCase("c1", "ZWN"));
  create.triage = TriageRecord{kT0 + std::chrono::minutes(1), "coord", Urgency::kU3, "dyspnoe", "eerste"};
  create.timeline.push_back({kT0, "coord", TimelineKind::kNote, "same time, inserted later"});
  auto c1 = s.WriteCase(create);
  ASSERT_TRUE(c1.ok()) << c1.status().message();
  ASSERT_TRUE(s.WriteCase(Creating(MakeCase("c2", "ZWN"))).ok());

  CaseWrite retriage = Changing(c1->the_case, TimelineKind::kTriaged);
  retriage.triage = TriageRecord{kT0 + std::chrono::minutes(4), "coord2", Urgency::kU2, "pijn-borst", ""};
  const Time before = Now();
  retriage.timeline = {{Time{}, "coord2", TimelineKind::kTriaged, "commit time"},
                       {kT0 + std::chrono::minutes(3), "coord2", TimelineKind::kAdvice, "earlier"}};
  Handover h1 = MakeHandover("h1", "c1", "ZWN-V1", kT0 + std::chrono::minutes(5));
  Handover h0 = MakeHandover("h0", "c1", "ZWN-H1", kT0 + std::chrono::minutes(4));
  retriage.handovers = {h1, h0};
  retriage.event_handover_id = "h1";
  auto r = s.WriteCase(retriage);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->handovers.size(), 2u);
  EXPECT_EQ(r->handovers[0].version, 1);
  EXPECT_EQ(r->handovers[1].version, 1);

  auto triages = s.CaseTriages("c1");
  ASSERT_TRUE(triages.ok()) << triages.status().message();
  ASSERT_EQ(triages->size(), 2u);
  EXPECT_EQ((*triages)[0], *create.triage);
  EXPECT_EQ((*triages)[1], *retriage.triage);
  EXPECT_TRUE(s.CaseTriages("c2")->empty());

  auto timeline = s.CaseTimeline("c1");
  ASSERT_TRUE(timeline.ok()) << timeline.status().message();
  ASSERT_EQ(timeline->size(), 4u);
  EXPECT_EQ((*timeline)[0], create.timeline[0]);
  EXPECT_EQ((*timeline)[1], create.timeline[1]);
  EXPECT_EQ((*timeline)[2], retriage.timeline[1]);
  EXPECT_EQ((*timeline)[3].detail, "commit time");
  EXPECT_GE((*timeline)[3].at, before);
  EXPECT_LE((*timeline)[3].at, Now());
  EXPECT_EQ(s.CaseTimeline("c2")->size(), 1u);

  // Oldest requested first; read back with every field.
  auto hs = s.CaseHandovers("c1");
  ASSERT_TRUE(hs.ok()) << hs.status().message();
  ASSERT_EQ(hs->size(), 2u);
  h0.version = h1.version = 1;
  EXPECT_EQ((*hs)[0], h0);
  EXPECT_EQ((*hs)[1], h1);
  EXPECT_EQ(*s.GetHandover("h1"), h1);
  EXPECT_EQ(s.GetHandover("nope").status().code(), Code::kNotFound);

  // Replace: every field may change; the stored version must match.
  Case now = *s.GetCase("c1");
  CaseWrite answer = Changing(now, TimelineKind::kDeclined);
  Handover h1b = h1;
  h1b.state = HandoverState::kRejected;
  h1b.reason = "vol";
  h1b.answered_by = "nurse";
  h1b.answered_at = kT0 + std::chrono::minutes(6);
  h1b.escalations = 2;
  h1b.due_at = kT0 + std::chrono::minutes(9);
  answer.handovers = {h1b};
  answer.event_handover_id = "h0";  // already stored
  auto a = s.WriteCase(answer);
  ASSERT_TRUE(a.ok()) << a.status().message();
  h1b.version = 2;
  EXPECT_EQ(a->handovers.at(0), h1b);
  EXPECT_EQ(*s.GetHandover("h1"), h1b);

  // A stale handover stores nothing of the write.
  const std::int64_t dv = *s.DataVersion("ZWN");
  CaseWrite stale = Changing(*s.GetCase("c1"));
  stale.the_case.summary = "must not stick";
  stale.timeline = {{kT0, "x", TimelineKind::kNote, "must not stick"}};
  stale.handovers = {h1};  // version 1, stored 2
  EXPECT_EQ(s.WriteCase(stale).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(s.GetCase("c1")->version, 3);
  EXPECT_EQ(s.GetCase("c1")->summary, "benauwd");
  EXPECT_EQ(s.CaseTimeline("c1")->size(), 4u);
  EXPECT_EQ(*s.DataVersion("ZWN"), dv);

  // A handover of another case, by its case_id or the stored one, is refused.
  CaseWrite other = Changing(*s.GetCase("c2"));
  other.handovers = {MakeHandover("h9", "c1", "ZWN-V1", kT0)};
  EXPECT_EQ(s.WriteCase(other).status().code(), Code::kInvalid);
  Handover steal = h1b;
  steal.case_id = "c2";
  other.handovers = {steal};
  EXPECT_EQ(s.WriteCase(other).status().code(), Code::kInvalid);
  other.handovers.clear();
  other.event_handover_id = "h1";  // c1's
  EXPECT_EQ(s.WriteCase(other).status().code(), Code::kInvalid);
  EXPECT_TRUE(s.CaseHandovers("c2")->empty());
  EXPECT_EQ(*s.DataVersion("ZWN"), dv);
}

TEST_P(StoreContractTest, FailedCaseWritesStoreNothing) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  auto c1 = s.WriteCase(Creating(MakeCase("c1", "ZWN")));
  ASSERT_TRUE(c1.ok()) << c1.status().message();
  auto fresh = s.WriteCase(Changing(c1->the_case));
  ASSERT_TRUE(fresh.ok());
  const size_t audits = s.ListAudit(0, 100)->size();
  auto nothing_more = [&] {
    EXPECT_EQ(*s.DataVersion("ZWN"), 2);
    EXPECT_EQ(s.GetCase("c1")->version, 2);
    EXPECT_EQ(s.GetCase("c1")->summary, "benauwd");
    EXPECT_EQ(s.CaseTimeline("c1")->size(), 1u);
    EXPECT_EQ(s.ListAudit(0, 100)->size(), audits);
    EXPECT_TRUE(s.ListAccess("hash-1", "", 0, 100)->empty());
    EXPECT_FALSE(s.CasePatient("c1")->has_value());
    EXPECT_TRUE(s.CaseEventsSince("ZWN", 2, 100)->empty());
  };
  auto with_records = [](CaseWrite w) {
    w.the_case.summary = "must not stick";
    w.timeline = {{kT0, "x", TimelineKind::kNote, "must not stick"}};
    w.audit = {Audit("case.update", w.the_case.id)};
    w.access = {Access("hash-1", w.the_case.id, "patient.write")};
    w.patient = SealedPatient{"hash-1", "s", "k"};
    return w;
  };

  auto stale = s.WriteCase(with_records(Changing(c1->the_case)));  // version 1; stored 2
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed) << stale.status().message();
  nothing_more();
  EXPECT_EQ(s.WriteCase(with_records(Creating(MakeCase("c1", "ZWN")))).status().code(), Code::kConflict);
  nothing_more();
  EXPECT_EQ(s.WriteCase(with_records(Creating(MakeCase("c9", "NOPE")))).status().code(), Code::kNotFound);
  EXPECT_EQ(s.GetCase("c9").status().code(), Code::kNotFound);
  CaseWrite missing = with_records(Changing(MakeCase("c8", "ZWN")));
  missing.expected_version = 1;
  EXPECT_EQ(s.WriteCase(missing).status().code(), Code::kNotFound);
  nothing_more();

  // PostgreSQL cannot hold NUL in text: refused on both engines, in any field.
  const std::string nul(1, '\0');
  CaseWrite bad = with_records(Changing(fresh->the_case));
  bad.the_case.summary += nul;
  EXPECT_EQ(s.WriteCase(bad).status().code(), Code::kInvalid);
  bad = with_records(Changing(fresh->the_case));
  bad.handovers = {MakeHandover("h1", "c1", "ZWN-V1", kT0)};
  bad.handovers[0].sbar.background = "a" + nul + "b";
  EXPECT_EQ(s.WriteCase(bad).status().code(), Code::kInvalid);
  bad = with_records(Changing(fresh->the_case));
  bad.access[0].actor += nul;
  EXPECT_EQ(s.WriteCase(bad).status().code(), Code::kInvalid);
  bad = with_records(Changing(fresh->the_case));
  bad.patient->sealed += nul;
  EXPECT_EQ(s.WriteCase(bad).status().code(), Code::kInvalid);
  EXPECT_EQ(s.AppendAccess({Access("hash-1" + nul, "", "patient.read")}).code(), Code::kInvalid);
  nothing_more();

  // The next good write continues the region's sequence without a gap.
  auto next = s.WriteCase(Changing(fresh->the_case));
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(next->region_version, 3);
  EXPECT_EQ(next->the_case.version, 3);
}

TEST_P(StoreContractTest, ListCasesFilters) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 1), Audit("region.import", "OTH")).ok());
  // o1..o3 open, k1..k4 closed (closed_at k1 < k2 = k3 < k4), one case of another region.
  auto put = [&](Case c, const std::vector<Handover>& handovers = {}) {
    CaseWrite w = Creating(c);
    w.handovers = handovers;
    auto r = s.WriteCase(w);
    ASSERT_TRUE(r.ok()) << r.status().message();
  };
  Case o1 = MakeCase("o1", "ZWN", kT0 + std::chrono::minutes(1));
  o1.urgency = Urgency::kU3;
  Case o2 = MakeCase("o2", "ZWN", kT0 + std::chrono::minutes(2));
  o2.channel = Channel::k112;
  o2.subregion_id = "ZWN-B";
  o2.state = CaseState::kHandedOver;
  Case o3 = MakeCase("o3", "ZWN", kT0 + std::chrono::minutes(3));
  o3.urgency = Urgency::kU1;
  put(o1);
  put(o2, {MakeHandover("h2", "o2", "ZWN-V1", kT0)});
  put(o3);
  for (int i = 1; i <= 4; ++i) {
    Case k = MakeCase("k" + std::to_string(i), "ZWN");
    k.state = CaseState::kClosed;
    k.outcome = Outcome::kReferred;
    k.closed_at = kT0 + std::chrono::hours(i == 3 ? 2 : i);
    if (i == 2) k.channel = Channel::k112;
    put(k, i == 4 ? std::vector{MakeHandover("h4", "k4", "ZWN-V1", kT0)} : std::vector<Handover>{});
  }
  put(MakeCase("x1", "OTH"));

  auto ids = [&](const CaseQuery& q) {
    std::vector<std::string> out;
    auto r = s.ListCases(q);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (r.ok())
      for (const auto& c : *r) out.push_back(c.id);
    return out;
  };
  using V = std::vector<std::string>;
  using S = CaseQuery::States;
  CaseQuery q;
  q.region_id = "ZWN";
  // Open ones: all of them, the most urgent band first (the service sorts them anyway).
  EXPECT_EQ(ids(q), (V{"o3", "o2", "o1"}));
  auto open = s.ListCases(q);
  EXPECT_EQ(open->at(0), *s.GetCase("o3"));
  q.states = S::kClosed;
  EXPECT_EQ(ids(q), (V{"k4", "k3", "k2", "k1"}));
  q.states = S::kAll;
  EXPECT_EQ(ids(q), (V{"o3", "o2", "o1", "k4", "k3", "k2", "k1"}));
  q.channel = Channel::k112;
  EXPECT_EQ(ids(q), (V{"o2", "k2"}));
  q.channel.reset();
  q.subregion_id = "ZWN-B";
  EXPECT_EQ(ids(q), (V{"o2"}));
  q.subregion_id.clear();
  q.handed_to_organization_id = "ZWN-V1";
  EXPECT_EQ(ids(q), (V{"o2", "k4"}));
  q.handed_to_organization_id = "ZWN-H1";
  EXPECT_TRUE(ids(q).empty());
  q.handed_to_organization_id.clear();

  // Paging closed cases: newest closed first, closed_at < closed_before.
  q.states = S::kClosed;
  q.limit = 2;
  EXPECT_EQ(ids(q), (V{"k4", "k3"}));
  q.closed_before = *s.GetCase("k3")->closed_at;
  EXPECT_EQ(ids(q), (V{"k1"})) << "k2 closed at the same time as k3";
  q.closed_before = kT0 + std::chrono::hours(5);
  EXPECT_EQ(ids(q), (V{"k4", "k3"}));

  CaseQuery other;
  other.region_id = "OTH";
  EXPECT_EQ(ids(other), (V{"x1"}));
  other.region_id = "NOPE";
  EXPECT_TRUE(ids(other).empty());
  EXPECT_EQ(s.ListCases(CaseQuery{}).status().code(), Code::kInvalid);
}

TEST_P(StoreContractTest, HandoverInboxAndDue) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  auto c = s.WriteCase(Creating(MakeCase("c1", "ZWN")));
  ASSERT_TRUE(c.ok()) << c.status().message();
  // Requested at minute i; due at minute 10 - i; h3 accepted, h4 to another organisation.
  std::vector<Handover> hs;
  for (int i = 0; i < 5; ++i) {
    Handover h =
        MakeHandover("h" + std::to_string(i), "c1", i == 4 ? "ZWN-H1" : "ZWN-V1", kT0 + std::chrono::minutes(i));
    h.due_at = kT0 + std::chrono::minutes(10 - i);
    if (i == 3) h.state = HandoverState::kAccepted;
    hs.push_back(h);
  }
  CaseWrite w = Changing(c->the_case, TimelineKind::kHandedOver);
  w.handovers = hs;
  ASSERT_TRUE(s.WriteCase(w).ok());

  auto ids = [](const Result<std::vector<Handover>>& r) {
    std::vector<std::string> out;
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (r.ok())
      for (const auto& h : *r) out.push_back(h.id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(s.HandoversTo("ZWN-V1", {}, 100)), (V{"h3", "h2", "h1", "h0"}));
  EXPECT_EQ(ids(s.HandoversTo("ZWN-V1", {HandoverState::kRequested}, 100)), (V{"h2", "h1", "h0"}));
  EXPECT_EQ(ids(s.HandoversTo("ZWN-V1", {HandoverState::kAccepted, HandoverState::kRejected}, 100)), (V{"h3"}));
  EXPECT_EQ(ids(s.HandoversTo("ZWN-V1", {}, 2)), (V{"h3", "h2"}));
  EXPECT_EQ(ids(s.HandoversTo("ZWN-H1", {}, 100)), (V{"h4"}));
  EXPECT_TRUE(s.HandoversTo("nobody", {}, 100)->empty());
  EXPECT_EQ(s.HandoversTo("ZWN-V1", {}, 100)->at(0).sbar, hs[3].sbar);

  // Requested ones due by now, oldest due first; due_at = now counts.
  EXPECT_EQ(ids(s.HandoversDue(kT0 + std::chrono::minutes(8), 100)), (V{"h4", "h2"}));
  EXPECT_EQ(ids(s.HandoversDue(kT0 + std::chrono::minutes(20), 100)), (V{"h4", "h2", "h1", "h0"}));
  EXPECT_EQ(ids(s.HandoversDue(kT0 + std::chrono::minutes(20), 1)), (V{"h4"}));
  EXPECT_TRUE(s.HandoversDue(kT0, 100)->empty());
}

TEST_P(StoreContractTest, PatientsAndContacts) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  for (int i = 0; i < 4; ++i) {
    CaseWrite w = Creating(MakeCase("c" + std::to_string(i), "ZWN", kT0 + std::chrono::hours(i)));
    w.patient = SealedPatient{i == 3 ? "other" : "hash-1", "sealed" + std::to_string(i), "k1"};
    ASSERT_TRUE(s.WriteCase(w).ok());
  }
  CaseWrite unknown = Creating(MakeCase("c9", "ZWN"));
  unknown.patient = SealedPatient{"", "sealed-nobsn", "k1"};  // BSN not known
  ASSERT_TRUE(s.WriteCase(unknown).ok());
  using V = std::vector<std::string>;
  EXPECT_EQ(*s.CasesOfPatient("hash-1", kT0, 100), (V{"c2", "c1", "c0"}));
  EXPECT_EQ(*s.CasesOfPatient("hash-1", kT0 + std::chrono::hours(1), 100), (V{"c2", "c1"}));
  EXPECT_EQ(*s.CasesOfPatient("hash-1", kT0, 1), (V{"c2"}));
  EXPECT_EQ(*s.CasesOfPatient("other", kT0, 100), (V{"c3"}));
  EXPECT_TRUE(s.CasesOfPatient("", kT0, 100)->empty()) << "an unknown BSN links no cases";
  EXPECT_EQ((*s.CasePatient("c9"))->sealed, "sealed-nobsn");

  Contact k;
  k.bsn_hash = "hash-1";
  k.organization_id = "ZWN-H1";
  k.kind = "hap-call";
  k.urgency = Urgency::kU3;
  k.sealed = "advice";
  k.key_id = "k1";
  std::vector<Contact> batch;
  for (int i = 0; i < 3; ++i) {
    k.at = kT0 + std::chrono::hours(i);
    batch.push_back(k);
  }
  batch[1].urgency.reset();
  batch[2].bsn_hash = "other";
  batch[2].reported_at = kT0;
  const Time before = Now();
  auto added = s.AddContacts(batch, {Audit("contacts.add", "3")}, {Access("hash-1", "", "contacts.write")});
  ASSERT_TRUE(added.ok()) << added.status().message();
  ASSERT_EQ(added->size(), 3u);
  EXPECT_GT((*added)[0].id, 0);
  EXPECT_NE((*added)[0].id, (*added)[1].id);
  EXPECT_GE((*added)[0].reported_at, before);
  EXPECT_EQ((*added)[2].reported_at, kT0);
  auto of = s.ContactsOf("hash-1", kT0, 100);
  ASSERT_TRUE(of.ok()) << of.status().message();
  ASSERT_EQ(of->size(), 2u);
  EXPECT_EQ((*of)[0], (*added)[1]);  // newest first
  EXPECT_EQ((*of)[1], (*added)[0]);
  EXPECT_EQ(s.ContactsOf("hash-1", kT0 + std::chrono::hours(1), 100)->size(), 1u);
  EXPECT_EQ(s.ContactsOf("hash-1", kT0, 1)->size(), 1u);
  EXPECT_EQ(*s.ContactsOf("other", kT0, 100), (std::vector<Contact>{(*added)[2]}));
  EXPECT_TRUE(s.ContactsOf("", kT0, 100)->empty());
  EXPECT_EQ(s.ListAccess("hash-1", "", 0, 10)->at(0).action, "contacts.write");
  EXPECT_EQ(s.ListAudit(0, 1)->at(0).action, "contacts.add");
  EXPECT_EQ(s.AddContacts({}, {}, {}).status().code(), Code::kInvalid);
}

TEST_P(StoreContractTest, CaseEventsShareTheRegionSequenceWithCapacity) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 1), Audit("region.import", "OTH")).ok());
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1))).ok());  // 1
  auto c1 = s.WriteCase(Creating(MakeCase("c1", "ZWN")));                  // 2
  ASSERT_TRUE(c1.ok()) << c1.status().message();
  EXPECT_EQ(c1->region_version, 2);
  ASSERT_TRUE(s.WriteCase(Creating(MakeCase("x1", "OTH"))).ok());  // OTH 1
  CapacityWrite two;
  two.reports = {Report("ZWN-U0", kT0, 2), Report("ZWN-U1", kT0, 3)};  // 3, 4
  ASSERT_TRUE(s.WriteCapacity(two).ok());
  CaseWrite handover = Changing(c1->the_case, TimelineKind::kHandedOver);  // 5
  handover.the_case.state = CaseState::kHandedOver;
  handover.handovers = {MakeHandover("h1", "c1", "ZWN-V1", kT0)};
  handover.event_handover_id = "h1";
  auto h = s.WriteCase(handover);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->region_version, 5);
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U1", kT0, 4))).ok());  // 6
  auto c2 = s.WriteCase(Creating(MakeCase("c2", "ZWN")));                  // 7
  ASSERT_TRUE(c2.ok());

  auto events = s.CaseEventsSince("ZWN", 0, 100);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 3u);
  const CaseEvent& e0 = (*events)[0];
  EXPECT_EQ(e0.region_id, "ZWN");
  EXPECT_EQ(e0.version, 2);
  EXPECT_EQ(e0.kind, TimelineKind::kCreated);
  EXPECT_GT(e0.at, Time{});
  EXPECT_EQ(e0.case_now, *s.GetCase("c1")) << "the case as it is now";
  EXPECT_EQ(e0.case_now.state, CaseState::kHandedOver);
  EXPECT_FALSE(e0.handover.has_value());
  const CaseEvent& e1 = (*events)[1];
  EXPECT_EQ(e1.version, 5);
  EXPECT_EQ(e1.kind, TimelineKind::kHandedOver);
  ASSERT_TRUE(e1.handover.has_value());
  Handover expected = *s.GetHandover("h1");
  EXPECT_FALSE(expected.sbar.situation.empty());
  expected.sbar = Sbar{};
  EXPECT_EQ(*e1.handover, expected) << "the handover without its SBAR";
  EXPECT_EQ((*events)[2].version, 7);
  EXPECT_EQ((*events)[2].case_now.id, "c2");

  // Capacity and case versions together cover 1..n once each.
  std::vector<std::int64_t> all;
  auto capacity = s.CapacitySince("ZWN", 0, 100);
  ASSERT_TRUE(capacity.ok());
  for (const auto& r : *capacity) all.push_back(r.version);
  for (const auto& e : *events) all.push_back(e.version);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(*s.DataVersion("ZWN"), 7);
  EXPECT_EQ(s.CapacitySince("ZWN", 4, 100)->at(0).version, 6);
  EXPECT_EQ(s.LatestCapacity("ZWN")->size(), 2u);

  // after_version and limit.
  EXPECT_EQ(s.CaseEventsSince("ZWN", 2, 100)->size(), 2u);
  EXPECT_EQ(s.CaseEventsSince("ZWN", 2, 1)->at(0).version, 5);
  EXPECT_TRUE(s.CaseEventsSince("ZWN", 7, 100)->empty());
  auto oth = s.CaseEventsSince("OTH", 0, 100);
  ASSERT_EQ(oth->size(), 1u);
  EXPECT_EQ(oth->at(0).version, 1);
  EXPECT_EQ(*s.DataVersion("OTH"), 1);
}

TEST_P(StoreContractTest, PatientAccessLog) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  CaseWrite w = Creating(MakeCase("c1", "ZWN"));
  w.access = {Access("hash-1", "c1", "patient.write")};
  ASSERT_TRUE(s.WriteCase(w).ok());
  PatientAccess refused = Access("hash-1", "", "patient.read");
  refused.outcome = "denied";
  refused.break_glass = true;
  refused.at = kT0;
  const Time before = Now();
  ASSERT_TRUE(s.AppendAccess({refused, Access("hash-2", "c1", "patient.read")}).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(s.AppendAccess({Access("hash-1", "c1", "r" + std::to_string(i))}).ok());
  EXPECT_TRUE(s.AppendAccess({}).ok());

  auto by_bsn = s.ListAccess("hash-1", "", 0, 100);
  ASSERT_TRUE(by_bsn.ok()) << by_bsn.status().message();
  ASSERT_EQ(by_bsn->size(), 7u);
  EXPECT_EQ((*by_bsn)[0].action, "r4");  // newest first
  const PatientAccess& got = (*by_bsn)[5];
  EXPECT_GT(got.id, 0);
  refused.id = got.id;
  EXPECT_EQ(got, refused);
  EXPECT_EQ((*by_bsn)[6].action, "patient.write");
  EXPECT_GE((*by_bsn)[0].at, before);
  EXPECT_EQ(s.ListAccess("", "c1", 0, 100)->size(), 7u);
  EXPECT_EQ(s.ListAccess("hash-1", "c1", 0, 100)->size(), 6u);
  EXPECT_EQ(s.ListAccess("hash-2", "", 0, 100)->size(), 1u);

  // Paging by id.
  auto page1 = s.ListAccess("", "c1", 0, 3);
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_EQ((*page1)[0].action, "r4");
  EXPECT_EQ((*page1)[2].action, "r2");
  auto page2 = s.ListAccess("", "c1", page1->back().id, 3);
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].action, "r1");
  EXPECT_EQ((*page2)[2].action, "patient.read");
  auto page3 = s.ListAccess("", "c1", page2->back().id, 3);
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ((*page3)[0].action, "patient.write");
  EXPECT_EQ(s.ListAccess("", "", 0, 10).status().code(), Code::kInvalid);
}

TEST_P(StoreContractTest, BreakGlassGrantsAndReview) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.WriteCase(Creating(MakeCase("c1", "ZWN"))).ok());
  ASSERT_TRUE(s.WriteCase(Creating(MakeCase("c2", "ZWN"))).ok());
  BreakGlassGrant g{0, "bob", "c1", "patient unconscious", kT0, kT0 + std::chrono::hours(1), "", std::nullopt};
  PatientAccess a = Access("hash-1", "c1", "break-glass");
  a.break_glass = true;
  auto g1 = s.GrantBreakGlass(g, a, Audit("break-glass.grant", "c1"));
  ASSERT_TRUE(g1.ok()) << g1.status().message();
  EXPECT_GT(g1->id, 0);
  g.id = g1->id;
  EXPECT_EQ(*g1, g);
  BreakGlassGrant g2 = g;
  g2.case_id = "c2";
  g2.granted_at = kT0 + std::chrono::minutes(1);
  auto second = s.GrantBreakGlass(g2, a, Audit("break-glass.grant", "c2"));
  ASSERT_TRUE(second.ok());
  g2.id = second->id;
  EXPECT_TRUE(s.ListAccess("hash-1", "", 0, 10)->at(0).break_glass);
  EXPECT_EQ(s.ListAudit(0, 1)->at(0).action, "break-glass.grant");
  BreakGlassGrant nowhere = g;
  nowhere.case_id = "c9";
  EXPECT_EQ(s.GrantBreakGlass(nowhere, a, Audit("break-glass.grant", "c9")).status().code(), Code::kNotFound);

  // Valid from granted_at until (not including) expires_at, for that user and case.
  auto active = s.ActiveBreakGlass("bob", "c1", kT0 + std::chrono::minutes(30));
  ASSERT_TRUE(active.ok()) << active.status().message();
  ASSERT_TRUE(active->has_value());
  EXPECT_EQ((*active)->case_id, "c1");
  EXPECT_TRUE(s.ActiveBreakGlass("bob", "c1", kT0)->has_value());
  EXPECT_FALSE(s.ActiveBreakGlass("bob", "c1", kT0 + std::chrono::hours(1))->has_value());
  EXPECT_FALSE(s.ActiveBreakGlass("bob", "c1", kT0 - std::chrono::minutes(1))->has_value());
  EXPECT_FALSE(s.ActiveBreakGlass("eve", "c1", kT0 + std::chrono::minutes(30))->has_value());
  EXPECT_FALSE(s.ActiveBreakGlass("bob", "c2", kT0)->has_value());

  auto open = s.UnreviewedBreakGlass(100);
  ASSERT_TRUE(open.ok()) << open.status().message();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0], g);  // oldest first
  EXPECT_EQ((*open)[1], g2);
  EXPECT_EQ(s.UnreviewedBreakGlass(1)->size(), 1u);

  const Time at = kT0 + std::chrono::hours(3);
  ASSERT_TRUE(s.ReviewBreakGlass(g.id, "privacy", at, Audit("break-glass.review", "1")).ok());
  EXPECT_EQ(s.ReviewBreakGlass(g.id, "privacy", at, Audit("break-glass.review", "1")).code(), Code::kConflict);
  EXPECT_EQ(s.ReviewBreakGlass(999999, "privacy", at, Audit("break-glass.review", "x")).code(), Code::kNotFound);
  open = s.UnreviewedBreakGlass(100);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0], g2);
  auto reviewed = s.ActiveBreakGlass("bob", "c1", kT0 + std::chrono::minutes(30));
  ASSERT_TRUE(reviewed->has_value());
  EXPECT_EQ((*reviewed)->reviewed_by, "privacy");
  EXPECT_EQ((*reviewed)->reviewed_at, at);
  EXPECT_EQ(s.ListAudit(0, 1)->at(0).action, "break-glass.review");
  auto one = s.GetBreakGlass(g.id);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(*one, **reviewed);
  EXPECT_EQ(*s.GetBreakGlass(g2.id), g2);
  EXPECT_EQ(s.GetBreakGlass(999999).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, ConcurrentCaseWritersOneWins) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  auto created = s.WriteCase(Creating(MakeCase("c1", "ZWN")));
  ASSERT_TRUE(created.ok()) << created.status().message();
  Case current = created->the_case;
  constexpr int kRounds = 10;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> ok{0}, stale{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        CaseWrite w = Changing(current);
        w.the_case.summary = "writer " + std::to_string(t);
        w.timeline = {{Time{}, "t" + std::to_string(t), TimelineKind::kNote, "x"}};
        while (!go.load()) std::this_thread::yield();
        auto r = s.WriteCase(std::move(w));
        if (r.ok()) {
          ++ok;
        } else if (r.status().code() == Code::kPreconditionFailed) {
          ++stale;
        } else {
          ++other;
        }
      });
    }
    go = true;
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(stale.load(), kThreads - 1);
    ASSERT_EQ(other.load(), 0);
    current = *s.GetCase("c1");
    EXPECT_EQ(current.version, round + 2);
  }
  EXPECT_EQ(*s.DataVersion("ZWN"), kRounds + 1);
  EXPECT_EQ(s.CaseTimeline("c1")->size(), static_cast<size_t>(kRounds) + 1);
  EXPECT_EQ(s.CaseEventsSince("ZWN", 0, 100)->size(), static_cast<size_t>(kRounds) + 1);
}

// The KPIs' read: a region's cases received in [from, to) with their
// handovers, without the free text, bounded by limit.
TEST_P(StoreContractTest, KpiCasesOfAPeriodWithTheirHandovers) {
  Store& s = store();
  ASSERT_TRUE(s.ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(s.ImportRegion(MakeRegion("OTH", 1), Audit("region.import", "OTH")).ok());
  using std::chrono::minutes;
  const Time from = kT0, to = kT0 + std::chrono::hours(24);
  EXPECT_TRUE(s.KpiCases("ZWN", from, to, 100)->empty());
  for (const auto& [id, at] : std::vector<std::pair<std::string, Time>>{{"before", from - minutes(1)},
                                                                        {"c-late", to - std::chrono::milliseconds(1)},
                                                                        {"c-first", from},
                                                                        {"c-mid", from + minutes(60)},
                                                                        {"at-to", to}}) {
    ASSERT_TRUE(s.WriteCase(Creating(MakeCase(id, "ZWN", at))).ok()) << id;
  }
  ASSERT_TRUE(s.WriteCase(Creating(MakeCase("other-region", "OTH", from + minutes(5)))).ok());
  // c-mid: closed, with a pathway, two handovers (the first declined, the second accepted).
  Case mid = *s.GetCase("c-mid");
  CaseWrite w = Changing(mid, TimelineKind::kClosed);
  w.the_case.state = CaseState::kClosed;
  w.the_case.urgency = Urgency::kU3;
  w.the_case.complaint = "dyspnoea";
  w.the_case.triaged_at = mid.received_at + minutes(3);
  w.the_case.closed_at = mid.received_at + minutes(90);
  w.the_case.outcome = Outcome::kReferred;
  w.the_case.pathway = PathwayUse{"copd", 2, "", "no nurse free"};
  Handover second = MakeHandover("h2", "c-mid", "ZWN-V1", mid.received_at + minutes(40));
  second.state = HandoverState::kCompleted;
  second.answered_at = second.requested_at + minutes(2);
  second.escalations = 1;
  Handover first = MakeHandover("h1", "c-mid", "ZWN-H1", mid.received_at + minutes(10));
  first.state = HandoverState::kRejected;
  first.reason = "vol";
  w.handovers = {second, first};
  ASSERT_TRUE(s.WriteCase(w).ok());
  Handover elsewhere = MakeHandover("h3", "before", "ZWN-H1", from);
  CaseWrite wb = Changing(*s.GetCase("before"));
  wb.handovers = {elsewhere};
  ASSERT_TRUE(s.WriteCase(wb).ok());

  auto got = s.KpiCases("ZWN", from, to, 100);
  ASSERT_TRUE(got.ok()) << got.status().message();
  std::vector<std::string> ids;
  for (const auto& k : *got) ids.push_back(k.the_case.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"c-first", "c-mid", "c-late"})) << "[from, to), oldest received first";
  const KpiCase& k = (*got)[1];
  EXPECT_EQ(k.the_case.state, CaseState::kClosed);
  EXPECT_EQ(k.the_case.outcome, Outcome::kReferred);
  EXPECT_EQ(k.the_case.triaged_at, w.the_case.triaged_at);
  EXPECT_EQ(k.the_case.pathway, w.the_case.pathway);
  EXPECT_EQ(k.the_case.requesting_organization_id, "ZWN-H1");
  EXPECT_EQ(k.the_case.channel, Channel::kHap);
  EXPECT_EQ(k.the_case.subregion_id, "ZWN-A");
  EXPECT_EQ(k.the_case.summary, "") << "no free text";
  EXPECT_EQ(k.the_case.caller, Caller{});
  ASSERT_EQ(k.handovers.size(), 2u);
  EXPECT_EQ(k.handovers[0].id, "h1") << "oldest requested first";
  EXPECT_EQ(k.handovers[0].state, HandoverState::kRejected);
  EXPECT_EQ(k.handovers[0].reason, "");
  EXPECT_EQ(k.handovers[0].sbar, Sbar{});
  EXPECT_EQ(k.handovers[1].id, "h2");
  EXPECT_EQ(k.handovers[1].answered_at, second.answered_at);
  EXPECT_EQ(k.handovers[1].escalations, 1);
  EXPECT_EQ(k.handovers[1].requested_at, second.requested_at);
  EXPECT_TRUE((*got)[0].handovers.empty());
  EXPECT_TRUE((*got)[2].handovers.empty());

  auto limited = s.KpiCases("ZWN", from, to, 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].handovers.size(), 2u);
  EXPECT_EQ(s.KpiCases("OTH", from, to, 100)->size(), 1u);
  EXPECT_TRUE(s.KpiCases("NOPE", from, to, 100)->empty());
  EXPECT_TRUE(s.KpiCases("ZWN", to, to + std::chrono::hours(1), 100)->size() == 1u) << "at-to";
}

}  // namespace ozcc::store_test

// Each capability's further contract cases.
#include "support/pathway_store_contract.h"     // IWYU pragma: export
#include "support/phase_store_contract.h"       // IWYU pragma: export
#include "support/placement_store_contract.h"   // IWYU pragma: export
#include "support/simulation_store_contract.h"  // IWYU pragma: export
#include "support/spreading_store_contract.h"   // IWYU pragma: export
#include "support/transfer_store_contract.h"    // IWYU pragma: export
