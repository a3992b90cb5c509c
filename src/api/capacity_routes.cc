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

std::string IdempotencyKey(const http::Request& req) {
  auto k = req.Header("idempotency-key");
  return k ? std::string(*k) : std::string();
}

std::string RequestHash(const http::Request& req) { return Sha256Hex(req.method + " " + req.target + "\n" + req.body); }

json ReportsJson(const std::vector<CapacityReport>& reports) {
  json arr = json::array();
  for (const auto& r : reports) arr.push_back(ToJson(r));
  return arr;
}

void AddPut(State& s, http::Router& r) {
  r.Add("PUT", "/api/v1/units/{unit_id}/capacity", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    if (auto replay = Replay(s, req, who)) return *replay;
    const std::string& unit_id = req.params["unit_id"];
    auto unit = s.store.GetUnit(unit_id);
    if (!unit.ok()) return ProblemFor(req, unit.status());
    if (auto denied = RequireAllowed(s, req, who, Action::kWriteCapacity, {unit->region_id, unit->unit.organization_id},
                                     "capacity.write", unit_id)) {
      return *denied;
    }
    auto body = ParseJsonObject(req.body);
    if (!body.ok()) return ProblemFor(req, body.status());
    auto input = ParseCapacityInput(*body, unit_id);
    if (!input.ok()) return ProblemFor(req, input.status());
    auto checked = Check(s, req, who, {std::move(*input)}, [](size_t) { return std::string(); });
    if (checked.forbidden) return *checked.forbidden;
    if (!checked.errors.empty()) {
      return ProblemFor(req, Status::Invalid("the capacity report breaks the rules", checked.errors));
    }
    return Commit(s, req, who, std::move(checked.ok), ReportSource::kManual, "capacity.write",
                  [](const std::vector<CapacityReport>& stored, std::int64_t) { return ToJson(stored.front()); });
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
    auto checked = Check(s, req, who, std::move(*inputs), [](size_t i) { return "items[" + std::to_string(i) + "]."; });
    if (checked.forbidden) return *checked.forbidden;
    if (!checked.errors.empty()) {
      return ProblemFor(req, Status::Invalid("the batch has invalid items; nothing was stored", checked.errors));
    }
    return Commit(s, req, who, std::move(checked.ok), ReportSource::kManual, "capacity.write",
                  [](const std::vector<CapacityReport>& stored, std::int64_t version) {
                    return json{{"version", version}, {"stored", stored.size()}, {"items", ReportsJson(stored)}};
                  });
  });
}

void AddCsv(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/capacity:import-csv", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto ctype = req.Header("content-type");
    if (!ctype || ctype->substr(0, 8) != "text/csv") {
      return ProblemFor(req, Status(Code::kUnsupportedMedia, "send the CSV with Content-Type: text/csv"));
    }
    const bool partial = req.Query("partial").value_or("") == "true";
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
    auto checked =
        Check(s, req, who, std::move(inputs), [&](size_t i) { return "line " + std::to_string(lines[i]) + ": "; });
    if (checked.forbidden) return *checked.forbidden;
    // Name the CSV column ("beds_staffed"), not the JSON field ("beds.staffed").
    for (auto& e : checked.errors) {
      for (const char* part : {": beds.", ": ed."}) {
        if (auto pos = e.field.find(part); pos != std::string::npos) e.field[e.field.find('.', pos)] = '_';
      }
    }
    if (!checked.errors.empty() && (!partial || checked.ok.empty())) {
      return ProblemFor(req, Status::Invalid("the CSV has invalid rows; nothing was stored", checked.errors));
    }
    json rejected = json::array();
    for (const auto& e : checked.errors) rejected.push_back({{"field", e.field}, {"message", e.message}});
    return Commit(s, req, who, std::move(checked.ok), ReportSource::kCsv, "capacity.import-csv",
                  [rejected](const std::vector<CapacityReport>& stored, std::int64_t version) {
                    return json{{"version", version}, {"stored", stored.size()}, {"rejected", rejected}};
                  });
  });
}

void AddHistory(State& s, http::Router& r) {
  r.Add("GET", "/api/v1/units/{unit_id}/capacity/history", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    auto unit = s.store.GetUnit(req.params["unit_id"]);
    if (!unit.ok()) return ProblemFor(req, unit.status());
    if (auto denied = RequireAllowed(s, req, who, Action::kReadRegion, {unit->region_id, ""}, "", "")) return *denied;
    std::vector<FieldError> errs;
    auto time_param = [&](const char* name, Time fallback) {
      auto v = req.Query(name);
      if (!v) return fallback;
      auto t = ParseRfc3339(*v);
      if (!t) errs.push_back({name, "must be an RFC 3339 date-time"});
      return t.value_or(fallback);
    };
    const Time to = time_param("to", Now());
    const Time from = time_param("from", to - std::chrono::hours(24 * 7));
    if (errs.empty() && from > to) errs.push_back({"from", "must not be after to"});
    if (errs.empty() && to - from > std::chrono::hours(24 * 400)) errs.push_back({"from", "range is at most 400 days"});
    if (!errs.empty()) return ProblemFor(req, Status::Invalid("bad time range", errs));
    constexpr size_t kMaxFetch = 200000, kMaxPoints = 1000;
    auto hist = s.store.CapacityHistory(unit->unit.id, from, to, kMaxFetch);
    if (!hist.ok()) return ProblemFor(req, hist.status());
    // Downsample long ranges: keep the last report of each of kMaxPoints equal time buckets.
    const bool downsample = hist->size() > kMaxPoints;
    json points = json::array();
    const auto span = std::max<std::int64_t>(1, ToUnixMillis(to) - ToUnixMillis(from));
    for (size_t i = 0; i < hist->size(); ++i) {
      const CapacityReport& rep = (*hist)[i];
      if (downsample && i + 1 < hist->size()) {
        auto bucket = [&](const CapacityReport& x) {
          return (ToUnixMillis(x.as_of) - ToUnixMillis(from)) * static_cast<std::int64_t>(kMaxPoints) / span;
        };
        if (bucket(rep) == bucket((*hist)[i + 1])) continue;
      }
      points.push_back({{"as_of", FormatRfc3339(rep.as_of)},
                        {"beds", rep.beds ? ToJson(*rep.beds) : json(nullptr)},
                        {"ed", rep.ed ? ToJson(*rep.ed) : json(nullptr)},
                        {"source", ToString(rep.source)},
                        {"reported_by", rep.reported_by}});
    }
    return Json(200, {{"unit_id", unit->unit.id},
                      {"from", FormatRfc3339(from)},
                      {"to", FormatRfc3339(to)},
                      {"downsampled", downsample},
                      {"truncated", hist->size() >= kMaxFetch},
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
    if (auto denied = RequireAllowed(s, req, who, Action::kReadRegion, {*region, ""}, "", "")) return *denied;
    auto exists = s.store.GetRegion(*region);
    if (!exists.ok()) return ProblemFor(req, exists.status());
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
    auto version = s.store.DataVersion(*region);
    if (!version.ok()) return ProblemFor(req, version.status());
    http::Response resp;
    resp.stream = http::StreamSpec{[&s, region = *region, last, v = *version](std::shared_ptr<http::EventSink> sink) {
      if (!sink->Send("retry: 3000\n\n")) return;
      s.events.Subscribe(region, std::move(sink), last, v);
    }};
    return resp;
  });
}

}  // namespace

// The format names the source (csv, fhir, demo); a plain JSON report is
// "feed" when a feed token sent it and "manual" when a person did.
ReportSource SourceFor(const Principal& who, ReportSource format) {
  return format == ReportSource::kManual && who.kind == PrincipalKind::kFeedToken ? ReportSource::kFeed : format;
}

// Looks up, authorises and validates each input. Errors are collected with
// the given field prefixes; a unit the principal may not write makes the
// whole request 403.
std::optional<http::Response> Replay(State& s, const http::Request& req, const Principal& who) {
  std::string key = IdempotencyKey(req);
  if (key.empty()) return std::nullopt;
  if (key.size() > 200) {
    return ProblemFor(
        req, Status::Invalid("Idempotency-Key is too long", {{"Idempotency-Key", "must be at most 200 characters"}}));
  }
  auto prior = s.store.GetIdempotent(who.name, key);
  if (!prior.ok()) return ProblemFor(req, prior.status());
  if (!prior->has_value()) return std::nullopt;
  const IdempotentResponse& r = **prior;
  if (r.request_hash != RequestHash(req)) {
    return ProblemFor(req, Status::Conflict("this Idempotency-Key was used for a different request"));
  }
  http::Response resp;
  resp.status = r.status;
  resp.Set("Content-Type", "application/json");
  resp.Set("Idempotent-Replayed", "true");
  resp.body = r.body;
  return resp;
}

Checked Check(State& s, const http::Request& req, const Principal& who, std::vector<CapacityInput> inputs,
              const std::function<std::string(size_t)>& prefix_of) {
  Checked out;
  const Time now = Now();
  std::unordered_map<std::string, UnitView> units;  // batch may repeat units
  for (size_t i = 0; i < inputs.size(); ++i) {
    CapacityInput& in = inputs[i];
    const std::string prefix = prefix_of(i);
    auto it = units.find(in.unit_id);
    if (it == units.end()) {
      auto u = s.store.GetUnit(in.unit_id);
      if (!u.ok()) {
        if (u.status().code() != Code::kNotFound) {
          out.forbidden = ProblemFor(req, u.status());
          return out;
        }
        out.errors.push_back({prefix + "unit_id", "unknown unit " + in.unit_id});
        out.bad_indexes.push_back(i);
        continue;
      }
      it = units.emplace(in.unit_id, std::move(*u)).first;
    }
    const UnitView& unit = it->second;
    if (auto denied = RequireAllowed(s, req, who, Action::kWriteCapacity, {unit.region_id, unit.unit.organization_id},
                                     "capacity.write", unit.unit.id)) {
      out.forbidden = std::move(denied);
      return out;
    }
    auto errs = ValidateCapacity(in, unit.unit.type, now, prefix);
    if (!errs.empty()) {
      out.errors.insert(out.errors.end(), errs.begin(), errs.end());
      out.bad_indexes.push_back(i);
      continue;
    }
    out.ok.push_back(Prepared{std::move(in), unit});
  }
  return out;
}

// Commits the prepared reports in one transaction, publishes them and answers
// with make_body(stored reports, version).
http::Response Commit(State& s, const http::Request& req, const Principal& who, std::vector<Prepared> prepared,
                      ReportSource source, const std::string& audit_action,
                      const std::function<json(const std::vector<CapacityReport>&, std::int64_t)>& make_body) {
  const Time now = Now();
  CapacityWrite w;
  for (const auto& p : prepared) {
    CapacityReport r;
    r.unit_id = p.unit.unit.id;
    r.as_of = p.input.as_of.value_or(now);
    r.source = SourceFor(who, source);
    r.beds = p.input.beds;
    r.ed = p.input.ed;
    r.note = p.input.note;
    r.reported_by = who.name;
    w.reports.push_back(std::move(r));
    w.audit.push_back(MakeAudit(req, who, audit_action, p.unit.unit.id, "ok"));
  }
  w.idempotency_key = IdempotencyKey(req);
  w.idempotency_scope = who.name;
  w.request_hash = RequestHash(req);
  w.response_for_key = [&](const std::vector<CapacityReport>& stored) {
    std::int64_t v = stored.empty() ? 0 : stored.back().version;
    return make_body(stored, v).dump();
  };
  auto result = s.store.WriteCapacity(std::move(w));
  if (!result.ok()) {
    if (result.status().code() == Code::kConflict && !IdempotencyKey(req).empty()) {
      if (auto replay = Replay(s, req, who)) return *replay;  // a concurrent request with the same key won
    }
    return ProblemFor(req, result.status());
  }
  s.capacity_writes += result->reports.size();
  // Publish the new unit states to live clients of each region.
  std::unordered_map<std::string, const UnitView*> view_of;
  for (const auto& p : prepared) view_of[p.unit.unit.id] = &p.unit;
  for (const auto& r : result->reports) {
    const UnitView* v = view_of[r.unit_id];
    s.snapshots.NoteVersion(v->region_id, r.version);
    s.events.Publish(v->region_id, r.version, "capacity", UnitRow(*v, &r, Now()).dump());
  }
  return Json(200, make_body(result->reports, result->version));
}

Result<std::int64_t> Api::Ingest(const Principal& who, std::vector<CapacityInput> inputs, ReportSource source) {
  State& s = *state_;
  http::Request req;  // an in-process request: audit records carry its id
  req.method = "POST";
  req.path = req.target = "/internal/ingest";
  req.request_id = "ingest-" + NewToken("").substr(0, 12);
  auto checked = Check(s, req, who, std::move(inputs), [](size_t i) { return "items[" + std::to_string(i) + "]."; });
  if (checked.forbidden) return Status::Forbidden(checked.forbidden->body);
  if (!checked.errors.empty()) return Status::Invalid("invalid reports", checked.errors);
  std::int64_t version = 0;
  auto resp = Commit(s, req, who, std::move(checked.ok), source, "capacity.write",
                     [&version](const std::vector<CapacityReport>&, std::int64_t v) {
                       version = v;
                       return json::object();
                     });
  if (resp.status != 200) return Status::Internal(resp.body);
  return version;
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
