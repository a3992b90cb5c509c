#include "api/api.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "api/internal.h"
#include "api/json/complaint_json.h"
#include "http/client_address.h"

namespace ozcc::api {

extern const std::string_view kComplaintsJson;

namespace {

// The options with what was left out filled in: the shipped entry complaints.
ApiOptions WithDefaults(ApiOptions o) {
  if (o.complaints.empty()) {
    auto shipped = ParseComplaintsFile(kComplaintsJson);
    // The file is checked by the tests that build it in; a broken one is a build defect.
    if (!shipped.ok()) throw std::logic_error("data/complaints.json: " + shipped.status().message());
    o.complaints = std::move(shipped).value();
  }
  return o;
}

}  // namespace

Api::State::State(Store& s, ApiOptions o) : store(s), options(WithDefaults(std::move(o))) {}

Api::Api(Store& store, ApiOptions options) : state_(std::make_unique<State>(store, std::move(options))) {
  InitCrypto();
  const ApiOptions& o = state_->options;
  state_->events.SetLimits({o.streams_per_principal, o.streams_per_address, o.max_streams});
  state_->stream_guard.Start();
  state_->escalation.Start();
  state_->reservation_expiry.Start();
  // A follow-up placement's transfer places the patient on arrival.
  state_->transfers.SetStepHook([s = state_.get()](const Transfer& t, const std::string& actor) {
    return s->placements.TransferStepped(t, actor);
  });
  // Without a feed yet (database unreachable) it keeps trying; nothing else waits for it.
  (void)state_->follower.Start();
}

Api::~Api() = default;

void Api::Register(http::Router& router) {
  http::Router routes;
  RegisterOpsRoutes(*state_, routes);
  RegisterAuthRoutes(*state_, routes);
  RegisterRegionRoutes(*state_, routes);
  RegisterCapacityRoutes(*state_, routes);
  RegisterCaseRoutes(*state_, routes);
  RegisterTransferRoutes(*state_, routes);
  RegisterPlacementRoutes(*state_, routes);
  RegisterSpreadingRoutes(*state_, routes);
  RegisterPathwayRoutes(*state_, routes);
  RegisterKpiRoutes(*state_, routes);
  RegisterForecastRoutes(*state_, routes);
  RegisterSimulationRoutes(*state_, routes);
  RegisterFhirRoutes(*state_, routes);
  RegisterOpenApiRoute(*state_, routes);
  RegisterWebRoutes(*state_, routes);  // last: its patterns are the most general
  // Every route goes through the same guard (CSRF, security headers).
  for (const auto& r : routes.routes()) router.Add(r.method, r.pattern, Guarded(*state_, r), r.options);
}

Result<size_t> Api::SeedPathways() {
  auto shipped = ParseShippedPathways(state_->options.complaints);
  if (!shipped.ok()) return shipped.status();
  return state_->pathways.SeedShipped(*shipped);
}

void Api::SetTransportMetrics(std::function<std::string()> text) { state_->transport_metrics = std::move(text); }
void Api::Shutdown() { state_->events.CloseAll(); }
EventHub& Api::events() { return state_->events; }
SnapshotCache& Api::snapshots() { return state_->snapshots; }

http::Response Json(int status, const nlohmann::json& body) {
  http::Response r;
  r.status = status;
  r.Set("Content-Type", "application/json");
  r.Set("Cache-Control", "no-store");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

http::Response ProblemFor(const http::Request& req, const Status& st) { return Problem(st, req.path, req.request_id); }

std::optional<http::Response> RequireAuth(State& s, const http::Request& req, Principal& out) {
  auto p = s.auth.Authenticate(req);
  if (!p.ok()) {
    s.auth_failures++;
    auto resp = ProblemFor(req, p.status());
    if (p.status().code() == Code::kUnauthenticated) resp.Set("WWW-Authenticate", "Bearer realm=\"openzcc\"");
    return resp;
  }
  out = *p;
  return std::nullopt;
}

std::optional<http::Response> RequireAllowed(State& s, const http::Request& req, const Principal& who, Action action,
                                             const Resource& what, const std::string& audit_action,
                                             const std::string& object) {
  Status st = service::Require(s.store, CallerOf(req, who), action, what, audit_action, object);
  if (st.ok()) return std::nullopt;
  return ProblemFor(req, st);
}

std::optional<std::int64_t> IfMatch(const http::Request& req, bool weak, std::int64_t least) {
  auto h = req.Header("if-match");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (weak && v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') return -1;
  v = v.substr(1, v.size() - 2);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < least) return -1;
  return n;
}

Status ReadLimit(const http::Request& req, size_t max, size_t& limit) {
  auto l = req.Query("limit");
  if (!l) return Status::Ok();
  size_t n = 0;
  auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
  if (ec != std::errc() || end != l->data() + l->size() || n < 1 || n > max) {
    return Status::BadRequest("bad limit", {{"limit", "a whole number from 1 to " + std::to_string(max)}});
  }
  limit = n;
  return Status::Ok();
}

std::string MediaTypeOf(const http::Request& req) {
  std::string type(req.Header("content-type").value_or(""));
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

bool WantsCsv(const http::Request& req) {
  std::string accept(req.Header("accept").value_or(""));
  std::string clean;
  for (char c : accept) {
    if (c != ' ' && c != '\t') clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (size_t at = 0; at <= clean.size();) {
    const size_t end = std::min(clean.find(',', at), clean.size());
    const std::string range = clean.substr(at, end - at);
    at = end + 1;
    if (range != "text/csv" && !range.starts_with("text/csv;")) continue;
    const size_t q = range.find(";q=");
    if (q == std::string::npos || std::strtod(range.c_str() + q + 3, nullptr) > 0) return true;
  }
  return false;
}

Status RequireJsonBody(const http::Request& req) {
  const std::string type = MediaTypeOf(req);
  if (type == "application/json" || type == "application/json+fhir" ||
      (type.starts_with("application/") && type.ends_with("+json"))) {
    return Status();
  }
  return Status(Code::kUnsupportedMedia, "send the body as JSON, with Content-Type: application/json");
}

std::string PublicBase(const State& s, const http::Request& req) {
  if (!s.options.public_base_url.empty()) return s.options.public_base_url;
  return http::PublicOrigin(req.via_trusted_proxy, req.Header("host").value_or(""),
                            req.Header("x-forwarded-proto").value_or(""), req.Header("x-forwarded-host").value_or(""));
}

Result<std::string> RegionParam(const http::Request& req, const Principal& who) {
  if (auto r = req.Query("region"); r && !r->empty()) return *r;
  if (!who.region_id.empty()) return who.region_id;
  return Status::Invalid("region is required", {{"region", "is required (query parameter)"}});
}

}  // namespace ozcc::api
