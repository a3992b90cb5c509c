// Spreading plans (docs/spreading.md, "Plans through the API"): propose,
// list, read, re-solve, approve, discard. Each route parses, calls
// SpreadingService and maps; the service authorises, validates, solves,
// audits and writes.

#include "api/internal.h"
#include "api/json/spreading_plan_json.h"

namespace ozcc::api {

namespace {

using nlohmann::ordered_json;

// As Json(), keeping the documented order of the fields.
http::Response OrderedJson(int status, const ordered_json& body) {
  http::Response r;
  r.status = status;
  r.Set("Content-Type", "application/json");
  r.Set("Cache-Control", "no-store");
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

http::Response PlanResponse(const Result<service::SpreadingPlanView>& v, const http::Request& req, int status = 200) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = OrderedJson(status, ToJson(*v));
  resp.Set("ETag", "\"" + std::to_string(v->record.version) + "\"");
  return resp;
}

Result<service::SpreadingListQuery> ListQueryOf(const http::Request& req) {
  service::SpreadingListQuery q;
  q.region_id = req.Query("region").value_or("");
  const std::string states = req.Query("state").value_or("all");
  if (states != "all") {
    for (size_t start = 0; start <= states.size();) {
      size_t end = states.find(',', start);
      if (end == std::string::npos) end = states.size();
      const std::string s = states.substr(start, end - start);
      if (s != "proposed" && s != "approved" && s != "discarded") {
        return Status::BadRequest("unknown state",
                                  {{"state", "proposed, approved, discarded (comma-separated), or all"}});
      }
      q.states.push_back(s);
      start = end + 1;
    }
  }
  OZCC_RETURN_IF_ERROR(ReadLimit(req, 200, q.limit));
  return q;
}

}  // namespace

void SpreadingPublisher::SpreadingChanged(const SpreadingChange& c) {
  events_.Publish(c.region_id, c.version, "spreading", SpreadingEventJson(c).dump());
}

service::SpreadingCodec SpreadingPlanCodec() { return SpreadingJsonCodec(); }

void RegisterSpreadingRoutes(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/spreading/plans", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseSpreadingRequest(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto v = s.spreading.Propose(CallerOf(req, who), std::move(in).value());
    if (!v.ok()) return ProblemFor(req, v.status());
    http::Response resp = PlanResponse(v, req, 201);
    resp.Set("Location", PublicBase(s, req) + "/api/v1/spreading/plans/" + v->record.id);
    return resp;
  });
  r.Add("GET", "/api/v1/spreading/plans", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto q = ListQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    auto list = s.spreading.List(CallerOf(req, who), std::move(q).value());
    if (!list.ok()) return ProblemFor(req, list.status());
    ordered_json arr = ordered_json::array();
    for (const auto& p : *list) arr.push_back(SummaryJson(p));
    return OrderedJson(200, {{"plans", std::move(arr)}});
  });
  r.Add("GET", "/api/v1/spreading/plans/{plan_id}", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return PlanResponse(s.spreading.Get(CallerOf(req, who), req.params["plan_id"]), req);
  });
  r.Add("POST", "/api/v1/spreading/plans/{plan_id}/solve", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (!req.body.empty()) {
      if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    }
    auto in = ParseSpreadingSolve(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return PlanResponse(s.spreading.Solve(CallerOf(req, who), req.params["plan_id"], IfMatch(req), std::move(in->pins),
                                          std::move(in->forbids)),
                        req);
  });
  r.Add("POST", "/api/v1/spreading/plans/{plan_id}/approve", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return PlanResponse(s.spreading.Approve(CallerOf(req, who), req.params["plan_id"], IfMatch(req)), req);
  });
  r.Add("POST", "/api/v1/spreading/plans/{plan_id}/discard", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return PlanResponse(s.spreading.Discard(CallerOf(req, who), req.params["plan_id"], IfMatch(req)), req);
  });
}

}  // namespace ozcc::api
