// Capacity: PUT one unit, :batch, :import-csv, history, the region snapshot
// and the live event stream.
#include <algorithm>
#include <unordered_map>

#include "api/internal.h"
#include "api/json/capacity_csv.h"
#include "api/json/capacity_json.h"
#include "core/validate.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

json ReportsJson(const std::vector<CapacityReport>& reports) {
  json arr = json::array();
  for (const auto& r : reports) arr.push_back(ToJson(r));
  return arr;
}

// A submission with the request's Idempotency-Key; the answer remembered for
// the key is the JSON body `make_body` builds.
using MakeBody = std::function<json(const std::vector<CapacityReport>&, std::int64_t, const std::vector<FieldError>&)>;
service::CapacitySubmission Submission(const http::Request& req, std::vector<CapacityInput> inputs,
                                       MakeBody make_body) {
  service::CapacitySubmission sub;
  sub.inputs = std::move(inputs);
  sub.idempotency_key = IdempotencyKey(req);
  sub.request_hash = RequestHash(req);
  sub.remember = [make_body = std::move(make_body)](const std::vector<CapacityReport>& stored, std::int64_t version,
                                                    const std::vector<FieldError>& rejected) {
    return make_body(stored, version, rejected).dump();
  };
  return sub;
}

// Submits and answers 200 with the body remembered for the key (or the
// answer of a concurrent request with the same key).
// `fields` renames the fields of a refusal (CSV columns).
http::Response SubmitJson(State& s, const http::Request& req, const Principal& who, service::CapacitySubmission sub,
                          std::vector<FieldError> (*fields)(std::vector<FieldError>) = nullptr) {
  auto remember = sub.remember;
  auto out = s.capacity.Submit(CallerOf(req, who), std::move(sub));
  if (!out.ok()) {
    const Status& st = out.status();
    return ProblemFor(req, fields ? Status(st.code(), st.message(), fields(st.errors())) : st);
  }
  if (out->replayed) return ReplayResponse(*out->replayed);
  http::Response resp = Json(200, nullptr);
  resp.body = remember(out->stored, out->version, out->rejected);
  return resp;
}

void AddPut(State& s, http::Router& r) {
  r.Add("PUT", "/api/v1/units/{unit_id}/capacity", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    if (auto replay = Replay(s, req, who)) return *replay;
    const std::string& unit_id = req.params["unit_id"];
    // 404 and 403 before the body is read.
    if (auto unit = s.capacity.WritableUnit(CallerOf(req, who), unit_id, "capacity.write"); !unit.ok()) {
      return ProblemFor(req, unit.status());
    }
    auto body = ParseJsonObject(req.body);
    if (!body.ok()) return ProblemFor(req, body.status());
    auto input = ParseCapacityInput(*body, unit_id);
    if (!input.ok()) return ProblemFor(req, input.status());
    return SubmitJson(s, req, who,
                      Submission(req, {std::move(*input)},
                                 [](const std::vector<CapacityReport>& stored, std::int64_t,
                                    const std::vector<FieldError>&) { return ToJson(stored.front()); }));
  });
}

void AddBatch(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/capacity:batch", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    if (auto replay = Replay(s, req, who)) return *replay;
    auto body = ParseJsonObject(req.body);
    if (!body.ok()) return ProblemFor(req, body.status());
    auto inputs = ParseCapacityBatch(*body, s.options.max_batch_items);
    if (!inputs.ok()) return ProblemFor(req, inputs.status());
    auto sub =
        Submission(req, std::move(*inputs),
                   [](const std::vector<CapacityReport>& stored, std::int64_t version, const std::vector<FieldError>&) {
                     return json{{"version", version}, {"stored", stored.size()}, {"items", ReportsJson(stored)}};
                   });
    sub.field_prefix = [](size_t i) { return "items[" + std::to_string(i) + "]."; };
    sub.invalid_message = "the batch has invalid items; nothing was stored";
    return SubmitJson(s, req, who, std::move(sub));
  });
}

// Names the CSV column ("beds_staffed"), not the JSON field ("beds.staffed").
std::vector<FieldError> CsvFields(std::vector<FieldError> errors) {
  for (auto& e : errors) {
    for (const char* part : {": beds.", ": ed."}) {
      if (auto pos = e.field.find(part); pos != std::string::npos) e.field[e.field.find('.', pos)] = '_';
    }
  }
  return errors;
}

void AddCsv(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/capacity:import-csv", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (MediaTypeOf(req) != "text/csv") {  // any case, with or without parameters; not "text/csvx"
      return ProblemFor(req, Status(Code::kUnsupportedMedia, "send the CSV with Content-Type: text/csv"));
    }
    if (auto replay = Replay(s, req, who)) return *replay;
    auto rows = ParseCapacityCsv(req.body, s.options.max_csv_rows);
    if (!rows.ok()) return ProblemFor(req, rows.status());
    std::vector<CapacityInput> inputs;
    std::vector<size_t> lines;
    for (auto& row : *rows) {
      lines.push_back(row.line);
      inputs.push_back(std::move(row.input));
    }
    if (inputs.empty()) return ProblemFor(req, Status::Invalid("the CSV has no data rows", {{"line 2", "no rows"}}));
    auto sub = Submission(
        req, std::move(inputs),
        [](const std::vector<CapacityReport>& stored, std::int64_t version, const std::vector<FieldError>& rejected) {
          json names = json::array();
          for (const auto& e : CsvFields(rejected)) {
            names.push_back({{"field", e.field}, {"message", e.message}});
          }
          return json{{"version", version}, {"stored", stored.size()}, {"rejected", names}};
        });
    sub.format = ReportSource::kCsv;
    sub.audit_action = "capacity.import-csv";
    sub.partial = req.Query("partial").value_or("") == "true";
    sub.field_prefix = [lines](size_t i) { return "line " + std::to_string(lines[i]) + ": "; };
    sub.invalid_message = "the CSV has invalid rows; nothing was stored";
    return SubmitJson(s, req, who, std::move(sub), CsvFields);
  });
}

void AddHistory(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/units/{unit_id}/capacity/history", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    std::vector<FieldError> errs;
    auto time_param = [&](const char* name) -> std::optional<Time> {
      auto v = req.Query(name);
      if (!v) return std::nullopt;
      auto t = ParseRfc3339(*v);
      if (!t) errs.push_back({name, "must be an RFC 3339 date-time"});
      return t;
    };
    const auto to = time_param("to");
    const auto from = time_param("from");
    if (!errs.empty()) return ProblemFor(req, Status::Invalid("bad time range", errs));
    auto hist = s.capacity.History(CallerOf(req, who), req.params["unit_id"], from, to);
    if (!hist.ok()) return ProblemFor(req, hist.status());
    json points = json::array();
    for (const auto& rep : hist->points) {
      points.push_back({{"as_of", FormatRfc3339(rep.as_of)},
                        {"beds", rep.beds ? ToJson(*rep.beds) : json(nullptr)},
                        {"ed", rep.ed ? ToJson(*rep.ed) : json(nullptr)},
                        {"source", ToString(rep.source)},
                        {"reported_by", rep.reported_by}});
    }
    return Json(200, {{"unit_id", hist->unit.unit.id},
                      {"from", FormatRfc3339(hist->from)},
                      {"to", FormatRfc3339(hist->to)},
                      {"downsampled", hist->downsampled},
                      {"truncated", hist->truncated},
                      {"points", std::move(points)}});
  });
}

bool AcceptsGzip(const http::Request& req) {
  auto ae = req.Header("accept-encoding");
  return ae && ae->find("gzip") != std::string_view::npos;
}

void AddSnapshot(State& s, http::Router& r) {
  r.Add(
      "GET", "/api/v1/capacity/snapshot",
      [&s](http::Request& req) {
        Principal who;
        if (auto denied = RequireAuth(s, req, who)) return *denied;
        auto region = RegionParam(req, who);
        if (!region.ok()) return ProblemFor(req, region.status());
        if (auto denied = RequireAllowed(s, req, who, Action::kReadRegion, {*region, ""}, "", "")) return *denied;
        auto snap = s.snapshots.Get(*region);
        if (!snap.ok()) return ProblemFor(req, snap.status());
        const Snapshot& sn = **snap;
        http::Response resp;
        resp.Set("ETag", sn.etag);
        resp.Set("Cache-Control", "private, no-cache");
        resp.Set("Vary", "Accept-Encoding");
        if (auto inm = req.Header("if-none-match"); inm && inm->find(sn.etag) != std::string_view::npos) {
          resp.status = 304;
          return resp;
        }
        resp.Set("Content-Type", "application/json");
        if (AcceptsGzip(req) && !sn.gzip->empty()) {
          resp.Set("Content-Encoding", "gzip");
          resp.shared_body = sn.gzip;
        } else {
          resp.shared_body = sn.json;
        }
        return resp;
      },
      http::RouteOptions{.inline_io = true});
}

void AddEvents(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/events", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto region = RegionParam(req, who);
    if (!region.ok()) return ProblemFor(req, region.status());
    auto version = s.regions.Version(CallerOf(req, who), *region);
    if (!version.ok()) return ProblemFor(req, version.status());
    std::optional<std::int64_t> last;
    auto last_text = req.Header("last-event-id");
    std::optional<std::string> from_query;
    if (!last_text) from_query = req.Query("last_event_id");
    std::string text = last_text ? std::string(*last_text) : from_query.value_or("");
    if (!text.empty()) {
      try {
        size_t used = 0;
        last = std::stoll(text, &used);
        if (used != text.size() || *last < 0) throw std::invalid_argument("x");
      } catch (const std::exception&) {
        return ProblemFor(req, Status::Invalid("Last-Event-ID must be a data version",
                                               {{"Last-Event-ID", "must be a non-negative integer"}}));
      }
    }
    // Caps per principal and address, and on all streams (docs/operations.md, "Live event streams").
    StreamOwner owner{who.name, req.remote_addr, TokenHash(Authenticator::TokenOf(req)),
                      who.kind == PrincipalKind::kFeedToken};
    EventHub::Refusal why = EventHub::Refusal::kNone;
    auto admission = s.events.Admit(std::move(owner), &why);
    if (!admission) {
      const StreamLimits caps = s.events.limits();
      Status refused;
      switch (why) {
        case EventHub::Refusal::kPrincipal:
          s.streams_refused_principal++;
          refused = Status(Code::kRateLimited, "you have " + std::to_string(caps.per_principal) +
                                                   " live event streams open already; close one first");
          break;
        case EventHub::Refusal::kAddress:
          s.streams_refused_address++;
          refused = Status(Code::kRateLimited, "your address has " + std::to_string(caps.per_address) +
                                                   " live event streams open already; close one first");
          break;
        default:
          s.streams_refused_total++;
          refused = Status::Unavailable("the server has no room for more live event streams; try again later");
          break;
      }
      auto resp = ProblemFor(req, refused);
      resp.Set("Retry-After", "30");
      return resp;
    }
    http::Response resp;
    resp.stream =
        http::StreamSpec{[&s, region = *region, last, v = *version, admission](std::shared_ptr<http::EventSink> sink) {
          if (!sink->Send("retry: 3000\n\n")) return;
          s.events.Subscribe(region, std::move(sink), last, v, admission);
        }};
    return resp;
  });
}

}  // namespace

std::string IdempotencyKey(const http::Request& req) {
  auto k = req.Header("idempotency-key");
  return k ? std::string(*k) : std::string();
}

std::string RequestHash(const http::Request& req) { return Sha256Hex(req.method + " " + req.target + "\n" + req.body); }

http::Response ReplayResponse(const IdempotentResponse& r) {
  http::Response resp;
  resp.status = r.status;
  resp.Set("Content-Type", "application/json");
  resp.Set("Idempotent-Replayed", "true");
  resp.body = r.body;
  return resp;
}

std::optional<http::Response> Replay(State& s, const http::Request& req, const Principal& who) {
  auto prior = s.capacity.Replay(CallerOf(req, who), IdempotencyKey(req), RequestHash(req));
  if (!prior.ok()) return ProblemFor(req, prior.status());
  if (!*prior) return std::nullopt;
  return ReplayResponse(**prior);
}

void LivePublisher::Committed(const UnitView& unit, const CapacityReport& report) {
  ++committed;
  snapshots_.NoteVersion(unit.region_id, report.version);
  events_.Publish(unit.region_id, report.version, "capacity", UnitRow(unit, &report, Now()).dump());
}

Result<std::int64_t> Api::Ingest(const Principal& who, std::vector<CapacityInput> inputs, ReportSource source) {
  service::CapacitySubmission sub;
  sub.inputs = std::move(inputs);
  sub.format = source;
  sub.field_prefix = [](size_t i) { return "items[" + std::to_string(i) + "]."; };
  auto out = state_->capacity.Submit({who, "ingest-" + NewToken("").substr(0, 12)}, std::move(sub));
  if (!out.ok()) return out.status();
  return out->version;
}

void RegisterCapacityRoutes(State& s, http::Router& r) {
  AddPut(s, r);
  AddBatch(s, r);
  AddCsv(s, r);
  AddHistory(s, r);
  AddSnapshot(s, r);
  AddEvents(s, r);
}

}  // namespace ozcc::api
