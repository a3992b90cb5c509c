// Follow-up placement (docs/placement.md): create, the waiting list, one
// placement with its offers, the matches, offers and their answers, cancelling. Each
// route parses, calls PlacementService and maps; the service authorises,
// validates, logs and writes.
#include <charconv>

#include "api/internal.h"
#include "api/json/placement_json.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

http::Response PlacementResponse(const Result<service::PlacementView>& v, const http::Request& req, int status = 200) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = Json(status, ToJson(*v));
  resp.Set("ETag", "\"" + std::to_string(v->placement.version) + "\"");
  return resp;
}

Result<service::PlacementListQuery> ListQueryOf(const http::Request& req) {
  service::PlacementListQuery q;
  q.region_id = req.Query("region").value_or("");
  q.organization_id = req.Query("organization").value_or("");
  const std::string states = req.Query("state").value_or("waiting,offered");
  if (states != "all") {
    for (size_t start = 0; start <= states.size();) {
      size_t end = states.find(',', start);
      if (end == std::string::npos) end = states.size();
      auto s = ParsePlacementState(std::string_view(states).substr(start, end - start));
      if (!s) {
        return Status::BadRequest("unknown state",
                                  {{"state", "waiting, offered, placed, cancelled (comma-separated), or all"}});
      }
      q.states.push_back(*s);
      start = end + 1;
    }
  }
  OZCC_RETURN_IF_ERROR(ReadLimit(req, 500, q.limit));
  return q;
}

}  // namespace

void PlacementPublisher::PlacementChanged(const PlacementChange& c) {
  events_.Publish(c.region_id, c.version, "placement", PlacementEventJson(c).dump());
}

void RegisterPlacementRoutes(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/placements", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseNewPlacement(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto v = s.placements.Create(CallerOf(req, who), std::move(in->placement), std::move(in->patient));
    if (!v.ok()) return ProblemFor(req, v.status());
    http::Response resp = PlacementResponse(v, req, 201);
    resp.Set("Location", PublicBase(s, req) + "/api/v1/placements/" + v->placement.id);
    return resp;
  });
  r.Add("GET", "/api/v1/placements", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto q = ListQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    auto list = s.placements.List(CallerOf(req, who), std::move(q).value());
    if (!list.ok()) return ProblemFor(req, list.status());
    json arr = json::array();
    for (const auto& v : *list) arr.push_back(ToJson(v));
    return Json(200, {{"now", FormatRfc3339(Now())}, {"items", std::move(arr)}});
  });
  r.Add("GET", "/api/v1/placements/{placement_id}", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return PlacementResponse(s.placements.Get(CallerOf(req, who), req.params["placement_id"]), req);
  });
  r.Add("GET", "/api/v1/placements/{placement_id}/matches", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    size_t limit = service::kDefaultMatches;
    if (auto st = ReadLimit(req, service::kMaxMatches, limit); !st.ok()) return ProblemFor(req, st);
    auto m = s.placements.Matches(CallerOf(req, who), req.params["placement_id"], limit);
    if (!m.ok()) return ProblemFor(req, m.status());
    return Json(200, ToJson(*m));
  });
  r.Add("POST", "/api/v1/placements/{placement_id}/offers", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseOffers(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return PlacementResponse(s.placements.MakeOffers(CallerOf(req, who), req.params["placement_id"], IfMatch(req), *in),
                             req);
  });
  r.Add("POST", "/api/v1/placements/{placement_id}/offers/{offer_id}/answer", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseOfferAnswer(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return PlacementResponse(
        s.placements.Answer(CallerOf(req, who), req.params["placement_id"], req.params["offer_id"], IfMatch(req), *in),
        req);
  });
  r.Add("POST", "/api/v1/placements/{placement_id}/cancel", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto reason = ParseCancelPlacement(req.body);
    if (!reason.ok()) return ProblemFor(req, reason.status());
    return PlacementResponse(s.placements.Cancel(CallerOf(req, who), req.params["placement_id"], IfMatch(req), *reason),
                             req);
  });
}

}  // namespace ozcc::api
