// /healthz, /readyz, /metrics, /api/v1/audit.
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "api/internal.h"

namespace ozcc::api {

using nlohmann::json;

namespace {

// The C heap as glibc sees it, summed over its arenas: bytes handed out and
// bytes it holds free without returning them to the system. A leak grows the
// first; fragmentation and per-thread arenas grow the second. (Under ASan the
// sanitizer's allocator serves the program and glibc's figures stay small.)
std::string HeapMetrics() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = ::mallinfo2();
  std::ostringstream out;
  out << "# HELP openzcc_heap_in_use_bytes Heap allocated by the process (glibc malloc, all arenas, mmapped "
         "included).\n"
      << "# TYPE openzcc_heap_in_use_bytes gauge\n"
      << "openzcc_heap_in_use_bytes " << m.uordblks + m.hblkhd << "\n"
      << "# HELP openzcc_heap_free_bytes Heap that glibc malloc holds free and has not returned to the system.\n"
      << "# TYPE openzcc_heap_free_bytes gauge\n"
      << "openzcc_heap_free_bytes " << m.fordblks << "\n";
  return out.str();
#else
  return "";
#endif
}

}  // namespace

void RegisterOpsRoutes(State& s, http::Router& r) {
  r.Add(
      "GET", "/healthz",
      [](http::Request&) {
        http::Response resp;
        resp.Set("Content-Type", "text/plain");
        resp.body = "ok\n";
        return resp;
      },
      http::RouteOptions{.inline_io = true});

  r.Add("GET", "/readyz", [&s](http::Request& req) {
    if (auto st = s.store.Ping(); !st.ok()) return ProblemFor(req, Status::Unavailable("store: " + st.message()));
    http::Response resp;
    resp.Set("Content-Type", "text/plain");
    resp.body = "ready\n";
    return resp;
  });

  r.Add("GET", "/metrics", [&s](http::Request&) {
    std::ostringstream out;
    const auto replay = s.events.replay_totals();
    if (s.transport_metrics) out << s.transport_metrics();
    out << "# HELP openzcc_capacity_reports_total Capacity reports committed by this instance.\n"
        << "# TYPE openzcc_capacity_reports_total counter\n"
        << "openzcc_capacity_reports_total " << s.publisher.committed.load() << "\n"
        << "# HELP openzcc_auth_failures_total Requests refused for missing or bad credentials.\n"
        << "# TYPE openzcc_auth_failures_total counter\n"
        << "openzcc_auth_failures_total " << s.auth_failures.load() << "\n"
        << "# HELP openzcc_snapshot_builds_total Region snapshots serialised.\n"
        << "# TYPE openzcc_snapshot_builds_total counter\n"
        << "openzcc_snapshot_builds_total " << s.snapshots.builds() << "\n"
        << "# HELP openzcc_event_subscribers Live event streams.\n"
        << "# TYPE openzcc_event_subscribers gauge\n"
        << "openzcc_event_subscribers " << s.events.subscribers() << "\n"
        << "# HELP openzcc_event_streams_refused_total Live event streams refused: over the cap of one user or "
           "token (principal, 429), of one client address (address, 429), or of the connections streams may "
           "take (capacity, 503).\n"
        << "# TYPE openzcc_event_streams_refused_total counter\n"
        << "openzcc_event_streams_refused_total{reason=\"principal\"} " << s.streams_refused_principal.load() << "\n"
        << "openzcc_event_streams_refused_total{reason=\"address\"} " << s.streams_refused_address.load() << "\n"
        << "openzcc_event_streams_refused_total{reason=\"capacity\"} " << s.streams_refused_total.load() << "\n"
        << "# HELP openzcc_event_streams_ended_total Live event streams closed because their session ended or "
           "their feed token was revoked.\n"
        << "# TYPE openzcc_event_streams_ended_total counter\n"
        << "openzcc_event_streams_ended_total " << s.stream_guard.ended() << "\n"
        << "# HELP openzcc_event_replay_events Events kept for Last-Event-ID replay, all regions.\n"
        << "# TYPE openzcc_event_replay_events gauge\n"
        << "openzcc_event_replay_events " << replay.events << "\n"
        << "# HELP openzcc_event_replay_bytes Bytes of event text kept for replay, all regions.\n"
        << "# TYPE openzcc_event_replay_bytes gauge\n"
        << "openzcc_event_replay_bytes " << replay.bytes << "\n"
        << "# HELP openzcc_feed_events_total Events published here for writes made by other instances.\n"
        << "# TYPE openzcc_feed_events_total counter\n"
        << "openzcc_feed_events_total " << s.follower.published() << "\n"
        << "# HELP openzcc_signin_busy_total Sign-ins refused (503) because every password-hash slot was taken.\n"
        << "# TYPE openzcc_signin_busy_total counter\n"
        << "openzcc_signin_busy_total " << s.password_gate.refused() << "\n"
        << "# HELP openzcc_signin_throttled_total Sign-ins refused (429) by the back-off after failures.\n"
        << "# TYPE openzcc_signin_throttled_total counter\n"
        << "openzcc_signin_throttled_total " << s.signin_throttled.load() << "\n"
        << HeapMetrics();
    http::Response resp;
    resp.Set("Content-Type", "text/plain; version=0.0.4");
    resp.body = out.str();
    return resp;
  });

  r.Add("GET", "/api/v1/audit", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    // Strictly: all digits, in range ("-5", "10abc" and "" are refused, not read as far as they go).
    auto whole = [](const std::string& text, std::int64_t lo, std::int64_t hi) -> std::optional<std::int64_t> {
      if (text.empty() || text.size() > 18) return std::nullopt;
      std::int64_t v = 0;
      for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
      }
      if (v < lo || v > hi) return std::nullopt;
      return v;
    };
    std::int64_t before = 0;
    size_t limit = 100;
    std::vector<FieldError> bad;
    if (auto c = req.Query("cursor")) {
      if (auto v = whole(*c, 1, std::numeric_limits<std::int64_t>::max())) {
        before = *v;
      } else {
        bad.push_back({"cursor", "must be the next_cursor of a previous page (a positive integer)"});
      }
    }
    if (auto l = req.Query("limit")) {
      const auto max = static_cast<std::int64_t>(service::AuditService::kMaxPage);
      if (auto v = whole(*l, 1, max)) {
        limit = static_cast<size_t>(*v);
      } else {
        bad.push_back({"limit", "must be an integer from 1 to " + std::to_string(max)});
      }
    }
    if (!bad.empty())
      return ProblemFor(req, Status(Code::kBadRequest, "the audit log cannot be paged so", std::move(bad)));
    auto records = s.audit_log.List(CallerOf(req, who), before, limit);
    if (!records.ok()) return ProblemFor(req, records.status());
    json items = json::array();
    for (const auto& a : *records) {
      items.push_back({{"id", a.id},
                       {"at", FormatRfc3339(a.at)},
                       {"actor", a.actor},
                       {"role", a.role},
                       {"organization_id", a.organization_id},
                       {"action", a.action},
                       {"object", a.object},
                       {"outcome", a.outcome},
                       {"request_id", a.request_id},
                       {"detail", a.detail}});
    }
    json body = {{"items", items}};
    if (records->size() == std::clamp<size_t>(limit, 1, service::AuditService::kMaxPage) && !records->empty())
      body["next_cursor"] = std::to_string(records->back().id);
    return Json(200, body);
  });
}

}  // namespace ozcc::api
