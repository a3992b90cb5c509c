// Overload (smoke sizes; bench/reliability.cc runs more): the server keeps
// serving a normal client under idle, silent, slowloris, huge-header,
// huge-body and never-reading SSE connections, with bounded memory, and
// answers every connection when it runs out of file descriptors. See
// scenarios.h.
#include "reliability/scenarios.h"
#include "reliability/test_env.h"

namespace ozcc::reliability {
namespace {

using OverloadTest = ReliabilityTest;

TEST_F(OverloadTest, NormalClientStillServedWithBoundedMemory) {
  OverloadOptions o;
  o.idle = 2000;
  o.silent = 100;
  o.slowloris = 30;
  o.big_headers = 8;
  o.big_bodies = 8;
  o.sse = 50;
  o.hold = seconds(12);
  o.clients = 2;
  OverloadResult r = RunOverload(env_, o);
  EXPECT_TRUE(r.ok()) << r.Describe();
  EXPECT_GT(r.liveness_rounds, 0);
  EXPECT_EQ(r.idle_open, o.idle);
  EXPECT_EQ(r.big_body_413, o.big_bodies);
  EXPECT_EQ(r.check.lost, 0);
  std::cout << "overload: " << r.Describe() << "\n";
}

TEST_F(OverloadTest, EveryConnectionAnsweredWhenFileDescriptorsRunOut) {
  FdLimitResult r = RunFdLimit(env_, 256, 400);
  EXPECT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.unanswered, 0);
  EXPECT_GT(r.answered_503, 0);
  std::cout << "fd limit: " << r.Describe() << "\n";
}

}  // namespace
}  // namespace ozcc::reliability
