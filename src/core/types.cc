#include "core/types.h"

#include <array>
#include <utility>

namespace ozcc {

namespace {

template <class E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<OrgType, 6> kOrgTypes{{{OrgType::kHospital, "hospital"},
                                       {OrgType::kAmbulance, "ambulance"},
                                       {OrgType::kHap, "hap"},
                                       {OrgType::kVvt, "vvt"},
                                       {OrgType::kElv, "elv"},
                                       {OrgType::kGgz, "ggz"}}};
constexpr Names<UnitType, 10> kUnitTypes{{{UnitType::kSeh, "seh"},
                                          {UnitType::kIc, "ic"},
                                          {UnitType::kWard, "ward"},
                                          {UnitType::kElvLow, "elv-low"},
                                          {UnitType::kElvHigh, "elv-high"},
                                          {UnitType::kElvPalliative, "elv-palliative"},
                                          {UnitType::kGgzCrisis, "ggz-crisis"},
                                          {UnitType::kVvtCrisis, "vvt-crisis"},
                                          {UnitType::kHap, "hap"},
                                          {UnitType::kAmbulance, "ambulance"}}};
constexpr Names<EdStatus, 3> kEdStatuses{
    {{EdStatus::kOpen, "open"}, {EdStatus::kThreatened, "threatened"}, {EdStatus::kClosed, "closed"}}};
constexpr Names<ReportSource, 6> kSources{{{ReportSource::kManual, "manual"},
                                           {ReportSource::kFeed, "feed"},
                                           {ReportSource::kCsv, "csv"},
                                           {ReportSource::kFhir, "fhir"},
                                           {ReportSource::kDemo, "demo"},
                                           {ReportSource::kTransfer, "transfer"}}};

template <class E, size_t N>
std::string_view NameOf(const Names<E, N>& names, E e) {
  for (const auto& [k, v] : names) {
    if (k == e) return v;
  }
  return "unknown";
}

template <class E, size_t N>
std::optional<E> ValueOf(const Names<E, N>& names, std::string_view s) {
  for (const auto& [k, v] : names) {
    if (v == s) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(OrgType t) { return NameOf(kOrgTypes, t); }
std::string_view ToString(UnitType t) { return NameOf(kUnitTypes, t); }
std::string_view ToString(EdStatus s) { return NameOf(kEdStatuses, s); }
std::string_view ToString(ReportSource s) { return NameOf(kSources, s); }
std::optional<OrgType> ParseOrgType(std::string_view s) { return ValueOf(kOrgTypes, s); }
std::optional<UnitType> ParseUnitType(std::string_view s) { return ValueOf(kUnitTypes, s); }
std::optional<EdStatus> ParseEdStatus(std::string_view s) { return ValueOf(kEdStatuses, s); }
std::optional<ReportSource> ParseReportSource(std::string_view s) { return ValueOf(kSources, s); }

bool UnitHasBeds(UnitType t) { return t != UnitType::kHap; }
bool UnitHasEd(UnitType t) { return t == UnitType::kSeh || t == UnitType::kHap; }

}  // namespace ozcc
