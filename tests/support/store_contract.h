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

  // Re-import: renamed unit, one unit dropped (it has no reports).
  RegionData v2 = MakeRegion("ZWN", 4);
  v2.units[0].name = "SEH renamed";
  ASSERT_TRUE(s.ImportRegion(v2, Audit("region.import", "ZWN")).ok());
  EXPECT_EQ(s.ListUnits("ZWN")->size(), 4u);
  EXPECT_EQ(s.GetUnit("ZWN-U0")->unit.name, "SEH renamed");
  EXPECT_EQ(s.GetUnit("ZWN-U4").status().code(), Code::kNotFound);

  // A unit with reports cannot be dropped; nothing of that import is applied.
  ASSERT_TRUE(s.WriteCapacity(OneReport(Report("ZWN-U3", kT0, 1))).ok());
  RegionData v3 = MakeRegion("ZWN", 3);
  v3.region.name = "should not stick";
  auto st = s.ImportRegion(v3, Audit("region.import", "ZWN"));
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_NE(st.message().find("ZWN-U3"), std::string::npos);
  EXPECT_EQ(s.GetRegion("ZWN")->region.name, "Region ZWN");
  EXPECT_EQ(s.ListUnits("ZWN")->size(), 4u);

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

}  // namespace ozcc::store_test
