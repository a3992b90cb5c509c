#include "support/api_fixture.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "api/auth.h"
#include "api/json/region_json.h"
#include "service/patient_seal.h"
#include "support/external.h"

namespace ozcc::test {

namespace {

RegionData LoadRegion(const std::string& name) {
  std::ifstream in(SourceDir() / "data" / "regions" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto data = api::ParseRegionJson(ss.str());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return data.ok() ? *data : RegionData{};
}

constexpr const char* kPgSkip =
    "OZCC_TEST_PG is not set; run under scripts/with-postgres.sh to test the API on PostgreSQL";

}  // namespace

std::string PgAdminUrl() {
  const char* v = std::getenv("OZCC_TEST_PG");
  return v != nullptr ? v : "";
}

std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?');
  std::string head = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

std::string PgAdminExec(const std::string& sql) {
  PGconn* c = PQconnectdb(PgAdminUrl().c_str());
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) err = PQresultErrorMessage(r);
    if (!ok && err.empty()) err = "failed";
    PQclear(r);
  }
  PQfinish(c);
  return err;
}

void ApiFixture::SetUp() {
  if (with_web_ui_) {
    std::random_device rd;
    web_root_ = std::filesystem::temp_directory_path() / ("ozcc-it-web-" + std::to_string(rd()));
    std::filesystem::create_directories(web_root_ / "assets");
    std::ofstream(web_root_ / "index.html") << "<!doctype html><title>OpenZCC</title><script src=/assets/app.js>";
    std::ofstream(web_root_ / "assets" / "app.js") << "console.log('OpenZCC');";
    api_options_.web_root = web_root_.string();
  }
  const std::string& backend = GetParam();
  std::string url;
  if (backend == "postgres") {
    if (PgAdminUrl().empty()) GTEST_SKIP() << kPgSkip;
    static std::atomic<int> counter{0};
    const std::string name = "ozcc_it_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    const std::string err = PgAdminExec("CREATE DATABASE " + name);
    ASSERT_EQ(err, "") << "CREATE DATABASE " << name;
    pg_database_ = name;
    url = WithDatabase(PgAdminUrl(), name);
  } else {
    ASSERT_EQ(backend, "sqlite") << "unknown store backend";
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("ozcc-it-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    url = (dir_ / "test.db").string();
  }
  store_url_ = url;
  auto store = OpenStore(url);
  ASSERT_TRUE(store.ok()) << backend << ": " << store.status().message();
  store_ = std::move(*store);
  zwn_ = LoadRegion("zwn.json");
  ASSERT_TRUE(store_->ImportRegion(zwn_, ToolAudit("test", "setup", "ZWN")).ok());
  ASSERT_TRUE(store_->ImportRegion(LoadRegion("demo-small.json"), ToolAudit("test", "setup", "DEMO2")).ok());
  for (const auto& o : zwn_.organizations) {
    if (o.type != OrgType::kHospital) continue;
    if (own_org_.empty()) {
      own_org_ = o.id;
    } else if (other_org_.empty()) {
      other_org_ = o.id;
    }
  }
  const std::string hash = api::HashPassword(kPassword);
  auto add = [&](const std::string& name, Role role, const std::string& org, const std::string& region) {
    UserRecord u{name, hash, role, org, region, false};
    ASSERT_TRUE(store_->CreateUser(u, ToolAudit("test", "setup", name)).ok()) << name;
  };
  add("admin", Role::kAdmin, "", "");
  add("coordinator", Role::kRoazCoordinator, "", "ZWN");
  add("manager", Role::kOrgCapacityManager, own_org_, "ZWN");
  add("orguser", Role::kOrgUser, own_org_, "ZWN");
  add("viewer", Role::kViewer, "", "ZWN");
  add("zcc", Role::kZccCoordinator, "", "ZWN");
  add("privacy", Role::kPrivacyOfficer, "", "ZWN");
  add("demo2-coordinator", Role::kRoazCoordinator, "", "DEMO2");
  feed_token_ = api::NewToken(api::kFeedPrefix);
  const FeedTokenRecord feed{api::TokenHash(feed_token_), "hix", own_org_, "ZWN", Now(), false};
  ASSERT_TRUE(store_->CreateFeedToken(feed, ToolAudit("test", "setup", "hix")).ok());

  if (!api_options_.patient_seal) {  // patient data on, as `make run` serves it
    auto key = service::ParsePatientKey(service::GeneratePatientKey());
    ASSERT_TRUE(key.ok());
    api_options_.patient_seal = std::make_shared<const service::PatientSeal>(*key);
  }
  api_ = std::make_unique<api::Api>(*store_, api_options_);
  {
    auto seeded = api_->SeedPathways();  // as serve does at start
    ASSERT_TRUE(seeded.ok()) << seeded.status().message();
  }
  router_ = std::make_unique<http::Router>();
  api_->Register(*router_);
  if (!server_options_.restyle_error) server_options_.restyle_error = api::Api::TransportErrorStyle();  // as serve does
  server_ = std::make_unique<http::Server>(server_options_, *router_);
  ASSERT_TRUE(server_->Start().ok());
  client_ = std::make_unique<TestClient>(server_->port());
}

void ApiFixture::TearDown() {
  client_.reset();
  if (api_) api_->Shutdown();
  if (server_) server_->Stop(2);
  server_.reset();
  router_.reset();
  api_.reset();
  store_.reset();
  if (!pg_database_.empty()) {
    const std::string err = PgAdminExec("DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)");
    EXPECT_EQ(err, "") << "DROP DATABASE " << pg_database_;
    pg_database_.clear();
  }
  for (const auto& d : {dir_, web_root_}) {
    std::error_code ec;
    if (!d.empty()) std::filesystem::remove_all(d, ec);
  }
}

std::string ApiFixture::TokenFor(const std::string& username) {
  if (username == "feed") return feed_token_;
  auto it = tokens_.find(username);
  if (it != tokens_.end()) return it->second;
  auto resp = client_->Request("POST", "/api/v1/auth/login",
                               nlohmann::json{{"username", username}, {"password", kPassword}}.dump(),
                               {{"Content-Type", "application/json"}});
  EXPECT_EQ(resp.status, 200) << resp.body;
  std::string token = nlohmann::json::parse(resp.body).value("token", "");
  tokens_[username] = token;
  return token;
}

HttpResponse ApiFixture::Call(const std::string& user, const std::string& method, const std::string& target,
                              const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
  if (!user.empty()) headers.emplace_back("Authorization", "Bearer " + TokenFor(user));
  bool has_type = false;
  for (const auto& h : headers) has_type |= h.first == "Content-Type";
  if (!body.empty() && !has_type) headers.emplace_back("Content-Type", "application/json");
  return client_->Request(method, target, body, headers);
}

std::int64_t ApiFixture::Version(const std::string& region) {
  auto v = store_->DataVersion(region);
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : -1;
}

double ApiFixture::Metric(const std::string& name) {
  const std::string body = Call("", "GET", "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(body.substr(at + name.size() + 2));
}

std::string ApiFixture::NewSession(const std::string& username, std::chrono::seconds ttl) {
  const std::string token = api::NewToken(api::kSessionPrefix);
  const Time now = Now();
  EXPECT_TRUE(store_->CreateSession({api::TokenHash(token), username, now, now + ttl}).ok()) << username;
  return token;
}

std::string ApiFixture::StoreFingerprint() {
  nlohmann::json out;
  for (const char* region : {"ZWN", "DEMO2"}) {
    out[region]["version"] = Version(region);
    auto latest = store_->LatestCapacity(region);
    EXPECT_TRUE(latest.ok());
    auto& reports = out[region]["latest"] = nlohmann::json::array();
    for (const auto& r : latest.ok() ? *latest : std::vector<CapacityReport>{}) {
      reports.push_back({r.unit_id, r.version, ToUnixMillis(r.as_of)});
    }
    auto runs = store_->ListSimulations(region, 1000);
    EXPECT_TRUE(runs.ok());
    auto& simulations = out[region]["simulations"] = nlohmann::json::array();
    for (const auto& r : runs.ok() ? *runs : std::vector<StoredSimulation>{}) simulations.push_back(r.id);
  }
  auto pathways = store_->CurrentPathways();
  EXPECT_TRUE(pathways.ok());
  auto& current = out["pathways"] = nlohmann::json::array();
  for (const auto& p : pathways.ok() ? *pathways : std::vector<StoredPathway>{}) current.push_back({p.id, p.version});
  auto audit = store_->ListAudit(0, 100000);
  EXPECT_TRUE(audit.ok());
  auto& writes = out["audited_writes"] = nlohmann::json::array();
  for (const auto& a : audit.ok() ? *audit : std::vector<AuditRecord>{}) {
    if (a.outcome == "ok" && a.action.rfind("auth.", 0) != 0) writes.push_back({a.id, a.action, a.object});
  }
  return out.dump();
}

std::string ApiFixture::UnitOf(const std::string& org, UnitType type) {
  for (const auto& u : zwn_.units) {
    if (u.organization_id == org && u.type == type) return u.id;
  }
  ADD_FAILURE() << "no unit of type " << ToString(type) << " in " << org;
  return "";
}

}  // namespace ozcc::test
