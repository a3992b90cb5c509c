// Tests of what is particular to the SQLite Store: URLs, migrations, group
// commit and its counters, durability across reopen, the append-only audit
// log, access log and contacts enforced by the schema, in-memory and file concurrency. What every
// Store must do is the contract (tests/support/store_contract.h), run here too.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/migrations.h"
#include "store/store.h"
#include "support/store_contract.h"

namespace ozcc {
namespace {

using sqlite::SqliteStore;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ozcc-store-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

// Shared with the backend-neutral contract (tests/support/store_contract.h).
using store_test::Audit;
using store_test::kT0;
using store_test::MakeRegion;
using store_test::OneReport;
using store_test::Report;

std::unique_ptr<SqliteStore> OpenSqlite(const std::string& path) {
  SqliteStore::Options o;
  o.path = path;
  auto s = SqliteStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return nullptr;
  EXPECT_TRUE(s.value()->Migrate().ok());
  return std::move(s).value();
}

std::unique_ptr<Store> OpenOk(const std::string& url) {
  auto s = OpenStore(url);
  EXPECT_TRUE(s.ok()) << url << ": " << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Runs SQL on a separate raw connection; returns the SQLite result code and the message.
std::pair<int, std::string> RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  return {rc, msg};
}

std::int64_t RawCount(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

TEST(SqliteStoreTest, OpenStoreUrls) {
  TempDir dir;
  EXPECT_TRUE(OpenOk(":memory:") != nullptr);
  EXPECT_TRUE(OpenOk("sqlite:" + dir.File("a.db")) != nullptr);
  EXPECT_TRUE(OpenOk(dir.File("b.db")) != nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.File("a.db")));
  // PostgreSQL URLs select the other backend; nothing listens on port 1.
  auto pg = OpenStore("postgresql://user@127.0.0.1:1/ozcc?connect_timeout=2");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.status().code(), Code::kUnavailable);
  EXPECT_FALSE(OpenStore("").ok());
  EXPECT_FALSE(OpenStore(dir.File("no/such/dir/c.db")).ok());
}

TEST(SqliteStoreTest, MigrationsAreIdempotent) {
  TempDir dir;
  const std::string path = dir.File("m.db");
  const auto expected = static_cast<std::int64_t>(sqlite::Migrations().size());
  ASSERT_GT(expected, 0);
  for (int round = 0; round < 2; ++round) {
    auto store = OpenSqlite(path);
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->Migrate().ok());  // again on the same connection
    EXPECT_TRUE(store->Ping().ok());
  }
  EXPECT_EQ(RawCount(path, "SELECT COUNT(*) FROM schema_migrations"), expected);
  EXPECT_EQ(RawCount(path, "SELECT MAX(version) FROM schema_migrations"), sqlite::Migrations().back().version);
}

TEST(SqliteStoreTest, RefusesSchemaNewerThanBuild) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  { ASSERT_TRUE(OpenOk(path)); }
  auto [rc, msg] = RawExec(path, "INSERT INTO schema_migrations VALUES (9999, '9999_future', 0)");
  ASSERT_EQ(rc, SQLITE_OK) << msg;
  auto s = OpenStore(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST(SqliteStoreTest, PingNeedsMigration) {
  SqliteStore::Options o;
  o.path = ":memory:";
  auto s = SqliteStore::Open(o);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s.value()->Ping().ok());
  ASSERT_TRUE(s.value()->Migrate().ok());
  EXPECT_TRUE(s.value()->Ping().ok());
}

TEST(SqliteStoreTest, MemoryStoresAreIndependent) {
  auto a = OpenOk(":memory:");
  auto b = OpenOk("sqlite::memory:");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  EXPECT_EQ(a->ListRegions()->size(), 1u);
  EXPECT_EQ(b->ListRegions()->size(), 0u);
}

TEST(SqliteStoreTest, ConcurrentWritesAreGroupedAndAllStored) {
  TempDir dir;
  const std::string path = dir.File("gc.db");
  auto store = OpenSqlite(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 16), Audit("region.import", "ZWN")).ok());
  const auto base = store->Stats();

  constexpr int kThreads = 32;
  constexpr int kPerThread = 40;
  std::vector<std::vector<std::int64_t>> versions(kThreads);
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        CapacityWrite w = OneReport(Report("ZWN-U" + std::to_string((t + i) % 16), kT0 + std::chrono::seconds(i), t));
        w.audit = {Audit("capacity.write", "t" + std::to_string(t))};
        auto r = store->WriteCapacity(std::move(w));
        if (!r.ok()) {
          ++failures;
          continue;
        }
        versions[t].push_back(r->reports[0].version);
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  EXPECT_EQ(*store->DataVersion("ZWN"), kTotal);
  EXPECT_EQ(store->CapacitySince("ZWN", 0, 100000)->size(), static_cast<size_t>(kTotal));

  const auto stats = store->Stats();
  const std::int64_t writes = stats.writes - base.writes;
  const std::int64_t groups = stats.groups - base.groups;
  EXPECT_EQ(writes, kTotal);
  EXPECT_LT(groups, writes);
  EXPECT_EQ(stats.failed_groups, 0);
  std::printf("[ measured ] %lld durable writes in %lld commits (largest group %lld), %.0f writes/s\n",
              static_cast<long long>(writes), static_cast<long long>(groups),
              static_cast<long long>(stats.largest_group), static_cast<double>(writes) / seconds);
  EXPECT_EQ(RawCount(path, "SELECT COUNT(*) FROM capacity_reports"), kTotal);
}

// The writer's counters (behaviour of a failing write in a group: the contract's
// FailingWriteInAGroupDoesNotHurtOthers).
TEST(SqliteStoreTest, StatsCountFailedWritesApartFromGroups) {
  auto store = OpenSqlite(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  const auto base = store->Stats();
  ASSERT_TRUE(store->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1))).ok());
  EXPECT_EQ(store->WriteCapacity(OneReport(Report("missing", kT0, 1))).status().code(), Code::kNotFound);
  const auto stats = store->Stats();
  EXPECT_EQ(stats.writes - base.writes, 2);
  EXPECT_EQ(stats.failed_writes - base.failed_writes, 1);
  EXPECT_EQ(stats.failed_groups - base.failed_groups, 0);  // the failing write was rolled back alone
}

TEST(SqliteStoreTest, DataSurvivesReopen) {
  TempDir dir;
  const std::string path = dir.File("durable.db");
  {
    auto store = OpenOk("sqlite:" + path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->WriteCapacity(OneReport(Report("ZWN-U1", kT0, i))).ok());
    UserRecord u{"alice", "$argon2id$x", Role::kRoazCoordinator, "", "ZWN", false};
    ASSERT_TRUE(store->CreateUser(u, Audit("user.add", "alice")).ok());
  }
  auto store = OpenOk(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->DataVersion("ZWN"), 5);
  auto latest = store->LatestCapacity("ZWN");
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].beds->available, 4);
  EXPECT_EQ(store->ListUnits("ZWN")->size(), 3u);
  EXPECT_EQ(store->GetUser("alice")->role, Role::kRoazCoordinator);
  EXPECT_EQ(store->ListAudit(0, 10)->size(), 2u);
  auto next = store->WriteCapacity(OneReport(Report("ZWN-U2", kT0, 1)));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->version, 6);
}

TEST(SqliteStoreTest, TheWalIsCheckpointedByItsOwnThreadAndNothingIsLost) {
  TempDir dir;
  const std::string path = dir.File("checkpointed.db");
  SqliteStore::Options o;
  o.path = path;
  o.checkpoint_pages = 8;  // every few commits
  {
    auto opened = SqliteStore::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    auto& store = **opened;
    ASSERT_TRUE(store.Migrate().ok());
    ASSERT_TRUE(store.ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(store.WriteCapacity(OneReport(Report("ZWN-U1", kT0, i % 9))).ok());
    // The checkpointer is asked after commits; wait (not a timing goal) until it has run.
    for (int i = 0; i < 1000 && store.checkpoints() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(store.checkpoints(), 0);
    EXPECT_EQ(store.failed_checkpoints(), 0);
    // Without checkpoints, or with a log never started again, it would hold
    // every commit's pages (200 commits of at least 2 pages each).
    EXPECT_LT(store.wal_frames(), 200 * 2) << "the write-ahead log was never started again";
  }
  auto store = OpenOk(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->DataVersion("ZWN"), 200);
  EXPECT_EQ(RawCount(path, "SELECT COUNT(*) FROM capacity_reports"), 200);
  EXPECT_EQ(RawExec(path, "PRAGMA integrity_check").first, SQLITE_OK);
}

TEST(SqliteStoreTest, AuditIsAppendOnly) {
  TempDir dir;
  const std::string path = dir.File("audit.db");
  auto store = OpenOk(path);
  ASSERT_TRUE(store);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(store->AppendAudit(Audit("auth.login", "u" + std::to_string(i))).ok());

  auto page1 = store->ListAudit(0, 3);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_EQ((*page1)[0].object, "u6");
  EXPECT_EQ((*page1)[2].object, "u4");
  EXPECT_GT((*page1)[0].id, (*page1)[1].id);
  EXPECT_EQ((*page1)[0].request_id, "req-1");
  auto page2 = store->ListAudit(page1->back().id, 3);
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].object, "u3");
  auto page3 = store->ListAudit(page2->back().id, 3);
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ((*page3)[0].object, "u0");

  auto upd = RawExec(path, "UPDATE audit SET outcome = 'denied'");
  EXPECT_NE(upd.first, SQLITE_OK);
  EXPECT_NE(upd.second.find("append-only"), std::string::npos);
  auto del = RawExec(path, "DELETE FROM audit");
  EXPECT_NE(del.first, SQLITE_OK);
  EXPECT_NE(del.second.find("append-only"), std::string::npos);
  EXPECT_EQ(store->ListAudit(0, 100)->size(), 7u);
  EXPECT_EQ((*store->ListAudit(0, 1))[0].outcome, "ok");
}

TEST(SqliteStoreTest, AccessLogAndContactsAreAppendOnly) {
  TempDir dir;
  const std::string path = dir.File("access.db");
  auto store = OpenOk(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AppendAccess({store_test::Access("h", "", "patient.read")}).ok());
  Contact k;
  k.bsn_hash = "h";
  k.at = kT0;
  ASSERT_TRUE(store->AddContacts({k}, {}, {}).ok());
  for (const char* sql : {"UPDATE patient_access SET outcome = 'denied'", "DELETE FROM patient_access",
                          "UPDATE contacts SET kind = 'x'", "DELETE FROM contacts"}) {
    auto [rc, msg] = RawExec(path, sql);
    EXPECT_NE(rc, SQLITE_OK) << sql;
    EXPECT_NE(msg.find("append-only"), std::string::npos) << sql << ": " << msg;
  }
  EXPECT_EQ(store->ListAccess("h", "", 0, 10)->at(0).outcome, "ok");
  EXPECT_EQ(store->ContactsOf("h", kT0, 10)->size(), 1u);
}

TEST(SqliteStoreTest, MemoryStoreWorksFromManyThreads) {
  auto store = OpenOk(":memory:");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 8), Audit("region.import", "ZWN")).ok());
  constexpr int kWriters = 8;
  constexpr int kReaders = 4;
  constexpr int kPerWriter = 50;
  std::atomic<int> errors{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  threads.reserve(64);
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i) {
        if (!store->WriteCapacity(OneReport(Report("ZWN-U" + std::to_string(t), kT0 + std::chrono::seconds(i), i)))
                 .ok()) {
          ++errors;
        }
      }
    });
  }
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&] {
      std::int64_t last = 0;
      while (!done.load()) {
        auto v = store->DataVersion("ZWN");
        auto latest = store->LatestCapacity("ZWN");
        auto region = store->GetRegion("ZWN");
        if (!v.ok() || !latest.ok() || !region.ok() || region->units.size() != 8u) ++errors;
        if (v.ok()) {
          if (*v < last) ++errors;  // versions never go back
          last = *v;
        }
        // A reader never sees a report whose version is beyond what it read as committed before.
        if (latest.ok()) {
          for (const auto& r : *latest)
            if (r.version > *store->DataVersion("ZWN")) ++errors;
        }
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) threads[t].join();
  done = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(*store->DataVersion("ZWN"), kWriters * kPerWriter);
  auto latest = store->LatestCapacity("ZWN");
  ASSERT_EQ(latest->size(), static_cast<size_t>(kWriters));
  for (const auto& r : *latest) {
    EXPECT_EQ(r.as_of, kT0 + std::chrono::seconds(kPerWriter - 1));
  }
}

TEST(SqliteStoreTest, FileStoreReadsWhileWriting) {
  TempDir dir;
  auto store = OpenOk(dir.File("rw.db"));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 4), Audit("region.import", "ZWN")).ok());
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  readers.reserve(6);
  for (int t = 0; t < 6; ++t) {  // more readers than pooled connections
    readers.emplace_back([&] {
      std::int64_t last = 0;
      while (!done.load()) {
        auto v = store->DataVersion("ZWN");
        auto since = store->CapacitySince("ZWN", 0, 100000);
        if (!v.ok() || !since.ok() || *v < last) ++errors;
        if (v.ok()) last = *v;
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    if (!store->WriteCapacity(OneReport(Report("ZWN-U" + std::to_string(i % 4), kT0, i))).ok()) ++errors;
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(*store->DataVersion("ZWN"), 100);
}

// The backend-neutral store contract (tests/support/store_contract.h), also
// instantiated for PostgreSQL in postgres_store_test.cc. It covers region
// import, versions, batch atomicity and idempotency for both backends.
store_test::FreshStore OpenFreshSqlite() {
  store_test::FreshStore f;
  auto s = OpenStore(":memory:");
  if (s.ok()) f.store = std::move(s).value();
  return f;
}
using store_test::StoreContractTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(store_test::StoreBackend{"sqlite", &OpenFreshSqlite}),
                         store_test::StoreBackendName);

}  // namespace
}  // namespace ozcc
