// FHIR R4 endpoints under /fhir: metadata, Organization, Location, SANER
// MeasureReport create, read, vread and search (the export), and the
// worklist's Task (read, update, search) and Patient (read). Every
// search (GET /fhir/<type>, POST /fhir/<type>/_search) goes through the one
// search layer, api/fhir/search.h. Every answer is FHIR JSON: errors are
// OperationOutcome resources with the matching 4xx status, the transport's
// own errors too (Api::TransportErrorStyle); a client that accepts no JSON
// gets 406. Absolute URLs start at PublicBase (internal.h).
#include <cctype>
#include <charconv>
#include <functional>
#include <sstream>
#include <unordered_map>

#include "api/fhir/fhir.h"
#include "api/fhir/saner.h"
#include "api/fhir/search.h"
#include "api/fhir/task.h"
#include "api/internal.h"
#include "api/json/capacity_json.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

constexpr const char* kFhirJson = "application/fhir+json; fhirVersion=4.0";

http::Response FhirJson(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.Set("Content-Type", kFhirJson);
  r.Set("Cache-Control", "no-store");
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::string FhirBase(const State& s, const http::Request& req) { return PublicBase(s, req) + "/fhir"; }

std::string Lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool JsonFormat(std::string_view f) {
  return f == "json" || f == "application/json" || f == "application/fhir+json" || f == "application/json+fhir";
}

// Content negotiation: FHIR JSON is the only format. _format wins over
// Accept; an Accept with no range that takes JSON (media ranges with q=0
// excluded) is kNotAcceptable.
Status Negotiate(const http::Request& req) {
  if (auto f = req.Query("_format")) {
    if (JsonFormat(Lower(TrimSpace(*f)))) return Status::Ok();
    return Status(
        Code::kNotAcceptable,
        "_format " + *f + " cannot be given: this server answers FHIR JSON only (json, application/fhir+json)",
        {{"_format", "must be json or application/fhir+json"}});
  }
  std::string_view accept = req.Header("accept").value_or("");
  if (TrimSpace(accept).empty()) return Status::Ok();
  for (std::string_view rest = accept; !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string_view range = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t semi = range.find(';');
    const std::string type = Lower(TrimSpace(range.substr(0, semi)));
    bool refused = false;  // q=0: "not acceptable"
    for (std::string_view params = semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
         !params.empty();) {
      const size_t next = params.find(';');
      const std::string p = Lower(TrimSpace(params.substr(0, next)));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      if (p.starts_with("q=")) refused = p.find_first_not_of("0.", 2) == std::string::npos;
    }
    if (refused) continue;
    if (type == "*/*" || type == "application/*" || JsonFormat(type)) return Status::Ok();
  }
  return Status(Code::kNotAcceptable,
                "Accept: " + std::string(accept) + " cannot be met: this server answers application/fhir+json only");
}

// How a create answers (Prefer: return=…): the stored resource (default),
// nothing, or an OperationOutcome saying what was stored and not applied.
enum class Return { kRepresentation, kMinimal, kOutcome };

Return PreferredReturn(const http::Request& req) {
  const std::string r = fhir::Preference(req.Header("prefer").value_or(""), "return");
  if (r == "minimal") return Return::kMinimal;
  if (r == "operationoutcome") return Return::kOutcome;
  return Return::kRepresentation;
}

// A unit's report as a MeasureReport resource with its version headers.
http::Response ReportResponse(int status, const service::UnitReport& r) {
  http::Response resp = FhirJson(status, fhir::CapacityToMeasureReport(r.unit, r.report));
  resp.Set("ETag", "W/\"" + std::to_string(r.report.version) + "\"");
  return resp;
}

// The regions the principal may read: ?region= (or its own), every region for admins.
Result<std::vector<RegionData>> ReadableRegions(State& s, const http::Request& req, const Principal& who) {
  auto wanted = req.Query("region");
  return s.regions.Readable(CallerOf(req, who), wanted ? std::optional<std::string>(*wanted) : std::nullopt);
}

// The regions a search may look in: those its region parameter names (each
// must be readable by the principal), else the principal's own (admins: all).
Result<std::vector<RegionData>> SearchRegions(State& s, const http::Request& req, const Principal& who,
                                              const fhir::SearchRequest& search) {
  auto named = search.Codes("region");
  if (!named) return s.regions.Readable(CallerOf(req, who), std::nullopt);
  std::vector<RegionData> out;
  for (const auto& r : *named) {
    auto d = s.regions.Readable(CallerOf(req, who), r);
    if (!d.ok() && d.status().code() == Code::kNotFound) continue;  // no such region: nothing in it
    if (!d.ok()) return d.status();
    out.insert(out.end(), d->begin(), d->end());
  }
  return out;
}

// Every Location resource: sites and units.
std::vector<json> Locations(const RegionData& d) {
  std::vector<json> out;
  std::unordered_map<std::string, const Location*> site;
  for (const auto& l : d.locations) {
    site[l.id] = &l;
    out.push_back(fhir::LocationResource(l));
  }
  for (const auto& u : d.units) {
    if (auto it = site.find(u.location_id); it != site.end()) out.push_back(fhir::UnitLocationResource(u, *it->second));
  }
  return out;
}

// Answers a read: one resource by id.
http::Response Read(const http::Request& req, const std::vector<json>& all, const std::string& type) {
  const std::string& id = req.params.at("id");
  for (const auto& r : all) {
    if (r.value("id", "") == id) return FhirJson(200, r);
  }
  return FhirError(Status::NotFound(type + "/" + id + " is not known"));
}

// The candidates of one search type in the regions given.
// `search` is the parsed request, for a type that loads by a parameter (Task by owner).
using Candidates = std::function<Result<std::vector<fhir::Candidate>>(
    const http::Request&, const Principal&, const std::vector<RegionData>&, const fhir::SearchRequest& search)>;

// Domain rule errors name our capacity fields; say where they came from in
// the MeasureReport instead (the numbers of beds and ED are in its groups).
std::vector<FieldError> ToFhirPaths(std::vector<FieldError> errors) {
  for (auto& e : errors) {
    if (e.field == "as_of") {
      e.field = "period.end";
    } else if (e.field.rfind("beds", 0) == 0 || e.field.rfind("ed", 0) == 0) {
      e.message = e.field + " " + e.message;
      e.field = "group";
    }
  }
  return errors;
}

// A FHIR handler: content negotiation first.
template <class Make>
http::Handler Negotiated(Make make) {
  return [make](http::Request& req) {
    if (Status st = Negotiate(req); !st.ok()) return FhirError(st);
    return make(req);
  };
}

// A FHIR handler that needs a principal: negotiation, then sign-in.
template <class Make>
http::Handler Authed(State& s, Make make) {
  return Negotiated([&s, make](http::Request& req) {
    auto who = s.auth.Authenticate(req);
    if (!who.ok()) {
      s.auth_failures++;
      http::Response resp = FhirError(who.status());
      if (who.status().code() == Code::kUnauthenticated) resp.Set("WWW-Authenticate", "Bearer realm=\"openzcc\"");
      return resp;
    }
    return make(req, *who);
  });
}

// GET /fhir/<type>?… and POST /fhir/<type>/_search (form body and query
// combined): parse by the type's declared parameters, load the regions the
// search may look in, filter and page. POST _search is a read; for a cookie
// session the guard still asks the CSRF header, as for every POST.
void AddSearch(State& s, http::Router& r, const std::string& type, const Candidates& candidates) {
  auto handler = Authed(s, [&s, type, candidates](http::Request& req, const Principal& who) {
    std::vector<std::pair<std::string, std::string>> params = fhir::ParseForm(req.query);
    if (req.method == "POST") {
      const std::string media = MediaTypeOf(req);
      if (media != "application/x-www-form-urlencoded" && !(media.empty() && req.body.empty())) {
        return FhirError(Status(Code::kUnsupportedMedia,
                                "POST " + type + "/_search takes its parameters as application/x-www-form-urlencoded"));
      }
      auto form = fhir::ParseForm(req.body);
      params.insert(params.end(), form.begin(), form.end());
    }
    const std::string base = FhirBase(s, req);
    auto search = fhir::ParseSearch(type, params, base, fhir::PrefersLenient(req.Header("prefer").value_or("")));
    if (!search.ok()) return FhirError(search.status());
    auto regions = SearchRegions(s, req, who, *search);
    if (!regions.ok()) return FhirError(regions.status());
    auto all = candidates(req, who, *regions, *search);
    if (!all.ok()) return FhirError(all.status());
    auto bundle = fhir::RunSearch(*search, std::move(*all), base);
    if (!bundle.ok()) return FhirError(bundle.status());
    return FhirJson(200, *bundle);
  });
  r.Add("GET", "/fhir/" + type, handler);
  r.Add("POST", "/fhir/" + type + "/_search", handler);
}

// What an idempotency entry of a create remembers: the stored report's
// reference ("MeasureReport/<unit>/_history/<version>") and the
// OperationOutcome, so that a repeat answers as the first request did.
std::string Remembered(const std::string& created, const json& outcome) {
  return json{{"created", created}, {"outcome", outcome}}.dump();
}

// The answer to a create, per Prefer: 201 with Location and ETag of the
// (first) stored report.
http::Response Created(State& s, const http::Request& req, const Principal& who, const std::string& created,
                       const json& outcome) {
  // created = MeasureReport/<unit>/_history/<version>
  const std::string rest = created.substr(std::string_view("MeasureReport/").size());
  const std::string unit = rest.substr(0, rest.find('/'));
  const std::string version = rest.substr(rest.rfind('/') + 1);
  std::int64_t v = 0;
  std::from_chars(version.data(), version.data() + version.size(), v);
  http::Response resp;
  switch (PreferredReturn(req)) {
    case Return::kMinimal:
      resp = FhirJson(201, nullptr);
      resp.body.clear();
      break;
    case Return::kOutcome: resp = FhirJson(201, outcome); break;
    case Return::kRepresentation: {
      auto stored = s.capacity.Report(CallerOf(req, who), unit, v);
      if (!stored.ok()) return FhirError(stored.status());
      resp = ReportResponse(201, *stored);
      break;
    }
  }
  resp.Set("Location", FhirBase(s, req) + "/" + created);
  if (PreferredReturn(req) != Return::kRepresentation) resp.Set("ETag", "W/\"" + version + "\"");
  return resp;
}

// The answer to a create from what its idempotency entry remembers (fresh or
// repeated). Entries written before creates answered 201 hold an
// OperationOutcome: sent as they are.
http::Response Answer(State& s, const http::Request& req, const Principal& who, const IdempotentResponse& r) {
  json stored = json::parse(r.body, nullptr, false);
  if (stored.is_object() && stored.contains("created") && stored["created"].is_string()) {
    return Created(s, req, who, stored["created"].get<std::string>(), stored.value("outcome", json::object()));
  }
  http::Response resp = FhirJson(r.status, nullptr);
  resp.body = r.body;
  return resp;
}

http::Response FhirReplay(State& s, const http::Request& req, const Principal& who, const IdempotentResponse& r) {
  return Answer(s, req, who, r).Set("Idempotent-Replayed", "true");
}

// POST /fhir/MeasureReport: a FHIR create of a SANER report (docs/saner-mapping.md).
http::Response CreateMeasureReport(State& s, http::Request& req, const Principal& who) {
  if (auto st = RequireJsonBody(req); !st.ok()) return FhirError(st);
  const service::Caller caller = CallerOf(req, who);
  auto replay = s.capacity.Replay(caller, IdempotencyKey(req), RequestHash(req));
  if (!replay.ok()) return FhirError(replay.status());
  if (*replay) return FhirReplay(s, req, who, **replay);
  auto body = ParseJsonObject(req.body);
  if (!body.ok()) return FhirError(body.status());
  // Resolve the subject in the principal's region (admins: any region).
  auto regions = s.regions.ReportingScope(caller);
  if (!regions.ok()) return FhirError(regions.status());
  Result<fhir::MeasureReportImport> import = Status::Invalid("no region to resolve the subject in");
  for (const auto& d : *regions) {
    import = fhir::MeasureReportToCapacity(*body, fhir::RegionLookup(d));
    bool unknown_subject = false;
    for (const auto& e : import.ok() ? std::vector<FieldError>{} : import.status().errors()) {
      unknown_subject |= e.field == "subject.reference" && e.message.rfind("unknown subject", 0) == 0;
    }
    if (!unknown_subject) break;  // found in this region (or wrong for another reason)
  }
  if (!import.ok()) return FhirError(import.status());
  // The outcome: one informational issue, then a warning for each part of
  // the report that was not applied.
  service::CapacitySubmission sub;
  sub.inputs = std::move(import->inputs);
  sub.format = ReportSource::kFhir;
  sub.audit_action = "capacity.fhir";
  sub.invalid_message = "the MeasureReport's numbers break the rules";
  sub.idempotency_key = IdempotencyKey(req);
  sub.request_hash = RequestHash(req);
  sub.remember = [warnings = fhir::WarningIssues(import->warnings)](
                     const std::vector<CapacityReport>& stored, std::int64_t version, const std::vector<FieldError>&) {
    std::ostringstream msg;
    msg << "stored " << stored.size() << " capacity report(s)";
    for (size_t i = 0; i < stored.size(); ++i) msg << (i ? ", " : ": ") << "MeasureReport/" << stored[i].unit_id;
    msg << "; data version " << version;
    if (!warnings.empty()) msg << "; " << warnings.size() << " warning(s) name what was not applied";
    json issues = json::array({{{"severity", "information"}, {"code", "informational"}, {"diagnostics", msg.str()}}});
    issues.insert(issues.end(), warnings.begin(), warnings.end());
    const CapacityReport& first = stored.front();
    return Remembered("MeasureReport/" + first.unit_id + "/_history/" + std::to_string(first.version),
                      json{{"resourceType", "OperationOutcome"}, {"issue", issues}});
  };
  auto remember = sub.remember;
  auto out = s.capacity.Submit(caller, std::move(sub));
  if (!out.ok()) {
    const Status& st = out.status();
    return FhirError(st.code() == Code::kInvalid ? Status::Invalid(st.message(), ToFhirPaths(st.errors())) : st);
  }
  if (out->replayed) return FhirReplay(s, req, who, *out->replayed);
  return Answer(s, req, who, IdempotentResponse{"", 201, remember(out->stored, out->version, out->rejected)});
}
// A handover as a Task, with its version as the weak ETag FHIR clients send back in If-Match.
http::Response TaskResponse(const Result<service::HandoverView>& v) {
  if (!v.ok()) return FhirError(v.status());
  http::Response resp = FhirJson(200, fhir::TaskResource(v->handover, v->the_case));
  resp.Set("ETag", "W/\"" + std::to_string(v->handover.version) + "\"");
  return resp;
}

// PUT on a transfer's Task (t-…): a transfer moves through its own steps,
// with times and a side for each, which a Task's status cannot carry. Whoever
// may read it is told so (405, Allow: GET, and where to go); anyone else
// gets what a read would (403, 404), so nothing is revealed.
http::Response RefuseTransferUpdate(State& s, http::Request& req, const Principal& who) {
  const std::string& id = req.params.at("id");
  auto v = s.transfers.Get(CallerOf(req, who), id);
  if (!v.ok()) return FhirError(v.status());
  http::Response resp = FhirJson(405, fhir::TransportOutcome(405,
                                                             "a transfer's Task is read-only over FHIR: its steps go "
                                                             "through POST /api/v1/transfers/" +
                                                                 id + "/transition"));
  resp.Set("Allow", "GET");
  return resp;
}

// PUT /fhir/Task/{id}: the partner's answer as a version-aware update. Only
// status and statusReason.text are read; the version comes from If-Match
// (W/"n" or "n") or else meta.versionId. Putting the status the Task has
// changes nothing and answers the Task as it is.
http::Response UpdateTask(State& s, http::Request& req, const Principal& who) {
  if (req.params.at("id").starts_with("t-")) return RefuseTransferUpdate(s, req, who);
  if (auto st = RequireJsonBody(req); !st.ok()) return FhirError(st);
  auto body = ParseJsonObject(req.body);
  if (!body.ok()) return FhirError(body.status());
  const std::string& id = req.params.at("id");
  auto answer = fhir::ParseTaskAnswer(*body, id);
  if (!answer.ok()) return FhirError(answer.status());
  const service::Caller caller = CallerOf(req, who);
  auto current = s.cases.GetHandover(caller, id);
  if (!current.ok()) return FhirError(current.status());
  std::optional<std::int64_t> version = IfMatch(req, /*weak=*/true);
  if (!version) version = answer->version;
  // Only the organisation the Task is addressed to answers it: for anyone
  // else the answer itself refuses (and audits), whatever the body says.
  if (caller.who.organization_id != current->handover.to_organization_id) {
    return TaskResponse(s.cases.Accept(caller, id, version, ""));
  }
  if (answer->status == current->handover.state) return TaskResponse(current);
  switch (answer->status) {
    case HandoverState::kAccepted: return TaskResponse(s.cases.Accept(caller, id, version, ""));
    case HandoverState::kRejected: {
      auto declined = s.cases.Decline(caller, id, version, answer->reason);
      if (declined.ok() || declined.status().code() != Code::kInvalid) return TaskResponse(declined);
      std::vector<FieldError> errors = declined.status().errors();
      for (auto& e : errors) {
        if (e.field == "reason") e.field = "statusReason.text";
      }
      return FhirError(Status::Invalid("a rejection needs statusReason.text; nothing was stored", errors));
    }
    default:
      return FhirError(Status::Invalid("a partner answers a Task with accepted or rejected",
                                       {{"status", "must be accepted or rejected: the ZCC completes and cancels"}}));
  }
}

// The worklist over FHIR (api/fhir/task.h): Task read, update and search;
// the patient of a case, read and logged.
void AddWorklistRoutes(State& s, http::Router& r) {
  r.Add("GET", "/fhir/Task/{id}", Authed(s, [&s](http::Request& req, const Principal& who) {
          const std::string& id = req.params.at("id");
          if (id.starts_with("t-")) {  // a transfer (docs/transfers.md)
            auto v = s.transfers.Get(CallerOf(req, who), id);
            if (!v.ok()) return FhirError(v.status());
            http::Response resp = FhirJson(200, fhir::TransferTaskResource(v->transfer));
            resp.Set("ETag", "W/\"" + std::to_string(v->transfer.version) + "\"");
            return resp;
          }
          return TaskResponse(s.cases.GetHandover(CallerOf(req, who), id));
        }));
  r.Add("PUT", "/fhir/Task/{id}",
        Authed(s, [&s](http::Request& req, const Principal& who) { return UpdateTask(s, req, who); }));
  AddSearch(s, r, "Task",
            [&s](const http::Request& req, const Principal& who, const std::vector<RegionData>& regions,
                 const fhir::SearchRequest& search) -> Result<std::vector<fhir::Candidate>> {
              std::vector<std::string> ids;
              ids.reserve(regions.size());
              for (const auto& d : regions) ids.push_back(d.region.id);
              auto found = s.cases.SearchHandovers(CallerOf(req, who), ids, search.Codes("owner"));
              if (!found.ok()) return found.status();
              std::vector<fhir::Candidate> out;
              out.reserve(found->size());
              for (const auto& v : *found) {
                out.push_back({fhir::TaskResource(v.handover, v.the_case), v.the_case.region_id, {}});
              }
              // The transfers the caller may read, as Tasks owned by the receiving organisation.
              auto transfers = s.transfers.Search(CallerOf(req, who), ids, search.Codes("owner"),
                                                  service::CaseService::kHandoverSearchLimit);
              if (!transfers.ok()) return transfers.status();
              for (const auto& t : *transfers) out.push_back({fhir::TransferTaskResource(t), t.region_id, {}});
              return out;
            });
  r.Add("GET", "/fhir/Patient/{id}", Authed(s, [&s](http::Request& req, const Principal& who) {
          const std::string& id = req.params.at("id");
          auto p = id.starts_with("t-")  // a transfer's patient
                       ? s.transfers.ReadPatient(CallerOf(req, who), id, req.Query("purpose").value_or("fhir"))
                       : s.cases.ReadPatient(CallerOf(req, who), id, req.Query("purpose").value_or("fhir"));
          if (!p.ok()) return FhirError(p.status());
          return FhirJson(200, fhir::PatientResource(id, *p));
        }));
}

}  // namespace

http::Response FhirError(const Status& st) { return FhirJson(HttpStatusFor(st.code()), fhir::OperationOutcome(st)); }

std::function<void(const http::Request&, http::Response&)> Api::TransportErrorStyle() {
  return [](const http::Request& req, http::Response& r) {
    const std::string_view path = req.path;
    if (path != "/fhir" && !path.starts_with("/fhir/")) return;
    const json problem = json::parse(r.body, nullptr, false);
    const std::string detail = problem.is_object() ? problem.value("detail", "") : "";
    std::erase_if(r.headers, [](const auto& h) { return Lower(h.first) == "content-type"; });
    r.Set("Content-Type", kFhirJson);
    r.body = fhir::TransportOutcome(r.status, detail).dump(-1, ' ', false, json::error_handler_t::replace);
  };
}

void RegisterFhirRoutes(State& s, http::Router& r) {
  r.Add("GET", "/fhir/metadata",
        Negotiated([&s](http::Request& req) { return FhirJson(200, fhir::CapabilityStatement(FhirBase(s, req))); }));

  // Reads of one resource.
  auto read = [&s](const std::string& type, const std::function<std::vector<json>(const RegionData&)>& all) {
    return Authed(s, [&s, type, all](http::Request& req, const Principal& who) {
      auto regions = ReadableRegions(s, req, who);
      if (!regions.ok()) return FhirError(regions.status());
      std::vector<json> resources;
      for (const auto& d : *regions) {
        auto some = all(d);
        resources.insert(resources.end(), some.begin(), some.end());
      }
      return Read(req, resources, type);
    });
  };
  r.Add("GET", "/fhir/Organization/{id}", read("Organization", [](const RegionData& d) {
          std::vector<json> out;
          for (const auto& o : d.organizations) out.push_back(fhir::OrganizationResource(o));
          return out;
        }));
  r.Add("GET", "/fhir/Location/{id}", read("Location", Locations));

  // Searches, through the one search layer (api/fhir/search.h).
  AddSearch(
      s, r, "Organization",
      [](const http::Request&, const Principal&, const std::vector<RegionData>& regions, const fhir::SearchRequest&) {
        std::vector<fhir::Candidate> out;
        for (const auto& d : regions) {
          for (const auto& o : d.organizations) out.push_back({fhir::OrganizationResource(o), d.region.id, {}});
        }
        return Result<std::vector<fhir::Candidate>>(std::move(out));
      });
  AddSearch(
      s, r, "Location",
      [](const http::Request&, const Principal&, const std::vector<RegionData>& regions, const fhir::SearchRequest&) {
        std::vector<fhir::Candidate> out;
        for (const auto& d : regions) {
          for (auto& l : Locations(d)) out.push_back({std::move(l), d.region.id, {}});
        }
        return Result<std::vector<fhir::Candidate>>(std::move(out));
      });
  AddSearch(s, r, "MeasureReport",
            [&s](const http::Request& req, const Principal& who, const std::vector<RegionData>& regions,
                 const fhir::SearchRequest&) -> Result<std::vector<fhir::Candidate>> {
              std::vector<fhir::Candidate> out;
              for (const auto& d : regions) {
                auto picture = s.regions.Picture(CallerOf(req, who), d.region.id);
                if (!picture.ok()) return picture.status();
                std::unordered_map<std::string, const UnitView*> view;
                for (const auto& u : picture->units) view[u.unit.id] = &u;
                for (const auto& rep : picture->latest) {
                  auto it = view.find(rep.unit_id);
                  if (it == view.end()) continue;
                  const Unit& u = it->second->unit;
                  // A site or an organisation as subject stands for its units.
                  out.push_back({fhir::CapacityToMeasureReport(*it->second, rep),
                                 d.region.id,
                                 {{"subject", {"Location/" + u.location_id, "Organization/" + u.organization_id}}}});
                }
              }
              return out;
            });

  // read: a unit's latest report; vread: any stored version of it.
  auto report = [&s](bool versioned) {
    return Authed(s, [&s, versioned](http::Request& req, const Principal& who) {
      std::optional<std::int64_t> version;
      if (versioned) {
        const std::string& vid = req.params.at("vid");
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(vid.data(), vid.data() + vid.size(), v);
        if (vid.empty() || ec != std::errc() || end != vid.data() + vid.size() || v <= 0) {
          return FhirError(Status::NotFound("MeasureReport/" + req.params.at("id") + "/_history/" + vid +
                                            " is not known: versions are positive whole numbers"));
        }
        version = v;
      }
      auto found = s.capacity.Report(CallerOf(req, who), req.params.at("id"), version);
      if (!found.ok()) return FhirError(found.status());
      return ReportResponse(200, *found);
    });
  };
  r.Add("GET", "/fhir/MeasureReport/{id}", report(false));
  r.Add("GET", "/fhir/MeasureReport/{id}/_history/{vid}", report(true));

  r.Add("POST", "/fhir/MeasureReport",
        Authed(s, [&s](http::Request& req, const Principal& who) { return CreateMeasureReport(s, req, who); }));

  AddWorklistRoutes(s, r);
}

}  // namespace ozcc::api
