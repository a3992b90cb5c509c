// Validates FHIR resources that a test collected against the official R4
// JSON schema (../shared/external/fhir-r4/fhir.schema.json, see external.h)
// with tests/fhir/validate_fhir.py. Without the schema the check is skipped
// with a note; python3-jsonschema is required.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace ozcc::test {

::testing::AssertionResult ValidFhirR4(const std::vector<nlohmann::json>& resources);

}  // namespace ozcc::test
