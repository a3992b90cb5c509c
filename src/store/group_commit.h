// The writer queue both stores use for group commit: callers queue a job and
// block until it has run (or go on and collect its outcome later); one writer thread takes what is queued (at most
// max_group jobs, in the order they came) and hands the whole group to the
// store, which runs it in one transaction (one fsync, one round trip to the
// server for many writes) and sets each job's `done` promise.
//
// Job: any movable type with a member `std::promise<Status> done`.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ozcc {

template <class Job>
class GroupCommitQueue {
 public:
  using RunGroup = std::function<void(std::vector<Job>&)>;

  GroupCommitQueue() = default;
  GroupCommitQueue(const GroupCommitQueue&) = delete;
  GroupCommitQueue& operator=(const GroupCommitQueue&) = delete;
  ~GroupCommitQueue() { Stop(); }

  // Starts the writer thread. `run` must set every job's `done`.
  void Start(size_t max_group, RunGroup run) {
    max_group_ = std::max<size_t>(1, max_group);
    run_ = std::move(run);
    writer_ = std::thread([this] { Loop(); });
  }

  // Queues the job and returns at once; the future holds its outcome. A
  // ready kUnavailable before Start and once Stop has begun (nothing is
  // queued then).
  std::future<Status> Enqueue(Job job) {
    std::future<Status> done;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (stopping_ || !writer_.joinable()) {
        std::promise<Status> refused;
        refused.set_value(Status::Unavailable("store is shutting down"));
        return refused.get_future();
      }
      done = job.done.get_future();
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return done;
  }

  // Queues the job and waits for its outcome.
  Status Submit(Job job) { return Enqueue(std::move(job)).get(); }

  // Runs everything already queued, then ends the writer thread. The store
  // calls it before it closes the connections its groups use.
  void Stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  // Jobs queued and not yet taken by the writer.
  size_t pending() const {
    std::lock_guard<std::mutex> lk(mu_);
    return queue_.size();
  }

  bool stopping() const {
    std::lock_guard<std::mutex> lk(mu_);
    return stopping_;
  }

 private:
  void Loop() {
    for (;;) {
      std::vector<Job> group;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued is done
        const size_t n = std::min(queue_.size(), max_group_);
        group.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      run_(group);
    }
  }

  size_t max_group_ = 1;
  RunGroup run_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace ozcc
