// UTF-8 validity, for every layer that checks text from outside.
#pragma once

#include <string_view>

namespace ozcc {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequence. NUL bytes are valid UTF-8; callers that
// refuse them check for them themselves.
bool ValidUtf8(std::string_view s);

}  // namespace ozcc
