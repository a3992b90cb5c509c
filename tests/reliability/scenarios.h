// The three reliability scenarios. Each spawns the real server, runs a load,
// does its damage, and returns what it saw; `errors` lists every broken
// expectation in words (empty = passed). The tests run them short (smoke),
// bench/reliability.cc runs them long. Nothing here asserts on time: the
// timeouts are liveness bounds (a hang fails, slowness does not).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reliability/harness.h"
#include "reliability/load.h"

namespace ozcc::reliability {

// 1. Crash durability: SIGKILL the server mid-load, restart it on the same
// database, let the clients resend their unacknowledged keyed requests, then
// check the store (CheckStore).
struct CrashOptions {
  std::string name = "crash";  // database / log name
  std::string pg_url;          // "" = SQLite file; else a PostgreSQL server for a new database
  int kills = 1;
  std::int64_t acks_between_kills = 30;  // acknowledged writes before each kill (and after the last restart)
  milliseconds max_wait = seconds(60);   // per wait for those acknowledgements
  int clients = 8;
  std::uint64_t seed = 1;
};

struct CrashResult {
  int kills = 0;
  std::int64_t pending_after_retry = 0;  // keyed requests never answered after the last restart
  LoadStats load;
  CheckReport check;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty() && check.ok(); }
  std::string Describe() const;
};

CrashResult RunCrash(const Env& env, const CrashOptions& options);

// 2. PostgreSQL stopped and started under load (a private instance); the
// same server process must report 503 on /readyz and for writes while the
// database is down, and recover by itself.
struct PgRestartOptions {
  std::vector<std::string> modes = {"fast"};  // pg_ctl stop mode per cycle (cycled)
  int cycles = 1;
  milliseconds down = seconds(2);  // how long PostgreSQL stays down
  std::int64_t acks_between = 30;  // acknowledged writes before each stop and at the end
  int clients = 4;
  std::uint64_t seed = 2;
};

struct PgRestartResult {
  int cycles = 0;
  std::vector<double> recovery_ms;    // PostgreSQL accepting again (pg_ctl start -w returned) → /readyz 200
  std::int64_t probe_503 = 0;         // writes answered 503 problem+json while down
  std::vector<std::string> timeline;  // per cycle: ms after pg_ctl stop of each step
  LoadStats load;
  CheckReport check;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty() && check.ok(); }
  std::string Describe() const;
};

PgRestartResult RunPgRestart(const Env& env, const PgRestartOptions& options);

// 3. Overload: many idle keep-alive and silent connections, slowloris, huge
// headers and bodies, SSE clients that never read, while a load writes and a
// normal client reads the snapshot and writes.
struct OverloadOptions {
  int idle = 2000;                         // keep-alive connections idle after one request
  int silent = 200;                        // connections that never send a byte
  int slowloris = 50;                      // headers trickled a byte at a time
  int big_headers = 20;                    // 64 KiB header (limit 16 KiB)
  int big_bodies = 20;                     // 2 MiB body (limit 1 MiB)
  int sse = 100;                           // event streams that are never read
  milliseconds hold = seconds(14);         // how long the pressure lasts (> the 10 s header timeout)
  int clients = 4;                         // write load
  std::int64_t rss_limit_kb = 300 * 1024;  // peak RSS over the baseline
  std::uint64_t seed = 3;
};

struct OverloadResult {
  std::int64_t baseline_rss_kb = 0, peak_rss_kb = 0, after_rss_kb = 0;
  int idle_open = 0;           // idle connections established and answered
  int silent_closed = 0;       // silent connections closed by the server
  int slowloris_closed = 0;    // trickling connections closed by the server
  int big_header_refused = 0;  // 431 or closed
  int big_body_413 = 0;
  int sse_open = 0;
  int liveness_rounds = 0;  // normal client: snapshot 200, write 200, readyz 200
  std::uint64_t dropped_streams = 0, rejected_connections = 0;
  LoadStats load;
  CheckReport check;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty() && check.ok(); }
  std::string Describe() const;
};

OverloadResult RunOverload(const Env& env, const OverloadOptions& options);

// 4. File descriptors run out: a server whose RLIMIT_NOFILE is `nofile`
// gets `connections` connections at once; each must be answered (200, or a
// 503 "too many connections"), none left hanging, and the server must serve
// normally afterwards.
struct FdLimitResult {
  int answered_200 = 0, answered_503 = 0, unanswered = 0;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
  std::string Describe() const;
};

FdLimitResult RunFdLimit(const Env& env, std::int64_t nofile, int connections);

}  // namespace ozcc::reliability
