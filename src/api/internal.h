// Shared by the api/*_routes.cc files; not part of the module's interface.
#pragma once

#include <spdlog/spdlog.h>

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
#include "api/pathway_seed.h"
#include "api/problem.h"
#include "api/snapshot.h"
#include "api/stream_guard.h"
#include "api/ticker.h"
#include "core/authz.h"
#include "core/login_throttle.h"
#include "http/router.h"
#include "service/account_service.h"
#include "service/audit_service.h"
#include "service/capacity_service.h"
#include "service/case_service.h"
#include "service/contact_service.h"
#include "service/forecast_service.h"
#include "service/kpi_service.h"
#include "service/pathway_service.h"
#include "service/phase_service.h"
#include "service/placement_service.h"
#include "service/privacy_service.h"
#include "service/region_service.h"
#include "service/simulation_service.h"
#include "service/spreading_service.h"
#include "service/transfer_service.h"
#include "store/store.h"

namespace ozcc::api {

// Publishes committed capacity reports to this instance's live clients and
// snapshot cache (the capacity service's listener).
class LivePublisher final : public service::CapacityListener {
 public:
  LivePublisher(SnapshotCache& snapshots, EventHub& events) : snapshots_(snapshots), events_(events) {}
  void Committed(const UnitView& unit, const CapacityReport& report) override;
  std::atomic<std::uint64_t> committed{0};

 private:
  SnapshotCache& snapshots_;
  EventHub& events_;
};

// Publishes committed case changes to this instance's live clients (the
// case service's listener); the events carry no patient data (case_json.h).
class CasePublisher final : public service::CaseListener {
 public:
  CasePublisher(EventHub& events, TimeTargets targets) : events_(events), targets_(targets) {}
  void CaseChanged(const CaseEvent& e) override;

 private:
  EventHub& events_;
  TimeTargets targets_;
};

// Publishes committed transfer changes to this instance's live clients (the
// transfer service's listener); the events carry no patient data.
class TransferPublisher final : public service::TransferListener {
 public:
  explicit TransferPublisher(EventHub& events) : events_(events) {}
  void TransferChanged(const TransferChange& c) override;

 private:
  EventHub& events_;
};

// Publishes committed placement changes to this instance's live clients (the
// placement service's listener): id, version, state; no patient data.
class PlacementPublisher final : public service::PlacementListener {
 public:
  explicit PlacementPublisher(EventHub& events) : events_(events) {}
  void PlacementChanged(const PlacementChange& c) override;

 private:
  EventHub& events_;
};

// Publishes committed declarations of a region's phase to this instance's
// live clients (the phase service's listener).
class PhasePublisher final : public service::PhaseListener {
 public:
  explicit PhasePublisher(EventHub& events) : events_(events) {}
  void PhaseDeclared(const PhaseChange& c) override;

 private:
  EventHub& events_;
};

// Publishes committed changes of spreading plans to this instance's live
// clients (the spreading service's listener): id, version, state, owner.
class SpreadingPublisher final : public service::SpreadingListener {
 public:
  explicit SpreadingPublisher(EventHub& events) : events_(events) {}
  void SpreadingChanged(const SpreadingChange& c) override;

 private:
  EventHub& events_;
};

// The stored document of a spreading plan (spreading_routes.cc).
service::SpreadingCodec SpreadingPlanCodec();

// The scenario and result JSON of the simulation service (simulation_routes.cc).
service::SimulationCodec SimulationJsonCodec();

// What the routes share. The store is held only to wire the services (every
// read and write of the routes goes through one), for /readyz and for the
// change feed's subscription.
struct Api::State {
  State(Store& s, ApiOptions o);
  Store& store;
  ApiOptions options;
  service::AccountService accounts{store, store, store};
  service::RegionService regions{store, store, store};
  service::AuditService audit_log{store};
  Authenticator auth{accounts};
  // Follow-up units' rows count the beds reserved for placements (docs/placement.md).
  SnapshotCache snapshots{regions, options.snapshot_max_age,
                          [this](const std::string& region_id) { return placements.ReservedBeds(region_id); }};
  EventHub events;
  StreamGuard stream_guard{accounts, events, options.stream_recheck};
  // Streams refused: per principal, per address, for lack of connections (/metrics).
  std::atomic<std::uint64_t> streams_refused_principal{0}, streams_refused_address{0}, streams_refused_total{0};
  // After what it updates: destroyed first.
  ChangeFollower follower{
      regions,
      [this](ChangeHandler h) { return store.WatchChanges(std::move(h)); },
      snapshots,
      events,
      auth,
      [this](const std::string& token_hash) { stream_guard.CountEnded(events.CloseStreamsOf(token_hash)); },
      StoreEventSources(store)};
  LivePublisher publisher{snapshots, events};
  service::CapacityService capacity{store, store, store, publisher};
  CasePublisher case_publisher{events, TimeTargets{}};
  service::CaseService cases{store, store, store, case_publisher, options.complaints, options.patient_seal};
  TransferPublisher transfer_publisher{events};
  PhasePublisher phase_publisher{events};
  service::PhaseService phases{store, store, phase_publisher};
  service::TransferService transfers{
      store, store, store, store, store, publisher, transfer_publisher, options.patient_seal};
  PlacementPublisher placement_publisher{events};
  service::PlacementService placements{store,
                                       store,
                                       store,
                                       store,
                                       store,
                                       store,
                                       transfer_publisher,
                                       placement_publisher,
                                       options.patient_seal,
                                       options.placement_clock ? options.placement_clock : std::function<Time()>(Now)};
  SpreadingPublisher spreading_publisher{events};
  service::SpreadingService spreading{
      store, store, store, store, store, transfer_publisher, spreading_publisher, SpreadingPlanCodec()};
  service::ContactService contacts{store, store, options.patient_seal};
  service::PrivacyService privacy{store, store, store, options.patient_seal};
  service::PathwayService pathways{store, store, store, store, store, cases, options.complaints, PathwayJsonCodec()};
  service::KpiService kpis{store, store, store};
  service::ForecastService forecasts{store, store, store};
  // Owns the executor of simulation runs (one worker thread by default).
  service::SimulationService simulations{
      store, store, store, store, store, store, SimulationJsonCodec(), options.simulations};
  // Handovers past their answer deadline are escalated (alerted again, shown to the coordinator).
  Ticker escalation{options.escalation_interval, [this] {
                      if (auto n = cases.EscalateDue(Now()); !n.ok()) {
                        spdlog::warn("escalation of handovers failed: {}", n.status().message());
                      } else if (*n > 0) {
                        spdlog::info("{} handover(s) escalated", *n);
                      }
                    }};
  // Reservations of follow-up placements that ran out are recorded as expired (same interval).
  Ticker reservation_expiry{options.escalation_interval, [this] {
                              if (auto n = placements.ExpireReservations(); !n.ok()) {
                                spdlog::warn("recording expired reservations failed: {}", n.status().message());
                              } else if (*n > 0) {
                                spdlog::info("{} expired reservation(s) recorded", *n);
                              }
                            }};
  std::function<std::string()> transport_metrics;
  std::atomic<std::uint64_t> auth_failures{0};
  // Sign-in back-off (auth_routes.cc, docs/operations.md): per user name and
  // client address; per address over all names; per user name over all
  // addresses, loose enough that one address cannot trigger it alone.
  std::mutex login_mu;
  LoginThrottle pair_throttle;
  LoginThrottle address_throttle{LoginThrottleOptions{.free_failures = 20}};
  LoginThrottle account_throttle{
      LoginThrottleOptions{.free_failures = 100, .max_wait = std::chrono::milliseconds(60 * 1000)}};
  ThrottleSampler throttled_sampler;  // which throttled sign-ins are audited
  std::atomic<std::uint64_t> signin_throttled{0};
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

// The caller of a service: the principal and the request's id.
inline service::Caller CallerOf(const http::Request& req, const Principal& who) { return {who, req.request_id}; }

// Authorises (service::Require: a refusal of a write is audited); on deny returns 403.
std::optional<http::Response> RequireAllowed(State& s, const http::Request& req, const Principal& who, Action action,
                                             const Resource& what, const std::string& audit_action,
                                             const std::string& object);

// The version If-Match names: nullopt without the header (the services
// answer 428); -1 for a value that names none of ours ("*", a list, a weak
// tag), which can never be current (412). `weak`: a weak tag W/"n" names n
// too (FHIR's version-aware update sends the weak ETag of the resource).
// Versions start at `least` (1; a region's phase, never declared, is "0").
std::optional<std::int64_t> IfMatch(const http::Request& req, bool weak = false, std::int64_t least = 1);

// The `limit` query parameter, 1..max: `limit` unchanged when absent;
// kBadRequest naming it otherwise.
Status ReadLimit(const http::Request& req, size_t max, size_t& limit);

// The media type of the request body, lower-case, without parameters ("" when none).
std::string MediaTypeOf(const http::Request& req);

// True when Accept names text/csv with a q other than 0 (downloads of the
// access log and the KPIs); anything else, or no Accept, gets JSON.
bool WantsCsv(const http::Request& req);

// Ok when the request declares a JSON body (application/json,
// application/<x>+json or the old FHIR alias application/json+fhir, any
// parameters); else kUnsupportedMedia (415).
Status RequireJsonBody(const http::Request& req);

// The scheme, host and path prefix clients reach this server at, for every
// absolute URL it writes ("https://zcc.example.nl"): ApiOptions::public_base_url,
// else from the request (http::PublicOrigin: Host, or a trusted proxy's
// X-Forwarded-Proto / -Host).
std::string PublicBase(const State& s, const http::Request& req);

// The region a read refers to: ?region=, else the principal's own region.
Result<std::string> RegionParam(const http::Request& req, const Principal& who);

// What a capacity write carries for idempotency: the Idempotency-Key header
// and the hash of method, target and body.
std::string IdempotencyKey(const http::Request& req);
std::string RequestHash(const http::Request& req);

// The answer stored for the request's Idempotency-Key (JSON, with
// Idempotent-Replayed), or the error (409 for another request, 422 too long);
// nullopt when the request is new.
std::optional<http::Response> Replay(State& s, const http::Request& req, const Principal& who);
// A stored answer as it is replayed: its status and body, Idempotent-Replayed: true.
http::Response ReplayResponse(const IdempotentResponse& r);

void RegisterAuthRoutes(State& s, http::Router& r);
void RegisterCapacityRoutes(State& s, http::Router& r);
void RegisterCaseRoutes(State& s, http::Router& r);
void RegisterTransferRoutes(State& s, http::Router& r);
void RegisterPlacementRoutes(State& s, http::Router& r);
void RegisterSpreadingRoutes(State& s, http::Router& r);
void RegisterKpiRoutes(State& s, http::Router& r);
void RegisterForecastRoutes(State& s, http::Router& r);
void RegisterSimulationRoutes(State& s, http::Router& r);
void RegisterRegionRoutes(State& s, http::Router& r);
void RegisterFhirRoutes(State& s, http::Router& r);
void RegisterOpsRoutes(State& s, http::Router& r);
void RegisterPathwayRoutes(State& s, http::Router& r);
void RegisterOpenApiRoute(State& s, http::Router& r);
void RegisterWebRoutes(State& s, http::Router& r);

}  // namespace ozcc::api
