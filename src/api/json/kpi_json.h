// The worklist KPIs (core/kpis.h) as JSON and as CSV (GET /api/v1/kpis).
//
// JSON: {"region","from","to","by" (null without grouping),"total":F,
// "groups":[{"key",…F}]} where F is {"requests","open","closed",
// "action_needed","outcomes":{<outcome wire name>: n, every outcome},
// "requests_by_partner":[{"organization_id","requests"}],
// "requests_without_partner","time_to_triage":T,"time_to_handover":T,
// "handovers_by_partner":[{"organization_id","requested","answered",
// "accepted","declined","escalated","acceptance_rate" (null: none
// answered)}],"pathway":{"followed","deviated","none"}} and T is
// {"count","median_seconds","p90_seconds"} (null without a value).
//
// CSV (RFC 4180: comma separated, CRLF, a field with a comma, quote or line
// break quoted with "" doubling; UTF-8; one header row, kKpiCsvColumns):
// one row "total" (key empty), then one row "group" per group, each followed
// by a row "partner" per organisation that requested cases or received
// handovers in it (partner set; requests = the cases it requested;
// handovers_* = those addressed to it; the case columns empty). Handover
// columns of total and group rows add up every partner. Durations are in
// seconds, the acceptance rate a fraction 0–1; an empty cell has no value.
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/kpis.h"

namespace ozcc::api {

nlohmann::json ToJson(const KpiFigures& f);
nlohmann::json ToJson(const KpiReport& r, const std::string& region_id);

inline constexpr std::array<std::string_view, 32> kKpiCsvColumns{
    "row",
    "key",
    "partner",
    "requests",
    "open",
    "closed",
    "action_needed",
    "helped-by-zcc",
    "referred",
    "care-prevented",
    "ed-visit",
    "hospital-admission",
    "ambulance",
    "doctor-visit",
    "self-care-advice",
    "requests_without_partner",
    "triage_count",
    "triage_median_seconds",
    "triage_p90_seconds",
    "handover_count",
    "handover_median_seconds",
    "handover_p90_seconds",
    "handovers_requested",
    "handovers_answered",
    "handovers_accepted",
    "handovers_declined",
    "handovers_escalated",
    "acceptance_rate",
    "pathway_followed",
    "pathway_deviated",
    "pathway_none",
    "region",
};

std::string ToCsv(const KpiReport& r, const std::string& region_id);

}  // namespace ozcc::api
