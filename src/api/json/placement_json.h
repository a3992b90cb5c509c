// JSON ↔ follow-up placements (core/placement.h, core/placement_match.h,
// service/placement_service.h). Parsing is strict and reports every problem
// at once, each naming its field; the domain rules are core's
// (ValidateNewPlacement), applied by the service.
//
// What goes out: a placement never carries patient data (`has_patient`
// only), nor does a match.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/cases.h"
#include "core/placement.h"
#include "core/placement_match.h"
#include "service/placement_service.h"
#include "store/placement_store.h"

namespace ozcc::api {

struct NewPlacementBody {
  NewPlacement placement;
  std::optional<Patient> patient;
};
// {"region_id"?, "from_organization_id", "from_unit_id", "care_type",
//  "profile"?: {"dementia"?, "isolation"?, "oxygen"?, "weight_kg"?,
//  "mobility"?, "age"?}, "needs"?, "preferred_place"?, "preferred_lat"?,
//  "preferred_lon"?, "earliest_date"? ("2026-12-05"), "patient"?}
Result<NewPlacementBody> ParseNewPlacement(std::string_view body);
// {"offers": [{"organization_id", "unit_id"}, …]}
Result<std::vector<service::OfferTarget>> ParseOffers(std::string_view body);
// {"accept": bool, "reason"?, "text"?, "reservation_hours"?}
Result<service::OfferAnswer> ParseOfferAnswer(std::string_view body);
// {"reason"}: the reason a placement is cancelled.
Result<std::string> ParseCancelPlacement(std::string_view body);

nlohmann::json ToJson(const Offer& o);
nlohmann::json ToJson(const service::PlacementView& v);
nlohmann::json ToJson(const CriterionCheck& c);
nlohmann::json ToJson(const service::MatchesView& v);
// The live event "placement": {"id", "version", "state", "region_id", "at"};
// the clients refetch what they show.
nlohmann::json PlacementEventJson(const PlacementChange& c);

}  // namespace ozcc::api
