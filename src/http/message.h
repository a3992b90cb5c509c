// Transport-neutral request and response types handed between the Beast
// server and handlers. Header names are lower-case.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ozcc::http {

class EventSink;

struct Request {
  std::string method;                                        // "GET", "PUT", …
  std::string target;                                        // raw request-target, e.g. "/api/v1/x?a=1"
  std::string path;                                          // percent-decoded path without query
  std::string query;                                         // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_addr;
  bool via_trusted_proxy = false;  // the TCP peer is a trusted reverse proxy (client_address.h)
  std::string request_id;
  std::map<std::string, std::string> params;  // path parameters from the route

  // First header with this (lower-case) name.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Percent- and '+'-decoded query parameter; nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
};

// A long-lived text/event-stream. Handlers get one by returning a Response
// with `stream` set; the server calls on_open once the headers are written.
struct StreamSpec {
  std::function<void(std::shared_ptr<EventSink>)> on_open;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type included here
  std::string body;
  // When set, sent instead of `body` (cached, shared, immutable buffers).
  std::shared_ptr<const std::string> shared_body;
  std::optional<StreamSpec> stream;

  Response& Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// The writing end of an event stream. Thread-safe. Send() queues a chunk
// (already formatted as SSE text); it never blocks. When the client does not
// keep up and the queue exceeds its bound, the stream is closed and Send()
// returns false from then on; writers are never stalled by a slow client.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual bool Send(std::string chunk) = 0;
  virtual bool closed() const = 0;
  virtual void Close() = 0;
};

// Minimal RFC 9457 body for errors the transport itself produces (413, 404 …):
// {"type","title","status","detail","instance","request_id"} with
// Content-Type application/problem+json, X-Content-Type-Options: nosniff and
// Cache-Control: no-store. Strings are JSON-escaped; invalid
// UTF-8 becomes U+FFFD. `request_id` is omitted when empty.
Response ProblemResponse(int status, std::string_view title, std::string_view detail, std::string_view request_id,
                         std::string_view instance = {});

// Decodes %XX escapes (malformed escapes are kept as they are) and, when
// `plus_as_space`, '+' as ' ' (query strings, not paths).
std::string PercentDecode(std::string_view s, bool plus_as_space);

}  // namespace ozcc::http
