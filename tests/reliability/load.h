// Capacity write load for the reliability scenarios, and the check of the
// store against what the load saw acknowledged.
//
// Load: `clients` threads, each on its own keep-alive connection, send
// PUT /api/v1/units/{id}/capacity and POST /api/v1/capacity:batch (2..5 items)
// as an admin. Every report carries a unique note ("w<client>.<seq>.<item>")
// and every request an X-Request-Id ("w<client>.<seq>"), so the checker can
// find each write in the history and the audit. About half of the requests
// carry an Idempotency-Key. Outcomes:
//  - 200: acknowledged; appended to the ack log (one line per write:
//    "id version replayed") and kept in memory.
//  - connection could not be opened (nothing sent): the same request is sent
//    again later (server down or restarting).
//  - sent, then the connection broke or a 503 came back: keyed requests are
//    retried with the same key (during the load and by RetryPending());
//    unkeyed ones are "unknown" (applied at most once: never resent).
//  - any other status: counted as unexpected (a test fails on it).
// Thread safety: Start/Stop/RetryPending/ops from one controlling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "reliability/harness.h"
#include "store/store.h"

namespace ozcc::reliability {

struct LoadOptions {
  std::uint16_t port = 0;
  std::string token;               // admin session
  std::vector<std::string> units;  // units with beds
  int clients = 8;
  int batch_percent = 30;  // share of batches among requests
  int keyed_percent = 50;  // share of requests with an Idempotency-Key
  std::string ack_log;     // file for acknowledged writes ("" = none)
  milliseconds request_timeout = seconds(30);
  std::uint64_t seed = 1;
};

struct WriteOp {
  enum class State { kNew, kAcked, kPending, kUnknown, kFailed };
  std::string id;  // "w<client>.<seq>": X-Request-Id and note prefix
  int client = 0;
  std::int64_t ack_index = 0;  // order of acknowledgement within the client (1, 2, …)
  std::string method, target, body, key;
  int items = 1;
  State state = State::kNew;
  std::int64_t version = 0;  // acknowledged version (batch: the last item's)
  std::vector<std::int64_t> item_versions;
  bool replayed = false;  // acknowledged by an idempotent replay
  int attempts = 0;       // requests sent (possibly) to the server
  int last_status = 0;
  std::string last_error;
};

// Sends `op` once as `token` on `conn` and records the outcome in `op`
// (state, attempts, versions). Returns the reply; reply.sent is false when no
// connection could be opened (op unchanged).
Reply SendWrite(Conn& conn, const std::string& token, WriteOp& op, milliseconds timeout);
// A PUT of one report with the given id (note "<id>.0") and key ("" = none).
WriteOp MakePut(const std::string& id, int client, const std::string& unit, const std::string& key);

struct LoadStats {
  std::int64_t sent = 0, acked = 0, acked_items = 0, replayed = 0, pending = 0, unknown = 0, failed = 0;
  std::int64_t connect_failures = 0, broken = 0, status_503 = 0, unexpected = 0, timeouts = 0;
  std::int64_t key_retries = 0;  // keyed requests sent again with their key
  std::string first_unexpected;  // status and body of the first unexpected answer
};

class Load {
 public:
  explicit Load(LoadOptions options);
  ~Load();
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  void Start();
  // Stops the client threads (each finishes its current request).
  void Stop();
  // Resends every pending keyed request with its key until each gets a
  // final answer or `timeout` passes; returns how many are still pending.
  std::int64_t RetryPending(milliseconds timeout);
  // Acknowledged writes so far (thread-safe).
  std::int64_t acked() const { return acked_.load(); }
  // Requests sent or being sent and not answered yet (thread-safe).
  int in_flight() const { return in_flight_.load(); }
  LoadStats Stats() const;
  // Every request made (after Stop).
  std::vector<WriteOp> Ops() const;

 private:
  struct Client;
  void Run(Client& c);
  // Sends `op` once on `conn`; updates op and stats. Returns false when nothing could be sent.
  bool SendOnce(Conn& conn, WriteOp& op);

  LoadOptions options_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> acked_{0};
  std::atomic<int> in_flight_{0};
  mutable std::mutex mu_;  // stats_ and the ack log
  LoadStats stats_;
  std::FILE* log_ = nullptr;
};

// What the store holds compared with what the load saw.
struct CheckReport {
  std::int64_t acked_writes = 0;        // acknowledged requests
  std::int64_t acked_reports = 0;       // reports in them
  std::int64_t stored_reports = 0;      // reports of the load found in the store
  std::int64_t lost = 0;                // acknowledged reports not stored
  std::int64_t duplicates = 0;          // reports stored more than once (any request)
  std::int64_t partial_batches = 0;     // requests with some but not all items stored
  std::int64_t version_mismatch = 0;    // stored version differs from the acknowledged one
  std::int64_t version_collisions = 0;  // two stored reports of the region share a version
  std::int64_t non_monotonic = 0;       // a client's later acknowledged write got a lower version
  std::int64_t audit_mismatch = 0;      // acknowledged requests without exactly one audit record per item
  std::int64_t unknown_applied = 0;     // unacknowledged requests that were stored anyway (allowed)
  std::vector<std::string> problems;    // the first few, in words
  bool ok() const {
    return lost == 0 && duplicates == 0 && partial_batches == 0 && version_mismatch == 0 && version_collisions == 0 &&
           non_monotonic == 0 && audit_mismatch == 0;
  }
  std::string Summary() const;
};

// Reads every report of `region` and every audit record from `store` and
// checks them against `ops`.
CheckReport CheckStore(Store& store, const std::string& region, const std::vector<WriteOp>& ops);

}  // namespace ozcc::reliability
