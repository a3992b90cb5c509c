#include "service/contact_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <utility>

#include "service/patient_seal.h"

namespace ozcc::service {

namespace {

Status NoKey() { return Status::Unavailable("this server has no patient key: patient data is off"); }

}  // namespace

std::string ContactSealContext(const Contact& c) {
  std::string ctx = "contact";
  for (const std::string& part : {c.bsn_hash, c.organization_id, FormatRfc3339(c.at), c.kind}) {
    ctx += '\0';
    ctx += part;
  }
  return ctx;
}

ContactService::ContactService(CaseStore& cases, AuditStore& audit, std::shared_ptr<const PatientSeal> seal)
    : cases_(cases), audit_(audit), seal_(std::move(seal)) {}

PatientAccess ContactService::AccessOf(const Caller& caller, std::string action, std::string purpose,
                                       std::string outcome, std::string bsn_hash) const {
  PatientAccess a;
  a.at = Now();
  a.actor = caller.who.kind == PrincipalKind::kFeedToken ? "token:" + caller.who.name : caller.who.name;
  a.role = caller.who.kind == PrincipalKind::kFeedToken ? "feed" : std::string(ToString(caller.who.role));
  a.organization_id = caller.who.organization_id;
  a.bsn_hash = std::move(bsn_hash);
  a.action = std::move(action);
  a.purpose = std::move(purpose);
  a.outcome = std::move(outcome);
  a.request_id = caller.request_id;
  return a;
}

Result<Contact> ContactService::Report(const Caller& caller, NewContact in) {
  const std::string org = caller.who.organization_id;
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReportContacts, {caller.who.region_id, org}, "contact.report", org));
  const Time now = Now();
  auto errors = ValidateNewContact(in, now);
  if (!errors.empty()) return Status::Invalid("the contact is not valid; nothing was stored", errors);
  if (!seal_) return NoKey();
  Contact c;
  c.bsn_hash = seal_->BsnHash(in.bsn);
  c.at = *in.at;
  c.organization_id = org;
  c.kind = in.kind;
  c.urgency = in.urgency;
  SealedText advice = seal_->SealText(in.advice, ContactSealContext(c));
  c.sealed = std::move(advice.sealed);
  c.key_id = std::move(advice.key_id);
  auto stored = cases_.AddContacts({c}, {AuditOf(caller, "contact.report", org, "ok", c.kind)},
                                   {AccessOf(caller, "contact.write", "contact-report", "ok", c.bsn_hash)});
  if (!stored.ok()) return stored.status();
  return std::move(stored->front());
}

Result<ContactHistory> ContactService::Search(const Caller& caller, const std::string& bsn,
                                              const std::string& purpose) {
  if (bsn.empty()) return Status::Invalid("name the patient", {{"bsn", "is required"}});
  if (!ValidBsn(bsn)) {
    return Status::Invalid("not a BSN", {{"bsn", "must be a BSN: 9 digits that pass the 11-proef"}});
  }
  if (!seal_) return NoKey();
  const std::string hash = seal_->BsnHash(bsn);
  const std::string why = purpose.empty() ? "intake" : purpose.substr(0, 200);
  if (Authorize(caller.who, Action::kReadPatient, {caller.who.region_id, ""}) != Decision::kAllow) {
    if (Status st = cases_.AppendAccess({AccessOf(caller, "contacts.search", why, "denied", hash)}); !st.ok()) {
      spdlog::error("access log line not written (request {}): {}", caller.request_id, st.message());
    }
    AuditBestEffort(audit_, AuditOf(caller, "contacts.search", "patient", "denied"));
    return Status::Forbidden("you may not read patients' contact history");
  }
  // No read leaves without its line: the line is committed while the store
  // is read, and nothing is returned before it is durable.
  std::future<Status> logged = cases_.QueueAccess({AccessOf(caller, "contacts.search", why, "ok", hash)});
  auto out = Collect(hash);
  if (Status st = logged.get(); !st.ok()) return st;
  return out;
}

Result<ContactHistory> ContactService::Collect(const std::string& hash) {
  ContactHistory out;
  out.since = Now() - kContactWindow;
  auto contacts = cases_.ContactsOf(hash, out.since, kMaxContacts);
  if (!contacts.ok()) return contacts.status();
  for (Contact& c : *contacts) {
    auto advice = seal_->OpenText({c.sealed, c.key_id}, ContactSealContext(c));
    if (!advice.ok()) return advice.status();
    HistoryItem item;
    item.at = c.at;
    item.organization_id = std::move(c.organization_id);
    item.kind = std::move(c.kind);
    item.urgency = c.urgency;
    item.advice = std::move(advice).value();
    out.items.push_back(std::move(item));
  }
  auto ids = cases_.CasesOfPatient(hash, out.since, kMaxCases);
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto c = cases_.GetCase(id);
    if (!c.ok()) return c.status();
    HistoryItem item;
    item.source = HistoryItem::Source::kCase;
    item.at = c->received_at;
    item.organization_id = c->requesting_organization_id;
    item.kind = std::string(ToString(c->channel));
    item.urgency = c->urgency;
    item.case_id = c->id;
    item.region_id = c->region_id;
    item.state = c->state;
    item.complaint = c->complaint;
    item.outcome = c->outcome;
    out.items.push_back(std::move(item));
  }
  std::stable_sort(out.items.begin(), out.items.end(),
                   [](const HistoryItem& a, const HistoryItem& b) { return a.at > b.at; });
  return out;
}

}  // namespace ozcc::service
