// SQLite implementation of Store (the embedded default backend).
//
// Durability: WAL journal, synchronous=FULL, foreign_keys=ON. A write method
// returns only after the COMMIT of the transaction holding its changes is
// durable.
//
// Group commit (store/group_commit.h): one writer thread owns the only write connection. Every write
// method enqueues a job and blocks on its outcome. The writer takes all queued
// jobs (at most Options::max_group), runs BEGIN IMMEDIATE, executes each job in
// its own SAVEPOINT (a failing job is rolled back to its savepoint and only its
// caller sees the error), then COMMITs once and completes every job. If the
// COMMIT (or BEGIN) fails, every job of the group gets an error and nothing of
// the group is stored.
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

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/group_commit.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace ozcc::sqlite {

class SqliteStore final : public Store {
 public:
  struct Options {
    std::string path;          // file path, or ":memory:"
    int read_connections = 4;  // file databases only
    int busy_timeout_ms = 5000;
    size_t max_group = 512;  // most jobs committed in one transaction
    // Idempotency entries older than this are purged (opportunistically on write).
    std::int64_t idempotency_retention_s = 24 * 3600;
  };

  // Counters of the writer thread, for tests, /metrics and benchmarks.
  struct WriterStats {
    std::int64_t writes = 0;         // write jobs executed (ok or failed)
    std::int64_t failed_writes = 0;  // jobs whose own work failed (rolled back to their savepoint)
    std::int64_t groups = 0;         // transactions attempted (= COMMITs issued or BEGIN failures)
    std::int64_t failed_groups = 0;  // groups whose BEGIN or COMMIT failed
    std::int64_t largest_group = 0;  // most jobs in one group
  };

  // Opens (creating the file if needed) and starts the writer thread. Does not
  // migrate; call Migrate() (OpenStore does both).
  static Result<std::unique_ptr<SqliteStore>> Open(const Options& options);
  ~SqliteStore() override;

  WriterStats Stats() const;
  bool in_memory() const { return in_memory_; }

  Status Migrate() override;
  Status Ping() override;

  Status ImportRegion(const RegionData& data, const AuditRecord& audit) override;
  Result<std::vector<Region>> ListRegions() override;
  Result<RegionData> GetRegion(const std::string& region_id) override;
  Result<UnitView> GetUnit(const std::string& unit_id) override;
  Result<std::vector<UnitView>> ListUnits(const std::string& region_id) override;

  // Reports may name units of several regions; each report gets the next
  // version of its own region. result.version is the greatest version
  // assigned. An empty report list is kInvalid. If the idempotency key is
  // already stored for the scope, the call fails with kConflict and stores
  // nothing (the caller then serves GetIdempotent). Audit records with a zero
  // `at` get the commit time. write.response_for_key runs on the writer
  // thread inside the transaction: it must be quick and must not call the store.
  Result<CapacityWriteResult> WriteCapacity(CapacityWrite write) override;
  Result<std::vector<CapacityReport>> LatestCapacity(const std::string& region_id) override;
  Result<std::vector<CapacityReport>> CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                      size_t limit) override;
  Result<std::vector<CapacityReport>> CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                    size_t limit) override;
  // 0 for a region that has no reports or does not exist.
  Result<std::int64_t> DataVersion(const std::string& region_id) override;
  Result<std::optional<IdempotentResponse>> GetIdempotent(const std::string& scope, const std::string& key) override;

  Status CreateUser(const UserRecord& user, const AuditRecord& audit) override;
  Result<UserRecord> GetUser(const std::string& username) override;
  // kNotFound if the user does not exist; kConflict if the hash is taken.
  // Also purges expired sessions.
  Status CreateSession(const SessionRecord& session) override;
  Result<SessionRecord> GetSession(const std::string& token_hash) override;
  Status DisableUser(const std::string& username, const AuditRecord& audit) override;
  Status DeleteSession(const std::string& token_hash) override;                             // Ok also when absent
  Status CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) override;  // kConflict if taken
  // Revoked tokens are returned too (with revoked = true); the caller decides.
  Result<FeedTokenRecord> GetFeedToken(const std::string& token_hash) override;
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
  };

  explicit SqliteStore(const Options& options);
  Status Init();
  // Runs `fn` inside the next group transaction; returns its outcome once committed.
  Status Write(JobFn fn);
  void RunGroup(std::vector<Job>& jobs);
  // Runs `fn` on a read connection (pooled, or the shared one for ":memory:").
  // With snapshot, `fn` runs inside one read transaction.
  template <class F>
  auto Read(F&& fn, bool snapshot = false) -> decltype(fn(std::declval<Connection&>()));

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

  GroupCommitQueue<Job> writes_;

  mutable std::mutex stats_mu_;
  WriterStats stats_;
  std::int64_t keyed_writes_ = 0;  // writer thread only; paces idempotency purges
};

}  // namespace ozcc::sqlite
