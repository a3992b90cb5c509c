#include "api/fhir/fhir.h"

#include <string>

#include "api/fhir/search.h"

namespace ozcc::api::fhir {

using nlohmann::json;

namespace {

json Identifier(std::string_view system, const std::string& value) { return {{"system", system}, {"value", value}}; }

json Position(double lat, double lon) { return {{"latitude", lat}, {"longitude", lon}}; }

std::string_view UnitTypeDisplay(UnitType t) {
  switch (t) {
    case UnitType::kSeh: return "Spoedeisende hulp (SEH)";
    case UnitType::kIc: return "Intensive care";
    case UnitType::kWard: return "Verpleegafdeling";
    case UnitType::kElvLow: return "Eerstelijnsverblijf laagcomplex";
    case UnitType::kElvHigh: return "Eerstelijnsverblijf hoogcomplex";
    case UnitType::kElvPalliative: return "Eerstelijnsverblijf palliatief";
    case UnitType::kGgzCrisis: return "GGZ crisisbedden";
    case UnitType::kVvtCrisis: return "VVT crisisbedden";
    case UnitType::kHap: return "Huisartsenpost";
    case UnitType::kAmbulance: return "Ambulancepost";
  }
  return "";
}

// The v3 RoleCode service delivery location type that fits, or "".
std::string_view RoleCode(const Unit& u) {
  const bool kids = u.specialism == "kindergeneeskunde";
  switch (u.type) {
    case UnitType::kSeh: return "ER";
    case UnitType::kIc: return u.specialism == "neonatologie" ? "PEDNICU" : (kids ? "PEDICU" : "ICU");
    case UnitType::kWard: return kids ? "PEDU" : "HU";
    case UnitType::kGgzCrisis: return "PHU";
    case UnitType::kElvLow:
    case UnitType::kElvHigh:
    case UnitType::kElvPalliative:
    case UnitType::kVvtCrisis: return "NCCF";
    case UnitType::kHap:
    case UnitType::kAmbulance: return "";
  }
  return "";
}

std::string_view IssueCode(Code code) {
  switch (code) {
    case Code::kOk: return "informational";
    case Code::kInvalid:
    case Code::kBadRequest: return "invalid";
    case Code::kNotFound: return "not-found";
    case Code::kConflict:
    case Code::kPreconditionFailed: return "conflict";
    case Code::kPreconditionRequired: return "required";
    case Code::kUnauthenticated: return "login";
    case Code::kForbidden: return "forbidden";
    case Code::kTooLarge: return "too-costly";
    case Code::kUnsupportedMedia:
    case Code::kNotAcceptable: return "not-supported";
    case Code::kRateLimited: return "throttled";
    case Code::kUnavailable: return "transient";
    case Code::kInternal: return "exception";
  }
  return "exception";
}

// How clients authenticate. R4's restful-security-service codes (OAuth,
// SMART-on-FHIR, NTLM, Basic, Kerberos, Certificates) have none for a plain
// bearer token; the binding is extensible, so the coding is ours.
json RestSecurity() {
  return {{"cors", false},
          {"service",
           json::array({{{"coding", json::array({Coding(kSecurityServiceSystem, "Bearer", "Bearer token (RFC 6750)")})},
                         {"text", "Bearer token"}}})},
          {"description",
           "Send `Authorization: Bearer <token>` with a session token from `POST /api/v1/auth/login` or a feed "
           "token (scoped to one organisation's units). A browser session may use its HttpOnly session cookie "
           "instead; a POST signed in by the cookie (`POST <type>/_search` too) must carry the header "
           "`X-OpenZCC-CSRF: 1`. Not SMART on FHIR / OAuth. `/metadata` needs no sign-in. Reads are limited to "
           "the caller's region (an administrator without a region: every region)."}};
}

}  // namespace

json Coding(std::string_view system, std::string_view code, std::string_view display) {
  json c = {{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

json CapabilityStatement(std::string_view base_url, Time date) {
  auto interactions = [](std::initializer_list<const char*> codes) {
    json a = json::array();
    for (const char* c : codes) a.push_back({{"code", c}});
    return a;
  };
  json resources = json::array();
  resources.push_back({{"type", "Organization"},
                       {"interaction", interactions({"read", "search-type"})},
                       {"searchParam", SearchParamsJson("Organization")}});
  resources.push_back({{"type", "Location"},
                       {"interaction", interactions({"read", "search-type"})},
                       {"searchParam", SearchParamsJson("Location")}});
  resources.push_back(
      {{"type", "MeasureReport"},
       {"supportedProfile", json::array({kSanerReportProfile})},
       {"documentation",
        "POST a SANER bed-availability MeasureReport for a known Location (unit or site) or Organization: a "
        "create (201, Location of the stored report, Prefer return=minimal / representation / OperationOutcome; "
        "the OperationOutcome names what was not applied). A search exports the current capacity, one report "
        "per unit with the unit's id; read gives a unit's latest report, vread any stored version. Mapping: "
        "docs/saner-mapping.md."},
       {"interaction", interactions({"read", "vread", "create", "search-type"})},
       {"searchParam", SearchParamsJson("MeasureReport")}});
  resources.push_back(
      {{"type", "Task"},
       {"documentation",
        "A handover of the ZCC worklist to a partner organisation (docs/worklist.md, \"FHIR Task\"): owner the "
        "partner, focus the contained ServiceRequest (the care request, without patient data), for the Patient. "
        "The partner's users see the Tasks addressed to their organisation; the ZCC those of its region. The "
        "partner answers with an update whose status is accepted, or rejected with statusReason.text; the "
        "version is required (If-Match: W/\"<versionId>\" or meta.versionId; 428 without, 412 when stale); "
        "other elements are the ZCC's and are not read. A transfer of a patient between units "
        "(docs/transfers.md) is a Task too, with an id starting t-: owner the receiving organisation, "
        "requester the sending one, status its state (ready = planned, in-progress = en route); it is read and "
        "searched here and changed through the JSON API (POST /api/v1/transfers/{id}/transition); an update of "
        "it is refused with 405."},
       {"interaction", interactions({"read", "update", "search-type"})},
       {"versioning", "versioned-update"},
       {"readHistory", false},
       {"updateCreate", false},
       {"searchParam", SearchParamsJson("Task")}});
  resources.push_back({{"type", "Patient"},
                       {"documentation",
                        "The patient of a case (Patient/<case id>), the target of Task.for: for the ZCC and the "
                        "partner a live handover is addressed to. Every read and every refused attempt is a line "
                        "of the access log (NEN 7513); add ?purpose= to say why. Only the BSN, name, birth date, "
                        "address and GP; medication and allergies are in the JSON API."},
                       {"interaction", interactions({"read"})}});
  return {
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", FormatRfc3339(date)},
      {"publisher", "OpenZCC"},
      {"kind", "instance"},
      {"software", {{"name", "OpenZCC"}}},
      {"implementation", {{"description", "OpenZCC regional acute-care capacity (FHIR R4, SANER)"}, {"url", base_url}}},
      {"fhirVersion", "4.0.1"},
      {"format", json::array({"json", "application/fhir+json"})},
      {"rest", json::array({{{"mode", "server"}, {"security", RestSecurity()}, {"resource", resources}}})},
  };
}

json OrganizationResource(const Organization& org) {
  json r = {
      {"resourceType", "Organization"},
      {"id", org.id},
      {"identifier", json::array({Identifier(kOrganizationIdSystem, org.id)})},
      {"active", true},
      {"type", json::array({{{"coding", json::array({Coding("http://terminology.hl7.org/CodeSystem/organization-type",
                                                            "prov", "Healthcare Provider"),
                                                     Coding(kOrgTypeSystem, ToString(org.type))})}}})},
      {"name", org.name},
  };
  return r;
}

json LocationResource(const Location& loc) {
  json address = {{"use", "work"}, {"city", loc.city}, {"country", "NL"}};
  if (!loc.address.empty()) address["line"] = json::array({loc.address});
  return {
      {"resourceType", "Location"},
      {"id", loc.id},
      {"identifier", json::array({Identifier(kLocationIdSystem, loc.id)})},
      {"status", "active"},
      {"name", loc.name},
      {"mode", "instance"},
      {"address", address},
      {"physicalType",
       {{"coding",
         json::array({Coding("http://terminology.hl7.org/CodeSystem/location-physical-type", "si", "Site")})}}},
      {"position", Position(loc.lat, loc.lon)},
      {"managingOrganization", {{"reference", "Organization/" + loc.organization_id}}},
  };
}

json UnitLocationResource(const Unit& unit, const Location& site) {
  json codings = json::array();
  if (std::string_view role = RoleCode(unit); !role.empty()) {
    codings.push_back(Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", role));
  }
  codings.push_back(Coding(kUnitTypeSystem, ToString(unit.type), UnitTypeDisplay(unit.type)));
  std::string_view physical = unit.type == UnitType::kHap ? "area" : unit.type == UnitType::kAmbulance ? "ve" : "wa";
  json r = {
      {"resourceType", "Location"},
      {"id", unit.id},
      {"identifier", json::array({Identifier(kUnitIdSystem, unit.id)})},
      {"status", "active"},
      {"name", unit.name},
      {"mode", "instance"},
      {"type", json::array({{{"coding", codings}}})},
      {"physicalType",
       {{"coding", json::array({Coding("http://terminology.hl7.org/CodeSystem/location-physical-type", physical)})}}},
      {"position", Position(site.lat, site.lon)},
      {"managingOrganization", {{"reference", "Organization/" + unit.organization_id}}},
      {"partOf", {{"reference", "Location/" + site.id}, {"display", site.name}}},
  };
  if (!unit.specialism.empty()) r["description"] = "specialism: " + unit.specialism;
  return r;
}

json OperationOutcome(const Status& status) {
  json issues = json::array();
  const std::string code(IssueCode(status.code()));
  for (const FieldError& e : status.errors()) {
    json issue = {{"severity", "error"}, {"code", code}, {"diagnostics", e.message}};
    if (!e.field.empty()) issue["expression"] = json::array({e.field});
    issues.push_back(std::move(issue));
  }
  if (issues.empty()) {
    issues.push_back({{"severity", status.ok() ? "information" : "error"},
                      {"code", code},
                      {"diagnostics", status.message().empty() ? std::string("error") : status.message()}});
  }
  return {{"resourceType", "OperationOutcome"}, {"issue", issues}};
}

json TransportOutcome(int http_status, std::string_view diagnostics) {
  std::string_view code = "processing";
  switch (http_status) {
    case 400: code = "invalid"; break;
    case 404: code = "not-found"; break;
    case 405:
    case 501: code = "not-supported"; break;
    case 413:
    case 431: code = "too-long"; break;
    case 500: code = "exception"; break;
    case 503: code = "transient"; break;
    default: break;
  }
  return {{"resourceType", "OperationOutcome"},
          {"issue",
           json::array({{{"severity", http_status >= 500 ? "fatal" : "error"},
                         {"code", code},
                         {"diagnostics", diagnostics.empty() ? std::string("error") : std::string(diagnostics)}}})}};
}

}  // namespace ozcc::api::fhir
