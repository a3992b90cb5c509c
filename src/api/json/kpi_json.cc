#include "api/json/kpi_json.h"

#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "api/json/csv_write.h"
#include "base/time.h"

namespace ozcc::api {

namespace {

using nlohmann::json;

json Seconds(const std::optional<std::chrono::milliseconds>& d) {
  return d ? json(static_cast<double>(d->count()) / 1000.0) : json(nullptr);
}

json ToJson(const DurationStats& s) {
  return {{"count", s.count}, {"median_seconds", Seconds(s.median)}, {"p90_seconds", Seconds(s.p90)}};
}

// A number as the CSV writes it: up to `decimals` decimals, trailing zeros dropped.
std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string SecondsCell(const std::optional<std::chrono::milliseconds>& d) {
  return d ? Number(static_cast<double>(d->count()) / 1000.0, 3) : "";
}

// Every partner's handovers added up.
PartnerHandovers Sum(const std::vector<PartnerHandovers>& all) {
  PartnerHandovers s;
  for (const auto& p : all) {
    s.requested += p.requested;
    s.accepted += p.accepted;
    s.declined += p.declined;
    s.escalated += p.escalated;
  }
  return s;
}

using CsvRow = std::map<std::string_view, std::string>;

void HandoverCells(CsvRow& row, const PartnerHandovers& h) {
  row["handovers_requested"] = std::to_string(h.requested);
  row["handovers_answered"] = std::to_string(h.answered());
  row["handovers_accepted"] = std::to_string(h.accepted);
  row["handovers_declined"] = std::to_string(h.declined);
  row["handovers_escalated"] = std::to_string(h.escalated);
  if (auto rate = h.acceptance_rate()) row["acceptance_rate"] = Number(*rate, 4);
}

CsvRow FiguresRow(const KpiFigures& f) {
  CsvRow row;
  row["requests"] = std::to_string(f.requests);
  row["open"] = std::to_string(f.open);
  row["closed"] = std::to_string(f.closed);
  row["action_needed"] = std::to_string(f.action_needed);
  for (Outcome o : kAllOutcomes) row[ToString(o)] = std::to_string(f.Outcomes(o));
  row["requests_without_partner"] = std::to_string(f.requests_without_partner);
  row["triage_count"] = std::to_string(f.time_to_triage.count);
  row["triage_median_seconds"] = SecondsCell(f.time_to_triage.median);
  row["triage_p90_seconds"] = SecondsCell(f.time_to_triage.p90);
  row["handover_count"] = std::to_string(f.time_to_handover.count);
  row["handover_median_seconds"] = SecondsCell(f.time_to_handover.median);
  row["handover_p90_seconds"] = SecondsCell(f.time_to_handover.p90);
  HandoverCells(row, Sum(f.handovers_by_partner));
  row["pathway_followed"] = std::to_string(f.pathway_followed);
  row["pathway_deviated"] = std::to_string(f.pathway_deviated);
  row["pathway_none"] = std::to_string(f.pathway_none);
  return row;
}

// One "partner" row per organisation that requested or received in `f`, by id.
std::vector<CsvRow> PartnerRows(const KpiFigures& f) {
  std::map<std::string, CsvRow> rows;
  for (const auto& p : f.requests_by_partner) rows[p.organization_id]["requests"] = std::to_string(p.requests);
  for (const auto& h : f.handovers_by_partner) HandoverCells(rows[h.organization_id], h);
  std::vector<CsvRow> out;
  for (auto& [org, row] : rows) {
    row["partner"] = org;
    out.push_back(std::move(row));
  }
  return out;
}

template <size_t N>
void Write(std::string& out, CsvRow row, std::string_view kind, const std::string& key, const std::string& region,
           const std::array<std::string_view, N>& columns) {
  row["row"] = kind;
  row["key"] = key;
  row["region"] = region;
  std::vector<std::string> cells;
  for (std::string_view col : columns) {
    auto it = row.find(col);
    cells.push_back(it != row.end() ? it->second : "");
  }
  AppendCsvRow(out, cells);
}

template <size_t N>
void WriteHeader(std::string& out, const std::array<std::string_view, N>& columns) {
  bool first = true;
  for (std::string_view col : columns) {
    if (!first) out += ',';
    first = false;
    out += col;
  }
  out += "\r\n";
}

json OrNull(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
std::string DaysCell(const std::optional<double>& d) { return d ? Number(*d, 4) : ""; }

// The CSV column of a decline reason: "declined_" and its wire name with '_'
// for '-' (a name of kPlacementKpiCsvColumns, which outlives every row).
std::string_view DeclinedColumnName(DeclineReason r) {
  std::string col = "declined_" + std::string(ToString(r));
  for (char& c : col) {
    if (c == '-') c = '_';
  }
  for (std::string_view name : kPlacementKpiCsvColumns) {
    if (name == col) return name;
  }
  return "declined_other";
}

CsvRow PlacementFiguresRow(const PlacementKpiFigures& f) {
  CsvRow row;
  row["placements"] = std::to_string(f.placements);
  row["waiting"] = std::to_string(f.waiting);
  row["offered"] = std::to_string(f.offered);
  row["placed"] = std::to_string(f.placed);
  row["cancelled"] = std::to_string(f.cancelled);
  row["placement_count"] = std::to_string(f.time_to_placement.count);
  row["placement_median_seconds"] = SecondsCell(f.time_to_placement.median);
  row["placement_p90_seconds"] = SecondsCell(f.time_to_placement.p90);
  row["wrong_bed_days_total"] = Number(f.wrong_bed_days.total, 4);
  row["wrong_bed_days_median"] = DaysCell(f.wrong_bed_days.median);
  row["wrong_bed_days_p90"] = DaysCell(f.wrong_bed_days.p90);
  row["offers_made"] = std::to_string(f.offers.made);
  row["offers_open"] = std::to_string(f.offers.open);
  row["offers_accepted"] = std::to_string(f.offers.accepted);
  row["offers_declined"] = std::to_string(f.offers.declined);
  row["offers_withdrawn"] = std::to_string(f.offers.withdrawn);
  row["offers_expired"] = std::to_string(f.offers.expired);
  for (DeclineReason r : kAllDeclineReasons) row[DeclinedColumnName(r)] = std::to_string(f.Declines(r));
  row["answer_median_seconds"] = SecondsCell(f.time_to_answer.median);
  row["answer_p90_seconds"] = SecondsCell(f.time_to_answer.p90);
  return row;
}

}  // namespace

json ToJson(const KpiFigures& f) {
  json outcomes = json::object();
  for (Outcome o : kAllOutcomes) outcomes[std::string(ToString(o))] = f.Outcomes(o);
  json requesters = json::array();
  for (const auto& p : f.requests_by_partner) {
    requesters.push_back({{"organization_id", p.organization_id}, {"requests", p.requests}});
  }
  json partners = json::array();
  for (const auto& h : f.handovers_by_partner) {
    const auto rate = h.acceptance_rate();
    partners.push_back({{"organization_id", h.organization_id},
                        {"requested", h.requested},
                        {"answered", h.answered()},
                        {"accepted", h.accepted},
                        {"declined", h.declined},
                        {"escalated", h.escalated},
                        {"acceptance_rate", rate ? json(*rate) : json(nullptr)}});
  }
  return {{"requests", f.requests},
          {"open", f.open},
          {"closed", f.closed},
          {"action_needed", f.action_needed},
          {"outcomes", std::move(outcomes)},
          {"requests_by_partner", std::move(requesters)},
          {"requests_without_partner", f.requests_without_partner},
          {"time_to_triage", ToJson(f.time_to_triage)},
          {"time_to_handover", ToJson(f.time_to_handover)},
          {"handovers_by_partner", std::move(partners)},
          {"pathway", {{"followed", f.pathway_followed}, {"deviated", f.pathway_deviated}, {"none", f.pathway_none}}}};
}

json ToJson(const KpiReport& r, const std::string& region_id) {
  json groups = json::array();
  for (const auto& g : r.groups) {
    json item = ToJson(g.figures);
    item["key"] = g.key;
    groups.push_back(std::move(item));
  }
  return {{"region", region_id},
          {"from", FormatRfc3339(r.from)},
          {"to", FormatRfc3339(r.to)},
          {"by", r.by == KpiGrouping::kNone ? json(nullptr) : json(std::string(ToString(r.by)))},
          {"total", ToJson(r.total)},
          {"groups", std::move(groups)}};
}

std::string ToCsv(const KpiReport& r, const std::string& region_id) {
  std::string out;
  WriteHeader(out, kKpiCsvColumns);
  Write(out, FiguresRow(r.total), "total", "", region_id, kKpiCsvColumns);
  for (auto& p : PartnerRows(r.total)) Write(out, std::move(p), "partner", "", region_id, kKpiCsvColumns);
  for (const auto& g : r.groups) {
    Write(out, FiguresRow(g.figures), "group", g.key, region_id, kKpiCsvColumns);
    for (auto& p : PartnerRows(g.figures)) Write(out, std::move(p), "partner", g.key, region_id, kKpiCsvColumns);
  }
  return out;
}

json ToJson(const PlacementKpiFigures& f) {
  json declines = json::object();
  for (DeclineReason r : kAllDeclineReasons) declines[std::string(ToString(r))] = f.Declines(r);
  json providers = json::array();
  for (const auto& p : f.providers) {
    providers.push_back({{"organization_id", p.organization_id},
                         {"offers", p.offers},
                         {"accepted", p.accepted},
                         {"declined", p.declined},
                         {"expired", p.expired},
                         {"placed", p.placed},
                         {"acceptance_rate", OrNull(p.acceptance_rate())}});
  }
  const auto& o = f.offers;
  return {{"placements", f.placements},
          {"waiting", f.waiting},
          {"offered", f.offered},
          {"placed", f.placed},
          {"cancelled", f.cancelled},
          {"time_to_placement", ToJson(f.time_to_placement)},
          {"wrong_bed_days",
           {{"count", f.wrong_bed_days.count},
            {"total", f.wrong_bed_days.total},
            {"median", OrNull(f.wrong_bed_days.median)},
            {"p90", OrNull(f.wrong_bed_days.p90)}}},
          {"offers",
           {{"made", o.made},
            {"open", o.open},
            {"accepted", o.accepted},
            {"declined", o.declined},
            {"withdrawn", o.withdrawn},
            {"expired", o.expired}}},
          {"declines_by_reason", std::move(declines)},
          {"time_to_answer", ToJson(f.time_to_answer)},
          {"providers", std::move(providers)}};
}

json ToJson(const PlacementKpiReport& r, const std::string& region_id) {
  json groups = json::array();
  for (const auto& g : r.groups) groups.push_back({{"key", g.key}, {"figures", ToJson(g.figures)}});
  return {{"region", region_id},
          {"from", FormatRfc3339(r.from)},
          {"to", FormatRfc3339(r.to)},
          {"now", FormatRfc3339(r.now)},
          {"by", r.by == PlacementKpiGrouping::kNone ? json(nullptr) : json(std::string(ToString(r.by)))},
          {"total", ToJson(r.total)},
          {"groups", std::move(groups)}};
}

std::string ToCsv(const PlacementKpiReport& r, const std::string& region_id) {
  std::string out;
  WriteHeader(out, kPlacementKpiCsvColumns);
  Write(out, PlacementFiguresRow(r.total), "total", "", region_id, kPlacementKpiCsvColumns);
  for (const auto& p : r.total.providers) {
    CsvRow row;
    row["offers_made"] = std::to_string(p.offers);
    row["offers_accepted"] = std::to_string(p.accepted);
    row["offers_declined"] = std::to_string(p.declined);
    row["offers_expired"] = std::to_string(p.expired);
    row["placed"] = std::to_string(p.placed);
    if (auto rate = p.acceptance_rate()) row["acceptance_rate"] = Number(*rate, 4);
    Write(out, std::move(row), "provider", p.organization_id, region_id, kPlacementKpiCsvColumns);
  }
  for (const auto& g : r.groups) {
    Write(out, PlacementFiguresRow(g.figures), "group", g.key, region_id, kPlacementKpiCsvColumns);
  }
  return out;
}

}  // namespace ozcc::api
