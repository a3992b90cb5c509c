#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "store/postgres/migrations.h"

namespace ozcc::postgres {

namespace {

// Key of the session-level advisory lock held while migrating ("ozccmigr").
constexpr std::int64_t kMigrationLockKey = 0x6f7a63636d696772;

// The channel of the change feed and its payloads, one per change:
// "capacity\t<version>\t<region>", "region\t<region>", "session\t<token hash>".
constexpr const char* kChangeChannel = "openzcc_changes";

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

PostgresStore::PostgresStore(const Options& options) : SqlStore(options.idempotency_retention_s), options_(options) {}

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
  writes_.Start(options_.max_group, [this](std::vector<Queued>& group) { RunGroup(group); });
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
    listener_ = std::thread([this, fn = std::move(on_change), p = std::move(first)]() mutable { ListenLoop(fn, p); });
  }
  return listening.get();
}

void PostgresStore::ListenLoop(const ChangeHandler& on_change, std::promise<Status>& first) {
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

std::future<Status> PostgresStore::Queue(Job job, std::vector<std::string> units, std::vector<std::string> regions) {
  return writes_.Enqueue(Queued{std::move(job), {}, std::move(units), std::move(regions)});
}

bool PostgresStore::TryGroup(std::vector<Queued>& jobs, std::vector<Status>& results, sql::GroupRun& run) {
  run = sql::GroupRun{};
  auto fail_all = [&](const std::string& why) {
    run.abort = Status::Unavailable(why);
    for (auto& r : results) r = run.abort;
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
  auto xid = begin.ok() ? c.Fetch("SELECT pg_current_xact_id()::text") : Result<Rows>(begin);
  if (!xid.ok()) {
    fail_all("cannot begin write transaction: " + xid.status().message());
    if (c.InTransaction()) (void)c.Exec("ROLLBACK");
    return !c.MustRetry();
  }
  const std::string txid = xid->Text(0, 0);
  // Take the region locks of the whole group up front, in one global (id) order.
  std::vector<std::string> units, regions;
  for (const auto& j : jobs) {
    units.insert(units.end(), j.units.begin(), j.units.end());
    regions.insert(regions.end(), j.regions.begin(), j.regions.end());
  }
  if (!units.empty() || !regions.empty()) {
    auto locked = c.Fetch(
        "SELECT id FROM regions WHERE id = ANY($2) OR id IN (SELECT region_id FROM units WHERE id = ANY($1)) "
        "ORDER BY id FOR UPDATE",
        sql::Params().Add(sql::TextList{std::move(units)}).Add(sql::TextList{std::move(regions)}));
    if (!locked.ok()) {
      fail_all("cannot lock regions: " + locked.status().message());
      if (!c.broken()) (void)c.Exec("ROLLBACK");
      return !c.MustRetry();
    }
  }
  run = sql::RunInSavepoints(
      c, jobs.size(), [&](size_t i, sql::Conn& conn) { return jobs[i].fn(conn); }, results);
  if (!run.abort.ok()) {
    if (!c.broken()) (void)c.Exec("ROLLBACK");
    sql::FailCommitted(results, run.abort);
    return !(run.retry || c.MustRetry());
  }
  Status commit = c.Exec("COMMIT");
  if (commit.ok()) return true;
  if (!c.broken()) {
    if (c.InTransaction()) (void)c.Exec("ROLLBACK");
    fail_all("write transaction not committed: " + commit.message());
    return !c.retryable();
  }
  // The answer to COMMIT was lost: ask a new session what became of the transaction.
  if (EnsureWriter().ok()) {
    auto st = writer_conn_->Fetch("SELECT pg_xact_status($1::xid8)", sql::Params().Add(txid));
    if (st.ok() && !st->IsNull(0, 0)) {
      const std::string outcome = st->Text(0, 0);
      if (outcome == "committed") return true;
      if (outcome == "aborted") {
        fail_all("write transaction not committed: " + commit.message());
        return false;
      }
    }
  }
  fail_all("outcome of the write transaction unknown: " + commit.message());
  return true;
}

void PostgresStore::RunGroup(std::vector<Queued>& jobs) {
  std::vector<Status> results(jobs.size());
  sql::GroupRun run;
  for (int attempt = 0;; ++attempt) {
    if (TryGroup(jobs, results, run) || attempt >= options_.max_retries) break;
    {
      std::lock_guard<std::mutex> lk(stats_mu_);
      stats_.retries += 1;
    }
    Backoff(attempt);
  }
  {
    std::lock_guard<std::mutex> lk(stats_mu_);
    stats_.CountGroup(jobs.size(), run.failed_jobs, run.abort.ok());
  }
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].done.set_value(std::move(results[i]));
}

// --- reads ---------------------------------------------------------------------

Status PostgresStore::Read(const Job& fn, bool snapshot) {
  auto run = [&](Connection& c) -> Status {
    if (snapshot) OZCC_RETURN_IF_ERROR(c.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status r;
    try {
      r = fn(c);
    } catch (const std::exception& e) {
      r = Status::Internal(std::string("read failed: ") + e.what());
    }
    if (c.InTransaction()) {
      Status end = c.Exec(snapshot && r.ok() ? "COMMIT" : "ROLLBACK");
      if (r.ok() && !end.ok()) return end;
    }
    return r;
  };
  std::unique_ptr<Connection> c;
  {
    std::unique_lock<std::mutex> lk(pool_mu_);
    pool_cv_.wait(lk, [this] { return !free_readers_.empty(); });
    c = std::move(free_readers_.back());
    free_readers_.pop_back();
  }
  Status r = Status::Unavailable("no read connection");
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
  OZCC_RETURN_IF_ERROR(c.Run("SELECT pg_advisory_lock(?)", sql::Params().Add(kMigrationLockKey)));
  OZCC_RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at BIGINT NOT NULL)"));
  OZCC_RETURN_IF_ERROR(sql::ApplyMigrations(c, Migrations(), "BEGIN"));
  return c.Run("SELECT pg_advisory_unlock(?)", sql::Params().Add(kMigrationLockKey));
}

Status PostgresStore::Ping() {
  if (writes_.stopping()) return Status::Unavailable("store is shutting down");
  return Read(
      [](sql::Conn& c) -> Status {
        // Before the first migration there is no schema_migrations to count.
        auto table = c.First<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL", sql::Params(),
                                   [](const sql::Row& r) { return r.Bool(0); });
        if (!table.ok()) return table.status();
        if (!table->value_or(false)) return Status::Unavailable("database not migrated");
        return sql::CheckMigrated(c);
      },
      false);
}

}  // namespace ozcc::postgres
