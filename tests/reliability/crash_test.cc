// Crash durability (smoke: one SIGKILL per store; bench/reliability.cc runs
// several): every acknowledged write is stored exactly once after the server
// is killed mid-load and restarted, idempotent retries add nothing, versions
// only grow, batches are whole. See scenarios.h.
#include "reliability/scenarios.h"
#include "reliability/test_env.h"

namespace ozcc::reliability {
namespace {

using CrashTest = ReliabilityTest;

void ExpectDurable(const CrashResult& r) {
  std::cout << r.Describe() << "\n";
  EXPECT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.kills, 1);
  EXPECT_GT(r.check.acked_writes, 0);
  EXPECT_EQ(r.check.lost, 0);
  EXPECT_EQ(r.check.duplicates, 0);
  EXPECT_EQ(r.check.partial_batches, 0);
  EXPECT_EQ(r.check.non_monotonic, 0);
  EXPECT_GT(r.load.key_retries, 0) << "the kill should leave keyed requests to retry";
}

TEST_F(CrashTest, SqliteSurvivesSigkillMidLoad) {
  CrashOptions o;
  o.name = "crash-sqlite";
  ExpectDurable(RunCrash(env_, o));
}

TEST_F(CrashTest, PostgresSurvivesSigkillMidLoad) {
  if (!HavePostgres()) GTEST_SKIP() << kPgSkip;
  CrashOptions o;
  o.name = "crash-pg";
  o.pg_url = env_.pg_url;
  ExpectDurable(RunCrash(env_, o));
}

}  // namespace
}  // namespace ozcc::reliability
