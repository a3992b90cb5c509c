// Domain types of the capacity picture: the region tree
// (Region → Subregion → Organization → Location → Unit) and capacity reports.
// Plain data; rules live in validate.h, stale.h and authz.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/admission_criteria.h"

namespace ozcc {

enum class OrgType { kHospital, kAmbulance, kHap, kVvt, kElv, kGgz };

// Unit types. Wards carry a specialism (e.g. "interne", "chirurgie").
enum class UnitType {
  kSeh,            // hospital emergency department: beds + ED status
  kIc,             // intensive care
  kWard,           // clinical ward, one specialism
  kElvLow,         // eerstelijnsverblijf laag complex
  kElvHigh,        // eerstelijnsverblijf hoog complex
  kElvPalliative,  // eerstelijnsverblijf palliatief
  kGgzCrisis,      // acute psychiatry crisis beds
  kVvtCrisis,      // nursing-home crisis beds
  kHap,            // GP out-of-hours post: queue in the ED fields, no beds
  kAmbulance,      // ambulance service: vehicles available in beds.*
};

enum class EdStatus { kOpen, kThreatened, kClosed };

// kTransfer: written by a transfer's arrival (core/transfers.h), wire name "transfer".
enum class ReportSource { kManual, kFeed, kCsv, kFhir, kDemo, kTransfer };

// Stable wire names ("seh", "elv-low", …). Parse returns nullopt for unknown names.
std::string_view ToString(OrgType t);
std::string_view ToString(UnitType t);
std::string_view ToString(EdStatus s);
std::string_view ToString(ReportSource s);
std::optional<OrgType> ParseOrgType(std::string_view s);
std::optional<UnitType> ParseUnitType(std::string_view s);
std::optional<EdStatus> ParseEdStatus(std::string_view s);
std::optional<ReportSource> ParseReportSource(std::string_view s);

// Which report parts a unit type carries.
bool UnitHasBeds(UnitType t);
bool UnitHasEd(UnitType t);  // SEH and HAP (queue)

struct Subregion {
  std::string id;  // e.g. "ZWN-RR"
  std::string name;
};

struct Region {
  std::string id;  // e.g. "ZWN"
  std::string name;
  std::vector<Subregion> subregions;
};

struct Location {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string address;
  std::string city;
  double lat = 0;
  double lon = 0;
};

struct Organization {
  std::string id;
  std::string region_id;
  std::string subregion_id;
  std::string name;
  OrgType type = OrgType::kHospital;
  std::string source;  // where name/location facts come from
  // A trauma centre or top-clinical hospital the region relies on for its
  // most urgent care: spreading keeps a reserve of its places (docs/spreading.md).
  bool regional_function = false;
};

struct Unit {
  std::string id;
  std::string organization_id;
  std::string location_id;
  UnitType type = UnitType::kWard;
  std::string specialism;  // wards; empty otherwise
  std::string name;
  std::int64_t expected_interval_s = 900;  // expected update interval
  // Follow-up units only (elv-*, vvt-crisis, ggz-crisis): who they admit
  // (core/admission_criteria.h); nullopt when the region file gives none.
  std::optional<AdmissionCriteria> criteria;
};

// A whole region as imported from data/regions/*.json.
struct RegionData {
  Region region;
  std::vector<Organization> organizations;
  std::vector<Location> locations;
  std::vector<Unit> units;
  bool demo_values = false;  // capacity numbers in the file are demo values
};

// Unit joined with what a snapshot row needs about its organisation and place.
struct UnitView {
  Unit unit;
  std::string region_id;
  std::string subregion_id;
  std::string organization_name;
  double lat = 0;
  double lon = 0;
};

struct Beds {
  std::int64_t total = 0;
  std::int64_t staffed = 0;
  std::int64_t occupied = 0;
  std::int64_t available = 0;  // staffed and free
  bool operator==(const Beds&) const = default;
};

struct EdState {
  EdStatus status = EdStatus::kOpen;
  std::int64_t waiting = 0;
  std::int64_t in_treatment = 0;
  std::int64_t boarding = 0;
  std::int64_t crowding = 0;  // 0–200, NEDOCS-like
  // Patients who arrived in the hour before as_of (the ED arrivals forecast's
  // data); nullopt when not reported.
  std::optional<std::int64_t> arrivals;
  bool operator==(const EdState&) const = default;
};

// The hour whose arrivals a report at `as_of` gives: the clock hour nearest
// to [as_of - 1 h, as_of), by its start (UTC; Dutch hours start at the same
// instants).
inline Time ArrivalsHourStart(Time as_of) {
  return std::chrono::floor<std::chrono::hours>(as_of - std::chrono::minutes(30));
}

// What a client submits for one unit (after parsing, before validation).
struct CapacityInput {
  std::string unit_id;
  std::optional<Time> as_of;  // default: now
  std::optional<Beds> beds;
  std::optional<EdState> ed;
  std::string note;
};

// A stored report. version is the region-wide data version assigned at commit.
struct CapacityReport {
  std::string unit_id;
  Time as_of{};
  Time received_at{};
  ReportSource source = ReportSource::kManual;
  std::optional<Beds> beds;
  std::optional<EdState> ed;
  std::string note;
  std::string reported_by;  // user name or "token:<name>"
  std::int64_t version = 0;
};

}  // namespace ozcc
