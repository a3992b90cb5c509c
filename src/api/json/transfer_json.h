// JSON ↔ transfers (core/transfers.h, service/transfer_service.h). Parsing
// is strict and reports every problem at once, each naming its field; the
// domain rules are core's (ValidateNewTransfer, ValidateTransferStep),
// applied by the service.
//
// What goes out: a transfer never carries patient data (`has_patient`
// only; the patient has its own logged read, as a case's); a live event
// (TransferEventJson) carries ids, state, organisations, units and times.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "base/status.h"
#include "core/cases.h"
#include "core/transfers.h"
#include "service/transfer_service.h"
#include "store/transfer_store.h"

namespace ozcc::api {

struct NewTransferBody {
  NewTransfer transfer;
  std::optional<Patient> patient;
};
// {"region_id"?, "from_organization_id", "from_unit_id", "to_organization_id",
//  "to_unit_id", "care_type", "reason", "case_id"?, "planned_at"?, "patient"?}
Result<NewTransferBody> ParseNewTransfer(std::string_view body);
// {"to", "reason"?, "at"?}
Result<service::TransferStepInput> ParseTransferStep(std::string_view body);

nlohmann::json ToJson(const Transfer& t);
nlohmann::json ToJson(const TransferEvent& e);
nlohmann::json ToJson(const service::TransferView& v);

// The data of a live `transfer` event, without patient data. `alert` is set
// (with the receiving organisation in `alert_organization_id`) when the
// receiving side is to act or be ready: a new request, and a patient en route.
nlohmann::json TransferEventJson(const TransferChange& c);

}  // namespace ozcc::api
