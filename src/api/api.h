// The JSON API under /api/v1, FHIR under /fhir, health and metrics, and the
// built web UI: maps HTTP to core and store. Owns authentication, the
// snapshot cache and the live event hub. Thread-safe once registered.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/authz.h"
#include "core/complaints.h"
#include "core/types.h"
#include "http/router.h"
#include "service/simulation_service.h"
#include "store/store.h"

namespace ozcc::service {
class PatientSeal;
}

namespace ozcc::api {

struct ApiOptions {
  std::chrono::seconds session_ttl{12 * 3600};
  std::chrono::milliseconds snapshot_max_age{5000};  // ages/stale flags are at most this old
  std::string web_root;                              // directory of the built UI (web/dist); empty: no UI
  bool secure_cookie = false;                        // add Secure to the session cookie (when served over TLS)
  // The base of every URL the server writes (FHIR fullUrl, links, Location),
  // normalised (http::NormalisePublicBase); empty: from each request
  // (http::PublicOrigin).
  std::string public_base_url;
  size_t max_batch_items = 5000;
  size_t max_csv_rows = 20000;
  unsigned password_slots = 0;  // password hashes at once (PasswordGate); 0: the hardware threads, at least 2
  // Live event streams (/api/v1/events): at most this many per user or feed
  // token and per client address (429 beyond), and in all (503 beyond; the
  // server's connection limit minus what is kept for other requests). 0: no cap.
  size_t streams_per_principal = 8;
  size_t streams_per_address = 32;
  size_t max_streams = 0;
  // How often each open stream's session or feed token is checked again (expiry,
  // sign-out or disable by another process); 0: never.
  std::chrono::milliseconds stream_recheck{10000};
  // How often handovers past their answer deadline are looked for; 0: never (tests drive it).
  std::chrono::milliseconds escalation_interval{15000};
  // The worklist's triage vocabulary (data/complaints.json).
  std::vector<Complaint> complaints;
  // Seals and opens patient data; null: no patient key, patient data is off.
  std::shared_ptr<const service::PatientSeal> patient_seal;
  // The clock of follow-up placements (reservation expiry, waiting times);
  // empty: the wall clock. Tests move it.
  std::function<Time()> placement_clock;
  // The executor and budget of what-if simulation runs (docs/simulation.md).
  service::SimulationServiceOptions simulations;
};

class EventHub;
class SnapshotCache;

class Api {
 public:
  Api(Store& store, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  void Register(http::Router& router);
  // Adds the transport's own metrics to /metrics.
  void SetTransportMetrics(std::function<std::string()> text);
  // For http::ServerOptions::restyle_error: the transport's own errors (404,
  // 405, 413 …) under /fhir as FHIR OperationOutcome; elsewhere unchanged.
  static std::function<void(const http::Request&, http::Response&)> TransportErrorStyle();
  // Validates, authorises and commits reports exactly as the API does for
  // `who` (audit, events, snapshot), for in-process feeds such as the demo.
  // Returns the data version after the write.
  Result<std::int64_t> Ingest(const Principal& who, std::vector<CapacityInput> inputs, ReportSource source);
  // At start: validates the shipped care pathways (data/pathways, embedded)
  // against the complaint list and stores each one whose id the store does
  // not hold yet as version 1 (created_by "shipped"); an edited pathway is
  // never overwritten. kInvalid naming the file and field of a broken one.
  // Returns how many were stored.
  Result<size_t> SeedPathways();
  // Closes live streams (before the server drains).
  void Shutdown();

  EventHub& events();
  SnapshotCache& snapshots();

  struct State;  // defined in internal.h, shared by the route files

 private:
  std::unique_ptr<State> state_;
};

}  // namespace ozcc::api
