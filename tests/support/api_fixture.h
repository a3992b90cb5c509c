// A real OpenZCC server for integration tests, value-parameterised over the
// store backend: "sqlite" (a file store in a temp directory) or "postgres" (a
// database of its own per test on the server OZCC_TEST_PG names, dropped in
// TearDown; without OZCC_TEST_PG those tests are skipped). The ZWN and DEMO2
// regions imported, one user per role, a feed token, the Api on a Beast server
// on a free loopback port. A test file instantiates its suite on both:
//
//   INSTANTIATE_TEST_SUITE_P(, ApiTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
//
// which names the tests ApiTest.X/sqlite and ApiTest.X/postgres.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api.h"
#include "http/server.h"
#include "store/store.h"
#include "support/http_client.h"

namespace ozcc::test {

inline constexpr const char* kPassword = "correct-horse-battery";

// The store backends every API integration test runs on.
inline const std::vector<std::string> kApiBackends = {"sqlite", "postgres"};
inline std::string ApiBackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// The PostgreSQL server where a test may CREATE DATABASE: OZCC_TEST_PG ("" = none).
std::string PgAdminUrl();
// `url` with its database name replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db);
// Runs one statement on the PostgreSQL server OZCC_TEST_PG names; "" on
// success, else the error.
std::string PgAdminExec(const std::string& sql);

class ApiFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Signs in (once per user) and returns the session token.
  std::string TokenFor(const std::string& username);
  // Request with Bearer token of `username` ("" = anonymous, "feed" = feed token).
  HttpResponse Call(const std::string& user, const std::string& method, const std::string& target,
                    const std::string& body = "", std::vector<std::pair<std::string, std::string>> headers = {});
  std::int64_t Version(const std::string& region = "ZWN");
  // The value of metric `name` on /metrics now; -1 when it is not there.
  double Metric(const std::string& name);
  // A session of `username` made directly in the store (no sign-in, no
  // throttle), valid for `ttl` from now (negative: already expired).
  std::string NewSession(const std::string& username, std::chrono::seconds ttl = std::chrono::hours(1));
  // What a refused write must leave as it was: the data version and latest
  // reports of both regions, and the successful writes in the audit log.
  std::string StoreFingerprint();
  // A unit id of the given type in the given organisation.
  std::string UnitOf(const std::string& org, UnitType type);

  std::string store_url_;        // what OpenStore was given
  api::ApiOptions api_options_;  // what SetUp gives the Api; a suite may change it before SetUp
  // What SetUp gives the server (port 0, 8 workers, no access log, 1 s heartbeat); likewise.
  http::ServerOptions server_options_ = [] {
    http::ServerOptions so;
    so.port = 0;
    so.worker_threads = 8;
    so.access_log = false;
    so.sse_heartbeat_s = 1;
    return so;
  }();
  // Set before SetUp: serve a small built UI (/index.html, /assets/app.js)
  // from a temporary directory, so the web routes are registered.
  bool with_web_ui_ = false;
  std::filesystem::path web_root_;
  std::filesystem::path dir_;  // sqlite: holds the database file
  std::string pg_database_;    // postgres: the database created for this test ("" = none)
  std::unique_ptr<Store> store_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<TestClient> client_;
  std::string own_org_;    // the org of the org-* users and the feed token
  std::string other_org_;  // another hospital in ZWN
  std::string feed_token_;
  std::map<std::string, std::string> tokens_;
  RegionData zwn_;
};

}  // namespace ozcc::test
