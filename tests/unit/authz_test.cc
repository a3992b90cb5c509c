// The authorisation matrix: every role (and feed tokens) × every action ×
// own organisation / other organisation in the region / other region.
#include "core/authz.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>

namespace ozcc {
namespace {

enum class Scope { kOwnOrg, kOtherOrg, kOtherRegion };
const char* Name(Scope s) {
  return s == Scope::kOwnOrg ? "own-org" : s == Scope::kOtherOrg ? "other-org" : "other-region";
}

Resource ResourceFor(Scope s) {
  switch (s) {
    case Scope::kOwnOrg: return {"ZWN", "erasmusmc"};
    case Scope::kOtherOrg: return {"ZWN", "maasstad"};
    case Scope::kOtherRegion: return {"DEMO2", "demo-hosp"};
  }
  return {};
}

Principal User(Role role) {
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.name = std::string(ToString(role));
  p.role = role;
  p.region_id = role == Role::kAdmin ? "" : "ZWN";
  p.organization_id = (role == Role::kOrgCapacityManager || role == Role::kOrgUser) ? "erasmusmc" : "";
  return p;
}

Principal Feed() {
  Principal p;
  p.kind = PrincipalKind::kFeedToken;
  p.name = "token:hix";
  p.role = Role::kAdmin;  // must be ignored for tokens
  p.organization_id = "erasmusmc";
  p.region_id = "ZWN";
  return p;
}

// "A" = allowed in own org, other org, other region; "." = denied. Order of
// columns: own-org, other-org, other-region.
struct Row {
  std::string who;
  Action action;
  const char* expect;
};

const Row kMatrix[] = {
    // admin: everything, everywhere, but patient data only through break-glass
    {"admin", Action::kReadRegion, "AAA"},
    {"admin", Action::kWriteCapacity, "AAA"},
    {"admin", Action::kReadAudit, "AAA"},
    {"admin", Action::kManageUsers, "AAA"},
    {"admin", Action::kManageTokens, "AAA"},
    {"admin", Action::kImportRegion, "AAA"},
    {"admin", Action::kWorkCases, "AAA"},
    {"admin", Action::kReadPatient, "..."},
    {"admin", Action::kAnswerHandovers, "AAA"},
    {"admin", Action::kReadAccessLog, "AAA"},
    {"admin", Action::kManagePathways, "AAA"},
    {"admin", Action::kBreakGlass, "AAA"},
    {"admin", Action::kReportContacts, "..."},
    {"admin", Action::kReadKpis, "AAA"},
    {"admin", Action::kSimulate, "AAA"},
    {"admin", Action::kReadTransfers, "AAA"},
    {"admin", Action::kWorkTransfers, "AAA"},
    {"admin", Action::kReadPlacements, "AAA"},
    {"admin", Action::kWorkPlacements, "AAA"},
    {"admin", Action::kReadSpreading, "AAA"},
    {"admin", Action::kWorkSpreading, "AAA"},
    {"admin", Action::kLeadRegion, "AAA"},
    // roaz-coordinator: its region, read and write capacity; no worklist, no patient data
    {"roaz-coordinator", Action::kReadRegion, "AA."},
    {"roaz-coordinator", Action::kWriteCapacity, "AA."},
    {"roaz-coordinator", Action::kReadAudit, "..."},
    {"roaz-coordinator", Action::kManageUsers, "..."},
    {"roaz-coordinator", Action::kManageTokens, "..."},
    {"roaz-coordinator", Action::kImportRegion, "..."},
    {"roaz-coordinator", Action::kWorkCases, "..."},
    {"roaz-coordinator", Action::kReadPatient, "..."},
    {"roaz-coordinator", Action::kAnswerHandovers, "..."},
    {"roaz-coordinator", Action::kReadAccessLog, "..."},
    {"roaz-coordinator", Action::kManagePathways, "..."},
    {"roaz-coordinator", Action::kBreakGlass, "..."},
    {"roaz-coordinator", Action::kReportContacts, "..."},
    {"roaz-coordinator", Action::kReadKpis, "AA."},
    {"roaz-coordinator", Action::kSimulate, "AA."},
    {"roaz-coordinator", Action::kReadTransfers, "AA."},
    {"roaz-coordinator", Action::kWorkTransfers, "AA."},
    {"roaz-coordinator", Action::kReadPlacements, "AA."},
    {"roaz-coordinator", Action::kWorkPlacements, "AA."},
    {"roaz-coordinator", Action::kReadSpreading, "AA."},
    {"roaz-coordinator", Action::kWorkSpreading, "AA."},
    {"roaz-coordinator", Action::kLeadRegion, "AA."},
    // zcc-coordinator: reads its region, works its worklist and reads its cases' patient data
    {"zcc-coordinator", Action::kReadRegion, "AA."},
    {"zcc-coordinator", Action::kWriteCapacity, "..."},
    {"zcc-coordinator", Action::kReadAudit, "..."},
    {"zcc-coordinator", Action::kManageUsers, "..."},
    {"zcc-coordinator", Action::kManageTokens, "..."},
    {"zcc-coordinator", Action::kImportRegion, "..."},
    {"zcc-coordinator", Action::kWorkCases, "AA."},
    {"zcc-coordinator", Action::kReadPatient, "AA."},
    {"zcc-coordinator", Action::kAnswerHandovers, "..."},
    {"zcc-coordinator", Action::kReadAccessLog, "..."},
    {"zcc-coordinator", Action::kManagePathways, "..."},
    {"zcc-coordinator", Action::kBreakGlass, "..."},
    {"zcc-coordinator", Action::kReportContacts, "..."},
    {"zcc-coordinator", Action::kReadKpis, "AA."},
    {"zcc-coordinator", Action::kSimulate, "AA."},
    {"zcc-coordinator", Action::kReadTransfers, "AA."},
    {"zcc-coordinator", Action::kWorkTransfers, "AA."},
    {"zcc-coordinator", Action::kReadPlacements, "AA."},
    {"zcc-coordinator", Action::kWorkPlacements, "AA."},
    {"zcc-coordinator", Action::kReadSpreading, "AA."},
    {"zcc-coordinator", Action::kWorkSpreading, "AA."},
    {"zcc-coordinator", Action::kLeadRegion, "AA."},
    // org-capacity-manager: reads the region, writes capacity of its own organisation, answers its
    // handovers and reads the patient data of a case handed over to it
    {"org-capacity-manager", Action::kReadRegion, "AA."},
    {"org-capacity-manager", Action::kWriteCapacity, "A.."},
    {"org-capacity-manager", Action::kReadAudit, "..."},
    {"org-capacity-manager", Action::kManageUsers, "..."},
    {"org-capacity-manager", Action::kManageTokens, "..."},
    {"org-capacity-manager", Action::kImportRegion, "..."},
    {"org-capacity-manager", Action::kWorkCases, "..."},
    {"org-capacity-manager", Action::kReadPatient, "A.."},
    {"org-capacity-manager", Action::kAnswerHandovers, "A.."},
    {"org-capacity-manager", Action::kReadAccessLog, "..."},
    {"org-capacity-manager", Action::kManagePathways, "..."},
    {"org-capacity-manager", Action::kBreakGlass, "..."},
    {"org-capacity-manager", Action::kReportContacts, "..."},
    {"org-capacity-manager", Action::kReadKpis, "..."},
    {"org-capacity-manager", Action::kSimulate, "..."},
    {"org-capacity-manager", Action::kReadTransfers, "A.."},
    {"org-capacity-manager", Action::kWorkTransfers, "A.."},
    {"org-capacity-manager", Action::kReadPlacements, "A.."},
    {"org-capacity-manager", Action::kWorkPlacements, "A.."},
    {"org-capacity-manager", Action::kReadSpreading, "..."},
    {"org-capacity-manager", Action::kWorkSpreading, "..."},
    {"org-capacity-manager", Action::kLeadRegion, "..."},
    // org-user: reads its region, answers its organisation's handovers (and reads those patients)
    {"org-user", Action::kReadRegion, "AA."},
    {"org-user", Action::kWriteCapacity, "..."},
    {"org-user", Action::kReadAudit, "..."},
    {"org-user", Action::kManageUsers, "..."},
    {"org-user", Action::kManageTokens, "..."},
    {"org-user", Action::kImportRegion, "..."},
    {"org-user", Action::kWorkCases, "..."},
    {"org-user", Action::kReadPatient, "A.."},
    {"org-user", Action::kAnswerHandovers, "A.."},
    {"org-user", Action::kReadAccessLog, "..."},
    {"org-user", Action::kManagePathways, "..."},
    {"org-user", Action::kBreakGlass, "..."},
    {"org-user", Action::kReportContacts, "..."},
    {"org-user", Action::kReadKpis, "..."},
    {"org-user", Action::kSimulate, "..."},
    {"org-user", Action::kReadTransfers, "A.."},
    {"org-user", Action::kWorkTransfers, "A.."},
    {"org-user", Action::kReadPlacements, "A.."},
    {"org-user", Action::kWorkPlacements, "A.."},
    {"org-user", Action::kReadSpreading, "..."},
    {"org-user", Action::kWorkSpreading, "..."},
    {"org-user", Action::kLeadRegion, "..."},
    // viewer: reads its region, never patient data
    {"viewer", Action::kReadRegion, "AA."},
    {"viewer", Action::kWriteCapacity, "..."},
    {"viewer", Action::kReadAudit, "..."},
    {"viewer", Action::kManageUsers, "..."},
    {"viewer", Action::kManageTokens, "..."},
    {"viewer", Action::kImportRegion, "..."},
    {"viewer", Action::kWorkCases, "..."},
    {"viewer", Action::kReadPatient, "..."},
    {"viewer", Action::kAnswerHandovers, "..."},
    {"viewer", Action::kReadAccessLog, "..."},
    {"viewer", Action::kManagePathways, "..."},
    {"viewer", Action::kBreakGlass, "..."},
    {"viewer", Action::kReportContacts, "..."},
    {"viewer", Action::kReadKpis, "..."},
    {"viewer", Action::kSimulate, "AA."},
    {"viewer", Action::kReadTransfers, "AA."},
    {"viewer", Action::kWorkTransfers, "..."},
    {"viewer", Action::kReadPlacements, "AA."},
    {"viewer", Action::kWorkPlacements, "..."},
    {"viewer", Action::kReadSpreading, "AA."},
    {"viewer", Action::kWorkSpreading, "..."},
    {"viewer", Action::kLeadRegion, "..."},
    // privacy-officer: the access log of its region, nothing clinical
    {"privacy-officer", Action::kReadRegion, "..."},
    {"privacy-officer", Action::kWriteCapacity, "..."},
    {"privacy-officer", Action::kReadAudit, "..."},
    {"privacy-officer", Action::kManageUsers, "..."},
    {"privacy-officer", Action::kManageTokens, "..."},
    {"privacy-officer", Action::kImportRegion, "..."},
    {"privacy-officer", Action::kWorkCases, "..."},
    {"privacy-officer", Action::kReadPatient, "..."},
    {"privacy-officer", Action::kAnswerHandovers, "..."},
    {"privacy-officer", Action::kReadAccessLog, "AA."},
    {"privacy-officer", Action::kManagePathways, "..."},
    {"privacy-officer", Action::kBreakGlass, "..."},
    {"privacy-officer", Action::kReportContacts, "..."},
    {"privacy-officer", Action::kReadKpis, "..."},
    {"privacy-officer", Action::kSimulate, "..."},
    {"privacy-officer", Action::kReadTransfers, "..."},
    {"privacy-officer", Action::kWorkTransfers, "..."},
    {"privacy-officer", Action::kReadPlacements, "..."},
    {"privacy-officer", Action::kWorkPlacements, "..."},
    {"privacy-officer", Action::kReadSpreading, "..."},
    {"privacy-officer", Action::kWorkSpreading, "..."},
    {"privacy-officer", Action::kLeadRegion, "..."},
    // feed token: writes capacity of its own organisation, nothing else
    {"feed", Action::kReadRegion, "..."},
    {"feed", Action::kWriteCapacity, "A.."},
    {"feed", Action::kReadAudit, "..."},
    {"feed", Action::kManageUsers, "..."},
    {"feed", Action::kManageTokens, "..."},
    {"feed", Action::kImportRegion, "..."},
    {"feed", Action::kWorkCases, "..."},
    {"feed", Action::kReadPatient, "..."},
    {"feed", Action::kAnswerHandovers, "..."},
    {"feed", Action::kReadAccessLog, "..."},
    {"feed", Action::kManagePathways, "..."},
    {"feed", Action::kBreakGlass, "..."},
    {"feed", Action::kReportContacts, "A.."},
    {"feed", Action::kReadKpis, "..."},
    {"feed", Action::kSimulate, "..."},
    {"feed", Action::kReadTransfers, "..."},
    {"feed", Action::kWorkTransfers, "..."},
    {"feed", Action::kReadPlacements, "..."},
    {"feed", Action::kWorkPlacements, "..."},
    {"feed", Action::kReadSpreading, "..."},
    {"feed", Action::kWorkSpreading, "..."},
    {"feed", Action::kLeadRegion, "..."},
};

TEST(AuthzMatrix, EveryCellAsSpecified) {
  const Scope scopes[] = {Scope::kOwnOrg, Scope::kOtherOrg, Scope::kOtherRegion};
  int cells = 0;
  for (const Row& row : kMatrix) {
    Principal who = row.who == "feed" ? Feed() : User(*ParseRole(row.who));
    for (int i = 0; i < 3; ++i) {
      bool want = row.expect[i] == 'A';
      bool got = Authorize(who, row.action, ResourceFor(scopes[i])) == Decision::kAllow;
      EXPECT_EQ(got, want) << row.who << " " << ToString(row.action) << " " << Name(scopes[i]);
      ++cells;
    }
  }
  EXPECT_EQ(cells, 8 * 22 * 3);
}

TEST(AuthzMatrix, CoversEveryRoleAndAction) {
  std::map<std::string, int> per_who;
  for (const Row& row : kMatrix) per_who[row.who]++;
  for (const char* role : {"admin", "roaz-coordinator", "zcc-coordinator", "org-capacity-manager", "org-user", "viewer",
                           "privacy-officer"}) {
    ASSERT_TRUE(ParseRole(role).has_value()) << role;
    EXPECT_EQ(per_who[role], 22) << role;
  }
  EXPECT_EQ(per_who["feed"], 22);
}

TEST(Authz, RegionRoleWithoutRegionIsDenied) {
  Principal p = User(Role::kRoazCoordinator);
  p.region_id.clear();
  EXPECT_EQ(Authorize(p, Action::kReadRegion, {"", ""}), Decision::kDeny);
  EXPECT_EQ(Authorize(p, Action::kReadRegion, {"ZWN", ""}), Decision::kDeny);
}

TEST(Authz, OrgManagerCannotWriteRegionLevelResource) {
  // A resource without an organisation is never "own organisation".
  EXPECT_EQ(Authorize(User(Role::kOrgCapacityManager), Action::kWriteCapacity, {"ZWN", ""}), Decision::kDeny);
}

TEST(Authz, TransfersOfARegionLevelResourceOnlyForRegionRoles) {
  // The board of a whole region (no organisation): coordinators and viewers
  // of the region, not an organisation's users.
  EXPECT_EQ(Authorize(User(Role::kZccCoordinator), Action::kReadTransfers, {"ZWN", ""}), Decision::kAllow);
  EXPECT_EQ(Authorize(User(Role::kViewer), Action::kReadTransfers, {"ZWN", ""}), Decision::kAllow);
  EXPECT_EQ(Authorize(User(Role::kOrgUser), Action::kReadTransfers, {"ZWN", ""}), Decision::kDeny);
  EXPECT_EQ(Authorize(User(Role::kOrgCapacityManager), Action::kWorkTransfers, {"ZWN", ""}), Decision::kDeny);
}

TEST(Authz, PlacementsOfARegionLevelResourceOnlyForRegionRoles) {
  // The waiting list of a whole region (no organisation): coordinators and
  // viewers of the region, not an organisation's users.
  EXPECT_EQ(Authorize(User(Role::kRoazCoordinator), Action::kReadPlacements, {"ZWN", ""}), Decision::kAllow);
  EXPECT_EQ(Authorize(User(Role::kViewer), Action::kReadPlacements, {"ZWN", ""}), Decision::kAllow);
  EXPECT_EQ(Authorize(User(Role::kViewer), Action::kWorkPlacements, {"ZWN", ""}), Decision::kDeny);
  EXPECT_EQ(Authorize(User(Role::kOrgUser), Action::kReadPlacements, {"ZWN", ""}), Decision::kDeny);
  EXPECT_EQ(Authorize(User(Role::kOrgCapacityManager), Action::kWorkPlacements, {"ZWN", ""}), Decision::kDeny);
}

TEST(Authz, RoleNamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kRoazCoordinator, Role::kOrgCapacityManager, Role::kOrgUser, Role::kViewer,
                 Role::kZccCoordinator, Role::kPrivacyOfficer}) {
    EXPECT_EQ(ParseRole(ToString(r)), r);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
}

}  // namespace
}  // namespace ozcc
