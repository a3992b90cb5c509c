#include "http/wire.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <ctime>
#include <functional>
#include <random>
#include <thread>
#include <vector>

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

void SetClientAddress(Request& req, std::string_view peer, const TrustedProxies& trusted) {
  req.remote_addr = ClientAddressOf(req, peer, trusted);
  req.via_trusted_proxy = trusted.Contains(peer);
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// RFC 3986 §2.3 and §2.2.
bool IsUnreserved(char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool IsSubDelim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
         c == ';' || c == '=';
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Host = uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2–3.2.3):
// an IP-literal in brackets (IPv6 or IPvFuture characters), or a reg-name
// (which covers IPv4 addresses) of unreserved, sub-delims and %XX; the port
// is digits. Empty is valid.
bool ValidHost(std::string_view h) {
  std::string_view port;
  if (!h.empty() && h.front() == '[') {
    const std::size_t close = h.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : h.substr(1, close - 1)) {
      if (!IsUnreserved(c) && !IsSubDelim(c) && c != ':') return false;
    }
    std::string_view rest = h.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
    }
  } else {
    const std::size_t colon = h.find(':');
    std::string_view name = h.substr(0, colon);
    if (colon != std::string_view::npos) port = h.substr(colon + 1);
    for (std::size_t i = 0; i < name.size(); ++i) {
      const char c = name[i];
      if (c == '%') {
        if (i + 2 >= name.size() || !IsHexDigit(name[i + 1]) || !IsHexDigit(name[i + 2])) return false;
        i += 2;
      } else if (!IsUnreserved(c) && !IsSubDelim(c)) {
        return false;
      }
    }
  }
  for (char c : port) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A quoted, shortened copy of client text for a problem's detail.
std::string Quoted(std::string_view s) {
  constexpr std::size_t kMax = 64;
  std::string out = "\"";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "…";
  out += '"';
  return out;
}

Response BadHeader(std::string_view detail, std::string_view request_id) {
  return ProblemResponse(400, "Bad request", detail, request_id);
}

// The raw (still percent-encoded) path of an origin- or absolute-form
// request-target.
std::string_view RawPath(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t slash = target.find_first_of("/?", authority);
    if (slash == std::string_view::npos || target[slash] == '?') return "/";
    target = target.substr(slash);
  }
  return target.substr(0, target.find('?'));
}

// "." or "..", where each dot may be written %2E (RFC 3986 §6.2.2.2).
bool IsDotSegment(std::string_view seg) {
  int dots = 0;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == '.') {
      ++dots;
    } else if (seg[i] == '%' && i + 2 < seg.size() && seg[i + 1] == '2' && (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
      ++dots;
      i += 2;
    } else {
      return false;
    }
  }
  return dots == 1 || dots == 2;
}

}  // namespace

std::optional<Response> HeaderProblem(const BeastRequest& header, std::string_view raw_header,
                                      std::string_view request_id) {
  for (std::size_t i = raw_header.find('\n'); i != std::string_view::npos; i = raw_header.find('\n', i + 1)) {
    if (i + 1 < raw_header.size() && (raw_header[i + 1] == ' ' || raw_header[i + 1] == '\t')) {
      return BadHeader(
          "A header line starts with white space: folded header lines (obs-fold) are not accepted (RFC 9112 "
          "section 5.2).",
          request_id);
    }
  }
  const bool http11 = header.version() >= 11;
  int hosts = 0, lengths = 0;
  bool te = false;
  std::string_view host, length;
  std::vector<std::string_view> codings;  // every Transfer-Encoding line's codings, in order
  for (const auto& f : header) {
    switch (f.name()) {
      case bhttp::field::host:
        ++hosts;
        host = ToStd(f.value());
        break;
      case bhttp::field::content_length:
        ++lengths;
        length = ToStd(f.value());
        break;
      case bhttp::field::transfer_encoding: {
        te = true;
        std::string_view v = ToStd(f.value());
        while (!v.empty()) {
          const std::size_t comma = v.find(',');
          std::string_view c = TrimOws(v.substr(0, comma));
          if (!c.empty()) codings.push_back(c);
          v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        }
        break;
      }
      default: break;
    }
  }
  if (hosts == 0 && http11) {
    return BadHeader("The Host header is missing; an HTTP/1.1 request must have one (RFC 9112 section 3.2).",
                     request_id);
  }
  if (hosts > 1) {
    return BadHeader("The Host header appears more than once (RFC 9112 section 3.2).", request_id);
  }
  if (hosts == 1 && !ValidHost(host)) {
    return BadHeader("The Host header " + Quoted(host) + " is not a host name or address with an optional port.",
                     request_id);
  }
  if (te) {
    if (!http11) {
      return BadHeader("Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 section 6.1).", request_id);
    }
    if (lengths > 0) {
      return BadHeader(
          "Transfer-Encoding and Content-Length are both present; the body length is ambiguous (RFC 9112 section "
          "6.1).",
          request_id);
    }
    if (codings.empty() || !IEquals(codings.back(), "chunked")) {
      return BadHeader("The final Transfer-Encoding is " +
                           (codings.empty() ? std::string("empty") : Quoted(codings.back())) +
                           ", not chunked; the body length cannot be determined (RFC 9112 section 6.3).",
                       request_id);
    }
    for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
      if (IEquals(codings[i], "chunked")) {
        return BadHeader("Transfer-Encoding applies chunked more than once (RFC 9112 section 7.1).", request_id);
      }
    }
    if (codings.size() > 1) {
      return ProblemResponse(
          501, "Not implemented",
          "Transfer-Encoding " + Quoted(codings.front()) + " is not supported; only chunked is (RFC 9112 section 6.1).",
          request_id);
    }
  }
  if (lengths > 1) {
    return BadHeader("Content-Length appears more than once (RFC 9112 section 6.3).", request_id);
  }
  if (lengths == 1 && (length.empty() || !std::all_of(length.begin(), length.end(), IsDigit))) {
    return BadHeader("Content-Length " + Quoted(length) + " is not one decimal number (RFC 9110 section 8.6).",
                     request_id);
  }
  return std::nullopt;
}

std::optional<Response> PathProblem(const Request& req) {
  if (req.path.find('\0') != std::string::npos) {
    return ProblemResponse(400, "Bad request", "The path contains a NUL byte (%00).", req.request_id);
  }
  const std::string_view raw = RawPath(req.target.empty() ? std::string_view(req.path) : req.target);
  if (raw.empty() || raw.front() != '/' || raw == "/") return std::nullopt;
  for (std::size_t i = raw.find('%'); i != std::string_view::npos; i = raw.find('%', i + 1)) {
    if (raw.substr(i + 1, 2) == "2F" || raw.substr(i + 1, 2) == "2f") {
      return ProblemResponse(
          400, "Bad request",
          "The path " + Quoted(raw) + " contains an encoded slash (%2F); no resource has a slash in a path segment.",
          req.request_id, raw);
    }
  }
  std::string canonical;
  bool empty_segment = false;
  for (std::size_t i = 1;;) {
    const std::size_t slash = raw.find('/', i);
    const std::string_view seg = raw.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    if (seg.empty()) {
      empty_segment = true;
    } else if (IsDotSegment(seg)) {
      return ProblemResponse(400, "Bad request",
                             "The path " + Quoted(raw) + " contains the dot segment " + Quoted(seg) +
                                 "; resolve dot segments before sending (RFC 3986 section 5.2.4).",
                             req.request_id, raw);
    } else {
      canonical += '/';
      canonical += seg;
    }
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  if (!empty_segment) return std::nullopt;
  if (canonical.empty()) canonical = "/";
  return ProblemResponse(404, "Not found",
                         "No resource at " + Quoted(raw) +
                             ": paths have no empty segments (no double or trailing slash); did you mean " +
                             Quoted(canonical) + "?",
                         req.request_id, raw);
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
