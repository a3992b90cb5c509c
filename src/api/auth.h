// Credentials: argon2id password hashes, random bearer tokens stored only as
// SHA-256 hashes, and the Authenticator that turns a request's Bearer header
// or session cookie into a Principal. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "core/authz.h"
#include "http/message.h"
#include "service/account_service.h"
#include "service/credentials.h"

namespace ozcc::api {

inline constexpr std::string_view kSessionCookie = "ozcc_session";
using service::kFeedPrefix;
using service::kSessionPrefix;
// The header a browser session's unsafe requests must carry (CSRF protection,
// guard.cc); lower-case as http::Request keeps header names.
inline constexpr std::string_view kCsrfHeader = "x-openzcc-csrf";

using service::HashPassword;
using service::InitCrypto;
using service::NewToken;
using service::Sha256Hex;
using service::TokenHash;
using service::VerifyPassword;

// Bounds how many password hashes run at once. argon2id is memory-hard on
// purpose: each hash or check takes 64 MiB (libsodium's interactive limit)
// and tens of milliseconds of one core, so a burst of sign-ins (many
// addresses, or everyone at a shift change) on 64 workers took over 1 GiB at
// once. With the gate it takes at most `slots` × 64 MiB, and no sign-in is
// slower than the cores allow anyway. Callers beyond the slots wait, at most
// `max_waiting` of them and for at most `max_wait`; the others are refused
// at once (the route answers 503 with Retry-After).
class PasswordGate {
 public:
  // slots 0: the hardware threads (at least 2); max_waiting: 4 × slots.
  explicit PasswordGate(unsigned slots = 0, std::chrono::milliseconds max_wait = std::chrono::seconds(5));
  // Runs fn in a slot; false (fn not run) when none came free in time.
  bool Run(const std::function<void()>& fn);
  unsigned slots() const { return slots_; }
  unsigned peak() const;          // most hashes at once so far
  std::uint64_t refused() const;  // callers turned away

 private:
  const unsigned slots_;
  const unsigned max_waiting_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  unsigned running_ = 0, waiting_ = 0, peak_ = 0;
  std::uint64_t refused_ = 0;
};

// Resolves request credentials. Resolved sessions and tokens are cached in
// memory for `cache_ttl` so hot reads do not hit the store; Forget() drops a
// token at once (logout here, or on another instance as the change feed tells).
class Authenticator {
 public:
  explicit Authenticator(service::AccountService& accounts, std::chrono::seconds cache_ttl = std::chrono::seconds(30));
  // kUnauthenticated when there are no, unknown, expired or revoked credentials.
  Result<Principal> Authenticate(const http::Request& req);
  // The raw token the request carries (Bearer first, then cookie); empty if none.
  static std::string TokenOf(const http::Request& req);
  // The token of the Authorization: Bearer header; empty if none.
  static std::string BearerOf(const http::Request& req);
  // The value of the session cookie; empty if none.
  static std::string CookieOf(const http::Request& req);
  void Forget(const std::string& token_hash);
  // Drops every cached token (revocations may have been missed).
  void ForgetAll();
  // Cached tokens (expired ones are swept when the cache doubles, from kMinSweepAt).
  size_t cached() const;
  static constexpr size_t kMinSweepAt = 1024;

 private:
  using Cached = service::ResolvedToken;
  service::AccountService& accounts_;
  std::chrono::seconds cache_ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;
  size_t sweep_at_ = kMinSweepAt;  // sweep expired entries when the cache reaches this size
};

}  // namespace ozcc::api
