#include "app/demo_accounts.h"

#include <fstream>
#include <sstream>

#include "api/auth.h"

namespace ozcc::app {

Result<std::string> EnsureDemoAccounts(Store& store, const std::filesystem::path& dir) {
  const auto file = dir / "demo-accounts.txt";
  // Made once; a demo database from before the worklist gets its new accounts.
  if (std::filesystem::exists(file) && store.GetUser("demo-privacy").ok()) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  auto regions = store.ListRegions();
  if (!regions.ok()) return regions.status();
  if (regions->empty()) return Status::Invalid("no region imported; run `openzcc region import` first");
  // Accounts belong to ZWN when it is there, else to the first region.
  std::string region_id = regions->front().id;
  for (const auto& r : *regions) {
    if (r.id == "ZWN") region_id = r.id;
  }
  auto data = store.GetRegion(region_id);
  if (!data.ok()) return data.status();
  std::string hospital;  // the capacity manager's organisation
  std::string vvt;       // a partner of the worklist: district nursing / crisis beds
  for (const auto& o : data->organizations) {
    if (o.type == OrgType::kHospital && hospital.empty()) hospital = o.id;
    if (o.type == OrgType::kVvt && vvt.empty()) vvt = o.id;
  }
  struct Account {
    std::string name;
    Role role;
    std::string org;
  };
  const Account accounts[] = {{"demo-admin", Role::kAdmin, ""},
                              {"demo-coordinator", Role::kRoazCoordinator, ""},
                              {"demo-manager", Role::kOrgCapacityManager, hospital},
                              {"demo-viewer", Role::kViewer, ""},
                              {"demo-zcc", Role::kZccCoordinator, ""},
                              {"demo-vvt", Role::kOrgUser, vvt},
                              {"demo-hospital", Role::kOrgUser, hospital},
                              {"demo-privacy", Role::kPrivacyOfficer, ""}};
  std::ostringstream out;
  out << "# OpenZCC demo accounts (region " << region_id << "); made by `openzcc serve --demo`\n";
  for (const auto& a : accounts) {
    const bool needs_org = a.role == Role::kOrgCapacityManager || a.role == Role::kOrgUser;
    if (needs_org && a.org.empty()) continue;
    std::string password = api::NewToken("").substr(0, 16);
    UserRecord u{a.name, api::HashPassword(password), a.role, a.org, a.role == Role::kAdmin ? "" : region_id, false};
    auto st = store.CreateUser(u, ToolAudit("demo", "user.add", a.name, "demo"));
    if (!st.ok() && st.code() != Code::kConflict) return st;
    if (!st.ok()) continue;  // made earlier, password in an older file
    out << a.name << "  " << ToString(a.role) << (a.org.empty() ? "" : "  " + a.org) << "  password: " << password
        << "\n";
  }
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(file, std::ios::trunc);
    f << out.str();
  }
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return out.str();
}

}  // namespace ozcc::app
