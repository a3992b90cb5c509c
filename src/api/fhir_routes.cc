// FHIR R4 endpoints under /fhir. Wired to api/fhir/ once the mapping lands.
#include "api/internal.h"

namespace ozcc::api {

void RegisterFhirRoutes(State&, http::Router&) {}

}  // namespace ozcc::api
