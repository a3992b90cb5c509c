#include "core/authz.h"

#include <array>
#include <utility>

namespace ozcc {

namespace {
constexpr std::array<std::pair<Role, std::string_view>, 7> kRoles{{{Role::kAdmin, "admin"},
                                                                   {Role::kRoazCoordinator, "roaz-coordinator"},
                                                                   {Role::kOrgCapacityManager, "org-capacity-manager"},
                                                                   {Role::kOrgUser, "org-user"},
                                                                   {Role::kViewer, "viewer"},
                                                                   {Role::kZccCoordinator, "zcc-coordinator"},
                                                                   {Role::kPrivacyOfficer, "privacy-officer"}}};
}  // namespace

std::string_view ToString(Role r) {
  for (const auto& [k, v] : kRoles) {
    if (k == r) return v;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view s) {
  for (const auto& [k, v] : kRoles) {
    if (v == s) return k;
  }
  return std::nullopt;
}

std::string_view ToString(Action a) {
  switch (a) {
    case Action::kReadRegion: return "read-region";
    case Action::kWriteCapacity: return "write-capacity";
    case Action::kReadAudit: return "read-audit";
    case Action::kManageUsers: return "manage-users";
    case Action::kManageTokens: return "manage-tokens";
    case Action::kImportRegion: return "import-region";
    case Action::kWorkCases: return "work-cases";
    case Action::kReadPatient: return "read-patient";
    case Action::kAnswerHandovers: return "answer-handovers";
    case Action::kReadAccessLog: return "read-access-log";
    case Action::kManagePathways: return "manage-pathways";
    case Action::kBreakGlass: return "break-glass";
    case Action::kReportContacts: return "report-contacts";
    case Action::kReadKpis: return "read-kpis";
    case Action::kSimulate: return "simulate";
    case Action::kReadTransfers: return "read-transfers";
    case Action::kWorkTransfers: return "work-transfers";
    case Action::kReadPlacements: return "read-placements";
    case Action::kWorkPlacements: return "work-placements";
    case Action::kReadSpreading: return "read-spreading";
    case Action::kWorkSpreading: return "work-spreading";
    case Action::kLeadRegion: return "lead-region";
  }
  return "unknown";
}

Decision Authorize(const Principal& who, Action action, const Resource& what) {
  const bool same_region = !who.region_id.empty() && who.region_id == what.region_id;
  const bool same_org = same_region && !who.organization_id.empty() && who.organization_id == what.organization_id;
  auto allow_if = [](bool b) { return b ? Decision::kAllow : Decision::kDeny; };

  if (who.kind == PrincipalKind::kFeedToken) {
    return allow_if((action == Action::kWriteCapacity || action == Action::kReportContacts) && same_org);
  }
  switch (who.role) {
    case Role::kAdmin: return allow_if(action != Action::kReadPatient && action != Action::kReportContacts);
    case Role::kRoazCoordinator:
      return allow_if(same_region &&
                      (action == Action::kReadRegion || action == Action::kWriteCapacity ||
                       action == Action::kReadKpis || action == Action::kSimulate || action == Action::kReadTransfers ||
                       action == Action::kWorkTransfers || action == Action::kReadPlacements ||
                       action == Action::kWorkPlacements || action == Action::kReadSpreading ||
                       action == Action::kWorkSpreading || action == Action::kLeadRegion));
    case Role::kZccCoordinator:
      return allow_if(same_region && (action == Action::kReadRegion || action == Action::kWorkCases ||
                                      action == Action::kReadPatient || action == Action::kReadKpis ||
                                      action == Action::kSimulate || action == Action::kReadTransfers ||
                                      action == Action::kWorkTransfers || action == Action::kReadPlacements ||
                                      action == Action::kWorkPlacements || action == Action::kReadSpreading ||
                                      action == Action::kWorkSpreading || action == Action::kLeadRegion));
    case Role::kOrgCapacityManager:
      if (action == Action::kReadRegion) return allow_if(same_region);
      return allow_if(same_org && (action == Action::kWriteCapacity || action == Action::kAnswerHandovers ||
                                   action == Action::kReadPatient || action == Action::kReadTransfers ||
                                   action == Action::kWorkTransfers || action == Action::kReadPlacements ||
                                   action == Action::kWorkPlacements));
    case Role::kOrgUser:
      if (action == Action::kReadRegion) return allow_if(same_region);
      return allow_if(same_org && (action == Action::kAnswerHandovers || action == Action::kReadPatient ||
                                   action == Action::kReadTransfers || action == Action::kWorkTransfers ||
                                   action == Action::kReadPlacements || action == Action::kWorkPlacements));
    case Role::kViewer:
      return allow_if((action == Action::kReadRegion || action == Action::kSimulate ||
                       action == Action::kReadTransfers || action == Action::kReadPlacements ||
                       action == Action::kReadSpreading) &&
                      same_region);
    case Role::kPrivacyOfficer: return allow_if(action == Action::kReadAccessLog && same_region);
  }
  return Decision::kDeny;
}

}  // namespace ozcc
