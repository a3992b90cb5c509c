#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace ozcc::api {

namespace {

struct CodeInfo {
  Code code;
  int status;
  std::string_view slug;
  std::string_view title;
};

// The one mapping from internal error codes to HTTP.
constexpr CodeInfo kCodes[] = {
    {Code::kInvalid, 422, "invalid", "Invalid input"},
    {Code::kBadRequest, 400, "bad-request", "Bad request"},
    {Code::kNotFound, 404, "not-found", "Not found"},
    {Code::kConflict, 409, "conflict", "Conflict"},
    {Code::kPreconditionRequired, 428, "precondition-required", "Precondition required"},
    {Code::kPreconditionFailed, 412, "precondition-failed", "Precondition failed"},
    {Code::kUnauthenticated, 401, "unauthenticated", "Authentication required"},
    {Code::kForbidden, 403, "forbidden", "Forbidden"},
    {Code::kTooLarge, 413, "too-large", "Request body too large"},
    {Code::kUnsupportedMedia, 415, "unsupported-media-type", "Unsupported media type"},
    {Code::kNotAcceptable, 406, "not-acceptable", "Not acceptable"},
    {Code::kRateLimited, 429, "rate-limited", "Too many requests"},
    {Code::kUnavailable, 503, "unavailable", "Service unavailable"},
    {Code::kInternal, 500, "internal", "Internal error"},
};

const CodeInfo& InfoFor(Code code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c;
  }
  return kCodes[std::size(kCodes) - 1];
}

}  // namespace

int HttpStatusFor(Code code) { return code == Code::kOk ? 200 : InfoFor(code).status; }

namespace {

nlohmann::json Body(const CodeInfo& info, const Status& status, std::string_view instance,
                    std::string_view request_id) {
  nlohmann::json body = {
      {"type", "https://openzcc.nl/problems/" + std::string(info.slug)},
      {"title", info.title},
      {"status", info.status},
      {"detail", status.message()},
      {"instance", instance},
  };
  if (!request_id.empty()) body["request_id"] = request_id;
  if (!status.errors().empty()) {
    auto& errs = body["errors"] = nlohmann::json::array();
    for (const auto& e : status.errors()) errs.push_back({{"field", e.field}, {"message", e.message}});
  }
  return body;
}

http::Response Render(const CodeInfo& info, const nlohmann::json& body) {
  http::Response r;
  r.status = info.status;
  r.Set("Content-Type", "application/problem+json");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace

http::Response Problem(const Status& status, std::string_view instance, std::string_view request_id) {
  const CodeInfo& info = InfoFor(status.code());
  return Render(info, Body(info, status, instance, request_id));
}

}  // namespace ozcc::api
