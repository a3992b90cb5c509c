// SSE fan-out latency: N clients hold GET /api/v1/events open while a writer
// PUTs capacity updates one after another; for every update and client we
// take the time from "PUT acknowledged" (the 200 response fully read) to "the
// event with that data version received" by the client.
//
//   ozcc_bench_sse --port P --session TOKEN --feed-token TOKEN --unit UNIT_ID
//                  [--region ZWN] [--clients 1000] [--updates 200]
//                  [--interval-ms 20] [--timeout-s 60] [--write-port P2]
//   ozcc_bench_sse --port P --session TOKEN --feed-token TOKEN
//                  --handovers FILE [same options]
//
// With --write-port the writer PUTs to another instance (P2) than the one the
// clients listen on (P): the latency then includes the change feed between
// instances.
// With --handovers the writer accepts handovers instead (POST
// /api/v1/handovers/{id}/accept with If-Match, --feed-token then being a
// session of the partner's user); FILE has "id version" per line, one line per
// update. The clients wait for the "handover" event of that id in state
// accepted.
// All clients share one epoll loop (Boost.Asio, one thread); the writer is a
// second thread on one keep-alive connection. Both read the same steady clock.
// Events that arrive before their PUT's response has been read count as 0 ms
// (reported as "early"); send_to_event_* is measured from the moment the PUT
// was sent, so it includes the commit. Prints one line of key=value results. Talks only to
// 127.0.0.1; bounded by --timeout-s.
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sse_parser.h"

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int port = 0;
  int write_port = 0;  // 0: the clients' port
  std::string session, feed_token, unit, region = "ZWN";
  int clients = 1000, updates = 200, interval_ms = 20, timeout_s = 60;
  // --handovers: what the writer accepts, in order; an event is keyed by the
  // handover's index here (by its data version for capacity).
  std::vector<std::pair<std::string, long>> handovers;  // id, version
  std::map<std::string, long, std::less<>> handover_index;
};

// The key of an event this run waits for, or -1: a capacity event's data
// version, or the index of an accepted handover (--handovers).
long KeyOf(const Options& o, const ozcc::bench::SseParser::Event& ev) {
  if (o.handovers.empty()) return ev.type == "capacity" ? ev.id : -1;
  if (ev.type != "handover") return -1;
  // {..., "handover":{..., "id":"H", "state":"accepted", ...}, ...}
  const size_t h = ev.data.find("\"handover\":{");
  if (h == std::string_view::npos) return -1;
  const std::string_view rest = ev.data.substr(h);
  const size_t id = rest.find("\"id\":\"");
  if (id == std::string_view::npos) return -1;
  const size_t end = rest.find('"', id + 6);
  if (end == std::string_view::npos || rest.find("\"state\":\"accepted\"") == std::string_view::npos) return -1;
  auto it = o.handover_index.find(rest.substr(id + 6, end - id - 6));
  return it == o.handover_index.end() ? -1 : it->second;
}

// One SSE client: sends the request, parses the stream (sse_parser.h) and records (key, arrival time) of each
// event the run waits for (KeyOf).
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, const Options& o) : socket_(io), o_(o) {}

  void Start(std::function<void(bool)> on_ready) {
    on_ready_ = std::move(on_ready);
    auto self = shared_from_this();
    socket_.async_connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o_.port)},
                          [self](boost::system::error_code ec) {
                            if (ec) return self->Ready(false);
                            self->request_ = "GET /api/v1/events?region=" + self->o_.region +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                             "Authorization: Bearer " +
                                             self->o_.session + "\r\n\r\n";
                            asio::async_write(self->socket_, asio::buffer(self->request_),
                                              [self](boost::system::error_code ec, size_t) {
                                                if (ec) return self->Ready(false);
                                                self->Read();
                                              });
                          });
  }

  std::vector<std::pair<long, Clock::time_point>> received;
  bool closed = false;

  void Close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  void Ready(bool ok) {
    if (on_ready_) {
      auto f = std::move(on_ready_);
      on_ready_ = nullptr;
      f(ok);
    }
    if (!ok) closed = true;
  }

  void Read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [self](boost::system::error_code ec, size_t n) {
      if (ec) {
        self->closed = true;
        return self->Ready(false);
      }
      self->Feed(std::string_view(self->buf_.data(), n));
      self->Read();
    });
  }

  void Feed(std::string_view data) {
    const auto now = Clock::now();
    const bool ok = parser_.Feed(
        data, "sse", [this] { Ready(true); },
        [this, now](const ozcc::bench::SseParser::Event& ev) {
          if (const long key = KeyOf(o_, ev); key >= 0) received.emplace_back(key, now);
        });
    if (!ok) Ready(false);
  }

  tcp::socket socket_;
  const Options& o_;
  std::function<void(bool)> on_ready_;
  std::string request_;
  std::array<char, 16384> buf_{};
  ozcc::bench::SseParser parser_;
};

// The writer's i-th request: a capacity PUT, or the i-th handover's accept.
std::string WriteRequest(const Options& o, int i) {
  if (!o.handovers.empty()) {
    const auto& [id, version] = o.handovers[static_cast<size_t>(i)];
    return "POST /api/v1/handovers/" + id + "/accept HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
           o.feed_token + "\r\nIf-Match: \"" + std::to_string(version) + "\"\r\nContent-Length: 0\r\n\r\n";
  }
  const std::string body = "{\"beds\":{\"total\":40,\"staffed\":36,\"occupied\":" + std::to_string(20 + i % 10) +
                           ",\"available\":" + std::to_string(16 - i % 10) +
                           "},\"ed\":{\"status\":\"open\",\"waiting\":" + std::to_string(i % 30) +
                           "},\"note\":\"bench\"}";
  return "PUT /api/v1/units/" + o.unit + "/capacity HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Bearer " +
         o.feed_token + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Blocking keep-alive writer. Returns the key (KeyOf) of each acknowledged
// write with the time its response was complete.
bool Put(tcp::socket& s, const Options& o, int i, long& key, Clock::time_point& sent, Clock::time_point& ack) {
  const std::string req = WriteRequest(o, i);
  boost::system::error_code ec;
  sent = Clock::now();
  asio::write(s, asio::buffer(req), ec);
  if (ec) return false;
  std::string in;
  char buf[8192];
  size_t header_end = std::string::npos, need = 0;
  for (;;) {
    const size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) return false;
    in.append(buf, n);
    if (header_end == std::string::npos) {
      header_end = in.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      std::string lower = in.substr(0, header_end);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      const size_t cl = lower.find("content-length:");
      need = header_end + 4 + (cl == std::string::npos ? 0 : std::strtoul(lower.c_str() + cl + 15, nullptr, 10));
    }
    if (in.size() >= need) break;
  }
  ack = Clock::now();
  if (in.compare(0, 12, "HTTP/1.1 200") != 0) {
    std::fprintf(stderr, "sse: write failed: %.300s\n", in.c_str());
    return false;
  }
  if (!o.handovers.empty()) {
    key = i;
    return true;
  }
  const size_t v = in.find("\"version\":", header_end);
  if (v == std::string::npos) return false;
  key = std::atol(in.c_str() + v + 10);
  return true;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      o.port = std::atoi(v.c_str());
    else if (k == "--write-port")
      o.write_port = std::atoi(v.c_str());
    else if (k == "--session")
      o.session = v;
    else if (k == "--feed-token")
      o.feed_token = v;
    else if (k == "--unit")
      o.unit = v;
    else if (k == "--region")
      o.region = v;
    else if (k == "--clients")
      o.clients = std::atoi(v.c_str());
    else if (k == "--updates")
      o.updates = std::atoi(v.c_str());
    else if (k == "--interval-ms")
      o.interval_ms = std::atoi(v.c_str());
    else if (k == "--timeout-s")
      o.timeout_s = std::atoi(v.c_str());
    else if (k == "--handovers") {
      std::ifstream in(v);
      std::string id;
      long version = 0;
      while (in >> id >> version) {
        o.handover_index.emplace(id, static_cast<long>(o.handovers.size()));
        o.handovers.emplace_back(id, version);
      }
      if (o.handovers.empty()) {
        std::fprintf(stderr, "no handovers in %s\n", v.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.session.empty() || o.feed_token.empty() || (o.unit.empty() && o.handovers.empty())) {
    std::fprintf(stderr,
                 "usage: %s --port P --session T --feed-token T (--unit U | --handovers FILE) [--clients N] "
                 "[--updates M]\n",
                 argv[0]);
    return 2;
  }
  if (!o.handovers.empty()) o.updates = std::min(o.updates, static_cast<int>(o.handovers.size()));
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });

  // Connect in waves of 100 so the listen backlog is never the bottleneck.
  std::vector<std::shared_ptr<Client>> clients;
  std::atomic<int> ready{0}, failed{0};
  for (int i = 0; i < o.clients; ++i) {
    auto c = std::make_shared<Client>(io, o);
    clients.push_back(c);
    asio::post(io, [c, &ready, &failed] { c->Start([&](bool ok) { ok ? ++ready : ++failed; }); });
    if (i % 100 == 99) {
      while (ready + failed < i + 1 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  while (ready + failed < o.clients && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // subscriptions settle after the headers
  if (failed > 0 || ready < o.clients) {
    std::fprintf(stderr, "sse: only %d of %d clients connected (%d failed)\n", ready.load(), o.clients, failed.load());
  }

  // Writer.
  std::map<long, std::pair<Clock::time_point, Clock::time_point>> acks;  // key → (sent, ack)
  tcp::socket w(io);
  boost::system::error_code ec;
  w.connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.write_port > 0 ? o.write_port : o.port)}, ec);
  int put_errors = 0;
  const auto write_start = Clock::now();
  for (int i = 0; i < o.updates && !ec && Clock::now() < deadline; ++i) {
    long key = 0;
    Clock::time_point sent, ack;
    if (Put(w, o, i, key, sent, ack)) {
      acks[key] = {sent, ack};
    } else {
      ++put_errors;
      if (put_errors > 5) break;
    }
    std::this_thread::sleep_until(write_start + std::chrono::milliseconds(o.interval_ms) * (i + 1));
  }
  // Wait until every connected client has the last acknowledged write.
  const long last = acks.empty() ? -1 : acks.rbegin()->first;
  const auto settle = std::min(deadline, Clock::now() + std::chrono::seconds(5));
  for (;;) {
    int behind = 0;
    std::promise<int> count;
    asio::post(io, [&] {
      int b = 0;
      for (auto& c : clients) {
        if (!c->closed && (c->received.empty() || c->received.back().first < last)) ++b;
      }
      count.set_value(b);
    });
    behind = count.get_future().get();
    if (behind == 0 || Clock::now() >= settle) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::promise<void> closed;
  asio::post(io, [&] {
    for (auto& c : clients) c->Close();
    closed.set_value();
  });
  closed.get_future().wait();
  work.reset();
  io.stop();
  loop.join();

  std::vector<double> lat, from_send;
  long early = 0, expected = 0, got = 0;
  for (auto& c : clients) {
    for (auto& [key, t] : c->received) {
      auto a = acks.find(key);
      if (a == acks.end()) continue;  // not ours
      ++got;
      from_send.push_back(std::chrono::duration<double, std::milli>(t - a->second.first).count());
      double ms = std::chrono::duration<double, std::milli>(t - a->second.second).count();
      if (ms < 0) {
        ++early;
        ms = 0;
      }
      lat.push_back(ms);
    }
  }
  expected = static_cast<long>(acks.size()) * ready.load();
  const double mx = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  const double p50 = Percentile(lat, 0.50), p99 = Percentile(lat, 0.99);
  const double s50 = Percentile(from_send, 0.50), s99 = Percentile(from_send, 0.99);
  std::printf(
      "clients=%d connected=%d updates=%zu put_errors=%d events=%ld missing=%ld early=%ld p50_ms=%.2f p99_ms=%.2f "
      "max_ms=%.2f send_to_event_p50_ms=%.2f send_to_event_p99_ms=%.2f\n",
      o.clients, ready.load(), acks.size(), put_errors, got, expected - got, early, p50, p99, mx, s50, s99);
  // A figure for fewer clients than asked is not the figure asked for (a
  // server's per-user stream limit answers the rest with 429): fail.
  return (ready.load() < o.clients || acks.empty()) ? 1 : 0;
}
