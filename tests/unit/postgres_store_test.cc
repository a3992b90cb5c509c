// Tests of the PostgreSQL Store: the shared Store contract
// (support/store_contract.h) plus what only PostgreSQL has: migrations under
// an advisory lock, group-commit statistics, two instances on one database,
// the append-only triggers at SQL level, reconnects after pg_terminate_backend, and
// Ping while the database refuses connections.
//
// Needs OZCC_TEST_PG=postgresql://… (a role allowed to CREATE DATABASE); every
// test runs in a database of its own, dropped afterwards. Without it every
// test is skipped. `scripts/with-postgres.sh <cmd>` provides a throwaway server.
#include <gtest/gtest.h>

// Without libpq on the include path the backend is not built (see store.cc);
// this file then compiles to one skipped test.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "support/api_fixture.h"
#include "support/store_contract.h"

namespace ozcc {
namespace {

using postgres::PostgresStore;
using namespace store_test;  // NOLINT(google-build-using-namespace)
using test::PgAdminUrl;
using test::WithDatabase;

constexpr const char* kSkip = "OZCC_TEST_PG is not set; run under scripts/with-postgres.sh to test PostgreSQL";

// A raw libpq session for checks behind the store's back.
class Raw {
 public:
  explicit Raw(const std::string& url) : c_(PQconnectdb(url.c_str())) {
    PQsetNoticeProcessor(
        c_, [](void*, const char*) {}, nullptr);
  }
  ~Raw() { PQfinish(c_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  // Runs sql; returns "" on success, else the error message.
  std::string Exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    std::string err = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(r);
    if (err.empty() && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) err = "failed";
    PQclear(r);
    return err;
  }
  std::int64_t Int(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    std::int64_t v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
      v = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    }
    PQclear(r);
    return v;
  }

 private:
  PGconn* c_;
};

// A database of its own for one test; dropped (with its sessions) on destruction.
class TestDb {
 public:
  TestDb() {
    static std::atomic<int> counter{0};
    name_ = "ozcc_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    Raw admin(PgAdminUrl());
    EXPECT_TRUE(admin.ok());
    std::string err = admin.Exec("CREATE DATABASE " + name_);
    EXPECT_EQ(err, "");
    url_ = WithDatabase(PgAdminUrl(), name_);
  }
  ~TestDb() {
    Raw admin(PgAdminUrl());
    admin.Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

std::unique_ptr<PostgresStore> OpenPg(const std::string& url, bool migrate = true, int max_retries = 8) {
  PostgresStore::Options o;
  o.url = url;
  o.max_retries = max_retries;
  auto s = PostgresStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return nullptr;
  if (migrate) {
    Status st = s.value()->Migrate();
    EXPECT_TRUE(st.ok()) << st.message();
  }
  return std::move(s).value();
}

FreshStore OpenFreshPostgres() {
  FreshStore f;
  if (PgAdminUrl().empty()) {
    f.skip = kSkip;
    return f;
  }
  auto db = std::make_shared<TestDb>();
  auto s = OpenStore(db->url());
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (s.ok()) f.store = std::move(s).value();
  f.drop = [db]() mutable { db.reset(); };
  return f;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest, ::testing::Values(StoreBackend{"postgres", &OpenFreshPostgres}),
                         StoreBackendName);

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgAdminUrl().empty()) GTEST_SKIP() << kSkip;
    db_ = std::make_unique<TestDb>();
  }
  const std::string& url() const { return db_->url(); }
  std::unique_ptr<TestDb> db_;
};

TEST_F(PostgresStoreTest, OpenStoreUrls) {
  auto a = OpenStore(url());
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE((*a)->Ping().ok());
  std::string alt = url();
  alt.replace(0, alt.find("://"), "postgres");
  auto b = OpenStore(alt);
  ASSERT_TRUE(b.ok()) << alt << ": " << b.status().message();
  EXPECT_TRUE((*b)->Ping().ok());
  // Nothing listens there: kUnavailable, not a crash or a hang.
  auto c = OpenStore("postgresql://ozcc@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnavailable);
}

TEST_F(PostgresStoreTest, MigrationsAreIdempotent) {
  const auto expected = static_cast<std::int64_t>(postgres::Migrations().size());
  ASSERT_GT(expected, 0);
  for (int round = 0; round < 2; ++round) {
    auto store = OpenPg(url());
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->Migrate().ok());  // again
    EXPECT_TRUE(store->Ping().ok());
  }
  Raw raw(url());
  EXPECT_EQ(raw.Int("SELECT COUNT(*) FROM schema_migrations"), expected);
  EXPECT_EQ(raw.Int("SELECT MAX(version) FROM schema_migrations"), postgres::Migrations().back().version);
}

TEST_F(PostgresStoreTest, ConcurrentMigrateFromManyStarters) {
  constexpr int kStarters = 6;
  std::vector<std::unique_ptr<PostgresStore>> stores;
  for (int i = 0; i < kStarters; ++i) {
    stores.push_back(OpenPg(url(), /*migrate=*/false));
    ASSERT_TRUE(stores.back());
  }
  EXPECT_FALSE(stores[0]->Ping().ok());  // not migrated yet
  std::vector<Status> results(kStarters);
  std::vector<std::thread> threads;
  threads.reserve(kStarters);
  // Two threads per store, three stores: same-instance and cross-instance races.
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i / 2]->Migrate(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r.message();
  Raw raw(url());
  EXPECT_EQ(raw.Int("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(postgres::Migrations().size()));
  for (auto& s : stores) EXPECT_TRUE(s->Ping().ok());
}

TEST_F(PostgresStoreTest, RefusesSchemaNewerThanBuild) {
  { ASSERT_TRUE(OpenPg(url())); }
  Raw raw(url());
  ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (9999, '9999_future', 0)"), "");
  auto s = OpenStore(url());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST_F(PostgresStoreTest, ConcurrentWritesAreGroupedIntoFewCommits) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 16), Audit("region.import", "ZWN")).ok());
  const auto base = store->Stats();
  constexpr int kThreads = 32;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!store->WriteCapacity(OneReport(Report("ZWN-U" + std::to_string((t + i) % 16), kT0, t))).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(failures.load(), 0);
  const auto stats = store->Stats();
  const std::int64_t writes = stats.writes - base.writes;
  const std::int64_t groups = stats.groups - base.groups;
  EXPECT_EQ(writes, kThreads * kPerThread);
  EXPECT_LT(groups, writes);
  EXPECT_EQ(stats.failed_groups, 0);
  std::printf("[ measured ] %lld durable writes in %lld commits (largest group %lld), %.0f writes/s\n",
              static_cast<long long>(writes), static_cast<long long>(groups),
              static_cast<long long>(stats.largest_group), static_cast<double>(writes) / seconds);
  Raw raw(url());
  EXPECT_EQ(raw.Int("SELECT COUNT(*) FROM capacity_reports"), kThreads * kPerThread);
}

// Two instances (two stores, two writer connections) on one database, writing
// to two regions at once, partly in batches that span both regions (locking
// them in different orders across groups): every version is handed out once,
// per region without gaps.
TEST_F(PostgresStoreTest, TwoInstancesKeepVersionsUniqueAndGapFree) {
  auto one = OpenPg(url());
  auto two = OpenPg(url());
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(one->ImportRegion(MakeRegion("A", 4), Audit("region.import", "A")).ok());
  ASSERT_TRUE(two->ImportRegion(MakeRegion("B", 4), Audit("region.import", "B")).ok());
  constexpr int kThreadsPerStore = 8;
  constexpr int kPerThread = 30;
  std::atomic<int> failures{0};
  std::atomic<std::int64_t> reports_a{0}, reports_b{0};
  std::mutex mu;
  std::map<std::string, std::vector<std::int64_t>> seen;  // region → versions returned
  std::vector<std::thread> threads;
  threads.reserve(2 * kThreadsPerStore);
  for (int t = 0; t < 2 * kThreadsPerStore; ++t) {
    threads.emplace_back([&, t] {
      PostgresStore& s = t % 2 == 0 ? *one : *two;
      for (int i = 0; i < kPerThread; ++i) {
        CapacityWrite w;
        const std::string first = (t + i) % 2 == 0 ? "A" : "B";
        const std::string second = first == "A" ? "B" : "A";
        w.reports.push_back(Report(first + "-U" + std::to_string(i % 4), kT0, i));
        if (i % 3 == 0) w.reports.push_back(Report(second + "-U" + std::to_string(t % 4), kT0, i));
        auto r = s.WriteCapacity(std::move(w));
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << r.status().message();
          continue;
        }
        std::lock_guard<std::mutex> lk(mu);
        for (const auto& rep : r->reports) {
          const std::string region = rep.unit_id.substr(0, 1);
          seen[region].push_back(rep.version);
          (region == "A" ? reports_a : reports_b)++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  for (const auto& [region, versions] : seen) {
    std::set<std::int64_t> unique(versions.begin(), versions.end());
    EXPECT_EQ(unique.size(), versions.size()) << region << ": a version was handed out twice";
    EXPECT_EQ(*unique.begin(), 1) << region;
    EXPECT_EQ(*unique.rbegin(), static_cast<std::int64_t>(versions.size())) << region << ": gap";
    EXPECT_EQ(*one->DataVersion(region), static_cast<std::int64_t>(versions.size()));
    EXPECT_EQ(*two->DataVersion(region), static_cast<std::int64_t>(versions.size()));
    auto since = two->CapacitySince(region, 0, 100000);
    ASSERT_TRUE(since.ok());
    ASSERT_EQ(since->size(), versions.size());
    for (size_t k = 0; k < since->size(); ++k) EXPECT_EQ((*since)[k].version, static_cast<std::int64_t>(k) + 1);
  }
  EXPECT_GT(reports_a.load(), 0);
  EXPECT_GT(reports_b.load(), 0);
  std::printf("[ measured ] retries after deadlock/serialisation failure: %lld + %lld\n",
              static_cast<long long>(one->Stats().retries), static_cast<long long>(two->Stats().retries));
}

// Case writes of two instances share the regions' sequences with capacity
// writes (one gap-free order per region), and the version check holds across
// instances: of the writers naming the same case version, one wins.
TEST_F(PostgresStoreTest, TwoInstancesShareCaseAndCapacityVersions) {
  auto one = OpenPg(url());
  auto two = OpenPg(url());
  ASSERT_TRUE(one && two);
  for (const std::string region : {"A", "B"}) {
    ASSERT_TRUE(one->ImportRegion(MakeRegion(region, 2), Audit("region.import", region)).ok());
    ASSERT_TRUE(one->WriteCase(store_test::Creating(store_test::MakeCase(region + "-c", region))).ok());
  }
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::atomic<int> wins{0}, stale{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresStore& s = t % 2 == 0 ? *one : *two;
      for (int i = 0; i < kPerThread; ++i) {
        const std::string region = (t + i) % 2 == 0 ? "A" : "B";
        if (i % 2 == 0) {
          auto r = s.WriteCapacity(OneReport(Report(region + "-U" + std::to_string(t % 2), kT0, i)));
          if (!r.ok()) ADD_FAILURE() << r.status().message();
          continue;
        }
        auto current = s.GetCase(region + "-c");
        ASSERT_TRUE(current.ok()) << current.status().message();
        auto r = s.WriteCase(store_test::Changing(*current));
        if (r.ok()) {
          ++wins;
        } else if (r.status().code() == Code::kPreconditionFailed) {
          ++stale;
        } else {
          ADD_FAILURE() << r.status().message();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins + stale, kThreads * kPerThread / 2);
  std::int64_t case_changes = 0;
  for (const std::string region : {"A", "B"}) {
    auto capacity = two->CapacitySince(region, 0, 100000);
    auto events = two->CaseEventsSince(region, 0, 100000);
    ASSERT_TRUE(capacity.ok() && events.ok());
    std::vector<std::int64_t> versions;
    for (const auto& r : *capacity) versions.push_back(r.version);
    for (const auto& e : *events) versions.push_back(e.version);
    std::sort(versions.begin(), versions.end());
    ASSERT_EQ(static_cast<std::int64_t>(versions.size()), *one->DataVersion(region)) << region;
    for (size_t k = 0; k < versions.size(); ++k) EXPECT_EQ(versions[k], static_cast<std::int64_t>(k) + 1) << region;
    const Case c = *one->GetCase(region + "-c");
    EXPECT_EQ(static_cast<std::int64_t>(events->size()), c.version) << region << ": one event per stored version";
    case_changes += c.version - 1;
  }
  EXPECT_EQ(case_changes, wins.load());
  std::printf("[ measured ] %d case writes won, %d stale; retries: %lld + %lld\n", wins.load(), stale.load(),
              static_cast<long long>(one->Stats().retries), static_cast<long long>(two->Stats().retries));
}

// A deadlock between the store's group and another session: the server aborts
// one of them; if it is the store's, the writer reruns the group and the
// caller still gets success, stored once.
TEST_F(PostgresStoreTest, RetriesAfterDeadlock) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("A", 2), Audit("region.import", "A")).ok());
  ASSERT_TRUE(store->ImportRegion(MakeRegion("B", 2), Audit("region.import", "B")).ok());
  Raw other(url());
  ASSERT_EQ(other.Exec("BEGIN"), "");
  ASSERT_EQ(other.Exec("UPDATE regions SET name = name WHERE id = 'B'"), "");
  Result<CapacityWriteResult> result = Status::Internal("not run");
  std::thread writer([&] {
    CapacityWrite w;
    w.reports = {Report("A-U0", kT0, 1), Report("B-U0", kT0, 2)};
    result = store->WriteCapacity(std::move(w));  // locks A, then waits for B
  });
  // Wait until the store's transaction waits for B's lock, then close the cycle. Only this test's database
  // counts: other tests wait for locks on the same server at the same time.
  const char* waiting =
      "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
  for (int i = 0; i < 1000 && other.Int(waiting) < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(other.Int(waiting), 1) << "the store's write never waited for region B";
  std::string err = other.Exec("UPDATE regions SET name = name WHERE id = 'A'");
  other.Exec(err.empty() ? "COMMIT" : "ROLLBACK");
  writer.join();
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(*store->DataVersion("A"), 1);
  EXPECT_EQ(*store->DataVersion("B"), 1);
  if (err.empty()) {
    EXPECT_GE(store->Stats().retries, 1);  // the store's transaction was the victim
  } else {
    EXPECT_NE(err.find("deadlock"), std::string::npos) << err;
  }
  Raw raw(url());
  EXPECT_EQ(raw.Int("SELECT COUNT(*) FROM capacity_reports"), 2);
}

TEST_F(PostgresStoreTest, DataSurvivesReopen) {
  {
    auto store = OpenStore(url());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*store)->WriteCapacity(OneReport(Report("ZWN-U1", kT0, i))).ok());
    UserRecord u{"alice", "$argon2id$x", Role::kRoazCoordinator, "", "ZWN", false};
    ASSERT_TRUE((*store)->CreateUser(u, Audit("user.add", "alice")).ok());
  }
  auto store = OpenStore(url());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->DataVersion("ZWN"), 5);
  auto latest = (*store)->LatestCapacity("ZWN");
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].beds->available, 4);
  EXPECT_EQ((*store)->GetUser("alice")->role, Role::kRoazCoordinator);
  EXPECT_EQ((*store)->ListAudit(0, 10)->size(), 2u);
  auto next = (*store)->WriteCapacity(OneReport(Report("ZWN-U2", kT0, 1)));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->version, 6);
}

// libpq reads a text parameter up to its first NUL, so "alice\0x" would be
// "alice": the store refuses such text instead (found by the bad-input
// corpus, where a sign-in as "admin\0x" became one as "admin").
TEST_F(PostgresStoreTest, TextWithNulIsRefusedNotCut) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 1), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(
      store->CreateUser({"alice", "$argon2id$x", Role::kViewer, "", "ZWN", false}, Audit("user.add", "alice")).ok());
  const std::string nul(1, '\0');
  auto user = store->GetUser("alice" + nul + "x");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().code(), Code::kInvalid);
  EXPECT_EQ(store->GetUnit("ZWN-U0" + nul).status().code(), Code::kInvalid);
  EXPECT_EQ(store->WriteCapacity(OneReport(Report("ZWN-U0" + nul, kT0, 1))).status().code(), Code::kInvalid);
  EXPECT_EQ(*store->DataVersion("ZWN"), 0);
  EXPECT_TRUE(store->GetUser("alice").ok());
}

TEST_F(PostgresStoreTest, AuditIsAppendOnlyInTheDatabase) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->AppendAudit(Audit("auth.login", "u" + std::to_string(i))).ok());
  Raw raw(url());
  EXPECT_NE(raw.Exec("UPDATE audit SET outcome = 'denied'").find("append-only"), std::string::npos);
  EXPECT_NE(raw.Exec("DELETE FROM audit").find("append-only"), std::string::npos);
  EXPECT_NE(raw.Exec("TRUNCATE audit").find("append-only"), std::string::npos);
  EXPECT_EQ(store->ListAudit(0, 100)->size(), 3u);
  EXPECT_EQ((*store->ListAudit(0, 1))[0].outcome, "ok");
}

TEST_F(PostgresStoreTest, AccessLogAndContactsAreAppendOnlyInTheDatabase) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AppendAccess({store_test::Access("h", "", "patient.read")}).ok());
  Contact k;
  k.bsn_hash = "h";
  k.at = kT0;
  ASSERT_TRUE(store->AddContacts({k}, {}, {}).ok());
  Raw raw(url());
  for (const char* sql :
       {"UPDATE patient_access SET outcome = 'denied'", "DELETE FROM patient_access", "TRUNCATE patient_access",
        "UPDATE contacts SET kind = 'x'", "DELETE FROM contacts", "TRUNCATE contacts"}) {
    EXPECT_NE(raw.Exec(sql).find("append-only"), std::string::npos) << sql;
  }
  EXPECT_EQ(store->ListAccess("h", "", 0, 10)->at(0).outcome, "ok");
  EXPECT_EQ(store->ContactsOf("h", kT0, 10)->size(), 1u);
}

TEST_F(PostgresStoreTest, ReconnectsAfterBackendsAreTerminated) {
  auto store = OpenPg(url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(store->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1))).ok());
  ASSERT_TRUE(store->LatestCapacity("ZWN").ok());  // opens a read connection
  const auto pids = store->BackendPids();
  ASSERT_GE(pids.size(), 2u);
  Raw admin(PgAdminUrl());
  for (int pid : pids) {
    EXPECT_EQ(admin.Int("SELECT pg_terminate_backend(" + std::to_string(pid) + ")::int"), 1);
  }
  // Reads and writes recover on fresh connections, without errors to the callers.
  EXPECT_TRUE(store->Ping().ok());
  auto latest = store->LatestCapacity("ZWN");
  ASSERT_TRUE(latest.ok()) << latest.status().message();
  EXPECT_EQ(latest->size(), 1u);
  auto w = store->WriteCapacity(OneReport(Report("ZWN-U1", kT0, 2)));
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_EQ(w->version, 2);
  EXPECT_GE(store->Stats().reconnects, 2);
  const auto after = store->BackendPids();
  for (int pid : after) EXPECT_EQ(std::count(pids.begin(), pids.end(), pid), 0);
}

// Collects what a store's change feed reports.
class ChangeLog {
 public:
  ChangeHandler Handler() {
    return [this](const StoreChange& c) {
      std::lock_guard lock(mu_);
      changes_.push_back(c);
      cv_.notify_all();
    };
  }
  // Waits (up to 10 s) until `pred` holds for some change; returns it.
  std::optional<StoreChange> WaitFor(const std::function<bool(const StoreChange&)>& pred) {
    std::unique_lock lock(mu_);
    std::optional<StoreChange> found;
    cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      for (const auto& c : changes_)
        if (pred(c)) found = c;
      return found.has_value();
    });
    return found;
  }
  std::vector<StoreChange> All() {
    std::lock_guard lock(mu_);
    return changes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<StoreChange> changes_;
};

bool IsCapacity(const StoreChange& c, const std::string& region, std::int64_t version) {
  return c.kind == StoreChange::Kind::kCapacity && c.region_id == region && c.version == version;
}

// Two stores on one database: what one commits, the other's feed reports;
// what fails or rolls back is not reported.
TEST_F(PostgresStoreTest, ChangeFeedReportsCommittedChangesOfOtherInstances) {
  auto writer = OpenPg(url());
  auto watcher = OpenPg(url());
  ASSERT_TRUE(writer && watcher);
  ASSERT_TRUE(writer->ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
  ChangeLog log;
  ASSERT_TRUE(watcher->WatchChanges(log.Handler()).ok());
  EXPECT_EQ(watcher->WatchChanges(log.Handler()).code(), Code::kInvalid);  // once only

  auto w = writer->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1)));
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_TRUE(log.WaitFor([&](const StoreChange& c) { return IsCapacity(c, "ZWN", w->version); }));

  // A failing write (unknown unit) and a refused one (reused key) announce nothing.
  EXPECT_EQ(writer->WriteCapacity(OneReport(Report("NOPE", kT0, 1))).status().code(), Code::kNotFound);
  CapacityWrite keyed = OneReport(Report("ZWN-U1", kT0, 2));
  keyed.idempotency_key = "k1";
  keyed.idempotency_scope = "feed";
  CapacityWrite again = keyed;
  ASSERT_TRUE(writer->WriteCapacity(std::move(keyed)).ok());
  EXPECT_EQ(writer->WriteCapacity(std::move(again)).status().code(), Code::kConflict);

  ASSERT_TRUE(writer->ImportRegion(MakeRegion("ZWN", 3), Audit("region.import", "ZWN")).ok());
  EXPECT_TRUE(
      log.WaitFor([](const StoreChange& c) { return c.kind == StoreChange::Kind::kRegion && c.region_id == "ZWN"; }));
  // A session that ends, and a feed token that is revoked, are announced (the schema's triggers send it).
  ASSERT_TRUE(
      writer->CreateUser({"alice", "$argon2id$x", Role::kViewer, "", "ZWN", false}, Audit("user.add", "alice")).ok());
  ASSERT_TRUE(writer->CreateSession({"abc123", "alice", Time{}, Now() + std::chrono::hours(1)}).ok());
  ASSERT_TRUE(writer->DeleteSession("abc123").ok());
  ASSERT_TRUE(writer->CreateFeedToken({"feed1", "lab", "ORG", "ZWN", Time{}, false}, Audit("token.add", "lab")).ok());
  ASSERT_EQ(*writer->RevokeFeedTokens("ORG", "lab", Audit("token.revoke", "lab")), 1);
  EXPECT_TRUE(log.WaitFor(
      [](const StoreChange& c) { return c.kind == StoreChange::Kind::kSessionRevoked && c.token_hash == "feed1"; }));
  EXPECT_TRUE(log.WaitFor(
      [](const StoreChange& c) { return c.kind == StoreChange::Kind::kSessionRevoked && c.token_hash == "abc123"; }));
  std::set<std::int64_t> versions;
  for (const auto& c : log.All()) {
    if (c.kind == StoreChange::Kind::kCapacity) versions.insert(c.version);
  }
  EXPECT_EQ(versions, (std::set<std::int64_t>{1, 2}));  // nothing from the failed writes
}

// The feed's connection is killed: it reconnects by itself and reports
// kResync (notifications sent meanwhile are lost), then follows again.
TEST_F(PostgresStoreTest, ChangeFeedReconnectsAndAsksForResync) {
  auto writer = OpenPg(url());
  auto watcher = OpenPg(url());
  ASSERT_TRUE(writer && watcher);
  ASSERT_TRUE(writer->ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  ChangeLog log;
  ASSERT_TRUE(watcher->WatchChanges(log.Handler()).ok());
  const auto pids = watcher->BackendPids();
  ASSERT_EQ(pids.size(), 2u);  // writer and feed; no reader opened yet
  Raw admin(PgAdminUrl());
  for (int pid : pids) EXPECT_EQ(admin.Int("SELECT pg_terminate_backend(" + std::to_string(pid) + ")::int"), 1);
  EXPECT_TRUE(log.WaitFor([](const StoreChange& c) { return c.kind == StoreChange::Kind::kResync; }));
  auto w = writer->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1)));
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(log.WaitFor([&](const StoreChange& c) { return IsCapacity(c, "ZWN", w->version); }));
}

// The database refuses connections for a while (as during a restart): Ping
// and writes report kUnavailable, and the store recovers by itself.
TEST_F(PostgresStoreTest, PingUnavailableWhileDatabaseIsDown) {
  auto store = OpenPg(url(), /*migrate=*/true, /*max_retries=*/2);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ImportRegion(MakeRegion("ZWN", 2), Audit("region.import", "ZWN")).ok());
  ASSERT_TRUE(store->Ping().ok());
  Raw admin(PgAdminUrl());
  ASSERT_EQ(admin.Exec("ALTER DATABASE " + db_->name() + " ALLOW_CONNECTIONS false"), "");
  admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_->name() + "'");
  Status ping = store->Ping();
  EXPECT_EQ(ping.code(), Code::kUnavailable) << ping.message();
  auto w = store->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 1)));
  EXPECT_EQ(w.status().code(), Code::kUnavailable) << w.status().message();
  ASSERT_EQ(admin.Exec("ALTER DATABASE " + db_->name() + " ALLOW_CONNECTIONS true"), "");
  EXPECT_TRUE(store->Ping().ok());
  auto again = store->WriteCapacity(OneReport(Report("ZWN-U0", kT0, 2)));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->version, 1);  // the failed write stored nothing
}

}  // namespace
}  // namespace ozcc

#else

TEST(PostgresStoreTest, NotBuilt) { GTEST_SKIP() << "the PostgreSQL backend is not built (libpq not found)"; }

#endif
