// Blocking test client on Beast. Every operation runs async operations on a
// private io_context until they complete; beast::tcp_stream's expiry turns a
// hung server into a timeout error instead of a hung test.
#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace ozcc::test {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Runs the io_context until all pending operations finished (each one is
// bounded by the stream's expiry).
void RunAll(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

beast::error_code Connect(net::io_context& ioc, beast::tcp_stream& stream, const std::string& host, std::uint16_t port,
                          std::chrono::milliseconds timeout) {
  beast::error_code result;
  tcp::endpoint ep(net::ip::make_address(host), port);
  stream.expires_after(timeout);
  stream.async_connect(ep, [&](beast::error_code ec) { result = ec; });
  RunAll(ioc);
  if (!result) {
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
  }
  return result;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

struct TestClient::Impl {
  std::string host;
  std::uint16_t port = 0;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout{30000};
  int connects = 0;

  bool EnsureConnected() {
    if (stream && stream->socket().is_open()) return true;
    stream.emplace(ioc);
    buffer.clear();
    if (Connect(ioc, *stream, host, port, timeout)) {
      stream.reset();
      return false;
    }
    ++connects;
    return true;
  }

  void Drop() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
      stream.reset();
    }
    buffer.clear();
  }

  // One attempt; `fresh` tells whether the connection was just opened.
  // Returns false with `retryable` set when a reused connection was found
  // closed by the server before any response byte arrived.
  bool Once(const bhttp::request<bhttp::string_body>& req, HttpResponse& out, bool& retryable) {
    retryable = false;
    beast::error_code wec;
    stream->expires_after(timeout);
    bhttp::async_write(*stream, req, [&](beast::error_code ec, std::size_t) { wec = ec; });
    RunAll(ioc);
    if (wec) {
      retryable = true;
      return false;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(1 << 20);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    beast::error_code rec;
    stream->expires_after(timeout);
    bhttp::async_read(*stream, buffer, parser, [&](beast::error_code ec, std::size_t) { rec = ec; });
    RunAll(ioc);
    if (rec) {
      retryable = (rec == bhttp::error::end_of_stream || rec == net::error::connection_reset ||
                   rec == net::error::eof || rec == net::error::broken_pipe) &&
                  !parser.got_some();
      return false;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.headers.clear();
    for (const auto& f : res)
      out.headers.emplace_back(Lower({f.name_string().data(), f.name_string().size()}),
                               std::string(f.value().data(), f.value().size()));
    out.body = std::move(res.body());
    if (!res.keep_alive()) Drop();
    return true;
  }
};

TestClient::TestClient(std::uint16_t port, std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

TestClient::~TestClient() { impl_->Drop(); }

void TestClient::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

int TestClient::connects() const { return impl_->connects; }

HttpResponse TestClient::Request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, impl_->host + ":" + std::to_string(impl_->port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();

  HttpResponse out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->stream && impl_->stream->socket().is_open();
    if (!impl_->EnsureConnected()) {
      out.status = 0;
      out.body = "connect failed";
      return out;
    }
    bool retryable = false;
    if (impl_->Once(req, out, retryable)) return out;
    impl_->Drop();
    if (!(retryable && reused)) break;
  }
  out.status = 0;
  out.body = "request failed";
  return out;
}

std::string TestClient::Raw(const std::string& bytes, std::chrono::milliseconds timeout, bool* closed_by_peer) {
  if (closed_by_peer) *closed_by_peer = false;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  if (Connect(ioc, stream, impl_->host, impl_->port, timeout)) return {};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  stream.expires_at(deadline);
  beast::error_code wec;
  net::async_write(stream, net::buffer(bytes), [&](beast::error_code ec, std::size_t) { wec = ec; });
  RunAll(ioc);
  std::string out;
  // Even when the write failed (server closed early), read what it sent.
  char buf[8192];
  for (;;) {
    beast::error_code rec;
    std::size_t n = 0;
    stream.expires_at(deadline);
    stream.async_read_some(net::buffer(buf), [&](beast::error_code ec, std::size_t k) {
      rec = ec;
      n = k;
    });
    RunAll(ioc);
    out.append(buf, n);
    if (rec) {
      if (closed_by_peer && rec != beast::error::timeout) *closed_by_peer = true;
      break;
    }
  }
  beast::error_code ignored;
  stream.socket().close(ignored);
  return out;
}

struct SseClient::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser;
  int status = 0;
  bool done = false;
  std::string pending;  // received text not yet parsed into events

  // Parses one complete event out of `pending`, skipping comment-only blocks.
  std::optional<SseEvent> TakeEvent() {
    for (;;) {
      // Normalise CRLF to LF lazily: find a blank line.
      std::size_t end = std::string::npos, skip = 0;
      for (std::size_t i = 0; i + 1 < pending.size(); ++i) {
        if (pending[i] == '\n' && pending[i + 1] == '\n') {
          end = i;
          skip = 2;
          break;
        }
        if (i + 3 < pending.size() && pending.compare(i, 4, "\r\n\r\n") == 0) {
          end = i;
          skip = 4;
          break;
        }
      }
      if (end == std::string::npos) return std::nullopt;
      std::string block = pending.substr(0, end);
      pending.erase(0, end + skip);
      SseEvent ev;
      bool any = false, has_data = false;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        std::size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? block.size() + 1 : nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == ':') continue;
        std::size_t colon = line.find(':');
        std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "id") {
          ev.id = value;
          any = true;
        } else if (field == "event") {
          ev.event = value;
          any = true;
        } else if (field == "data") {
          if (has_data) ev.data += '\n';
          ev.data += value;
          has_data = true;
          any = true;
        }
      }
      if (any) return ev;
    }
  }
};

SseClient::SseClient(std::uint16_t port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers)
    : impl_(std::make_unique<Impl>()) {
  auto& s = *impl_;
  const std::chrono::milliseconds timeout(10000);
  if (Connect(s.ioc, s.stream, "127.0.0.1", port, timeout)) {
    s.done = true;
    return;
  }
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(bhttp::field::accept, "text/event-stream");
  for (const auto& [k, v] : headers) req.set(k, v);
  beast::error_code wec;
  s.stream.expires_after(timeout);
  bhttp::async_write(s.stream, req, [&](beast::error_code ec, std::size_t) { wec = ec; });
  RunAll(s.ioc);
  if (wec) {
    s.done = true;
    return;
  }
  s.parser.emplace();
  s.parser->body_limit(boost::none);
  beast::error_code rec;
  s.stream.expires_after(timeout);
  bhttp::async_read_header(s.stream, s.buffer, *s.parser, [&](beast::error_code ec, std::size_t) { rec = ec; });
  RunAll(s.ioc);
  if (rec) {
    s.done = true;
    return;
  }
  s.status = static_cast<int>(s.parser->get().result_int());
}

SseClient::~SseClient() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->stream.socket().close(ignored);
}

int SseClient::status() const { return impl_->status; }

std::optional<SseEvent> SseClient::Next(std::chrono::milliseconds timeout) {
  auto& s = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto ev = s.TakeEvent()) return ev;
    if (s.done || !s.parser || s.parser->is_done()) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    char buf[4096];
    s.parser->get().body().data = buf;
    s.parser->get().body().size = sizeof(buf);
    beast::error_code rec;
    bool finished = false;
    s.stream.expires_never();
    bhttp::async_read_some(s.stream, s.buffer, *s.parser, [&](beast::error_code ec, std::size_t) {
      rec = ec;
      finished = true;
    });
    // Wait up to the deadline; on timeout cancel the read (the connection
    // stays usable for a later Next()).
    s.ioc.restart();
    auto now = std::chrono::steady_clock::now();
    if (deadline > now) s.ioc.run_for(deadline - now);
    if (!finished) {
      s.stream.socket().cancel();
      RunAll(s.ioc);
    }
    std::size_t got = sizeof(buf) - s.parser->get().body().size;
    s.pending.append(buf, got);
    if (rec == bhttp::error::need_buffer || rec == net::error::operation_aborted) rec = {};
    if (rec) s.done = true;
  }
}

bool SseClient::closed() const { return impl_->done || (impl_->parser && impl_->parser->is_done()); }

}  // namespace ozcc::test
