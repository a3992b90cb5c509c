// Authorisation: one pure function decides whether a principal may perform
// an action on a resource. Every handler asks it; nothing else decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ozcc {

enum class Role {
  kAdmin,
  kRoazCoordinator,
  kOrgCapacityManager,
  kOrgUser,
  kViewer,
  kZccCoordinator,  // works the region's worklist of care requests; reads the patient data of its cases
  kPrivacyOfficer,  // reads the access log of patient data in its region; no clinical data
};

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
  // The worklist (care requests, "cases") of a region: read it and work it
  // (create, triage, consult, hand over, close). Cases themselves carry no
  // patient data; that is kReadPatient.
  kWorkCases,
  // Read a case's patient data (BSN, name, medication …). The resource is the
  // case's region and, for a partner, the organisation a handover of the case
  // is addressed to (the service passes it only when one is).
  kReadPatient,
  // See and answer (accept / decline) the handovers addressed to an organisation.
  kAnswerHandovers,
  kReadAccessLog,   // who read which patient's data (NEN 7513)
  kManagePathways,  // the care pathways (zorgpaden) as data
  kBreakGlass,      // read patient data outside one's role, with a reason, audited and reported
  // Report a patient's contacts with the organisation (the 72-hour history):
  // a feed token of that organisation, i.e. the partner's system.
  kReportContacts,
  // The worklist KPIs of a region (counts and times, no patient data): for
  // those who run the ZCC and the acute-care network (docs/worklist.md).
  kReadKpis,
  // Run what-if simulations of a region and read its runs and its scenario
  // from the live state (docs/simulation.md): no patient data.
  kSimulate,
  // Transfers of patients between units (docs/transfers.md). The resource is
  // the transfer's region and one side's organisation: read the transfers of
  // a region or of one organisation …
  kReadTransfers,
  // … and take a step of a transfer for that side (create and cancel for the
  // sending organisation, accept / decline / arrive for the receiving one,
  // plan and en route for either: the service passes the side's organisation).
  kWorkTransfers,
  // Follow-up placements (docs/placement.md). The resource is the region and
  // one side's organisation (the sending hospital, or a provider an offer is
  // made to): read the placements of a region or of one organisation …
  kReadPlacements,
  // … and work them for that side (create, offer and cancel for the sending
  // organisation, answer an offer for the provider: the service passes the
  // side's organisation).
  kWorkPlacements,
  // Spreading plans of patients over hospitals (docs/spreading.md). The
  // resource is the plan's owner region: read its plans …
  kReadSpreading,
  // … and propose, re-solve, approve and discard them (the region's
  // coordinators; hospitals see the resulting transfers on their board).
  kWorkSpreading,
  // Lead the region (core/phase.h): declare its phase and, in a crisis that
  // requires it, approve each transfer. The region's coordinators.
  kLeadRegion,
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
// - admin: everything, every region, except patient data: that only through
//   break-glass (kBreakGlass, which the service audits and reports); it does
//   not report contacts (a partner's system does).
// - roaz-coordinator: read and write capacity in its region; read its
//   region's worklist KPIs; simulate its region; its region's transfers.
// - zcc-coordinator: read its region; work its worklist; read the patient
//   data of its region's cases; see the handovers of its region; read its
//   region's worklist KPIs; simulate its region.
// - org-capacity-manager: read its region; write capacity of its own
//   organisation; answer its organisation's handovers and read the patient
//   data of a case handed over to it.
// - org-user: read its region; answer its organisation's handovers and read
//   the patient data of a case handed over to it.
// - viewer: read its region and simulate it (ROAZ board members are
//   viewers); never patient data.
// - privacy-officer: the access log of its region; nothing clinical.
// - transfers: admin everywhere; roaz-coordinator and zcc-coordinator read
//   and work every transfer of their region; org-capacity-manager and
//   org-user read and work the transfers of their own organisation (either
//   side); viewer reads its region's transfers; nobody else.
// - placements: as transfers (admin everywhere; roaz- and zcc-coordinator
//   their region's; org-capacity-manager and org-user their own
//   organisation's, as sender or provider; viewer reads its region's).
// - spreading plans: admin everywhere; roaz- and zcc-coordinator read and
//   work their region's; viewer reads its region's; organisations' users
//   nothing (they see the resulting transfers on their board).
// - leading the region (its phase, approving transfers in a crisis): admin
//   everywhere; roaz- and zcc-coordinator their region; nobody else.
// - feed token: write capacity of its own organisation's units and report its
//   organisation's patient contacts; nothing else.
Decision Authorize(const Principal& who, Action action, const Resource& what);

}  // namespace ozcc
