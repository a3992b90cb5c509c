// Reliability runs (make bench): the scenarios of tests/reliability at full
// length. Prints one line of key=value figures per scenario and a summary;
// exits 1 when any expectation broke (lost or duplicated writes, a hang, a
// crash, no recovery). Figures are for reading, nothing is compared with a
// time limit.
//
//   ozcc_bench_reliability --openzcc BIN --source REPO --work DIR [--smoke]
//                          [--kills 5] [--pg-cycles 4] [--idle 5000] [--sse 500]
//
// PostgreSQL: the crash run on PostgreSQL needs OZCC_TEST_PG (run under
// scripts/with-postgres.sh); the restart run starts a private server with the
// same script and is skipped when PostgreSQL 15 is not installed.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "reliability/scenarios.h"

namespace rel = ozcc::reliability;

namespace {

std::string Arg(int argc, char** argv, const char* name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

bool Flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return true;
  }
  return false;
}

// A fresh work directory per scenario, world-readable (a private PostgreSQL runs as postgres).
std::string Fresh(const std::string& root, const std::string& name) {
  std::string dir = root + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  rel::Env base;
  base.openzcc = Arg(argc, argv, "--openzcc", "");
  base.source_dir = Arg(argc, argv, "--source", "");
  const std::string work = Arg(argc, argv, "--work", "");
  if (base.openzcc.empty() || base.source_dir.empty() || work.empty()) {
    std::cerr << "usage: " << argv[0] << " --openzcc BIN --source REPO --work DIR [--smoke]\n";
    return 2;
  }
  const bool smoke = Flag(argc, argv, "--smoke");
  const int kills = std::stoi(Arg(argc, argv, "--kills", smoke ? "1" : "5"));
  const int pg_cycles = std::stoi(Arg(argc, argv, "--pg-cycles", smoke ? "0" : "4"));
  const int idle = std::stoi(Arg(argc, argv, "--idle", smoke ? "0" : "5000"));
  const int sse = std::stoi(Arg(argc, argv, "--sse", "500"));
  const char* pg = std::getenv("OZCC_TEST_PG");
  base.pg_url = pg != nullptr ? pg : "";
  rel::RaiseFileLimit();
  bool ok = true;
  std::int64_t acked = 0, lost = 0, dups = 0, partial = 0, total_kills = 0;
  auto tally = [&](const rel::CheckReport& c) {
    acked += c.acked_writes;
    lost += c.lost;
    dups += c.duplicates;
    partial += c.partial_batches;
  };

  // 1. Crash durability, on each store.
  for (const std::string backend : {"sqlite", "postgres"}) {
    if (backend == "postgres" && base.pg_url.empty()) {
      std::cout << "crash_" << backend << ": skipped (OZCC_TEST_PG not set)\n";
      continue;
    }
    if (smoke && backend == "postgres") continue;
    rel::Env env = base;
    env.work_dir = Fresh(work, "crash-" + backend);
    rel::CrashOptions o;
    o.name = "crash-" + backend;
    o.pg_url = backend == "postgres" ? base.pg_url : "";
    o.kills = kills;
    o.acks_between_kills = smoke ? 30 : 300;
    o.clients = 16;
    auto r = rel::RunCrash(env, o);
    std::cout << "crash_" << backend << ": " << r.Describe() << "\n" << std::flush;
    ok = ok && r.ok();
    tally(r.check);
    total_kills += r.kills;
  }

  // 2. PostgreSQL restarted under load.
  double worst_recovery = 0;
  if (pg_cycles > 0) {
    if (!std::filesystem::exists("/usr/lib/postgresql/15/bin/initdb") && std::getenv("PG_BIN") == nullptr) {
      std::cout << "pg_restart: skipped (no PostgreSQL 15)\n";
    } else {
      rel::Env env = base;
      env.work_dir = Fresh(work, "pg-restart");
      rel::PgRestartOptions o;
      o.modes = {"fast", "immediate"};
      o.cycles = pg_cycles;
      o.down = rel::seconds(3);
      o.acks_between = 200;
      o.clients = 8;
      auto r = rel::RunPgRestart(env, o);
      std::cout << "pg_restart: " << r.Describe() << "\n" << std::flush;
      ok = ok && r.ok();
      tally(r.check);
      for (double ms : r.recovery_ms) worst_recovery = std::max(worst_recovery, ms);
    }
  }

  // 3. Overload, and 4. descriptors running out.
  std::int64_t peak_over_baseline_mb = 0;
  if (idle > 0) {
    rel::Env env = base;
    env.work_dir = Fresh(work, "overload");
    rel::OverloadOptions o;
    o.idle = idle;
    o.silent = 500;
    o.slowloris = 200;
    o.big_headers = 50;
    o.big_bodies = 50;
    o.sse = sse;
    o.hold = rel::seconds(20);
    o.clients = 8;
    o.rss_limit_kb = 1024 * 1024;  // reported; the ASan smoke asserts the tighter bound
    auto r = rel::RunOverload(env, o);
    std::cout << "overload: " << r.Describe() << "\n" << std::flush;
    ok = ok && r.ok();
    tally(r.check);
    peak_over_baseline_mb = (r.peak_rss_kb - r.baseline_rss_kb) / 1024;

    env.work_dir = Fresh(work, "fdlimit");
    auto f = rel::RunFdLimit(env, 512, 1000);
    std::cout << "fd_limit: nofile=512 connections=1000 " << f.Describe() << "\n" << std::flush;
    ok = ok && f.ok();
  }

  std::printf(
      "summary: acked_writes=%lld kills=%lld lost=%lld duplicates=%lld partial_batches=%lld "
      "pg_recovery_worst_ms=%.0f overload_peak_rss_over_baseline_mb=%lld result=%s\n",
      static_cast<long long>(acked), static_cast<long long>(total_kills), static_cast<long long>(lost),
      static_cast<long long>(dups), static_cast<long long>(partial), worst_recovery,
      static_cast<long long>(peak_over_baseline_mb), ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
