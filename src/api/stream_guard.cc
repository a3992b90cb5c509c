#include "api/stream_guard.h"

#include <spdlog/spdlog.h>

namespace ozcc::api {

StreamGuard::StreamGuard(service::AccountService& accounts, EventHub& events, std::chrono::milliseconds interval)
    : accounts_(accounts), events_(events), interval_(interval) {}

StreamGuard::~StreamGuard() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StreamGuard::Start() {
  if (thread_.joinable() || interval_.count() <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      CheckNow();
      lock.lock();
    }
  });
}

size_t StreamGuard::CheckNow() {
  size_t closed = 0;
  for (const StreamOwner& owner : events_.StreamCredentials()) {
    auto r = accounts_.ResolveHash(owner.token_hash, owner.feed_token, std::chrono::seconds(0));
    if (r.ok()) continue;
    if (r.status().code() != Code::kUnauthenticated) {
      spdlog::warn("live streams: cannot check the credentials of {}: {}", owner.principal, r.status().message());
      continue;
    }
    closed += events_.CloseStreamsOf(owner.token_hash);
  }
  ended_ += closed;
  return closed;
}

}  // namespace ozcc::api
