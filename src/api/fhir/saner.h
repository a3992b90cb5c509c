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

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/types.h"

namespace ozcc::api::fhir {

// Export: the unit's current report as a SANER-style MeasureReport
// (status complete, type summary, measure kOzccMeasure, subject
// Location/<unit>, reporter Organization/<org>, date = received_at,
// period = [as_of, as_of], id = unit id, meta.versionId = the report's data
// version, meta.lastUpdated = received_at). Groups only for the parts the
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

// Something a MeasureReport says that was read but not applied to a unit.
struct ImportWarning {
  enum class Kind {
    kNotApplied,  // capacity numbers with no one unit to go to (a hospital-wide
                  // total, two units that fit, none that fits, too few counts)
    kIgnored,     // outside the mapping: other groups (Ventilators, COVID
                  // encounters …), unknown codes, populations without a count
  };
  Kind kind = Kind::kNotApplied;
  std::string path;     // FHIR path: "group[0].population[1].count", "group[2]"
  std::string code;     // the population code(s) or group code: "numbeds, numBedsOcc"
  std::string message;  // what and why, naming the counts and the subject:
                        // "numbeds 51, numBedsOcc 10: hospital-wide inpatient totals …"
  // The counts not applied, by code (kNotApplied only). For a hospital-wide
  // total these are the site's (or organisation's) own figures; they are
  // not stored anywhere yet, only answered back to the sender.
  std::map<std::string, std::int64_t> counts;
};

// What an import applies and what it does not.
struct MeasureReportImport {
  std::vector<CapacityInput> inputs;    // one per unit, at least one
  std::vector<ImportWarning> warnings;  // in the order of the report's groups
};

// Import: a SANER MeasureReport → one CapacityInput per unit it reports on
// (as_of from period.end, else date; source is the caller's to set), and a
// warning for each part that is not applied. Each family of codes (ICU beds,
// inpatient beds, NHSN numbeds, ED …) goes to the one unit of the subject
// that fits it; a family that fits none or several units, or a total of a
// subject of several units (numTotBeds, and numbeds for a site with several
// wards), is not applied and not split: a warning names it with its counts.
// Recognised groups are Beds, Vehicles and ED; other groups and unknown
// population codes are ignored with a warning.
//
// Fails with kInvalid, every error's field a FHIR path
// ("group[1].population[0].count"), when: not a MeasureReport, status is not
// complete, type is not summary, the subject is missing or unknown, a count
// is not a non-negative integer, a code appears twice, numbers of a family
// that is applied are inconsistent (staffed > total, available > staffed,
// occupied + available > staffed …), an ED group lacks its status, or
// nothing at all can be applied (then the reasons are the errors).
Result<MeasureReportImport> MeasureReportToCapacity(const nlohmann::json& mr, const Lookup& lookup);

// The warnings as FHIR OperationOutcome issues: severity warning, code
// not-supported (kNotApplied) or informational (kIgnored), diagnostics the
// message, expression [path].
nlohmann::json WarningIssues(const std::vector<ImportWarning>& warnings);

}  // namespace ozcc::api::fhir
