// The one table from internal error codes to HTTP, and RFC 9457
// application/problem+json bodies.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/message.h"

namespace ozcc::api {

int HttpStatusFor(Code code);

// Builds {type,title,status,detail,instance,errors:[{field,message}]} with
// Content-Type application/problem+json.
http::Response Problem(const Status& status, std::string_view instance, std::string_view request_id = {});

}  // namespace ozcc::api
