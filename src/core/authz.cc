#include "core/authz.h"

#include <array>
#include <utility>

namespace ozcc {

namespace {
constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{{Role::kAdmin, "admin"},
                                                                   {Role::kRoazCoordinator, "roaz-coordinator"},
                                                                   {Role::kOrgCapacityManager, "org-capacity-manager"},
                                                                   {Role::kOrgUser, "org-user"},
                                                                   {Role::kViewer, "viewer"}}};
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
  }
  return "unknown";
}

Decision Authorize(const Principal& who, Action action, const Resource& what) {
  const bool same_region = !who.region_id.empty() && who.region_id == what.region_id;
  const bool same_org = same_region && !who.organization_id.empty() && who.organization_id == what.organization_id;
  auto allow_if = [](bool b) { return b ? Decision::kAllow : Decision::kDeny; };

  if (who.kind == PrincipalKind::kFeedToken) {
    return allow_if(action == Action::kWriteCapacity && same_org);
  }
  switch (who.role) {
    case Role::kAdmin: return Decision::kAllow;
    case Role::kRoazCoordinator:
      return allow_if(same_region && (action == Action::kReadRegion || action == Action::kWriteCapacity));
    case Role::kOrgCapacityManager:
      if (action == Action::kReadRegion) return allow_if(same_region);
      return allow_if(action == Action::kWriteCapacity && same_org);
    case Role::kOrgUser:
    case Role::kViewer: return allow_if(action == Action::kReadRegion && same_region);
  }
  return Decision::kDeny;
}

}  // namespace ozcc
