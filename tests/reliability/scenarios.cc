#include "reliability/scenarios.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <sstream>
#include <thread>

#include "store/store.h"

namespace ozcc::reliability {

namespace {

double MsSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string LoadSummary(const LoadStats& s) {
  std::ostringstream o;
  o << "sent=" << s.sent << " acked=" << s.acked << " acked_reports=" << s.acked_items << " replayed=" << s.replayed
    << " key_retries=" << s.key_retries << " pending=" << s.pending << " unknown=" << s.unknown
    << " connect_failures=" << s.connect_failures << " broken=" << s.broken << " status_503=" << s.status_503
    << " timeouts=" << s.timeouts << " unexpected=" << s.unexpected;
  if (!s.first_unexpected.empty()) o << " first_unexpected=\"" << s.first_unexpected.substr(0, 300) << "\"";
  return o.str();
}

std::string Errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n  error: " + e;
  return out;
}

// Waits until the load has `n` more acknowledgements than `from`; false on timeout.
bool WaitAcks(const Load& load, std::int64_t from, std::int64_t n, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (load.acked() < from + n) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// Load errors that no scenario accepts: answers other than 200 / 503, and
// requests that hung until the client's timeout.
void CheckLoad(const LoadStats& s, std::vector<std::string>& errors) {
  if (s.unexpected > 0) errors.push_back(std::to_string(s.unexpected) + " unexpected answers: " + s.first_unexpected);
  if (s.timeouts > 0) errors.push_back(std::to_string(s.timeouts) + " requests hung until the client timeout");
}

// Stops the server, opens the store directly and checks it against the ops.
CheckReport CheckAfter(ServerProcess& server, const std::string& db_url, const std::vector<WriteOp>& ops,
                       std::vector<std::string>& errors) {
  if (!server.Stop()) errors.push_back("the server did not stop on SIGTERM within 30 s");
  CheckReport check;
  auto store = OpenStore(db_url);
  if (!store.ok()) {
    errors.push_back("cannot open the store to check it: " + store.status().message());
    return check;
  }
  return CheckStore(**store, "ZWN", ops);
}

std::uint64_t MetricValue(std::uint16_t port, const std::string& name) {
  Conn c(port);
  Reply r = c.Send("GET", "/metrics", "", {}, seconds(30));
  auto pos = r.body.find("\n" + name + " ");
  if (pos == std::string::npos) return 0;
  return std::strtoull(r.body.c_str() + pos + name.size() + 2, nullptr, 10);
}

}  // namespace

// --- 1. crash durability -------------------------------------------------------------

std::string CrashResult::Describe() const {
  std::ostringstream o;
  o << "kills=" << kills << " pending_after_retry=" << pending_after_retry << "\n  load: " << LoadSummary(load)
    << "\n  check: " << check.Summary() << Errors(errors);
  return o.str();
}

CrashResult RunCrash(const Env& env, const CrashOptions& o) {
  CrashResult res;
  auto db = PrepareDatabase(env, o.name, o.pg_url);
  if (!db.ok()) {
    res.errors.push_back("prepare: " + db.status().message());
    return res;
  }
  ServerProcess server({env.openzcc, db->url, FreePort(), env.work_dir + "/" + o.name + ".log", {}, 0});
  if (Status st = server.Start(); !st.ok()) {
    res.errors.push_back("start: " + st.message());
    return res;
  }
  auto token = Login(server.port(), *db);
  if (!token.ok()) {
    res.errors.push_back(token.status().message());
    return res;
  }
  LoadOptions lo;
  lo.port = server.port();
  lo.token = *token;
  lo.units = db->units;
  lo.clients = o.clients;
  lo.seed = o.seed;
  lo.ack_log = env.work_dir + "/" + o.name + ".acks";
  Load load(lo);
  load.Start();
  for (int k = 0; k < o.kills; ++k) {
    if (!WaitAcks(load, load.acked(), o.acks_between_kills, o.max_wait)) {
      res.errors.push_back("too few acknowledged writes before kill " + std::to_string(k + 1));
    }
    // The kill must find requests in the server's hands: on a loaded machine the clients may all be between
    // requests at the moment the acks arrive, and the kill would then test nothing (key_retries stays 0).
    for (const auto until = Clock::now() + milliseconds(2000); load.in_flight() < 2 && Clock::now() < until;) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    server.Kill(SIGKILL);  // mid-load: the clients have requests in flight
    res.kills += 1;
    std::this_thread::sleep_for(milliseconds(100));
    if (Status st = server.Start(); !st.ok()) {
      res.errors.push_back("restart " + std::to_string(k + 1) + ": " + st.message());
      load.Stop();
      return res;
    }
  }
  if (!WaitAcks(load, load.acked(), o.acks_between_kills, o.max_wait)) {
    res.errors.push_back("too few acknowledged writes after the last restart");
  }
  load.Stop();
  res.pending_after_retry = load.RetryPending(o.max_wait);
  if (res.pending_after_retry > 0) {
    res.errors.push_back(std::to_string(res.pending_after_retry) + " keyed requests never answered after the restart");
  }
  res.load = load.Stats();
  CheckLoad(res.load, res.errors);
  if (res.load.key_retries == 0) res.errors.push_back("no keyed request was retried: the kill hit nothing in flight");
  res.check = CheckAfter(server, db->url, load.Ops(), res.errors);
  return res;
}

// --- 2. PostgreSQL restart -----------------------------------------------------------

std::string PgRestartResult::Describe() const {
  std::ostringstream o;
  o << "cycles=" << cycles << " probe_503=" << probe_503 << " recovery_ms=";
  for (size_t i = 0; i < recovery_ms.size(); ++i) o << (i ? "," : "") << static_cast<std::int64_t>(recovery_ms[i]);
  for (const auto& t : timeline) o << "\n  " << t;
  o << "\n  load: " << LoadSummary(load) << "\n  check: " << check.Summary() << Errors(errors);
  return o.str();
}

PgRestartResult RunPgRestart(const Env& env, const PgRestartOptions& o) {
  PgRestartResult res;
  auto pg = PgInstance::Create(env, "restart");
  if (!pg.ok()) {
    res.errors.push_back("private PostgreSQL: " + pg.status().message());
    return res;
  }
  auto db = PrepareDatabase(env, "pgrestart", (*pg)->url());
  if (!db.ok()) {
    res.errors.push_back("prepare: " + db.status().message());
    return res;
  }
  ServerProcess server({env.openzcc, db->url, FreePort(), env.work_dir + "/pgrestart.log", {}, 0});
  if (Status st = server.Start(); !st.ok()) {
    res.errors.push_back("start: " + st.message());
    return res;
  }
  const pid_t pid = server.pid();
  auto token = Login(server.port(), *db);
  if (!token.ok()) {
    res.errors.push_back(token.status().message());
    return res;
  }
  LoadOptions lo;
  lo.port = server.port();
  lo.token = *token;
  lo.units = db->units;
  lo.clients = o.clients;
  lo.seed = o.seed;
  lo.ack_log = env.work_dir + "/pgrestart.acks";
  Load load(lo);
  load.Start();
  std::vector<WriteOp> probes;
  Conn probe(server.port());
  for (int cycle = 0; cycle < o.cycles; ++cycle) {
    const std::string mode = o.modes[static_cast<size_t>(cycle) % o.modes.size()];
    const std::string at = "cycle " + std::to_string(cycle + 1) + " (" + mode + "): ";
    if (!WaitAcks(load, load.acked(), o.acks_between, seconds(60))) res.errors.push_back(at + "too few writes before");
    const auto down_at = Clock::now();
    if (Status st = (*pg)->Stop(mode); !st.ok()) res.errors.push_back(at + "pg_ctl stop: " + st.message());
    std::ostringstream tl;
    tl << at << "stopped " << static_cast<std::int64_t>(MsSince(down_at)) << " ms";
    if (!WaitStatus(server.port(), "/readyz", 503, seconds(30))) res.errors.push_back(at + "/readyz never said 503");
    tl << ", readyz 503 " << static_cast<std::int64_t>(MsSince(down_at));
    // A write while the database is down: a clear 503, not a hang and not a crash.
    probes.push_back(MakePut("w900." + std::to_string(2 * cycle + 1), 900, db->units.front(),
                             "probe-down-" + std::to_string(cycle)));
    Reply r = SendWrite(probe, *token, probes.back(), seconds(60));
    tl << ", write answered " << r.status << " " << static_cast<std::int64_t>(MsSince(down_at));
    if (r.status == 503 && r.Header("content-type") == "application/problem+json") {
      res.probe_503 += 1;
    } else {
      res.errors.push_back(at + "write while down answered " + std::to_string(r.status) + " " + r.error + " " +
                           r.Header("content-type") + " " + r.body.substr(0, 200));
    }
    if (!server.Alive() || server.pid() != pid) res.errors.push_back(at + "the server process died");
    const auto left = o.down - std::chrono::duration_cast<milliseconds>(Clock::now() - down_at);
    if (left.count() > 0) std::this_thread::sleep_for(left);
    tl << ", start " << static_cast<std::int64_t>(MsSince(down_at));
    if (Status st = (*pg)->Start(); !st.ok()) {
      res.errors.push_back(at + "pg_ctl start: " + st.message());
      break;
    }
    const auto up_at = Clock::now();  // PostgreSQL accepts connections again (pg_ctl start -w)
    tl << ", started " << static_cast<std::int64_t>(MsSince(down_at));
    if (WaitStatus(server.port(), "/readyz", 200, seconds(60))) {
      res.recovery_ms.push_back(MsSince(up_at));
      tl << ", readyz 200 " << static_cast<std::int64_t>(MsSince(down_at));
    } else {
      res.errors.push_back(at + "/readyz did not return to 200 within 60 s");
    }
    // The same process acknowledges writes again (resending the key until it does).
    probes.push_back(
        MakePut("w900." + std::to_string(2 * cycle + 2), 900, db->units.front(), "probe-up-" + std::to_string(cycle)));
    const auto deadline = Clock::now() + seconds(60);
    while (probes.back().state != WriteOp::State::kAcked && Clock::now() < deadline) {
      SendWrite(probe, *token, probes.back(), seconds(60));
      if (probes.back().state != WriteOp::State::kAcked) std::this_thread::sleep_for(milliseconds(100));
    }
    if (probes.back().state != WriteOp::State::kAcked) {
      res.errors.push_back(at + "no write acknowledged after PostgreSQL came back: " +
                           std::to_string(probes.back().last_status) + " " + probes.back().last_error);
    }
    probes.back().ack_index = cycle + 1;
    tl << ", write acknowledged " << static_cast<std::int64_t>(MsSince(down_at));
    res.timeline.push_back(tl.str());
    res.cycles += 1;
  }
  if (!WaitAcks(load, load.acked(), o.acks_between, seconds(60))) res.errors.push_back("too few writes at the end");
  load.Stop();
  if (std::int64_t left = load.RetryPending(seconds(60)); left > 0) {
    res.errors.push_back(std::to_string(left) + " keyed requests never answered");
  }
  if (!server.Alive() || server.pid() != pid) res.errors.push_back("the server process did not survive");
  res.load = load.Stats();
  CheckLoad(res.load, res.errors);
  std::vector<WriteOp> ops = load.Ops();
  for (auto& p : probes) {
    if (p.state == WriteOp::State::kPending) p.state = WriteOp::State::kUnknown;
    ops.push_back(p);
  }
  res.check = CheckAfter(server, db->url, ops, res.errors);
  return res;
}

// --- 3. overload ------------------------------------------------------------------------

std::string OverloadResult::Describe() const {
  std::ostringstream o;
  o << "rss_kb baseline=" << baseline_rss_kb << " peak=" << peak_rss_kb << " after=" << after_rss_kb
    << " idle_open=" << idle_open << " silent_closed=" << silent_closed << " slowloris_closed=" << slowloris_closed
    << " big_header_refused=" << big_header_refused << " big_body_413=" << big_body_413 << " sse_open=" << sse_open
    << " liveness_rounds=" << liveness_rounds << " dropped_streams=" << dropped_streams
    << " rejected_connections=" << rejected_connections << "\n  load: " << LoadSummary(load)
    << "\n  check: " << check.Summary() << Errors(errors);
  return o.str();
}

OverloadResult RunOverload(const Env& env, const OverloadOptions& o) {
  OverloadResult res;
  RaiseFileLimit();
  auto db = PrepareDatabase(env, "overload", "");
  if (!db.ok()) {
    res.errors.push_back("prepare: " + db.status().message());
    return res;
  }
  ServerProcess server({env.openzcc, db->url, FreePort(), env.work_dir + "/overload.log", {}, 0});
  if (Status st = server.Start(); !st.ok()) {
    res.errors.push_back("start: " + st.message());
    return res;
  }
  const std::uint16_t port = server.port();
  auto token = Login(port, *db);
  if (!token.ok()) {
    res.errors.push_back(token.status().message());
    return res;
  }
  const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + *token}};
  const std::string snapshot = "/api/v1/capacity/snapshot?region=ZWN";
  {
    Conn warm(port);
    for (int i = 0; i < 3; ++i) warm.Send("GET", snapshot, "", auth);
  }
  std::this_thread::sleep_for(milliseconds(300));
  res.baseline_rss_kb = RssKb(server.pid());

  std::atomic<bool> sampling{true};
  std::atomic<std::int64_t> peak{res.baseline_rss_kb};
  std::thread sampler([&] {
    while (sampling) {
      peak = std::max<std::int64_t>(peak, RssKb(server.pid()));
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  LoadOptions lo;
  lo.port = port;
  lo.token = *token;
  lo.units = db->units;
  lo.clients = o.clients;
  lo.seed = o.seed;
  Load load(lo);
  load.Start();
  const auto start = Clock::now();

  std::vector<int> fds;  // every socket we hold, closed at the end
  auto hold = [&](int fd) {
    if (fd >= 0) fds.push_back(fd);
    return fd;
  };
  // SSE clients that never read: a small receive window, so the server's queue fills.
  const std::string sse_req = "GET /api/v1/events?region=ZWN HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + *token +
                              "\r\nAccept: text/event-stream\r\n\r\n";
  for (int i = 0; i < o.sse; ++i) {
    int fd = hold(ConnectTcp(port, seconds(10)));
    if (fd < 0) continue;
    int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    if (WriteAll(fd, sse_req, seconds(10))) res.sse_open += 1;
  }
  // Connections that never send a byte.
  std::vector<int> silent;
  for (int i = 0; i < o.silent; ++i) {
    int fd = hold(ConnectTcp(port, seconds(10)));
    if (fd >= 0) silent.push_back(fd);
  }
  // Slowloris: a header that never ends, one byte at a time.
  std::vector<int> slow;
  for (int i = 0; i < o.slowloris; ++i) {
    int fd = hold(ConnectTcp(port, seconds(10)));
    if (fd >= 0 && WriteAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n", seconds(5))) slow.push_back(fd);
  }
  std::atomic<bool> trickling{true};
  std::vector<char> slow_closed(slow.size(), 0);
  std::thread trickler([&] {
    while (trickling) {
      for (size_t i = 0; i < slow.size(); ++i) {
        if (slow_closed[i]) continue;
        pollfd p{slow[i], POLLIN, 0};
        bool gone = ::poll(&p, 1, 0) > 0;  // the server closed it (EOF/RST) or answered
        if (!gone) gone = ::send(slow[i], "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN;
        if (gone) slow_closed[i] = 1;
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
  });
  // Idle keep-alive connections: one request each, then silence.
  {
    const std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<int> idle;
    for (int i = 0; i < o.idle; ++i) {
      int fd = hold(ConnectTcp(port, seconds(10)));
      if (fd >= 0 && WriteAll(fd, req, seconds(10))) idle.push_back(fd);
    }
    for (int fd : idle) {
      std::string got;
      const auto deadline = Clock::now() + seconds(30);
      char buf[512];
      while (got.find("\r\n\r\nok\n") == std::string::npos && Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      if (got.rfind("HTTP/1.1 200", 0) == 0) res.idle_open += 1;
    }
  }
  // Huge headers and bodies, each on its own connection, a few threads at once.
  std::atomic<int> header_refused{0}, body_413{0};
  std::vector<std::thread> abusers;
  for (int t = 0; t < 4; ++t) {
    abusers.emplace_back([&, t] {
      for (int i = t; i < o.big_headers; i += 4) {
        int fd = ConnectTcp(port, seconds(10));
        if (fd < 0) continue;
        std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
        WriteAll(fd, req, seconds(10));
        bool closed = false;
        std::string got = ReadUntilClose(fd, seconds(30), &closed);
        if (got.rfind("HTTP/1.1 431", 0) == 0 || (got.empty() && closed)) header_refused += 1;
        ::close(fd);
      }
      for (int i = t; i < o.big_bodies; i += 4) {
        int fd = ConnectTcp(port, seconds(10));
        if (fd < 0) continue;
        const size_t size = 2u << 20;
        std::string req = "PUT /api/v1/units/" + db->units.front() +
                          "/capacity HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
                          *token + "\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" + std::string(size, ' ');
        WriteAll(fd, req, seconds(10));  // may fail once the server has answered and closed
        std::string got = ReadUntilClose(fd, seconds(30));
        if (got.rfind("HTTP/1.1 413", 0) == 0) body_413 += 1;
        ::close(fd);
      }
    });
  }
  // While all that is open: a normal client still reads and writes.
  Conn normal(port);
  int probe = 0;
  while (Clock::now() - start < o.hold || probe == 0) {
    ++probe;
    const Reply snap = normal.Send("GET", snapshot, "", auth, seconds(60));
    WriteOp w = MakePut("w800." + std::to_string(probe), 800, db->units.back(), "");
    const Reply put = SendWrite(normal, *token, w, seconds(60));
    const Reply ready = normal.Send("GET", "/readyz", "", {}, seconds(60));
    if (snap.status == 200 && put.status == 200 && ready.status == 200) {
      res.liveness_rounds += 1;
    } else {
      res.errors.push_back("normal client round " + std::to_string(probe) + ": snapshot " +
                           std::to_string(snap.status) + ", write " + std::to_string(put.status) + ", readyz " +
                           std::to_string(ready.status));
    }
    std::this_thread::sleep_for(milliseconds(500));
  }
  for (auto& t : abusers) t.join();
  res.big_header_refused = header_refused;
  res.big_body_413 = body_413;
  // The silent connections are closed by the header timeout (10 s): wait for that.
  for (int fd : silent) {
    bool closed = false;
    ReadUntilClose(fd, seconds(20), &closed);
    if (closed) res.silent_closed += 1;
  }
  trickling = false;
  trickler.join();
  for (char c : slow_closed) res.slowloris_closed += c ? 1 : 0;
  res.dropped_streams = MetricValue(port, "ozcc_http_dropped_streams_total");
  res.rejected_connections = MetricValue(port, "ozcc_http_rejected_connections_total");
  for (int fd : fds) ::close(fd);
  load.Stop();
  std::this_thread::sleep_for(milliseconds(1000));
  sampling = false;
  sampler.join();
  res.peak_rss_kb = peak;
  res.after_rss_kb = RssKb(server.pid());
  res.load = load.Stats();
  CheckLoad(res.load, res.errors);
  if (res.load.acked == 0) res.errors.push_back("the write load got nothing acknowledged");
  if (res.load.status_503 + res.load.broken > 0) {
    res.errors.push_back("the write load saw " + std::to_string(res.load.status_503 + res.load.broken) +
                         " failed requests");
  }
  if (res.idle_open != o.idle) {
    res.errors.push_back(std::to_string(o.idle - res.idle_open) + " idle connections were not answered");
  }
  if (res.silent_closed != static_cast<int>(silent.size())) {
    res.errors.push_back(std::to_string(silent.size() - static_cast<size_t>(res.silent_closed)) +
                         " silent connections were left open past the header timeout");
  }
  if (res.slowloris_closed != static_cast<int>(slow.size())) {
    res.errors.push_back(std::to_string(slow.size() - static_cast<size_t>(res.slowloris_closed)) +
                         " slowloris connections were left open past the header timeout");
  }
  if (res.big_header_refused != o.big_headers) {
    res.errors.push_back(std::to_string(o.big_headers - res.big_header_refused) + " huge headers not refused");
  }
  if (res.big_body_413 != o.big_bodies) {
    res.errors.push_back(std::to_string(o.big_bodies - res.big_body_413) + " huge bodies not answered 413");
  }
  if (res.sse_open != o.sse) res.errors.push_back("only " + std::to_string(res.sse_open) + " SSE streams opened");
  if (res.peak_rss_kb - res.baseline_rss_kb > o.rss_limit_kb) {
    res.errors.push_back("RSS grew by " + std::to_string((res.peak_rss_kb - res.baseline_rss_kb) / 1024) +
                         " MB (limit " + std::to_string(o.rss_limit_kb / 1024) + " MB)");
  }
  if (!server.Alive()) res.errors.push_back("the server died:\n" + server.LogTail());
  res.check = CheckAfter(server, db->url, load.Ops(), res.errors);
  return res;
}

// --- 4. file descriptors run out --------------------------------------------------

std::string FdLimitResult::Describe() const {
  std::ostringstream o;
  o << "answered_200=" << answered_200 << " answered_503=" << answered_503 << " unanswered=" << unanswered
    << Errors(errors);
  return o.str();
}

FdLimitResult RunFdLimit(const Env& env, std::int64_t nofile, int connections) {
  FdLimitResult res;
  RaiseFileLimit();
  auto db = PrepareDatabase(env, "fdlimit", "");
  if (!db.ok()) {
    res.errors.push_back("prepare: " + db.status().message());
    return res;
  }
  ServerProcess server({env.openzcc, db->url, FreePort(), env.work_dir + "/fdlimit.log", {}, nofile});
  if (Status st = server.Start(); !st.ok()) {
    res.errors.push_back("start: " + st.message());
    return res;
  }
  std::vector<int> fds;
  for (int i = 0; i < connections; ++i) {
    int fd = ConnectTcp(server.port(), seconds(10));  // the kernel completes connects into the backlog
    if (fd >= 0) fds.push_back(fd);
  }
  const std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int fd : fds) WriteAll(fd, req, seconds(5));
  const auto deadline = Clock::now() + seconds(15);  // for all answers together
  for (int fd : fds) {
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    if (got.rfind("HTTP/1.1 200", 0) == 0) {
      res.answered_200 += 1;
    } else if (got.rfind("HTTP/1.1 503", 0) == 0) {
      res.answered_503 += 1;
    } else {
      res.unanswered += 1;
    }
  }
  if (res.unanswered > 0) {
    res.errors.push_back(std::to_string(res.unanswered) + " of " + std::to_string(fds.size()) +
                         " connections got no answer (accept failing for lack of file descriptors?)");
  }
  if (res.answered_503 == 0) res.errors.push_back("no connection was refused with 503 above the limit");
  for (int fd : fds) ::close(fd);
  // Afterwards it serves as before, and the store still works (it needs descriptors too).
  std::this_thread::sleep_for(milliseconds(500));
  auto token = Login(server.port(), *db);
  if (!token.ok()) {
    res.errors.push_back("after the flood: " + token.status().message());
  } else {
    Conn c(server.port());
    WriteOp w = MakePut("w700.1", 700, db->units.front(), "");
    Reply r = SendWrite(c, *token, w, seconds(60));
    if (r.status != 200) res.errors.push_back("write after the flood: " + std::to_string(r.status) + " " + r.body);
  }
  if (!server.Alive()) res.errors.push_back("the server died:\n" + server.LogTail());
  server.Stop();
  return res;
}

}  // namespace ozcc::reliability
