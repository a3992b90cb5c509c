// `serve --config` files: the shipped example (deploy/openzcc.toml) is read as
// serve reads it, and mistakes in a config are refused naming the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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
      Write("workers = \"8\"\nsecure_cookie = \"yes\"\nio_threads = 0\nsession_hours = 1.5\nlisten = \"8080\"\n"
            "public_base_url = \"zcc.example.nl\"\n"));
  ASSERT_FALSE(st.ok());
  const std::string f = Fields(st);
  for (const char* key :
       {"workers;", "secure_cookie;", "io_threads;", "session_hours;", "listen;", "public_base_url;"}) {
    EXPECT_NE(f.find(key), std::string::npos) << key << " in " << f;
  }
}

TEST_F(ConfigTest, SyntaxErrorNamesTheLine) {
  const auto st = app::CheckServeConfig(Write("db = \"x.db\"\nworkers = = 3\n"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(":2:"), std::string::npos) << st.message();
}

TEST_F(ConfigTest, EmptyFileMeansDefaults) { EXPECT_TRUE(app::CheckServeConfig(Write("")).ok()); }

// `openzcc serve ARGS --check-config` through the real command line: exit code and what it printed.
struct CliRun {
  int rc = 0;
  std::string out, err;
};
CliRun Serve(std::vector<std::string> args) {
  args.insert(args.begin(), {"openzcc", "serve"});
  args.emplace_back("--check-config");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  CliRun r;
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  r.rc = app::RunCli(static_cast<int>(argv.size()), argv.data());
  r.out = ::testing::internal::GetCapturedStdout();
  r.err = ::testing::internal::GetCapturedStderr();
  return r;
}

// The `key = value` lines --check-config printed.
std::map<std::string, std::string> Settings(const std::string& out) {
  std::map<std::string, std::string> m;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (auto eq = line.find(" = "); eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return m;
}

// The config keys of the table in docs/operations.md, section Configuration.
std::vector<std::string> DocumentedKeys() {
  std::ifstream in(SourceDir() / "docs" / "operations.md");
  std::vector<std::string> keys;
  const std::regex row(R"(^\| [^|]*\| `([a-z_]+)` \|)");
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Configuration";
    std::smatch m;
    if (in_section && std::regex_search(line, m, row)) keys.push_back(m[1]);
  }
  return keys;
}

// `serve --config deploy/openzcc.toml` used to abort on secure_cookie
// (CLI11 OptionNotFound for a key without a flag): every key of the shipped
// file is read as serve reads it, to its value.
TEST_F(ConfigTest, ShippedExampleIsReadByServeToItsValues) {
  const auto r = Serve({"--config", (SourceDir() / "deploy" / "openzcc.toml").string()});
  ASSERT_EQ(r.rc, 0) << r.err;
  auto s = Settings(r.out);
  EXPECT_EQ(s["db"], "\"/var/lib/openzcc/openzcc.db\"");
  EXPECT_EQ(s["listen"], "\"127.0.0.1:8080\"");
  EXPECT_EQ(s["web"], "\"/usr/share/openzcc/web\"");
  EXPECT_EQ(s["io_threads"], "2");
  EXPECT_EQ(s["workers"], "64");
  EXPECT_EQ(s["body_limit"], "1048576");
  EXPECT_EQ(s["secure_cookie"], "true");
  EXPECT_EQ(s["session_hours"], "12");
  EXPECT_EQ(s["access_log"], "true");
  EXPECT_EQ(s["trusted_proxies"], "[\"127.0.0.1\", \"::1\"]");
}

// A config with every key the operations guide documents, each away from its
// default: serve takes each value; a flag still wins over the file.
TEST_F(ConfigTest, EveryDocumentedKeyTakesEffect) {
  // key → (TOML value, as --check-config prints it)
  const std::map<std::string, std::pair<std::string, std::string>> values = {
      {"db", {"\"/srv/z.db\"", "\"/srv/z.db\""}},
      {"listen", {"\"0.0.0.0:9090\"", "\"0.0.0.0:9090\""}},
      {"web", {"\"/srv/web\"", "\"/srv/web\""}},
      {"io_threads", {"3", "3"}},
      {"workers", {"17", "17"}},
      {"body_limit", {"4096", "4096"}},
      {"secure_cookie", {"true", "true"}},
      {"session_hours", {"7", "7"}},
      {"access_log", {"false", "false"}},
      {"trusted_proxies", {"[\"10.0.0.0/8\"]", "[\"10.0.0.0/8\"]"}},
      {"public_base_url", {"\"https://zcc.example.nl/\"", "\"https://zcc.example.nl/\""}},
      {"streams_per_user", {"3", "3"}},
      {"streams_per_address", {"5", "5"}},
      {"stream_reserve", {"9", "9"}},
  };
  const auto documented = DocumentedKeys();
  ASSERT_GE(documented.size(), 10u) << "the Configuration table of docs/operations.md was not found";
  std::string text;
  for (const auto& key : documented) {
    ASSERT_TRUE(values.count(key)) << "documented key " << key << " has no case here";
    text += key + " = " + values.at(key).first + "\n";
  }
  const std::string path = Write(text);
  auto r = Serve({"--config", path});
  ASSERT_EQ(r.rc, 0) << r.err;
  auto s = Settings(r.out);
  for (const auto& key : documented) EXPECT_EQ(s[key], values.at(key).second) << key;

  r = Serve({"--config", path, "--session-hours", "3", "--secure-cookie", "--workers", "5"});
  ASSERT_EQ(r.rc, 0) << r.err;
  s = Settings(r.out);
  EXPECT_EQ(s["session_hours"], "3");
  EXPECT_EQ(s["workers"], "5");
  EXPECT_EQ(s["io_threads"], "3") << "the file still applies where no flag is given";
}

TEST_F(ConfigTest, UnknownKeyExitsTwoNamingIt) {
  const auto r = Serve({"--config", Write("secure_cookies = true\n")});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("secure_cookies"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Serve({"--config", Write("session_hours = \"12\"\n")}).rc, 2);
}

}  // namespace
}  // namespace ozcc::test
