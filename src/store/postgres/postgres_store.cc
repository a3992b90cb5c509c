#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/validate.h"
#include "store/common.h"
#include "store/postgres/migrations.h"

namespace ozcc::postgres {

namespace {

// Runs `sql` with `params` into `var` (a Rows), or returns the error.
// `var` names a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OZCC_PG_QUERY(var, c, sql, params)    \
  auto var##_r = (c).Query((sql), (params));  \
  if (!var##_r.ok()) return var##_r.status(); \
  const Rows& var = *var##_r
// NOLINTEND(bugprone-macro-parentheses)

#define OZCC_RETURN_IF_ERROR(expr) \
  do {                             \
    ::ozcc::Status _st = (expr);   \
    if (!_st.ok()) return _st;     \
  } while (false)

// Key of the session-level advisory lock held while migrating ("ozccmigr").
constexpr std::int64_t kMigrationLockKey = 0x6f7a63636d696772;

std::int64_t SqlLimit(size_t limit) {
  return static_cast<std::int64_t>(std::min<size_t>(limit, std::numeric_limits<std::int64_t>::max()));
}

// --- row mapping -------------------------------------------------------------

constexpr const char* kReportCols =
    "r.unit_id, r.as_of, r.received_at, r.source, r.beds_total, r.beds_staffed, r.beds_occupied, "
    "r.beds_available, r.ed_status, r.ed_waiting, r.ed_in_treatment, r.ed_boarding, r.ed_crowding, r.note, "
    "r.reported_by, r.version";

CapacityReport ReadReport(const Rows& s, int i) {
  CapacityReport r;
  r.unit_id = s.Text(i, 0);
  r.as_of = FromUnixMillis(s.Int(i, 1));
  r.received_at = FromUnixMillis(s.Int(i, 2));
  r.source = ParseReportSource(s.Text(i, 3)).value_or(ReportSource::kManual);
  if (!s.IsNull(i, 4)) r.beds = Beds{s.Int(i, 4), s.Int(i, 5), s.Int(i, 6), s.Int(i, 7)};
  if (!s.IsNull(i, 8)) {
    r.ed = EdState{ParseEdStatus(s.Text(i, 8)).value_or(EdStatus::kOpen), s.Int(i, 9), s.Int(i, 10), s.Int(i, 11),
                   s.Int(i, 12)};
  }
  r.note = s.Text(i, 13);
  r.reported_by = s.Text(i, 14);
  r.version = s.Int(i, 15);
  return r;
}

std::vector<CapacityReport> ReadReports(const Rows& s) {
  std::vector<CapacityReport> out;
  out.reserve(static_cast<size_t>(s.size()));
  for (int i = 0; i < s.size(); ++i) out.push_back(ReadReport(s, i));
  return out;
}

constexpr const char* kFeedTokenSelect =
    "SELECT token_hash, name, organization_id, region_id, created_at, revoked FROM feed_tokens ";

FeedTokenRecord ReadFeedToken(const Rows& s, int i) {
  return {s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), FromUnixMillis(s.Int(i, 4)), s.Bool(i, 5)};
}

constexpr const char* kUnitViewSelect =
    "SELECT u.id, u.organization_id, COALESCE(u.location_id, ''), u.type, u.specialism, u.name, "
    "u.expected_interval_s, u.region_id, COALESCE(o.subregion_id, ''), o.name, COALESCE(l.lat, 0), "
    "COALESCE(l.lon, 0) FROM units u JOIN organizations o ON o.id = u.organization_id "
    "LEFT JOIN locations l ON l.id = u.location_id ";

Unit ReadUnit(const Rows& s, int i) {
  Unit u;
  u.id = s.Text(i, 0);
  u.organization_id = s.Text(i, 1);
  u.location_id = s.Text(i, 2);
  u.type = ParseUnitType(s.Text(i, 3)).value_or(UnitType::kWard);
  u.specialism = s.Text(i, 4);
  u.name = s.Text(i, 5);
  u.expected_interval_s = s.Int(i, 6);
  return u;
}

UnitView ReadUnitView(const Rows& s, int i) {
  UnitView v;
  v.unit = ReadUnit(s, i);
  v.region_id = s.Text(i, 7);
  v.subregion_id = s.Text(i, 8);
  v.organization_name = s.Text(i, 9);
  v.lat = s.Double(i, 10);
  v.lon = s.Double(i, 11);
  return v;
}

Status InsertAudit(Connection& c, const AuditRecord& a, Time now) {
  return c.Run(
      "INSERT INTO audit (at, actor, role, organization_id, action, object, outcome, request_id, detail) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      Params()
          .Add(ToUnixMillis(a.at == Time{} ? now : a.at))
          .Add(a.actor)
          .Add(a.role)
          .Add(a.organization_id)
          .Add(a.action)
          .Add(a.object)
          .Add(a.outcome)
          .Add(a.request_id)
          .Add(a.detail));
}

// Collects ids from a one-column query with one text parameter.
Status CollectIds(Connection& c, const std::string& sql, const std::string& param, std::set<std::string>& out) {
  OZCC_PG_QUERY(s, c, sql, Params().Add(param));
  for (int i = 0; i < s.size(); ++i) out.insert(s.Text(i, 0));
  return Status::Ok();
}

// Checks that none of `ids` is owned by another region; `sql` selects (id, owner region) for `= ANY($1)`.
Status CheckOwners(Connection& c, const std::string& sql, const std::string& kind, const std::vector<std::string>& ids,
                   const std::string& region_id) {
  if (ids.empty()) return Status::Ok();
  OZCC_PG_QUERY(s, c, sql, Params().Add(TextArray(ids)));
  std::map<std::string, std::string> owner;
  for (int i = 0; i < s.size(); ++i) owner[s.Text(i, 0)] = s.Text(i, 1);
  for (const auto& id : ids) {  // in file order, so the message names the first
    auto it = owner.find(id);
    if (it != owner.end() && it->second != region_id) {
      return Status::Conflict(kind + " " + id + " belongs to region " + it->second);
    }
  }
  return Status::Ok();
}

// The channel of the change feed and its payloads, one per change:
// "capacity\t<version>\t<region>", "region\t<region>", "session\t<token hash>".
constexpr const char* kChangeChannel = "openzcc_changes";

// Takes the next versions of a region ($1) for $2 reports and announces the new version.
const std::string kTakeVersions = std::string(
                                      "WITH u AS (UPDATE regions SET data_version = data_version + $2 WHERE id = $1 "
                                      "RETURNING data_version) SELECT data_version, pg_notify('") +
                                  kChangeChannel + "', 'capacity' || chr(9) || data_version || chr(9) || $1) FROM u";

// Announces a change to every listening instance when the transaction commits.
Status Notify(Connection& c, const std::string& payload) {
  return c.Run(std::string("SELECT pg_notify('") + kChangeChannel + "', $1)", Params().Add(payload));
}

// Announces that a session or feed token is no longer valid: every instance
// drops it from its auth cache (StoreChange::kSessionRevoked).
Status NotifyRevoked(Connection& c, const std::string& token_hash) { return Notify(c, "session\t" + token_hash); }

std::optional<StoreChange> ParseChange(std::string_view payload) {
  auto tab = payload.find('\t');
  if (tab == std::string_view::npos) return std::nullopt;
  std::string_view kind = payload.substr(0, tab), rest = payload.substr(tab + 1);
  StoreChange ch;
  if (kind == "capacity") {
    auto tab2 = rest.find('\t');
    if (tab2 == std::string_view::npos) return std::nullopt;
    ch.kind = StoreChange::Kind::kCapacity;
    auto [end, err] = std::from_chars(rest.data(), rest.data() + tab2, ch.version);
    if (err != std::errc() || end != rest.data() + tab2) return std::nullopt;
    ch.region_id = std::string(rest.substr(tab2 + 1));
  } else if (kind == "region") {
    ch.kind = StoreChange::Kind::kRegion;
    ch.region_id = std::string(rest);
  } else if (kind == "session") {
    ch.kind = StoreChange::Kind::kSessionRevoked;
    ch.token_hash = std::string(rest);
  } else {
    return std::nullopt;
  }
  return ch;
}

void Backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 10 << std::min(attempt, 7))));
}

}  // namespace

// --- lifecycle -------------------------------------------------------------------

PostgresStore::PostgresStore(const Options& options) : options_(options) {}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const Options& options) {
  if (options.url.empty()) return Status::Invalid("empty PostgreSQL URL");
  std::unique_ptr<PostgresStore> store(new PostgresStore(options));
  Status st = store->Init();
  if (!st.ok()) return st;
  return store;
}

Status PostgresStore::Init() {
  OZCC_RETURN_IF_ERROR(EnsureWriter());
  for (int i = 0; i < std::max(1, options_.read_connections); ++i) free_readers_.push_back(nullptr);
  writes_.Start(options_.max_group, [this](std::vector<Job>& group) { RunGroup(group); });
  return Status::Ok();
}

PostgresStore::~PostgresStore() {
  {
    std::lock_guard<std::mutex> lk(listen_mu_);
    listen_stop_ = true;
  }
  listen_cv_.notify_all();
  if (listener_.joinable()) listener_.join();
  writes_.Stop();
}

PostgresStore::WriterStats PostgresStore::Stats() const {
  std::lock_guard<std::mutex> lk(stats_mu_);
  return stats_;
}

std::vector<int> PostgresStore::BackendPids() {
  std::vector<int> out;
  {
    std::lock_guard<std::mutex> lk(writer_pid_mu_);
    if (writer_pid_ != 0) out.push_back(writer_pid_);
    if (listener_pid_ != 0) out.push_back(listener_pid_);
  }
  std::lock_guard<std::mutex> lk(pool_mu_);
  for (const auto& c : free_readers_)
    if (c && !c->broken()) out.push_back(c->backend_pid());
  return out;
}

Status PostgresStore::EnsureWriter() {
  if (writer_conn_ && !writer_conn_->broken()) return Status::Ok();
  const bool reopen = writer_conn_ != nullptr;
  writer_conn_.reset();
  auto c = Connection::Open(options_.url);
  if (!c.ok()) return c.status();
  writer_conn_ = std::move(c).value();
  {
    std::lock_guard<std::mutex> lk(writer_pid_mu_);
    writer_pid_ = writer_conn_->backend_pid();
  }
  if (reopen) {
    std::lock_guard<std::mutex> lk(stats_mu_);
    stats_.reconnects += 1;
  }
  return Status::Ok();
}

// --- change feed -----------------------------------------------------------------

Status PostgresStore::WatchChanges(ChangeHandler on_change) {
  std::promise<Status> first;
  auto listening = first.get_future();
  {
    std::lock_guard<std::mutex> lk(listen_mu_);
    if (listener_.joinable()) return Status::Invalid("the change feed is already started");
    listener_ = std::thread(
        [this, fn = std::move(on_change), p = std::move(first)]() mutable { ListenLoop(std::move(fn), p); });
  }
  return listening.get();
}

void PostgresStore::ListenLoop(ChangeHandler on_change, std::promise<Status>& first) {
  bool first_told = false;
  bool missed = false;  // the feed was down: changes may have gone unreported
  int attempt = 0;
  std::unique_ptr<Connection> conn;
  auto quiet_since = std::chrono::steady_clock::now();
  auto stopping = [&](std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lk(listen_mu_);
    return listen_cv_.wait_for(lk, wait, [&] { return listen_stop_; });
  };
  while (!stopping(std::chrono::milliseconds(0))) {
    if (!conn || conn->broken()) {
      conn.reset();
      auto c = Connection::Open(options_.url);
      Status st = c.ok() ? (*c)->Exec(std::string("LISTEN ") + kChangeChannel) : c.status();
      if (st.ok()) {
        conn = std::move(c).value();
        std::lock_guard<std::mutex> lk(writer_pid_mu_);
        listener_pid_ = conn->backend_pid();
      }
      if (!first_told) {
        first.set_value(st);
        first_told = true;
      }
      if (!st.ok()) {
        missed = true;
        if (stopping(std::chrono::milliseconds(std::min(2000, 50 << std::min(attempt++, 6))))) break;
        continue;
      }
      attempt = 0;
      quiet_since = std::chrono::steady_clock::now();
      if (missed) {
        {
          std::lock_guard<std::mutex> lk(stats_mu_);
          stats_.reconnects += 1;
        }
        on_change(StoreChange{});  // kResync
        missed = false;
      }
    }
    std::vector<std::string> payloads;
    Status st = conn->WaitNotifications(std::chrono::milliseconds(200), payloads);
    for (const auto& p : payloads) {
      if (auto ch = ParseChange(p)) on_change(*ch);
    }
    auto now = std::chrono::steady_clock::now();
    if (!payloads.empty()) {
      quiet_since = now;
    } else if (st.ok() && now - quiet_since > std::chrono::seconds(5)) {
      // A silent connection may be a dead one (no reset reached us): ask.
      st = conn->Exec("SELECT 1");
      quiet_since = now;
    }
    if (!st.ok() || conn->broken()) missed = true;
  }
}

// --- group commit ------------------------------------------------------------

Status PostgresStore::Write(JobFn fn, std::vector<std::string> units) {
  return writes_.Submit(Job{std::move(fn), {}, std::move(units)});
}

bool PostgresStore::TryGroup(std::vector<Job>& jobs, std::vector<Status>& results, std::int64_t& failed_jobs,
                             bool& committed) {
  committed = false;
  failed_jobs = 0;
  auto fail_all = [&](const std::string& why) {
    for (auto& r : results) r = Status::Unavailable(why);
  };
  Status ready = EnsureWriter();
  if (!ready.ok()) {
    fail_all("database unavailable: " + ready.message());
    return false;
  }
  Connection& c = *writer_conn_;
  c.ClearFlags();
  // The transaction id lets us learn the outcome of a COMMIT whose answer was lost.
  Status begin = c.Exec("BEGIN");
  auto xid = begin.ok() ? c.Query("SELECT pg_current_xact_id()::text") : Result<Rows>(begin);
  if (!xid.ok()) {
    fail_all("cannot begin write transaction: " + xid.status().message());
    if (c.InTransaction()) c.Exec("ROLLBACK");
    return !(c.broken() || c.retryable());
  }
  const std::string txid = xid->Text(0, 0);
  // Take the region locks of the whole group up front, in one global (id) order.
  std::vector<std::string> units;
  for (const auto& j : jobs) units.insert(units.end(), j.units.begin(), j.units.end());
  if (!units.empty()) {
    auto locked = c.Query(
        "SELECT id FROM regions WHERE id IN (SELECT region_id FROM units WHERE id = ANY($1)) ORDER BY id FOR UPDATE",
        Params().Add(TextArray(units)));
    if (!locked.ok()) {
      fail_all("cannot lock regions: " + locked.status().message());
      if (!c.broken()) c.Exec("ROLLBACK");
      return !(c.broken() || c.retryable());
    }
  }
  Status abort;  // set when the whole transaction is lost
  bool retry = false;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!abort.ok()) {
      results[i] = Status::Unavailable("write transaction aborted: " + abort.message());
      continue;
    }
    Status sp = c.Exec("SAVEPOINT job");
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
    if (c.broken() || c.retryable()) {
      // Lost connection, deadlock or serialisation failure: the whole group reruns.
      abort = r.ok() ? Status::Unavailable("write transaction must be retried") : r;
      retry = true;
      results[i] = abort;
      continue;
    }
    if (r.ok()) {
      Status rel = c.Exec("RELEASE SAVEPOINT job");
      if (!rel.ok()) {
        abort = rel;
        r = rel;
      }
    } else {
      ++failed_jobs;
      Status rb = c.Exec("ROLLBACK TO SAVEPOINT job");
      Status rel = rb.ok() ? c.Exec("RELEASE SAVEPOINT job") : rb;
      if (!rel.ok()) abort = rel;
    }
    results[i] = std::move(r);
  }
  if (!abort.ok()) {
    if (!c.broken()) c.Exec("ROLLBACK");
    for (auto& r : results) {
      if (r.ok()) r = Status::Unavailable("write transaction not committed: " + abort.message());
    }
    return !(retry || c.broken() || c.retryable());
  }
  Status commit = c.Exec("COMMIT");
  if (commit.ok()) {
    committed = true;
    return true;
  }
  if (!c.broken()) {
    if (c.InTransaction()) c.Exec("ROLLBACK");
    fail_all("write transaction not committed: " + commit.message());
    return !c.retryable();
  }
  // The answer to COMMIT was lost: ask a new session what became of the transaction.
  Status again = EnsureWriter();
  if (again.ok()) {
    auto st = writer_conn_->Query("SELECT pg_xact_status($1::xid8)", Params().Add(txid));
    if (st.ok() && !st->IsNull(0, 0)) {
      const std::string outcome = st->Text(0, 0);
      if (outcome == "committed") {
        committed = true;
        return true;
      }
      if (outcome == "aborted") {
        fail_all("write transaction not committed: " + commit.message());
        return false;
      }
    }
  }
  fail_all("outcome of the write transaction unknown: " + commit.message());
  return true;
}

void PostgresStore::RunGroup(std::vector<Job>& jobs) {
  std::vector<Status> results(jobs.size());
  std::int64_t failed_jobs = 0;
  bool committed = false;
  int attempt = 0;
  for (;; ++attempt) {
    bool final = TryGroup(jobs, results, failed_jobs, committed);
    if (final || attempt >= options_.max_retries) break;
    {
      std::lock_guard<std::mutex> lk(stats_mu_);
      stats_.retries += 1;
    }
    Backoff(attempt);
  }
  {
    std::lock_guard<std::mutex> lk(stats_mu_);
    stats_.writes += static_cast<std::int64_t>(jobs.size());
    stats_.failed_writes += committed ? failed_jobs : 0;
    stats_.groups += 1;
    if (!committed) stats_.failed_groups += 1;
    stats_.largest_group = std::max<std::int64_t>(stats_.largest_group, static_cast<std::int64_t>(jobs.size()));
  }
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].done.set_value(std::move(results[i]));
}

// --- reads ---------------------------------------------------------------------

template <class F>
auto PostgresStore::Read(F&& fn, bool snapshot) -> decltype(fn(std::declval<Connection&>())) {
  using R = decltype(fn(std::declval<Connection&>()));
  auto run = [&](Connection& c) -> R {
    try {
      if (snapshot) OZCC_RETURN_IF_ERROR(c.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
      R r = fn(c);
      if (snapshot) {
        Status end = c.Exec(r.ok() ? "COMMIT" : "ROLLBACK");
        if (!end.ok() && r.ok()) return end;
      }
      return r;
    } catch (const std::exception& e) {
      if (c.InTransaction()) c.Exec("ROLLBACK");
      return Status::Internal(std::string("read failed: ") + e.what());
    }
  };
  std::unique_ptr<Connection> c;
  {
    std::unique_lock<std::mutex> lk(pool_mu_);
    pool_cv_.wait(lk, [this] { return !free_readers_.empty(); });
    c = std::move(free_readers_.back());
    free_readers_.pop_back();
  }
  R r = Status::Unavailable("no read connection");
  // A read is retried once on a fresh connection when its connection was lost.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!c || c->broken()) {
      const bool reopen = c != nullptr;
      c.reset();
      auto opened = Connection::Open(options_.url);
      if (!opened.ok()) {
        r = opened.status();
        break;
      }
      c = std::move(opened).value();
      if (reopen) {
        std::lock_guard<std::mutex> lk(stats_mu_);
        stats_.reconnects += 1;
      }
    }
    r = run(*c);
    if (r.ok() || !c->broken()) break;
  }
  {
    std::lock_guard<std::mutex> lk(pool_mu_);
    free_readers_.push_back(std::move(c));
  }
  pool_cv_.notify_one();
  return r;
}

// --- migrations and health ------------------------------------------------------

Status PostgresStore::Migrate() {
  auto opened = Connection::Open(options_.url);
  if (!opened.ok()) return opened.status();
  Connection& c = **opened;
  // Serialises migrators across threads, processes and instances; released
  // when the session ends, also on failure.
  OZCC_RETURN_IF_ERROR(c.Run("SELECT pg_advisory_lock($1)", Params().Add(kMigrationLockKey)));
  OZCC_RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at BIGINT NOT NULL)"));
  const auto& all = Migrations();
  int known = all.empty() ? 0 : all.back().version;
  {
    OZCC_PG_QUERY(s, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", Params());
    if (s.Int(0, 0) > known) {
      return Status::Internal("database schema version " + std::to_string(s.Int(0, 0)) +
                              " is newer than this build knows (" + std::to_string(known) + ")");
    }
  }
  for (const auto& m : all) {
    OZCC_RETURN_IF_ERROR(c.Exec("BEGIN"));
    auto fail = [&](const Status& st) {
      if (!c.broken()) c.Exec("ROLLBACK");
      return Status(st.code() == Code::kUnavailable ? Code::kUnavailable : Code::kInternal,
                    "migration " + std::string(m.name) + " failed: " + st.message());
    };
    auto s = c.Query("SELECT 1 FROM schema_migrations WHERE version = $1", Params().Add(m.version));
    if (!s.ok()) return fail(s.status());
    if (!s->empty()) {
      OZCC_RETURN_IF_ERROR(c.Exec("COMMIT"));
      continue;
    }
    Status st = c.Exec(m.sql);
    if (!st.ok()) return fail(st);
    st = c.Run("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
               Params().Add(m.version).Add(m.name).Add(ToUnixMillis(Now())));
    if (!st.ok()) return fail(st);
    st = c.Exec("COMMIT");
    if (!st.ok()) return fail(st);
  }
  return c.Run("SELECT pg_advisory_unlock($1)", Params().Add(kMigrationLockKey));
}

Status PostgresStore::Ping() {
  if (writes_.stopping()) return Status::Unavailable("store is shutting down");
  return Read([](Connection& c) -> Status {
    OZCC_PG_QUERY(t, c, "SELECT to_regclass('schema_migrations') IS NOT NULL", Params());
    if (!t.Bool(0, 0)) return Status::Unavailable("database not migrated");
    OZCC_PG_QUERY(s, c, "SELECT COUNT(*) FROM schema_migrations", Params());
    if (s.Int(0, 0) == 0) return Status::Unavailable("database not migrated");
    return Status::Ok();
  });
}

// --- region tree -----------------------------------------------------------------

Status PostgresStore::ImportRegion(const RegionData& data, const AuditRecord& audit) {
  if (auto errors = ValidateRegion(data); !errors.empty()) {
    return Status::Invalid("invalid region " + data.region.id, std::move(errors));
  }
  const std::string& rid = data.region.id;
  return Write([&](Connection& c) -> Status {
    // Ids are global: none may belong to another region.
    std::vector<std::string> ids;
    for (const auto& s : data.region.subregions) ids.push_back(s.id);
    OZCC_RETURN_IF_ERROR(
        CheckOwners(c, "SELECT id, region_id FROM subregions WHERE id = ANY($1)", "subregion", ids, rid));
    ids.clear();
    for (const auto& o : data.organizations) ids.push_back(o.id);
    OZCC_RETURN_IF_ERROR(
        CheckOwners(c, "SELECT id, region_id FROM organizations WHERE id = ANY($1)", "organization", ids, rid));
    ids.clear();
    for (const auto& l : data.locations) ids.push_back(l.id);
    OZCC_RETURN_IF_ERROR(CheckOwners(c,
                                     "SELECT l.id, o.region_id FROM locations l JOIN organizations o "
                                     "ON o.id = l.organization_id WHERE l.id = ANY($1)",
                                     "location", ids, rid));
    ids.clear();
    for (const auto& u : data.units) ids.push_back(u.id);
    OZCC_RETURN_IF_ERROR(CheckOwners(c, "SELECT id, region_id FROM units WHERE id = ANY($1)", "unit", ids, rid));

    // What the region holds now and the file no longer has.
    std::set<std::string> old_units, old_locations, old_orgs, old_subregions;
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM units WHERE region_id = $1", rid, old_units));
    OZCC_RETURN_IF_ERROR(CollectIds(c,
                                    "SELECT l.id FROM locations l JOIN organizations o ON o.id = l.organization_id "
                                    "WHERE o.region_id = $1",
                                    rid, old_locations));
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM organizations WHERE region_id = $1", rid, old_orgs));
    OZCC_RETURN_IF_ERROR(CollectIds(c, "SELECT id FROM subregions WHERE region_id = $1", rid, old_subregions));
    for (const auto& u : data.units) old_units.erase(u.id);
    for (const auto& l : data.locations) old_locations.erase(l.id);
    for (const auto& o : data.organizations) old_orgs.erase(o.id);
    for (const auto& s : data.region.subregions) old_subregions.erase(s.id);

    if (!old_units.empty()) {
      std::vector<std::string> dropped(old_units.begin(), old_units.end());
      OZCC_PG_QUERY(s, c, "SELECT DISTINCT unit_id FROM capacity_reports WHERE unit_id = ANY($1) ORDER BY unit_id",
                    Params().Add(TextArray(dropped)));
      if (!s.empty()) {
        std::vector<std::string> reported;
        for (int i = 0; i < s.size(); ++i) reported.push_back(s.Text(i, 0));
        return Status::Conflict("units missing from the region file still have capacity reports: " + JoinIds(reported));
      }
    }

    OZCC_RETURN_IF_ERROR(
        c.Run("INSERT INTO regions (id, name, demo_values) VALUES ($1, $2, $3) "
              "ON CONFLICT (id) DO UPDATE SET name = excluded.name, demo_values = excluded.demo_values",
              Params().Add(rid).Add(data.region.name).Add(data.demo_values)));
    for (size_t i = 0; i < data.region.subregions.size(); ++i) {
      const auto& sr = data.region.subregions[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO subregions (id, region_id, name, ord) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, ord = excluded.ord",
                Params().Add(sr.id).Add(rid).Add(sr.name).Add(static_cast<std::int64_t>(i))));
    }
    for (size_t i = 0; i < data.organizations.size(); ++i) {
      const auto& o = data.organizations[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO organizations (id, region_id, subregion_id, name, type, source, ord) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET "
                "subregion_id = excluded.subregion_id, name = excluded.name, type = excluded.type, "
                "source = excluded.source, ord = excluded.ord",
                Params()
                    .Add(o.id)
                    .Add(rid)
                    .AddTextOrNull(o.subregion_id)
                    .Add(o.name)
                    .Add(ToString(o.type))
                    .Add(o.source)
                    .Add(static_cast<std::int64_t>(i))));
    }
    for (size_t i = 0; i < data.locations.size(); ++i) {
      const auto& l = data.locations[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO locations (id, organization_id, name, address, city, lat, lon, ord) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET "
                "organization_id = excluded.organization_id, name = excluded.name, address = excluded.address, "
                "city = excluded.city, lat = excluded.lat, lon = excluded.lon, ord = excluded.ord",
                Params()
                    .Add(l.id)
                    .Add(l.organization_id)
                    .Add(l.name)
                    .Add(l.address)
                    .Add(l.city)
                    .Add(l.lat)
                    .Add(l.lon)
                    .Add(static_cast<std::int64_t>(i))));
    }
    for (size_t i = 0; i < data.units.size(); ++i) {
      const auto& u = data.units[i];
      OZCC_RETURN_IF_ERROR(
          c.Run("INSERT INTO units (id, region_id, organization_id, location_id, type, specialism, name, "
                "expected_interval_s, ord) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE "
                "SET organization_id = excluded.organization_id, location_id = excluded.location_id, "
                "type = excluded.type, specialism = excluded.specialism, name = excluded.name, "
                "expected_interval_s = excluded.expected_interval_s, ord = excluded.ord",
                Params()
                    .Add(u.id)
                    .Add(rid)
                    .Add(u.organization_id)
                    .AddTextOrNull(u.location_id)
                    .Add(ToString(u.type))
                    .Add(u.specialism)
                    .Add(u.name)
                    .Add(u.expected_interval_s)
                    .Add(static_cast<std::int64_t>(i))));
    }

    // Remove what the file dropped, children first.
    auto remove = [&](const std::string& sql, const std::set<std::string>& gone) -> Status {
      if (gone.empty()) return Status::Ok();
      return c.Run(sql, Params().Add(TextArray(std::vector<std::string>(gone.begin(), gone.end()))));
    };
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM units WHERE id = ANY($1)", old_units));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM locations WHERE id = ANY($1)", old_locations));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM organizations WHERE id = ANY($1)", old_orgs));
    OZCC_RETURN_IF_ERROR(remove("DELETE FROM subregions WHERE id = ANY($1)", old_subregions));
    OZCC_RETURN_IF_ERROR(Notify(c, "region\t" + rid));
    return InsertAudit(c, audit, Now());
  });
}

Result<std::vector<Region>> PostgresStore::ListRegions() {
  return Read(
      [](Connection& c) -> Result<std::vector<Region>> {
        std::vector<Region> out;
        std::map<std::string, size_t> index;
        {
          OZCC_PG_QUERY(s, c, "SELECT id, name FROM regions ORDER BY id", Params());
          for (int i = 0; i < s.size(); ++i) {
            index[s.Text(i, 0)] = out.size();
            out.push_back(Region{s.Text(i, 0), s.Text(i, 1), {}});
          }
        }
        OZCC_PG_QUERY(s, c, "SELECT region_id, id, name FROM subregions ORDER BY region_id, ord, id", Params());
        for (int i = 0; i < s.size(); ++i) {
          auto it = index.find(s.Text(i, 0));
          if (it != index.end()) out[it->second].subregions.push_back(Subregion{s.Text(i, 1), s.Text(i, 2)});
        }
        return out;
      },
      /*snapshot=*/true);
}

Result<RegionData> PostgresStore::GetRegion(const std::string& region_id) {
  return Read(
      [&](Connection& c) -> Result<RegionData> {
        RegionData d;
        const Params p = Params().Add(region_id);
        {
          OZCC_PG_QUERY(s, c, "SELECT id, name, demo_values FROM regions WHERE id = $1", p);
          if (s.empty()) return Status::NotFound("unknown region: " + region_id);
          d.region.id = s.Text(0, 0);
          d.region.name = s.Text(0, 1);
          d.demo_values = s.Bool(0, 2);
        }
        {
          OZCC_PG_QUERY(s, c, "SELECT id, name FROM subregions WHERE region_id = $1 ORDER BY ord, id", p);
          for (int i = 0; i < s.size(); ++i) d.region.subregions.push_back(Subregion{s.Text(i, 0), s.Text(i, 1)});
        }
        {
          OZCC_PG_QUERY(s, c,
                        "SELECT id, region_id, COALESCE(subregion_id, ''), name, type, source FROM organizations "
                        "WHERE region_id = $1 ORDER BY ord, id",
                        p);
          for (int i = 0; i < s.size(); ++i) {
            Organization o;
            o.id = s.Text(i, 0);
            o.region_id = s.Text(i, 1);
            o.subregion_id = s.Text(i, 2);
            o.name = s.Text(i, 3);
            o.type = ParseOrgType(s.Text(i, 4)).value_or(OrgType::kHospital);
            o.source = s.Text(i, 5);
            d.organizations.push_back(std::move(o));
          }
        }
        {
          OZCC_PG_QUERY(s, c,
                        "SELECT l.id, l.organization_id, l.name, l.address, l.city, l.lat, l.lon FROM locations l "
                        "JOIN organizations o ON o.id = l.organization_id WHERE o.region_id = $1 "
                        "ORDER BY l.ord, l.id",
                        p);
          for (int i = 0; i < s.size(); ++i) {
            d.locations.push_back(Location{s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4),
                                           s.Double(i, 5), s.Double(i, 6)});
          }
        }
        {
          OZCC_PG_QUERY(s, c,
                        "SELECT id, organization_id, COALESCE(location_id, ''), type, specialism, name, "
                        "expected_interval_s FROM units WHERE region_id = $1 ORDER BY ord, id",
                        p);
          for (int i = 0; i < s.size(); ++i) d.units.push_back(ReadUnit(s, i));
        }
        return d;
      },
      /*snapshot=*/true);
}

Result<UnitView> PostgresStore::GetUnit(const std::string& unit_id) {
  return Read([&](Connection& c) -> Result<UnitView> {
    OZCC_PG_QUERY(s, c, std::string(kUnitViewSelect) + "WHERE u.id = $1", Params().Add(unit_id));
    if (s.empty()) return Status::NotFound("unknown unit: " + unit_id);
    return ReadUnitView(s, 0);
  });
}

Result<std::vector<UnitView>> PostgresStore::ListUnits(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::vector<UnitView>> {
    OZCC_PG_QUERY(s, c, std::string(kUnitViewSelect) + "WHERE u.region_id = $1 ORDER BY u.ord, u.id",
                  Params().Add(region_id));
    std::vector<UnitView> out;
    for (int i = 0; i < s.size(); ++i) out.push_back(ReadUnitView(s, i));
    return out;
  });
}

// --- capacity ------------------------------------------------------------------------

Result<CapacityWriteResult> PostgresStore::WriteCapacity(CapacityWrite write) {
  if (write.reports.empty()) return Status::Invalid("no capacity reports to write");
  CapacityWriteResult out;
  std::vector<std::string> lock_units;
  lock_units.reserve(write.reports.size());
  for (const auto& r : write.reports) {
    // Refused here, before the group: in the group's lock query it would fail every job.
    for (const std::string* text : {&r.unit_id, &r.note, &r.reported_by}) {
      if (text->find('\0') != std::string::npos) return Status::Invalid("text must not contain a NUL character");
    }
    lock_units.push_back(r.unit_id);
  }
  Status st = Write(
      [&](Connection& c) -> Status {
        out = CapacityWriteResult{};  // the job may run more than once (retries)
        const bool keyed = !write.idempotency_key.empty();
        if (keyed) {
          OZCC_PG_QUERY(s, c, "SELECT 1 FROM idempotency WHERE scope = $1 AND key = $2",
                        Params().Add(write.idempotency_scope).Add(write.idempotency_key));
          if (!s.empty()) return Status::Conflict("idempotency key already used: " + write.idempotency_key);
        }
        // Every unit must exist before anything is written.
        std::vector<std::string> unit_ids;
        unit_ids.reserve(write.reports.size());
        for (const auto& r : write.reports) unit_ids.push_back(r.unit_id);
        std::unordered_map<std::string, std::string> region_of;
        {
          OZCC_PG_QUERY(s, c, "SELECT id, region_id FROM units WHERE id = ANY($1)", Params().Add(TextArray(unit_ids)));
          for (int i = 0; i < s.size(); ++i) region_of[s.Text(i, 0)] = s.Text(i, 1);
        }
        std::vector<std::string> regions;
        regions.reserve(write.reports.size());
        std::map<std::string, std::int64_t> count;  // per region, in id order (lock order)
        for (const auto& r : write.reports) {
          auto it = region_of.find(r.unit_id);
          if (it == region_of.end()) return Status::NotFound("unknown unit: " + r.unit_id);
          regions.push_back(it->second);
          ++count[it->second];
        }
        // Take each region's next versions; the row lock serialises all writers of the region until COMMIT.
        std::unordered_map<std::string, std::int64_t> next;
        for (const auto& [rid, n] : count) {
          // The notification reaches every listening instance at COMMIT (and is
          // dropped with the job's savepoint if the job rolls back).
          OZCC_PG_QUERY(s, c, kTakeVersions, Params().Add(rid).Add(n));
          if (s.empty()) return Status::Internal("region vanished: " + rid);
          next[rid] = s.Int(0, 0) - n + 1;
        }
        const Time now = Now();
        out.reports.reserve(write.reports.size());
        for (size_t i = 0; i < write.reports.size(); ++i) {
          CapacityReport r = write.reports[i];
          r.version = next[regions[i]]++;
          r.received_at = now;
          Params p;
          p.Add(r.unit_id)
              .Add(regions[i])
              .Add(r.version)
              .Add(ToUnixMillis(r.as_of))
              .Add(ToUnixMillis(r.received_at))
              .Add(ToString(r.source));
          if (r.beds) {
            p.Add(r.beds->total).Add(r.beds->staffed).Add(r.beds->occupied).Add(r.beds->available);
          } else {
            for (int k = 0; k < 4; ++k) p.AddNull();
          }
          if (r.ed) {
            p.Add(ToString(r.ed->status))
                .Add(r.ed->waiting)
                .Add(r.ed->in_treatment)
                .Add(r.ed->boarding)
                .Add(r.ed->crowding);
          } else {
            for (int k = 0; k < 5; ++k) p.AddNull();
          }
          p.Add(r.note).Add(r.reported_by);
          // One round trip: the report and, if it is the unit's newest, unit_latest.
          OZCC_RETURN_IF_ERROR(c.Run(
              "WITH ins AS (INSERT INTO capacity_reports (unit_id, region_id, version, as_of, received_at, source, "
              "beds_total, beds_staffed, beds_occupied, beds_available, ed_status, ed_waiting, ed_in_treatment, "
              "ed_boarding, ed_crowding, note, reported_by) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
              "RETURNING id, unit_id, region_id, as_of, version) "
              "INSERT INTO unit_latest (unit_id, region_id, report_id, as_of, version) "
              "SELECT unit_id, region_id, id, as_of, version FROM ins "
              "ON CONFLICT (unit_id) DO UPDATE SET region_id = excluded.region_id, "
              "report_id = excluded.report_id, as_of = excluded.as_of, version = excluded.version "
              "WHERE excluded.as_of > unit_latest.as_of OR "
              "(excluded.as_of = unit_latest.as_of AND excluded.version > unit_latest.version)",
              p));
          out.version = std::max(out.version, r.version);
          out.reports.push_back(std::move(r));
        }
        for (const auto& a : write.audit) OZCC_RETURN_IF_ERROR(InsertAudit(c, a, now));
        if (keyed) {
          std::string body = write.response_for_key ? write.response_for_key(out.reports) : std::string();
          Status ins = c.Run(
              "INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) "
              "VALUES ($1, $2, $3, 200, $4, $5)",
              Params()
                  .Add(write.idempotency_scope)
                  .Add(write.idempotency_key)
                  .Add(write.request_hash)
                  .Add(body)
                  .Add(ToUnixMillis(now)));
          // Another instance committed the same key meanwhile.
          if (ins.code() == Code::kConflict)
            return Status::Conflict("idempotency key already used: " + write.idempotency_key);
          OZCC_RETURN_IF_ERROR(ins);
          if (++keyed_writes_ % 256 == 0) {
            OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM idempotency WHERE created_at < $1",
                                       Params().Add(ToUnixMillis(now) - options_.idempotency_retention_s * 1000)));
          }
        }
        return Status::Ok();
      },
      lock_units);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<CapacityReport>> PostgresStore::LatestCapacity(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PG_QUERY(s, c,
                  std::string("SELECT ") + kReportCols +
                      " FROM unit_latest l JOIN capacity_reports r ON r.id = l.report_id WHERE l.region_id = $1 "
                      "ORDER BY l.unit_id",
                  Params().Add(region_id));
    return ReadReports(s);
  });
}

Result<std::vector<CapacityReport>> PostgresStore::CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                                   size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PG_QUERY(s, c,
                  std::string("SELECT ") + kReportCols +
                      " FROM capacity_reports r WHERE r.unit_id = $1 AND r.as_of >= $2 AND r.as_of <= $3 "
                      "ORDER BY r.as_of, r.version LIMIT $4",
                  Params().Add(unit_id).Add(ToUnixMillis(from)).Add(ToUnixMillis(to)).Add(SqlLimit(limit)));
    return ReadReports(s);
  });
}

Result<std::vector<CapacityReport>> PostgresStore::CapacitySince(const std::string& region_id,
                                                                 std::int64_t after_version, size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<CapacityReport>> {
    OZCC_PG_QUERY(s, c,
                  std::string("SELECT ") + kReportCols +
                      " FROM capacity_reports r WHERE r.region_id = $1 AND r.version > $2 ORDER BY r.version LIMIT $3",
                  Params().Add(region_id).Add(after_version).Add(SqlLimit(limit)));
    return ReadReports(s);
  });
}

Result<std::int64_t> PostgresStore::DataVersion(const std::string& region_id) {
  return Read([&](Connection& c) -> Result<std::int64_t> {
    OZCC_PG_QUERY(s, c, "SELECT data_version FROM regions WHERE id = $1", Params().Add(region_id));
    if (s.empty()) return std::int64_t{0};
    return s.Int(0, 0);
  });
}

Result<std::optional<IdempotentResponse>> PostgresStore::GetIdempotent(const std::string& scope,
                                                                       const std::string& key) {
  return Read([&](Connection& c) -> Result<std::optional<IdempotentResponse>> {
    OZCC_PG_QUERY(s, c, "SELECT request_hash, status, body FROM idempotency WHERE scope = $1 AND key = $2",
                  Params().Add(scope).Add(key));
    if (s.empty()) return std::optional<IdempotentResponse>();
    return std::optional<IdempotentResponse>(
        IdempotentResponse{s.Text(0, 0), static_cast<int>(s.Int(0, 1)), s.Text(0, 2)});
  });
}

// --- users, sessions, feed tokens ----------------------------------------------------

Status PostgresStore::CreateUser(const UserRecord& user, const AuditRecord& audit) {
  if (user.username.empty()) return Status::Invalid("empty user name", {{"username", "must not be empty"}});
  return Write([&](Connection& c) -> Status {
    OZCC_PG_QUERY(s, c,
                  "INSERT INTO users (username, password_hash, role, organization_id, region_id, disabled) "
                  "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING",
                  Params()
                      .Add(user.username)
                      .Add(user.password_hash)
                      .Add(ToString(user.role))
                      .Add(user.organization_id)
                      .Add(user.region_id)
                      .Add(user.disabled));
    if (s.affected() == 0) return Status::Conflict("user already exists: " + user.username);
    return InsertAudit(c, audit, Now());
  });
}

Result<UserRecord> PostgresStore::GetUser(const std::string& username) {
  return Read([&](Connection& c) -> Result<UserRecord> {
    OZCC_PG_QUERY(s, c,
                  "SELECT username, password_hash, role, organization_id, region_id, disabled FROM users "
                  "WHERE username = $1",
                  Params().Add(username));
    if (s.empty()) return Status::NotFound("unknown user: " + username);
    UserRecord u;
    u.username = s.Text(0, 0);
    u.password_hash = s.Text(0, 1);
    auto role = ParseRole(s.Text(0, 2));
    if (!role) return Status::Internal("user " + username + " has an unknown role: " + s.Text(0, 2));
    u.role = *role;
    u.organization_id = s.Text(0, 3);
    u.region_id = s.Text(0, 4);
    u.disabled = s.Bool(0, 5);
    return u;
  });
}

Status PostgresStore::CreateSession(const SessionRecord& session) {
  return Write([&](Connection& c) -> Status {
    const Time now = Now();
    {
      OZCC_PG_QUERY(s, c, "SELECT 1 FROM users WHERE username = $1", Params().Add(session.username));
      if (s.empty()) return Status::NotFound("unknown user: " + session.username);
    }
    OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM sessions WHERE expires_at <= $1", Params().Add(ToUnixMillis(now))));
    OZCC_PG_QUERY(s, c,
                  "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (token_hash) DO NOTHING",
                  Params()
                      .Add(session.token_hash)
                      .Add(session.username)
                      .Add(ToUnixMillis(session.created_at == Time{} ? now : session.created_at))
                      .Add(ToUnixMillis(session.expires_at)));
    if (s.affected() == 0) return Status::Conflict("session token already exists");
    return Status::Ok();
  });
}

Result<SessionRecord> PostgresStore::GetSession(const std::string& token_hash) {
  return Read([&](Connection& c) -> Result<SessionRecord> {
    OZCC_PG_QUERY(s, c,
                  "SELECT token_hash, username, created_at, expires_at FROM sessions "
                  "WHERE token_hash = $1 AND expires_at > $2",
                  Params().Add(token_hash).Add(ToUnixMillis(Now())));
    if (s.empty()) return Status::NotFound("no such session");
    return SessionRecord{s.Text(0, 0), s.Text(0, 1), FromUnixMillis(s.Int(0, 2)), FromUnixMillis(s.Int(0, 3))};
  });
}

Status PostgresStore::DisableUser(const std::string& username, const AuditRecord& audit) {
  return Write([&](Connection& c) -> Status {
    {
      OZCC_PG_QUERY(s, c, "UPDATE users SET disabled = true WHERE username = $1", Params().Add(username));
      if (s.affected() == 0) return Status::NotFound("no such user: " + username);
    }
    // Other instances drop each session from their caches (change feed).
    OZCC_PG_QUERY(s, c, "DELETE FROM sessions WHERE username = $1 RETURNING token_hash", Params().Add(username));
    for (int i = 0; i < s.size(); ++i) OZCC_RETURN_IF_ERROR(NotifyRevoked(c, s.Text(i, 0)));
    return InsertAudit(c, audit, Now());
  });
}

Status PostgresStore::DeleteSession(const std::string& token_hash) {
  return Write([&](Connection& c) -> Status {
    OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM sessions WHERE token_hash = $1", Params().Add(token_hash)));
    return NotifyRevoked(c, token_hash);
  });
}

Status PostgresStore::CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) {
  return Write([&](Connection& c) -> Status {
    const Time now = Now();
    OZCC_PG_QUERY(s, c,
                  "INSERT INTO feed_tokens (token_hash, name, organization_id, region_id, created_at, revoked) "
                  "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_hash) DO NOTHING",
                  Params()
                      .Add(token.token_hash)
                      .Add(token.name)
                      .Add(token.organization_id)
                      .Add(token.region_id)
                      .Add(ToUnixMillis(token.created_at == Time{} ? now : token.created_at))
                      .Add(token.revoked));
    if (s.affected() == 0) return Status::Conflict("feed token already exists");
    return InsertAudit(c, audit, now);
  });
}

Result<FeedTokenRecord> PostgresStore::GetFeedToken(const std::string& token_hash) {
  return Read([&](Connection& c) -> Result<FeedTokenRecord> {
    OZCC_PG_QUERY(s, c, std::string(kFeedTokenSelect) + "WHERE token_hash = $1", Params().Add(token_hash));
    if (s.empty()) return Status::NotFound("no such feed token");
    return ReadFeedToken(s, 0);
  });
}

Result<std::vector<FeedTokenRecord>> PostgresStore::ListFeedTokens(const std::string& organization_id) {
  return Read([&](Connection& c) -> Result<std::vector<FeedTokenRecord>> {
    OZCC_PG_QUERY(s, c,
                  std::string(kFeedTokenSelect) +
                      "WHERE $1 = '' OR organization_id = $1 ORDER BY organization_id, name, created_at",
                  Params().Add(organization_id));
    std::vector<FeedTokenRecord> out;
    for (int i = 0; i < s.size(); ++i) out.push_back(ReadFeedToken(s, i));
    return out;
  });
}

Result<int> PostgresStore::RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                                            const AuditRecord& audit) {
  int revoked = 0;
  Status st = Write([&](Connection& c) -> Status {
    OZCC_PG_QUERY(s, c,
                  "UPDATE feed_tokens SET revoked = true WHERE organization_id = $1 AND name = $2 AND NOT revoked "
                  "RETURNING token_hash",
                  Params().Add(organization_id).Add(name));
    revoked = s.size();
    // Other instances drop each token from their caches (change feed).
    for (int i = 0; i < s.size(); ++i) OZCC_RETURN_IF_ERROR(NotifyRevoked(c, s.Text(i, 0)));
    return revoked > 0 ? InsertAudit(c, audit, Now()) : Status::Ok();
  });
  if (!st.ok()) return st;
  return revoked;
}

// --- audit -------------------------------------------------------------------------------

Status PostgresStore::AppendAudit(const AuditRecord& record) {
  return Write([&](Connection& c) { return InsertAudit(c, record, Now()); });
}

Result<std::vector<AuditRecord>> PostgresStore::ListAudit(std::int64_t before_id, size_t limit) {
  return Read([&](Connection& c) -> Result<std::vector<AuditRecord>> {
    static const std::string kCols =
        "SELECT id, at, actor, role, organization_id, action, object, outcome, request_id, detail FROM audit ";
    auto rows = before_id > 0 ? c.Query(kCols + "WHERE id < $1 ORDER BY id DESC LIMIT $2",
                                        Params().Add(before_id).Add(SqlLimit(limit)))
                              : c.Query(kCols + "ORDER BY id DESC LIMIT $1", Params().Add(SqlLimit(limit)));
    if (!rows.ok()) return rows.status();
    const Rows& s = *rows;
    std::vector<AuditRecord> out;
    out.reserve(static_cast<size_t>(s.size()));
    for (int i = 0; i < s.size(); ++i) {
      AuditRecord a;
      a.id = s.Int(i, 0);
      a.at = FromUnixMillis(s.Int(i, 1));
      a.actor = s.Text(i, 2);
      a.role = s.Text(i, 3);
      a.organization_id = s.Text(i, 4);
      a.action = s.Text(i, 5);
      a.object = s.Text(i, 6);
      a.outcome = s.Text(i, 7);
      a.request_id = s.Text(i, 8);
      a.detail = s.Text(i, 9);
      out.push_back(std::move(a));
    }
    return out;
  });
}

}  // namespace ozcc::postgres
