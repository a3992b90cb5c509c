// Where the shared third-party test data lies: $OZCC_EXTERNAL_DIR, else
// <source>/../shared/external. Tests that need it call SkipIfNoExternal().
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ozcc::test {

inline std::filesystem::path ExternalDir() {
  if (const char* env = std::getenv("OZCC_EXTERNAL_DIR"); env && *env) return env;
  return std::filesystem::path(OZCC_SOURCE_DIR) / ".." / "shared" / "external";
}

inline std::filesystem::path SourceDir() { return OZCC_SOURCE_DIR; }

}  // namespace ozcc::test

// Skips the current test, saying so, when the external data is absent.
#define OZCC_SKIP_IF_NO_EXTERNAL()                                                      \
  do {                                                                                  \
    if (!std::filesystem::exists(::ozcc::test::ExternalDir() / "MANIFEST.md")) {        \
      GTEST_SKIP() << "external test data not found at " << ::ozcc::test::ExternalDir() \
                   << " (set OZCC_EXTERNAL_DIR); skipping";                             \
    }                                                                                   \
  } while (0)
