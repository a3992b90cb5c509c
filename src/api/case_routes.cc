// The ZCC worklist: care requests (cases), their triage, consultation,
// handover and closing; the partner's inbox and answers; patient data
// (logged) and break-glass; the entry complaints. Each route parses, calls
// CaseService and maps; the service authorises, validates, logs and writes.
#include <charconv>

#include "api/internal.h"
#include "api/json/case_json.h"
#include "api/json/complaint_json.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

std::string ETagOf(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

http::Response CaseResponse(const Result<service::CaseView>& v, const http::Request& req, int status = 200) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = Json(status, ToJson(*v));
  resp.Set("ETag", ETagOf(v->the_case.version));
  return resp;
}

http::Response HandoverResponse(const Result<service::HandoverView>& v, const http::Request& req) {
  if (!v.ok()) return ProblemFor(req, v.status());
  http::Response resp = Json(200, ToJson(*v));
  resp.Set("ETag", ETagOf(v->handover.version));
  return resp;
}

// Registers POST `path` for a signed-in caller with a JSON body (or, when
// `body_optional`, none).
template <class F>
void AddPost(State& s, http::Router& r, const char* path, bool body_optional, F handle) {
  r.Add("POST", path, [&s, body_optional, handle](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    const bool empty = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(body_optional && empty)) {
      if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    }
    return handle(req, CallerOf(req, who));
  });
}

template <class F>
void AddGet(State& s, http::Router& r, const char* path, F handle) {
  r.Add("GET", path, [&s, handle](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    return handle(req, CallerOf(req, who));
  });
}

Result<service::WorklistQuery> WorklistQueryOf(const http::Request& req) {
  service::WorklistQuery q;
  q.region_id = req.Query("region").value_or("");
  const std::string state = req.Query("state").value_or("open");
  if (state == "open") {
    q.states = CaseQuery::States::kOpen;
  } else if (state == "closed") {
    q.states = CaseQuery::States::kClosed;
  } else if (state == "all") {
    q.states = CaseQuery::States::kAll;
  } else {
    return Status::BadRequest("unknown state", {{"state", "one of open, closed, all"}});
  }
  if (auto c = req.Query("channel")) {
    q.channel = ParseChannel(*c);
    if (!q.channel) return Status::BadRequest("unknown channel", {{"channel", "not a channel: " + c->substr(0, 40)}});
  }
  q.subregion_id = req.Query("subregion").value_or("");
  OZCC_RETURN_IF_ERROR(ReadLimit(req, 1000, q.limit));
  return q;
}

void AddCaseRoutes(State& s, http::Router& r) {
  AddPost(s, r, "/api/v1/cases", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseNewCase(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto v = s.cases.Create(caller, std::move(in).value());
    if (!v.ok()) return ProblemFor(req, v.status());
    http::Response resp = CaseResponse(v, req, v->linked ? 200 : 201);
    resp.Set("Location", PublicBase(s, req) + "/api/v1/cases/" + v->the_case.id);
    return resp;
  });
  AddGet(s, r, "/api/v1/cases", [&s](http::Request& req, const service::Caller& caller) {
    auto q = WorklistQueryOf(req);
    if (!q.ok()) return ProblemFor(req, q.status());
    auto items = s.cases.Worklist(caller, std::move(q).value());
    if (!items.ok()) return ProblemFor(req, items.status());
    json arr = json::array();
    for (const auto& item : *items) arr.push_back(ToJson(item));
    return Json(200, {{"now", FormatRfc3339(Now())}, {"items", std::move(arr)}});
  });
  AddGet(s, r, "/api/v1/cases/{case_id}", [&s](http::Request& req, const service::Caller& caller) {
    return CaseResponse(s.cases.Get(caller, req.params["case_id"]), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/triage", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseTriageInput(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return CaseResponse(s.cases.Triage(caller, req.params["case_id"], IfMatch(req), std::move(in).value()), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/consult", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseConsultInput(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return CaseResponse(s.cases.Consult(caller, req.params["case_id"], IfMatch(req), std::move(in).value()), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/advice", false, [&s](http::Request& req, const service::Caller& caller) {
    auto text = ParseTextBody(req.body, "advice", true);
    if (!text.ok()) return ProblemFor(req, text.status());
    return CaseResponse(s.cases.Advice(caller, req.params["case_id"], IfMatch(req), *text), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/end-consult", false, [&s](http::Request& req, const service::Caller& caller) {
    auto text = ParseTextBody(req.body, "decision", true);
    if (!text.ok()) return ProblemFor(req, text.status());
    return CaseResponse(s.cases.EndConsult(caller, req.params["case_id"], IfMatch(req), *text), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/handovers", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseHandoverRequest(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto v = s.cases.HandOver(caller, req.params["case_id"], IfMatch(req), std::move(in).value());
    if (!v.ok()) return ProblemFor(req, v.status());
    http::Response resp = CaseResponse(v, req, 201);
    resp.Set("Location", PublicBase(s, req) + "/api/v1/handovers/" + v->handovers.back().id);
    return resp;
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/withdraw", false, [&s](http::Request& req, const service::Caller& caller) {
    auto text = ParseTextBody(req.body, "reason", true);
    if (!text.ok()) return ProblemFor(req, text.status());
    return CaseResponse(s.cases.Withdraw(caller, req.params["case_id"], IfMatch(req), *text), req);
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/close", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseCloseInput(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    return CaseResponse(s.cases.Close(caller, req.params["case_id"], IfMatch(req), in->outcome, in->note), req);
  });
}

void AddPatientRoutes(State& s, http::Router& r) {
  AddGet(s, r, "/api/v1/cases/{case_id}/patient", [&s](http::Request& req, const service::Caller& caller) {
    auto p = s.cases.ReadPatient(caller, req.params["case_id"], req.Query("purpose").value_or(""));
    if (!p.ok()) return ProblemFor(req, p.status());
    return Json(200, ToJson(*p));
  });
  AddPost(s, r, "/api/v1/cases/{case_id}/break-glass", false, [&s](http::Request& req, const service::Caller& caller) {
    auto reason = ParseTextBody(req.body, "reason", true);
    if (!reason.ok()) return ProblemFor(req, reason.status());
    auto g = s.cases.BreakGlass(caller, req.params["case_id"], *reason);
    if (!g.ok()) return ProblemFor(req, g.status());
    return Json(201, ToJson(*g));
  });
}

// The 72-hour contact history: BSNs travel in bodies, never in URLs.
void AddContactRoutes(State& s, http::Router& r) {
  AddPost(s, r, "/api/v1/contacts", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseNewContact(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto c = s.contacts.Report(caller, std::move(in).value());
    if (!c.ok()) return ProblemFor(req, c.status());
    return Json(201, ToJson(*c));
  });
  AddPost(s, r, "/api/v1/contacts:search", false, [&s](http::Request& req, const service::Caller& caller) {
    auto in = ParseContactSearch(req.body);
    if (!in.ok()) return ProblemFor(req, in.status());
    auto h = s.contacts.Search(caller, in->bsn, in->purpose);
    if (!h.ok()) return ProblemFor(req, h.status());
    return Json(200, ToJson(*h));
  });
}

// The privacy officer's: the access log (JSON or CSV) and break-glass review.
void AddPrivacyRoutes(State& s, http::Router& r) {
  AddPost(s, r, "/api/v1/access-log:search", false, [&s](http::Request& req, const service::Caller& caller) {
    auto q = ParseAccessQuery(req.body);
    if (!q.ok()) return ProblemFor(req, q.status());
    auto page = s.privacy.SearchAccess(caller, *q);
    if (!page.ok()) return ProblemFor(req, page.status());
    if (WantsCsv(req)) {
      http::Response resp;
      resp.status = 200;
      resp.Set("Content-Type", "text/csv; charset=utf-8");
      resp.Set("Content-Disposition", "attachment; filename=\"access-log.csv\"");
      resp.body = AccessCsv(page->entries);
      return resp;
    }
    json arr = json::array();
    for (const auto& a : page->entries) arr.push_back(ToJson(a));
    return Json(200, {{"entries", std::move(arr)},
                      {"next_before_id", page->next_before_id ? json(*page->next_before_id) : json(nullptr)}});
  });
  AddGet(s, r, "/api/v1/break-glass", [&s](http::Request& req, const service::Caller& caller) {
    auto grants = s.privacy.GrantsToReview(caller);
    if (!grants.ok()) return ProblemFor(req, grants.status());
    json arr = json::array();
    for (const auto& g : *grants) arr.push_back(ToJson(g));
    return Json(200, {{"items", std::move(arr)}});
  });
  AddPost(s, r, "/api/v1/break-glass/{grant_id}/review", true, [&s](http::Request& req, const service::Caller& caller) {
    std::int64_t id = 0;
    const std::string& p = req.params["grant_id"];
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), id);
    if (ec != std::errc() || end != p.data() + p.size() || id < 1) {
      return ProblemFor(req, Status::NotFound("no such break-glass grant"));
    }
    auto g = s.privacy.Review(caller, id);
    if (!g.ok()) return ProblemFor(req, g.status());
    return Json(200, ToJson(*g));
  });
}

void AddHandoverRoutes(State& s, http::Router& r) {
  AddGet(s, r, "/api/v1/handovers", [&s](http::Request& req, const service::Caller& caller) {
    const std::string state = req.Query("state").value_or("open");
    if (state != "open" && state != "all") {
      return ProblemFor(req, Status::BadRequest("unknown state", {{"state", "one of open, all"}}));
    }
    auto inbox = s.cases.Inbox(caller, req.Query("organization").value_or(""), state == "all");
    if (!inbox.ok()) return ProblemFor(req, inbox.status());
    json arr = json::array();
    for (const auto& v : *inbox) arr.push_back(ToJson(v));
    return Json(200, {{"now", FormatRfc3339(Now())}, {"items", std::move(arr)}});
  });
  AddGet(s, r, "/api/v1/handovers/{handover_id}", [&s](http::Request& req, const service::Caller& caller) {
    return HandoverResponse(s.cases.GetHandover(caller, req.params["handover_id"]), req);
  });
  AddPost(s, r, "/api/v1/handovers/{handover_id}/accept", true,
          [&s](http::Request& req, const service::Caller& caller) {
            auto note = ParseTextBody(req.body, "note", false);
            if (!note.ok()) return ProblemFor(req, note.status());
            return HandoverResponse(s.cases.Accept(caller, req.params["handover_id"], IfMatch(req), *note), req);
          });
  AddPost(s, r, "/api/v1/handovers/{handover_id}/decline", false,
          [&s](http::Request& req, const service::Caller& caller) {
            auto reason = ParseTextBody(req.body, "reason", true);
            if (!reason.ok()) return ProblemFor(req, reason.status());
            return HandoverResponse(s.cases.Decline(caller, req.params["handover_id"], IfMatch(req), *reason), req);
          });
}

void AddComplaintRoute(State& s, http::Router& r) {
  AddGet(s, r, "/api/v1/complaints", [&s](http::Request& req, const service::Caller&) {
    size_t limit = 20;
    if (auto st = ReadLimit(req, 500, limit); !st.ok()) return ProblemFor(req, st);
    json arr = json::array();
    for (const Complaint* c : SearchComplaints(s.cases.complaints(), req.Query("q").value_or(""), limit)) {
      arr.push_back(ToJson(*c));
    }
    http::Response resp = Json(200, {{"items", std::move(arr)}});
    return resp;
  });
}

}  // namespace

void RegisterCaseRoutes(State& s, http::Router& r) {
  AddCaseRoutes(s, r);
  AddPatientRoutes(s, r);
  AddHandoverRoutes(s, r);
  AddContactRoutes(s, r);
  AddPrivacyRoutes(s, r);
  AddComplaintRoute(s, r);
}

// Publishes committed case changes to this instance's live clients.
void CasePublisher::CaseChanged(const CaseEvent& e) {
  events_.Publish(e.region_id, e.version, CaseEventType(e), CaseEventJson(e, targets_, Now()).dump());
}

}  // namespace ozcc::api
