// SANER (HL7 Situational Awareness for Novel Epidemic Response) MeasureReport
// ↔ capacity reports. The mapping table and its reasons are in
// docs/saner-mapping.md; in short:
//   beds of a unit  → group "Beds" (SANER MeasureGroupSystem) with SANER
//                     MeasuredValues codes chosen by unit type: IC → numICU*,
//                     SEH → numAmb*, ward/ELV/GGZ/VVT → numImp*, plus
//                     numTotBeds for the total;
//   ambulances      → group "Vehicles" (our code system), vehicles*;
//   ED / HAP queue  → group "ED" (our code system), ed* populations and the
//                     ED status as extension kEdStatusExtension on the group.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace ozcc::api::fhir {

// Export: the unit's current report as a SANER-style MeasureReport
// (status complete, type summary, measure kOzccMeasure, subject
// Location/<unit>, reporter Organization/<org>, date = received_at,
// period = [as_of, as_of], id = unit id). Groups only for the parts the
// report has (beds, ed).
nlohmann::json CapacityToMeasureReport(const UnitView& view, const CapacityReport& report);

// One unit a MeasureReport subject stands for.
struct SubjectUnit {
  std::string unit_id;
  UnitType type = UnitType::kWard;
};

// Resolves a subject reference, normalised to "Location/<id>" or
// "Organization/<id>" (a base URL and "/_history/…" are stripped first), to
// the units it covers: a unit's Location → that unit; a site's Location →
// the units at that site; an Organization → all its units. Empty = unknown
// subject. Must be safe to call from the importing thread only.
using Lookup = std::function<std::vector<SubjectUnit>(std::string_view reference)>;

// A Lookup over one region (copies what it needs from `region`).
Lookup RegionLookup(const RegionData& region);

// Import: a SANER MeasureReport → one CapacityInput per unit it reports on
// (as_of from period.end, else date; source is the caller's to set).
// Recognised groups are Beds, Vehicles and ED; other groups (ventilators,
// COVID encounters, tests, supplies …) and unknown population codes are
// ignored. Fails with kInvalid, every error's field a FHIR path
// ("group[1].population[0].count"), when: not a MeasureReport, status is not
// complete, type is not summary, the subject is missing or unknown, a count
// is not a non-negative integer, a code appears twice, numbers are
// inconsistent (staffed > total, available > staffed, occupied + available >
// staffed …), a group's numbers fit no unit of the subject or more than one,
// an ED group lacks its status, or no group is usable.
Result<std::vector<CapacityInput>> MeasureReportToCapacity(const nlohmann::json& mr, const Lookup& lookup);

}  // namespace ozcc::api::fhir
