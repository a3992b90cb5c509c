#include "service/privacy_service.h"

#include <utility>

#include "core/cases.h"
#include "core/validate.h"
#include "service/patient_seal.h"

namespace ozcc::service {

PrivacyService::PrivacyService(CaseStore& cases, TransferStore& transfers, AuditStore& audit,
                               std::shared_ptr<const PatientSeal> seal)
    : cases_(cases), transfers_(transfers), audit_(audit), seal_(std::move(seal)) {}

Result<std::string> PrivacyService::RegionOf(const std::string& id) {
  auto c = cases_.GetCase(id);
  if (c.ok()) return c->region_id;
  if (c.status().code() != Code::kNotFound) return c.status();
  auto t = transfers_.GetTransfer(id);
  if (t.ok()) return t->region_id;
  if (t.status().code() != Code::kNotFound) return t.status();
  return Status::NotFound("no case or transfer " + id);
}

Result<AccessPage> PrivacyService::SearchAccess(const Caller& caller, const AccessQuery& q) {
  std::vector<FieldError> errs;
  if (q.bsn.empty() && q.case_id.empty()) errs.push_back({"bsn", "name the patient (bsn) or the case (case_id)"});
  if (!q.bsn.empty() && !ValidBsn(q.bsn)) errs.push_back({"bsn", "must be a BSN: 9 digits that pass the 11-proef"});
  if (!q.case_id.empty() && !ValidId(q.case_id)) errs.push_back({"case_id", "is not a case or transfer id"});
  if (q.limit < 1 || q.limit > kMaxPage) errs.push_back({"limit", "must be 1…" + std::to_string(kMaxPage)});
  if (q.before_id < 0) errs.push_back({"before_id", "must be 0 or a positive id"});
  if (!errs.empty()) return Status::Invalid("the search is not valid", errs);

  std::string region = caller.who.region_id;
  std::string object = "patient";
  if (!q.case_id.empty()) {
    auto r = RegionOf(q.case_id);
    if (!r.ok()) return r.status();
    region = *r;
    object = q.case_id;
  }
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadAccessLog, {region, ""}, "access-log.search", object));
  std::string hash;
  if (!q.bsn.empty()) {
    if (!seal_) return Status::Unavailable("this server has no patient key: a BSN cannot be looked up");
    hash = seal_->BsnHash(q.bsn);
  }
  // The officer's own reading is on record before the answer goes out.
  OZCC_RETURN_IF_ERROR(audit_.AppendAudit(AuditOf(caller, "access-log.search", object, "ok")));
  auto entries = cases_.ListAccess(hash, q.case_id, q.before_id, q.limit);
  if (!entries.ok()) return entries.status();
  AccessPage page;
  if (entries->size() == q.limit) page.next_before_id = entries->back().id;
  page.entries = std::move(entries).value();
  return page;
}

Result<std::vector<GrantView>> PrivacyService::GrantsToReview(const Caller& caller) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadAccessLog, {caller.who.region_id, ""}, "break-glass.list",
                               caller.who.region_id));
  auto grants = cases_.UnreviewedBreakGlass(kMaxPage);
  if (!grants.ok()) return grants.status();
  std::vector<GrantView> out;
  for (BreakGlassGrant& g : *grants) {
    auto c = cases_.GetCase(g.case_id);
    if (!c.ok()) return c.status();
    if (Authorize(caller.who, Action::kReadAccessLog, {c->region_id, ""}) != Decision::kAllow) continue;
    out.push_back({std::move(g), c->region_id});
  }
  return out;
}

Result<GrantView> PrivacyService::Review(const Caller& caller, std::int64_t grant_id) {
  const std::string object = std::to_string(grant_id);
  // Who may review at all first, so that others cannot tell which grants exist.
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadAccessLog, {caller.who.region_id, ""}, "break-glass.review", object));
  auto g = cases_.GetBreakGlass(grant_id);
  if (!g.ok()) return g.status();
  auto c = cases_.GetCase(g->case_id);
  if (!c.ok()) return c.status();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kReadAccessLog, {c->region_id, ""}, "break-glass.review", object));
  const Time now = Now();
  OZCC_RETURN_IF_ERROR(cases_.ReviewBreakGlass(grant_id, caller.who.name, now,
                                               AuditOf(caller, "break-glass.review", object, "ok", g->case_id)));
  g->reviewed_by = caller.who.name;
  g->reviewed_at = now;
  return GrantView{std::move(g).value(), c->region_id};
}

}  // namespace ozcc::service
