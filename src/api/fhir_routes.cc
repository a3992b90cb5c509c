// FHIR R4 endpoints under /fhir: metadata, Organization, Location, and
// SANER MeasureReport import (POST) and export (GET). Errors are
// OperationOutcome resources with the matching 4xx status.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "api/fhir/fhir.h"
#include "api/fhir/saner.h"
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

json Bundle(const http::Request& req, const std::vector<json>& resources) {
  json entries = json::array();
  const std::string base = BaseUrl(req);
  for (const auto& r : resources) {
    entries.push_back({{"fullUrl", base + "/" + r.value("resourceType", "") + "/" + r.value("id", "")},
                       {"resource", r},
                       {"search", {{"mode", "match"}}}});
  }
  return {{"resourceType", "Bundle"},
          {"type", "searchset"},
          {"total", resources.size()},
          {"link", json::array({{{"relation", "self"}, {"url", base + req.target.substr(5)}}})},
          {"entry", entries}};
}

// The regions the principal may read: ?region= (or its own), every region for admins.
Result<std::vector<RegionData>> ReadableRegions(State& s, const http::Request& req, const Principal& who) {
  auto wanted = req.Query("region");
  return s.regions.Readable(CallerOf(req, who), wanted ? std::optional<std::string>(*wanted) : std::nullopt);
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

// Answers a read: one resource by id, or a search Bundle of all.
http::Response ReadOrSearch(const http::Request& req, const std::vector<json>& all, const std::string& type) {
  auto id = req.params.find("id");
  if (id == req.params.end()) return FhirJson(200, Bundle(req, all));
  for (const auto& r : all) {
    if (r.value("id", "") == id->second) return FhirJson(200, r);
  }
  return FhirError(Status::NotFound(type + "/" + id->second + " is not known"));
}

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

}  // namespace

http::Response FhirError(const Status& st) { return FhirJson(HttpStatusFor(st.code()), fhir::OperationOutcome(st)); }

void RegisterFhirRoutes(State& s, http::Router& r) {
  r.Add("GET", "/fhir/metadata",
        [](http::Request& req) { return FhirJson(200, fhir::CapabilityStatement(BaseUrl(req))); });

  auto organizations = Authed(s, [&s](http::Request& req, const Principal& who) {
    auto regions = ReadableRegions(s, req, who);
    if (!regions.ok()) return FhirError(regions.status());
    std::vector<json> all;
    for (const auto& d : *regions) {
      for (const auto& o : d.organizations) all.push_back(fhir::OrganizationResource(o));
    }
    return ReadOrSearch(req, all, "Organization");
  });
  r.Add("GET", "/fhir/Organization", organizations);
  r.Add("GET", "/fhir/Organization/{id}", organizations);

  auto locations = Authed(s, [&s](http::Request& req, const Principal& who) {
    auto regions = ReadableRegions(s, req, who);
    if (!regions.ok()) return FhirError(regions.status());
    std::vector<json> all;
    for (const auto& d : *regions) {
      auto l = Locations(d);
      all.insert(all.end(), l.begin(), l.end());
    }
    return ReadOrSearch(req, all, "Location");
  });
  r.Add("GET", "/fhir/Location", locations);
  r.Add("GET", "/fhir/Location/{id}", locations);

  r.Add("GET", "/fhir/MeasureReport", Authed(s, [&s](http::Request& req, const Principal& who) {
          auto regions = ReadableRegions(s, req, who);
          if (!regions.ok()) return FhirError(regions.status());
          auto subject = req.Query("subject");
          std::vector<json> reports;
          for (const auto& d : *regions) {
            std::unordered_set<std::string> wanted;
            if (subject) {
              for (const auto& su : fhir::RegionLookup(d)(*subject)) wanted.insert(su.unit_id);
            }
            auto picture = s.regions.Picture(CallerOf(req, who), d.region.id);
            if (!picture.ok()) return FhirError(picture.status());
            std::unordered_map<std::string, const UnitView*> view;
            for (const auto& u : picture->units) view[u.unit.id] = &u;
            for (const auto& rep : picture->latest) {
              if (subject && !wanted.count(rep.unit_id)) continue;
              if (auto it = view.find(rep.unit_id); it != view.end()) {
                reports.push_back(fhir::CapacityToMeasureReport(*it->second, rep));
              }
            }
          }
          return FhirJson(200, Bundle(req, reports));
        }));

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
