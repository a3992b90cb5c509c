// The 72-hour contact history: partners' systems report a patient's contacts
// (a HAP call, an ambulance ride, an ED visit) with their organisation's feed
// token; a ZCC coordinator looks up everything of the last 72 hours — every
// partner's contacts and OpenZCC's own cases — so the patient need not tell
// the story twice. Transport-neutral; thread-safe.
//
// Patient data under NEN 7513: the BSN reaches the store only as its keyed
// hash, the advice only sealed (service/patient_seal.h, the context binds it
// to the contact's hash, organisation, time and kind); every report and every
// search — and every refused search — is a line of the access log, written
// before anything is returned. A server without a patient key refuses both
// (kUnavailable).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cases.h"
#include "service/caller.h"
#include "store/audit_store.h"
#include "store/case_store.h"

namespace ozcc::service {

class PatientSeal;

// One line of the history: a partner's contact or a case of OpenZCC.
struct HistoryItem {
  enum class Source { kContact, kCase } source = Source::kContact;
  Time at{};                    // when the contact took place / the request was received
  std::string organization_id;  // who had the contact; for a case, who asked (may be empty)
  std::string kind;             // contact kind, or the case's channel
  std::optional<Urgency> urgency;
  std::string advice;  // a contact's advice (opened)
  // For a case: the ZCC's own record (region, state, complaint, outcome).
  std::string case_id;
  std::string region_id;
  std::optional<CaseState> state;
  std::string complaint;
  std::optional<Outcome> outcome;
};

struct ContactHistory {
  Time since{};                    // now − kContactWindow
  std::vector<HistoryItem> items;  // newest first
};

class ContactService {
 public:
  // `seal`: null on a server without a patient key.
  ContactService(CaseStore& cases, AuditStore& audit, std::shared_ptr<const PatientSeal> seal);

  // Stores a contact of the caller's organisation (kReportContacts: a feed
  // token of a partner). kInvalid naming the fields (core ValidateNewContact);
  // kForbidden; kUnavailable without a patient key. Returns it as stored
  // (advice sealed).
  Result<Contact> Report(const Caller& caller, NewContact in);

  // The patient's contacts and cases of the last 72 hours (kReadPatient in the
  // caller's region: a ZCC coordinator). `purpose` is logged ("intake" when
  // empty). kInvalid for a BSN that fails the 11-proef (field `bsn`).
  Result<ContactHistory> Search(const Caller& caller, const std::string& bsn, const std::string& purpose);

  // Bounds of one search.
  static constexpr size_t kMaxContacts = 500;
  static constexpr size_t kMaxCases = 100;

 private:
  PatientAccess AccessOf(const Caller& caller, std::string action, std::string purpose, std::string outcome,
                         std::string bsn_hash) const;
  // What Search returns for the patient with this keyed hash.
  Result<ContactHistory> Collect(const std::string& hash);

  CaseStore& cases_;
  AuditStore& audit_;
  std::shared_ptr<const PatientSeal> seal_;
};

// What a contact's advice is sealed for: its hash, organisation, time and
// kind, so a sealed advice moved to another row does not open.
std::string ContactSealContext(const Contact& c);

}  // namespace ozcc::service
