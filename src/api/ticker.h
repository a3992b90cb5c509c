// Runs a job every `interval` on a thread of its own until destroyed: the
// worklist's escalation timer. The job runs first one interval after
// Start(); a slow job delays the next run, runs never overlap. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ozcc::api {

class Ticker {
 public:
  Ticker(std::chrono::milliseconds interval, std::function<void()> job) : interval_(interval), job_(std::move(job)) {}
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  // Starts the thread; an interval of 0 never runs the job. Call at most once.
  void Start() {
    if (interval_.count() <= 0) return;
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
        lock.unlock();
        job_();
        lock.lock();
      }
    });
  }

 private:
  const std::chrono::milliseconds interval_;
  const std::function<void()> job_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ozcc::api
