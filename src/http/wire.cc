#include "http/wire.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <ctime>
#include <functional>
#include <random>
#include <thread>

namespace ozcc::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

namespace {

void AppendLower(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size());
  for (char c : s) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// RFC 9110 IMF-fixdate, recomputed at most once a second per thread.
std::string_view HttpDate() {
  thread_local std::time_t last = 0;
  thread_local char buf[40] = {};
  thread_local std::size_t len = 0;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return {buf, len};
}

// Header names/values from handlers must not smuggle CR/LF.
void AppendSanitized(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  }
}

void AppendStatusLine(std::string& out, int status) {
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
}

// The handler's headers except those the server owns; returns whether the
// handler asked for "Connection: close".
bool AppendHandlerHeaders(std::string& out, const Response& r, bool* has_type, bool* has_cache) {
  bool close = false;
  for (const auto& [name, value] : r.headers) {
    if (IEquals(name, "content-length") || IEquals(name, "transfer-encoding") || IEquals(name, "x-request-id")) {
      continue;
    }
    if (IEquals(name, "connection")) {
      close = close || IEquals(value, "close");
      continue;
    }
    if (has_type) *has_type = *has_type || IEquals(name, "content-type");
    if (has_cache) *has_cache = *has_cache || IEquals(name, "cache-control");
    AppendSanitized(out, name);
    out += ": ";
    AppendSanitized(out, value);
    out += "\r\n";
  }
  return close;
}

}  // namespace

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// 16 random hex chars from a per-thread splitmix64 generator.
void NewRequestId(std::string& out) {
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  }();
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  out.assign(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) out[static_cast<std::size_t>(i)] = kHex[z & 0xF];
}

std::string NewRequestId() {
  std::string id;
  NewRequestId(id);
  return id;
}

void ToRequest(BeastRequest& msg, Request& req) {
  req.method.assign(ToStd(msg.method_string()));
  req.target.assign(ToStd(msg.target()));
  std::string_view target = req.target;
  std::string_view path = target;
  const bool absolute = path.starts_with("http://") || path.starts_with("https://");
  if (absolute) {
    std::size_t slash = path.find_first_of("/?", path.find("//") + 2);
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  std::size_t q = path.find('?');
  req.query.assign(q == std::string_view::npos ? std::string_view() : path.substr(q + 1));
  path = path.substr(0, q);
  if (absolute && path.empty()) path = "/";  // "http://host?q=1": an empty path is "/" (RFC 3986 6.2.3)
  if (path.find('%') == std::string_view::npos) {
    req.path.assign(path);
  } else {
    req.path = PercentDecode(path, false);
  }
  // The strings of a reused Request keep their capacity: a kept-alive
  // connection's requests allocate nothing here once the first was seen.
  std::size_t n = 0;
  std::string_view rid;
  for (const auto& f : msg) {
    if (n == req.headers.size()) req.headers.emplace_back();
    auto& [name, value] = req.headers[n++];
    name.clear();
    AppendLower(name, ToStd(f.name_string()));
    value.assign(ToStd(f.value()));
    if (name == "x-request-id" && rid.empty()) rid = ToStd(f.value());
  }
  req.headers.resize(n);
  if (ValidRequestId(rid)) {
    req.request_id.assign(rid);
  } else {
    NewRequestId(req.request_id);
  }
  req.body = std::move(msg.body());
  req.params.clear();
}

std::string ClientAddressOf(const Request& req, std::string_view peer, const TrustedProxies& trusted) {
  std::string forwarded_for;  // every X-Forwarded-For line, in order, as one list
  for (const auto& [name, value] : req.headers) {
    if (name != "x-forwarded-for") continue;
    if (!forwarded_for.empty()) forwarded_for += ',';
    forwarded_for += value;
  }
  return ClientAddress(peer, forwarded_for, trusted);
}

std::optional<Response> PathProblem(const Request& req) {
  if (req.path.find('\0') == std::string::npos) return std::nullopt;
  return ProblemResponse(400, "Bad request", "The path contains a NUL byte (%00).", req.request_id);
}

Response ParseErrorResponse(beast::error_code ec, std::size_t header_limit, std::size_t body_limit,
                            std::string_view request_id) {
  if (ec == bhttp::error::header_limit) {
    return ProblemResponse(431, "Request header fields too large",
                           "The request header exceeds " + std::to_string(header_limit) + " bytes.", request_id);
  }
  if (ec == bhttp::error::body_limit) {
    return ProblemResponse(413, "Request body too large",
                           "The request body exceeds " + std::to_string(body_limit) + " bytes.", request_id);
  }
  return ProblemResponse(400, "Bad request", "Malformed HTTP request: " + ec.message() + ".", request_id);
}

Response NoRouteResponse(const Router::Match& m, const Request& req) {
  if (m.kind == Router::MatchKind::kNoMethod) {
    Response r =
        ProblemResponse(405, "Method not allowed",
                        "Method " + req.method + " is not allowed on " + req.path + "; allowed: " + m.allow + ".",
                        req.request_id, req.path);
    r.Set("Allow", m.allow);
    return r;
  }
  return ProblemResponse(404, "Not found", "No resource at " + req.path + ".", req.request_id, req.path);
}

bool AppendResponseHead(std::string& out, const Response& r, std::string_view request_id, bool keep_alive, bool http10,
                        std::size_t body_size) {
  const bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
  AppendStatusLine(out, r.status);
  if (AppendHandlerHeaders(out, r, nullptr, nullptr)) keep_alive = false;
  out += "X-Request-Id: ";
  out += request_id;
  out += "\r\nDate: ";
  out += HttpDate();
  out += "\r\n";
  if (!no_body) {
    out += "Content-Length: ";
    out += std::to_string(body_size);
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  return keep_alive;
}

void AppendStreamHead(std::string& out, const Response& r, std::string_view request_id) {
  AppendStatusLine(out, r.status);
  bool has_type = false, has_cache = false;
  AppendHandlerHeaders(out, r, &has_type, &has_cache);
  if (!has_type) out += "Content-Type: text/event-stream\r\n";
  if (!has_cache) out += "Cache-Control: no-cache\r\n";
  out += "X-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\nX-Request-Id: ";
  out += request_id;
  out += "\r\nDate: ";
  out += HttpDate();
  out += "\r\n\r\n";
}

}  // namespace ozcc::http
