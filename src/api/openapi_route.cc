// GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, public.
// The document is docs/openapi.json, embedded at build time by
// cmake/embed_file.cmake; tests/integration/openapi_test.cc keeps it in step
// with the route table.
#include <memory>
#include <string>

#include "api/internal.h"

namespace ozcc::api {

// Defined in the file generated from docs/openapi.json.
extern const std::string_view kOpenApiJson;

void RegisterOpenApiRoute(State& /*s*/, http::Router& r) {
  static const auto kBody = std::make_shared<const std::string>(kOpenApiJson);
  r.Add(
      "GET", "/api/v1/openapi.json",
      [](http::Request&) {
        http::Response resp;
        resp.Set("Content-Type", "application/json");
        resp.Set("Cache-Control", "no-cache");
        resp.shared_body = kBody;
        return resp;
      },
      http::RouteOptions{.inline_io = true});
}

}  // namespace ozcc::api
