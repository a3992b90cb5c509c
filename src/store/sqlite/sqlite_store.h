// SQLite backend of the store (the embedded default). The persistence of every
// capability is SqlStore's (store/sql/), shared with PostgreSQL; this class
// supplies the engine: connections, the group-commit writer, the read pool,
// migrations and health.
//
// Durability: WAL journal, synchronous=FULL, foreign_keys=ON. A write method
// returns only after the COMMIT of the transaction holding its changes is
// durable.
//
// Group commit (group_commit.h, sql/group.h): one writer thread owns the only
// write connection and runs each group of queued jobs (at most
// Options::max_group) in one BEGIN IMMEDIATE … COMMIT, a savepoint per job.
// If BEGIN or COMMIT fails, every job of the group fails and nothing is stored.
//
// Reads: a pool of read-only connections (Options::read_connections) that read
// concurrently with the writer thanks to WAL; multi-statement reads run in one
// read transaction, so they see one consistent snapshot.
//
// ":memory:": one private in-memory database on a single connection. The
// writer thread still groups writes; reads share that connection behind a
// mutex that the writer holds for the duration of a group, so a reader never
// sees uncommitted data. Correct under any concurrency, just not parallel.
//
// Thread safety: every method may be called from any thread. The destructor
// completes queued writes, then stops the writer; no call may be in flight.
//
// Times are stored as INTEGER UTC milliseconds since the epoch.
#pragma once

#include <atomic>
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
#include "store/sql/group.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/connection.h"

namespace ozcc::sqlite {

class SqliteStore final : public sql::SqlStore {
 public:
  struct Options {
    std::string path;          // file path, or ":memory:"
    int read_connections = 4;  // file databases only
    int busy_timeout_ms = 5000;
    size_t max_group = 512;  // most jobs committed in one transaction
    // Idempotency entries older than this are purged (opportunistically on write).
    std::int64_t idempotency_retention_s = 24 * 3600;
    // The write-ahead log is copied back into the database by a thread of its
    // own once a commit leaves at least this many pages in it, not by the
    // committing writer: a commit then costs its own fsync and, unless steady
    // writes outrun that thread, never a checkpoint's (SQLite's automatic
    // checkpoint, at 1 000 pages, runs inside COMMIT).
    int checkpoint_pages = 1000;
  };

  using WriterStats = sql::WriterStats;  // retries and reconnects stay 0

  // Opens (creating the file if needed) and starts the writer thread. Does not
  // migrate; call Migrate() (OpenStore does both).
  static Result<std::unique_ptr<SqliteStore>> Open(const Options& options);
  ~SqliteStore() override;

  WriterStats Stats() const;
  // Checkpoints the background thread has run, those that failed, and those
  // the writer ran itself because steady writes outran the thread (0 for ":memory:").
  std::int64_t checkpoints() const { return checkpoints_.load(); }
  std::int64_t inline_checkpoints() const { return inline_checkpoints_.load(); }
  std::int64_t failed_checkpoints() const { return failed_checkpoints_.load(); }
  // Frames in the write-ahead log after the last commit.
  int wal_frames() const { return wal_frames_.load(); }
  bool in_memory() const { return in_memory_; }

  Status Migrate() override;
  Status Ping() override;

 protected:
  std::future<Status> Queue(Job job, std::vector<std::string> units, std::vector<std::string> regions) override;
  Status Read(const Job& fn, bool snapshot) override;

 private:
  struct Queued {
    Job fn;
    std::promise<Status> done;
  };

  explicit SqliteStore(const Options& options);
  Status Init();
  void RunGroup(std::vector<Queued>& jobs);
  Status RunRead(Connection& c, const Job& fn, bool snapshot);

  Options options_;
  bool in_memory_ = false;

  // The write connection; for ":memory:" also the read connection. conn_mu_
  // is held by the writer for a whole group and by Migrate().
  std::unique_ptr<Connection> writer_conn_;
  std::mutex conn_mu_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;  // all read connections
  std::vector<Connection*> free_readers_;

  GroupCommitQueue<Queued> writes_;

  // Checkpoints off the commit path (file databases): the writer's WAL hook
  // asks, the checkpointer thread runs a PASSIVE checkpoint on its own
  // connection; only when the log reaches kInlineFactor times the threshold
  // (steady writes) does the writer checkpoint itself. Counters for tests and
  // benchmarks.
  static constexpr int kInlineFactor = 4;
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  void CheckpointLoop();
  std::unique_ptr<Connection> checkpoint_conn_;
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stop_ = false;
  std::atomic<std::int64_t> checkpoints_{0};
  std::atomic<std::int64_t> failed_checkpoints_{0};
  std::atomic<std::int64_t> inline_checkpoints_{0};
  std::atomic<int> wal_frames_{0};

  mutable std::mutex stats_mu_;
  WriterStats stats_;
};

}  // namespace ozcc::sqlite
