// JSON ↔ the phase a region declares itself in (core/phase.h,
// service/phase_service.h). Parsing is strict (unknown fields, wrong types,
// each naming its field); the domain rules are core's (ValidateNewPhase),
// applied by the service.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"
#include "core/phase.h"
#include "service/phase_service.h"
#include "store/phase_store.h"

namespace ozcc::api {

// {"phase", "rationale", "transfer_approval"?}
Result<NewPhase> ParseNewPhase(std::string_view body);

// {"phase", "transfer_approval", "rationale", "declared_by", "declared_at", "version"}
nlohmann::json ToJson(const PhaseDeclaration& d);
// The current declaration with "region_id", and "history" (newest first).
nlohmann::json ToJson(const service::PhaseView& v);
// The data of a live `phase` event: region, phase, approval, the
// declaration's version and when it was declared.
nlohmann::json PhaseEventJson(const PhaseChange& c);

}  // namespace ozcc::api
