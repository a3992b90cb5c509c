// Persistence of the ZCC worklist: care requests (cases), their triage
// history and timeline, handovers to partners, sealed patient data, the
// patient access log (NEN 7513) and break-glass grants. Thread-safe; writes
// return once durable; a failing write stores nothing of that call.
//
// Patient data reaches the store only sealed (service/patient_seal.h): the
// store sees a keyed hash of the BSN and ciphertext, never clear text.
//
// Every case write takes the next data version of the case's region, the same
// sequence capacity reports take (capacity_store.h): the region's live stream
// (/api/v1/events) numbers capacity and worklist events in one gap-free
// order, the change feed of several instances announces both with one
// notification, and a reconnecting client replays both from its
// Last-Event-ID. CaseEventsSince is what the other instances read.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "core/cases.h"
#include "core/kpis.h"

namespace ozcc {

// What the store keeps of a case's Patient: only sealed.
struct SealedPatient {
  std::string bsn_hash;  // keyed hash of the BSN (hex); empty when the BSN is unknown
  std::string sealed;    // nonce and ciphertext of the serialised Patient (base64 text)
  std::string key_id;    // which patient key sealed it (for rotation)
  bool operator==(const SealedPatient&) const = default;
};

// One line of the patient access log (NEN 7513): every read and write of
// patient data, and every refused attempt. Append-only.
struct PatientAccess {
  std::int64_t id = 0;  // assigned by the store
  Time at{};            // zero: the commit time
  std::string actor;    // user name or "token:<name>"
  std::string role;
  std::string organization_id;  // the actor's organisation, if any
  std::string bsn_hash;         // the patient, when known (the log is searched by it)
  std::string case_id;          // the case, when the access was through one
  std::string action;           // "patient.read", "patient.write", "contacts.search", …
  std::string purpose;          // "worklist", "handover", "break-glass: <reason>", …
  std::string outcome;          // "ok", "denied", "not-found"
  bool break_glass = false;     // flagged for the privacy officer's review
  std::string request_id;
  bool operator==(const PatientAccess&) const = default;
};

// A break-glass grant: `username` may read the patient data of `case_id`
// until `expires_at`. Kept for the privacy officer's review.
struct BreakGlassGrant {
  std::int64_t id = 0;  // assigned by the store
  std::string username;
  std::string case_id;
  std::string reason;
  Time granted_at{};
  Time expires_at{};
  std::string reviewed_by;  // empty until reviewed
  std::optional<Time> reviewed_at;
  bool operator==(const BreakGlassGrant&) const = default;
};

// One change of a case, as the live streams see it: the case's state now and
// the handover the change was about. Carries no patient data: `Case` has no
// patient fields, and the handover's SBAR is left empty.
struct CaseEvent {
  std::string region_id;
  std::int64_t version = 0;  // the region data version this change took
  Time at{};                 // when it was committed
  TimelineKind kind = TimelineKind::kNote;
  Case case_now;                     // the case as it is now (not as it was at `version`)
  std::optional<Handover> handover;  // the handover the change was about, as it is now; SBAR empty
};

// A change to one case, committed atomically.
struct CaseWrite {
  // The case as it is to be stored. expected_version 0: a new case (its id
  // must be unused: kConflict); else the stored case's version must equal
  // expected_version, or nothing is stored and the result is
  // kPreconditionFailed (the API answers 412). The store sets version
  // (1 for a new case, else expected_version + 1); created_at and updated_at
  // are the service's.
  Case the_case;
  std::int64_t expected_version = 0;
  std::optional<TriageRecord> triage;   // appended to the triage history
  std::vector<TimelineEntry> timeline;  // appended; a zero `at` gets the commit time
  // Inserted (an id not yet stored) or replaced (same id, same case): each
  // replaced one must still have the stored `version` (else
  // kPreconditionFailed); the store bumps versions. A handover of another case is kInvalid.
  std::vector<Handover> handovers;
  // Stored with the case (replacing what was stored); nullopt: unchanged.
  std::optional<SealedPatient> patient;
  std::vector<AuditRecord> audit;     // BoundedAudit, as every audit write
  std::vector<PatientAccess> access;  // appended to the access log
  // The event this change is (CaseEventsSince); handover_id: the handover it
  // was about, if any (one of `handovers` or already stored).
  TimelineKind event_kind = TimelineKind::kNote;
  std::string event_handover_id;
};

struct CaseWriteResult {
  Case the_case;                    // as stored, version set
  std::vector<Handover> handovers;  // as stored (of this write), versions set
  std::int64_t region_version = 0;  // the region data version the change took
};

// A contact of a patient with a partner (a HAP call, an ambulance ride, a
// GP visit), reported by the partner's system for the 72-hour history.
struct Contact {
  std::int64_t id = 0;  // assigned by the store
  std::string bsn_hash;
  Time at{};
  std::string organization_id;  // who had the contact
  std::string kind;             // "hap-call", "ambulance", "ed-visit", …
  std::optional<Urgency> urgency;
  std::string sealed;  // the advice given and other details, sealed like a patient
  std::string key_id;
  Time reported_at{};  // zero: the commit time
  bool operator==(const Contact&) const = default;
};

// Which cases a worklist shows.
struct CaseQuery {
  std::string region_id;                                              // required
  enum class States { kOpen, kClosed, kAll } states = States::kOpen;  // open: every state but closed
  std::optional<Channel> channel;
  std::string subregion_id;               // empty: all
  std::string handed_to_organization_id;  // non-empty: only cases with a handover to it (any state)
  // Closed cases are paged newest closed first; open ones come all (a
  // region's open worklist is small; should it exceed limit, the most urgent
  // bands come first) and the service sorts them with WorklistBefore. kAll:
  // the open ones, then the closed ones as for kClosed. Limit bounds all.
  size_t limit = 500;
  std::optional<Time> closed_before;  // paging of closed cases: closed_at < this
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Commits the change atomically with the audit and access records, takes
  // the region's next data version for its event, and returns the stored
  // case. kNotFound when the region is unknown, or expected_version > 0 and
  // no such case is stored; kConflict and kPreconditionFailed as above;
  // kInvalid for text with a NUL character, a case without id or region, or
  // a handover (or event_handover_id) not of this case.
  virtual Result<CaseWriteResult> WriteCase(CaseWrite write) = 0;

  // kNotFound when there is no such case.
  virtual Result<Case> GetCase(const std::string& case_id) = 0;
  // The case's triage history (oldest first), timeline (oldest first, by
  // time then insertion) and handovers (oldest requested first); empty for
  // an unknown case.
  virtual Result<std::vector<TriageRecord>> CaseTriages(const std::string& case_id) = 0;
  virtual Result<std::vector<TimelineEntry>> CaseTimeline(const std::string& case_id) = 0;
  virtual Result<std::vector<Handover>> CaseHandovers(const std::string& case_id) = 0;
  virtual Result<Handover> GetHandover(const std::string& handover_id) = 0;  // kNotFound
  // Handovers addressed to an organisation (its inbox): states given (empty:
  // all), newest requested first, at most limit.
  virtual Result<std::vector<Handover>> HandoversTo(const std::string& organization_id,
                                                    const std::vector<HandoverState>& states, size_t limit) = 0;
  // Requested handovers with due_at ≤ now, oldest due first, at most limit:
  // the escalation timer's work (an escalation moves due_at on).
  virtual Result<std::vector<Handover>> HandoversDue(Time now, size_t limit) = 0;
  virtual Result<std::vector<Case>> ListCases(const CaseQuery& query) = 0;
  // The region's cases received in [from, to), oldest received first (then
  // by id), each with its handovers (oldest requested first); at most limit
  // cases. What the KPIs (core/kpis.h) need and no more: the cases' summary
  // and caller and the handovers' SBAR and reason are left empty.
  virtual Result<std::vector<KpiCase>> KpiCases(const std::string& region_id, Time from, Time to, size_t limit) = 0;

  // The sealed patient of a case; nullopt when none is stored.
  virtual Result<std::optional<SealedPatient>> CasePatient(const std::string& case_id) = 0;
  // Ids of the cases whose patient has this BSN hash, newest received first,
  // received at or after `since`, at most limit. An empty hash (BSN unknown)
  // matches none.
  virtual Result<std::vector<std::string>> CasesOfPatient(const std::string& bsn_hash, Time since, size_t limit) = 0;

  // Stores contacts with their audit and access records in one transaction;
  // returns them with ids. kInvalid for an empty list.
  virtual Result<std::vector<Contact>> AddContacts(std::vector<Contact> contacts, const std::vector<AuditRecord>& audit,
                                                   const std::vector<PatientAccess>& access) = 0;
  // The patient's contacts with at ≥ since, newest first, at most limit
  // (none for an empty hash).
  virtual Result<std::vector<Contact>> ContactsOf(const std::string& bsn_hash, Time since, size_t limit) = 0;

  // Changes of the region's cases with data version > after_version, by
  // version, at most limit (the change feed's catch-up; capacity reports fill
  // the other versions).
  virtual Result<std::vector<CaseEvent>> CaseEventsSince(const std::string& region_id, std::int64_t after_version,
                                                         size_t limit) = 0;

  // The access log. Appending also works outside a case write (a refused
  // attempt, a read). QueueAccess returns at once and its future says when
  // the lines are durable (or why not), so a read can run while its line is
  // committed; nothing the read found may leave the server before the future
  // says Ok. AppendAccess waits.
  [[nodiscard]] virtual std::future<Status> QueueAccess(std::vector<PatientAccess> records) = 0;
  Status AppendAccess(std::vector<PatientAccess> records) { return QueueAccess(std::move(records)).get(); }
  // Newest first: the access to one patient (bsn_hash) or one case (case_id;
  // either may be empty, not both: kInvalid; both: that patient through that
  // case), with id < before_id (0: from the newest), at most limit.
  virtual Result<std::vector<PatientAccess>> ListAccess(const std::string& bsn_hash, const std::string& case_id,
                                                        std::int64_t before_id, size_t limit) = 0;

  // Stores a grant with its access record and audit record in one
  // transaction; returns it with its id (a zero granted_at: the commit
  // time). kNotFound when the case is unknown.
  virtual Result<BreakGlassGrant> GrantBreakGlass(BreakGlassGrant grant, const PatientAccess& access,
                                                  const AuditRecord& audit) = 0;
  // The user's grant for the case that is valid at `now` (granted_at ≤ now <
  // expires_at), if any.
  virtual Result<std::optional<BreakGlassGrant>> ActiveBreakGlass(const std::string& username,
                                                                  const std::string& case_id, Time now) = 0;
  // One grant. kNotFound.
  virtual Result<BreakGlassGrant> GetBreakGlass(std::int64_t grant_id) = 0;
  // Grants not yet reviewed, oldest first, at most limit.
  virtual Result<std::vector<BreakGlassGrant>> UnreviewedBreakGlass(size_t limit) = 0;
  // Marks a grant reviewed. kNotFound; kConflict when already reviewed.
  virtual Status ReviewBreakGlass(std::int64_t grant_id, const std::string& reviewer, Time at,
                                  const AuditRecord& audit) = 0;
};

}  // namespace ozcc
