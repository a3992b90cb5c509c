// Beast server. Structure:
//  - Impl owns the io_context (run by io_threads), the acceptor, the worker
//    thread_pool and the registry of live sessions (for Stop()).
//  - Session is one connection. Everything it does runs on its strand. It
//    reads with its own loop over request_parser::put() so that the idle,
//    header and body phases each get their own deadline, and writes
//    responses as one gathered write (one sendmsg) of a hand-formatted
//    header and the body bytes (the shared body is referenced, never
//    copied), or, for a large shared body, the header with MSG_MORE and the
//    body's file (FileBodyCache) with sendfile(). Deadlines: one timer per connection that is re-armed only when
//    a deadline comes earlier than the one it waits for; when it fires early
//    it waits again for the current one. A kept-alive request whose header
//    arrives whole therefore costs no timer operation at all.
//  - SseSink is the EventSink of a streaming session: a mutex-guarded byte
//    queue; Send() appends and posts one pump to the strand when none is
//    pending, so it never blocks on the socket.
#include "http/server.h"

#include <spdlog/spdlog.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/access_log.h"
#include "http/client_address.h"
#include "http/file_body.h"
#include "http/wire.h"

namespace ozcc::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
// A stream's write buffers keep at most this much capacity once written out:
// a burst (up to the stream's queue limit) is freed again instead of staying
// allocated for the life of the stream, in each of hundreds of streams.
constexpr std::size_t kStreamBufferKept = std::size_t{16} * 1024;
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 16 << 20;

}  // namespace

class Session;

// The server's state; Server::Impl (private in the header) is this type.
struct ServerCore {
  ServerCore(ServerOptions o, const Router& r) : options(std::move(o)), router(r) {}

  ServerOptions options;
  const Router& router;
  ServerStats stats;
  std::atomic<bool> stopping{false};
  std::atomic<std::int64_t> inflight{0};
  // The access log: ours (stdout, asynchronous, batched), or the spdlog
  // logger named "access" when the application registered one.
  std::unique_ptr<AccessLog> access_log;
  std::shared_ptr<spdlog::logger> access_logger;
  FileBodyCache file_bodies;

  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  // Declared after everything sessions touch in their destructors: pending
  // handlers (and the sessions they hold) die with the io_context.
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  // Re-arms accepting after a failed accept (EMFILE): a member, so that path
  // allocates nothing (a make_shared'd timer there tripped UBSan's vptr check
  // and ended the sanitizer build exactly when descriptors ran out).
  net::steady_timer accept_retry{acceptor.get_executor()};
  std::optional<net::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::uint16_t bound_port = 0;

  std::mutex state_mu;
  std::condition_variable state_cv;
  bool started = false;
  bool stop_begun = false;
  bool stopped = false;

  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Reject(tcp::socket& socket);
  template <class F>
  void ForEachSession(F f);

  Response Invoke(const Route& route, Request& req) {
    try {
      return route.handler(req);
    } catch (const std::exception& e) {
      spdlog::error("http handler exception request_id={} method={} path={} what={}", req.request_id, req.method,
                    req.path, e.what());
    } catch (...) {
      spdlog::error("http handler exception request_id={} method={} path={} what=unknown", req.request_id, req.method,
                    req.path);
    }
    return Restyled(req, ProblemResponse(500, "Internal error", "The server failed to handle the request.",
                                         req.request_id, req.path));
  }

  // A transport error as options.restyle_error wants it.
  Response Restyled(const Request& req, Response r) const {
    if (options.restyle_error) options.restyle_error(req, r);
    return r;
  }

  void Record(int status, Clock::duration elapsed) {
    if (status >= 500) {
      stats.responses_5xx.fetch_add(1, std::memory_order_relaxed);
    } else if (status >= 400) {
      stats.responses_4xx.fetch_add(1, std::memory_order_relaxed);
    } else if (status >= 300) {
      stats.responses_3xx.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats.responses_2xx.fetch_add(1, std::memory_order_relaxed);
    }
    auto us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    stats.latency_us_sum.fetch_add(us, std::memory_order_relaxed);
    static constexpr std::uint64_t kBoundsUs[ServerStats::kBuckets - 1] = {1000,   5000,   10000,   50000,
                                                                           100000, 500000, 1000000, 5000000};
    for (int i = 0; i < ServerStats::kBuckets - 1; ++i) {
      if (us <= kBoundsUs[i]) stats.latency_buckets[i].fetch_add(1, std::memory_order_relaxed);
    }
    stats.latency_buckets[ServerStats::kBuckets - 1].fetch_add(1, std::memory_order_relaxed);
  }
};

class SseSink;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& srv, tcp::socket&& socket)
      : srv_(srv), socket_(std::move(socket)), timer_(socket_.get_executor()), hb_timer_(socket_.get_executor()) {
    srv_.stats.open_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session();

  net::any_io_executor executor() { return socket_.get_executor(); }

  void Start() {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    socket_.set_option(tcp::no_delay(true), ec);
    {
      std::lock_guard lk(srv_.sessions_mu);
      srv_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->deadline_ = Clock::now() + std::chrono::seconds(self->srv_.options.header_timeout_s);
      self->StartRequest();
    });
  }

  // --- called on the strand ------------------------------------------------
  void OnStop();
  void Close();
  void StreamPump();
  void StreamFinish();

 private:
  enum class State { kReading, kHandling, kStreaming, kClosed };

  void StartRequest();
  void DoRead();
  void OnRead(beast::error_code ec, std::size_t n);
  void OnBytes();
  void OnParseError(beast::error_code ec);
  // Sets up answering a request that is refused before it is handled (bad
  // bytes or header): req_ with what is known of it (method and target once
  // `header_read`); the answer closes.
  void BeginRefusal(bool header_read);
  void Dispatch();
  void Respond(Response&& r);
  void WriteResponse(std::string_view body, bool with_body);
  void SendHeadAndFile();
  void OnWritten(beast::error_code ec, std::size_t n);
  void LingerClose();
  void LingerRead();
  void FinishInflight() {
    if (inflight_counted_) {
      inflight_counted_ = false;
      srv_.inflight.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  void Log(std::size_t bytes, Clock::time_point end);
  void StartStream(Response&& r);
  void StreamReadLoop();
  void ArmHeartbeat();
  void WriteLastChunk();
  // The pending operation must complete by `at` or the connection closes.
  void ExpireAt(Clock::time_point at);
  void ExpireAfter(std::chrono::seconds s) { ExpireAt(Clock::now() + s); }
  void ExpireNever() { io_deadline_ = Clock::time_point::max(); }
  void OnTimer(beast::error_code ec);

  ServerCore& srv_;
  tcp::socket socket_;
  net::steady_timer timer_;
  Clock::time_point io_deadline_ = Clock::time_point::max();  // of the pending operation
  Clock::time_point timer_at_ = Clock::time_point::max();     // what timer_ waits for
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  State state_ = State::kReading;
  bool first_request_ = true;
  bool got_bytes_ = false;
  bool header_done_ = false;
  Clock::time_point deadline_{};

  // The request being handled (not touched by the strand while a worker runs).
  Request req_;
  const Route* route_ = nullptr;
  Clock::time_point start_{};
  bool keep_alive_ = false;
  bool http10_ = false;
  bool inflight_counted_ = false;
  bool close_after_write_ = false;
  bool linger_after_write_ = false;

  // The response being written.
  std::string head_;
  std::string body_owned_;
  std::shared_ptr<const std::string> body_shared_;
  std::shared_ptr<const FileBody> body_file_;  // body_shared_ as a file, for sendfile()
  std::size_t head_sent_ = 0;
  off_t file_sent_ = 0;
  int status_ = 0;
  std::size_t linger_bytes_ = 0;

  // Streaming.
  std::shared_ptr<SseSink> sink_;
  net::steady_timer hb_timer_;
  std::string frame_;
  std::string writing_;
  bool write_in_flight_ = false;
  bool stream_counted_ = false;
  bool finishing_ = false;
  bool last_chunk_sent_ = false;
  std::array<char, 512> discard_{};
};

class SseSink final : public EventSink {
 public:
  SseSink(ServerCore& srv, std::weak_ptr<Session> session, std::size_t limit)
      : srv_(srv), session_(std::move(session)), limit_(limit) {}

  bool Send(std::string chunk) override {
    bool post = false, drop = false;
    {
      std::lock_guard lk(mu_);
      if (closed_) return false;
      if (queued_ + chunk.size() > limit_) {
        closed_ = drop = true;
        closed_flag_.store(true, std::memory_order_release);
      } else {
        queued_ += chunk.size();
        pending_.append(chunk);
        if (!pump_posted_) pump_posted_ = post = true;
      }
    }
    if (drop) {
      // Over the bound: drop the stream, never wait for the client.
      srv_.stats.dropped_streams.fetch_add(1, std::memory_order_relaxed);
      if (auto s = session_.lock()) net::post(s->executor(), [s] { s->Close(); });
      return false;
    }
    if (post) {
      if (auto s = session_.lock()) net::post(s->executor(), [s] { s->StreamPump(); });
    }
    return true;
  }

  bool closed() const override { return closed_flag_.load(std::memory_order_acquire); }

  void Close() override {
    {
      std::lock_guard lk(mu_);
      if (closed_) return;
      closed_ = true;
      closing_ = true;
      closed_flag_.store(true, std::memory_order_release);
    }
    if (auto s = session_.lock()) net::post(s->executor(), [s] { s->StreamFinish(); });
  }

  // Session side (strand). Moves queued bytes into `out` (swapping buffers
  // so capacity is reused); returns whether a graceful close was asked.
  bool Take(std::string& out) {
    std::lock_guard lk(mu_);
    pump_posted_ = false;
    if (!pending_.empty()) out.swap(pending_);
    return closing_;
  }
  void Written(std::size_t n) {
    std::lock_guard lk(mu_);
    queued_ -= std::min(queued_, n);
  }
  void MarkClosed() {
    std::lock_guard lk(mu_);
    closed_ = true;
    closed_flag_.store(true, std::memory_order_release);
  }

 private:
  ServerCore& srv_;
  std::weak_ptr<Session> session_;
  const std::size_t limit_;
  std::mutex mu_;
  std::string pending_;
  std::size_t queued_ = 0;  // pending_ plus the write in flight
  bool closed_ = false;
  bool closing_ = false;
  bool pump_posted_ = false;
  std::atomic<bool> closed_flag_{false};
};

Session::~Session() {
  if (sink_) sink_->MarkClosed();
  if (stream_counted_) srv_.stats.open_streams.fetch_sub(1, std::memory_order_relaxed);
  if (inflight_counted_) srv_.inflight.fetch_sub(1, std::memory_order_relaxed);
  srv_.stats.open_connections.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lk(srv_.sessions_mu);
  srv_.sessions.erase(this);
}

void Session::StartRequest() {
  if (state_ == State::kClosed) return;
  if (srv_.stopping.load(std::memory_order_relaxed)) {
    Close();
    return;
  }
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(srv_.options.header_limit));
  parser_->body_limit(static_cast<std::uint64_t>(srv_.options.body_limit));
  header_done_ = false;
  got_bytes_ = false;
  if (!first_request_) deadline_ = Clock::now() + std::chrono::seconds(srv_.options.idle_timeout_s);
  if (buffer_.size() > 0) {
    OnBytes();  // pipelined bytes already buffered
    return;
  }
  DoRead();
}

void Session::DoRead() {
  ExpireAt(deadline_);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnRead(ec, n); });
}

void Session::OnRead(beast::error_code ec, std::size_t n) {
  ExpireNever();
  buffer_.commit(n);
  if (state_ == State::kClosed) return;
  if (ec) {
    // Timeout (idle, slowloris), EOF or reset: nothing to answer.
    Close();
    return;
  }
  OnBytes();
}

void Session::OnBytes() {
  if (!got_bytes_) {
    got_bytes_ = true;
    // On a kept-alive connection the header clock starts with the first byte.
    if (!first_request_) deadline_ = Clock::now() + std::chrono::seconds(srv_.options.header_timeout_s);
  }
  beast::error_code ec;
  while (!parser_->is_done() && buffer_.size() > 0) {
    const bool had_header = parser_->is_header_done();
    std::size_t used = parser_->put(buffer_.data(), ec);
    if (!ec && !had_header && parser_->is_header_done()) {
      // The parser takes a header whole, in one put() once its blank line is
      // buffered, and stops there: these are the header's bytes, checked
      // before any body byte is parsed.
      const std::string_view raw(static_cast<const char*>(buffer_.data().data()), used);
      if (HeaderProblem(parser_->get(), raw, {})) {
        start_ = Clock::now();
        header_done_ = true;
        BeginRefusal(true);  // the request id, now that it is known
        Response problem = srv_.Restyled(req_, *HeaderProblem(parser_->get(), raw, req_.request_id));
        buffer_.consume(used);
        Respond(std::move(problem));
        return;
      }
    }
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  if (ec) {
    OnParseError(ec);
    return;
  }
  if (parser_->is_header_done() && !header_done_) {
    header_done_ = true;
    start_ = Clock::now();
    if (!parser_->is_done()) {
      deadline_ = Clock::now() + std::chrono::seconds(srv_.options.body_timeout_s);
      auto expect = parser_->get()[bhttp::field::expect];
      if (IEquals(ToStd(expect), "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        ExpireAfter(std::chrono::seconds(srv_.options.idle_timeout_s));
        net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](beast::error_code wec, std::size_t) {
                           self->ExpireNever();
                           if (wec) {
                             self->Close();
                           } else if (self->state_ != State::kClosed) {
                             self->DoRead();
                           }
                         });
        return;
      }
    }
  }
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  DoRead();
}

void Session::OnParseError(beast::error_code ec) {
  // A Content-Length over the limit is refused as the header ends: the
  // request line and fields are read by then.
  BeginRefusal(ec == bhttp::error::body_limit);
  Respond(
      srv_.Restyled(req_, ParseErrorResponse(ec, srv_.options.header_limit, srv_.options.body_limit, req_.request_id)));
}

void Session::BeginRefusal(bool header_read) {
  state_ = State::kHandling;
  if (!header_done_) start_ = Clock::now();
  req_ = Request{};
  req_.remote_addr = remote_;
  req_.request_id = NewRequestId();
  if (header_read || header_done_) {
    const auto& msg = parser_->get();
    req_.method = std::string(ToStd(msg.method_string()));
    req_.target = std::string(ToStd(msg.target()));
    req_.path = req_.target.substr(0, req_.target.find('?'));  // raw: enough to tell the part of the API
    auto rid = ToStd(msg["x-request-id"]);
    if (ValidRequestId(rid)) req_.request_id = std::string(rid);
  }
  srv_.stats.requests.fetch_add(1, std::memory_order_relaxed);
  srv_.inflight.fetch_add(1, std::memory_order_relaxed);
  inflight_counted_ = true;
  keep_alive_ = false;
  http10_ = false;
  close_after_write_ = true;
  linger_after_write_ = true;
}

void Session::Dispatch() {
  state_ = State::kHandling;
  srv_.stats.requests.fetch_add(1, std::memory_order_relaxed);
  srv_.inflight.fetch_add(1, std::memory_order_relaxed);
  inflight_counted_ = true;
  close_after_write_ = false;
  linger_after_write_ = false;

  auto msg = parser_->release();
  keep_alive_ = msg.keep_alive();
  http10_ = msg.version() < 11;
  ToRequest(msg, req_);
  SetClientAddress(req_, remote_, srv_.options.trusted_proxies);

  if (auto bad = PathProblem(req_)) {
    Respond(srv_.Restyled(req_, std::move(*bad)));
    return;
  }
  Router::Match m = srv_.router.Find(req_);
  if (m.kind != Router::MatchKind::kFound) {
    Respond(srv_.Restyled(req_, NoRouteResponse(m, req_)));
    return;
  }
  route_ = m.route;
  if (route_->options.inline_io) {
    Respond(srv_.Invoke(*route_, req_));
    return;
  }
  net::post(*srv_.workers, [self = shared_from_this()] {
    Response r = self->srv_.Invoke(*self->route_, self->req_);
    net::post(self->executor(), [self, r = std::move(r)]() mutable { self->Respond(std::move(r)); });
  });
}

void Session::Respond(Response&& r) {
  if (state_ == State::kClosed) {
    FinishInflight();
    return;
  }
  if (r.stream) {
    StartStream(std::move(r));
    return;
  }
  status_ = r.status;
  const bool ka = keep_alive_ && !close_after_write_ && !srv_.stopping.load(std::memory_order_relaxed);
  const bool head = req_.method == "HEAD";
  const bool no_body = status_ < 200 || status_ == 204 || status_ == 304;

  std::string_view body;
  if (r.shared_body) {
    body_shared_ = std::move(r.shared_body);
    body = *body_shared_;
  } else {
    body_owned_ = std::move(r.body);
    body = body_owned_;
  }
  head_.clear();
  keep_alive_ = AppendResponseHead(head_, r, req_.request_id, ka, http10_, body.size());
  const bool with_body = !head && !no_body;
  if (with_body && body_shared_) body_file_ = srv_.file_bodies.Get(body_shared_);
  if (body_file_) {
    head_sent_ = 0;
    file_sent_ = 0;
    ExpireAfter(std::chrono::seconds(srv_.options.idle_timeout_s));
    SendHeadAndFile();
    return;
  }
  WriteResponse(body, with_body);
}

void Session::WriteResponse(std::string_view body, bool with_body) {
  std::array<net::const_buffer, 2> bufs = {net::buffer(head_.data(), head_.size()),
                                           net::buffer(body.data(), with_body ? body.size() : 0)};
  ExpireAfter(std::chrono::seconds(srv_.options.idle_timeout_s));
  net::async_write(socket_, bufs,
                   [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnWritten(ec, n); });
}

// The head, then the body's file with sendfile(): the socket takes the file's
// pages, the bytes are not copied. The head goes with MSG_MORE so that it
// leaves in the same segment as the body's start. On a full socket buffer it
// waits for the socket to become writable; the completion is posted, never
// run inside Respond() (pipelined requests would nest).
void Session::SendHeadAndFile() {
  const int sock = socket_.native_handle();
  const auto file_size = static_cast<off_t>(body_file_->size());
  beast::error_code ec;
  for (;;) {
    ssize_t n = 0;
    if (head_sent_ < head_.size()) {
      n = ::send(sock, head_.data() + head_sent_, head_.size() - head_sent_, MSG_MORE | MSG_NOSIGNAL);
      if (n > 0) {
        head_sent_ += static_cast<std::size_t>(n);
        continue;
      }
    } else if (file_sent_ < file_size) {
      off_t offset = file_sent_;
      n = ::sendfile(sock, body_file_->fd(), &offset, static_cast<std::size_t>(file_size - file_sent_));
      if (n > 0) {
        file_sent_ = offset;
        continue;
      }
      if (n == 0) {  // cannot happen: the file is sealed
        ec = net::error::eof;
        break;
      }
    } else {
      break;  // all sent
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](beast::error_code wec) {
        if (wec) {
          self->OnWritten(wec, self->head_sent_ + static_cast<std::size_t>(self->file_sent_));
        } else {
          self->SendHeadAndFile();
        }
      });
      return;
    }
    ec.assign(errno, beast::system_category());
    if (errno == EPIPE) {
      // sendfile() has no MSG_NOSIGNAL: take back the SIGPIPE the I/O
      // threads block (Server::Start), so none stays pending.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      timespec zero{};
      (void)sigtimedwait(&pipe, nullptr, &zero);
    }
    break;
  }
  net::post(socket_.get_executor(), [self = shared_from_this(), ec] {
    self->OnWritten(ec, self->head_sent_ + static_cast<std::size_t>(self->file_sent_));
  });
}

void Session::OnWritten(beast::error_code ec, std::size_t n) {
  ExpireNever();
  auto end = Clock::now();
  FinishInflight();
  srv_.Record(status_, end - start_);
  if (srv_.options.access_log) Log(n, end);
  body_shared_.reset();
  body_file_.reset();
  body_owned_.clear();
  if (state_ == State::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  if (linger_after_write_) {
    LingerClose();
    return;
  }
  if (!keep_alive_) {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Close();
    return;
  }
  first_request_ = false;
  StartRequest();
}

// After an error response the client may still be sending (a body we refused):
// half-close and drain for a while so it sees the response and not an RST.
void Session::LingerClose() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  state_ = State::kHandling;
  deadline_ = Clock::now() + kLingerTimeout;
  linger_bytes_ = 0;
  LingerRead();
}

void Session::LingerRead() {
  ExpireAt(deadline_);
  socket_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->linger_bytes_ += n;
    if (ec || self->linger_bytes_ > kLingerMaxBytes || self->state_ == State::kClosed) {
      self->Close();
      return;
    }
    self->LingerRead();
  });
}

void Session::ExpireAt(Clock::time_point at) {
  io_deadline_ = at;
  if (at >= timer_at_ || state_ == State::kClosed) return;  // the timer fires first and waits on for `at`
  timer_at_ = at;
  timer_.expires_at(at);  // a wait for a later time ends with operation_aborted
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) { self->OnTimer(ec); });
}

void Session::OnTimer(beast::error_code ec) {
  if (ec == net::error::operation_aborted || state_ == State::kClosed) return;
  timer_at_ = Clock::time_point::max();
  if (io_deadline_ == Clock::time_point::max()) return;  // nothing pending: armed again by the next operation
  if (Clock::now() < io_deadline_) {
    ExpireAt(io_deadline_);
    return;
  }
  // Too late (idle, slowloris, a client that does not read): the pending
  // operation ends with an error and nothing more is answered.
  Close();
}

void Session::Log(std::size_t bytes, Clock::time_point end) {
  std::string_view target = req_.target;
  AccessRecord rec;
  rec.request_id = req_.request_id;
  rec.remote = remote_;
  rec.method = req_.method;
  rec.path = target.substr(0, target.find('?'));
  rec.status = status_;
  rec.bytes = bytes;
  rec.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(end - start_).count();
  if (srv_.access_log) {
    rec.ts = std::chrono::system_clock::now();
    srv_.access_log->Append(rec);
  } else if (srv_.access_logger) {
    std::string line;
    AppendAccessFields(line, rec);
    srv_.access_logger->info(line);
  }
}

void Session::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  FinishInflight();
  beast::error_code ignored;
  hb_timer_.cancel(ignored);
  timer_.cancel(ignored);
  ExpireNever();
  if (sink_) sink_->MarkClosed();
  if (stream_counted_) {
    stream_counted_ = false;
    srv_.stats.open_streams.fetch_sub(1, std::memory_order_relaxed);
  }
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Session::OnStop() {
  switch (state_) {
    case State::kReading: Close(); break;
    case State::kHandling: close_after_write_ = true; break;
    case State::kStreaming: StreamFinish(); break;
    case State::kClosed: break;
  }
}

// --- SSE --------------------------------------------------------------------

void Session::StartStream(Response&& r) {
  state_ = State::kStreaming;
  status_ = r.status;
  StreamSpec spec = std::move(*r.stream);
  head_.clear();
  AppendStreamHead(head_, r, req_.request_id);

  sink_ = std::make_shared<SseSink>(srv_, weak_from_this(), srv_.options.sse_queue_limit);
  stream_counted_ = true;
  srv_.stats.open_streams.fetch_add(1, std::memory_order_relaxed);
  ExpireAfter(std::chrono::seconds(srv_.options.idle_timeout_s));
  net::async_write(socket_, net::buffer(head_),
                   [self = shared_from_this(), spec = std::move(spec)](beast::error_code ec, std::size_t n) mutable {
                     auto end = Clock::now();
                     self->FinishInflight();
                     self->srv_.Record(self->status_, end - self->start_);
                     if (self->srv_.options.access_log) self->Log(n, end);
                     if (ec || self->state_ != State::kStreaming) {
                       self->Close();
                       return;
                     }
                     self->ExpireNever();  // streams are bounded by their queue, not by time
                     self->StreamReadLoop();
                     self->ArmHeartbeat();
                     if (!spec.on_open) return;
                     auto open = [self, spec = std::move(spec)] {
                       try {
                         spec.on_open(self->sink_);
                       } catch (const std::exception& e) {
                         spdlog::error("http stream on_open exception request_id={} what={}", self->req_.request_id,
                                       e.what());
                         self->sink_->Close();
                       }
                     };
                     if (self->route_ != nullptr && !self->route_->options.inline_io) {
                       net::post(*self->srv_.workers, std::move(open));
                     } else {
                       open();
                     }
                   });
}

// A pending read notices the client going away; whatever it sends is ignored.
void Session::StreamReadLoop() {
  socket_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (self->state_ != State::kStreaming) return;
    if (ec) {
      self->Close();
      return;
    }
    self->StreamReadLoop();
  });
}

void Session::ArmHeartbeat() {
  if (srv_.options.sse_heartbeat_s <= 0) return;
  hb_timer_.expires_after(std::chrono::seconds(srv_.options.sse_heartbeat_s));
  hb_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kStreaming) return;
    self->sink_->Send(": hb\n\n");
    self->ArmHeartbeat();
  });
}

void Session::StreamPump() {
  if (state_ != State::kStreaming || write_in_flight_) return;
  if (sink_->Take(writing_)) finishing_ = true;
  if (writing_.empty()) {
    if (finishing_) WriteLastChunk();
    return;
  }
  char hex[24];
  int len = std::snprintf(hex, sizeof(hex), "%zx\r\n", writing_.size());
  frame_.assign(hex, static_cast<std::size_t>(len));
  static constexpr std::string_view kCrlf = "\r\n";
  std::array<net::const_buffer, 3> bufs = {net::buffer(frame_), net::buffer(writing_),
                                           net::buffer(kCrlf.data(), kCrlf.size())};
  write_in_flight_ = true;
  net::async_write(socket_, bufs, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->write_in_flight_ = false;
    self->sink_->Written(self->writing_.size());
    if (self->writing_.capacity() > kStreamBufferKept) {
      std::string().swap(self->writing_);  // Take() swaps it with the queue: both stay small
    } else {
      self->writing_.clear();
    }
    if (self->state_ != State::kStreaming) return;
    if (ec) {
      self->Close();
      return;
    }
    self->StreamPump();
  });
}

// Graceful end: no more Send()s, flush what is queued, send the last chunk.
void Session::StreamFinish() {
  if (state_ != State::kStreaming) return;
  sink_->MarkClosed();
  finishing_ = true;
  StreamPump();
}

void Session::WriteLastChunk() {
  if (last_chunk_sent_) return;
  last_chunk_sent_ = true;
  write_in_flight_ = true;
  static constexpr std::string_view kLast = "0\r\n\r\n";
  ExpireAt(Clock::now() + kLingerTimeout);
  net::async_write(socket_, net::buffer(kLast.data(), kLast.size()),
                   [self = shared_from_this()](beast::error_code, std::size_t) {
                     self->write_in_flight_ = false;
                     beast::error_code ignored;
                     self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                     self->Close();
                   });
}

// --- Impl -------------------------------------------------------------------

void ServerCore::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void ServerCore::Reject(tcp::socket& socket) {
  static constexpr std::string_view kBody =
      "{\"type\":\"https://openzcc.nl/problems/unavailable\",\"title\":\"Service unavailable\",\"status\":503,"
      "\"detail\":\"Too many connections.\",\"instance\":\"\"}";
  static const std::string kResponse =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
      "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
      std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(kResponse), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void ServerCore::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // EMFILE and friends: back off briefly instead of spinning.
    spdlog::warn("http accept failed: {}", ec.message());
    accept_retry.expires_after(std::chrono::milliseconds(50));
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) DoAccept();
    });
    return;
  }
  if (stopping.load(std::memory_order_relaxed)) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  if (stats.open_connections.load(std::memory_order_relaxed) >= options.max_connections) {
    stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    Reject(socket);
  } else {
    std::make_shared<Session>(*this, std::move(socket))->Start();
  }
  DoAccept();
}

template <class F>
void ServerCore::ForEachSession(F f) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lk(sessions_mu);
    live.reserve(sessions.size());
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) net::post(s->executor(), [s, f] { f(*s); });
}

// --- Server -----------------------------------------------------------------

struct Server::Impl : ServerCore {
  using ServerCore::ServerCore;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { Stop(0); }

Status Server::Start() {
  auto& im = *impl_;
  {
    std::lock_guard lk(im.state_mu);
    if (im.started) return Status(Code::kInternal, "server already started");
  }
  const auto& o = im.options;
  beast::error_code ec;
  tcp::resolver resolver(im.ioc);
  auto results = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status::Unavailable("cannot resolve listen address " + o.host + ": " + ec.message());
  }
  tcp::endpoint ep = results.begin()->endpoint();
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(65535, ec);  // the kernel caps it at somaxconn
  if (ec) {
    beast::error_code ignored;
    im.acceptor.close(ignored);
    return Status::Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  }
  im.bound_port = im.acceptor.local_endpoint(ec).port();
  if (o.access_log) {
    // An application may register its own "access" logger (file, …) first.
    im.access_logger = spdlog::get("access");
    if (!im.access_logger) {
      AccessLog::Options ao;
      ao.dropped_counter = &im.stats.access_log_dropped;
      im.access_log = std::make_unique<AccessLog>(ao);
    }
  }
  im.workers.emplace(static_cast<std::size_t>(std::max(1, o.worker_threads)));
  im.work.emplace(im.ioc.get_executor());
  im.DoAccept();
  for (int i = 0; i < std::max(1, o.io_threads); ++i) {
    im.io_threads.emplace_back([&im] {
      // sendfile() raises SIGPIPE on a connection the client closed (it has
      // no MSG_NOSIGNAL); blocked here, it only makes the call fail with EPIPE.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      for (;;) {
        try {
          im.ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http io thread exception: {}", e.what());
        }
      }
    });
  }
  {
    std::lock_guard lk(im.state_mu);
    im.started = true;
  }
  spdlog::info("http listening on {}:{}", o.host, im.bound_port);
  return Status::Ok();
}

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::Stop(int drain_timeout_s) {
  auto& im = *impl_;
  {
    std::unique_lock lk(im.state_mu);
    if (!im.started || im.stopped) return;
    if (im.stop_begun) {
      im.state_cv.wait(lk, [&] { return im.stopped; });
      return;
    }
    im.stop_begun = true;
  }
  im.stopping.store(true);
  net::post(im.acceptor.get_executor(), [&im] {
    beast::error_code ignored;
    im.acceptor.close(ignored);
    im.accept_retry.cancel();
  });
  // Idle connections close, busy ones close after their response, streams end.
  im.ForEachSession([](Session& s) { s.OnStop(); });
  auto deadline = Clock::now() + std::chrono::seconds(std::max(0, drain_timeout_s));
  while (im.inflight.load() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  im.ForEachSession([](Session& s) { s.Close(); });
  // Handlers still running finish (their response finds the socket closed).
  im.workers->join();
  auto close_deadline = Clock::now() + std::chrono::seconds(2);
  while (im.stats.open_connections.load() > 0 && Clock::now() < close_deadline) {
    im.ForEachSession([](Session& s) { s.Close(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  im.work.reset();
  im.ioc.stop();
  for (auto& t : im.io_threads) {
    if (t.joinable()) t.join();
  }
  if (im.access_log) im.access_log->Flush();
  if (im.access_logger) im.access_logger->flush();
  {
    std::lock_guard lk(im.state_mu);
    im.stopped = true;
  }
  im.state_cv.notify_all();
  spdlog::info("http server stopped");
}

void Server::Wait() {
  auto& im = *impl_;
  std::unique_lock lk(im.state_mu);
  im.state_cv.wait(lk, [&] { return im.stopped || !im.started; });
}

const ServerStats& Server::stats() const { return impl_->stats; }

std::string Server::MetricsText() const {
  const auto& s = impl_->stats;
  std::string out;
  out.reserve(2048);
  auto line = [&out](std::string_view name, std::string_view labels, std::uint64_t v) {
    out += name;
    out += labels;
    out += ' ';
    out += std::to_string(v);
    out += '\n';
  };
  auto help = [&out](std::string_view name, std::string_view type, std::string_view text) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += text;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
  };
  help("ozcc_http_requests_total", "counter", "HTTP requests received.");
  line("ozcc_http_requests_total", "", s.requests.load());
  help("ozcc_http_responses_total", "counter", "HTTP responses by status class.");
  line("ozcc_http_responses_total", "{class=\"2xx\"}", s.responses_2xx.load());
  line("ozcc_http_responses_total", "{class=\"3xx\"}", s.responses_3xx.load());
  line("ozcc_http_responses_total", "{class=\"4xx\"}", s.responses_4xx.load());
  line("ozcc_http_responses_total", "{class=\"5xx\"}", s.responses_5xx.load());
  help("ozcc_http_open_connections", "gauge", "Open client connections.");
  line("ozcc_http_open_connections", "", s.open_connections.load());
  help("ozcc_http_rejected_connections_total", "counter", "Connections refused above max_connections.");
  line("ozcc_http_rejected_connections_total", "", s.rejected_connections.load());
  help("ozcc_http_open_streams", "gauge", "Open event streams.");
  line("ozcc_http_open_streams", "", s.open_streams.load());
  help("ozcc_http_dropped_streams_total", "counter", "Event streams dropped because the client fell behind.");
  line("ozcc_http_dropped_streams_total", "", s.dropped_streams.load());
  help("ozcc_http_access_log_dropped_total", "counter", "Access log lines dropped because the output did not keep up.");
  line("ozcc_http_access_log_dropped_total", "", s.access_log_dropped.load());
  help("ozcc_http_requests_in_flight", "gauge", "Requests being handled.");
  auto inflight = impl_->inflight.load();
  line("ozcc_http_requests_in_flight", "", inflight > 0 ? static_cast<std::uint64_t>(inflight) : 0);
  help("ozcc_http_request_duration_seconds", "histogram", "Time from request header to response written.");
  static constexpr std::string_view kLe[ServerStats::kBuckets] = {"0.001", "0.005", "0.01", "0.05", "0.1",
                                                                  "0.5",   "1",     "5",    "+Inf"};
  for (int i = 0; i < ServerStats::kBuckets; ++i) {
    std::string labels = "{le=\"";
    labels += kLe[i];
    labels += "\"}";
    line("ozcc_http_request_duration_seconds_bucket", labels, s.latency_buckets[i].load());
  }
  char sum[64];
  std::snprintf(sum, sizeof(sum), "%.6f", static_cast<double>(s.latency_us_sum.load()) / 1e6);
  out += "ozcc_http_request_duration_seconds_sum ";
  out += sum;
  out += '\n';
  line("ozcc_http_request_duration_seconds_count", "", s.latency_buckets[ServerStats::kBuckets - 1].load());
  return out;
}

}  // namespace ozcc::http
