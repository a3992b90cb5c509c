// Sessions, cookies, CSRF and security headers, end to end on both stores:
//  - an expired session is refused (short session_ttl, and a session made
//    already expired in the store); sign-out ends the session at once, also
//    on this instance's credential cache;
//  - the session cookie's flags (HttpOnly, SameSite=Strict, Path, Max-Age,
//    Secure when configured) and its clearing on sign-out;
//  - CSRF: unsafe requests a session cookie authenticates need the
//    X-OpenZCC-CSRF header and a same-site origin; sign-in refuses other
//    sites; Bearer and feed tokens are not affected; refusals are 403,
//    audited, and store nothing;
//  - security headers on UI documents, API answers, problems and FHIR.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/api_fixture.h"

namespace ozcc::test {
namespace {

using nlohmann::json;

const std::string kBeds = R"({"beds":{"total":20,"staffed":18,"occupied":15,"available":3}})";
const std::pair<std::string, std::string> kCsrf = {"X-OpenZCC-CSRF", "1"};
const std::pair<std::string, std::string> kJsonType = {"Content-Type", "application/json"};

// A Set-Cookie header: name, value and attributes (names lower-case, "" for flags).
struct Cookie {
  std::string name, value;
  std::map<std::string, std::string> attrs;
};

Cookie ParseSetCookie(const std::string& header) {
  Cookie c;
  size_t start = 0;
  bool first = true;
  while (start <= header.size()) {
    size_t end = header.find(';', start);
    std::string part = header.substr(start, end == std::string::npos ? std::string::npos : end - start);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    const size_t eq = part.find('=');
    std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (first) {
      c.name = key;
      c.value = value;
      first = false;
    } else if (!key.empty()) {
      for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.attrs[key] = value;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return c;
}

class SecurityTest : public ApiFixture {
 protected:
  void SetUp() override {
    with_web_ui_ = true;
    ApiFixture::SetUp();
  }

  // Signs in over HTTP and returns the response (its cookie carries the session).
  HttpResponse Login(const std::string& user, std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.push_back(kJsonType);
    return client_->Request("POST", "/api/v1/auth/login", json{{"username", user}, {"password", kPassword}}.dump(),
                            headers);
  }

  // The session token of a fresh sign-in of `user`.
  std::string SessionOf(const std::string& user) {
    auto r = Login(user);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }

  // A request authenticated only by the session cookie, as a browser sends it.
  HttpResponse WithCookie(const std::string& token, const std::string& method, const std::string& target,
                          const std::string& body = "", std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Cookie", "theme=dark; ozcc_session=" + token);
    if (!body.empty()) headers.push_back(kJsonType);
    return client_->Request(method, target, body, headers);
  }

  std::string Host() { return "127.0.0.1:" + std::to_string(server_->port()); }

  // Audit records of `action` with `outcome`.
  std::vector<AuditRecord> Audited(const std::string& action, const std::string& outcome) {
    std::vector<AuditRecord> out;
    auto all = store_->ListAudit(0, 100000);
    EXPECT_TRUE(all.ok());
    for (const auto& a : all.ok() ? *all : std::vector<AuditRecord>{}) {
      if (a.action == action && a.outcome == outcome) out.push_back(a);
    }
    return out;
  }
};

class ShortSessionTest : public SecurityTest {
 protected:
  void SetUp() override {
    api_options_.session_ttl = std::chrono::seconds(2);
    SecurityTest::SetUp();
  }
};

class SecureCookieTest : public SecurityTest {
 protected:
  void SetUp() override {
    api_options_.secure_cookie = true;
    SecurityTest::SetUp();
  }
};

// ------------------------------------------------------------ sessions

// Behind a reverse proxy on 127.0.0.1 (trusted): sign-in back-off and audit
// go by the client the proxy names, not by the proxy.
class BehindProxyTest : public SecurityTest {
 protected:
  void SetUp() override {
    auto trusted = http::TrustedProxies::Parse({"127.0.0.1", "::1"});
    ASSERT_TRUE(trusted.ok());
    server_options_.trusted_proxies = *trusted;
    SecurityTest::SetUp();
  }
  HttpResponse LoginFrom(const std::string& client, const std::string& user, const std::string& password) {
    return client_->Request("POST", "/api/v1/auth/login",
                            nlohmann::json{{"username", user}, {"password", password}}.dump(),
                            {{"Content-Type", "application/json"}, {"X-Forwarded-For", "1.2.3.4, " + client}});
  }
};

TEST_P(BehindProxyTest, SignInBackOffAndAuditGoByTheForwardedClient) {
  const std::string attacker = "198.51.100.66", nurse = "198.51.100.7";
  int refused = 0;
  for (int i = 0; i < 30 && refused == 0; ++i) {  // guesses over many accounts, from one client
    int status = LoginFrom(attacker, "nobody" + std::to_string(i), "guess").status;
    if (status == 429)
      ++refused;
    else
      EXPECT_EQ(status, 401);
  }
  EXPECT_EQ(refused, 1) << "the client's address is never held back";
  EXPECT_EQ(LoginFrom(attacker, "viewer", kPassword).status, 429);
  // Another client behind the same proxy signs in as usual.
  EXPECT_EQ(LoginFrom(nurse, "viewer", kPassword).status, 200);
  bool audited = false;
  const auto audit = nlohmann::json::parse(Call("admin", "GET", "/api/v1/audit?limit=100").body);
  for (const auto& a : audit["items"]) {
    audited |= a["action"] == "auth.login" && a["detail"] == "from " + nurse;
  }
  EXPECT_TRUE(audited);
}

// Failed sign-ins from one client hold back that client only: the user
// signs in from elsewhere with the right password (a wrong guess per window
// from anywhere once kept the coordinator out everywhere).
TEST_P(BehindProxyTest, FailuresFromOneAddressDoNotLockTheUserOutElsewhere) {
  const std::string attacker = "203.0.113.9", coordinator_pc = "198.51.100.20";
  int held_back = 0;
  for (int i = 0; i < 8; ++i) {
    const int status = LoginFrom(attacker, "coordinator", "wrong-password").status;
    EXPECT_TRUE(status == 401 || status == 429) << status;
    held_back += status == 429;
  }
  EXPECT_GE(held_back, 1) << "the guessing client is held back";
  auto again = LoginFrom(attacker, "coordinator", kPassword);
  EXPECT_EQ(again.status, 429) << "even with the right password, from the guessing client";
  EXPECT_FALSE(again.Header("retry-after").value_or("").empty());
  EXPECT_EQ(LoginFrom(coordinator_pc, "coordinator", kPassword).status, 200);
  // And the user's own typos from there are held back there as usual.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(LoginFrom(coordinator_pc, "coordinator", "typo-typo-typo").status, 401);
  EXPECT_EQ(LoginFrom(coordinator_pc, "coordinator", kPassword).status, 429);
  EXPECT_GE(Metric("openzcc_signin_throttled_total"), 2);
}

// One password-hash slot (each argon2id check takes 64 MiB): a burst of
// sign-ins waits for it, and those beyond the four that may wait are told to
// retry (503, Retry-After), counted on /metrics.
class OneHashSlotTest : public SecurityTest {
 protected:
  void SetUp() override {
    api_options_.password_slots = 1;
    server_options_.worker_threads = 16;
    SecurityTest::SetUp();
  }
};

TEST_P(OneHashSlotTest, ABurstOfSignInsWaitsForTheSlotOrIsToldToRetry) {
  ASSERT_EQ(Metric("openzcc_signin_busy_total"), 0);
  std::vector<std::future<HttpResponse>> answers;
  for (int i = 0; i < 12; ++i) {
    answers.push_back(std::async(std::launch::async, [this] {
      TestClient c(server_->port());
      return c.Request("POST", "/api/v1/auth/login", json{{"username", "viewer"}, {"password", kPassword}}.dump(),
                       {kJsonType});
    }));
  }
  int ok = 0, busy = 0;
  for (auto& a : answers) {
    auto r = a.get();
    if (r.status == 200) {
      ++ok;
      continue;
    }
    ++busy;
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.Header("retry-after").value_or(""), "1");
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json") << r.body;
  }
  EXPECT_GE(ok, 5);  // the one in the slot and the four that may wait always get in
  EXPECT_EQ(Metric("openzcc_signin_busy_total"), busy);
}

// The audit log is append-only, so sign-in must not let anyone fill it: a
// huge user name is refused before it is hashed or recorded (30 sign-ins with
// a 1 MiB name once added 30 MB), and attempts refused by the back-off add
// one record per user and client per minute, not one per attempt.
TEST_P(SecurityTest, LargeAndThrottledSignInsAddFewBoundedAuditRecords) {
  const size_t before = store_->ListAudit(0, 100000)->size();
  const std::string huge(900 * 1024, 'n');
  for (int i = 0; i < 30; ++i) {
    auto r =
        client_->Request("POST", "/api/v1/auth/login", json{{"username", huge}, {"password", "x"}}.dump(), {kJsonType});
    ASSERT_EQ(r.status, 422) << r.body.substr(0, 300);
    EXPECT_EQ(json::parse(r.body)["errors"][0]["field"], "username");
  }
  auto long_name = client_->Request("POST", "/api/v1/auth/login",
                                    json{{"username", std::string(257, 'n')}, {"password", "x"}}.dump(), {kJsonType});
  EXPECT_EQ(long_name.status, 422);
  EXPECT_EQ(store_->ListAudit(0, 100000)->size(), before) << "refused before any record";

  // A name at the limit is an ordinary (failing) sign-in; then the back-off holds the client.
  const std::string name(256, 'm');
  int throttled = 0;
  for (int i = 0; i < 60; ++i) {
    auto r = client_->Request("POST", "/api/v1/auth/login", json{{"username", name}, {"password", "guess"}}.dump(),
                              {kJsonType});
    ASSERT_TRUE(r.status == 401 || r.status == 429) << r.status;
    throttled += r.status == 429;
  }
  EXPECT_GE(throttled, 40);
  const auto all = *store_->ListAudit(0, 100000);
  ASSERT_GE(all.size(), before);
  const size_t added = all.size() - before;
  const auto failed = Audited("auth.login", "failed"), held = Audited("auth.login", "throttled");
  EXPECT_GE(failed.size(), 5u);
  EXPECT_LE(failed.size(), 10u) << "failures beyond the free ones wait, and waiting attempts are not failures";
  EXPECT_GE(held.size(), 1u);
  EXPECT_LE(held.size(), 3u) << "one record per user and client per minute";
  EXPECT_EQ(added, failed.size() + held.size());
  for (const auto& a : all) {
    EXPECT_LE(a.actor.size(), kAuditFieldMax);
    EXPECT_LE(a.object.size(), kAuditFieldMax);
    EXPECT_LE(a.detail.size(), kAuditDetailMax);
  }
  EXPECT_EQ(held[0].actor, name);
  EXPECT_EQ(Metric("openzcc_signin_throttled_total"), throttled);
}

TEST_P(ShortSessionTest, ASessionEndsWhenItExpiresEvenWhenCached) {
  auto login = Login("coordinator");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = json::parse(login.body)["token"];
  EXPECT_EQ(ParseSetCookie(login.Header("set-cookie").value_or("")).attrs["max-age"], "2");
  // Used (and so cached) right up to its end.
  EXPECT_EQ(Call("", "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(WithCookie(token, "GET", "/api/v1/auth/me").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  for (auto r :
       {Call("", "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}}),
        WithCookie(token, "GET", "/api/v1/capacity/snapshot?region=ZWN"),
        WithCookie(token, "PUT", "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity", kBeds, {kCsrf})}) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
    EXPECT_EQ(r.Header("www-authenticate").value_or(""), "Bearer realm=\"openzcc\"");
  }
  EXPECT_EQ(Version(), 0);
}

TEST_P(SecurityTest, AnExpiredSessionInTheStoreIsRefused) {
  const std::string expired = NewSession("admin", -std::chrono::seconds(1));
  EXPECT_EQ(Call("", "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + expired}}).status, 401);
  EXPECT_EQ(WithCookie(expired, "GET", "/api/v1/auth/me").status, 401);
  const std::string valid = NewSession("admin");
  EXPECT_EQ(Call("", "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + valid}}).status, 200);
}

TEST_P(SecurityTest, SignOutEndsTheSessionAtOnceAndOnlyThatSession) {
  const std::string token = SessionOf("manager"), other = SessionOf("manager");
  ASSERT_EQ(WithCookie(token, "GET", "/api/v1/auth/me").status, 200);  // cached now
  auto out = WithCookie(token, "POST", "/api/v1/auth/logout", "", {kCsrf});
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(WithCookie(token, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(Call("", "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}}).status, 401);
  EXPECT_EQ(WithCookie(token, "POST", "/api/v1/auth/logout", "", {kCsrf}).status, 401);
  // The user's other session goes on.
  EXPECT_EQ(WithCookie(other, "GET", "/api/v1/auth/me").status, 200);
  ASSERT_EQ(Audited("auth.logout", "ok").size(), 1u);
  EXPECT_EQ(Audited("auth.logout", "ok")[0].actor, "manager");
}

// ------------------------------------------------------------ cookies

// A feed token is for a machine's Authorization header: as the session
// cookie it is refused (it once worked there too, with a browser's rules).
TEST_P(SecurityTest, AFeedTokenIsNotASessionCookie) {
  EXPECT_EQ(Call("feed", "GET", "/api/v1/auth/me").status, 200);
  auto r = WithCookie(feed_token_, "GET", "/api/v1/auth/me");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(json::parse(r.body).value("detail", "").find("Bearer"), std::string::npos) << r.body;
  const std::string put = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  EXPECT_EQ(WithCookie(feed_token_, "PUT", put, kBeds, {kCsrf}).status, 401);
  EXPECT_EQ(Version(), 0);
}

TEST_P(SecurityTest, SessionCookieFlags) {
  auto login = Login("viewer");
  ASSERT_EQ(login.status, 200);
  const std::string token = json::parse(login.body)["token"];
  Cookie c = ParseSetCookie(login.Header("set-cookie").value_or(""));
  EXPECT_EQ(c.name, "ozcc_session");
  EXPECT_EQ(c.value, token);
  EXPECT_EQ(c.attrs.count("httponly"), 1u);
  EXPECT_EQ(c.attrs["samesite"], "Strict");
  EXPECT_EQ(c.attrs["path"], "/");
  EXPECT_EQ(c.attrs["max-age"], std::to_string(api_options_.session_ttl.count()));
  EXPECT_EQ(c.attrs.count("secure"), 0u) << "Secure only when secure_cookie is set (plain HTTP in development)";
  EXPECT_EQ(c.attrs.count("domain"), 0u) << "host-only";

  auto out = WithCookie(token, "POST", "/api/v1/auth/logout", "", {kCsrf});
  ASSERT_EQ(out.status, 204);
  Cookie cleared = ParseSetCookie(out.Header("set-cookie").value_or(""));
  EXPECT_EQ(cleared.name, "ozcc_session");
  EXPECT_EQ(cleared.value, "");
  EXPECT_EQ(cleared.attrs["max-age"], "0");
  EXPECT_EQ(cleared.attrs["path"], "/");
  EXPECT_EQ(cleared.attrs.count("httponly"), 1u);
  EXPECT_EQ(cleared.attrs["samesite"], "Strict");
}

TEST_P(SecureCookieTest, SessionCookieIsSecureWhenConfigured) {
  auto login = Login("viewer");
  ASSERT_EQ(login.status, 200);
  Cookie c = ParseSetCookie(login.Header("set-cookie").value_or(""));
  EXPECT_EQ(c.attrs.count("secure"), 1u);
  EXPECT_EQ(c.attrs.count("httponly"), 1u);
  EXPECT_EQ(c.attrs["samesite"], "Strict");
  auto out = WithCookie(json::parse(login.body)["token"], "POST", "/api/v1/auth/logout", "", {kCsrf});
  ASSERT_EQ(out.status, 204);
  EXPECT_EQ(ParseSetCookie(out.Header("set-cookie").value_or("")).attrs.count("secure"), 1u);
}

// ------------------------------------------------------------ CSRF

TEST_P(SecurityTest, CookieWritesNeedTheCsrfHeaderAndTheSameSite) {
  const std::string token = SessionOf("manager");
  const std::string put = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  const std::string before = StoreFingerprint();
  struct Refused {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string detail;  // part of the problem's detail
  };
  const std::vector<Refused> refused = {
      {"no header", {}, "X-OpenZCC-CSRF"},
      {"empty header", {{"X-OpenZCC-CSRF", ""}}, "X-OpenZCC-CSRF"},
      {"other site's Origin", {kCsrf, {"Origin", "https://evil.example"}}, "Origin: https://evil.example"},
      {"Origin of another port", {kCsrf, {"Origin", "http://127.0.0.1:1"}}, "Origin"},
      {"Origin null", {kCsrf, {"Origin", "null"}}, "Origin: null"},
      {"Sec-Fetch-Site cross-site", {kCsrf, {"Sec-Fetch-Site", "cross-site"}}, "Sec-Fetch-Site: cross-site"},
      {"Sec-Fetch-Site same-site", {kCsrf, {"Sec-Fetch-Site", "same-site"}}, "Sec-Fetch-Site: same-site"},
      {"same Origin, cross-site fetch",
       {kCsrf, {"Origin", "http://" + Host()}, {"Sec-Fetch-Site", "cross-site"}},
       "Sec-Fetch-Site"},
  };
  for (const auto& c : refused) {
    SCOPED_TRACE(c.name);
    auto r = WithCookie(token, "PUT", put, kBeds, c.headers);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
    EXPECT_NE(json::parse(r.body).value("detail", "").find(c.detail), std::string::npos) << r.body;
  }
  // Every unsafe route, not only PUT: batch, CSV, FHIR (as an OperationOutcome), sign-out.
  const json batch = {
      {"items", {{{"unit_id", UnitOf(own_org_, UnitType::kIc)}, {"beds", json::parse(kBeds)["beds"]}}}}};
  EXPECT_EQ(WithCookie(token, "POST", "/api/v1/capacity:batch", batch.dump()).status, 403);
  EXPECT_EQ(client_
                ->Request("POST", "/api/v1/capacity:import-csv", "unit_id,beds_total\nx,1\n",
                          {{"Cookie", "ozcc_session=" + token}, {"Content-Type", "text/csv"}})
                .status,
            403);
  auto fhir = client_->Request("POST", "/fhir/MeasureReport", R"({"resourceType":"MeasureReport"})",
                               {{"Cookie", "ozcc_session=" + token}, {"Content-Type", "application/fhir+json"}});
  EXPECT_EQ(fhir.status, 403);
  EXPECT_EQ(json::parse(fhir.body).value("resourceType", ""), "OperationOutcome") << fhir.body;
  EXPECT_EQ(WithCookie(token, "POST", "/api/v1/auth/logout").status, 403);
  EXPECT_EQ(WithCookie(token, "GET", "/api/v1/auth/me").status, 200) << "a refused sign-out keeps the session";
  EXPECT_EQ(StoreFingerprint(), before) << "nothing stored by a refused request";

  // Refusals are audited with who and why.
  const auto audited = Audited("csrf", "denied");
  EXPECT_EQ(audited.size(), refused.size() + 4);
  for (const auto& a : audited) {
    EXPECT_EQ(a.actor, "manager");
    EXPECT_FALSE(a.detail.empty());
  }

  // What the web UI sends passes: the header, a same-origin fetch.
  EXPECT_EQ(WithCookie(token, "PUT", put, kBeds, {kCsrf}).status, 200);
  EXPECT_EQ(
      WithCookie(token, "PUT", put, kBeds, {kCsrf, {"Origin", "http://" + Host()}, {"Sec-Fetch-Site", "same-origin"}})
          .status,
      200);
  EXPECT_EQ(Version(), 2);
}

TEST_P(SecurityTest, BearerAndFeedTokensAndReadsNeedNoCsrfHeader) {
  const std::string put = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  const std::string token = SessionOf("manager");
  // Browsers do not attach an Authorization header on their own.
  EXPECT_EQ(Call("manager", "PUT", put, kBeds).status, 200);
  EXPECT_EQ(Call("feed", "PUT", put, kBeds).status, 200);
  // A Bearer header wins over the cookie, so the cookie's rules do not apply.
  EXPECT_EQ(client_
                ->Request("PUT", put, kBeds,
                          {{"Authorization", "Bearer " + token}, {"Cookie", "ozcc_session=" + token}, kJsonType})
                .status,
            200);
  // Safe methods are never refused for CSRF, whatever the origin.
  EXPECT_EQ(WithCookie(token, "GET", "/api/v1/capacity/snapshot?region=ZWN", "",
                       {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            200);
  EXPECT_EQ(Audited("csrf", "denied").size(), 0u);
}

TEST_P(SecurityTest, SignInFromAnotherSiteIsRefused) {
  for (const auto& h : std::vector<std::pair<std::string, std::string>>{
           {"Origin", "https://evil.example"}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}}) {
    SCOPED_TRACE(h.first + ": " + h.second);
    auto r = Login("admin", {h});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
    EXPECT_FALSE(r.Header("set-cookie").has_value()) << "no session for a cross-site sign-in";
  }
  EXPECT_EQ(Audited("auth.login", "ok").size(), 0u);
  const auto audited = Audited("csrf", "denied");
  ASSERT_EQ(audited.size(), 3u);
  EXPECT_EQ(audited[0].actor, "anonymous");
  EXPECT_EQ(audited[0].object, "POST /api/v1/auth/login");
  // The UI's own sign-in (same origin) and API clients (no Origin) pass.
  EXPECT_EQ(Login("admin", {{"Origin", "http://" + Host()}, {"Sec-Fetch-Site", "same-origin"}}).status, 200);
  EXPECT_EQ(Login("admin").status, 200);
}

// ------------------------------------------------------------ headers

// The headers every response has; `csp` is part of its Content-Security-Policy.
::testing::AssertionResult HasSecurityHeaders(const HttpResponse& r, const std::string& csp) {
  std::map<std::string, int> count;
  for (const auto& [name, _] : r.headers) count[name]++;
  for (const char* once :
       {"content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy", "cache-control"}) {
    if (count[once] != 1) return ::testing::AssertionFailure() << once << " appears " << count[once] << " times";
  }
  const std::string policy = r.Header("content-security-policy").value_or("");
  if (policy.find(csp) == std::string::npos || policy.find("frame-ancestors 'none'") == std::string::npos) {
    return ::testing::AssertionFailure() << "Content-Security-Policy: " << policy;
  }
  if (r.Header("x-content-type-options") != "nosniff") return ::testing::AssertionFailure() << "nosniff";
  if (r.Header("x-frame-options") != "DENY") return ::testing::AssertionFailure() << "X-Frame-Options";
  if (r.Header("referrer-policy") != "no-referrer") return ::testing::AssertionFailure() << "Referrer-Policy";
  return ::testing::AssertionSuccess();
}

TEST_P(SecurityTest, UiDocumentsHaveAStrictPolicy) {
  for (const char* path : {"/", "/index.html", "/assets/app.js"}) {
    SCOPED_TRACE(path);
    auto r = Call("", "GET", path);
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(HasSecurityHeaders(r, "default-src 'self'"));
    const std::string policy = r.Header("content-security-policy").value_or("");
    for (const char* directive : {"base-uri 'self'", "form-action 'self'", "connect-src 'self'"}) {
      EXPECT_NE(policy.find(directive), std::string::npos) << directive;
    }
    EXPECT_EQ(policy.find("script-src"), std::string::npos) << "scripts only from 'self' (default-src)";
  }
  EXPECT_EQ(Call("", "GET", "/").Header("cache-control").value_or(""), "no-cache");
  EXPECT_EQ(Call("", "GET", "/assets/app.js").Header("cache-control").value_or(""),
            "public, max-age=31536000, immutable");
}

TEST_P(SecurityTest, ApiAnswersAreNotSniffedFramedOrStored) {
  const std::string ic = "/api/v1/units/" + UnitOf(own_org_, UnitType::kIc) + "/capacity";
  const std::vector<std::pair<std::string, HttpResponse>> answers = {
      {"me", Call("viewer", "GET", "/api/v1/auth/me")},
      {"regions", Call("viewer", "GET", "/api/v1/regions/ZWN")},
      {"history", Call("viewer", "GET", ic + "/history")},
      {"write", Call("manager", "PUT", ic, kBeds)},
      {"audit", Call("admin", "GET", "/api/v1/audit")},
      {"FHIR read", Call("viewer", "GET", "/fhir/Organization")},
      {"FHIR error", Call("", "GET", "/fhir/Organization")},
      {"401", Call("", "GET", "/api/v1/auth/me")},
      {"403", Call("viewer", "PUT", ic, kBeds)},
      {"404 from the API", Call("admin", "GET", "/api/v1/regions/NOPE")},
      {"404 of a UI file", Call("", "GET", "/nope.html")},
      {"422", Call("manager", "PUT", ic, "{}")},
      {"415", Call("manager", "PUT", ic, kBeds, {{"Content-Type", "text/plain"}})},
      {"CSRF 403", WithCookie(TokenFor("manager"), "PUT", ic, kBeds)},
      {"healthz", Call("", "GET", "/healthz")},
      {"metrics", Call("", "GET", "/metrics")},
  };
  for (const auto& [name, r] : answers) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(HasSecurityHeaders(r, "default-src 'none'")) << r.status;
    EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  }
  // The snapshot is revalidated with its ETag, never shared.
  auto snap = Call("viewer", "GET", "/api/v1/capacity/snapshot?region=ZWN");
  EXPECT_TRUE(HasSecurityHeaders(snap, "default-src 'none'"));
  EXPECT_EQ(snap.Header("cache-control").value_or(""), "private, no-cache");
}

TEST_P(SecurityTest, TransportErrorsAreNotSniffedOrStored) {
  for (auto r : {Call("", "GET", "/api/v1/nope"), Call("", "DELETE", "/api/v1/audit"),
                 Call("manager", "PUT", "/api/v1/units/x/capacity", std::string(2 << 20, ' '))}) {
    SCOPED_TRACE(r.status);
    EXPECT_GE(r.status, 400);
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json");
    EXPECT_EQ(r.Header("x-content-type-options").value_or(""), "nosniff");
    EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  }
}

INSTANTIATE_TEST_SUITE_P(, SecurityTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, ShortSessionTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, SecureCookieTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, BehindProxyTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);
INSTANTIATE_TEST_SUITE_P(, OneHashSlotTest, ::testing::ValuesIn(kApiBackends), ApiBackendName);

}  // namespace
}  // namespace ozcc::test
