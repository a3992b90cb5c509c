// Blocking HTTP/1.1 client for tests: real sockets against a real server on
// 127.0.0.1. One TestClient keeps one keep-alive connection (reconnects when
// the server closed it). Not for production use.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ozcc::test {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::optional<std::string> Header(const std::string& lower_name) const;
};

class TestClient {
 public:
  explicit TestClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~TestClient();
  // Sends one request; headers as given (Host and Content-Length are added).
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends raw bytes on a fresh connection and returns whatever the server
  // answers until it closes or the timeout passes (for malformed requests).
  // `closed_by_peer` (optional) tells whether the server closed the
  // connection (true) or the timeout passed with the connection still open.
  std::string Raw(const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                  bool* closed_by_peer = nullptr);
  // Per-operation timeout for Request() (default 30 s).
  void set_timeout(std::chrono::milliseconds timeout);
  // Number of TCP connections opened so far (keep-alive checks).
  int connects() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// Opens GET target as an event stream and reads events on demand.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers = {});
  ~SseClient();
  int status() const;  // response status of the stream request
  // Next event (comments/heartbeats skipped); nullopt on timeout or close.
  // A timeout leaves the stream open: a later Next() may still succeed.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout);
  // True once the server ended the stream or the connection failed.
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozcc::test
