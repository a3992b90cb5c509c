// Running `openzcc` subcommands in-process in tests of the engine commands
// (forecast, simulate, spread): a temporary folder, the command line run
// with its standard output and error captured, and files written and read.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "app/cli.h"

namespace ozcc::test {

// A fresh folder under the system's temp folder, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ozcc-cli") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CliRun {
  int rc = 0;
  std::string out;
  std::string err;
};

// Runs `openzcc <args…>` through app::RunCli.
inline CliRun Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "openzcc");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  CliRun r;
  r.rc = app::RunCli(static_cast<int>(argv.size()), argv.data());
  r.out = ::testing::internal::GetCapturedStdout();
  r.err = ::testing::internal::GetCapturedStderr();
  return r;
}

// Writes `text` to `path` (replacing it) and returns the path.
inline std::string Write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path.string();
}

inline std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ozcc::test
