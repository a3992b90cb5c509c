#include "service/capacity_service.h"

#include <algorithm>
#include <unordered_map>

#include "core/validate.h"

namespace ozcc::service {

namespace {

constexpr size_t kMaxKeyLength = 200;

// The format names the source (csv, fhir, demo); a plain report is "feed"
// when a feed token sent it and "manual" when a person did.
ReportSource SourceFor(const Principal& who, ReportSource format) {
  return format == ReportSource::kManual && who.kind == PrincipalKind::kFeedToken ? ReportSource::kFeed : format;
}

}  // namespace

Result<std::optional<IdempotentResponse>> CapacityService::Replay(const Caller& caller, const std::string& key,
                                                                  const std::string& request_hash) {
  if (key.empty()) return std::optional<IdempotentResponse>();
  if (key.size() > kMaxKeyLength) {
    return Status::Invalid("Idempotency-Key is too long", {{"Idempotency-Key", "must be at most 200 characters"}});
  }
  auto prior = capacity_.GetIdempotent(caller.who.name, key);
  if (!prior.ok()) return prior.status();
  if (*prior && (*prior)->request_hash != request_hash) {
    return Status::Conflict("this Idempotency-Key was used for a different request");
  }
  return prior;
}

Result<UnitView> CapacityService::WritableUnit(const Caller& caller, const std::string& unit_id,
                                               const std::string& audit_action) {
  auto unit = regions_.GetUnit(unit_id);
  if (!unit.ok()) return unit.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWriteCapacity, {unit->region_id, unit->unit.organization_id},
                               audit_action, unit_id));
  return unit;
}

Result<CapacityOutcome> CapacityService::Submit(const Caller& caller, CapacitySubmission sub) {
  const Time now = Now();
  std::unordered_map<std::string, UnitView> units;  // a batch may repeat units
  std::vector<const UnitView*> unit_of(sub.inputs.size(), nullptr);
  std::vector<FieldError> errors;
  for (size_t i = 0; i < sub.inputs.size(); ++i) {
    const CapacityInput& in = sub.inputs[i];
    const std::string prefix = sub.field_prefix ? sub.field_prefix(i) : std::string();
    auto it = units.find(in.unit_id);
    if (it == units.end()) {
      auto u = regions_.GetUnit(in.unit_id);
      if (!u.ok()) {
        if (u.status().code() != Code::kNotFound) return u.status();
        errors.push_back({prefix + "unit_id", "unknown unit " + in.unit_id});
        continue;
      }
      it = units.emplace(in.unit_id, std::move(*u)).first;
    }
    const UnitView& unit = it->second;
    OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kWriteCapacity, {unit.region_id, unit.unit.organization_id},
                                 sub.audit_action, unit.unit.id));
    auto errs = ValidateCapacity(in, unit.unit.type, now, prefix);
    if (!errs.empty()) {
      errors.insert(errors.end(), errs.begin(), errs.end());
      continue;
    }
    unit_of[i] = &unit;
  }
  const bool none_valid = std::none_of(unit_of.begin(), unit_of.end(), [](const UnitView* u) { return u != nullptr; });
  if (!errors.empty() && (!sub.partial || none_valid)) return Status::Invalid(sub.invalid_message, errors);
  if (none_valid) return Status::Invalid(sub.invalid_message, {{"", "no capacity reports"}});

  CapacityWrite w;
  std::vector<const UnitView*> written;
  for (size_t i = 0; i < sub.inputs.size(); ++i) {
    if (unit_of[i] == nullptr) continue;
    CapacityInput& in = sub.inputs[i];
    CapacityReport r;
    r.unit_id = in.unit_id;
    r.as_of = in.as_of.value_or(now);
    r.source = SourceFor(caller.who, sub.format);
    r.beds = in.beds;
    r.ed = in.ed;
    r.note = std::move(in.note);
    r.reported_by = caller.who.name;
    w.reports.push_back(std::move(r));
    w.audit.push_back(AuditOf(caller, sub.audit_action, in.unit_id, "ok"));
    written.push_back(unit_of[i]);
  }
  w.idempotency_key = sub.idempotency_key;
  w.idempotency_scope = caller.who.name;
  w.request_hash = sub.request_hash;
  if (sub.remember) {
    w.response_for_key = [&](const std::vector<CapacityReport>& stored) {
      return sub.remember(stored, stored.empty() ? 0 : stored.back().version, errors);
    };
  }
  auto result = capacity_.WriteCapacity(std::move(w));
  CapacityOutcome out;
  if (!result.ok()) {
    if (result.status().code() == Code::kConflict && !sub.idempotency_key.empty()) {
      // A concurrent request with the same key committed first: answer as it did.
      auto prior = Replay(caller, sub.idempotency_key, sub.request_hash);
      if (!prior.ok()) return prior.status();
      if (*prior) {
        out.replayed = std::move(*prior);
        return out;
      }
    }
    return result.status();
  }
  for (size_t i = 0; i < result->reports.size(); ++i) listener_.Committed(*written[i], result->reports[i]);
  out.stored = std::move(result->reports);
  out.version = result->version;
  out.rejected = std::move(errors);
  return out;
}

Result<UnitReport> CapacityService::Report(const Caller& caller, const std::string& unit_id,
                                           std::optional<std::int64_t> version) {
  auto unit = regions_.GetUnit(unit_id);
  if (!unit.ok()) return unit.status();
  // Who may report for the unit may read its reports back (a feed token
  // reads nothing else).
  if (Authorize(caller.who, Action::kWriteCapacity, {unit->region_id, unit->unit.organization_id}) !=
      Decision::kAllow) {
    OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {unit->region_id, ""}, "", ""));
  }
  std::optional<CapacityReport> found;
  if (version) {
    auto at = capacity_.CapacityReportAt(unit->region_id, unit->unit.id, *version);
    if (!at.ok()) return at.status();
    found = std::move(*at);
  } else {
    auto latest = capacity_.LatestCapacity(unit->region_id);
    if (!latest.ok()) return latest.status();
    for (auto& r : *latest) {
      if (r.unit_id == unit->unit.id) found = std::move(r);
    }
  }
  if (!found) {
    return Status::NotFound(version ? "unit " + unit_id + " has no report with version " + std::to_string(*version)
                                    : "unit " + unit_id + " has no report yet");
  }
  return UnitReport{std::move(*unit), std::move(*found)};
}

Result<UnitHistory> CapacityService::History(const Caller& caller, const std::string& unit_id, std::optional<Time> from,
                                             std::optional<Time> to) {
  auto unit = regions_.GetUnit(unit_id);
  if (!unit.ok()) return unit.status();
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kReadRegion, {unit->region_id, ""}, "", ""));
  UnitHistory h;
  h.to = to.value_or(Now());
  h.from = from.value_or(h.to - std::chrono::hours(24 * 7));
  if (h.from > h.to) return Status::Invalid("bad time range", {{"from", "must not be after to"}});
  if (h.to - h.from > std::chrono::hours(24 * 400)) {
    return Status::Invalid("bad time range", {{"from", "range is at most 400 days"}});
  }
  auto all = capacity_.CapacityHistory(unit->unit.id, h.from, h.to, kMaxFetch);
  if (!all.ok()) return all.status();
  h.unit = std::move(*unit);
  h.truncated = all->size() >= kMaxFetch;
  h.downsampled = all->size() > kMaxPoints;
  if (!h.downsampled) {
    h.points = std::move(*all);
    return h;
  }
  // Keep the last report of each of kMaxPoints equal time buckets.
  const auto span = std::max<std::int64_t>(1, ToUnixMillis(h.to) - ToUnixMillis(h.from));
  auto bucket = [&](const CapacityReport& r) {
    return (ToUnixMillis(r.as_of) - ToUnixMillis(h.from)) * static_cast<std::int64_t>(kMaxPoints) / span;
  };
  for (size_t i = 0; i < all->size(); ++i) {
    if (i + 1 < all->size() && bucket((*all)[i]) == bucket((*all)[i + 1])) continue;
    h.points.push_back(std::move((*all)[i]));
  }
  return h;
}

}  // namespace ozcc::service
