// Authenticator: the in-memory cache of resolved sessions stays bounded by
// the tokens still in use, not by every token ever seen.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "api/auth.h"
#include "store/sqlite/sqlite_store.h"

namespace ozcc::api {
namespace {

TEST(AuthenticatorTest, ExpiredEntriesOfTokensNeverSeenAgainAreSwept) {
  sqlite::SqliteStore::Options o;
  o.path = ":memory:";
  auto store = sqlite::SqliteStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->Migrate().ok());
  UserRecord u;
  u.username = "alice";
  u.password_hash = "x";
  u.role = Role::kViewer;
  AuditRecord audit;
  audit.actor = "tester";
  audit.role = "admin";
  audit.action = "user.add";
  audit.object = "alice";
  audit.outcome = "ok";
  ASSERT_TRUE((*store)->CreateUser(u, audit).ok());

  // A TTL of 0: every entry has expired by the next request. Each token is
  // used once, like sessions that signed in, worked and went away.
  service::AccountService accounts(**store, **store, **store);
  Authenticator auth(accounts, std::chrono::seconds(0));
  const size_t n = Authenticator::kMinSweepAt + 200;
  for (size_t i = 0; i < n; ++i) {
    std::string token = NewToken(kSessionPrefix);
    ASSERT_TRUE((*store)->CreateSession({TokenHash(token), "alice", Now(), Now() + std::chrono::hours(1)}).ok());
    http::Request req;
    req.headers.emplace_back("authorization", "Bearer " + token);
    ASSERT_TRUE(auth.Authenticate(req).ok()) << i;
  }
  // Without the sweep all n would stay (until the 100 000-entry hard bound).
  EXPECT_LE(auth.cached(), 201u);
}

}  // namespace
}  // namespace ozcc::api
