// Reliability harness: drives the real `openzcc` binary as a child process
// (start, SIGKILL, restart on the same database), a private PostgreSQL
// (scripts/with-postgres.sh --instance), and plain blocking HTTP/1.1 over
// POSIX sockets that never retries by itself (a test must know whether a
// request may have reached the server). Shared by the reliability tests
// (tests/reliability/*_test.cc, in ctest) and the full runs
// (bench/reliability.cc, in make bench); it uses no test framework.
//
// Thread safety: a Conn is used by one thread at a time; ServerProcess and
// PgInstance by one controlling thread. The free functions are thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace ozcc::reliability {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Where the programs and data are.
struct Env {
  std::string openzcc;     // the server binary
  std::string source_dir;  // repository root: scripts/with-postgres.sh, data/regions/zwn.json
  std::string work_dir;    // a fresh directory for databases, logs, PostgreSQL (created, 0755)
  std::string pg_url;      // an existing PostgreSQL server for CREATE DATABASE ("" = none)
};

// A free TCP port on 127.0.0.1 (bound, then released).
std::uint16_t FreePort();
// Resident set size of a process in KiB (/proc/PID/status VmRSS); 0 if gone.
std::int64_t RssKb(pid_t pid);
// Raises this process's RLIMIT_NOFILE soft limit to the hard limit; returns the soft limit.
std::int64_t RaiseFileLimit();
// Runs argv to completion with `input` on stdin; returns its stdout, or an
// error with its output when it exits non-zero.
Result<std::string> RunProgram(const std::vector<std::string>& argv, const std::string& input = "");

// One HTTP/1.1 response (or a transport failure: status 0).
struct Reply {
  int status = 0;
  // Transport failures: was the request (possibly) seen by the server? false
  // only when the connection could not be opened, so nothing was sent.
  bool sent = false;
  std::string error;                          // transport error text
  std::map<std::string, std::string> header;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower) const;
};

// One keep-alive connection to 127.0.0.1:port; reconnects on the next Send
// after a failure or a "Connection: close". Never resends a request.
class Conn {
 public:
  explicit Conn(std::uint16_t port) : port_(port) {}
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Reply Send(const std::string& method, const std::string& target, const std::string& body = "",
             const std::vector<std::pair<std::string, std::string>>& headers = {}, milliseconds timeout = seconds(30));
  void Close();
  void set_port(std::uint16_t port) { port_ = port; }

 private:
  std::uint16_t port_;
  int fd_ = -1;
  std::string buf_;  // bytes read past the last response
};

// Opens a TCP connection to 127.0.0.1:port (blocking, with timeout); -1 on failure.
int ConnectTcp(std::uint16_t port, milliseconds timeout);
// Writes all of `bytes` (blocking, with timeout); false on error.
bool WriteAll(int fd, const std::string& bytes, milliseconds timeout);
// Reads what arrives until the peer closes or the timeout passes; `closed`
// tells which (optional).
std::string ReadUntilClose(int fd, milliseconds timeout, bool* closed = nullptr);

// The openzcc server as a child process. The log (stdout and stderr) is
// appended to `log_path`, so restarts share one log.
class ServerProcess {
 public:
  struct Options {
    std::string bin;
    std::string db;
    std::uint16_t port = 0;
    std::string log_path;
    std::vector<std::string> extra_args;
    std::int64_t nofile_limit = 0;  // >0: RLIMIT_NOFILE (soft and hard) of the child
  };
  explicit ServerProcess(Options options) : options_(std::move(options)) {}
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server and waits until /healthz answers 200 (or it exits).
  Status Start(milliseconds ready_timeout = seconds(90));
  // Sends `sig` and reaps the process (SIGKILL: no clean-up at all).
  void Kill(int sig = 9);
  // SIGTERM, then SIGKILL if it does not exit within `timeout`; true when it exited by itself.
  bool Stop(milliseconds timeout = seconds(30));
  // Still running (reaps it when it has exited).
  bool Alive();
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return options_.port; }
  // The last `max_bytes` of the log.
  std::string LogTail(std::size_t max_bytes = 4000) const;

 private:
  Options options_;
  pid_t pid_ = -1;
};

// A private PostgreSQL server (scripts/with-postgres.sh --instance) that a
// test may stop and start; destroyed with its data in the destructor.
class PgInstance {
 public:
  static Result<std::unique_ptr<PgInstance>> Create(const Env& env, const std::string& name);
  ~PgInstance();
  PgInstance(const PgInstance&) = delete;
  PgInstance& operator=(const PgInstance&) = delete;

  const std::string& url() const { return url_; }
  Status Stop(const std::string& mode);  // "fast" or "immediate"
  Status Start();

 private:
  PgInstance(std::string script, std::string dir) : script_(std::move(script)), dir_(std::move(dir)) {}
  std::string script_, dir_, url_;
};

// A database for one scenario, prepared with the CLI: the ZWN region and an
// admin user; `units` are ZWN units that take beds.
struct Database {
  std::string url;  // SQLite file path or postgresql://…
  std::string admin = "rel-admin";
  std::string password = "reliability-password";
  std::vector<std::string> units;
};

// A fresh database: a SQLite file in env.work_dir (`pg_url` empty) or a new
// database `name` on the PostgreSQL server `pg_url`.
Result<Database> PrepareDatabase(const Env& env, const std::string& name, const std::string& pg_url);
// Signs in as the admin and returns the session token.
Result<std::string> Login(std::uint16_t port, const Database& db);
// Waits until GET path answers `status` (true) or the timeout passes.
bool WaitStatus(std::uint16_t port, const std::string& path, int status, milliseconds timeout);

}  // namespace ozcc::reliability
