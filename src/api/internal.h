// Shared by the api/*_routes.cc files; not part of the module's interface.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/api.h"
#include "api/auth.h"
#include "api/events.h"
#include "api/follower.h"
#include "api/problem.h"
#include "api/snapshot.h"
#include "core/authz.h"
#include "core/login_throttle.h"
#include "http/router.h"
#include "store/store.h"

namespace ozcc::api {

struct Api::State {
  State(Store& s, ApiOptions o);
  Store& store;
  ApiOptions options;
  Authenticator auth;
  SnapshotCache snapshots;
  EventHub events;
  ChangeFollower follower;  // after what it updates: destroyed first
  std::function<std::string()> transport_metrics;
  std::atomic<std::uint64_t> capacity_writes{0};
  std::atomic<std::uint64_t> auth_failures{0};
  // Sign-in back-off per account and per client address (auth_routes.cc).
  std::mutex login_mu;
  LoginThrottle account_throttle;
  LoginThrottle address_throttle{LoginThrottleOptions{.free_failures = 20}};
  PasswordGate password_gate{options.password_slots};
};

using State = Api::State;

http::Response Json(int status, const nlohmann::json& body);
http::Response ProblemFor(const http::Request& req, const Status& st);
// The FHIR form of an error: an OperationOutcome with the status's HTTP code.
http::Response FhirError(const Status& st);

// `route`'s handler with what every route gets (guard.cc): CSRF protection
// for unsafe requests of browser sessions and for sign-in, and the security
// headers on every response.
http::Handler Guarded(State& s, const http::Route& route);

// Authenticates; on failure returns the 401 response.
std::optional<http::Response> RequireAuth(State& s, const http::Request& req, Principal& out);

// Authorises; on deny writes an audit record (outcome "denied") and returns 403.
std::optional<http::Response> RequireAllowed(State& s, const http::Request& req, const Principal& who, Action action,
                                             const Resource& what, const std::string& audit_action,
                                             const std::string& object);

AuditRecord MakeAudit(const http::Request& req, const Principal& who, std::string action, std::string object,
                      std::string outcome, std::string detail = "");

// Ok when the request declares a JSON body (application/json or
// application/<x>+json, any parameters); else kUnsupportedMedia (415).
Status RequireJsonBody(const http::Request& req);

// The region a read refers to: ?region=, else the principal's own region.
Result<std::string> RegionParam(const http::Request& req, const Principal& who);

// One capacity input with the unit it is for, checked and ready to commit.
struct Prepared {
  CapacityInput input;
  UnitView unit;
};

struct Checked {
  std::vector<Prepared> ok;
  std::vector<FieldError> errors;           // with the caller's field prefixes
  std::vector<size_t> bad_indexes;          // inputs with errors
  std::optional<http::Response> forbidden;  // set: answer with it, nothing else counts
};

// Looks up, authorises and validates each input; prefix_of(i) prefixes the
// field names of input i ("items[3].", "line 4: ").
Checked Check(State& s, const http::Request& req, const Principal& who, std::vector<CapacityInput> inputs,
              const std::function<std::string(size_t)>& prefix_of);

// Commits the prepared reports in one transaction (with audit and the
// request's Idempotency-Key), publishes them to live clients and answers
// 200 with make_body(stored reports, version).
http::Response Commit(State& s, const http::Request& req, const Principal& who, std::vector<Prepared> prepared,
                      ReportSource source, const std::string& audit_action,
                      const std::function<nlohmann::json(const std::vector<CapacityReport>&, std::int64_t)>& make_body);

// A stored response when the request's Idempotency-Key was seen before
// (409 when it was used for a different request); nullopt otherwise.
std::optional<http::Response> Replay(State& s, const http::Request& req, const Principal& who);

void RegisterAuthRoutes(State& s, http::Router& r);
void RegisterCapacityRoutes(State& s, http::Router& r);
void RegisterRegionRoutes(State& s, http::Router& r);
void RegisterFhirRoutes(State& s, http::Router& r);
void RegisterOpsRoutes(State& s, http::Router& r);
void RegisterOpenApiRoute(State& s, http::Router& r);
void RegisterWebRoutes(State& s, http::Router& r);

}  // namespace ozcc::api
