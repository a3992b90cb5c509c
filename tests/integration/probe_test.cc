// The black-box probe's shape, kept as part of the security suite: the real
// server (web UI on) on both stores, probed from outside with the corpora
// under tests/probe/, so that every later route is probed the same way.
//  - Paths: tests/probe/paths.txt (METHOD TARGET STATUS a line), and every
//    route of the real route table spelled non-canonically (trailing and
//    double slashes, dot segments, literal and %2E-encoded, an encoded slash):
//    each refused before routing, never answered by the route's handler.
//  - Framing: tests/probe/framing/*.http, raw bytes on a fresh connection
//    (the file's LF goes out as CRLF) after "# " comment lines that say what
//    must come back: "# expect: STATUS... close|open" (every response in
//    order, and whether the server then closes the connection) and,
//    optionally, "# body-contains: TEXT" (in the first response's body).
//    Request smuggling shows up as one response too many.
// The role × route matrix is authz_matrix_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/api_fixture.h"
#include "support/external.h"

namespace ozcc::test {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path ProbeDir() { return SourceDir() / "tests" / "probe"; }

struct PathCase {
  std::string method, target;
  int status = 0;
  std::string where;  // file:line, or the route it was made from
};

std::vector<PathCase> ReadPathCases() {
  std::vector<PathCase> out;
  std::ifstream in(ProbeDir() / "paths.txt");
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    PathCase c;
    std::string extra;
    fields >> c.method >> c.target >> c.status;
    EXPECT_TRUE(fields && !(fields >> extra)) << "paths.txt:" << n << ": want METHOD TARGET STATUS: " << line;
    c.where = "paths.txt:" + std::to_string(n);
    out.push_back(c);
  }
  return out;
}

// The route's pattern with each {param} as "p".
std::string Concrete(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      out += 'p';
      i = pattern.find('}', i);
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// Non-canonical spellings of a route's path, each with the status it gets.
std::vector<PathCase> SpellingsOf(const std::string& method, const std::string& pattern) {
  const std::string path = Concrete(pattern);
  const std::string where = "route " + method + " " + pattern;
  std::vector<PathCase> out = {
      {method, path + "/", 404, where},
      {method, "/" + path, 404, where},
      {method, "/./" + path.substr(1), 400, where},
      {method, "/%2e" + path, 400, where},
      {method, "/p/.." + path, 400, where},
      {method, "/p/%2E%2e" + path, 400, where},
  };
  if (path != "/") out.push_back({method, path + "/.", 400, where});
  if (const std::size_t inner = path.find('/', 1); inner != std::string::npos) {
    out.push_back({method, path.substr(0, inner) + "/" + path.substr(inner), 404, where});
    out.push_back({method, path.substr(0, inner) + "%2F" + path.substr(inner + 1), 400, where});
  }
  return out;
}

struct FramingCase {
  std::string name;
  std::vector<int> statuses;
  bool close = true;
  std::string body_contains;
  std::string bytes;
};

FramingCase ReadFramingCase(const std::filesystem::path& file) {
  FramingCase c;
  c.name = file.filename().string();
  const std::string text = ReadFile(file);
  std::size_t pos = 0;
  bool have_expect = false;
  while (pos < text.size() && text.compare(pos, 2, "# ") == 0) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string line = text.substr(pos + 2, eol - pos - 2);
    pos = eol + 1;
    if (line.rfind("expect:", 0) == 0) {
      have_expect = true;
      std::istringstream words(line.substr(7));
      for (std::string w; words >> w;) {
        if (w == "close" || w == "open") {
          c.close = w == "close";
        } else {
          c.statuses.push_back(std::stoi(w));
        }
      }
    } else if (line.rfind("body-contains:", 0) == 0) {
      c.body_contains = line.substr(line.find_first_not_of(' ', 14));
    }
  }
  EXPECT_TRUE(have_expect && !c.statuses.empty()) << c.name << ": no \"# expect: STATUS... close|open\" line";
  for (std::size_t i = pos; i < text.size(); ++i) {
    if (text[i] == '\n') c.bytes += '\r';
    c.bytes += text[i];
  }
  return c;
}

struct Answer {
  std::vector<int> statuses;
  std::vector<std::string> content_types;
  std::string first_body;
  bool trailing_garbage = false;
};

// The responses in `wire`, in order.
Answer ParseResponses(const std::string& wire) {
  Answer a;
  std::string_view rest = wire;
  while (!rest.empty()) {
    bhttp::response_parser<bhttp::string_body> p;
    p.eager(true);
    p.body_limit(boost::none);
    boost::beast::error_code ec;
    const std::size_t used = p.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec || !p.is_done()) {
      a.trailing_garbage = true;
      break;
    }
    rest.remove_prefix(used);
    a.statuses.push_back(static_cast<int>(p.get().result_int()));
    a.content_types.emplace_back(p.get()[bhttp::field::content_type]);
    if (a.statuses.size() == 1) a.first_body = p.get().body();
  }
  return a;
}

std::string Join(const std::vector<int>& v) {
  std::string out;
  for (int s : v) out += (out.empty() ? "" : " ") + std::to_string(s);
  return out;
}

class ProbeTest : public ApiFixture {
 protected:
  void SetUp() override {
    with_web_ui_ = true;
    ApiFixture::SetUp();
  }

  // Errors are problem+json, under /fhir (however spelt) FHIR OperationOutcome.
  static std::string ErrorMediaType(const std::string& target) {
    return target.starts_with("/fhir") ? "application/fhir+json" : "application/problem+json";
  }

  // Sends every case and collects the ones answered otherwise.
  void Expect(const std::vector<PathCase>& cases) {
    client_->set_timeout(10s);
    std::vector<std::string> wrong;
    for (const PathCase& c : cases) {
      const HttpResponse r = client_->Request(c.method, c.target);
      if (r.status != c.status) {
        wrong.push_back(c.where + ": " + c.method + " " + c.target + ": expected " + std::to_string(c.status) +
                        ", got " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      } else if (r.status >= 400 && !r.Header("content-type").value_or("").starts_with(ErrorMediaType(c.target))) {
        wrong.push_back(c.where + ": " + c.method + " " + c.target + ": not " + ErrorMediaType(c.target));
      }
    }
    std::string list;
    for (const auto& w : wrong) list += "\n  " + w;
    EXPECT_TRUE(wrong.empty()) << wrong.size() << " of " << cases.size() << " paths answered otherwise:" << list;
  }
};

TEST_P(ProbeTest, PathCorpus) {
  const std::vector<PathCase> cases = ReadPathCases();
  ASSERT_GT(cases.size(), 20u) << "tests/probe/paths.txt not found under " << SourceDir();
  Expect(cases);
}

TEST_P(ProbeTest, EveryRouteSpelledNonCanonicallyIsRefusedBeforeRouting) {
  std::vector<PathCase> cases;
  std::set<std::string> seen;
  for (const auto& r : router_->routes()) {
    for (auto& c : SpellingsOf(r.method, r.pattern)) {
      if (seen.insert(c.method + " " + c.target).second) cases.push_back(std::move(c));
    }
  }
  ASSERT_GT(cases.size(), 100u);
  const std::string before = StoreFingerprint();
  Expect(cases);
  EXPECT_EQ(StoreFingerprint(), before) << "a refused probe changed the store";
}

TEST_P(ProbeTest, FramingCorpus) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(ProbeDir() / "framing")) {
    if (e.path().extension() == ".http") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 10u) << "tests/probe/framing/*.http not found under " << SourceDir();
  const std::string before = StoreFingerprint();
  for (const auto& file : files) {
    const FramingCase c = ReadFramingCase(file);
    SCOPED_TRACE(c.name);
    bool closed = false;
    const std::string wire = client_->Raw(c.bytes, c.close ? 5000ms : 1000ms, &closed);
    const Answer a = ParseResponses(wire);
    EXPECT_EQ(Join(a.statuses), Join(c.statuses)) << c.name << ": the responses, in order\n" << wire;
    EXPECT_FALSE(a.trailing_garbage) << c.name << ": bytes that are no whole response\n" << wire;
    EXPECT_EQ(closed, c.close) << c.name << (c.close ? ": the server kept the connection open" : ": closed");
    for (std::size_t i = 0; i < a.statuses.size(); ++i) {
      if (a.statuses[i] >= 400) {
        EXPECT_EQ(a.content_types[i], "application/problem+json") << c.name << ", response " << i + 1;
      }
    }
    if (!c.body_contains.empty()) {
      EXPECT_NE(a.first_body.find(c.body_contains), std::string::npos)
          << c.name << ": the first response names \"" << c.body_contains << "\"\n"
          << a.first_body;
    }
    // The server is still there for everyone else.
    EXPECT_EQ(client_->Request("GET", "/healthz").status, 200) << c.name;
  }
  EXPECT_EQ(StoreFingerprint(), before) << "a probe changed the store";
}

INSTANTIATE_TEST_SUITE_P(, ProbeTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
