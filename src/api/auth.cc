#include "api/auth.h"

#include <sodium.h>

#include <algorithm>
#include <thread>

namespace ozcc::api {

void InitCrypto() {
  static const int kInit = sodium_init();
  (void)kInit;
}

std::string HashPassword(std::string_view password) {
  InitCrypto();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return {};
  }
  return out;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  InitCrypto();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::string z(encoded);  // NUL-terminated copy
  return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

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

std::string NewToken(std::string_view prefix) {
  InitCrypto();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + b64;
}

std::string Sha256Hex(std::string_view bytes) {
  InitCrypto();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

Authenticator::Authenticator(Store& store, std::chrono::seconds cache_ttl) : store_(store), cache_ttl_(cache_ttl) {}

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
  std::string token = TokenOf(req);
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
  auto resolved = Resolve(token, now);
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

Result<Authenticator::Cached> Authenticator::Resolve(const std::string& token, Time now) {
  const std::string hash = TokenHash(token);
  if (token.rfind(kFeedPrefix, 0) == 0) {
    auto t = store_.GetFeedToken(hash);
    if (!t.ok()) {
      if (t.status().code() == Code::kNotFound) return Status::Unauthenticated("the feed token is not valid");
      return t.status();
    }
    if (t->revoked) return Status::Unauthenticated("the feed token was revoked");
    Principal p;
    p.kind = PrincipalKind::kFeedToken;
    p.name = "token:" + t->name;
    p.organization_id = t->organization_id;
    p.region_id = t->region_id;
    return Cached{p, now + cache_ttl_};
  }
  auto s = store_.GetSession(hash);
  if (!s.ok()) {
    if (s.status().code() == Code::kNotFound) return Status::Unauthenticated("the session has expired; sign in again");
    return s.status();
  }
  if (s->expires_at <= now) return Status::Unauthenticated("the session has expired; sign in again");
  auto u = store_.GetUser(s->username);
  // A store that cannot be reached is 503, not a reason to sign the user out.
  if (!u.ok() && u.status().code() != Code::kNotFound) return u.status();
  if (!u.ok() || u->disabled) return Status::Unauthenticated("the account is not active");
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.name = u->username;
  p.role = u->role;
  p.organization_id = u->organization_id;
  p.region_id = u->region_id;
  return Cached{p, std::min(s->expires_at, now + std::chrono::duration_cast<std::chrono::milliseconds>(cache_ttl_))};
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
