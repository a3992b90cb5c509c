// FHIR R4 endpoints under /fhir: metadata, Organization, Location, and
// SANER MeasureReport import (POST) and export (GET). Every search (GET
// /fhir/<type>, POST /fhir/<type>/_search) goes through the one search layer,
// api/fhir/search.h. Errors are OperationOutcome resources with the matching
// 4xx status.
#include <cctype>
#include <functional>
#include <sstream>
#include <unordered_map>

#include "api/fhir/fhir.h"
#include "api/fhir/saner.h"
#include "api/fhir/search.h"
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

// A stored answer to an idempotent repeat, as FHIR.
http::Response FhirReplay(const IdempotentResponse& r) {
  http::Response resp = FhirJson(r.status, nullptr);
  resp.Set("Idempotent-Replayed", "true");
  resp.body = r.body;
  return resp;
}

std::string BaseUrl(const http::Request& req) {
  auto host = req.Header("host");
  return "http://" + std::string(host.value_or("localhost")) + "/fhir";
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
using Candidates = std::function<Result<std::vector<fhir::Candidate>>(const http::Request&, const Principal&,
                                                                      const std::vector<RegionData>&)>;

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

template <class Make>
http::Handler Authed(State& s, Make make) {
  return [&s, make](http::Request& req) {
    auto who = s.auth.Authenticate(req);
    if (!who.ok()) {
      s.auth_failures++;
      http::Response resp = FhirError(who.status());
      if (who.status().code() == Code::kUnauthenticated) resp.Set("WWW-Authenticate", "Bearer realm=\"openzcc\"");
      return resp;
    }
    return make(req, *who);
  };
}

// The media type of a request body, lower-case, without parameters.
std::string MediaType(const http::Request& req) {
  std::string type(req.Header("content-type").value_or(""));
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

// GET /fhir/<type>?… and POST /fhir/<type>/_search (form body and query
// combined): parse by the type's declared parameters, load the regions the
// search may look in, filter and page. POST _search is a read; for a cookie
// session the guard still asks the CSRF header, as for every POST.
void AddSearch(State& s, http::Router& r, const std::string& type, const Candidates& candidates) {
  auto handler = Authed(s, [&s, type, candidates](http::Request& req, const Principal& who) {
    std::vector<std::pair<std::string, std::string>> params = fhir::ParseForm(req.query);
    if (req.method == "POST") {
      const std::string media = MediaType(req);
      if (media != "application/x-www-form-urlencoded" && !(media.empty() && req.body.empty())) {
        return FhirError(Status(Code::kUnsupportedMedia,
                                "POST " + type + "/_search takes its parameters as application/x-www-form-urlencoded"));
      }
      auto form = fhir::ParseForm(req.body);
      params.insert(params.end(), form.begin(), form.end());
    }
    const std::string base = BaseUrl(req);
    auto search = fhir::ParseSearch(type, params, base, fhir::PrefersLenient(req.Header("prefer").value_or("")));
    if (!search.ok()) return FhirError(search.status());
    auto regions = SearchRegions(s, req, who, *search);
    if (!regions.ok()) return FhirError(regions.status());
    auto all = candidates(req, who, *regions);
    if (!all.ok()) return FhirError(all.status());
    auto bundle = fhir::RunSearch(*search, std::move(*all), base);
    if (!bundle.ok()) return FhirError(bundle.status());
    return FhirJson(200, *bundle);
  });
  r.Add("GET", "/fhir/" + type, handler);
  r.Add("POST", "/fhir/" + type + "/_search", handler);
}

}  // namespace

http::Response FhirError(const Status& st) { return FhirJson(HttpStatusFor(st.code()), fhir::OperationOutcome(st)); }

void RegisterFhirRoutes(State& s, http::Router& r) {
  r.Add("GET", "/fhir/metadata",
        [](http::Request& req) { return FhirJson(200, fhir::CapabilityStatement(BaseUrl(req))); });

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
  AddSearch(s, r, "Organization", [](const http::Request&, const Principal&, const std::vector<RegionData>& regions) {
    std::vector<fhir::Candidate> out;
    for (const auto& d : regions) {
      for (const auto& o : d.organizations) out.push_back({fhir::OrganizationResource(o), d.region.id, {}});
    }
    return Result<std::vector<fhir::Candidate>>(std::move(out));
  });
  AddSearch(s, r, "Location", [](const http::Request&, const Principal&, const std::vector<RegionData>& regions) {
    std::vector<fhir::Candidate> out;
    for (const auto& d : regions) {
      for (auto& l : Locations(d)) out.push_back({std::move(l), d.region.id, {}});
    }
    return Result<std::vector<fhir::Candidate>>(std::move(out));
  });
  AddSearch(s, r, "MeasureReport",
            [&s](const http::Request& req, const Principal& who,
                 const std::vector<RegionData>& regions) -> Result<std::vector<fhir::Candidate>> {
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

  r.Add(
      "POST", "/fhir/MeasureReport", Authed(s, [&s](http::Request& req, const Principal& who) {
        if (auto st = RequireJsonBody(req); !st.ok()) return FhirError(st);
        const service::Caller caller = CallerOf(req, who);
        auto replay = s.capacity.Replay(caller, IdempotencyKey(req), RequestHash(req));
        if (!replay.ok()) return FhirError(replay.status());
        if (*replay) return FhirReplay(**replay);
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
        // Stored: one informational issue, then a warning for each part of the
        // report that was not applied (docs/saner-mapping.md).
        service::CapacitySubmission sub;
        sub.inputs = std::move(import->inputs);
        sub.format = ReportSource::kFhir;
        sub.audit_action = "capacity.fhir";
        sub.invalid_message = "the MeasureReport's numbers break the rules";
        sub.idempotency_key = IdempotencyKey(req);
        sub.request_hash = RequestHash(req);
        sub.remember = [warnings = fhir::WarningIssues(import->warnings)](const std::vector<CapacityReport>& stored,
                                                                          std::int64_t version,
                                                                          const std::vector<FieldError>&) {
          std::ostringstream msg;
          msg << "stored " << stored.size() << " capacity report(s)";
          for (size_t i = 0; i < stored.size(); ++i) msg << (i ? ", " : ": ") << stored[i].unit_id;
          msg << "; data version " << version;
          if (!warnings.empty()) msg << "; " << warnings.size() << " warning(s) name what was not applied";
          json issues =
              json::array({{{"severity", "information"}, {"code", "informational"}, {"diagnostics", msg.str()}}});
          issues.insert(issues.end(), warnings.begin(), warnings.end());
          return json{{"resourceType", "OperationOutcome"}, {"issue", issues}}.dump();
        };
        auto remember = sub.remember;
        auto out = s.capacity.Submit(caller, std::move(sub));
        if (!out.ok()) {
          const Status& st = out.status();
          return FhirError(st.code() == Code::kInvalid ? Status::Invalid(st.message(), ToFhirPaths(st.errors())) : st);
        }
        if (out->replayed) return FhirReplay(*out->replayed);
        http::Response resp = FhirJson(200, nullptr);
        resp.body = remember(out->stored, out->version, out->rejected);
        return resp;
      }));
}

}  // namespace ozcc::api
