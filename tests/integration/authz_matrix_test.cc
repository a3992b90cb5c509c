// The authorisation matrix, end to end: every route of the real route table
// (the Api's http::Router, web UI included) × every kind of caller — each
// role acting on its own organisation, another organisation of its region and
// another region (DEMO2), a feed token, no credentials, an expired session and
// a revoked (signed-out) session — against the expected outcome written down
// per route below. A route without a row, or a row for a route that no longer
// exists, fails the test; so does any cell whose answer differs (in
// particular any 2xx where the table says 401 or 403). The operations of
// docs/openapi.json are the rows too: an operation documented without a row
// fails, and so does a row whose callers on their own organisation disagree
// with the operation's x-openzcc-roles (a listed role is allowed, any other
// is refused; "public" allows every caller). Runs on both stores.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/fhir/saner.h"
#include "base/time.h"
#include "core/placement.h"
#include "core/transfers.h"
#include "support/api_fixture.h"
#include "support/external.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

// The callers, in the order of a row's cells.
enum Caller {
  kAdmin,
  kCoordinator,
  kManager,
  kOrgUser,
  kViewer,
  kFeed,
  kAnonymous,
  kExpired,
  kRevoked,
  kZcc,
  kPrivacy,
  kCallers
};
const std::array<const char*, kCallers> kCallerNames = {"admin",   "coordinator", "manager",   "orguser",
                                                        "viewer",  "feed",        "anonymous", "expired",
                                                        "revoked", "zcc",         "privacy"};

// What a request sends as its body; the unit is the scope's unit.
enum class Body {
  kNone,
  kBeds,
  kBatch,
  kCsv,
  kMeasureReport,
  kLogin,
  kNewCase,
  kTriage,
  kConsult,
  kAdvice,
  kDecision,
  kHandover,
  kReason,
  kClose,
  kContact,
  kContactSearch,
  kAccessByCase,
  kPathway,        // the shipped catheter-care document
  kPathwayChoice,  // an action of catheter-care v1 taken
  kTask,           // the scope's handover as a Task, status accepted, no version
  kSimulation,     // a run of a one-hour scenario in the scope's region
  kNewTransfer,    // a transfer from the scope's unit to another organisation's unit of its region
  kTransferStep,   // cancel the scope's transfer (sent without If-Match: 428 when allowed)
  kNewPlacement,   // a placement from the scope's unit, care type elv-high
  kOffers,         // an offer of the scope's placement to a follow-up unit (no If-Match: 428 when allowed)
  kOfferAnswer,    // decline the scope's placement's offer (no If-Match: 428 when allowed)
  kNewSpreading,   // a spreading plan over the scope's region of one IC patient from the scope's unit
  kPhase           // a declaration of the regular phase (no If-Match: 428 when allowed)
};

// One route. `target` is the concrete request; in a scoped row {unit},
// {region} and {org} are filled from the scope. Each cell is one letter per
// scope — one for an unscoped row, three (own organisation, other
// organisation, other region) for a scoped one:
//   A  allowed: 2xx      U  401      F  403
//   I  422: the subject is not in the caller's region (FHIR import resolves
//      subjects there; it cannot tell another region's unit from a typo)
//   P  428: allowed, and then asked for If-Match (the worklist's changes are
//      sent without one, so the matrix changes nothing)
//   N  404: allowed, and then the target is not found (a review of a
//      break-glass grant that does not exist: the matrix changes nothing)
//   C  409: allowed, and then refused for the target's state (stopping a
//      simulation run that has ended: the matrix changes nothing)
// Worklist rows: {case} is a case of the scope's region with a patient,
// handed over to the scope's organisation ({handover}).
struct Row {
  const char* method;
  const char* pattern;
  const char* target;
  Body body;
  std::array<const char*, kCallers> expect;
};

// clang-format off
const std::vector<Row> kRows = {
// Cells, in order: admin, coordinator, manager, orguser, viewer, feed, anonymous, expired, revoked, zcc, privacy.
  // Public: credentials, good or bad, do not matter.
  {"GET",  "/healthz", "/healthz",                                                    Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/readyz", "/readyz",                                                      Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/metrics", "/metrics",                                                    Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/api/v1/openapi.json", "/api/v1/openapi.json",                            Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/fhir/metadata", "/fhir/metadata",                                        Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"POST", "/api/v1/auth/login", "/api/v1/auth/login",                                Body::kLogin, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/", "/",                                                                  Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/{file}", "/index.html",                                                  Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  {"GET",  "/assets/{file}", "/assets/app.js",                                        Body::kNone, {"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A"}},
  // Any valid credentials. Logout runs on a fresh session of each user; a
  // feed token's "logout" only drops it from the cache (it stays valid).
  {"GET",  "/api/v1/auth/me", "/api/v1/auth/me",                                      Body::kNone, {"A", "A", "A", "A", "A", "A", "U", "U", "U", "A", "A"}},
  {"POST", "/api/v1/auth/logout", "/api/v1/auth/logout",                              Body::kNone, {"A", "A", "A", "A", "A", "A", "U", "U", "U", "A", "A"}},
  // The regions the caller may read (a feed token gets an empty list).
  {"GET",  "/api/v1/regions", "/api/v1/regions",                                      Body::kNone, {"A", "A", "A", "A", "A", "A", "U", "U", "U", "A", "A"}},
  {"GET",  "/api/v1/audit", "/api/v1/audit",                                          Body::kNone, {"A", "F", "F", "F", "F", "F", "U", "U", "U", "F", "F"}},
  // Reads of a region: its own region for every role, every region for admins, never for feeds.
  {"GET",  "/api/v1/regions/{region_id}", "/api/v1/regions/{region}",                 Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/capacity/snapshot", "/api/v1/capacity/snapshot?region={region}", Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/events", "/api/v1/events?region={region}",                        Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/units/{unit_id}/capacity/history", "/api/v1/units/{unit}/capacity/history",
                                                                                      Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // Forecasts: readers of the region; a unit without history is then not found.
  {"GET",  "/api/v1/units/{unit_id}/forecast", "/api/v1/units/{unit}/forecast",      Body::kNone, {"NNN", "NNF", "NNF", "NNF", "NNF", "FFF", "UUU", "UUU", "UUU", "NNF", "FFF"}},
  {"GET",  "/api/v1/forecasts", "/api/v1/forecasts?region={region}",                  Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/Organization", "/fhir/Organization?region={region}",                Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/Organization/{id}", "/fhir/Organization/{org}?region={region}",     Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/Location", "/fhir/Location?region={region}",                        Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/Location/{id}", "/fhir/Location/{unit}?region={region}",            Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/MeasureReport", "/fhir/MeasureReport?region={region}",              Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // A unit's stored reports: readers of its region, and whoever may report for it.
  {"GET",  "/fhir/MeasureReport/{id}", "/fhir/MeasureReport/{unit}",                  Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "AFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/MeasureReport/{id}/_history/{vid}", "/fhir/MeasureReport/{unit}/_history/{vid}",
                                                                                      Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "AFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/fhir/Organization/_search", "/fhir/Organization/_search?region={region}", Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/fhir/Location/_search", "/fhir/Location/_search?region={region}",         Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/fhir/MeasureReport/_search", "/fhir/MeasureReport/_search?region={region}", Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // The worklist over FHIR: Tasks for the ZCC and the partner they are addressed to (search: its own
  // only, in its own region); the partner answers (P: asked for the version); Patient as its JSON twin.
  {"GET",  "/fhir/Task", "/fhir/Task?region={region}",                                Body::kNone, {"AAA", "FFF", "AAF", "AAF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/fhir/Task/_search", "/fhir/Task/_search?region={region}",                Body::kNone, {"AAA", "FFF", "AAF", "AAF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/fhir/Task/{id}", "/fhir/Task/{handover}",                                Body::kNone, {"AAA", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"PUT",  "/fhir/Task/{id}", "/fhir/Task/{handover}",                                Body::kTask, {"FFF", "FFF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"GET",  "/fhir/Patient/{id}", "/fhir/Patient/{case}",                              Body::kNone, {"FFF", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // Capacity writes: coordinators in their region, managers and feeds for their own organisation.
  {"PUT",  "/api/v1/units/{unit_id}/capacity", "/api/v1/units/{unit}/capacity",       Body::kBeds, {"AAA", "AAF", "AFF", "FFF", "FFF", "AFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"POST", "/api/v1/capacity:batch", "/api/v1/capacity:batch",                        Body::kBatch, {"AAA", "AAF", "AFF", "FFF", "FFF", "AFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"POST", "/api/v1/capacity:import-csv", "/api/v1/capacity:import-csv",              Body::kCsv, {"AAA", "AAF", "AFF", "FFF", "FFF", "AFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"POST", "/fhir/MeasureReport", "/fhir/MeasureReport",                              Body::kMeasureReport, {"AAA", "AAI", "AFI", "FFI", "FFI", "AFI", "UUU", "UUU", "UUU", "FFI", "FFI"}},
  // The worklist: the ZCC of the region and admins work it; a partner sees a case handed over to it.
  {"POST", "/api/v1/cases", "/api/v1/cases",                                           Body::kNewCase, {"AAA", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/cases", "/api/v1/cases?region={region}",                            Body::kNone, {"AAA", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/cases/{case_id}", "/api/v1/cases/{case}",                           Body::kNone, {"AAA", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/triage", "/api/v1/cases/{case}/triage",             Body::kTriage, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/consult", "/api/v1/cases/{case}/consult",           Body::kConsult, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/advice", "/api/v1/cases/{case}/advice",             Body::kAdvice, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/end-consult", "/api/v1/cases/{case}/end-consult",   Body::kDecision, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/handovers", "/api/v1/cases/{case}/handovers",       Body::kHandover, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/withdraw", "/api/v1/cases/{case}/withdraw",         Body::kReason, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/close", "/api/v1/cases/{case}/close",               Body::kClose, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  // Patient data: the ZCC of the region and the partner addressed; an admin only after break-glass (next row).
  {"GET",  "/api/v1/cases/{case_id}/patient", "/api/v1/cases/{case}/patient",           Body::kNone, {"FFF", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/break-glass", "/api/v1/cases/{case}/break-glass",   Body::kReason, {"AAA", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"GET",  "/api/v1/handovers", "/api/v1/handovers?organization={org}",                 Body::kNone, {"AAA", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"GET",  "/api/v1/handovers/{handover_id}", "/api/v1/handovers/{handover}",           Body::kNone, {"AAA", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/handovers/{handover_id}/accept", "/api/v1/handovers/{handover}/accept", Body::kNone, {"FFF", "FFF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  {"POST", "/api/v1/handovers/{handover_id}/decline", "/api/v1/handovers/{handover}/decline", Body::kReason, {"FFF", "FFF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "FFF"}},
  // Care pathways: every signed-in user of a region reads them; admins change them (without If-Match: 428).
  {"GET",  "/api/v1/pathways", "/api/v1/pathways",                                     Body::kNone, {"A", "A", "A", "A", "A", "F", "U", "U", "U", "A", "F"}},
  {"GET",  "/api/v1/pathways/{pathway_id}", "/api/v1/pathways/catheter-care",          Body::kNone, {"A", "A", "A", "A", "A", "F", "U", "U", "U", "A", "F"}},
  {"GET",  "/api/v1/pathways/{pathway_id}/versions", "/api/v1/pathways/catheter-care/versions", Body::kNone, {"A", "A", "A", "A", "A", "F", "U", "U", "U", "A", "F"}},
  {"PUT",  "/api/v1/pathways/{pathway_id}", "/api/v1/pathways/catheter-care",          Body::kPathway, {"P", "F", "F", "F", "F", "F", "U", "U", "U", "F", "F"}},
  // A case's pathway proposal and the decision on it: those who work the case.
  {"GET",  "/api/v1/cases/{case_id}/proposal", "/api/v1/cases/{case}/proposal",         Body::kNone, {"AAA", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/cases/{case_id}/pathway", "/api/v1/cases/{case}/pathway",           Body::kPathwayChoice, {"PPP", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  // The worklist KPIs (no patient data): the ZCC and the ROAZ coordinators of the region, admins.
  {"GET",  "/api/v1/kpis", "/api/v1/kpis?region={region}",                              Body::kNone, {"AAA", "AAF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // What-if simulation (no patient data): the region's admin, coordinators and viewers (ROAZ board members).
  {"GET",  "/api/v1/regions/{region_id}/scenario", "/api/v1/regions/{region}/scenario", Body::kNone, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/simulations", "/api/v1/simulations",                                Body::kSimulation, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/simulations", "/api/v1/simulations?region={region}",                Body::kNone, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/simulations/{id}", "/api/v1/simulations/{simulation}",              Body::kNone, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // Stopping a run: its region's simulators; a viewer only its own runs (the
  // matrix's runs are the viewer's and have ended).
  {"POST", "/api/v1/simulations/{id}/cancel", "/api/v1/simulations/{simulation}/cancel", Body::kNone, {"CCC", "CCF", "FFF", "FFF", "CCF", "FFF", "UUU", "UUU", "UUU", "CCF", "FFF"}},
  {"GET",  "/api/v1/complaints", "/api/v1/complaints?q=pijn",                          Body::kNone, {"A", "A", "A", "A", "A", "A", "U", "U", "U", "A", "A"}},
  // The 72-hour contact history: partners' feeds report, the ZCC looks up (any region's contacts of its patient).
  {"POST", "/api/v1/contacts", "/api/v1/contacts",                                      Body::kContact, {"F", "F", "F", "F", "F", "A", "U", "U", "U", "F", "F"}},
  {"POST", "/api/v1/contacts:search", "/api/v1/contacts:search",                        Body::kContactSearch, {"F", "F", "F", "F", "F", "F", "U", "U", "U", "A", "F"}},
  // The access log and break-glass review: the privacy officer of the region, and admins.
  {"POST", "/api/v1/access-log:search", "/api/v1/access-log:search",                    Body::kAccessByCase, {"AAA", "FFF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "FFF", "AAF"}},
  {"GET",  "/api/v1/break-glass", "/api/v1/break-glass",                                Body::kNone, {"A", "F", "F", "F", "F", "F", "U", "U", "U", "F", "A"}},
  {"POST", "/api/v1/break-glass/{grant_id}/review", "/api/v1/break-glass/999999999/review", Body::kNone, {"N", "F", "F", "F", "F", "F", "U", "U", "U", "F", "N"}},
  // Transfers ({transfer}: from the scope's organisation to a third one of its region, with a patient):
  // the sending organisation's users, the region's coordinators and admins create and cancel; the
  // region's viewers read too; the patient as a case's (its sides' users and the ZCC).
  {"POST", "/api/v1/transfers", "/api/v1/transfers",                                     Body::kNewTransfer, {"AAA", "AAF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/transfers", "/api/v1/transfers?region={region}&organization={org}", Body::kNone, {"AAA", "AAF", "AFF", "AFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/transfers/{transfer_id}", "/api/v1/transfers/{transfer}",           Body::kNone, {"AAA", "AAF", "AFF", "AFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/transfers/{transfer_id}/transition", "/api/v1/transfers/{transfer}/transition",
                                                                                         Body::kTransferStep, {"PPP", "PPF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"GET",  "/api/v1/transfers/{transfer_id}/patient", "/api/v1/transfers/{transfer}/patient", Body::kNone, {"FFF", "FFF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // Approving a transfer in a crisis phase: the region's coordinators and admins (sent without If-Match).
  {"POST", "/api/v1/transfers/{transfer_id}/approve", "/api/v1/transfers/{transfer}/approve",
                                                                                         Body::kNone, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  // The region's declared phase: its readers read it; its coordinators and admins declare it.
  {"GET",  "/api/v1/regions/{region_id}/phase", "/api/v1/regions/{region}/phase",        Body::kNone, {"AAA", "AAF", "AAF", "AAF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"PUT",  "/api/v1/regions/{region_id}/phase", "/api/v1/regions/{region}/phase",        Body::kPhase, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  // Follow-up placements ({placement}: sent by the scope's organisation, offered to a follow-up unit of a
  // third organisation of its region): the sending organisation's users, the region's coordinators and
  // admins create, match and offer; the region's viewers read; the offer is answered by its provider
  // (a third organisation here, so the scope's own users are refused) and the region's desk; cancelling
  // is the sending side's and the desk's (sent without If-Match: 428 when allowed).
  {"POST", "/api/v1/placements", "/api/v1/placements",                                   Body::kNewPlacement, {"AAA", "AAF", "AFF", "AFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/placements", "/api/v1/placements?region={region}&organization={org}", Body::kNone, {"AAA", "AAF", "AFF", "AFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/placements/{placement_id}", "/api/v1/placements/{placement}",        Body::kNone, {"AAA", "AAF", "AFF", "AFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/placements/{placement_id}/matches", "/api/v1/placements/{placement}/matches",
                                                                                         Body::kNone, {"AAA", "AAF", "AFF", "AFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/placements/{placement_id}/offers", "/api/v1/placements/{placement}/offers",
                                                                                         Body::kOffers, {"PPP", "PPF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/placements/{placement_id}/offers/{offer_id}/answer", "/api/v1/placements/{placement}/offers/{offer}/answer",
                                                                                         Body::kOfferAnswer, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/placements/{placement_id}/cancel", "/api/v1/placements/{placement}/cancel",
                                                                                         Body::kReason, {"PPP", "PPF", "PFF", "PFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  // The placement KPIs: as the worklist's.
  {"GET",  "/api/v1/placements/kpis", "/api/v1/placements/kpis?region={region}",         Body::kNone, {"AAA", "AAF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  // Spreading plans ({spreading}: a proposed plan of the scope's region, made by the admin): the region's
  // coordinators and admins propose, re-solve, approve and discard (sent without If-Match: 428 when
  // allowed); the region's viewers read; organisations' users see only the transfers it makes.
  {"POST", "/api/v1/spreading/plans", "/api/v1/spreading/plans",                         Body::kNewSpreading, {"AAA", "AAF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/spreading/plans", "/api/v1/spreading/plans?region={region}",         Body::kNone, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"GET",  "/api/v1/spreading/plans/{plan_id}", "/api/v1/spreading/plans/{spreading}",   Body::kNone, {"AAA", "AAF", "FFF", "FFF", "AAF", "FFF", "UUU", "UUU", "UUU", "AAF", "FFF"}},
  {"POST", "/api/v1/spreading/plans/{plan_id}/solve", "/api/v1/spreading/plans/{spreading}/solve",
                                                                                         Body::kNone, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/spreading/plans/{plan_id}/approve", "/api/v1/spreading/plans/{spreading}/approve",
                                                                                         Body::kNone, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
  {"POST", "/api/v1/spreading/plans/{plan_id}/discard", "/api/v1/spreading/plans/{spreading}/discard",
                                                                                         Body::kNone, {"PPP", "PPF", "FFF", "FFF", "FFF", "FFF", "UUU", "UUU", "UUU", "PPF", "FFF"}},
};
// clang-format on

// The callers that stand for an x-openzcc-roles name of docs/openapi.json.
const std::map<std::string, Caller> kRoleCallers = {{"admin", kAdmin},
                                                    {"roaz-coordinator", kCoordinator},
                                                    {"org-capacity-manager", kManager},
                                                    {"org-user", kOrgUser},
                                                    {"viewer", kViewer},
                                                    {"feed", kFeed},
                                                    {"zcc-coordinator", kZcc},
                                                    {"privacy-officer", kPrivacy},
                                                    {"public", kAnonymous}};

// The web UI's routes: in the route table, not in the API description; public.
const std::set<std::pair<std::string, std::string>> kWebUi = {
    {"GET", "/"}, {"GET", "/{file}"}, {"GET", "/assets/{file}"}};

// Every operation of docs/openapi.json → its x-openzcc-roles.
std::map<std::pair<std::string, std::string>, std::set<std::string>> DocumentedOperations() {
  std::ifstream in(SourceDir() / "docs" / "openapi.json");
  const json doc = json::parse(in, nullptr, false);
  std::map<std::pair<std::string, std::string>, std::set<std::string>> out;
  if (doc.is_discarded() || !doc.contains("paths")) return out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("responses")) continue;
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto& roles = out[{m, path}];
      for (const auto& r : op.value("x-openzcc-roles", json::array())) roles.insert(r.get<std::string>());
    }
  }
  return out;
}

std::string Replace(std::string s, const std::string& what, const std::string& with) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
  return s;
}

bool Matches(char cell, int status) {
  switch (cell) {
    case 'A': return status >= 200 && status < 300;
    case 'U': return status == 401;
    case 'F': return status == 403;
    case 'I': return status == 422;
    case 'P': return status == 428;
    case 'N': return status == 404;
    case 'C': return status == 409;
  }
  return false;
}

const json kOneHourScenario = json::parse(
    R"({"horizon_hours": 1, "arrivals": [{"name": "calls", "rate_per_hour": 2, "to": "desk"}],
        "stations": [{"name": "desk", "servers": 1, "service": {"dist": "exponential", "mean_minutes": 5}}]})");

class AuthzMatrixTest : public ApiFixture {
 protected:
  void SetUp() override {
    with_web_ui_ = true;  // the web routes are in the route table too
    // Every allowed simulation start is accepted, however fast the matrix runs.
    api_options_.simulations.max_queue = 100;
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;

    // Both sessions belong to the admin, who may do everything: only the
    // session's state can make them fail.
    expired_ = NewSession("admin", -std::chrono::hours(1));
    revoked_ = NewSession("admin");
    ASSERT_EQ(client_->Request("GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + revoked_}}).status, 200)
        << "the revoked session is cached before it is revoked";
    ASSERT_EQ(client_->Request("POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + revoked_}}).status,
              204);

    auto demo2 = store_->GetRegion("DEMO2");
    ASSERT_TRUE(demo2.ok());
    for (const auto& u : demo2->units) {
      if (u.type == UnitType::kIc && region_unit_.empty()) {
        region_unit_ = u.id;
        region_org_ = u.organization_id;
      }
    }
    ASSERT_FALSE(region_unit_.empty()) << "DEMO2 has an IC unit";

    // A stored report of each scope's unit, for the reads of MeasureReport/{id}.
    for (const auto& scope : Scopes()) {
      CapacityWrite w;
      w.reports.push_back(CapacityReport{.unit_id = scope.unit, .as_of = Now(), .beds = Beds{20, 18, 15, 3}});
      auto stored = store_->WriteCapacity(std::move(w));
      ASSERT_TRUE(stored.ok()) << stored.status().message();
      versions_[scope.unit] = std::to_string(stored->reports.at(0).version);
      if (!simulations_.count(scope.region)) {
        StoredSimulation run;
        run.id = "sim-matrix-" + scope.region;
        run.region_id = scope.region;
        run.state = "done";
        run.replications = run.replications_done = 1;
        run.created_by = "viewer";  // a viewer may stop its own runs
        run.created_at = run.heartbeat_at = Now();
        run.scenario = kOneHourScenario.dump();
        ASSERT_TRUE(store_->CreateSimulation(run, ToolAudit("test", "setup", run.id)).ok());
        simulations_[scope.region] = run.id;
      }
      MakeCase(scope);
      if (HasFatalFailure()) return;
      MakeTransfer(scope);
      if (HasFatalFailure()) return;
      MakePlacement(scope);
      if (HasFatalFailure()) return;
      MakeSpreading(scope);
      if (HasFatalFailure()) return;
    }
  }

  struct Scope {
    std::string name, unit, region, org;
  };
  std::vector<Scope> Scopes() {
    return {{"own organisation", UnitOf(own_org_, UnitType::kIc), "ZWN", own_org_},
            {"other organisation", UnitOf(other_org_, UnitType::kIc), "ZWN", other_org_},
            {"other region", region_unit_, "DEMO2", region_org_}};
  }

  // The Authorization header of a caller (none for anonymous). `fresh`: a
  // new session of its own for a user (the request may end it).
  std::vector<std::pair<std::string, std::string>> CredentialsOf(Caller c, bool fresh) {
    std::string token;
    switch (c) {
      case kAnonymous: return {};
      case kExpired: token = expired_; break;
      case kRevoked: token = revoked_; break;
      case kFeed: token = TokenFor("feed"); break;
      default: token = fresh ? NewSession(kCallerNames[c]) : TokenFor(kCallerNames[c]);
    }
    return {{"Authorization", "Bearer " + token}};
  }

  std::string BodyFor(Body kind, const Scope& scope) {
    const json beds = {{"total", 20}, {"staffed", 18}, {"occupied", 15}, {"available", 3}};
    switch (kind) {
      case Body::kNone: return "";
      case Body::kBeds: return json{{"beds", beds}}.dump();
      case Body::kBatch: return json{{"items", {{{"unit_id", scope.unit}, {"beds", beds}}}}}.dump();
      case Body::kCsv:
        return "unit_id,beds_total,beds_staffed,beds_occupied,beds_available\n" + scope.unit + ",20,18,15,3\n";
      case Body::kLogin: return json{{"username", "viewer"}, {"password", kPassword}}.dump();
      case Body::kNewCase: return NewCaseBody(scope).dump();
      case Body::kTriage: return json{{"urgency", "U3"}, {"complaint", kComplaint}}.dump();
      case Body::kConsult: return json{{"consultant", "regiearts"}, {"question", "thuis of SEH?"}}.dump();
      case Body::kAdvice: return json{{"advice", "thuis"}}.dump();
      case Body::kDecision: return json{{"decision", "thuis"}}.dump();
      case Body::kHandover: return HandoverBody(scope.org).dump();
      case Body::kReason: return json{{"reason", "matrix"}}.dump();
      case Body::kClose: return json{{"outcome", "referred"}}.dump();
      case Body::kContact:
        return json{{"bsn", "111222333"}, {"at", FormatRfc3339(Now() - std::chrono::minutes(5))}, {"kind", "hap-call"}}
            .dump();
      case Body::kContactSearch: return json{{"bsn", "111222333"}, {"purpose", "matrix"}}.dump();
      case Body::kAccessByCase: return json{{"case_id", cases_.at(scope.unit)}}.dump();
      case Body::kPathway: {
        std::ifstream in(SourceDir() / "data" / "pathways" / "catheter-care.json");
        return std::string(std::istreambuf_iterator<char>(in), {});
      }
      case Body::kPathwayChoice:
        return json{{"pathway_id", "catheter-care"}, {"pathway_version", 1}, {"action", "acute-district-nursing"}}
            .dump();
      case Body::kTask:
        return json{{"resourceType", "Task"}, {"id", handovers_.at(scope.unit)}, {"status", "accepted"}}.dump();
      case Body::kSimulation:
        return json{{"region_id", scope.region}, {"scenario", kOneHourScenario}, {"replications", 1}}.dump();
      case Body::kNewTransfer: return TransferBody(scope).dump();
      case Body::kTransferStep: return json{{"to", "cancelled"}, {"reason", "matrix"}}.dump();
      case Body::kNewPlacement: return PlacementBody(scope).dump();
      case Body::kOffers: return json{{"offers", {ProviderOf(scope)}}}.dump();
      case Body::kNewSpreading: return SpreadingBody(scope).dump();
      case Body::kPhase: return json{{"phase", "regular"}, {"rationale", "matrix"}}.dump();
      case Body::kOfferAnswer: return json{{"accept", false}, {"reason", "no-bed"}}.dump();
      case Body::kMeasureReport: {
        auto unit = store_->GetUnit(scope.unit);
        EXPECT_TRUE(unit.ok()) << scope.unit;
        CapacityReport r;
        r.unit_id = scope.unit;
        r.as_of = Now();
        r.beds = Beds{20, 18, 15, 3};
        return unit.ok() ? api::fhir::CapacityToMeasureReport(*unit, r).dump() : "";
      }
    }
    return "";
  }

  static constexpr const char* kComplaint = "chest-pain";
  // One patient per scope (valid BSNs): a second request for a patient with an open case joins it.
  static json NewCaseBody(const Scope& scope) {
    const std::map<std::string, std::string> bsn = {
        {"own organisation", "111222333"}, {"other organisation", "123456782"}, {"other region", "999999990"}};
    return {{"region_id", scope.region}, {"channel", "hap"},
            {"summary", "matrix"},       {"patient", {{"bsn", bsn.at(scope.name)}, {"name", "J. Jansen"}}},
            {"legal_basis", "consent"},  {"urgency", "U3"},
            {"complaint", kComplaint}};
  }
  static json HandoverBody(const std::string& org) {
    return {{"to_organization_id", org}, {"sbar", {{"situation", "s"}, {"recommendation", "r"}}}};
  }

  // A transfer from the scope's unit to a unit with beds of an organisation of its region that is
  // neither the own nor the other organisation (their users must not be its receiving side).
  json TransferBody(const Scope& scope) {
    auto region = store_->GetRegion(scope.region);
    EXPECT_TRUE(region.ok());
    if (!region.ok()) return json::object();
    for (const auto& u : region->units) {
      if (u.organization_id == own_org_ || u.organization_id == other_org_ || u.organization_id == scope.org ||
          !TransferCareType(u.type)) {
        continue;
      }
      return {{"region_id", scope.region},  {"from_organization_id", scope.org},
              {"from_unit_id", scope.unit}, {"to_organization_id", u.organization_id},
              {"to_unit_id", u.id},         {"care_type", ToString(u.type)},
              {"reason", "matrix"}};
    }
    ADD_FAILURE() << "no third organisation with beds in " << scope.region;
    return json::object();
  }
  // The scope's transfer, with a patient (made by the admin).
  void MakeTransfer(const Scope& scope) {
    json body = TransferBody(scope);
    body["patient"] = {{"bsn", "111222333"}, {"name", "J. Jansen"}};
    auto created =
        client_->Request("POST", "/api/v1/transfers", body.dump(),
                         {{"Authorization", "Bearer " + TokenFor("admin")}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    transfers_[scope.unit] = json::parse(created.body)["id"].get<std::string>();
  }

  static json PlacementBody(const Scope& scope) {
    return {{"region_id", scope.region},
            {"from_organization_id", scope.org},
            {"from_unit_id", scope.unit},
            {"care_type", "elv-high"},
            {"profile", {{"age", 84}, {"mobility", "aid"}}}};
  }
  // A follow-up unit of an organisation of the scope's region that is neither the own nor the other one.
  json ProviderOf(const Scope& scope) {
    auto region = store_->GetRegion(scope.region);
    EXPECT_TRUE(region.ok());
    if (!region.ok()) return json::object();
    for (const auto& u : region->units) {
      if (u.organization_id == own_org_ || u.organization_id == other_org_ || !FollowUpUnitType(u.type)) continue;
      return {{"organization_id", u.organization_id}, {"unit_id", u.id}};
    }
    ADD_FAILURE() << "no follow-up unit in " << scope.region;
    return json::object();
  }
  // The scope's placement with one open offer (made by the admin).
  void MakePlacement(const Scope& scope) {
    std::vector<std::pair<std::string, std::string>> admin = {{"Authorization", "Bearer " + TokenFor("admin")},
                                                              {"Content-Type", "application/json"}};
    auto created = client_->Request("POST", "/api/v1/placements", PlacementBody(scope).dump(), admin);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = json::parse(created.body)["id"].get<std::string>();
    admin.emplace_back("If-Match", "\"1\"");
    auto offered = client_->Request("POST", "/api/v1/placements/" + id + "/offers",
                                    json{{"offers", {ProviderOf(scope)}}}.dump(), admin);
    ASSERT_EQ(offered.status, 200) << offered.body;
    placements_[scope.unit] = id;
    offers_[scope.unit] = json::parse(offered.body)["offers"][0]["id"].get<std::string>();
  }

  static json SpreadingBody(const Scope& scope) {
    return {
        {"regions", {scope.region}},
        {"patients", {{{"id", "P1"}, {"from_organization", scope.org}, {"from_unit", scope.unit}, {"needs", "ic"}}}}};
  }
  // The scope's region's proposed spreading plan (made by the admin).
  void MakeSpreading(const Scope& scope) {
    auto created =
        client_->Request("POST", "/api/v1/spreading/plans", SpreadingBody(scope).dump(),
                         {{"Authorization", "Bearer " + TokenFor("admin")}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    spreading_[scope.unit] = json::parse(created.body)["id"].get<std::string>();
  }

  // A case of the scope's region with a patient, handed over to the scope's organisation (made by the admin).
  void MakeCase(const Scope& scope) {
    const std::vector<std::pair<std::string, std::string>> admin = {{"Authorization", "Bearer " + TokenFor("admin")},
                                                                    {"Content-Type", "application/json"}};
    auto created = client_->Request("POST", "/api/v1/cases", NewCaseBody(scope).dump(), admin);
    ASSERT_TRUE(created.status == 201 || created.status == 200) << created.status << " " << created.body;
    const json c = json::parse(created.body);
    auto headers = admin;
    headers.emplace_back("If-Match", "\"" + std::to_string(c["version"].get<std::int64_t>()) + "\"");
    auto handed = client_->Request("POST", "/api/v1/cases/" + c["id"].get<std::string>() + "/handovers",
                                   HandoverBody(scope.org).dump(), headers);
    ASSERT_EQ(handed.status, 201) << handed.body;
    const json h = json::parse(handed.body);
    cases_[scope.unit] = c["id"].get<std::string>();
    handovers_[scope.unit] = h["handovers"].back()["id"].get<std::string>();
  }

  // The status of one request. An event stream expected to open is opened
  // and closed again; one expected to be refused is asked for as a plain
  // request, which times out (status 0) should the stream open after all.
  int StatusOf(const Row& row, Caller c, const Scope& scope, char expected) {
    const bool logout = std::string(row.pattern) == "/api/v1/auth/logout";
    auto headers = CredentialsOf(c, logout);
    std::string target =
        Replace(Replace(Replace(row.target, "{unit}", scope.unit), "{region}", scope.region), "{org}", scope.org);
    target = Replace(target, "{vid}", versions_[scope.unit]);
    target = Replace(Replace(target, "{case}", cases_[scope.unit]), "{handover}", handovers_[scope.unit]);
    target = Replace(target, "{simulation}", simulations_[scope.region]);
    target = Replace(target, "{transfer}", transfers_[scope.unit]);
    target = Replace(Replace(target, "{placement}", placements_[scope.unit]), "{offer}", offers_[scope.unit]);
    target = Replace(target, "{spreading}", spreading_[scope.unit]);
    if (std::string(row.pattern) == "/api/v1/events" && expected == 'A') {
      return SseClient(server_->port(), target, headers).status();
    }
    const std::string body = BodyFor(row.body, scope);
    if (row.body == Body::kCsv) headers.emplace_back("Content-Type", "text/csv");
    if (row.body == Body::kMeasureReport) headers.emplace_back("Content-Type", "application/fhir+json");
    if (!body.empty() && row.body != Body::kCsv && row.body != Body::kMeasureReport) {
      headers.emplace_back("Content-Type", "application/json");
    }
    return client_->Request(row.method, target, body, headers).status;
  }

  std::string expired_, revoked_, region_unit_, region_org_;
  std::map<std::string, std::string> versions_;             // unit → the version of its report written in SetUp
  std::map<std::string, std::string> cases_, handovers_;    // unit → the scope's case and its handover
  std::map<std::string, std::string> simulations_;          // region → a run of it
  std::map<std::string, std::string> transfers_;            // unit → the scope's transfer
  std::map<std::string, std::string> placements_, offers_;  // unit → the scope's placement and its open offer
  std::map<std::string, std::string> spreading_;            // unit → a proposed plan of the scope's region
};

TEST_P(AuthzMatrixTest, EveryRouteHasARowAndEveryRowARoute) {
  std::set<std::pair<std::string, std::string>> routes, rows;
  for (const auto& r : router_->routes()) routes.insert({r.method, r.pattern});
  for (const auto& r : kRows) {
    EXPECT_TRUE(rows.insert({r.method, r.pattern}).second) << "two rows for " << r.method << " " << r.pattern;
  }
  for (const auto& op : routes) {
    EXPECT_TRUE(rows.count(op)) << op.first << " " << op.second
                                << " has no row in kRows: write down who may call it (authz_matrix_test.cc)";
  }
  for (const auto& op : rows) {
    EXPECT_TRUE(routes.count(op)) << "kRows names " << op.first << " " << op.second << ", which is not a route";
  }
}

TEST_P(AuthzMatrixTest, EveryDocumentedOperationHasARowThatAgreesWithItsRoles) {
  const auto documented = DocumentedOperations();
  ASSERT_GT(documented.size(), 10u) << "docs/openapi.json not read from " << SourceDir();
  std::map<std::pair<std::string, std::string>, const Row*> rows;
  for (const auto& r : kRows) rows[{r.method, r.pattern}] = &r;
  for (const auto& [op, roles] : documented) {
    auto it = rows.find(op);
    if (it == rows.end()) {
      ADD_FAILURE() << op.first << " " << op.second
                    << " is documented in docs/openapi.json but has no row in kRows: write down who may call it";
      continue;
    }
    const Row& row = *it->second;
    for (const auto& [role, caller] : kRoleCallers) {
      const bool listed = roles.count(role) > 0 || roles.count("public") > 0;
      const char own = row.expect[caller][0];  // on the caller's own organisation
      const bool allowed = own == 'A' || own == 'P' || own == 'N' || own == 'C';
      EXPECT_EQ(listed, allowed) << op.first << " " << op.second << ": x-openzcc-roles "
                                 << (listed ? "lets " : "does not let ") << role << " call it, but the row says "
                                 << row.expect[caller] << " for " << kCallerNames[caller];
    }
    // A dead session is no credential: it gets what an anonymous caller gets.
    for (Caller dead : {kExpired, kRevoked}) {
      EXPECT_STREQ(row.expect[dead], row.expect[kAnonymous])
          << op.first << " " << op.second << " as " << kCallerNames[dead];
    }
  }
  for (const auto& r : kRows) {
    const std::pair<std::string, std::string> op = {r.method, r.pattern};
    EXPECT_TRUE(documented.count(op) || kWebUi.count(op))
        << "kRows names " << r.method << " " << r.pattern << ", which docs/openapi.json does not document";
  }
}

TEST_P(AuthzMatrixTest, EveryCallerGetsWhatTheTableSays) {
  const std::vector<Scope> scopes = Scopes();
  client_->set_timeout(std::chrono::seconds(10));
  std::vector<std::string> wrong;
  int requests = 0;
  for (const Row& row : kRows) {
    const size_t n = std::string(row.expect[0]).size();
    ASSERT_TRUE(n == 1 || n == 3) << row.pattern << ": a cell has one letter or three";
    for (int c = 0; c < kCallers; ++c) {
      const std::string cell = row.expect[c];
      ASSERT_EQ(cell.size(), n) << row.pattern << ", " << kCallerNames[c] << ": every cell of a row is as wide";
      for (size_t s = 0; s < n; ++s) {
        const int status = StatusOf(row, static_cast<Caller>(c), scopes[s], cell[s]);
        ++requests;
        EXPECT_LT(status, 500) << row.method << " " << row.target << " as " << kCallerNames[c];
        if (!Matches(cell[s], status)) {
          wrong.push_back(std::string(row.method) + " " + row.pattern + " as " + kCallerNames[c] +
                          (n == 3 ? " on " + scopes[s].name : "") + ": expected " + cell[s] + ", got " +
                          std::to_string(status));
        }
      }
    }
  }
  std::string list;
  for (const auto& w : wrong) list += "\n  " + w;
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " of " << requests << " cells differ from the table:" << list;
  EXPECT_GT(requests, 400);
}

INSTANTIATE_TEST_SUITE_P(, AuthzMatrixTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
