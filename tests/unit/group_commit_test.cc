// GroupCommitQueue: groups of at most max_group in submission order, every
// caller gets its own job's outcome, queued jobs still run when it stops, and
// nothing is queued once it stops.
#include "store/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ozcc {
namespace {

struct Job {
  int id = 0;
  std::promise<Status> done;
};

TEST(GroupCommitQueueTest, RunsQueuedJobsInGroupsInOrder) {
  GroupCommitQueue<Job> q;
  std::mutex mu;
  std::vector<std::vector<int>> groups;
  std::promise<void> first_taken, release;
  std::shared_future<void> released = release.get_future().share();
  q.Start(3, [&](std::vector<Job>& jobs) {
    if (jobs.front().id == 0) first_taken.set_value();
    released.wait();  // hold the writer so the next jobs pile up behind the first
    std::vector<int> ids;
    for (auto& j : jobs) {
      ids.push_back(j.id);
      j.done.set_value(j.id % 2 ? Status::Invalid("odd " + std::to_string(j.id)) : Status::Ok());
    }
    std::lock_guard lk(mu);
    groups.push_back(ids);
  });
  std::vector<std::future<Status>> results;
  results.push_back(std::async(std::launch::async, [&] { return q.Submit(Job{0, {}}); }));
  first_taken.get_future().wait();  // job 0 is taken alone
  for (int i = 1; i <= 7; ++i) {
    results.push_back(std::async(std::launch::async, [&q, i] { return q.Submit(Job{i, {}}); }));
    while (q.pending() < static_cast<size_t>(i)) std::this_thread::yield();  // queued in this order
  }
  release.set_value();
  for (int i = 0; i <= 7; ++i) {
    Status s = results[i].get();
    EXPECT_EQ(s.ok(), i % 2 == 0) << i;  // each caller gets its own outcome
  }
  q.Stop();
  std::vector<int> order;
  for (const auto& g : groups) {
    EXPECT_LE(g.size(), 3u);
    order.insert(order.end(), g.begin(), g.end());
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(groups.size(), 4u);  // {0} {1 2 3} {4 5 6} {7}
}

TEST(GroupCommitQueueTest, StopRunsWhatIsQueuedThenRefusesNewJobs) {
  GroupCommitQueue<Job> q;
  EXPECT_EQ(q.Submit(Job{1, {}}).code(), Code::kUnavailable);  // not started
  std::atomic<int> ran = 0;
  q.Start(100, [&](std::vector<Job>& jobs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& j : jobs) {
      ++ran;
      j.done.set_value(Status::Ok());
    }
  });
  std::vector<std::future<Status>> results;
  for (int i = 0; i < 20; ++i) results.push_back(std::async(std::launch::async, [&q] { return q.Submit(Job{}); }));
  while (q.pending() == 0 && ran == 0) std::this_thread::yield();  // some are in before Stop
  q.Stop();
  int accepted = 0;
  for (auto& r : results) {
    Status s = r.get();
    if (s.ok())
      ++accepted;
    else
      EXPECT_EQ(s.code(), Code::kUnavailable);  // came after Stop
  }
  EXPECT_EQ(accepted, ran.load());  // everything queued before Stop ran
  EXPECT_GT(accepted, 0);
  EXPECT_TRUE(q.stopping());
  EXPECT_EQ(q.Submit(Job{}).code(), Code::kUnavailable);
}

TEST(GroupCommitQueueTest, EnqueueReturnsBeforeTheGroupRunsAndTheFutureHoldsItsOutcome) {
  GroupCommitQueue<Job> q;
  EXPECT_EQ(q.Enqueue(Job{1, {}}).get().code(), Code::kUnavailable);  // not started: a ready refusal
  std::promise<void> go;
  std::shared_future<void> gate = go.get_future().share();
  q.Start(10, [gate](std::vector<Job>& jobs) {
    gate.wait();  // the group runs only once the test lets it
    for (auto& j : jobs) j.done.set_value(j.id == 2 ? Status::Invalid("bad") : Status::Ok());
  });
  std::future<Status> a = q.Enqueue(Job{1, {}});
  std::future<Status> b = q.Enqueue(Job{2, {}});
  EXPECT_EQ(a.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout) << "ran before its group";
  go.set_value();
  EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(b.get().code(), Code::kInvalid);
  q.Stop();
  EXPECT_EQ(q.Enqueue(Job{3, {}}).get().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace ozcc
