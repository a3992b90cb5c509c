// The Env of a reliability test: this build's openzcc (OZCC_BIN), the
// repository (OZCC_SOURCE_DIR), a fresh work directory removed afterwards
// (kept with OZCC_KEEP=1, for the server logs), and the shared PostgreSQL of
// scripts/with-postgres.sh (OZCC_TEST_PG) where there is one.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "reliability/harness.h"

namespace ozcc::reliability {

class ReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("ozcc-rel-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    // A private PostgreSQL runs as the postgres user when we are root: let it in.
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                           std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
    env_.openzcc = OZCC_BIN;
    env_.source_dir = OZCC_SOURCE_DIR;
    env_.work_dir = dir_.string();
    const char* pg = std::getenv("OZCC_TEST_PG");
    env_.pg_url = pg != nullptr ? pg : "";
  }
  void TearDown() override {
    const char* keep = std::getenv("OZCC_KEEP");
    if (keep != nullptr && std::string(keep) == "1") {
      std::cerr << "kept " << dir_ << "\n";
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool HavePostgres() const { return !env_.pg_url.empty(); }

  std::filesystem::path dir_;
  Env env_;
};

inline constexpr const char* kPgSkip = "OZCC_TEST_PG is not set; run under scripts/with-postgres.sh";

}  // namespace ozcc::reliability
