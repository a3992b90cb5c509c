// Helpers shared by the libFuzzer targets: a hard failure that libFuzzer
// records as a crash, and the invariants every parser's error must keep.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/problem.h"
#include "base/status.h"

namespace ozcc::fuzz {

// Harness code (checks, round trips) gives the fuzzer no coverage feedback:
// only the product's own branches should make an input interesting, and the
// checks' instrumentation costs time on every run.
#define OZCC_FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

// Aborts with a message when `cond` is false; libFuzzer saves the input.
#define OZCC_FUZZ_CHECK(cond)                                                                 \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
OZCC_FUZZ_NO_COVERAGE inline bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// A failed parse must be a client error that renders as problem+json: a 4xx
// code, a message, every error with a message, and a body that is valid JSON
// again. Rendering and re-parsing the body costs as much as the parse under
// test, and its outcome hardly depends on the input (Problem() dumps with
// invalid UTF-8 replaced), so it is done for one input in eight, chosen by a
// hash of the input so a failure reproduces; of a long error list only the
// first kRenderedErrors and the last are rendered (one loop renders them
// all). http_request_fuzz checks every whole response body.
inline constexpr size_t kRenderedErrors = 8;

OZCC_FUZZ_NO_COVERAGE inline void CheckClientError(const Status& st, std::string_view input) {
  OZCC_FUZZ_CHECK(!st.ok());
  const int http = api::HttpStatusFor(st.code());
  OZCC_FUZZ_CHECK(http >= 400 && http < 500);
  OZCC_FUZZ_CHECK(!st.message().empty());
  for (const FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.message.empty());
  if (std::hash<std::string_view>{}(input) % 8 != 0) return;
  const std::vector<FieldError>& all = st.errors();
  std::vector<FieldError> shown;
  if (all.size() > kRenderedErrors + 1) {
    shown.assign(all.begin(), all.begin() + kRenderedErrors);
    shown.push_back(all.back());
  }
  const Status limited = shown.empty() ? st : Status(st.code(), st.message(), std::move(shown));
  const http::Response r = api::Problem(limited, "/fuzz");
  OZCC_FUZZ_CHECK(r.status == http);
  OZCC_FUZZ_CHECK(nlohmann::json::accept(r.body));
}

// A failed parse of a request body: a client error (CheckClientError) with
// at least one error, each naming its field.
OZCC_FUZZ_NO_COVERAGE inline void CheckFieldFailure(const Status& st, std::string_view input) {
  CheckClientError(st, input);
  OZCC_FUZZ_CHECK(!st.errors().empty());
  for (const FieldError& e : st.errors()) OZCC_FUZZ_CHECK(!e.field.empty());
}

// The domain rules' findings name fields and never repeat `secret` (a BSN
// the body gave: it must not reach logs or screens).
OZCC_FUZZ_NO_COVERAGE inline void CheckRules(const std::vector<FieldError>& errors, const std::string& secret) {
  for (const FieldError& e : errors) {
    OZCC_FUZZ_CHECK(!e.field.empty() && !e.message.empty());
    if (secret.size() >= 4) OZCC_FUZZ_CHECK(e.message.find(secret) == std::string::npos);
  }
}

// A parse's result: on success `on_ok` checks the value, else
// CheckFieldFailure.
template <class T, class F>
OZCC_FUZZ_NO_COVERAGE void Each(const Result<T>& parsed, std::string_view input, F on_ok) {
  if (parsed.ok()) {
    on_ok(*parsed);
  } else {
    CheckFieldFailure(parsed.status(), input);
  }
}

}  // namespace ozcc::fuzz
