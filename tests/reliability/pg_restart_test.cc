// PostgreSQL stopped (fast, then immediate) and started again under load, on
// a private instance: /readyz says 503 and writes get a 503 problem+json while
// it is down; the same server process becomes ready and acknowledges writes
// again without a restart; nothing acknowledged is lost. See scenarios.h.
#include "reliability/scenarios.h"
#include "reliability/test_env.h"

namespace ozcc::reliability {
namespace {

using PgRestartTest = ReliabilityTest;

TEST_F(PgRestartTest, ServerRecoversWithoutRestart) {
  if (!HavePostgres()) GTEST_SKIP() << kPgSkip;  // same precondition: PostgreSQL binaries and make test
  PgRestartOptions o;
  o.modes = {"fast", "immediate"};
  o.cycles = 2;
  PgRestartResult r = RunPgRestart(env_, o);
  EXPECT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.cycles, 2);
  EXPECT_EQ(r.probe_503, 2);
  EXPECT_EQ(r.recovery_ms.size(), 2u);
  EXPECT_EQ(r.check.lost, 0);
  EXPECT_EQ(r.check.duplicates, 0);
  std::cout << "pg restart: " << r.Describe() << "\n";
}

}  // namespace
}  // namespace ozcc::reliability
