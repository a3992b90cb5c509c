// PostgreSQL backend of the store (production), on libpq. The persistence of
// every capability is SqlStore's (store/sql/), shared with SQLite; this class
// supplies the engine, and differs from SqliteStore where several server
// instances share one database.
//
// Durability: every session runs with synchronous_commit = on, so a COMMIT
// returns only once its WAL is flushed (and, where configured, replicated). A
// write method returns only after the COMMIT holding its changes succeeded.
//
// Group commit (group_commit.h, sql/group.h): one writer thread owns one write
// connection and runs each group of queued jobs (at most Options::max_group)
// in one BEGIN … COMMIT, a savepoint per job.
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
// group's capacity writes name and of every region its case writes name
// (SELECT … ORDER BY id FOR UPDATE), so groups of all instances take their
// region locks in one global order.
//
// Reads: a pool of Options::read_connections connections, opened lazily and
// reopened when lost (a read that failed on a lost connection is retried once
// on a fresh one). Multi-statement reads run in one REPEATABLE READ READ ONLY
// transaction, so they see one snapshot. Ping() reports kUnavailable while the
// database cannot be reached, and recovers by itself when it comes back.
//
// Change feed: triggers of the schema (migration 0002) send a NOTIFY on
// channel openzcc_changes in the transaction of every capacity write, region
// import, session deletion and feed-token revocation, so the shared SQL needs
// no engine-specific call and no extra round trip; WatchChanges()
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
#include "store/sql/group.h"
#include "store/sql/sql_store.h"

namespace ozcc::postgres {

class PostgresStore final : public sql::SqlStore {
 public:
  struct Options {
    std::string url;           // "postgresql://user@host:port/db?…" or a libpq "key=value" string
    int read_connections = 4;  // size of the read pool
    size_t max_group = 512;    // most jobs committed in one transaction
    int max_retries = 8;       // reruns of a group after 40001 / 40P01 / a lost connection
    // Idempotency entries older than this are purged (opportunistically on write).
    std::int64_t idempotency_retention_s = 24 * 3600;
  };

  using WriterStats = sql::WriterStats;

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

 protected:
  std::future<Status> Queue(Job job, std::vector<std::string> units, std::vector<std::string> regions) override;
  Status Read(const Job& fn, bool snapshot) override;

 private:
  struct Queued {
    Job fn;
    std::promise<Status> done;
    std::vector<std::string> units;    // units whose regions the job will lock (pre-locked in id order)
    std::vector<std::string> regions;  // regions the job will lock (pre-locked with those of `units`)
  };

  explicit PostgresStore(const Options& options);
  Status Init();
  void ListenLoop(const ChangeHandler& on_change, std::promise<Status>& first);
  void RunGroup(std::vector<Queued>& jobs);
  // One attempt at a group. Returns true when the outcome is final (results
  // set), false when the group should be retried.
  bool TryGroup(std::vector<Queued>& jobs, std::vector<Status>& results, sql::GroupRun& run);
  // Opens the writer connection if it is missing or lost.
  Status EnsureWriter();

  Options options_;

  std::unique_ptr<Connection> writer_conn_;  // writer thread only (and Init)
  std::mutex writer_pid_mu_;
  int writer_pid_ = 0;
  int listener_pid_ = 0;  // the change feed's connection; also under writer_pid_mu_

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> free_readers_;  // idle connections (null: not yet opened)

  GroupCommitQueue<Queued> writes_;

  std::mutex listen_mu_;
  std::condition_variable listen_cv_;
  bool listen_stop_ = false;
  std::thread listener_;

  mutable std::mutex stats_mu_;
  WriterStats stats_;
};

}  // namespace ozcc::postgres
