#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "store/sqlite/migrations.h"

namespace ozcc::sqlite {

namespace {

Status Guarded(sql::Conn& c, const std::function<Status(sql::Conn&)>& fn) {
  try {
    return fn(c);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("read failed: ") + e.what());
  }
}

}  // namespace

// --- lifecycle -------------------------------------------------------------------

SqliteStore::SqliteStore(const Options& options)
    : SqlStore(options.idempotency_retention_s), options_(options), in_memory_(options.path == ":memory:") {}

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
  if (Status st = c.Exec("PRAGMA foreign_keys = ON"); !st.ok()) return st;
  if (!in_memory_) {
    // journal_mode answers with the mode in effect; anything but WAL is an error.
    auto mode =
        c.First<std::string>("PRAGMA journal_mode = WAL", sql::Params(), [](const sql::Row& r) { return r.Text(0); });
    if (!mode.ok()) return mode.status();
    if (mode->value_or("") != "wal") return Status::Unavailable("cannot enable WAL on " + options_.path);
    if (Status st = c.Exec("PRAGMA synchronous = FULL"); !st.ok()) return st;
    auto cp = Connection::Open(options_.path, SQLITE_OPEN_READWRITE, options_.busy_timeout_ms);
    if (!cp.ok()) return cp.status();
    checkpoint_conn_ = std::move(cp).value();
    // A connection checkpoints only once it has seen the file is in WAL mode: a first read tells it.
    if (Status st = checkpoint_conn_->Exec("SELECT COUNT(*) FROM sqlite_master"); !st.ok()) return st;
    // Replaces the automatic checkpoint, which would run inside the writer's COMMIT.
    sqlite3_wal_hook(c.raw(), &SqliteStore::OnWalCommit, this);
    checkpointer_ = std::thread([this] { CheckpointLoop(); });
    int n = std::max(1, options_.read_connections);
    for (int i = 0; i < n; ++i) {
      auto r = Connection::Open(options_.path, SQLITE_OPEN_READONLY, options_.busy_timeout_ms);
      if (!r.ok()) return r.status();
      readers_.push_back(std::move(r).value());
      free_readers_.push_back(readers_.back().get());
    }
  }
  writes_.Start(options_.max_group, [this](std::vector<Queued>& group) { RunGroup(group); });
  return Status::Ok();
}

SqliteStore::~SqliteStore() {
  writes_.Stop();
  {
    std::lock_guard<std::mutex> lk(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

// --- checkpoints ---------------------------------------------------------------

int SqliteStore::OnWalCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* store = static_cast<SqliteStore*>(self);
  store->wal_frames_ = pages;
  const int threshold = store->options_.checkpoint_pages;
  if (pages >= kInlineFactor * threshold) {
    // Steady writes outran the checkpointer: a PASSIVE checkpoint only lets
    // the log start again from its beginning when a write begins with every
    // frame copied, which back-to-back groups may never allow. Copy here, as
    // SQLite's own automatic checkpoint would; the next group then starts the
    // log again. BUSY: the checkpointer is at it right now.
    const int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) ++store->inline_checkpoints_;
  } else if (pages >= threshold) {
    {
      std::lock_guard<std::mutex> lk(store->checkpoint_mu_);
      store->checkpoint_wanted_ = true;
    }
    store->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteStore::CheckpointLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(checkpoint_mu_);
      checkpoint_cv_.wait(lk, [this] { return checkpoint_wanted_ || checkpoint_stop_; });
      if (checkpoint_stop_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE: copies what no reader still needs and waits for nobody; the
    // writer goes on committing meanwhile. What is left goes next time.
    const int rc =
        sqlite3_wal_checkpoint_v2(checkpoint_conn_->raw(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    // BUSY: another checkpoint (the writer's or a backup's) is running; the next commit asks again.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) ++failed_checkpoints_;
    ++checkpoints_;
  }
}

SqliteStore::WriterStats SqliteStore::Stats() const {
  std::lock_guard<std::mutex> lk(stats_mu_);
  return stats_;
}

// --- group commit ------------------------------------------------------------

std::future<Status> SqliteStore::Queue(Job job, std::vector<std::string> /*units*/,
                                       std::vector<std::string> /*regions*/) {
  // One writer: no lock order to keep.
  return writes_.Enqueue(Queued{std::move(job), {}});
}

void SqliteStore::RunGroup(std::vector<Queued>& jobs) {
  std::vector<Status> results(jobs.size());
  sql::GroupRun run;
  {
    std::lock_guard<std::mutex> lk(conn_mu_);
    Connection& c = *writer_conn_;
    if (Status begin = c.Exec("BEGIN IMMEDIATE"); !begin.ok()) {
      run.abort = Status::Unavailable("cannot begin write transaction: " + begin.message());
      for (auto& r : results) r = run.abort;
    } else {
      run = sql::RunInSavepoints(
          c, jobs.size(), [&](size_t i, sql::Conn& conn) { return jobs[i].fn(conn); }, results);
      if (run.abort.ok()) run.abort = c.Exec("COMMIT");
      if (!run.abort.ok()) {
        if (c.InTransaction()) (void)c.Exec("ROLLBACK");
        sql::FailCommitted(results, run.abort);
      }
    }
  }
  {
    std::lock_guard<std::mutex> lk(stats_mu_);
    stats_.CountGroup(jobs.size(), run.failed_jobs, run.abort.ok());
  }
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].done.set_value(std::move(results[i]));
}

// --- reads ---------------------------------------------------------------------

Status SqliteStore::RunRead(Connection& c, const Job& fn, bool snapshot) {
  if (snapshot) {
    if (Status st = c.Run("BEGIN"); !st.ok()) return st;
  }
  Status r = Guarded(c, fn);
  if (c.InTransaction()) {
    Status end = c.Run(snapshot && r.ok() ? "COMMIT" : "ROLLBACK");
    if (r.ok() && !end.ok()) return end;
  }
  return r;
}

Status SqliteStore::Read(const Job& fn, bool snapshot) {
  if (in_memory_) {
    std::lock_guard<std::mutex> lk(conn_mu_);
    return RunRead(*writer_conn_, fn, snapshot);
  }
  Connection* c = nullptr;
  {
    std::unique_lock<std::mutex> lk(pool_mu_);
    pool_cv_.wait(lk, [this] { return !free_readers_.empty(); });
    c = free_readers_.back();
    free_readers_.pop_back();
  }
  Status r = RunRead(*c, fn, snapshot);
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
  Status st = c.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL)");
  if (!st.ok()) return st;
  // BEGIN IMMEDIATE: two processes migrating one file take turns.
  return sql::ApplyMigrations(c, Migrations(), "BEGIN IMMEDIATE");
}

Status SqliteStore::Ping() {
  if (writes_.stopping()) return Status::Unavailable("store is shutting down");
  return Read(sql::CheckMigrated, false);
}

}  // namespace ozcc::sqlite
