// Transfers of patients between units (docs/transfers.md): create, the
// steps, the board, one transfer with its timeline and its patient (logged).
// Each route parses, calls TransferService and maps; the service authorises,
// validates, logs and writes.
#include <charconv>

#include "api/internal.h"
#include "api/json/case_json.h"
#include "api/json/transfer_json.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

http::Response TransferResponse(const Result<service::TransferView>& v, const http::Request& req, int status = 200) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = Json(status, ToJson(*v));
  resp.Set("ETag", "\"" + std::to_string(v->transfer.version) + "\"");
  return resp;
}

Result<service::TransferListQuery> ListQueryOf(const http::Request& req) {
  service::TransferListQuery q;
  q.region_id = req.Query("region").value_or("");
  q.organization_id = req.Query("organization").value_or("");
  const std::string state = req.Query("state").value_or("open");
  if (state == "open") {
    q.states = TransferQuery::States::kOpen;
  } else if (state == "closed") {
    q.states = TransferQuery::States::kClosed;
  } else if (state == "all") {
    q.states = TransferQuery::States::kAll;
  } else {
    return Status::BadRequest("unknown state", {{"state", "one of open, closed, all"}});
  }
  OZCC_RETURN_IF_ERROR(ReadLimit(req, 500, q.limit));
  return q;
}

}  // namespace

void TransferPublisher::TransferChanged(const TransferChange& c) {
  events_.Publish(c.region_id, c.version, "transfer", TransferEventJson(c).dump());
}

void RegisterTransferRoutes(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/transfers", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseNewTransfer(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto v = s.transfers.Create(CallerOf(req, who), std::move(in->transfer), std::move(in->patient));
    if (!v.ok()) return ProblemFor(req, v.status());
    http::Response resp = TransferResponse(v, req, 201);
    resp.Set("Location", PublicBase(s, req) + "/api/v1/transfers/" + v->transfer.id);
    return resp;
  });
  r.Add("GET", "/api/v1/transfers", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto q = ListQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    auto list = s.transfers.List(CallerOf(req, who), std::move(q).value());
    if (!list.ok()) return ProblemFor(req, list.status());
    json arr = json::array();
    for (const auto& t : *list) arr.push_back(ToJson(t));
    return Json(200, {{"now", FormatRfc3339(Now())}, {"items", std::move(arr)}});
  });
  r.Add("GET", "/api/v1/transfers/{transfer_id}", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return TransferResponse(s.transfers.Get(CallerOf(req, who), req.params["transfer_id"]), req);
  });
  r.Add("POST", "/api/v1/transfers/{transfer_id}/transition", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto in = ParseTransferStep(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return TransferResponse(
        s.transfers.Transition(CallerOf(req, who), req.params["transfer_id"], IfMatch(req), std::move(in).value()),
        req);
  });
  r.Add("POST", "/api/v1/transfers/{transfer_id}/approve", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return TransferResponse(s.transfers.Approve(CallerOf(req, who), req.params["transfer_id"], IfMatch(req)), req);
  });
  r.Add("GET", "/api/v1/transfers/{transfer_id}/patient", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto p = s.transfers.ReadPatient(CallerOf(req, who), req.params["transfer_id"], req.Query("purpose").value_or(""));
    if (!p.ok()) return ProblemFor(req, p.status());
    return Json(200, ToJson(*p));
  });
}

}  // namespace ozcc::api
