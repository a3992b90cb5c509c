// What every route gets, in one place (Api::Register wraps each handler):
//  - CSRF protection for browser sessions (OWASP "custom request header" plus
//    "verifying origin with standard headers" / Fetch Metadata): an unsafe
//    request (POST, PUT, PATCH, DELETE) that the session cookie would
//    authenticate — no Bearer header — must carry X-OpenZCC-CSRF and must not
//    come from another site (Sec-Fetch-Site other than same-origin / none,
//    or an Origin whose host is not the Host). Sign-in gets the origin check
//    too (login CSRF). Refusals are 403, audited.
//  - Security headers on every response: nosniff, no framing, no referrer,
//    a deny-all CSP unless the route set its own (the UI documents), and
//    Cache-Control: no-store unless the route chose its caching.
#include <cctype>

#include "api/internal.h"

namespace ozcc::api {

namespace {

bool Unsafe(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool HasHeader(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (IEquals(h.first, name)) return true;
  }
  return false;
}

// Why the request looks cross-site; empty when it does not.
std::string CrossSiteReason(const http::Request& req) {
  if (auto site = req.Header("sec-fetch-site"); site && *site != "same-origin" && *site != "none") {
    return "the request comes from another site (Sec-Fetch-Site: " + std::string(*site) + ")";
  }
  if (auto origin = req.Header("origin")) {
    const size_t scheme = origin->find("://");
    const std::string_view origin_host = scheme == std::string_view::npos ? "" : origin->substr(scheme + 3);
    const auto host = req.Header("host");
    if (origin_host.empty() || !host || !IEquals(origin_host, *host)) {
      return "the request comes from another site (Origin: " + std::string(*origin) + ")";
    }
  }
  return {};
}

// Why an unsafe request is refused as possible CSRF; empty when it may pass.
std::string CsrfRefusal(const http::Request& req, bool is_login) {
  if (!Unsafe(req.method)) return {};
  if (is_login) return CrossSiteReason(req);
  const bool cookie_session = Authenticator::BearerOf(req).empty() && !Authenticator::CookieOf(req).empty();
  if (!cookie_session) return {};  // Bearer and feed tokens are not sent by browsers on their own
  if (auto reason = CrossSiteReason(req); !reason.empty()) return reason;
  if (auto h = req.Header(kCsrfHeader); !h || h->empty()) {
    return "a request signed in by the session cookie must carry the header X-OpenZCC-CSRF: 1 (CSRF protection)";
  }
  return {};
}

void AuditRefusal(State& s, const http::Request& req, const std::string& reason) {
  auto who = s.auth.Authenticate(req);
  AuditRecord a;
  if (who.ok()) {
    a = service::AuditOf(CallerOf(req, *who), "csrf", req.method + " " + req.path, "denied");
  } else {
    a.at = Now();
    a.actor = "anonymous";
    a.action = "csrf";
    a.object = req.method + " " + req.path;
    a.outcome = "denied";
    a.request_id = req.request_id;
  }
  a.detail = reason + "; from " + req.remote_addr;
  service::AuditBestEffort(s.store, a);
}

void AddSecurityHeaders(http::Response& r) {
  if (!HasHeader(r, "Content-Security-Policy")) {
    r.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  r.Set("X-Content-Type-Options", "nosniff");
  r.Set("X-Frame-Options", "DENY");
  r.Set("Referrer-Policy", "no-referrer");
  if (!r.stream && !HasHeader(r, "Cache-Control")) r.Set("Cache-Control", "no-store");
}

}  // namespace

http::Handler Guarded(State& s, const http::Route& route) {
  const bool is_login = route.method == "POST" && route.pattern == "/api/v1/auth/login";
  const bool is_fhir = route.pattern.rfind("/fhir/", 0) == 0;
  return [&s, handler = route.handler, is_login, is_fhir](http::Request& req) {
    http::Response resp;
    if (std::string reason = CsrfRefusal(req, is_login); !reason.empty()) {
      AuditRefusal(s, req, reason);
      const Status refused = Status::Forbidden(reason);
      resp = is_fhir ? FhirError(refused) : ProblemFor(req, refused);
    } else {
      resp = handler(req);
    }
    AddSecurityHeaders(resp);
    return resp;
  };
}

}  // namespace ozcc::api
