// What both engines' group-commit writers share. Every write method queues a
// job (group_commit.h) and blocks on its outcome; the engine's writer thread
// takes what is queued, opens one transaction, runs each job in its own
// savepoint with RunInSavepoints (a job failing on its own is rolled back to
// its savepoint and only its caller sees the error), commits once (one fsync,
// one round trip for many writes) and completes every job. Also the writer's
// counters.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/status.h"
#include "store/sql/sql.h"

namespace ozcc::sql {

// Counters of a store's writer thread, for tests, /metrics and benchmarks.
struct WriterStats {
  std::int64_t writes = 0;         // write jobs completed (ok or failed)
  std::int64_t failed_writes = 0;  // jobs whose own work failed (rolled back to their savepoint)
  std::int64_t groups = 0;         // groups completed (committed or failed)
  std::int64_t failed_groups = 0;  // groups not committed
  std::int64_t largest_group = 0;  // most jobs in one group
  std::int64_t retries = 0;        // group reruns (PostgreSQL: serialisation failure, deadlock, lost connection)
  std::int64_t reconnects = 0;     // connections reopened (PostgreSQL: writer, readers, change feed)

  // Counts one finished group of `jobs` jobs.
  void CountGroup(size_t jobs, std::int64_t failed_jobs, bool committed);
};

struct GroupRun {
  Status abort;        // set when the whole transaction is lost: nothing of the group may be committed
  bool retry = false;  // the connection asks for the whole group to run again (Conn::MustRetry)
  std::int64_t failed_jobs = 0;
};

// Runs job(i, c) for i in [0, n), each in a savepoint: a job that fails is
// rolled back to its savepoint and only results[i] says so. Once the
// transaction is lost (the engine rolled it back, a savepoint command failed,
// or the connection asks for a retry) the remaining jobs are not run and get
// kUnavailable. An exception from a job is its kInternal error.
GroupRun RunInSavepoints(Conn& c, size_t n, const std::function<Status(size_t, Conn&)>& job,
                         std::vector<Status>& results);

// Gives every job that succeeded the error of a group that was not committed.
void FailCommitted(std::vector<Status>& results, const Status& why);

}  // namespace ozcc::sql
