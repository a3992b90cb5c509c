// `serve --config` files: the shipped example (deploy/openzcc.toml) is read as
// serve reads it, and mistakes in a config are refused naming the key. The
// patient key file: where serve takes its name from, what it refuses, and
// `patient-key generate`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/patient_key.h"
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

// `openzcc ARGS` through the real command line: exit code and what it printed.
struct CliRun {
  int rc = 0;
  std::string out, err;
};
CliRun Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "openzcc");
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

// `openzcc serve ARGS --check-config`.
CliRun Serve(std::vector<std::string> args) {
  args.insert(args.begin(), "serve");
  args.emplace_back("--check-config");
  return Cli(std::move(args));
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
      {"patient_key_file", {"\"/etc/openzcc/patient.key\"", "\"/etc/openzcc/patient.key\""}},
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

// ---------------------------------------------------------------------------
// The patient key file

class CliPatientKeyTest : public ConfigTest {
 protected:
  void TearDown() override {
    unsetenv("OPENZCC_PATIENT_KEY");
    ConfigTest::TearDown();
  }
  std::string KeyPath(const std::string& name = "patient.key") { return (dir_ / name).string(); }
  // `serve` up to the patient key and no further: the address cannot be
  // bound, so a key wrongly accepted fails later with another message
  // instead of serving.
  static CliRun ServeWithKey(std::vector<std::string> args) {
    args.insert(args.begin(), {"serve", "--db", ":memory:", "--listen", "203.0.113.1:1"});
    return Cli(std::move(args));
  }
  static unsigned Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  static std::string Content(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

// As for every serve setting: flag, then config file, then environment.
TEST_F(CliPatientKeyTest, FlagWinsOverConfigWhichWinsOverEnvironment) {
  EXPECT_EQ(Settings(Serve({}).out)["patient_key_file"], "\"\"") << "none by default";
  setenv("OPENZCC_PATIENT_KEY", "/from/env.key", 1);
  EXPECT_EQ(Settings(Serve({}).out)["patient_key_file"], "\"/from/env.key\"");
  const std::string config = Write("patient_key_file = \"/from/config.key\"\n");
  EXPECT_EQ(Settings(Serve({"--config", config}).out)["patient_key_file"], "\"/from/config.key\"");
  EXPECT_EQ(Settings(Serve({"--config", config, "--patient-key", "/from/flag.key"}).out)["patient_key_file"],
            "\"/from/flag.key\"");
  unsetenv("OPENZCC_PATIENT_KEY");
  EXPECT_EQ(Settings(Serve({"--patient-key", "/from/flag.key"}).out)["patient_key_file"], "\"/from/flag.key\"");
  EXPECT_EQ(Fields(app::CheckServeConfig(Write("patient_key_file = 7\n"))), "patient_key_file;");
}

TEST_F(CliPatientKeyTest, GenerateWritesAKeyReadableByItsOwnerOnly) {
  const std::string path = KeyPath();
  const mode_t old = ::umask(0);  // 0600 whatever the umask
  const auto r = Cli({"patient-key", "generate", path});
  ::umask(old);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(Mode(path), 0600u);
  const std::string text = Content(path);
  EXPECT_EQ(text.size(), 65u);
  EXPECT_EQ(r.out.find(text.substr(0, 16)), std::string::npos) << "the key is never printed: " << r.out;
  auto key = app::ReadPatientKeyFile(path);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_NE(r.out.find(service::PatientSeal(*key).key_id()), std::string::npos) << "names the key id: " << r.out;
}

TEST_F(CliPatientKeyTest, GenerateNeverOverwrites) {
  const std::string path = KeyPath();
  ASSERT_EQ(Cli({"patient-key", "generate", path}).rc, 0);
  const std::string before = Content(path);
  const auto r = Cli({"patient-key", "generate", path});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("never overwritten"), std::string::npos) << r.err;
  EXPECT_EQ(Content(path), before);

  std::ofstream(KeyPath("other")) << "not a key\n";  // any file, not only a key
  EXPECT_EQ(Cli({"patient-key", "generate", KeyPath("other")}).rc, 1);
  EXPECT_EQ(Content(KeyPath("other")), "not a key\n");
  EXPECT_EQ(Cli({"patient-key", "generate", (dir_ / "no" / "such" / "dir").string()}).rc, 1);
}

TEST_F(CliPatientKeyTest, KeyFileOpenToOthersIsRefused) {
  const std::string path = KeyPath();
  ASSERT_EQ(Cli({"patient-key", "generate", path}).rc, 0);
  const std::string text = Content(path);
  for (const fs::perms mode : {fs::perms(0644), fs::perms(0640), fs::perms(0604), fs::perms(0620), fs::perms(0602)}) {
    fs::permissions(path, mode);
    const auto r = ServeWithKey({"--patient-key", path});
    EXPECT_EQ(r.rc, 1) << static_cast<unsigned>(mode);
    EXPECT_NE(r.err.find("chmod 600 " + path), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(text.substr(0, 16)), std::string::npos) << r.err;
  }
  fs::permissions(path, fs::perms(0400));
  EXPECT_TRUE(app::ReadPatientKeyFile(path).ok()) << "read-only for its owner is fine";
  fs::permissions(path, fs::perms(0600));
  EXPECT_TRUE(app::ReadPatientKeyFile(path).ok());
}

TEST_F(CliPatientKeyTest, MissingOrInvalidKeyFileIsRefused) {
  auto r = ServeWithKey({"--patient-key", KeyPath("missing.key")});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("missing.key"), std::string::npos) << r.err;

  const std::string secretish = "0123456789abcdef0123456789abcdef0123456789abcdefXYZ";
  std::ofstream(KeyPath()) << secretish << "\n";
  fs::permissions(KeyPath(), fs::perms(0600));
  r = ServeWithKey({"--patient-key", KeyPath()});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("holds no patient key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("0123456789abcdef"), std::string::npos) << "never echoes the file: " << r.err;

  r = ServeWithKey({"--patient-key", dir_.string()});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

// The config file's and the environment's key file are the ones serve reads.
TEST_F(CliPatientKeyTest, ServeReadsTheKeyFileItIsGiven) {
  auto r = ServeWithKey({"--config", Write("patient_key_file = \"" + KeyPath("from-config.key") + "\"\n")});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("from-config.key"), std::string::npos) << r.err;
  setenv("OPENZCC_PATIENT_KEY", KeyPath("from-env.key").c_str(), 1);
  r = ServeWithKey({});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("from-env.key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ozcc::test
