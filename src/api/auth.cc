#include "api/auth.h"

#include <algorithm>
#include <thread>

namespace ozcc::api {

PasswordGate::PasswordGate(unsigned slots, std::chrono::milliseconds max_wait)
    : slots_(slots ? slots : std::max(2u, std::thread::hardware_concurrency())),
      max_waiting_(4 * slots_),
      max_wait_(max_wait) {}

bool PasswordGate::Run(const std::function<void()>& fn) {
  {
    std::unique_lock lock(mu_);
    if (running_ >= slots_) {
      if (waiting_ >= max_waiting_) {
        ++refused_;
        return false;
      }
      ++waiting_;
      const bool got = cv_.wait_for(lock, max_wait_, [this] { return running_ < slots_; });
      --waiting_;
      if (!got) {
        ++refused_;
        return false;
      }
    }
    peak_ = std::max(peak_, ++running_);
  }
  struct Release {
    PasswordGate& g;
    ~Release() {
      {
        std::lock_guard lock(g.mu_);
        --g.running_;
      }
      g.cv_.notify_one();
    }
  } release{*this};
  fn();
  return true;
}

unsigned PasswordGate::peak() const {
  std::lock_guard lock(mu_);
  return peak_;
}

std::uint64_t PasswordGate::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

Authenticator::Authenticator(service::AccountService& accounts, std::chrono::seconds cache_ttl)
    : accounts_(accounts), cache_ttl_(cache_ttl) {}

std::string Authenticator::BearerOf(const http::Request& req) {
  if (auto h = req.Header("authorization")) {
    std::string_view v = *h;
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
      return std::string(v.substr(7));
    }
  }
  return {};
}

std::string Authenticator::CookieOf(const http::Request& req) {
  for (const auto& [name, value] : req.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.size() > kSessionCookie.size() && part.substr(0, kSessionCookie.size()) == kSessionCookie &&
          part[kSessionCookie.size()] == '=') {
        return std::string(part.substr(kSessionCookie.size() + 1));
      }
    }
  }
  return {};
}

std::string Authenticator::TokenOf(const http::Request& req) {
  std::string bearer = BearerOf(req);
  return bearer.empty() ? CookieOf(req) : bearer;
}

Result<Principal> Authenticator::Authenticate(const http::Request& req) {
  std::string token = BearerOf(req);
  if (token.empty()) {
    token = CookieOf(req);
    // Feed tokens are for machines: only as a Bearer header, never as the
    // session cookie (whose rules — CSRF, the browser's — are for sessions).
    if (token.rfind(kFeedPrefix, 0) == 0) {
      return Status::Unauthenticated("a feed token is accepted only as Authorization: Bearer, not as a cookie");
    }
  }
  if (token.empty()) return Status::Unauthenticated("sign in first: no session cookie or Bearer token");
  if (token.size() > 200) return Status::Unauthenticated("the token is not valid");
  std::string hash = TokenHash(token);
  const Time now = Now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end()) {
      if (it->second.valid_until > now) return it->second.principal;
      cache_.erase(it);
    }
  }
  auto resolved = accounts_.Resolve(token, cache_ttl_);
  if (!resolved.ok()) return resolved.status();
  std::lock_guard lock(mu_);
  if (cache_.size() >= sweep_at_) {
    // An entry is otherwise dropped only when its own token comes again:
    // tokens never seen after they expired would stay until the hard bound.
    std::erase_if(cache_, [&](const auto& e) { return e.second.valid_until <= now; });
    sweep_at_ = std::max(kMinSweepAt, 2 * cache_.size());
  }
  if (cache_.size() > 100000) cache_.clear();  // bound memory; entries are cheap to rebuild
  cache_[hash] = *resolved;
  return resolved->principal;
}

void Authenticator::Forget(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  cache_.erase(token_hash);
}

size_t Authenticator::cached() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

void Authenticator::ForgetAll() {
  std::lock_guard lock(mu_);
  cache_.clear();
}

}  // namespace ozcc::api
