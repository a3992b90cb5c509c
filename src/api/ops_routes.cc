// /healthz, /readyz, /metrics, /api/v1/audit.
#include <fstream>
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
        << HeapMetrics();
    http::Response resp;
    resp.Set("Content-Type", "text/plain; version=0.0.4");
    resp.body = out.str();
    return resp;
  });

  r.Add("GET", "/api/v1/audit", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    std::int64_t before = 0;
    size_t limit = 100;
    try {
      if (auto c = req.Query("cursor")) before = std::stoll(*c);
      if (auto l = req.Query("limit")) limit = std::stoul(*l);
    } catch (const std::exception&) {
      return ProblemFor(req, Status::Invalid("bad paging", {{"cursor", "cursor and limit must be integers"}}));
    }
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
