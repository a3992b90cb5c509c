#include "reliability/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/types.h"
#include "store/postgres/connection.h"
#include "store/store.h"

namespace ozcc::reliability {

namespace {

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline; false on timeout.
bool PollFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `url` with its database name replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  return base + "/" + db + (query == std::string::npos ? "" : url.substr(query));
}

// This process's environment, with ASAN_OPTIONS extended by
// quarantine_size_mb=16: a sanitizer build keeps up to 256 MB of freed blocks
// in quarantine by default, which would make a server's RSS track its churn
// instead of its live memory. Other builds ignore the variable.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  std::string asan = "ASAN_OPTIONS=";
  for (char** e = environ; *e != nullptr; ++e) {
    std::string v = *e;
    if (v.rfind("ASAN_OPTIONS=", 0) == 0) {
      asan = v + ":";
    } else {
      env.push_back(std::move(v));
    }
  }
  env.push_back(asan + "quarantine_size_mb=16");
  return env;
}

// Spawns argv with stdin/stdout/stderr as given (-1: inherit); the child's
// RLIMIT_NOFILE is set when nofile > 0. Returns the pid or -1.
pid_t Spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd, std::int64_t nofile) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on.
  if (in_fd >= 0) ::dup2(in_fd, 0);
  if (out_fd >= 0) ::dup2(out_fd, 1);
  if (err_fd >= 0) ::dup2(err_fd, 2);
  if (nofile > 0) {
    rlimit rl{static_cast<rlim_t>(nofile), static_cast<rlim_t>(nofile)};
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(args[0], args.data(), envp.data());
  ::_exit(127);
}

}  // namespace

std::uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

std::int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::int64_t RaiseFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  return static_cast<std::int64_t>(rl.rlim_cur);
}

Result<std::string> RunProgram(const std::vector<std::string>& argv, const std::string& input) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return Status::Internal("pipe failed");
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return Status::Internal("pipe failed");
  }
  pid_t pid = Spawn(argv, in_pipe[0], out_pipe[1], out_pipe[1], 0);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (pid < 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    return Status::Internal("fork failed");
  }
  // Inputs here are a password line: far below the pipe buffer.
  if (!input.empty()) (void)!::write(in_pipe[1], input.data(), input.size());
  ::close(in_pipe[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(out_pipe[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Internal(argv.front() + " " + (argv.size() > 1 ? argv[1] : "") + " failed: " + out);
  }
  return out;
}

// --- HTTP ------------------------------------------------------------------------

std::string Reply::Header(const std::string& lower) const {
  auto it = header.find(lower);
  return it == header.end() ? std::string() : it->second;
}

int ConnectTcp(std::uint16_t port, milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (errno != EINPROGRESS || !PollFor(fd, POLLOUT, Clock::now() + timeout)) {
      ::close(fd);
      return -1;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      ::close(fd);
      return -1;
    }
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WriteAll(int fd, const std::string& bytes, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && PollFor(fd, POLLOUT, deadline)) continue;
    return false;
  }
  return true;
}

std::string ReadUntilClose(int fd, milliseconds timeout, bool* closed) {
  if (closed != nullptr) *closed = false;
  const auto deadline = Clock::now() + timeout;
  std::string out;
  char buf[8192];
  while (PollFor(fd, POLLIN, deadline)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (closed != nullptr) *closed = true;  // EOF or reset
    break;
  }
  return out;
}

void Conn::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buf_.clear();
}

Reply Conn::Send(const std::string& method, const std::string& target, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers, milliseconds timeout) {
  Reply r;
  const auto deadline = Clock::now() + timeout;
  if (fd_ < 0) {
    fd_ = ConnectTcp(port_, timeout);
    if (fd_ < 0) {
      r.error = "connect failed";
      return r;
    }
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "PUT" || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n";
  req += body;
  r.sent = true;
  auto fail = [&](const std::string& why) {
    r.status = 0;
    r.error = why;
    Close();
    return r;
  };
  if (!WriteAll(fd_, req, timeout)) return fail("write failed: " + std::string(std::strerror(errno)));
  // Read the header.
  size_t head_end;
  char tmp[16384];
  auto fill = [&]() -> int {  // 1 read, 0 closed, -1 timeout/error
    if (!PollFor(fd_, POLLIN, deadline)) return -1;
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) {
      buf_.append(tmp, static_cast<size_t>(n));
      return 1;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
    return 0;
  };
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    int f = fill();
    if (f == 0) return fail("connection closed before the response");
    if (f < 0) return fail("timeout or error waiting for the response");
  }
  std::istringstream head(buf_.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12 || line.rfind("HTTP/1.", 0) != 0) return fail("bad status line: " + line);
  r.status = std::atoi(line.c_str() + 9);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string v = line.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    r.header[Lower(line.substr(0, colon))] = v;
  }
  buf_.erase(0, head_end + 4);
  const int status = r.status;
  size_t len = static_cast<size_t>(std::strtoull(r.Header("content-length").c_str(), nullptr, 10));
  if (method == "HEAD" || status == 304 || status == 204) len = 0;
  while (buf_.size() < len) {
    int f = fill();
    if (f <= 0) {
      Reply partial = fail("response body cut short");
      partial.status = 0;
      return partial;
    }
  }
  r.body = buf_.substr(0, len);
  buf_.erase(0, len);
  if (Lower(r.Header("connection")) == "close") Close();
  return r;
}

// --- server process -------------------------------------------------------------

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill(SIGKILL);
}

Status ServerProcess::Start(milliseconds ready_timeout) {
  if (pid_ > 0) return Status::Internal("server already running");
  std::vector<std::string> argv = {options_.bin,     "serve",    "--db",
                                   options_.db,      "--listen", "127.0.0.1:" + std::to_string(options_.port),
                                   "--no-access-log"};
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  int log = ::open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return Status::Internal("cannot open " + options_.log_path);
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_ = Spawn(argv, devnull, log, log, options_.nofile_limit);
  ::close(log);
  ::close(devnull);
  if (pid_ < 0) return Status::Internal("fork failed");
  const auto deadline = Clock::now() + ready_timeout;
  while (Clock::now() < deadline) {
    if (!Alive()) return Status::Unavailable("openzcc exited during start-up:\n" + LogTail());
    Conn c(options_.port);
    if (c.Send("GET", "/healthz", "", {}, seconds(2)).status == 200) return Status::Ok();
    std::this_thread::sleep_for(milliseconds(50));
  }
  return Status::Unavailable("openzcc did not answer /healthz:\n" + LogTail());
}

void ServerProcess::Kill(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

bool ServerProcess::Stop(milliseconds timeout) {
  if (pid_ <= 0) return true;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    int wstatus = 0;
    pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  Kill(SIGKILL);
  return false;
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int wstatus = 0;
  if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string ServerProcess::LogTail(std::size_t max_bytes) const {
  std::ifstream in(options_.log_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

// --- PostgreSQL -------------------------------------------------------------------

Result<std::unique_ptr<PgInstance>> PgInstance::Create(const Env& env, const std::string& name) {
  std::unique_ptr<PgInstance> pg(
      new PgInstance(env.source_dir + "/scripts/with-postgres.sh", env.work_dir + "/pg-" + name));
  auto out = RunProgram({"/bin/bash", pg->script_, "--instance", pg->dir_, "init"});
  if (!out.ok()) return out.status();
  std::string url = *out;
  auto nl = url.rfind("postgresql://");
  if (nl == std::string::npos) return Status::Internal("with-postgres.sh printed no URL: " + url);
  url = url.substr(nl);
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  pg->url_ = url;
  return pg;
}

PgInstance::~PgInstance() { (void)RunProgram({"/bin/bash", script_, "--instance", dir_, "destroy"}); }

Status PgInstance::Stop(const std::string& mode) {
  return RunProgram({"/bin/bash", script_, "--instance", dir_, "stop", mode}).status();
}

Status PgInstance::Start() { return RunProgram({"/bin/bash", script_, "--instance", dir_, "start"}).status(); }

// --- database and sign-in ---------------------------------------------------------

Result<Database> PrepareDatabase(const Env& env, const std::string& name, const std::string& pg_url) {
  Database db;
  if (pg_url.empty()) {
    db.url = env.work_dir + "/" + name + ".db";
  } else {
    auto admin = postgres::Connection::Open(pg_url);
    if (!admin.ok()) return admin.status();
    std::string dbname = "ozcc_rel_" + name + "_" + std::to_string(::getpid());
    std::replace(dbname.begin(), dbname.end(), '-', '_');
    Status st = (*admin)->Exec("DROP DATABASE IF EXISTS " + dbname + " WITH (FORCE)");
    if (st.ok()) st = (*admin)->Exec("CREATE DATABASE " + dbname);
    if (!st.ok()) return st;
    db.url = WithDatabase(pg_url, dbname);
  }
  auto imported =
      RunProgram({env.openzcc, "region", "import", env.source_dir + "/data/regions/zwn.json", "--db", db.url});
  if (!imported.ok()) return imported.status();
  auto user = RunProgram(
      {env.openzcc, "user", "add", "--username", db.admin, "--role", "admin", "--password-stdin", "--db", db.url},
      db.password + "\n");
  if (!user.ok()) return user.status();
  auto store = OpenStore(db.url);
  if (!store.ok()) return store.status();
  auto units = (*store)->ListUnits("ZWN");
  if (!units.ok()) return units.status();
  for (const auto& u : *units) {
    if (UnitHasBeds(u.unit.type)) db.units.push_back(u.unit.id);
  }
  if (db.units.empty()) return Status::Internal("ZWN has no units with beds");
  return db;
}

Result<std::string> Login(std::uint16_t port, const Database& db) {
  Conn c(port);
  nlohmann::json body = {{"username", db.admin}, {"password", db.password}};
  Reply r = c.Send("POST", "/api/v1/auth/login", body.dump(), {{"Content-Type", "application/json"}});
  if (r.status != 200) return Status::Unavailable("login failed: " + std::to_string(r.status) + " " + r.body);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("token")) return Status::Internal("login answer without token: " + r.body);
  return j["token"].get<std::string>();
}

bool WaitStatus(std::uint16_t port, const std::string& path, int status, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    Conn c(port);
    if (c.Send("GET", path, "", {}, seconds(5)).status == status) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

}  // namespace ozcc::reliability
