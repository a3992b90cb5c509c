// HTTP/1.1 server on Boost.Beast. I/O threads accept and parse; complete
// requests run on a worker pool (or inline for RouteOptions::inline_io);
// responses go back on the connection's strand. Keep-alive, body and header
// limits, header/idle timeouts, request ids (X-Request-Id), an access log,
// SSE streams, and a graceful drain on Stop().
//
// Behaviour the handlers can rely on:
//  - Request: method, target, decoded path, raw query, lower-case headers,
//    body, remote_addr, request_id (client's X-Request-Id when it matches
//    [A-Za-z0-9._-]{1,64}, else 16 random hex chars), params from the route.
//  - Response: Content-Length and X-Request-Id are always set by the server
//    (handler values for Content-Length, Transfer-Encoding, X-Request-Id are
//    ignored; "Connection: close" is honoured). HEAD runs the GET handler and
//    sends no body. shared_body is written without copying and released when
//    the write completes; one of 32 KiB or more is copied once into a sealed
//    in-memory file and sent from it with sendfile() (file_body.h), so the
//    kernel does not copy it for every response either. The I/O threads
//    block SIGPIPE (sendfile() to a closed connection fails with EPIPE).
//  - Response::stream: headers are sent with Transfer-Encoding: chunked,
//    Content-Type text/event-stream, Cache-Control no-cache and
//    X-Accel-Buffering no (handler headers override the first two), then
//    on_open(sink) runs (on a worker unless the route is inline_io). The sink's
//    Send() never blocks; a stream whose queue exceeds sse_queue_limit is
//    dropped (stats().dropped_streams). ": hb" comments every sse_heartbeat_s.
//  - Transport errors are problem+json (unless options.restyle_error changes them): 400 malformed (then close); 400 or
//    501 for a header that HeaderProblem (wire.h) refuses — obs-fold, a
//    missing, repeated or invalid Host, ambiguous or unsupported body
//    framing — checked before any body byte is read (then close); 400 or 404
//    for a path that is not canonical (PathProblem: NUL, dot segments, %2F,
//    double or trailing slashes); 404, 405
//    with Allow, 413 body over body_limit (then close), 431 header over
//    header_limit (then close), 500 on a handler exception (logged with the
//    request id), 503 for connections beyond max_connections.
//  - A connection that does not deliver a complete header within
//    header_timeout_s of connecting (or of its first byte, on a kept-alive
//    connection) is closed; idle keep-alive connections close after
//    idle_timeout_s; a body must arrive within body_timeout_s.
//  - Access log (options.access_log): one line per request on the spdlog
//    logger named "access" if the application registered one, else on
//    stdout: ts request_id remote method path status bytes duration_us
//    (format and batching: access_log.h). The request path only formats the
//    line into memory; a background thread writes batches at least every
//    100 ms, and Stop() writes the rest. Lines the output cannot take in time
//    are dropped and counted (stats().access_log_dropped), never waited for.
//
// Thread safety: Start() once. Stop() and Wait() may be called from any
// thread except the server's own I/O and worker threads (Stop joins them);
// Stop() is idempotent and concurrent calls wait for the first. stats() and
// MetricsText() are safe at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/client_address.h"
#include "http/router.h"

namespace ozcc::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port (see Server::port())
  int io_threads = 2;
  int worker_threads = 64;                  // handlers may block on the store
  std::size_t body_limit = 1 << 20;         // 413 above
  std::size_t header_limit = 16 * 1024;     // 431 above
  int header_timeout_s = 10;                // time to receive a request's headers
  int idle_timeout_s = 60;                  // keep-alive idle
  int body_timeout_s = 30;                  // time to receive a request body once the header is in
  std::size_t sse_queue_limit = 256 << 10;  // bytes queued per stream before it is dropped
  int sse_heartbeat_s = 15;
  std::size_t max_connections = 10000;
  bool access_log = true;
  // Peers whose X-Forwarded-For is believed (see client_address.h); empty:
  // the TCP peer is the client.
  TrustedProxies trusted_proxies;
  // Rewrites an error the transport itself produces (the problem+json
  // responses listed above: 400, 404, 405, 413, 431, 500, 501) before it is
  // sent, e.g. into another error format for part of the path space. Gets the
  // request as far as it was read (method, target and path may be empty) and
  // the response. Unset: sent as is. Runs on I/O or worker threads; must not
  // block.
  std::function<void(const Request&, Response&)> restyle_error;
};

struct ServerStats {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> responses_2xx{0}, responses_3xx{0}, responses_4xx{0}, responses_5xx{0};
  std::atomic<std::uint64_t> open_connections{0};
  std::atomic<std::uint64_t> open_streams{0};
  std::atomic<std::uint64_t> dropped_streams{0};
  std::atomic<std::uint64_t> rejected_connections{0};  // refused above max_connections
  std::atomic<std::uint64_t> access_log_dropped{0};    // lines the access log's output did not take in time
  std::atomic<std::uint64_t> latency_us_sum{0};
  // Cumulative latency histogram buckets (≤ 1, 5, 10, 50, 100, 500, 1000, 5000 ms, +Inf).
  static constexpr int kBuckets = 9;
  std::atomic<std::uint64_t> latency_buckets[kBuckets] = {};
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the threads; returns once listening.
  Status Start();
  std::uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to drain_timeout_s),
  // closes streams and idle connections, joins threads. Idempotent.
  void Stop(int drain_timeout_s = 10);
  // Blocks until Stop() is called from another thread or a signal handler.
  void Wait();

  const ServerStats& stats() const;
  // Prometheus text for the server's own counters.
  std::string MetricsText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozcc::http
