// The care pathways (zorgpaden) as versioned data, a case's pathway proposal
// with live capacity, and the coordinator's decision on it. Each route
// parses, calls PathwayService and maps; the service authorises, validates,
// audits and writes.
#include <charconv>

#include "api/internal.h"
#include "api/json/case_json.h"
#include "api/json/pathway_api_json.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

std::string ETagOf(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

template <class F>
void AddAuthed(State& s, http::Router& r, const char* method, const char* path, bool json_body, F handle) {
  r.Add(method, path, [&s, json_body, handle](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (json_body) {
      if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    }
    return handle(req, CallerOf(req, who));
  });
}

http::Response VersionResponse(const service::PathwayVersion& v, int status) {
  http::Response resp = Json(status, ToJson(v));
  resp.Set("ETag", ETagOf(v.pathway.version));
  return resp;
}

}  // namespace

void RegisterPathwayRoutes(State& s, http::Router& r) {
  AddAuthed(s, r, "GET", "/api/v1/pathways", false, [&s](http::Request& req, const service::Caller& caller) {
    auto list = s.pathways.List(caller);
    if (!list.ok()) return ProblemFor(req, list.status());
    json arr = json::array();
    for (const auto& v : *list) arr.push_back(ToJson(v));
    return Json(200, {{"items", std::move(arr)}});
  });
  AddAuthed(s, r, "GET", "/api/v1/pathways/{pathway_id}", false,
            [&s](http::Request& req, const service::Caller& caller) {
              std::optional<int> version;
              if (auto q = req.Query("version")) {
                int n = 0;
                auto [end, ec] = std::from_chars(q->data(), q->data() + q->size(), n);
                if (ec != std::errc() || end != q->data() + q->size() || n < 1 || n > 1000000) {
                  return ProblemFor(
                      req, Status::BadRequest("bad version", {{"version", "a whole number from 1 to 1000000"}}));
                }
                version = n;
              }
              auto v = s.pathways.Get(caller, req.params["pathway_id"], version);
              if (!v.ok()) return ProblemFor(req, v.status());
              return VersionResponse(*v, 200);
            });
  AddAuthed(s, r, "GET", "/api/v1/pathways/{pathway_id}/versions", false,
            [&s](http::Request& req, const service::Caller& caller) {
              auto all = s.pathways.Versions(caller, req.params["pathway_id"]);
              if (!all.ok()) return ProblemFor(req, all.status());
              json arr = json::array();
              for (const auto& v : *all) arr.push_back(VersionLineJson(v));
              return Json(200, {{"id", req.params["pathway_id"]}, {"items", std::move(arr)}});
            });
  AddAuthed(s, r, "PUT", "/api/v1/pathways/{pathway_id}", true,
            [&s](http::Request& req, const service::Caller& caller) {
              auto p = ParsePathwayBody(req.body, s.cases.complaints());
              if (!p.ok()) return ProblemFor(req, p.status());
              const std::string id = req.params["pathway_id"];
              auto put = s.pathways.Put(caller, id, IfMatch(req), std::move(p).value());
              if (!put.ok()) return ProblemFor(req, put.status());
              http::Response resp = VersionResponse(put->stored, put->created ? 201 : 200);
              if (put->created) resp.Set("Location", PublicBase(s, req) + "/api/v1/pathways/" + id);
              return resp;
            });

  AddAuthed(s, r, "GET", "/api/v1/cases/{case_id}/proposal", false,
            [&s](http::Request& req, const service::Caller& caller) {
              auto v = s.pathways.Proposal(caller, req.params["case_id"]);
              if (!v.ok()) return ProblemFor(req, v.status());
              http::Response resp = Json(200, ToJson(*v));
              resp.Set("ETag", ETagOf(v->case_version));  // the case's: what POST …/pathway names
              return resp;
            });
  AddAuthed(s, r, "POST", "/api/v1/cases/{case_id}/pathway", true,
            [&s](http::Request& req, const service::Caller& caller) {
              auto choice = ParsePathwayChoice(req.body);
              if (!choice.ok()) return ProblemFor(req, choice.status());
              auto v = s.pathways.Decide(caller, req.params["case_id"], IfMatch(req), std::move(choice).value());
              if (!v.ok()) return ProblemFor(req, v.status());
              http::Response resp = Json(200, ToJson(*v));
              resp.Set("ETag", ETagOf(v->the_case.version));
              return resp;
            });
}

}  // namespace ozcc::api
