// Authorisation: one pure function decides whether a principal may perform
// an action on a resource. Every handler asks it; nothing else decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ozcc {

enum class Role { kAdmin, kRoazCoordinator, kOrgCapacityManager, kOrgUser, kViewer };

std::string_view ToString(Role r);
std::optional<Role> ParseRole(std::string_view s);

enum class PrincipalKind { kUser, kFeedToken };

struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string name;             // user name, or feed token name
  Role role = Role::kViewer;    // ignored for feed tokens
  std::string organization_id;  // empty for region-wide roles
  std::string region_id;        // empty only for admin (all regions)
};

enum class Action {
  kReadRegion,     // capacity snapshot, history, events, organisations, FHIR reads
  kWriteCapacity,  // report capacity for a unit
  kReadAudit,
  kManageUsers,
  kManageTokens,
  kImportRegion,
};

std::string_view ToString(Action a);

// What an action touches: its region, and for unit-level actions the owning
// organisation (empty for region-level resources).
struct Resource {
  std::string region_id;
  std::string organization_id;
};

enum class Decision { kAllow, kDeny };

// The rules:
// - admin: everything, every region.
// - roaz-coordinator: read and write capacity in its region.
// - org-capacity-manager: read its region; write capacity of its own organisation.
// - org-user, viewer: read their region.
// - feed token: write capacity of its own organisation's units; nothing else.
Decision Authorize(const Principal& who, Action action, const Resource& what);

}  // namespace ozcc
