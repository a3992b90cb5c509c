// Backups and restores of both stores, as docs/operations.md describes them.
//  - SQLite: `openzcc backup` (sqlite::BackupDatabase) taken while writers
//    commit; the copy must hold one committed state: every report up to its
//    region's data version and none beyond, each write's audit record with
//    it, integrity_check ok; and a server must serve (and write) from it.
//  - PostgreSQL: pg_dump -Fc of a store's database, pg_restore into a fresh
//    database, the store opened on it must show the same regions, units,
//    latest capacity, versions, users and audit, and keep writing. Needs
//    OZCC_TEST_PG (scripts/with-postgres.sh sets it; skipped otherwise) and
//    pg_dump / pg_restore from $PG_BIN, /usr/lib/postgresql/15/bin or PATH.
#include "store/sqlite/backup.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "api/auth.h"
#include "api/json/region_json.h"
#include "app/cli.h"
#include "http/server.h"
#include "store/store.h"
#include "support/api_fixture.h"
#include "support/external.h"
#include "support/http_client.h"

namespace ozcc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPassword = "correct-horse-battery";

RegionData LoadRegion(const std::string& name) {
  std::ifstream in(SourceDir() / "data" / "regions" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto data = api::ParseRegionJson(ss.str());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return data.ok() ? *data : RegionData{};
}

AuditRecord WriteAudit(const std::string& object, const std::string& action = "capacity.write") {
  AuditRecord a;
  a.at = Now();
  a.actor = "tester";
  a.role = "admin";
  a.action = action;
  a.object = object;
  a.outcome = "ok";
  a.request_id = "backup-test";
  return a;
}

CapacityReport Report(const std::string& unit, Time as_of, std::int64_t n) {
  CapacityReport r;
  r.unit_id = unit;
  r.as_of = as_of;
  r.source = ReportSource::kFeed;
  const std::int64_t available = n % 18;
  r.beds = Beds{20, 18, 18 - available, available};
  r.note = "r" + std::to_string(n);
  r.reported_by = "token:backup-test";
  return r;
}

// Units that take bed numbers, of both demo regions.
std::vector<std::string> BedUnits(const std::vector<RegionData>& regions) {
  std::vector<std::string> out;
  for (const auto& d : regions) {
    for (const auto& u : d.units) {
      if (u.type != UnitType::kHap) out.push_back(u.id);
    }
  }
  return out;
}

// Imports ZWN and DEMO2 and an admin user.
void Seed(Store& s, const std::vector<RegionData>& regions) {
  for (const auto& d : regions) {
    auto st = s.ImportRegion(d, WriteAudit(d.region.id, "region.import"));
    ASSERT_TRUE(st.ok()) << st.message();
  }
  UserRecord admin{"admin", api::HashPassword(kPassword), Role::kAdmin, "", "", false};
  auto st = s.CreateUser(admin, WriteAudit("admin", "user.add"));
  ASSERT_TRUE(st.ok()) << st.message();
}

// `n` reports in writes of `per_write` reports, each with one audit record.
void WriteReports(Store& s, const std::vector<std::string>& units, int n, int per_write, Time t0) {
  for (int i = 0; i < n; i += per_write) {
    CapacityWrite w;
    for (int k = i; k < std::min(n, i + per_write); ++k) {
      w.reports.push_back(Report(units[k % units.size()], t0 + std::chrono::seconds(k), k));
    }
    w.audit = {WriteAudit("prefill")};
    auto r = s.WriteCapacity(std::move(w));
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
}

std::vector<AuditRecord> AllAudit(Store& s) {
  std::vector<AuditRecord> all;
  std::int64_t before = 0;
  for (;;) {
    auto page = s.ListAudit(before, 1000);
    EXPECT_TRUE(page.ok()) << page.status().message();
    if (!page.ok() || page->empty()) break;
    all.insert(all.end(), page->begin(), page->end());
    before = page->back().id;
    if (page->size() < 1000) break;
  }
  return all;
}

std::string SqlitePragma(const fs::path& file, const std::string& pragma) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, pragma.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        out += (out.empty() ? "" : "\n") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close_v2(db);
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ozcc-backup-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A server on `store`; Login and Call through it.
struct Served {
  explicit Served(Store& store) {
    api = std::make_unique<api::Api>(store, api::ApiOptions{});
    api->Register(router);
    http::ServerOptions so;
    so.port = 0;
    so.worker_threads = 4;
    so.access_log = false;
    server = std::make_unique<http::Server>(so, router);
    EXPECT_TRUE(server->Start().ok());
    client = std::make_unique<TestClient>(server->port());
  }
  ~Served() {
    server->Stop(2);
    api->Shutdown();
  }
  std::string Login() {
    auto r = client->Request("POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", kPassword}}.dump(),
                             {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["token"].get<std::string>() : "";
  }
  std::unique_ptr<api::Api> api;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<TestClient> client;
};

// ---------------------------------------------------------------- SQLite ---

TEST(SqliteBackup, CopyTakenWhileWritersCommitHoldsOneCommittedState) {
  TempDir dir;
  const fs::path live = dir.path() / "live.db", copy = dir.path() / "backup" / "copy.db";
  fs::create_directories(copy.parent_path());
  const std::vector<RegionData> regions = {LoadRegion("zwn.json"), LoadRegion("demo-small.json")};
  const auto units = BedUnits(regions);
  const Time t0 = Now() - std::chrono::hours(48);

  auto opened = OpenStore(live.string());
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& s = **opened;
  Seed(s, regions);
  // Large enough that the copy takes many small steps.
  WriteReports(s, units, 3000, 100, t0);

  std::atomic<bool> stop{false};
  std::atomic<int> commits{0}, failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        CapacityWrite cw;
        const int n = 100000 * (w + 1) + i;
        cw.reports = {
            Report(units[(w * 37 + i) % units.size()], t0 + std::chrono::hours(1) + std::chrono::seconds(n), n)};
        cw.audit = {WriteAudit("live")};
        s.WriteCapacity(std::move(cw)).ok() ? ++commits : ++failures;
      }
    });
  }
  while (commits < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const int commits_before = commits;
  auto zwn_before = s.DataVersion("ZWN");
  ASSERT_TRUE(zwn_before.ok());
  sqlite::BackupOptions o;
  o.pages_per_step = 4;  // many small steps, each with a pause: writers commit in between
  o.pause = std::chrono::milliseconds(2);
  int progress_calls = 0;
  o.progress = [&](int, int) { ++progress_calls; };
  auto result = sqlite::BackupDatabase(live.string(), copy.string(), o);
  const int commits_after = commits;
  auto zwn_after = s.DataVersion("ZWN");
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_TRUE(zwn_after.ok());
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(result->snapshot) << "a WAL store is copied under one read transaction";
  EXPECT_GT(result->steps, 10);
  EXPECT_EQ(progress_calls, result->steps);
  EXPECT_GT(commits_after, commits_before) << "no write was committed while the copy ran: the test proves nothing";
  EXPECT_EQ(result->bytes, static_cast<std::int64_t>(fs::file_size(copy)));
  EXPECT_FALSE(fs::exists(copy.string() + ".partial"));
  EXPECT_EQ(SqlitePragma(copy, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(SqlitePragma(copy, "PRAGMA journal_mode"), "delete") << "the copy is one self-contained file";

  const int total_commits = commits;
  opened->reset();  // the live store is done; only the copy matters now

  auto restored = OpenStore(copy.string());
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  Store& c = **restored;
  std::int64_t reports_in_copy = 0;
  for (const auto& d : regions) {
    const std::string& region = d.region.id;
    auto version = c.DataVersion(region);
    ASSERT_TRUE(version.ok());
    auto since = c.CapacitySince(region, 0, 1'000'000);
    ASSERT_TRUE(since.ok());
    // Every version 1..V is there, and nothing beyond V.
    std::vector<std::int64_t> versions;
    for (const auto& r : *since) versions.push_back(r.version);
    std::sort(versions.begin(), versions.end());
    ASSERT_EQ(static_cast<std::int64_t>(versions.size()), *version) << region;
    for (size_t i = 0; i < versions.size(); ++i) ASSERT_EQ(versions[i], static_cast<std::int64_t>(i + 1)) << region;
    reports_in_copy += *version;
    // The latest report of each unit is the newest of its history.
    std::map<std::string, CapacityReport> newest;
    for (const auto& r : *since) {
      auto it = newest.find(r.unit_id);
      if (it == newest.end() || r.as_of > it->second.as_of ||
          (r.as_of == it->second.as_of && r.version > it->second.version)) {
        newest[r.unit_id] = r;
      }
    }
    auto latest = c.LatestCapacity(region);
    ASSERT_TRUE(latest.ok());
    ASSERT_EQ(latest->size(), newest.size()) << region;
    for (const auto& r : *latest) EXPECT_EQ(r.version, newest[r.unit_id].version) << r.unit_id;
  }
  auto zwn_copy = c.DataVersion("ZWN");
  ASSERT_TRUE(zwn_copy.ok());
  EXPECT_GE(*zwn_copy, *zwn_before) << "the copy is older than the moment the backup started";
  EXPECT_LE(*zwn_copy, *zwn_after) << "the copy holds writes committed after the backup returned";
  // Each write committed its audit record with its reports: 30 prefill writes
  // of 100 reports, then one report per write.
  std::int64_t write_audits = 0;
  for (const auto& a : AllAudit(c)) write_audits += a.action == "capacity.write";
  EXPECT_EQ(write_audits, 30 + (reports_in_copy - 3000));
  EXPECT_LE(reports_in_copy - 3000, total_commits);

  // A server runs on the copy: sign-in (users came along), the snapshot at
  // the copy's version, and a new write that continues the versions.
  Served served(c);
  const std::string token = served.Login();
  auto snap =
      served.client->Request("GET", "/api/v1/capacity/snapshot?region=ZWN", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(snap.status, 200) << snap.body;
  EXPECT_EQ(json::parse(snap.body)["version"].get<std::int64_t>(), *zwn_copy);
  const std::string unit = regions[0].units[1].id;
  auto put = served.client->Request("PUT", "/api/v1/units/" + unit + "/capacity",
                                    R"({"beds":{"total":20,"staffed":18,"occupied":10,"available":8}})",
                                    {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json::parse(put.body)["version"].get<std::int64_t>(), *zwn_copy + 1);
}

TEST(SqliteBackup, RefusesMissingSelfAndCorruptSourcesAndLeavesTheOldBackup) {
  TempDir dir;
  const fs::path src = dir.path() / "src.db", dest = dir.path() / "dest.db";
  EXPECT_EQ(sqlite::BackupDatabase(src.string(), dest.string()).status().code(), Code::kNotFound);
  EXPECT_EQ(sqlite::BackupDatabase(":memory:", dest.string()).status().code(), Code::kInvalid);

  {  // a plain database with one table spread over many pages
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(src.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                           "CREATE INDEX t_v ON t(v);"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 5000)"
                           "INSERT INTO t SELECT i, printf('value-%08d-%s', i, hex(randomblob(16))) FROM n;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(sqlite::BackupDatabase(src.string(), src.string()).status().code(), Code::kInvalid);
  auto good = sqlite::BackupDatabase(src.string(), dest.string());
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_FALSE(good->snapshot) << "a rollback-journal file is copied step by step without a held snapshot";
  const auto good_size = fs::file_size(dest);

  {  // scribble over the middle of a b-tree page of the source
    std::fstream f(src, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 5 + 100);
    const std::string junk(600, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto bad = sqlite::BackupDatabase(src.string(), dest.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInternal);
  EXPECT_NE(bad.status().message().find("integrity_check"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(fs::exists(dest.string() + ".partial"));
  EXPECT_EQ(fs::file_size(dest), good_size) << "the previous backup must stay as it was";
  EXPECT_EQ(SqlitePragma(dest, "PRAGMA integrity_check"), "ok");
}

int RunCli(std::vector<std::string> args, std::string* err = nullptr) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const int rc = app::RunCli(static_cast<int>(argv.size()), argv.data());
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string e = ::testing::internal::GetCapturedStderr();
  if (err) *err = e + out;
  return rc;
}

// The commands of docs/operations.md ("First start", "Backups"), run through
// the real command line.
TEST(SqliteBackup, CommandLineAsDocumented) {
  TempDir dir;
  const fs::path db = dir.path() / "openzcc.db", copy = dir.path() / "openzcc-backup.db";
  const std::string zwn = (SourceDir() / "data" / "regions" / "zwn.json").string();
  const RegionData zwn_data = LoadRegion("zwn.json");
  std::string out;
  ASSERT_EQ(RunCli({"openzcc", "migrate", "--db", db.string()}, &out), 0) << out;
  ASSERT_EQ(RunCli({"openzcc", "region", "import", zwn, "--db", db.string()}, &out), 0) << out;
  {
    std::istringstream password(std::string(kPassword) + "\n");
    auto* saved = std::cin.rdbuf(password.rdbuf());
    const int rc = RunCli(
        {"openzcc", "user", "add", "--username", "admin", "--role", "admin", "--password-stdin", "--db", db.string()},
        &out);
    std::cin.rdbuf(saved);
    ASSERT_EQ(rc, 0) << out;
  }
  ASSERT_EQ(RunCli({"openzcc", "token", "create", "--org", zwn_data.organizations.front().id, "--name", "hix-feed",
                    "--db", db.string()},
                   &out),
            0)
      << out;
  EXPECT_NE(out.find("ozf_"), std::string::npos) << out;
  const std::string org = zwn_data.organizations.front().id;
  ASSERT_EQ(RunCli({"openzcc", "token", "list", "--db", db.string()}, &out), 0) << out;
  EXPECT_NE(out.find(org + "\thix-feed\t"), std::string::npos) << out;
  EXPECT_NE(out.find("\tactive\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("ozf_"), std::string::npos) << "a listing never shows a token: " << out;
  ASSERT_EQ(RunCli({"openzcc", "token", "revoke", "--org", org, "--name", "hix-feed", "--db", db.string()}, &out), 0)
      << out;
  ASSERT_EQ(RunCli({"openzcc", "token", "list", "--org", org, "--db", db.string()}, &out), 0) << out;
  EXPECT_NE(out.find("\trevoked\n"), std::string::npos) << out;
  EXPECT_EQ(RunCli({"openzcc", "token", "revoke", "--org", org, "--name", "hix-feed", "--db", db.string()}, &out), 1);
  EXPECT_NE(out.find("no active feed token"), std::string::npos) << out;
  ASSERT_EQ(RunCli({"openzcc", "token", "create", "--org", org, "--name", "hix-feed", "--db", db.string()}, &out), 0)
      << out;  // its replacement
  ASSERT_EQ(RunCli({"openzcc", "backup", "--db", db.string(), "--to", copy.string()}, &out), 0) << out;
  EXPECT_NE(out.find("integrity_check ok"), std::string::npos) << out;
  auto store = OpenStore(copy.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto zwn_region = (*store)->GetRegion("ZWN");
  ASSERT_TRUE(zwn_region.ok());
  EXPECT_EQ(zwn_region->units.size(), zwn_data.units.size());
  auto admin = (*store)->GetUser("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(api::VerifyPassword(admin->password_hash, kPassword));
  store->reset();

  // sqlite: prefix as for serve --db
  ASSERT_EQ(RunCli({"openzcc", "backup", "--db", "sqlite:" + db.string(), "--to", copy.string()}, &out), 0) << out;
  // PostgreSQL is refused with a pointer to pg_dump, and nothing is written.
  const fs::path none = dir.path() / "none.db";
  EXPECT_EQ(RunCli({"openzcc", "backup", "--db", "postgresql://ozcc@127.0.0.1:1/x", "--to", none.string()}, &out), 1);
  EXPECT_NE(out.find("pg_dump"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(none));
  EXPECT_EQ(RunCli({"openzcc", "backup", "--db", (dir.path() / "missing.db").string(), "--to", none.string()}, &out),
            1);
  EXPECT_FALSE(fs::exists(none));
}

// ------------------------------------------------------------ PostgreSQL ---

std::string PgTool(const std::string& name) {
  std::vector<fs::path> dirs;
  if (const char* b = std::getenv("PG_BIN"); b && *b) dirs.emplace_back(b);
  dirs.emplace_back("/usr/lib/postgresql/15/bin");
  if (const char* p = std::getenv("PATH")) {
    std::stringstream ss(p);
    for (std::string d; std::getline(ss, d, ':');) dirs.emplace_back(d);
  }
  for (const auto& d : dirs) {
    if (::access((d / name).c_str(), X_OK) == 0) return (d / name).string();
  }
  return "";
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

TEST(PostgresBackup, PgDumpAndPgRestoreGiveTheSameStore) {
  if (PgAdminUrl().empty()) GTEST_SKIP() << "OZCC_TEST_PG is not set; run under scripts/with-postgres.sh";
  const std::string pg_dump = PgTool("pg_dump"), pg_restore = PgTool("pg_restore");
  if (pg_dump.empty() || pg_restore.empty()) GTEST_SKIP() << "pg_dump / pg_restore not found (PG_BIN)";
  TempDir dir;
  const std::string suffix = std::to_string(::getpid());
  const std::string src_db = "ozcc_bk_src_" + suffix, dst_db = "ozcc_bk_dst_" + suffix;
  ASSERT_EQ(PgAdminExec("CREATE DATABASE " + src_db), "");
  ASSERT_EQ(PgAdminExec("CREATE DATABASE " + dst_db), "");
  struct Drop {
    std::vector<std::string> dbs;
    ~Drop() {
      for (const auto& d : dbs) PgAdminExec("DROP DATABASE IF EXISTS " + d + " WITH (FORCE)");
    }
  } drop{{src_db, dst_db}};

  const std::vector<RegionData> regions = {LoadRegion("zwn.json"), LoadRegion("demo-small.json")};
  const auto units = BedUnits(regions);
  const Time t0 = Now() - std::chrono::hours(24);
  auto src = OpenStore(WithDatabase(PgAdminUrl(), src_db));
  ASSERT_TRUE(src.ok()) << src.status().message();
  Seed(**src, regions);
  WriteReports(**src, units, 600, 50, t0);
  WriteReports(**src, units, 200, 1, t0 + std::chrono::hours(1));
  // A late report: stored in history, not the latest.
  WriteReports(**src, {units[0]}, 1, 1, t0 - std::chrono::hours(1));

  const fs::path dump = dir.path() / "openzcc.dump";
  const std::string dump_cmd = Quote(pg_dump) + " -Fc --no-owner -d " + Quote(WithDatabase(PgAdminUrl(), src_db)) +
                               " -f " + Quote(dump.string());
  ASSERT_EQ(std::system(dump_cmd.c_str()), 0) << dump_cmd;
  // Writes after the dump are not in it.
  WriteReports(**src, units, 5, 1, t0 + std::chrono::hours(2));
  const std::string restore_cmd = Quote(pg_restore) + " --no-owner --exit-on-error -d " +
                                  Quote(WithDatabase(PgAdminUrl(), dst_db)) + " " + Quote(dump.string());
  ASSERT_EQ(std::system(restore_cmd.c_str()), 0) << restore_cmd;

  auto dst = OpenStore(WithDatabase(PgAdminUrl(), dst_db));
  ASSERT_TRUE(dst.ok()) << dst.status().message();
  Store& a = **src;
  Store& b = **dst;
  auto ra = a.ListRegions(), rb = b.ListRegions();
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ(ra->size(), rb->size());
  for (size_t i = 0; i < ra->size(); ++i) {
    const std::string& id = (*ra)[i].id;
    EXPECT_EQ((*rb)[i].id, id);
    auto ua = a.ListUnits(id), ub = b.ListUnits(id);
    ASSERT_TRUE(ua.ok() && ub.ok());
    ASSERT_EQ(ua->size(), ub->size()) << id;
    for (size_t k = 0; k < ua->size(); ++k) EXPECT_EQ((*ua)[k].unit.id, (*ub)[k].unit.id);
  }
  // ZWN and DEMO2 as they were at the dump: 801 reports over both regions.
  std::int64_t total = 0;
  for (const auto& d : regions) {
    const std::string& id = d.region.id;
    auto v = b.DataVersion(id);
    ASSERT_TRUE(v.ok());
    total += *v;
    auto since = b.CapacitySince(id, 0, 100000);
    ASSERT_TRUE(since.ok());
    EXPECT_EQ(static_cast<std::int64_t>(since->size()), *v) << id;
    // Latest per unit equals the source's latest at the dump's version.
    auto la = a.CapacitySince(id, 0, 100000), lb = b.LatestCapacity(id);
    ASSERT_TRUE(la.ok() && lb.ok());
    std::map<std::string, CapacityReport> expect;
    for (const auto& r : *la) {
      if (r.version > *v) continue;
      auto it = expect.find(r.unit_id);
      if (it == expect.end() || r.as_of > it->second.as_of ||
          (r.as_of == it->second.as_of && r.version > it->second.version)) {
        expect[r.unit_id] = r;
      }
    }
    ASSERT_EQ(lb->size(), expect.size()) << id;
    for (const auto& r : *lb) {
      const auto& e = expect[r.unit_id];
      EXPECT_EQ(r.version, e.version) << r.unit_id;
      EXPECT_EQ(r.as_of, e.as_of) << r.unit_id;
      ASSERT_TRUE(r.beds && e.beds);
      EXPECT_EQ(r.beds->available, e.beds->available) << r.unit_id;
      EXPECT_EQ(r.note, e.note);
    }
  }
  EXPECT_EQ(total, 801);
  // Audit: the source has 5 more write records than the dump.
  const auto audit_a = AllAudit(a), audit_b = AllAudit(b);
  EXPECT_EQ(audit_a.size(), audit_b.size() + 5);
  ASSERT_FALSE(audit_b.empty());
  EXPECT_EQ(audit_b.front().id, audit_a[5].id);
  auto user = b.GetUser("admin");
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(api::VerifyPassword(user->password_hash, kPassword));

  // The restored store keeps going: versions and audit ids continue.
  const std::int64_t zwn_v = *b.DataVersion("ZWN");
  CapacityWrite w;
  w.reports = {Report(regions[0].units[1].id, Now(), 7)};
  w.audit = {WriteAudit("after-restore")};
  auto written = b.WriteCapacity(std::move(w));
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->version, zwn_v + 1);
  EXPECT_GT(AllAudit(b).front().id, audit_b.front().id);
  src->reset();
  dst->reset();
}

}  // namespace
}  // namespace ozcc::test
