// Audit records (NEN 7513 spirit): who did what to which object, when, with
// which outcome. Append-only; the API offers no way to change them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "base/time.h"

namespace ozcc {

struct AuditRecord {
  std::int64_t id = 0;  // assigned by the store
  Time at{};
  std::string actor;            // user name or "token:<name>", "cli", "system"
  std::string role;             // role name, "feed" or "cli"
  std::string organization_id;  // actor's organisation, if any
  std::string action;           // e.g. "capacity.write", "auth.login", "user.add"
  std::string object;           // e.g. unit id, user name
  std::string outcome;          // "ok", "denied", "invalid", "failed"
  std::string request_id;
  std::string detail;  // short free text; never patient data
};

// Bounds of what one record keeps, in bytes: the log is append-only, so a
// request must not be able to make it grow by more than a few KiB (a sign-in
// with a 1 MiB user name once stored 1 MiB per attempt).
inline constexpr std::size_t kAuditFieldMax = 256;    // actor, role, organisation, action, object, outcome, request id
inline constexpr std::size_t kAuditDetailMax = 1024;  // detail

// `text` cut to at most `max` bytes (max ≥ 32) at a UTF-8 character
// boundary, ending in "…[+N bytes]" (N: the bytes cut) when it was longer.
std::string TruncateForAudit(std::string text, std::size_t max);
// The record with every field within its bound (TruncateForAudit): what the
// store keeps, whoever built the record.
AuditRecord BoundedAudit(AuditRecord record);

// The record of a change made directly on the store by a tool, not through
// the API: the command line, the demo set-up, a test's or fuzzer's set-up.
inline AuditRecord ToolAudit(std::string actor, std::string action, std::string object, std::string request_id = "") {
  AuditRecord a;
  a.at = Now();
  a.actor = std::move(actor);
  a.role = "cli";
  a.action = std::move(action);
  a.object = std::move(object);
  a.outcome = "ok";
  a.request_id = std::move(request_id);
  return a;
}

}  // namespace ozcc
