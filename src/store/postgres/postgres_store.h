// PostgreSQL implementation of Store (the production backend), on libpq.
// Behaves like SqliteStore (same contract, same tests); the differences are
// where several server instances share one database.
//
// Durability: every session runs with synchronous_commit = on, so a COMMIT
// returns only once its WAL is flushed (and, where configured, replicated). A
// write method returns only after the COMMIT holding its changes succeeded.
//
// Group commit (store/group_commit.h): one writer thread owns one write connection. Every write
// method enqueues a job and blocks on its outcome. The writer takes all queued
// jobs (at most Options::max_group), runs BEGIN, executes each job in its own
// SAVEPOINT (a job failing on its own is rolled back to its savepoint and only
// its caller sees the error), then COMMITs once and completes every job.
//
// Retries: when a statement of the group fails with a serialisation failure or
// deadlock (SQLSTATE 40001 / 40P01, e.g. two instances taking region rows in
// opposite order) or the connection is lost before COMMIT, the whole
// transaction is rolled back (by the server, if the connection is gone), the
// writer reconnects if needed and runs every job of the group again, up to
// Options::max_retries times with a short back-off. Jobs are therefore
// functions that may run more than once; only the outcome of the committed run
// is reported. If the connection is lost during COMMIT, the writer reconnects
// and asks pg_xact_status() for the group's transaction id: committed → the
// jobs succeeded; aborted → retried; unknown → every job gets kUnavailable
// (the client retries with its Idempotency-Key).
//
// Data versions across instances: a write takes its region's next versions
// with UPDATE regions SET data_version = data_version + n … RETURNING, whose
// row lock is held until COMMIT. All writers of a region, on any instance, are
// serialised on that row, so versions are unique, gap-free and become visible
// in version order. Regions of one job are locked in id order; jobs of a group
// may still lock in different orders than another instance's group, which the
// server detects as a deadlock and the writer retries. To keep that rare, the
// writer first locks, in region id order, the region rows of every unit the
// group's capacity writes name (SELECT … ORDER BY id FOR UPDATE), so groups of
// all instances take their region locks in one global order.
//
// Reads: a pool of Options::read_connections connections, opened lazily and
// reopened when lost (a read that failed on a lost connection is retried once
// on a fresh one). Multi-statement reads run in one REPEATABLE READ READ ONLY
// transaction, so they see one snapshot. Ping() reports kUnavailable while the
// database cannot be reached, and recovers by itself when it comes back.
//
// Change feed: capacity writes, region imports and session deletions send a
// NOTIFY on channel openzcc_changes in their transaction; WatchChanges()
// LISTENs on a connection of its own and hands each notification to the
// caller. When that connection is lost it reconnects with back-off and then
// reports kResync, since notifications sent meanwhile are gone.
//
// Migrations: Migrate() uses its own connection and holds a session-level
// pg_advisory_lock while it applies pending migrations (each in its own
// transaction, recorded in schema_migrations), so any number of instances can
// start at once.
//
// Times are stored as BIGINT UTC milliseconds since the epoch (as in SQLite).
//
// Thread safety: every method may be called from any thread. The destructor
// completes queued writes, then stops the writer; no call may be in flight.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/group_commit.h"
#include "store/postgres/connection.h"
#include "store/store.h"

namespace ozcc::postgres {

class PostgresStore final : public Store {
 public:
  struct Options {
    std::string url;           // "postgresql://user@host:port/db?…" or a libpq "key=value" string
    int read_connections = 4;  // size of the read pool
    size_t max_group = 512;    // most jobs committed in one transaction
    int max_retries = 8;       // reruns of a group after 40001 / 40P01 / a lost connection
    // Idempotency entries older than this are purged (opportunistically on write).
    std::int64_t idempotency_retention_s = 24 * 3600;
  };

  // Counters of the writer thread, for tests, /metrics and benchmarks.
  struct WriterStats {
    std::int64_t writes = 0;         // write jobs completed (ok or failed)
    std::int64_t failed_writes = 0;  // jobs whose own work failed (rolled back to their savepoint)
    std::int64_t groups = 0;         // groups completed (committed or failed)
    std::int64_t failed_groups = 0;  // groups not committed
    std::int64_t largest_group = 0;  // most jobs in one group
    std::int64_t retries = 0;        // group reruns (serialisation failure, deadlock, lost connection)
    std::int64_t reconnects = 0;     // connections reopened (writer, readers, change feed)
  };

  // Connects the write connection and starts the writer thread; kUnavailable
  // if the server cannot be reached. Does not migrate; call Migrate()
  // (OpenStore does both).
  static Result<std::unique_ptr<PostgresStore>> Open(const Options& options);
  ~PostgresStore() override;

  WriterStats Stats() const;
  // Server process ids of this store's open connections (writer, change feed
  // and pooled readers), for tests that terminate them.
  std::vector<int> BackendPids();

  Status Migrate() override;
  Status Ping() override;
  // LISTEN on its own connection (reopened when lost, then kResync).
  Status WatchChanges(ChangeHandler on_change) override;

  Status ImportRegion(const RegionData& data, const AuditRecord& audit) override;
  Result<std::vector<Region>> ListRegions() override;
  Result<RegionData> GetRegion(const std::string& region_id) override;
  Result<UnitView> GetUnit(const std::string& unit_id) override;
  Result<std::vector<UnitView>> ListUnits(const std::string& region_id) override;

  // As SqliteStore::WriteCapacity: versions per region, kInvalid for an empty
  // list, kConflict for a stored idempotency key, kNotFound for the first
  // unknown unit. write.response_for_key runs on the writer thread inside the
  // transaction, possibly more than once (retries): it must be quick, pure and
  // must not call the store.
  Result<CapacityWriteResult> WriteCapacity(CapacityWrite write) override;
  Result<std::vector<CapacityReport>> LatestCapacity(const std::string& region_id) override;
  Result<std::vector<CapacityReport>> CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                      size_t limit) override;
  Result<std::vector<CapacityReport>> CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                    size_t limit) override;
  Result<std::int64_t> DataVersion(const std::string& region_id) override;  // 0 when unknown
  Result<std::optional<IdempotentResponse>> GetIdempotent(const std::string& scope, const std::string& key) override;

  Status CreateUser(const UserRecord& user, const AuditRecord& audit) override;
  Result<UserRecord> GetUser(const std::string& username) override;
  Status CreateSession(const SessionRecord& session) override;  // kNotFound: no user; kConflict: hash taken
  Result<SessionRecord> GetSession(const std::string& token_hash) override;
  Status DisableUser(const std::string& username, const AuditRecord& audit) override;  // notifies each session
  Status DeleteSession(const std::string& token_hash) override;                        // Ok also when absent
  Status CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) override;
  Result<FeedTokenRecord> GetFeedToken(const std::string& token_hash) override;  // revoked ones too
  Result<std::vector<FeedTokenRecord>> ListFeedTokens(const std::string& organization_id) override;
  Result<int> RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                               const AuditRecord& audit) override;

  Status AppendAudit(const AuditRecord& record) override;
  Result<std::vector<AuditRecord>> ListAudit(std::int64_t before_id, size_t limit) override;

 private:
  using JobFn = std::function<Status(Connection&)>;
  struct Job {
    JobFn fn;
    std::promise<Status> done;
    std::vector<std::string> units;  // units whose regions the job will lock (pre-locked in id order)
  };

  explicit PostgresStore(const Options& options);
  Status Init();
  Status Write(JobFn fn, std::vector<std::string> units = {});
  void ListenLoop(ChangeHandler on_change, std::promise<Status>& first);
  void RunGroup(std::vector<Job>& jobs);
  // One attempt at a group. Returns true when the outcome is final (results
  // set), false when the group should be retried.
  bool TryGroup(std::vector<Job>& jobs, std::vector<Status>& results, std::int64_t& failed_jobs, bool& committed);
  // Opens the writer connection if it is missing or lost.
  Status EnsureWriter();
  template <class F>
  auto Read(F&& fn, bool snapshot = false) -> decltype(fn(std::declval<Connection&>()));

  Options options_;

  std::unique_ptr<Connection> writer_conn_;  // writer thread only (and Init)
  std::mutex writer_pid_mu_;
  int writer_pid_ = 0;
  int listener_pid_ = 0;  // the change feed's connection; also under writer_pid_mu_

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> free_readers_;  // idle connections (null: not yet opened)

  GroupCommitQueue<Job> writes_;

  std::mutex listen_mu_;
  std::condition_variable listen_cv_;
  bool listen_stop_ = false;
  std::thread listener_;

  mutable std::mutex stats_mu_;
  WriterStats stats_;
  std::int64_t keyed_writes_ = 0;  // writer thread only; paces idempotency purges
};

}  // namespace ozcc::postgres
