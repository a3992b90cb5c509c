#include "store/sql/group.h"

#include <algorithm>
#include <exception>
#include <string>

namespace ozcc::sql {

void WriterStats::CountGroup(size_t jobs, std::int64_t failed_jobs, bool committed) {
  writes += static_cast<std::int64_t>(jobs);
  failed_writes += committed ? failed_jobs : 0;  // a group not committed failed as a whole
  groups += 1;
  if (!committed) failed_groups += 1;
  largest_group = std::max<std::int64_t>(largest_group, static_cast<std::int64_t>(jobs));
}

GroupRun RunInSavepoints(Conn& c, size_t n, const std::function<Status(size_t, Conn&)>& job,
                         std::vector<Status>& results) {
  GroupRun out;
  for (size_t i = 0; i < n; ++i) {
    if (!out.abort.ok()) {
      results[i] = Status::Unavailable("write transaction aborted: " + out.abort.message());
      continue;
    }
    if (Status sp = c.Exec("SAVEPOINT job"); !sp.ok()) {
      out.abort = sp;
      results[i] = sp;
      continue;
    }
    Status r;
    try {
      r = job(i, c);
    } catch (const std::exception& e) {
      r = Status::Internal(std::string("write failed: ") + e.what());
    } catch (...) {
      r = Status::Internal("write failed: unknown exception");
    }
    if (c.MustRetry()) {
      // Lost connection, deadlock or serialisation failure: the whole group reruns.
      out.abort = r.ok() ? Status::Unavailable("write transaction must be retried") : r;
      out.retry = true;
      results[i] = out.abort;
      continue;
    }
    if (r.ok()) {
      if (Status rel = c.Exec("RELEASE SAVEPOINT job"); !rel.ok()) {
        out.abort = rel;
        r = rel;
      }
    } else {
      ++out.failed_jobs;
      if (!c.InTransaction()) {
        out.abort = r;  // the engine rolled back the whole transaction (I/O error, disk full, …)
      } else {
        Status rb = c.Exec("ROLLBACK TO SAVEPOINT job");
        Status rel = rb.ok() ? c.Exec("RELEASE SAVEPOINT job") : rb;
        if (!rel.ok()) out.abort = rel;
      }
    }
    results[i] = std::move(r);
  }
  return out;
}

void FailCommitted(std::vector<Status>& results, const Status& why) {
  for (auto& r : results) {
    if (r.ok()) r = Status::Unavailable("write transaction not committed: " + why.message());
  }
}

}  // namespace ozcc::sql
