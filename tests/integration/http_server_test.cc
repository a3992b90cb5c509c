// The Beast server on a real socket (port 0): keep-alive, limits, timeouts,
// request ids, problem+json, SSE, drain, metrics. Timeouts here are liveness
// bounds only, never performance assertions.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

#include "http/server.h"
#include "support/http_client.h"

namespace ozcc::http {
namespace {

using namespace std::chrono_literals;
using test::HttpResponse;
using test::SseClient;
using test::TestClient;

Response Text(std::string body) {
  Response r;
  r.Set("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    shared_ = std::make_shared<const std::string>(std::string(300 * 1024, 'x') + "end");
    router_.Add("GET", "/hello", [](Request&) { return Text("hello"); }, {.inline_io = true});
    router_.Add("GET", "/worker", [](Request& r) { return Text("worker " + r.request_id); });
    router_.Add("PUT", "/echo/{id}", [](Request& r) {
      Response res = Text(r.method + " " + r.params["id"] + " " + r.Query("q").value_or("-") + " " + r.body);
      res.status = 201;
      return res;
    });
    router_.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("kaboom"); });
    router_.Add("GET", "/slow", [this](Request&) {
      slow_entered_ = true;
      std::this_thread::sleep_for(700ms);
      return Text("slow done");
    });
    router_.Add("GET", "/shared",
                [this](Request&) {
                  Response r;
                  r.Set("Content-Type", "application/json");
                  r.shared_body = shared_;
                  return r;
                },
                {.inline_io = true});
    router_.Add("GET", "/swap",
                [this](Request&) {
                  Response r;
                  std::lock_guard lk(mu_);
                  r.shared_body = swap_;
                  return r;
                },
                {.inline_io = true});
    router_.Add("GET", "/events", [this](Request&) {
      Response r;
      r.stream = StreamSpec{[this](std::shared_ptr<EventSink> sink) {
        std::lock_guard lk(mu_);
        sinks_.push_back(std::move(sink));
        cv_.notify_all();
      }};
      return r;
    });
    options_.port = 0;
    options_.io_threads = 2;
    options_.worker_threads = 4;
    options_.body_limit = 1024;
    options_.header_limit = 2048;
    options_.header_timeout_s = 1;
    options_.idle_timeout_s = 5;
    options_.sse_queue_limit = 64 * 1024;
    options_.sse_heartbeat_s = 1;
    options_.access_log = false;
  }

  ~HttpServerTest() override {
    if (server_) server_->Stop(1);
  }

  void StartServer() {
    server_ = std::make_unique<Server>(options_, router_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  std::shared_ptr<EventSink> WaitSink(std::size_t index) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, 10s, [&] { return sinks_.size() > index; });
    return sinks_.size() > index ? sinks_[index] : nullptr;
  }

  Router router_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<const std::string> shared_;
  std::shared_ptr<const std::string> swap_;  // guarded by mu_
  std::atomic<bool> slow_entered_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<EventSink>> sinks_;
};

bool IsHexId(const std::string& s) { return std::regex_match(s, std::regex("[0-9a-f]{16}")); }

TEST_F(HttpServerTest, BasicGetAndPutWithBody) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse r = c.Request("GET", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.Header("content-length"), "5");
  EXPECT_EQ(r.Header("content-type"), "text/plain");
  ASSERT_TRUE(r.Header("x-request-id"));
  EXPECT_TRUE(IsHexId(*r.Header("x-request-id")));
  EXPECT_TRUE(r.Header("date"));

  HttpResponse p = c.Request("PUT", "/echo/u%201?q=a+b", "payload", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(p.status, 201);
  EXPECT_EQ(p.body, "PUT u 1 a b payload");

  HttpResponse w = c.Request("GET", "/worker");
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.body, "worker " + *w.Header("x-request-id"));
}

TEST_F(HttpServerTest, HeadSendsHeadersWithoutBody) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse r = c.Request("HEAD", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "5");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(c.Request("GET", "/hello").body, "hello");  // connection still in sync
  EXPECT_EQ(c.connects(), 1);
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  TestClient c(server_->port());
  for (int i = 0; i < 200; ++i) {
    HttpResponse r = c.Request("GET", i % 2 ? "/hello" : "/worker");
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_NE(r.Header("connection"), "close");
  }
  EXPECT_EQ(c.connects(), 1);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  TestClient c(server_->port());
  std::string out = c.Raw(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /worker HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      5s);
  auto first = out.find("hello");
  auto second = out.find("worker ");
  auto third = out.find("hello", second);
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  EXPECT_NE(third, std::string::npos);
  EXPECT_LT(first, second);
}

TEST_F(HttpServerTest, IdleKeepAliveIsClosedAndClientReconnects) {
  options_.idle_timeout_s = 1;
  StartServer();
  TestClient c(server_->port());
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
  for (int i = 0; i < 500 && server_->stats().open_connections.load() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_connections.load(), 0u);
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
  EXPECT_EQ(c.connects(), 2);
}

TEST_F(HttpServerTest, ExpectContinueIsHonoured) {
  StartServer();
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
  // The client waits for "100 Continue" before it sends the body.
  net::write(s, net::buffer(std::string("PUT /echo/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                        "Expect: 100-continue\r\nConnection: close\r\n\r\n")));
  std::string interim(25, '\0');
  net::read(s, net::buffer(interim));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  net::write(s, net::buffer(std::string("abc")));
  std::string rest;
  boost::system::error_code ec;
  net::read(s, net::dynamic_buffer(rest), ec);  // until the server closes
  EXPECT_EQ(rest.rfind("HTTP/1.1 201", 0), 0u) << rest;
  EXPECT_NE(rest.find("PUT 7 - abc"), std::string::npos);
}

TEST_F(HttpServerTest, StartFailsOnBusyPort) {
  StartServer();
  ServerOptions o = options_;
  o.port = server_->port();
  Server second(o, router_);
  Status st = second.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(std::to_string(o.port)), std::string::npos) << st.message();
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowedAreProblemJson) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse nf = c.Request("GET", "/nope", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.Header("content-type"), "application/problem+json");
  EXPECT_NE(nf.body.find("\"status\":404"), std::string::npos);
  EXPECT_NE(nf.body.find("\"request_id\":\"abc-123\""), std::string::npos);

  HttpResponse na = c.Request("DELETE", "/hello");
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(na.Header("allow"), "GET, HEAD");
  EXPECT_EQ(na.Header("content-type"), "application/problem+json");
  EXPECT_NE(na.body.find("\"status\":405"), std::string::npos);
  // Errors from routing do not end the connection.
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
  EXPECT_EQ(c.connects(), 1);
}

TEST_F(HttpServerTest, OversizeBodyGets413AndClose) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse r = c.Request("PUT", "/echo/1", std::string(4096, 'a'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_NE(r.body.find("\"status\":413"), std::string::npos);

  // Chunked, so the limit is only known while reading the body.
  std::string chunk(600, 'b');
  std::string raw = "PUT /echo/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk +
                    "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n";
  std::string out = c.Raw(raw, 5s);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;

  // A body within the limit still works.
  EXPECT_EQ(c.Request("PUT", "/echo/1", std::string(1000, 'c')).status, 201);
}

TEST_F(HttpServerTest, HugeHeaderGets431) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse r = c.Request("GET", "/hello", "", {{"X-Big", std::string(4096, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_NE(r.body.find("\"status\":431"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndClose) {
  StartServer();
  TestClient c(server_->port());
  bool closed = false;
  std::string out = c.Raw("THIS IS NOT HTTP\r\n\r\n", 5s, &closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_NE(out.find("application/problem+json"), std::string::npos);
  EXPECT_TRUE(closed);
}

// Opens a raw connection and trickles header lines; returns true once the
// server has closed it (before `limit`).
bool TrickleUntilClosed(std::uint16_t port, std::chrono::seconds limit) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(s, net::buffer(std::string("GET /hello HTTP/1.1\r\n")), ec);
  s.non_blocking(true);
  auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[256];
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    std::string line = "X-Slow: 1\r\n";
    s.write_some(net::buffer(line), ec);
    if (ec && ec != net::error::would_block) return true;
    s.read_some(net::buffer(buf), ec);
    if (ec && ec != net::error::would_block) return true;  // EOF or reset
  }
  return false;
}

TEST_F(HttpServerTest, SlowlorisIsClosedAfterHeaderTimeoutWhileOthersAreServed) {
  StartServer();
  std::atomic<bool> closed{false};
  std::thread slow([&] { closed = TrickleUntilClosed(server_->port(), 20s); });
  // Meanwhile, normal clients are served.
  TestClient c(server_->port());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(c.Request("GET", "/hello").status, 200);
    std::this_thread::sleep_for(20ms);
  }
  // A connection that sends nothing at all is closed too.
  bool silent_closed = false;
  std::string out = c.Raw("", 20s, &silent_closed);
  EXPECT_TRUE(silent_closed);
  slow.join();
  EXPECT_TRUE(closed);
}

// Seconds until the server closes `s` (reading and dropping whatever it sends),
// or `limit` when it does not.
double SecondsUntilClosed(boost::asio::ip::tcp::socket& s, std::chrono::seconds limit) {
  auto start = std::chrono::steady_clock::now();
  s.non_blocking(true);
  char buf[4096];
  while (std::chrono::steady_clock::now() - start < limit) {
    boost::system::error_code ec;
    std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
    if (ec == boost::asio::error::would_block) {
      std::this_thread::sleep_for(10ms);
    } else if (ec) {
      break;
    } else if (n == 0) {
      break;
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The deadlines of a kept-alive connection: the header clock starts with the
// next request's first byte and is shorter than the idle timeout it replaces;
// a body must arrive within body_timeout_s.
TEST_F(HttpServerTest, KeptAliveConnectionGetsHeaderAndBodyTimeouts) {
  options_.header_timeout_s = 1;
  options_.idle_timeout_s = 30;
  options_.body_timeout_s = 1;
  StartServer();
  namespace net = boost::asio;
  net::io_context ioc;
  for (bool body : {false, true}) {
    net::ip::tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
    net::write(s, net::buffer(std::string("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::string first;
    net::read(s, net::dynamic_buffer(first), net::transfer_at_least(1));
    ASSERT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
    std::this_thread::sleep_for(1500ms);  // idle longer than the header timeout: still open
    if (body) {
      net::write(s, net::buffer(std::string("PUT /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")));
    } else {
      net::write(s, net::buffer(std::string("GET /hello HTTP/1.1\r\nHost")));
    }
    // Liveness bound: well below the 30 s idle timeout.
    EXPECT_LT(SecondsUntilClosed(s, 20s), 10.0) << (body ? "body" : "header");
  }
  EXPECT_EQ(server_->stats().responses_2xx.load(), 2u);
}

// A client that asks for a large body and never reads it is closed after
// idle_timeout_s, and its response does not stay in flight.
TEST_F(HttpServerTest, ClientThatNeverReadsIsClosedAfterTheWriteTimeout) {
  options_.idle_timeout_s = 1;
  StartServer();
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.open(net::ip::tcp::v4());
  s.set_option(net::socket_base::receive_buffer_size(4096));
  s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
  std::string many;
  for (int i = 0; i < 64; ++i) many += "GET /shared HTTP/1.1\r\nHost: x\r\n\r\n";  // ~19 MB of answers
  net::write(s, net::buffer(many));
  for (int i = 0; i < 1000 && server_->stats().requests.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(server_->stats().requests.load(), 1u);
  for (int i = 0; i < 1000 && server_->stats().open_connections.load() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_connections.load(), 0u);
  std::string m = server_->MetricsText();
  EXPECT_NE(m.find("ozcc_http_requests_in_flight 0\n"), std::string::npos) << m;
}

TEST_F(HttpServerTest, HandlerExceptionGives500WithRequestId) {
  StartServer();
  TestClient c(server_->port());
  HttpResponse r = c.Request("GET", "/boom", "", {{"X-Request-Id", "req.boom_1-A"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.Header("x-request-id"), "req.boom_1-A");
  EXPECT_NE(r.body.find("\"request_id\":\"req.boom_1-A\""), std::string::npos);
  EXPECT_EQ(r.body.find("kaboom"), std::string::npos);  // internals are logged, not leaked
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
}

TEST_F(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  StartServer();
  TestClient c(server_->port());
  EXPECT_EQ(c.Request("GET", "/worker", "", {{"X-Request-Id", "client-id.42"}}).Header("x-request-id"), "client-id.42");
  for (const std::string& bad : std::vector<std::string>{"has space", "semi;colon", std::string(65, 'a')}) {
    auto id = c.Request("GET", "/hello", "", {{"X-Request-Id", bad}}).Header("x-request-id");
    ASSERT_TRUE(id);
    EXPECT_TRUE(IsHexId(*id)) << *id;
  }
  EXPECT_EQ(c.Request("GET", "/hello", "", {{"X-Request-Id", std::string(64, 'b')}}).Header("x-request-id"),
            std::string(64, 'b'));
}

TEST_F(HttpServerTest, SharedBodyIsServedAndReleased) {
  StartServer();
  TestClient c(server_->port());
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = c.Request("GET", "/shared");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), shared_->size());
    EXPECT_EQ(r.body, *shared_);
  }
  // The server drops its reference once the write completed.
  for (int i = 0; i < 200 && shared_.use_count() > 1; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(shared_.use_count(), 1);
}

// A large shared body goes out of a file made once per body (sendfile); a
// new body, even one allocated where a freed one was, is never answered with
// the old bytes.
TEST_F(HttpServerTest, LargeSharedBodiesAreServedFreshAndWhole) {
  StartServer();
  TestClient c(server_->port());
  for (char fill : {'a', 'b', 'c', 'd'}) {
    {
      std::lock_guard lk(mu_);
      swap_.reset();  // freed first: the next body may take its address
      swap_ = std::make_shared<const std::string>(std::string(200 * 1024, fill) + "end");
    }
    for (int i = 0; i < 2; ++i) {
      HttpResponse r = c.Request("GET", "/swap");
      ASSERT_EQ(r.status, 200);
      ASSERT_EQ(r.body.size(), 200u * 1024 + 3) << fill;
      EXPECT_EQ(r.body.find_first_not_of(fill), 200u * 1024) << fill;
    }
  }
  // Pipelined: every answer whole and in order; HEAD gets the head only.
  std::string out = c.Raw(
      "GET /shared HTTP/1.1\r\nHost: x\r\n\r\nHEAD /shared HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /shared HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      10s);
  const std::string len = "Content-Length: " + std::to_string(shared_->size()) + "\r\n";
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    pos = out.find("HTTP/1.1 200", pos);
    ASSERT_NE(pos, std::string::npos) << i;
    std::size_t body = out.find("\r\n\r\n", pos);
    ASSERT_NE(body, std::string::npos);
    EXPECT_NE(out.substr(pos, body + 2 - pos).find(len), std::string::npos) << i;
    body += 4;
    if (i == 1) {  // HEAD
      pos = body;
      continue;
    }
    ASSERT_GE(out.size(), body + shared_->size()) << i;
    EXPECT_EQ(out.compare(body, shared_->size(), *shared_), 0) << i;
    pos = body + shared_->size();
  }
  EXPECT_NE(out.find("hello", pos), std::string::npos);
}

// Clients that go away in the middle of a large body: the write fails, the
// connection closes, and the server (whose sendfile() may meet EPIPE) goes on.
TEST_F(HttpServerTest, ClientsGoneMidBodyLeaveTheServerServing) {
  StartServer();
  namespace net = boost::asio;
  net::io_context ioc;
  for (int i = 0; i < 20; ++i) {
    net::ip::tcp::socket s(ioc);
    s.open(net::ip::tcp::v4());
    s.set_option(net::socket_base::receive_buffer_size(4096));
    s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
    net::write(
        s, net::buffer(std::string("GET /shared HTTP/1.1\r\nHost: x\r\n\r\nGET /shared HTTP/1.1\r\nHost: x\r\n\r\n")));
    char some[1024];
    net::read(s, net::buffer(some));
    if (i % 2) s.shutdown(net::ip::tcp::socket::shutdown_receive);
    s.close();  // with unread bytes: a reset
  }
  for (int i = 0; i < 500 && server_->stats().open_connections.load() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_connections.load(), 0u);
  TestClient c(server_->port());
  HttpResponse r = c.Request("GET", "/shared");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, *shared_);
}

TEST_F(HttpServerTest, SseChunksArriveInOrder) {
  StartServer();
  SseClient sse(server_->port(), "/events");
  EXPECT_EQ(sse.status(), 200);
  auto sink = WaitSink(0);
  ASSERT_TRUE(sink);
  EXPECT_EQ(server_->stats().open_streams.load(), 1u);
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      EXPECT_TRUE(sink->Send("id: " + std::to_string(i) + "\nevent: capacity\ndata: {\"n\":" + std::to_string(i) +
                             "}\ndata: second line\n\n"));
    }
  });
  for (int i = 0; i < 300; ++i) {
    auto ev = sse.Next(10s);
    ASSERT_TRUE(ev) << i;
    EXPECT_EQ(ev->id, std::to_string(i));
    EXPECT_EQ(ev->event, "capacity");
    EXPECT_EQ(ev->data, "{\"n\":" + std::to_string(i) + "}\nsecond line");
  }
  writer.join();
  // Heartbeats (comments) flow but are not events.
  EXPECT_FALSE(sse.Next(1500ms));
  EXPECT_FALSE(sse.closed());
  // The server side may end the stream.
  sink->Close();
  EXPECT_FALSE(sse.Next(5s));
  EXPECT_TRUE(sse.closed());
  EXPECT_FALSE(sink->Send("data: late\n\n"));
}

TEST_F(HttpServerTest, SseHeadersAndHeartbeat) {
  StartServer();
  TestClient c(server_->port());
  std::string out = c.Raw("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n", 2500ms);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(out.find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_NE(out.find("X-Accel-Buffering: no"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_NE(out.find(": hb\n\n"), std::string::npos);
}

TEST_F(HttpServerTest, SseClientDisconnectEndsStream) {
  StartServer();
  {
    SseClient sse(server_->port(), "/events");
    ASSERT_TRUE(WaitSink(0));
  }
  auto sink = WaitSink(0);
  for (int i = 0; i < 500 && !sink->closed(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(sink->closed());
  for (int i = 0; i < 500 && server_->stats().open_streams.load() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_streams.load(), 0u);
}

TEST_F(HttpServerTest, SlowSseClientIsDroppedAndSendNeverBlocks) {
  options_.sse_heartbeat_s = 0;
  StartServer();
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.open(net::ip::tcp::v4());
  s.set_option(net::socket_base::receive_buffer_size(4096));
  s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
  net::write(s, net::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  auto sink = WaitSink(0);
  ASSERT_TRUE(sink);
  // The client never reads. Sends must keep returning promptly until the
  // queue bound is exceeded and the stream is dropped.
  const std::string chunk = "data: " + std::string(16 * 1024, 'z') + "\n\n";
  bool refused = false;
  std::size_t sent = 0;
  for (int i = 0; i < 20000 && !refused; ++i) {
    if (sink->Send(chunk)) {
      sent += chunk.size();
    } else {
      refused = true;
    }
  }
  EXPECT_TRUE(refused) << "sent " << sent << " bytes without the stream being dropped";
  EXPECT_TRUE(sink->closed());
  EXPECT_EQ(server_->stats().dropped_streams.load(), 1u);
  EXPECT_FALSE(sink->Send("data: x\n\n"));
  for (int i = 0; i < 500 && server_->stats().open_streams.load() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_streams.load(), 0u);
  // Other clients are unaffected.
  TestClient c(server_->port());
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
}

TEST_F(HttpServerTest, StopDrainsInFlightSlowRequest) {
  StartServer();
  HttpResponse slow;
  std::thread client([&] {
    TestClient c(server_->port());
    slow = c.Request("GET", "/slow");
  });
  for (int i = 0; i < 1000 && !slow_entered_; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_entered_);
  SseClient sse(server_->port(), "/events");
  ASSERT_TRUE(WaitSink(0));
  std::thread waiter([&] { server_->Wait(); });
  server_->Stop(10);
  client.join();
  waiter.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "slow done");
  EXPECT_EQ(slow.Header("connection"), "close");
  EXPECT_FALSE(sse.Next(2s));
  EXPECT_TRUE(sse.closed());
  EXPECT_TRUE(WaitSink(0)->closed());
  server_->Stop(1);  // idempotent
  TestClient after(server_->port());
  after.set_timeout(2s);
  EXPECT_EQ(after.Request("GET", "/hello").status, 0);
}

TEST_F(HttpServerTest, ConcurrentStopCallsAreSafe) {
  StartServer();
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) stoppers.emplace_back([&] { server_->Stop(1); });
  for (auto& t : stoppers) t.join();
  server_->Wait();  // returns at once after Stop
}

TEST_F(HttpServerTest, ConnectionsBeyondMaxAreRefused) {
  options_.max_connections = 2;
  StartServer();
  TestClient a(server_->port()), b(server_->port()), c(server_->port());
  EXPECT_EQ(a.Request("GET", "/hello").status, 200);
  EXPECT_EQ(b.Request("GET", "/hello").status, 200);
  c.set_timeout(5s);
  HttpResponse r = c.Request("GET", "/hello");
  EXPECT_NE(r.status, 200);
  EXPECT_GE(server_->stats().rejected_connections.load(), 1u);
}

TEST_F(HttpServerTest, ConcurrentClientsAreServed) {
  options_.access_log = true;  // exercise the async access log path
  StartServer();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      TestClient c(server_->port());
      for (int i = 0; i < 50; ++i) {
        if (c.Request("GET", i % 3 ? "/hello" : "/worker").status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

// The access log as documented (server.h, access_log.h): one line per
// request on stdout, written by a background thread, all of it by Stop().
TEST_F(HttpServerTest, AccessLogLinesOnStdout) {
  options_.access_log = true;
  testing::internal::CaptureStdout();
  StartServer();
  TestClient c(server_->port());
  HttpResponse a = c.Request("GET", "/hello?secret=1", "", {{"X-Request-Id", "log-test-1"}});
  HttpResponse b = c.Request("GET", "/shared");
  HttpResponse n = c.Request("GET", "/nope");
  EXPECT_EQ(n.status, 404);
  server_->Stop(1);
  std::string out = testing::internal::GetCapturedStdout();
  ASSERT_EQ(a.status, 200);
  ASSERT_TRUE(b.Header("x-request-id"));
  auto has = [&out](const std::string& re) { return std::regex_search(out, std::regex(re)); };
  const std::string ts = "(^|\\n)ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z ";
  EXPECT_TRUE(has(ts + "request_id=log-test-1 remote=127\\.0\\.0\\.1 method=GET path=/hello status=200 bytes=\\d+ "
                       "duration_us=\\d+\\n"))
      << out;
  EXPECT_TRUE(has(ts + "request_id=" + *b.Header("x-request-id") +
                  " remote=127\\.0\\.0\\.1 method=GET path=/shared status=200 bytes=(30\\d{4}) duration_us=\\d+\\n"))
      << out;
  EXPECT_TRUE(has(ts + "request_id=[0-9a-f]{16} remote=127\\.0\\.0\\.1 method=GET path=/nope status=404 ")) << out;
  EXPECT_EQ(out.find("secret"), std::string::npos) << "the query string is not logged";
  EXPECT_EQ(server_->stats().access_log_dropped.load(), 0u);
}

TEST_F(HttpServerTest, MetricsTextContainsCounters) {
  StartServer();
  TestClient c(server_->port());
  c.Request("GET", "/hello");
  c.Request("GET", "/nope");
  c.Request("GET", "/boom");
  // Stats are recorded after the write completes; wait for the third.
  for (int i = 0; i < 200 && server_->stats().responses_5xx.load() < 1; ++i) std::this_thread::sleep_for(5ms);
  const auto& st = server_->stats();
  EXPECT_EQ(st.requests.load(), 3u);
  EXPECT_EQ(st.responses_2xx.load(), 1u);
  EXPECT_EQ(st.responses_4xx.load(), 1u);
  EXPECT_EQ(st.responses_5xx.load(), 1u);
  std::string m = server_->MetricsText();
  EXPECT_NE(m.find("# TYPE ozcc_http_requests_total counter\nozcc_http_requests_total 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("ozcc_http_responses_total{class=\"2xx\"} 1\n"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_responses_total{class=\"5xx\"} 1\n"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_open_connections 1\n"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_dropped_streams_total 0\n"), std::string::npos);
  EXPECT_NE(m.find("# TYPE ozcc_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_request_duration_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(m.find("ozcc_http_request_duration_seconds_sum "), std::string::npos);
}

}  // namespace
}  // namespace ozcc::http
