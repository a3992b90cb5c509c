// `serve --config` files: the shipped example (deploy/openzcc.toml) is read as
// serve reads it, and mistakes in a config are refused naming the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "app/cli.h"
#include "support/external.h"

namespace ozcc::test {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("ozcc-config-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const fs::path p = dir_ / "openzcc.toml";
    std::ofstream(p) << text;
    return p.string();
  }
  // The fields the check names, joined.
  static std::string Fields(const Status& st) {
    std::string out;
    for (const auto& e : st.errors()) out += e.field + ";";
    return out;
  }
  fs::path dir_;
};

TEST_F(ConfigTest, ShippedExampleIsValid) {
  const auto st = app::CheckServeConfig((SourceDir() / "deploy" / "openzcc.toml").string());
  EXPECT_TRUE(st.ok()) << st.message() << " " << Fields(st);
}

TEST_F(ConfigTest, MisspeltKeyIsRefused) {
  const auto st = app::CheckServeConfig(Write("db = \"x.db\"\nsecure_cookies = true\n"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kInvalid);
  EXPECT_EQ(Fields(st), "secure_cookies;");
}

TEST_F(ConfigTest, WrongTypesAndRangesAreRefused) {
  const auto st = app::CheckServeConfig(
      Write("workers = \"8\"\nsecure_cookie = \"yes\"\nio_threads = 0\nsession_hours = 1.5\nlisten = \"8080\"\n"));
  ASSERT_FALSE(st.ok());
  const std::string f = Fields(st);
  for (const char* key : {"workers;", "secure_cookie;", "io_threads;", "session_hours;", "listen;"}) {
    EXPECT_NE(f.find(key), std::string::npos) << key << " in " << f;
  }
}

TEST_F(ConfigTest, SyntaxErrorNamesTheLine) {
  const auto st = app::CheckServeConfig(Write("db = \"x.db\"\nworkers = = 3\n"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(":2:"), std::string::npos) << st.message();
}

TEST_F(ConfigTest, EmptyFileMeansDefaults) { EXPECT_TRUE(app::CheckServeConfig(Write("")).ok()); }

}  // namespace
}  // namespace ozcc::test
