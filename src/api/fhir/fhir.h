// FHIR R4 JSON resources for OpenZCC: CapabilityStatement, Organization,
// Location (sites and units), OperationOutcome. The SANER MeasureReport
// mapping is in saner.h; docs/saner-mapping.md has the tables.
//
// Pure functions on core types; thread-safe; every resource they return
// validates against the official FHIR R4 JSON schema (tests/unit/fhir_test.cc
// checks this). Resource ids are our ids: sites as Location/<location id>,
// units as Location/<unit id> (the region file keeps the two id spaces
// disjoint), organisations as Organization/<org id>. FHIR ids allow only
// [A-Za-z0-9-.]{1,64}; our ids may also contain '_', which FHIR rejects —
// keep '_' out of ids that are served over FHIR.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "core/types.h"

namespace ozcc::api::fhir {

// Code systems and canonical URLs.
inline constexpr std::string_view kSanerGroupSystem = "http://hl7.org/fhir/uv/saner/CodeSystem/MeasureGroupSystem";
inline constexpr std::string_view kSanerValueSystem = "http://hl7.org/fhir/uv/saner/CodeSystem/MeasuredValues";
inline constexpr std::string_view kSanerReportProfile =
    "http://hl7.org/fhir/uv/saner/StructureDefinition/PublicHealthMeasureReport";
inline constexpr std::string_view kMeasurePopulationSystem = "http://terminology.hl7.org/CodeSystem/measure-population";
inline constexpr std::string_view kOzccGroupSystem = "https://openzcc.nl/fhir/CodeSystem/measure-group";
inline constexpr std::string_view kOzccValueSystem = "https://openzcc.nl/fhir/CodeSystem/measured-value";
inline constexpr std::string_view kOzccMeasure = "https://openzcc.nl/fhir/Measure/unit-capacity";
inline constexpr std::string_view kEdStatusExtension = "https://openzcc.nl/fhir/StructureDefinition/ed-status";
inline constexpr std::string_view kUnitTypeSystem = "https://openzcc.nl/fhir/CodeSystem/unit-type";
inline constexpr std::string_view kOrgTypeSystem = "https://openzcc.nl/fhir/CodeSystem/organization-type";
inline constexpr std::string_view kUnitIdSystem = "https://openzcc.nl/fhir/id/unit";
inline constexpr std::string_view kLocationIdSystem = "https://openzcc.nl/fhir/id/location";
inline constexpr std::string_view kOrganizationIdSystem = "https://openzcc.nl/fhir/id/organization";
inline constexpr std::string_view kSecurityServiceSystem =
    "https://openzcc.nl/fhir/CodeSystem/restful-security-service";

// A Coding: system, code and, when given, display.
nlohmann::json Coding(std::string_view system, std::string_view code, std::string_view display = {});

// GET /fhir/metadata. `base_url` is the FHIR base ("https://host/fhir");
// `date` the statement's date (default now). The searchParam lists come from
// the search declarations (search.h); rest.security describes Bearer / cookie
// sign-in.
nlohmann::json CapabilityStatement(std::string_view base_url, Time date = Now());

// Organization/<org.id>, type "prov" plus our organisation type.
nlohmann::json OrganizationResource(const Organization& org);

// A site: Location/<loc.id>, physicalType "si", managingOrganization,
// address (country NL) and position.
nlohmann::json LocationResource(const Location& loc);

// A unit as a Location/<unit.id>: partOf Location/<site.id>, physicalType
// ("wa" ward for bed units and SEH, "area" for a GP post, "ve" for an
// ambulance post's vehicles), type = v3 RoleCode where one fits (ICU, ER,
// HU, PEDU, PEDICU, PEDNICU, PHU, NCCF) plus our unit type code, position of
// the site. Precondition: unit.location_id == site.id.
nlohmann::json UnitLocationResource(const Unit& unit, const Location& site);

// An OperationOutcome for a non-Ok status: one issue per FieldError
// (severity error, expression [field], diagnostics message), or one issue
// with the status message when there are none. Issue code follows the
// status code (kInvalid → "invalid", kNotFound → "not-found", …).
nlohmann::json OperationOutcome(const Status& status);

// The OperationOutcome for an error the HTTP transport itself answered (a
// path no route has, a method not allowed, a body too large …): one issue,
// its code after the HTTP status (404 not-found, 405 not-supported, 413
// too-long …), severity fatal for 5xx.
nlohmann::json TransportOutcome(int http_status, std::string_view diagnostics);

}  // namespace ozcc::api::fhir
