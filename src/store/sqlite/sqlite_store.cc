#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/validate.h"
#include "store/common.h"
#include "store/sqlite/migrations.h"

namespace ozcc::sqlite {

namespace {

// Prepares `sql` on connection `c` into `var`, or returns the error.
// `var` names a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OZCC_PREPARE(var, c, sql)             \
  auto var##_r = (c).Prepare(sql);            \
  if (!var##_r.ok()) return var##_r.status(); \
  Stmt& var = *var##_r
// NOLINTEND(bugprone-macro-parentheses)

#define OZCC_RETURN_IF_ERROR(expr) \
  do {                             \
    ::ozcc::Status _st = (expr);   \
    if (!_st.ok()) return _st;     \
  } while (false)

std::int64_t SqlLimit(size_t limit) {
  return static_cast<std::int64_t>(std::min<size_t>(limit, std::numeric_limits<std::int64_t>::max()));
}

// Runs a cached statement that returns no rows.
Status RunSql(Connection& c, const std::string& sql) {
  OZCC_PREPARE(s, c, sql);
  return s.Run();
}

// --- row mapping -------------------------------------------------------------

constexpr const char* kReportCols =
    "r.unit_id, r.as_of, r.received_at, r.source, r.beds_total, r.beds_staffed, r.beds_occupied, "
    "r.beds_available, r.ed_status, r.ed_waiting, r.ed_in_treatment, r.ed_boarding, r.ed_crowding, r.note, "
    "r.reported_by, r.version";

CapacityReport ReadReport(const Stmt& s) {
  CapacityReport r;
  r.unit_id = s.Text(0);
  r.as_of = FromUnixMillis(s.Int(1));
  r.received_at = FromUnixMillis(s.Int(2));
  r.source = ParseReportSource(s.Text(3)).value_or(ReportSource::kManual);
  if (!s.IsNull(4)) r.beds = Beds{s.Int(4), s.Int(5), s.Int(6), s.Int(7)};
  if (!s.IsNull(8)) {
    r.ed = EdState{ParseEdStatus(s.Text(8)).value_or(EdStatus::kOpen), s.Int(9), s.Int(10), s.Int(11), s.Int(12)};
  }
  r.note = s.Text(13);
  r.reported_by = s.Text(14);
  r.version = s.Int(15);
  return r;
}

constexpr const char* kUnitViewSelect =
    "SELECT u.id, u.organization_id, COALESCE(u.location_id, ''), u.type, u.specialism, u.name, "
    "u.expected_interval_s, u.region_id, COALESCE(o.subregion_id, ''), o.name, COALESCE(l.lat, 0), "
    "COALESCE(l.lon, 0) FROM units u JOIN organizations o ON o.id = u.organization_id "
    "LEFT JOIN locations l ON l.id = u.location_id ";

Unit ReadUnit(const Stmt& s) {
  Unit u;
  u.id = s.Text(0);
  u.organization_id = s.Text(1);
  u.location_id = s.Text(2);
  u.type = ParseUnitType(s.Text(3)).value_or(UnitType::kWard);
  u.specialism = s.Text(4);
  u.name = s.Text(5);
  u.expected_interval_s = s.Int(6);
  return u;
}

UnitView ReadUnitView(const Stmt& s) {
  UnitView v;
  v.unit = ReadUnit(s);
  v.region_id = s.Text(7);
  v.subregion_id = s.Text(8);
  v.organization_name = s.Text(9);
  v.lat = s.Double(10);
  v.lon = s.Double(11);
  return v;
}

constexpr const char* kFeedTokenSelect =
    "SELECT token_hash, name, organization_id, region_id, created_at, revoked FROM feed_tokens ";

FeedTokenRecord ReadFeedToken(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), FromUnixMillis(s.Int(4)), s.Int(5) != 0};
}

Status InsertAudit(Connection& c, const AuditRecord& a, Time now) {
  OZCC_PREPARE(s, c,
               "INSERT INTO audit (at, actor, role, organization_id, action, object, outcome, request_id, detail) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, ToUnixMillis(a.at == Time{} ? now : a.at))
      .Bind(2, a.actor)
      .Bind(3, a.role)
      .Bind(4, a.organization_id)
      .Bind(5, a.action)
      .Bind(6, a.object)
      .Bind(7, a.outcome)
      .Bind(8, a.request_id)
      .Bind(9, a.detail);
  return s.Run();
}

// Collects ids from a one-column query with one text parameter.
Status CollectIds(Connection& c, const std::string& sql, const std::string& param, std::set<std::string>& out) {
  OZCC_PREPARE(s, c, sql);
  s.Bind(1, param);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.insert(s.Text(0));
  return rc == SQLITE_DONE ? Status::Ok() : s.Error();
}

// Checks that `id` is not owned by another region; `sql` selects the owner's region.
Status CheckOwner(Connection& c, const std::string& sql, const std::string& kind, const std::string& id,
                  const std::string& region_id) {
  OZCC_PREPARE(s, c, sql);
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_ROW) {
    std::string owner = s.Text(0);
    if (owner != region_id) return Status::Conflict(kind + " " + id + " belongs to region " + owner);
    return Status::Ok();
  }
  return rc == SQLITE_DONE ? Status::Ok() : s.Error();
}

}  // namespace

// --- lifecycle -------------------------------------------------------------------

SqliteStore::SqliteStore(const Options& options) : options_(options), in_memory_(options.path == ":memory:") {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const Options& options) {
  if (options.path.empty()) return Status::Invalid("empty database path");
  std::unique_ptr<SqliteStore> store(new SqliteStore(options));
  Status st = store->Init();
  if (!st.ok()) return st;
  return store;
}

Status SqliteStore::Init() {
  auto w = Connection::Open(options_.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options_.busy_timeout_ms);
  if (!w.ok()) return w.status();
  writer_conn_ = std::move(w).value();
  Connection& c = *writer_conn_;
  OZCC_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys = ON"));
  if (!in_memory_) {
    // journal_mode answers with the mode in effect; anything but WAL is an error.
    auto jm = c.Prepare("PRAGMA journal_mode = WAL");
    if (!jm.ok()) return jm.status();
    if (jm->Step() != SQLITE_ROW) return jm->Error();
    if (jm->Text(0) != "wal") return Status::Unavailable("cannot enable WAL on " + options_.path);
    OZCC_RETURN_IF_ERROR(c.Exec("PRAGMA synchronous = FULL"));
    int n = std::max(1, options_.read_connections);
    for (int i = 0; i < n; ++i) {
      auto r = Connection::Open(options_.path, SQLITE_OPEN_READONLY, options_.busy_timeout_ms);
      if (!r.ok()) return r.status();
      readers_.push_back(std::move(r).value());
      free_readers_.push_back(readers_.back().get());
    }
  }
  writes_.Start(options_.max_group, [this](std::vector<Job>& group) { RunGroup(group); });
  return Status::Ok();
}

SqliteStore::~SqliteStore() { writes_.Stop(); }

SqliteStore::WriterStats SqliteStore::Stats() const {
  std::lock_guard<std::mutex> lk(stats_mu_);
  return stats_;
}

// --- group commit ------------------------------------------------------------

Status SqliteStore::Write(JobFn fn) { return writes_.Submit(Job{std::move(fn), {}}); }

void SqliteStore::RunGroup(std::vector<Job>& jobs) {
  std::vector<Status> results(jobs.size());
  std::int64_t failed_jobs = 0;
  bool group_failed = false;
  {
    std::lock_guard<std::mutex> lk(conn_mu_);
    Connection& c = *writer_conn_;
    Status begin = RunSql(c, "BEGIN IMMEDIATE");
    if (!begin.ok()) {
      group_failed = true;
      for (auto& r : results) r = Status::Unavailable("cannot begin write transaction: " + begin.message());
    } else {
      Status abort;  // set when the whole transaction is lost
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (!abort.ok()) {
          results[i] = Status::Unavailable("write transaction aborted: " + abort.message());
          continue;
        }
        Status sp = RunSql(c, "SAVEPOINT job");
        if (!sp.ok()) {
          abort = sp;
          results[i] = sp;
          continue;
        }
        Status r;
        try {
          r = jobs[i].fn(c);
        } catch (const std::exception& e) {
          r = Status::Internal(std::string("write failed: ") + e.what());
        } catch (...) {
          r = Status::Internal("write failed: unknown exception");
        }
        if (r.ok()) {
          Status rel = RunSql(c, "RELEASE job");
          if (!rel.ok()) {
            abort = rel;
            r = rel;
          }
        } else {
          ++failed_jobs;
          if (!c.InTransaction()) {
            // SQLite rolled back the whole transaction (I/O error, disk full, …).
            abort = r;
          } else {
            Status rb = RunSql(c, "ROLLBACK TO job");
            Status rel = rb.ok() ? RunSql(c, "RELEASE job") : rb;
            if (!rel.ok()) abort = rel;
          }
        }
        results[i] = std::move(r);
      }
      if (abort.ok()) {
        Status commit = RunSql(c, "COMMIT");
        if (!commit.ok()) abort = commit;
      }
      if (!abort.ok()) {
        group_failed = true;
        if (c.InTransaction()) c.Exec("ROLLBACK");
        for (auto& r : results) {
          if (r.ok()) r = Status::Unavailable("write transaction not committed: " + abort.message());
        }
      }
    }
  }
  {
    std::lock_guard<std::mutex> lk(stats_mu_);
    stats_.writes += static_cast<std::int64_t>(jobs.size());
    stats_.failed_writes += failed_jobs;
    stats_.groups += 1;
    if (group_failed) stats_.failed_groups += 1;
    stats_.largest_group = std::max<std::int64_t>(stats_.largest_group, static_cast<std::int64_t>(jobs.size()));
  }
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].done.set_value(std::move(results[i]));
}

// --- reads ---------------------------------------------------------------------

template <class F>
auto SqliteStore::Read(F&& fn, bool snapshot) -> decltype(fn(std::declval<Connection&>())) {
  using R = decltype(fn(std::declval<Connection&>()));
  auto run = [&](Connection& c) -> R {
    try {
      if (snapshot) OZCC_RETURN_IF_ERROR(RunSql(c, "BEGIN"));
      R r = fn(c);
      if (snapshot) {
        Status end = RunSql(c, "COMMIT");
        if (!end.ok()) {
          if (c.InTransaction()) c.Exec("ROLLBACK");
          if (r.ok()) return end;
        }
      }
      return r;
    } catch (const std::exception& e) {
      if (c.InTransaction()) c.Exec("ROLLBACK");
      return Status::Internal(std::string("read failed: ") + e.what());
    }
  };
  if (in_memory_) {
    std::lock_guard<std::mutex> lk(conn_mu_);
    return run(*writer_conn_);
  }
  Connection* c = nullptr;
  {
    std::unique_lock<std::mutex> lk(pool_mu_);
    pool_cv_.wait(lk, [this] { return !free_readers_.empty(); });
    c = free_readers_.back();
    free_readers_.pop_back();
  }
  R r = run(*c);
  {
    std::lock_guard<std::mutex> lk(pool_mu_);
    free_readers_.push_back(c);
  }
  pool_cv_.notify_one();
  return r;
}

// --- migrations and health ------------------------------------------------------

Status SqliteStore::Migrate() {
  std::lock_guard<std::mutex> lk(conn_mu_);
  Connection& c = *writer_conn_;
  OZCC_RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at INTEGER NOT NULL)"));
  const auto& all = Migrations();
  int known = all.empty() ? 0 : all.back().version;
  {
    OZCC_PREPARE(s, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (s.Step() != SQLITE_ROW) return s.Error();
    if (s.Int(0) > known) {
      return Status::Internal("database schema version " + std::to_string(s.Int(0)) +
                              " is newer than this build knows (" + std::to_string(known) + ")");
    }
  }
  for (const auto& m : all) {
    // Each migration in its own transaction; re-checked inside it, so two
    // processes migrating the same file apply each migration once.
    OZCC_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
    auto fail = [&](const Status& st) {
      c.Exec("ROLLBACK");
      return Status::Internal("migration " + std::string(m.name) + " failed: " + st.message());
    };
    bool applied = false;
    {
      auto s = c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      if (!s.ok()) return fail(s.status());
      s->Bind(1, m.version);
      int rc = s->Step();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(s->Error());
      applied = rc == SQLITE_ROW;
    }
    if (applied) {
      OZCC_RETURN_IF_ERROR(c.Exec("COMMIT"));
      continue;
    }
    Status st = c.Exec(m.sql);
    if (!st.ok()) return fail(st);
    {
      auto s = c.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      if (!s.ok()) return fail(s.status());
      s->Bind(1, m.version).Bind(2, m.name).Bind(3, ToUnixMillis(Now()));
      st = s->Run();
    }
    if (!st.ok()) return fail(st);
    st = c.Exec("COMMIT");
    if (!st.ok()) return fail(st);
  }
  return Status::Ok();
}

Status SqliteStore::Ping() {
  if (writes_.stopping()) return Status::Unavailable("store is shutting down");
  return Read([](Connection& c) -> Status {
    OZCC_PREPARE(s, c, "SELECT COUNT(*) FROM schema_migrations");
    if (s.Step() != SQLITE_ROW) return s.Error();
    if (s.Int(0) == 0) return Status::Unavailable("database not migrated");
    return Status::Ok();
  });
}

// --- region tree -----------------------------------------------------------------

Status SqliteStore::ImportRegion(const RegionData& data, const AuditRecord& audit) {
  if (auto errors = ValidateRegion(data); !errors.empty()) {
    return Status::Invalid("invalid region " + data.region.id, std::move(errors));
  }
  const std::string& rid = data.region.id;
  return Write([&](Connection& c) -> Status {
    // Ids are global: none may belong to another region.
    for (const auto& s : data.region.subregions) {
      OZCC_RETURN_IF_ERROR(CheckOwner(c, "SELECT region_id FROM subregions WHERE id = ?", "subregion", s.id, rid));
    }
    for (const auto& o : data.organizations) {
      OZCC_RETURN_IF_ERROR(
          CheckOwner(c, "SELECT region_id FROM organizations WHERE id = ?", "organization", o.id, rid));
    }
    for (const auto& l : data.locations) {
      OZCC_RETURN_IF_ERROR(CheckOwner(c,
                                      "SELECT o.region_id FROM locations l JOIN organizations o "
                                      "ON o.id = l.organization_id WHERE l.id = ?",
                                      "location", l.id, rid));
    }
    for (const auto& u : data.units) {
      OZCC_RETURN_IF_ERROR(CheckOwner(c, "SELECT region_id FROM units WHERE id = ?", "unit", u.id, rid));
    }

    // What the region holds now and the file no longer has.
    std::set<std::string> old_units, old_locations, old_orgs, old_subregions;
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM units WHERE region_id = ?", rid, old_units));
    OZCC_RETURN_IF_ERROR(CollectIds(c,
                                    "SELECT l.id FROM locations l JOIN organizations o ON o.id = l.organization_id "
                                    "WHERE o.region_id = ?",
                                    rid, old_locations));
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM organizations WHERE region_id = ?", rid, old_orgs));
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM subregions WHERE region_id = ?", rid, old_subregions));
    for (const auto& u : data.units) old_units.erase(u.id);
    for (const auto& l : data.locations) old_locations.erase(l.id);
    for (const auto& o : data.organizations) old_orgs.erase(o.id);
    for (const auto& s : data.region.subregions) old_subregions.erase(s.id);

    std::vector<std::string> reported;
    for (const auto& id : old_units) {
      OZCC_PREPARE(s, c, "SELECT 1 FROM capacity_reports WHERE unit_id = ? LIMIT 1");
      s.Bind(1, id);
      int rc = s.Step();
      if (rc == SQLITE_ROW)
        reported.push_back(id);
      else if (rc != SQLITE_DONE)
        return s.Error();
    }
    if (!reported.empty()) {
      return Status::Conflict("units missing from the region file still have capacity reports: " + JoinIds(reported));
    }

    {
      OZCC_PREPARE(s, c,
                   "INSERT INTO regions (id, name, demo_values) VALUES (?, ?, ?) "
                   "ON CONFLICT (id) DO UPDATE SET name = excluded.name, demo_values = excluded.demo_values");
      s.Bind(1, rid).Bind(2, data.region.name).Bind(3, data.demo_values);
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    for (size_t i = 0; i < data.region.subregions.size(); ++i) {
      const auto& sr = data.region.subregions[i];
      OZCC_PREPARE(s, c,
                   "INSERT INTO subregions (id, region_id, name, ord) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (id) DO UPDATE SET name = excluded.name, ord = excluded.ord");
      s.Bind(1, sr.id).Bind(2, rid).Bind(3, sr.name).Bind(4, static_cast<std::int64_t>(i));
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    for (size_t i = 0; i < data.organizations.size(); ++i) {
      const auto& o = data.organizations[i];
      OZCC_PREPARE(s, c,
                   "INSERT INTO organizations (id, region_id, subregion_id, name, type, source, ord) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET subregion_id = excluded.subregion_id, "
                   "name = excluded.name, type = excluded.type, source = excluded.source, ord = excluded.ord");
      s.Bind(1, o.id)
          .Bind(2, rid)
          .BindTextOrNull(3, o.subregion_id)
          .Bind(4, o.name)
          .Bind(5, ToString(o.type))
          .Bind(6, o.source)
          .Bind(7, static_cast<std::int64_t>(i));
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    for (size_t i = 0; i < data.locations.size(); ++i) {
      const auto& l = data.locations[i];
      OZCC_PREPARE(s, c,
                   "INSERT INTO locations (id, organization_id, name, address, city, lat, lon, ord) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                   "organization_id = excluded.organization_id, name = excluded.name, address = excluded.address, "
                   "city = excluded.city, lat = excluded.lat, lon = excluded.lon, ord = excluded.ord");
      s.Bind(1, l.id)
          .Bind(2, l.organization_id)
          .Bind(3, l.name)
          .Bind(4, l.address)
          .Bind(5, l.city)
          .Bind(6, l.lat)
          .Bind(7, l.lon)
          .Bind(8, static_cast<std::int64_t>(i));
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    for (size_t i = 0; i < data.units.size(); ++i) {
      const auto& u = data.units[i];
      OZCC_PREPARE(s, c,
                   "INSERT INTO units (id, region_id, organization_id, location_id, type, specialism, name, "
                   "expected_interval_s, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                   "organization_id = excluded.organization_id, location_id = excluded.location_id, "
                   "type = excluded.type, specialism = excluded.specialism, name = excluded.name, "
                   "expected_interval_s = excluded.expected_interval_s, ord = excluded.ord");
      s.Bind(1, u.id)
          .Bind(2, rid)
          .Bind(3, u.organization_id)
          .BindTextOrNull(4, u.location_id)
          .Bind(5, ToString(u.type))
          .Bind(6, u.specialism)
          .Bind(7, u.name)
          .Bind(8, u.expected_interval_s)
          .Bind(9, static_cast<std::int64_t>(i));
      OZCC_RETURN_IF_ERROR(s.Run());
    }

    // Remove what the file dropped, children first.
    auto remove = [&](const std::string& sql, const std::set<std::string>& ids) -> Status {
      for (const auto& id : ids) {
        OZCC_PREPARE(s, c, sql);
        s.Bind(1, id);
        OZCC_RETURN_IF_ERROR(s.Run());
      }
      return Status::Ok();
    };
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM units WHERE id = ?", old_units));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM locations WHERE id = ?", old_locations));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM organizations WHERE id = ?", old_orgs));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM subregions WHERE id = ?", old_subregions));
    return InsertAudit(c, audit, Now());
  });
}

Result<std::vector<Region>> SqliteStore::ListRegions() {
  return Read(
      [](Connection& c) -> Result<std::vector<Region>> {
        std::vector<Region> out;
        std::map<std::string, size_t> index;
        {
          OZCC_PREPARE(s, c, "SELECT id, name FROM regions ORDER BY id");
          int rc;
          while ((rc = s.Step()) == SQLITE_ROW) {
            index[s.Text(0)] = out.size();
            out.push_back(Region{s.Text(0), s.Text(1), {}});
          }
          if (rc != SQLITE_DONE) return s.Error();
        }
        OZCC_PREPARE(s, c, "SELECT region_id, id, name FROM subregions ORDER BY region_id, ord, id");
        int rc;
        while ((rc = s.Step()) == SQLITE_ROW) {
          auto it = index.find(s.Text(0));
          if (it != index.end()) out[it->second].subregions.push_back(Subregion{s.Text(1), s.Text(2)});
        }
        if (rc != SQLITE_DONE) return s.Error();
        return out;
      },
      /*snapshot=*/true);
}

Result<RegionData> SqliteStore::GetRegion(const std::string& region_id) {
  return Read(
      [&](Connection& c) -> Result<RegionData> {
        RegionData d;
        int rc;
        {
          OZCC_PREPARE(s, c, "SELECT id, name, demo_values FROM regions WHERE id = ?");
          s.Bind(1, region_id);
          rc = s.Step();
          if (rc == SQLITE_DONE) return Status::NotFound("unknown region: " + region_id);
          if (rc != SQLITE_ROW) return s.Error();
          d.region.id = s.Text(0);
          d.region.name = s.Text(1);
          d.demo_values = s.Int(2) != 0;
        }
        {
          OZCC_PREPARE(s, c, "SELECT id, name FROM subregions WHERE region_id = ? ORDER BY ord, id");
          s.Bind(1, region_id);
          while ((rc = s.Step()) == SQLITE_ROW) d.region.subregions.push_back(Subregion{s.Text(0), s.Text(1)});
          if (rc != SQLITE_DONE) return s.Error();
        }
        {
          OZCC_PREPARE(s, c,
                       "SELECT id, region_id, COALESCE(subregion_id, ''), name, type, source FROM organizations "
                       "WHERE region_id = ? ORDER BY ord, id");
          s.Bind(1, region_id);
          while ((rc = s.Step()) == SQLITE_ROW) {
            Organization o;
            o.id = s.Text(0);
            o.region_id = s.Text(1);
            o.subregion_id = s.Text(2);
            o.name = s.Text(3);
            o.type = ParseOrgType(s.Text(4)).value_or(OrgType::kHospital);
            o.source = s.Text(5);
            d.organizations.push_back(std::move(o));
          }
          if (rc != SQLITE_DONE) return s.Error();
        }
        {
          OZCC_PREPARE(s, c,
                       "SELECT l.id, l.organization_id, l.name, l.address, l.city, l.lat, l.lon FROM locations l "
                       "JOIN organizations o ON o.id = l.organization_id WHERE o.region_id = ? ORDER BY l.ord, l.id");
          s.Bind(1, region_id);
          while ((rc = s.Step()) == SQLITE_ROW) {
            d.locations.push_back(
                Location{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Double(5), s.Double(6)});
          }
          if (rc != SQLITE_DONE) return s.Error();
        }
        {
          OZCC_PREPARE(s, c,
                       "SELECT id, organization_id, COALESCE(location_id, ''), type, specialism, name, "
                       "expected_interval_s FROM units WHERE region_id = ? ORDER BY ord, id");
          s.Bind(1, region_id);
          while ((rc = s.Step()) == SQLITE_ROW) d.units.push_back(ReadUnit(s));
          if (rc != SQLITE_DONE) return s.Error();
        }
        return d;
      },
      /*snapshot=*/true);
}

Result<UnitView> SqliteStore::GetUnit(const std::string& unit_id) {
  return Read([&](Connection& c) -> Result<UnitView> {
    OZCC_PREPARE(s, c, std::string(kUnitViewSelect) + "WHERE u.id = ?");
    s.Bind(1, unit_id);
    int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("unknown unit: " + unit_id);
    if (rc != SQLITE_ROW) return s.Error();
    return ReadUnitView(s);
  });
}

Result<std::vector<UnitView>> SqliteStore::ListUnits(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::vector<UnitView>> {
    OZCC_PREPARE(s, c, std::string(kUnitViewSelect) + "WHERE u.region_id = ? ORDER BY u.ord, u.id");
    s.Bind(1, region_id);
    std::vector<UnitView> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadUnitView(s));
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

// --- capacity ------------------------------------------------------------------------

Result<CapacityWriteResult> SqliteStore::WriteCapacity(CapacityWrite write) {
  if (write.reports.empty()) return Status::Invalid("no capacity reports to write");
  CapacityWriteResult out;
  Status st = Write([&](Connection& c) -> Status {
    out = CapacityWriteResult{};
    const bool keyed = !write.idempotency_key.empty();
    if (keyed) {
      OZCC_PREPARE(s, c, "SELECT 1 FROM idempotency WHERE scope = ? AND key = ?");
      s.Bind(1, write.idempotency_scope).Bind(2, write.idempotency_key);
      int rc = s.Step();
      if (rc == SQLITE_ROW) return Status::Conflict("idempotency key already used: " + write.idempotency_key);
      if (rc != SQLITE_DONE) return s.Error();
    }
    // Every unit must exist before anything is written.
    std::vector<std::string> regions;
    regions.reserve(write.reports.size());
    for (const auto& r : write.reports) {
      OZCC_PREPARE(s, c, "SELECT region_id FROM units WHERE id = ?");
      s.Bind(1, r.unit_id);
      int rc = s.Step();
      if (rc == SQLITE_DONE) return Status::NotFound("unknown unit: " + r.unit_id);
      if (rc != SQLITE_ROW) return s.Error();
      regions.push_back(s.Text(0));
    }
    // Current version per touched region; each report takes the next one.
    std::unordered_map<std::string, std::int64_t> versions;
    for (const auto& rid : regions) {
      if (versions.count(rid) != 0) continue;
      OZCC_PREPARE(s, c, "SELECT data_version FROM regions WHERE id = ?");
      s.Bind(1, rid);
      if (s.Step() != SQLITE_ROW) return s.last_code() == SQLITE_DONE ? Status::Internal("region vanished") : s.Error();
      versions[rid] = s.Int(0);
    }
    const Time now = Now();
    out.reports.reserve(write.reports.size());
    for (size_t i = 0; i < write.reports.size(); ++i) {
      CapacityReport r = write.reports[i];
      r.version = ++versions[regions[i]];
      r.received_at = now;
      {
        OZCC_PREPARE(s, c,
                     "INSERT INTO capacity_reports (unit_id, region_id, version, as_of, received_at, source, "
                     "beds_total, beds_staffed, beds_occupied, beds_available, ed_status, ed_waiting, "
                     "ed_in_treatment, ed_boarding, ed_crowding, note, reported_by) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.Bind(1, r.unit_id)
            .Bind(2, regions[i])
            .Bind(3, r.version)
            .Bind(4, ToUnixMillis(r.as_of))
            .Bind(5, ToUnixMillis(r.received_at))
            .Bind(6, ToString(r.source));
        if (r.beds) {
          s.Bind(7, r.beds->total).Bind(8, r.beds->staffed).Bind(9, r.beds->occupied).Bind(10, r.beds->available);
        } else {
          for (int k = 7; k <= 10; ++k) s.BindNull(k);
        }
        if (r.ed) {
          s.Bind(11, ToString(r.ed->status))
              .Bind(12, r.ed->waiting)
              .Bind(13, r.ed->in_treatment)
              .Bind(14, r.ed->boarding)
              .Bind(15, r.ed->crowding);
        } else {
          for (int k = 11; k <= 15; ++k) s.BindNull(k);
        }
        s.Bind(16, r.note).Bind(17, r.reported_by);
        OZCC_RETURN_IF_ERROR(s.Run());
      }
      const std::int64_t report_id = c.LastInsertRowid();
      {
        OZCC_PREPARE(s, c,
                     "INSERT INTO unit_latest (unit_id, region_id, report_id, as_of, version) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (unit_id) DO UPDATE SET region_id = excluded.region_id, "
                     "report_id = excluded.report_id, as_of = excluded.as_of, version = excluded.version "
                     "WHERE excluded.as_of > unit_latest.as_of OR "
                     "(excluded.as_of = unit_latest.as_of AND excluded.version > unit_latest.version)");
        s.Bind(1, r.unit_id).Bind(2, regions[i]).Bind(3, report_id).Bind(4, ToUnixMillis(r.as_of)).Bind(5, r.version);
        OZCC_RETURN_IF_ERROR(s.Run());
      }
      out.version = std::max(out.version, r.version);
      out.reports.push_back(std::move(r));
    }
    for (const auto& [rid, v] : versions) {
      OZCC_PREPARE(s, c, "UPDATE regions SET data_version = ? WHERE id = ?");
      s.Bind(1, v).Bind(2, rid);
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
    if (keyed) {
      std::string body = write.response_for_key ? write.response_for_key(out.reports) : std::string();
      {
        OZCC_PREPARE(s, c,
                     "INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) "
                     "VALUES (?, ?, ?, 200, ?, ?)");
        s.Bind(1, write.idempotency_scope)
            .Bind(2, write.idempotency_key)
            .Bind(3, write.request_hash)
            .Bind(4, body)
            .Bind(5, ToUnixMillis(now));
        OZCC_RETURN_IF_ERROR(s.Run());
      }
      if (++keyed_writes_ % 256 == 0) {
        OZCC_PREPARE(s, c, "DELETE FROM idempotency WHERE created_at < ?");
        s.Bind(1, ToUnixMillis(now) - options_.idempotency_retention_s * 1000);
        OZCC_RETURN_IF_ERROR(s.Run());
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<CapacityReport>> SqliteStore::LatestCapacity(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PREPARE(s, c,
                 std::string("SELECT ") + kReportCols +
                     " FROM unit_latest l JOIN capacity_reports r ON r.id = l.report_id WHERE l.region_id = ? "
                     "ORDER BY l.unit_id");
    s.Bind(1, region_id);
    std::vector<CapacityReport> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadReport(s));
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

Result<std::vector<CapacityReport>> SqliteStore::CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                                 size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PREPARE(s, c,
                 std::string("SELECT ") + kReportCols +
                     " FROM capacity_reports r WHERE r.unit_id = ? AND r.as_of >= ? AND r.as_of <= ? "
                     "ORDER BY r.as_of, r.version LIMIT ?");
    s.Bind(1, unit_id).Bind(2, ToUnixMillis(from)).Bind(3, ToUnixMillis(to)).Bind(4, SqlLimit(limit));
    std::vector<CapacityReport> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadReport(s));
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

Result<std::vector<CapacityReport>> SqliteStore::CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                               size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PREPARE(s, c,
                 std::string("SELECT ") + kReportCols +
                     " FROM capacity_reports r WHERE r.region_id = ? AND r.version > ? ORDER BY r.version LIMIT ?");
    s.Bind(1, region_id).Bind(2, after_version).Bind(3, SqlLimit(limit));
    std::vector<CapacityReport> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadReport(s));
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

Result<std::int64_t> SqliteStore::DataVersion(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::int64_t> {
    OZCC_PREPARE(s, c, "SELECT data_version FROM regions WHERE id = ?");
    s.Bind(1, region_id);
    int rc = s.Step();
    if (rc == SQLITE_ROW) return s.Int(0);
    if (rc == SQLITE_DONE) return std::int64_t{0};
    return s.Error();
  });
}

Result<std::optional<IdempotentResponse>> SqliteStore::GetIdempotent(const std::string& scope, const std::string& key) {
  return Read([&](Connection& c) -> Result<std::optional<IdempotentResponse>> {
    OZCC_PREPARE(s, c, "SELECT request_hash, status, body FROM idempotency WHERE scope = ? AND key = ?");
    s.Bind(1, scope).Bind(2, key);
    int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<IdempotentResponse>();
    if (rc != SQLITE_ROW) return s.Error();
    return std::optional<IdempotentResponse>(IdempotentResponse{s.Text(0), static_cast<int>(s.Int(1)), s.Text(2)});
  });
}

// --- users, sessions, feed tokens ----------------------------------------------------

Status SqliteStore::CreateUser(const UserRecord& user, const AuditRecord& audit) {
  if (user.username.empty()) return Status::Invalid("empty user name", {{"username", "must not be empty"}});
  return Write([&](Connection& c) -> Status {
    {
      OZCC_PREPARE(s, c,
                   "INSERT INTO users (username, password_hash, role, organization_id, region_id, disabled) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING");
      s.Bind(1, user.username)
          .Bind(2, user.password_hash)
          .Bind(3, ToString(user.role))
          .Bind(4, user.organization_id)
          .Bind(5, user.region_id)
          .Bind(6, user.disabled);
      OZCC_RETURN_IF_ERROR(s.Run());
      if (sqlite3_changes(c.raw()) == 0) return Status::Conflict("user already exists: " + user.username);
    }
    return InsertAudit(c, audit, Now());
  });
}

Result<UserRecord> SqliteStore::GetUser(const std::string& username) {
  return Read([&](Connection& c) -> Result<UserRecord> {
    OZCC_PREPARE(s, c,
                 "SELECT username, password_hash, role, organization_id, region_id, disabled FROM users "
                 "WHERE username = ?");
    s.Bind(1, username);
    int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("unknown user: " + username);
    if (rc != SQLITE_ROW) return s.Error();
    UserRecord u;
    u.username = s.Text(0);
    u.password_hash = s.Text(1);
    auto role = ParseRole(s.Text(2));
    if (!role) return Status::Internal("user " + username + " has an unknown role: " + s.Text(2));
    u.role = *role;
    u.organization_id = s.Text(3);
    u.region_id = s.Text(4);
    u.disabled = s.Int(5) != 0;
    return u;
  });
}

Status SqliteStore::CreateSession(const SessionRecord& session) {
  return Write([&](Connection& c) -> Status {
    const Time now = Now();
    {
      OZCC_PREPARE(s, c, "SELECT 1 FROM users WHERE username = ?");
      s.Bind(1, session.username);
      int rc = s.Step();
      if (rc == SQLITE_DONE) return Status::NotFound("unknown user: " + session.username);
      if (rc != SQLITE_ROW) return s.Error();
    }
    {
      OZCC_PREPARE(s, c, "DELETE FROM sessions WHERE expires_at <= ?");
      s.Bind(1, ToUnixMillis(now));
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    OZCC_PREPARE(s, c,
                 "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (token_hash) DO NOTHING");
    s.Bind(1, session.token_hash)
        .Bind(2, session.username)
        .Bind(3, ToUnixMillis(session.created_at == Time{} ? now : session.created_at))
        .Bind(4, ToUnixMillis(session.expires_at));
    OZCC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(c.raw()) == 0) return Status::Conflict("session token already exists");
    return Status::Ok();
  });
}

Result<SessionRecord> SqliteStore::GetSession(const std::string& token_hash) {
  return Read([&](Connection& c) -> Result<SessionRecord> {
    OZCC_PREPARE(s, c,
                 "SELECT token_hash, username, created_at, expires_at FROM sessions "
                 "WHERE token_hash = ? AND expires_at > ?");
    s.Bind(1, token_hash).Bind(2, ToUnixMillis(Now()));
    int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("no such session");
    if (rc != SQLITE_ROW) return s.Error();
    return SessionRecord{s.Text(0), s.Text(1), FromUnixMillis(s.Int(2)), FromUnixMillis(s.Int(3))};
  });
}

Status SqliteStore::DisableUser(const std::string& username, const AuditRecord& audit) {
  return Write([&](Connection& c) -> Status {
    {
      OZCC_PREPARE(s, c, "UPDATE users SET disabled = 1 WHERE username = ?");
      s.Bind(1, username);
      OZCC_RETURN_IF_ERROR(s.Run());
      if (sqlite3_changes(c.raw()) == 0) return Status::NotFound("no such user: " + username);
    }
    {
      OZCC_PREPARE(s, c, "DELETE FROM sessions WHERE username = ?");
      s.Bind(1, username);
      OZCC_RETURN_IF_ERROR(s.Run());
    }
    return InsertAudit(c, audit, Now());
  });
}

Status SqliteStore::DeleteSession(const std::string& token_hash) {
  return Write([&](Connection& c) -> Status {
    OZCC_PREPARE(s, c, "DELETE FROM sessions WHERE token_hash = ?");
    s.Bind(1, token_hash);
    return s.Run();
  });
}

Status SqliteStore::CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) {
  return Write([&](Connection& c) -> Status {
    const Time now = Now();
    {
      OZCC_PREPARE(s, c,
                   "INSERT INTO feed_tokens (token_hash, name, organization_id, region_id, created_at, revoked) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING");
      s.Bind(1, token.token_hash)
          .Bind(2, token.name)
          .Bind(3, token.organization_id)
          .Bind(4, token.region_id)
          .Bind(5, ToUnixMillis(token.created_at == Time{} ? now : token.created_at))
          .Bind(6, token.revoked);
      OZCC_RETURN_IF_ERROR(s.Run());
      if (sqlite3_changes(c.raw()) == 0) return Status::Conflict("feed token already exists");
    }
    return InsertAudit(c, audit, now);
  });
}

Result<FeedTokenRecord> SqliteStore::GetFeedToken(const std::string& token_hash) {
  return Read([&](Connection& c) -> Result<FeedTokenRecord> {
    OZCC_PREPARE(s, c, std::string(kFeedTokenSelect) + "WHERE token_hash = ?");
    s.Bind(1, token_hash);
    int rc = s.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("no such feed token");
    if (rc != SQLITE_ROW) return s.Error();
    return ReadFeedToken(s);
  });
}

Result<std::vector<FeedTokenRecord>> SqliteStore::ListFeedTokens(const std::string& organization_id) {
  return Read([&](Connection& c) -> Result<std::vector<FeedTokenRecord>> {
    OZCC_PREPARE(s, c,
                 std::string(kFeedTokenSelect) +
                     "WHERE ? = '' OR organization_id = ? ORDER BY organization_id, name, created_at");
    s.Bind(1, organization_id).Bind(2, organization_id);
    std::vector<FeedTokenRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      out.push_back(ReadFeedToken(s));
    }
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

Result<int> SqliteStore::RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                                          const AuditRecord& audit) {
  int revoked = 0;
  Status st = Write([&](Connection& c) -> Status {
    {
      OZCC_PREPARE(s, c, "UPDATE feed_tokens SET revoked = 1 WHERE organization_id = ? AND name = ? AND revoked = 0");
      s.Bind(1, organization_id).Bind(2, name);
      OZCC_RETURN_IF_ERROR(s.Run());
      revoked = sqlite3_changes(c.raw());
    }
    return revoked > 0 ? InsertAudit(c, audit, Now()) : Status::Ok();
  });
  if (!st.ok()) return st;
  return revoked;
}

// --- audit -------------------------------------------------------------------------------

Status SqliteStore::AppendAudit(const AuditRecord& record) {
  return Write([&](Connection& c) { return InsertAudit(c, record, Now()); });
}

Result<std::vector<AuditRecord>> SqliteStore::ListAudit(std::int64_t before_id, size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<AuditRecord>> {
    static const std::string kCols =
        "SELECT id, at, actor, role, organization_id, action, object, outcome, request_id, detail FROM audit ";
    // Two statements so that both use the rowid range directly.
    auto prepared = before_id > 0 ? c.Prepare(kCols + "WHERE id < ? ORDER BY id DESC LIMIT ?")
                                  : c.Prepare(kCols + "ORDER BY id DESC LIMIT ?");
    if (!prepared.ok()) return prepared.status();
    Stmt& s = *prepared;
    if (before_id > 0) {
      s.Bind(1, before_id).Bind(2, SqlLimit(limit));
    } else {
      s.Bind(1, SqlLimit(limit));
    }
    std::vector<AuditRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      AuditRecord a;
      a.id = s.Int(0);
      a.at = FromUnixMillis(s.Int(1));
      a.actor = s.Text(2);
      a.role = s.Text(3);
      a.organization_id = s.Text(4);
      a.action = s.Text(5);
      a.object = s.Text(6);
      a.outcome = s.Text(7);
      a.request_id = s.Text(8);
      a.detail = s.Text(9);
      out.push_back(std::move(a));
    }
    if (rc != SQLITE_DONE) return s.Error();
    return out;
  });
}

}  // namespace ozcc::sqlite
