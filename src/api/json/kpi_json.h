// The worklist KPIs (core/kpis.h) as JSON and as CSV (GET /api/v1/kpis),
// and the follow-up placement KPIs (core/placement_kpis.h, GET
// /api/v1/placements/kpis; below).
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
#include "core/placement_kpis.h"

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

// The placement KPIs. JSON: {"region","from","to","now","by" (null without
// grouping),"total":P,"groups":[{"key","figures":P}]} where P is
// {"placements","waiting","offered","placed","cancelled",
// "time_to_placement":T,"wrong_bed_days":{"count","total","median","p90"}
// (days; median and p90 null without a value),"offers":{"made","open",
// "accepted","declined","withdrawn","expired"},"declines_by_reason":
// {<reason wire name>: n, every reason},"time_to_answer":T,"providers":
// [{"organization_id","offers","accepted","declined","expired","placed",
// "acceptance_rate" (null: none answered)}]}.
//
// CSV (as above; kPlacementKpiCsvColumns): one row "total" (key empty), a
// row "provider" per provider of the total (key its organisation id; the
// offer columns, placed and acceptance_rate), then a row "group" per group.
nlohmann::json ToJson(const PlacementKpiFigures& f);
nlohmann::json ToJson(const PlacementKpiReport& r, const std::string& region_id);

inline constexpr std::array<std::string_view, 28> kPlacementKpiCsvColumns{
    "row",
    "key",
    "region",
    "placements",
    "waiting",
    "offered",
    "placed",
    "cancelled",
    "placement_count",
    "placement_median_seconds",
    "placement_p90_seconds",
    "wrong_bed_days_total",
    "wrong_bed_days_median",
    "wrong_bed_days_p90",
    "offers_made",
    "offers_open",
    "offers_accepted",
    "offers_declined",
    "offers_withdrawn",
    "offers_expired",
    "declined_no_bed",
    "declined_care_too_complex",
    "declined_criteria_not_met",
    "declined_patient_choice",
    "declined_other",
    "answer_median_seconds",
    "answer_p90_seconds",
    "acceptance_rate",
};

std::string ToCsv(const PlacementKpiReport& r, const std::string& region_id);

}  // namespace ozcc::api
