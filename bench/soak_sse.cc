// SSE clients for the soak test (bench/soak.sh): holds N streams of
// GET /api/v1/events open for a given time, spread round-robin over regions,
// counts what arrives and reconnects (with Last-Event-ID) when the server
// drops a stream. Optionally closes and reopens `--churn` streams every
// `--churn-every-s` seconds, so stream teardown is exercised too.
//
//   ozcc_bench_soak_sse --port P --session TOKEN [--regions ZWN,DEMO2]
//                       [--clients 300] [--seconds 3600] [--churn 10]
//                       [--churn-every-s 60] [--report-s 5]
//
// Every --report-s seconds (and once at the end, with final=1) prints one
// line of key=value counters, flushed, for the driver to sample:
//   t_s connected events reloads drops reconnects churned connect_failures
//   stalled (connected streams whose last capacity event is more than 30 s
//   older than the newest event any stream got) max_gap_s (longest time one
//   stream waited between two capacity events on one connection).
// "drops" counts streams that ended without being closed by this program.
// SIGTERM or SIGINT end the run early, like --seconds. Exits 0 when every stream was connected at the end and none was
// dropped. One thread, one epoll loop (Boost.Asio); talks only to 127.0.0.1.
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on
#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sse_parser.h"

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int port = 0;
  std::string session;
  std::vector<std::string> regions{"ZWN"};
  int clients = 300, seconds = 3600, churn = 0, churn_every_s = 60, report_s = 5;
};

struct Counters {
  long events = 0, reloads = 0, drops = 0, reconnects = 0, churned = 0, connect_failures = 0;
  double max_gap_s = 0;
  Clock::time_point last_event_any{};
};

// One stream. Reconnects by itself after a drop (1 s later); Restart() is a
// deliberate close-and-reopen.
class Stream : public std::enable_shared_from_this<Stream> {
 public:
  Stream(asio::io_context& io, const Options& o, std::string region, Counters& c)
      : io_(io), socket_(io), retry_(io), o_(o), region_(std::move(region)), c_(c) {}

  void Connect() {
    Reset();
    auto self = shared_from_this();
    const unsigned gen = generation_;
    socket_.async_connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o_.port)},
                          [self, gen](boost::system::error_code ec) {
                            if (gen != self->generation_) return;  // closed on purpose meanwhile
                            if (ec) return self->Failed(true);
                            self->request_ = "GET /api/v1/events?region=" + self->region_ +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                             "Authorization: Bearer " +
                                             self->o_.session + "\r\n";
                            if (self->last_id_ >= 0) {
                              self->request_ += "Last-Event-ID: " + std::to_string(self->last_id_) + "\r\n";
                            }
                            self->request_ += "\r\n";
                            asio::async_write(self->socket_, asio::buffer(self->request_),
                                              [self, gen](boost::system::error_code ec, size_t) {
                                                if (gen != self->generation_) return;
                                                if (ec) return self->Failed(true);
                                                self->Read(gen);
                                              });
                          });
  }

  // Deliberate close and reopen (churn).
  void Restart() {
    ++c_.churned;
    ++generation_;  // pending handlers of the old socket must not count a drop
    retry_.cancel();
    boost::system::error_code ec;
    socket_.close(ec);
    socket_ = tcp::socket(io_);
    Connect();
  }

  void Close() {
    ++generation_;
    closing_ = true;
    boost::system::error_code ec;
    socket_.close(ec);
    retry_.cancel();
  }

  bool connected() const { return connected_; }
  Clock::time_point last_event() const { return last_event_; }

 private:
  void Reset() {
    connected_ = had_event_ = false;
    parser_.Reset();
  }

  void Failed(bool connecting) {
    if (closing_) return;
    connected_ ? ++c_.drops : (connecting ? ++c_.connect_failures : ++c_.drops);
    connected_ = false;
    boost::system::error_code ec;
    socket_.close(ec);
    socket_ = tcp::socket(io_);
    ++generation_;
    auto self = shared_from_this();
    retry_.expires_after(std::chrono::seconds(1));
    retry_.async_wait([self](boost::system::error_code ec) {
      if (ec || self->closing_) return;
      ++self->c_.reconnects;
      self->Connect();
    });
  }

  void Read(unsigned gen) {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [self, gen](boost::system::error_code ec, size_t n) {
      if (gen != self->generation_) return;  // closed on purpose meanwhile
      if (ec) return self->Failed(false);
      if (!self->Feed(std::string_view(self->buf_.data(), n))) return self->Failed(false);
      self->Read(gen);
    });
  }

  bool Feed(std::string_view data) {
    return parser_.Feed(
        data, "soak_sse",
        [this] {
          connected_ = true;
          last_event_ = Clock::now();
        },
        [this](const ozcc::bench::SseParser::Event& ev) { OnEvent(ev); });
  }

  void OnEvent(const ozcc::bench::SseParser::Event& ev) {
    const auto now = Clock::now();
    if (ev.id > last_id_) last_id_ = ev.id;
    if (ev.type == "reload") ++c_.reloads;
    if (ev.type != "capacity") return;
    ++c_.events;
    if (had_event_) c_.max_gap_s = std::max(c_.max_gap_s, std::chrono::duration<double>(now - last_event_).count());
    had_event_ = true;
    last_event_ = c_.last_event_any = now;
  }

  asio::io_context& io_;
  tcp::socket socket_;
  asio::steady_timer retry_;
  const Options& o_;
  std::string region_;
  Counters& c_;
  std::string request_;
  std::array<char, 16384> buf_{};
  ozcc::bench::SseParser parser_;
  bool connected_ = false, closing_ = false, had_event_ = false;
  long last_id_ = -1;
  unsigned generation_ = 0;
  Clock::time_point last_event_{};
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= s.size()) {
    size_t c = s.find(',', p);
    if (c == std::string::npos) c = s.size();
    if (c > p) out.push_back(s.substr(p, c - p));
    p = c + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      o.port = std::atoi(v.c_str());
    else if (k == "--session")
      o.session = v;
    else if (k == "--regions")
      o.regions = Split(v);
    else if (k == "--clients")
      o.clients = std::atoi(v.c_str());
    else if (k == "--seconds")
      o.seconds = std::atoi(v.c_str());
    else if (k == "--churn")
      o.churn = std::atoi(v.c_str());
    else if (k == "--churn-every-s")
      o.churn_every_s = std::max(1, std::atoi(v.c_str()));
    else if (k == "--report-s")
      o.report_s = std::max(1, std::atoi(v.c_str()));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.session.empty() || o.regions.empty() || o.clients < 1) {
    std::fprintf(stderr, "usage: %s --port P --session T [--regions A,B] [--clients N] [--seconds S]\n", argv[0]);
    return 2;
  }

  asio::io_context io;
  Counters c;
  std::vector<std::shared_ptr<Stream>> streams;
  for (int i = 0; i < o.clients; ++i) {
    streams.push_back(std::make_shared<Stream>(io, o, o.regions[i % o.regions.size()], c));
  }
  // Connect in waves of 50 every 20 ms: the listen backlog is never the bottleneck.
  asio::steady_timer wave(io);
  size_t next = 0;
  std::function<void()> connect_wave = [&] {
    for (int k = 0; k < 50 && next < streams.size(); ++k) streams[next++]->Connect();
    if (next < streams.size()) {
      wave.expires_after(std::chrono::milliseconds(20));
      wave.async_wait([&](boost::system::error_code ec) {
        if (!ec) connect_wave();
      });
    }
  };
  asio::post(io, connect_wave);

  const auto start = Clock::now();
  auto line = [&](bool final) {
    const auto now = Clock::now();
    long connected = 0, stalled = 0;
    for (auto& s : streams) {
      if (!s->connected()) continue;
      ++connected;
      if (c.last_event_any - s->last_event() > std::chrono::seconds(30)) ++stalled;
    }
    std::printf(
        "t_s=%.0f connected=%ld events=%ld reloads=%ld drops=%ld reconnects=%ld churned=%ld connect_failures=%ld "
        "stalled=%ld max_gap_s=%.1f%s\n",
        std::chrono::duration<double>(now - start).count(), connected, c.events, c.reloads, c.drops, c.reconnects,
        c.churned, c.connect_failures, stalled, c.max_gap_s, final ? " final=1" : "");
    std::fflush(stdout);
    return connected;
  };

  asio::steady_timer report(io), churn(io), end(io);
  std::function<void()> arm_report = [&] {
    report.expires_after(std::chrono::seconds(o.report_s));
    report.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      line(false);
      arm_report();
    });
  };
  arm_report();
  size_t churn_next = 0;
  std::function<void()> arm_churn = [&] {
    if (o.churn <= 0) return;
    churn.expires_after(std::chrono::seconds(o.churn_every_s));
    churn.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      for (int k = 0; k < o.churn; ++k) streams[churn_next++ % streams.size()]->Restart();
      arm_churn();
    });
  };
  arm_churn();
  long connected_at_end = 0;
  bool ended = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  auto finish = [&] {
    if (ended) return;
    ended = true;
    connected_at_end = line(true);
    report.cancel();
    churn.cancel();
    wave.cancel();
    end.cancel();
    signals.cancel();
    for (auto& s : streams) s->Close();
  };
  end.expires_after(std::chrono::seconds(o.seconds));
  end.async_wait([&](boost::system::error_code ec) {
    if (!ec) finish();
  });
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) finish();
  });
  io.run();
  return (connected_at_end == o.clients && c.drops == 0) ? 0 : 1;
}
