// Ends live event streams whose credentials no longer hold. Every `interval`
// it resolves the session or feed token of each open stream against the
// store (never the credential cache) and closes the streams of those that
// were signed out, expired, disabled or revoked. Sign-out on this instance
// and the change feed (PostgreSQL) end streams at once (EventHub::
// CloseStreamsOf); this covers what nothing announces: session expiry, and a
// SQLite store changed by another process (`openzcc user disable`,
// `openzcc token revoke`). A store that cannot answer ends nothing.
// Thread-safe; the thread runs from Start() until destruction.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "api/events.h"
#include "service/account_service.h"

namespace ozcc::api {

class StreamGuard {
 public:
  StreamGuard(service::AccountService& accounts, EventHub& events, std::chrono::milliseconds interval);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  void Start();
  // Checks every open stream's credentials now; returns the streams closed.
  size_t CheckNow();
  // Streams closed because their credentials ended (here or by CheckNow), for /metrics.
  std::uint64_t ended() const { return ended_.load(); }
  void CountEnded(size_t n) { ended_ += n; }

 private:
  service::AccountService& accounts_;
  EventHub& events_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<std::uint64_t> ended_{0};
  std::thread thread_;
};

}  // namespace ozcc::api
