// docs/openapi.json against the real route table: every route the Api
// registers is documented (method + path pattern, {param} names exactly) and
// every documented operation exists, so adding a route without documenting it
// fails here. Also checks the document's own consistency (operation ids,
// roles, path parameters, $refs) and that GET /api/v1/openapi.json serves the
// same bytes on a real server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "api/api.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"
#include "support/external.h"
#include "support/http_client.h"

namespace ozcc::test {
namespace {

using nlohmann::json;
using Op = std::pair<std::string, std::string>;  // METHOD, path pattern

// The static web UI (registered only when ApiOptions::web_root is set) is not
// part of the API description.
const std::set<Op> kExcluded = {{"GET", "/"}, {"GET", "/{file}"}, {"GET", "/assets/{file}"}};

const char* const kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options", "trace"};

const std::set<std::string> kRoles = {"public",   "admin",           "roaz-coordinator", "org-capacity-manager",
                                      "org-user", "zcc-coordinator", "privacy-officer",  "viewer",
                                      "feed"};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DocText() { return ReadFile(SourceDir() / "docs" / "openapi.json"); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Describe(const std::set<Op>& ops) {
  std::string out;
  for (const auto& [m, p] : ops) out += "\n  " + m + " " + p;
  return out;
}

std::set<Op> RoutesOf(const http::Router& router) {
  std::set<Op> out;
  for (const auto& r : router.routes()) out.insert({r.method, r.pattern});
  return out;
}

std::set<Op> Documented(const json& doc) {
  std::set<Op> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const char* m : kMethods) {
      if (item.contains(m)) out.insert({Upper(m), path});
    }
  }
  return out;
}

// Resolves a local "#/a/b" reference.
const json* Resolve(const json& doc, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  try {
    const json& target = doc.at(json::json_pointer(ref.substr(1)));
    return &target;
  } catch (const json::exception&) {
    return nullptr;
  }
}

void CollectRefs(const json& v, std::set<std::string>& out) {
  if (v.is_object()) {
    if (auto it = v.find("$ref"); it != v.end() && it->is_string()) out.insert(it->get<std::string>());
    for (const auto& [_, child] : v.items()) CollectRefs(child, out);
  } else if (v.is_array()) {
    for (const auto& child : v) CollectRefs(child, out);
  }
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore(":memory:");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    api_ = std::make_unique<api::Api>(*store_, api::ApiOptions{});
    api_->Register(router_);
    auto text = DocText();
    ASSERT_FALSE(text.empty()) << "docs/openapi.json not found under " << SourceDir();
    doc_ = json::parse(text);  // a parse error fails the test with its position
  }
  void TearDown() override {
    if (api_) api_->Shutdown();
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<api::Api> api_;
  http::Router router_;
  json doc_;
};

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryOperationExists) {
  const std::set<Op> routes = RoutesOf(router_);
  const std::set<Op> documented = Documented(doc_);
  ASSERT_FALSE(routes.empty());

  std::set<Op> undocumented, phantom, documented_excluded;
  for (const auto& op : routes) {
    if (!documented.count(op) && !kExcluded.count(op)) undocumented.insert(op);
  }
  for (const auto& op : documented) {
    if (!routes.count(op)) phantom.insert(op);
    if (kExcluded.count(op)) documented_excluded.insert(op);
  }
  EXPECT_TRUE(undocumented.empty()) << "routes missing from docs/openapi.json (document them, with "
                                       "x-openzcc-roles):"
                                    << Describe(undocumented);
  EXPECT_TRUE(phantom.empty()) << "documented in docs/openapi.json but not registered:" << Describe(phantom);
  EXPECT_TRUE(documented_excluded.empty())
      << "documented although listed as excluded:" << Describe(documented_excluded);
}

TEST_F(OpenApiTest, ExcludedRoutesAreExactlyTheWebUi) {
  // With a web root the Api adds the UI's routes; they must be what
  // kExcluded lists, so the exclusion cannot hide an API route.
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("ozcc-openapi-" + std::to_string(rd()));
  std::filesystem::create_directories(dir / "assets");
  std::ofstream(dir / "index.html") << "<!doctype html><title>t</title>";
  api::ApiOptions options;
  options.web_root = dir.string();
  api::Api with_ui(*store_, options);
  http::Router router;
  with_ui.Register(router);
  std::set<Op> extra;
  const std::set<Op> base = RoutesOf(router_);
  for (const auto& op : RoutesOf(router)) {
    if (!base.count(op)) extra.insert(op);
  }
  EXPECT_EQ(extra, kExcluded) << "web UI routes:" << Describe(extra);
  with_ui.Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_F(OpenApiTest, DocumentIsConsistent) {
  EXPECT_EQ(doc_.value("openapi", ""), "3.1.0");
  ASSERT_TRUE(doc_.contains("components"));
  const json& schemes = doc_["components"].value("securitySchemes", json::object());
  ASSERT_TRUE(schemes.contains("bearerAuth"));
  EXPECT_EQ(schemes["bearerAuth"].value("scheme", ""), "bearer");
  ASSERT_TRUE(schemes.contains("sessionCookie"));
  EXPECT_EQ(schemes["sessionCookie"].value("in", ""), "cookie");
  EXPECT_EQ(schemes["sessionCookie"].value("name", ""), "ozcc_session");
  const json& problem = doc_["components"]["schemas"]["Problem"];
  for (const char* f : {"type", "title", "status", "detail", "instance", "request_id", "errors"}) {
    EXPECT_TRUE(problem["properties"].contains(f)) << "Problem." << f;
  }

  std::set<std::string> refs;
  CollectRefs(doc_, refs);
  for (const auto& ref : refs) EXPECT_NE(Resolve(doc_, ref), nullptr) << "unresolved $ref " << ref;

  std::set<std::string> operation_ids;
  const std::regex param_re(R"(\{([^}/]+)\})");
  for (const auto& [path, item] : doc_.at("paths").items()) {
    std::set<std::string> in_path;
    for (auto it = std::sregex_iterator(path.begin(), path.end(), param_re); it != std::sregex_iterator(); ++it) {
      in_path.insert((*it)[1]);
    }
    for (const char* m : kMethods) {
      if (!item.contains(m)) continue;
      const json& op = item[m];
      const std::string where = Upper(m) + " " + path;
      const std::string id = op.value("operationId", "");
      EXPECT_FALSE(id.empty()) << where << ": operationId";
      EXPECT_TRUE(operation_ids.insert(id).second) << where << ": duplicate operationId " << id;
      EXPECT_TRUE(op.contains("responses") && !op["responses"].empty()) << where << ": responses";

      // Who may call it: known roles; "public" exactly when no security is required.
      const json roles = op.value("x-openzcc-roles", json());
      ASSERT_TRUE(roles.is_array() && !roles.empty()) << where << ": x-openzcc-roles";
      std::set<std::string> role_set;
      for (const auto& r : roles) {
        EXPECT_TRUE(r.is_string() && kRoles.count(r.get<std::string>())) << where << ": role " << r;
        if (r.is_string()) role_set.insert(r.get<std::string>());
      }
      ASSERT_TRUE(op.contains("security")) << where << ": security (empty array for public operations)";
      const bool is_public = op["security"].empty();
      EXPECT_EQ(is_public, role_set.count("public") == 1) << where << ": public operations have security []";
      if (is_public) {
        EXPECT_EQ(role_set.size(), 1u) << where << ": public is the only role of a public operation";
      }

      // Path parameters documented are exactly the path's {names}.
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        const json* param = &p;
        if (p.contains("$ref")) param = Resolve(doc_, p["$ref"].get<std::string>());
        ASSERT_NE(param, nullptr) << where;
        if (param->value("in", "") == "path") {
          EXPECT_TRUE(param->value("required", false)) << where << ": path parameter must be required";
          declared.insert(param->value("name", ""));
        }
      }
      EXPECT_EQ(declared, in_path) << where << ": path parameters";
    }
  }
}

TEST_F(OpenApiTest, ServedOnARealServerAsTheSameDocument) {
  http::ServerOptions so;
  so.port = 0;
  so.io_threads = 1;
  so.worker_threads = 2;
  so.access_log = false;
  http::Server server(so, router_);
  ASSERT_TRUE(server.Start().ok());
  {
    TestClient client(server.port());
    auto resp = client.Request("GET", "/api/v1/openapi.json");
    ASSERT_EQ(resp.status, 200) << resp.body;
    EXPECT_EQ(resp.Header("content-type").value_or(""), "application/json");
    json served = json::parse(resp.body);  // throws (fails) when not JSON
    EXPECT_EQ(served.value("openapi", ""), "3.1.0");
    EXPECT_EQ(resp.body, DocText()) << "the embedded document differs from docs/openapi.json; rebuild";
    // Public: no credentials needed, and credentials do not matter.
    auto with_bad_token = client.Request("GET", "/api/v1/openapi.json", "", {{"Authorization", "Bearer nope"}});
    EXPECT_EQ(with_bad_token.status, 200);
  }
  server.Stop(2);
}

}  // namespace
}  // namespace ozcc::test
