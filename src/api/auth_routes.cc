// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me.
#include <algorithm>

#include "api/internal.h"
#include "api/json/capacity_json.h"

namespace ozcc::api {

namespace {

nlohmann::json UserJson(const Principal& p) {
  return {{"username", p.name},
          {"role", ToString(p.role)},
          {"organization_id", p.organization_id},
          {"region_id", p.region_id}};
}

// A verified hash of a random password, so unknown users cost as much time as known ones.
std::string SessionCookie(const State& s, const std::string& value, std::int64_t max_age) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (s.options.secure_cookie) c += "; Secure";
  return c;
}

struct LoginKeys {
  std::string pair, address, account;
};

LoginKeys KeysOf(const std::string& username, const std::string& address) {
  // '\n' cannot occur in an address: the pair key is unambiguous.
  return {"pair:" + address + "\n" + username, "addr:" + address, "user:" + username};
}

}  // namespace

void RegisterAuthRoutes(State& s, http::Router& r) {
  r.Add("POST", "/api/v1/auth/login", [&s](http::Request& req) {
    if (auto st = RequireJsonBody(req); !st.ok()) return ProblemFor(req, st);
    auto body = ParseJsonObject(req.body);
    if (!body.ok()) return ProblemFor(req, body.status());
    std::vector<FieldError> errs;
    for (const auto& [k, _] : body->items()) {
      if (k != "username" && k != "password") errs.push_back({k, "unknown field"});
    }
    std::string username, password;
    for (auto [key, out] : {std::pair{"username", &username}, std::pair{"password", &password}}) {
      auto it = body->find(key);
      if (it == body->end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        errs.push_back({key, "is required and must be a non-empty string"});
      } else {
        *out = it->get<std::string>();
      }
    }
    // No account has such a name (AddUser refuses them): answer before any
    // hashing, throttling or audit, so a huge name costs nothing and is kept nowhere.
    if (username.size() > service::AccountService::kMaxUsernameBytes) {
      errs.push_back(
          {"username", "must be at most " + std::to_string(service::AccountService::kMaxUsernameBytes) + " bytes"});
    }
    if (password.size() > service::AccountService::kMaxPasswordBytes) {
      errs.push_back(
          {"password", "must be at most " + std::to_string(service::AccountService::kMaxPasswordBytes) + " bytes"});
    }
    if (!errs.empty()) return ProblemFor(req, Status::Invalid("sign-in needs a username and a password", errs));

    // Back-off after repeated failures (docs/operations.md, "Sign-in back-off"):
    // per user name and client address (strict), per client address over all
    // names, and per user name over all addresses (loose, so that one address
    // alone cannot lock a user out everywhere).
    const LoginKeys keys = KeysOf(username, req.remote_addr);
    const Time now = Now();
    std::chrono::milliseconds wait{0};
    std::optional<std::int64_t> unrecorded;  // set: audit this refusal, after that many unrecorded ones
    {
      std::lock_guard lock(s.login_mu);
      wait = std::max({s.pair_throttle.WaitFor(keys.pair, now), s.address_throttle.WaitFor(keys.address, now),
                       s.account_throttle.WaitFor(keys.account, now)});
      if (wait.count() > 0) unrecorded = s.throttled_sampler.Note(keys.pair, now);
    }
    if (wait.count() > 0) {
      s.signin_throttled++;
      if (unrecorded) {  // one record per user name and address per window, with the count of the others
        AuditRecord throttled;
        throttled.at = now;
        throttled.actor = username;
        throttled.action = "auth.login";
        throttled.object = username;
        throttled.outcome = "throttled";
        throttled.request_id = req.request_id;
        throttled.detail = "from " + req.remote_addr;
        if (*unrecorded > 0) {
          throttled.detail += "; " + std::to_string(*unrecorded) + " more throttled attempts not recorded before this";
        }
        service::AuditBestEffort(s.store, throttled);
      }
      auto resp = ProblemFor(req, Status(Code::kRateLimited, "too many failed sign-ins; try again later"));
      resp.Set("Retry-After", std::to_string((wait.count() + 999) / 1000));
      return resp;
    }

    Result<std::optional<UserRecord>> user = std::optional<UserRecord>();
    const bool checked = s.password_gate.Run([&] { user = s.accounts.CheckPassword(username, password); });
    if (!checked) {  // more sign-ins at once than the gate lets wait: neither a success nor a failure
      auto resp = ProblemFor(req, Status::Unavailable("too many sign-ins at once; try again in a moment"));
      resp.Set("Retry-After", "1");
      return resp;
    }
    AuditRecord audit;
    audit.at = Now();
    audit.actor = username;
    audit.action = "auth.login";
    audit.object = username;
    audit.request_id = req.request_id;
    audit.detail = "from " + req.remote_addr;
    if (!user.ok()) return ProblemFor(req, user.status());
    if (!*user) {
      audit.outcome = "failed";
      service::AuditBestEffort(s.store, audit);
      {
        std::lock_guard lock(s.login_mu);
        s.pair_throttle.RecordFailure(keys.pair, Now());
        s.address_throttle.RecordFailure(keys.address, Now());
        s.account_throttle.RecordFailure(keys.account, Now());
      }
      s.auth_failures++;
      return ProblemFor(req, Status::Unauthenticated("unknown user name or wrong password"));
    }
    {
      std::lock_guard lock(s.login_mu);
      s.pair_throttle.RecordSuccess(keys.pair);
      s.address_throttle.RecordSuccess(keys.address);
      s.account_throttle.RecordSuccess(keys.account);
    }
    const UserRecord& account = **user;
    Principal p{PrincipalKind::kUser, account.username, account.role, account.organization_id, account.region_id};
    const Time expires_at = Now() + s.options.session_ttl;
    auto token = s.accounts.StartSession(account, expires_at);
    if (!token.ok()) return ProblemFor(req, token.status());
    audit.role = std::string(ToString(account.role));
    audit.organization_id = account.organization_id;
    audit.outcome = "ok";
    service::AuditBestEffort(s.store, audit);
    auto resp = Json(200, {{"token", *token}, {"expires_at", FormatRfc3339(expires_at)}, {"user", UserJson(p)}});
    resp.Set("Set-Cookie", SessionCookie(s, *token, s.options.session_ttl.count()));
    return resp;
  });

  r.Add("POST", "/api/v1/auth/logout", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    std::string hash = TokenHash(Authenticator::TokenOf(req));
    if (who.kind == PrincipalKind::kUser) {
      if (auto st = s.accounts.EndSession(hash); !st.ok()) return ProblemFor(req, st);
    }
    s.auth.Forget(hash);
    s.stream_guard.CountEnded(s.events.CloseStreamsOf(hash));  // its live streams end with it
    service::AuditBestEffort(s.store, service::AuditOf(CallerOf(req, who), "auth.logout", who.name, "ok"));
    http::Response resp;
    resp.status = 204;
    resp.Set("Set-Cookie", SessionCookie(s, "", 0));
    return resp;
  });

  r.Add("GET", "/api/v1/auth/me", [&s](http::Request& req) {
    Principal who;
    if (auto denied = RequireAuth(s, req, who)) return *denied;
    if (who.kind == PrincipalKind::kFeedToken) {
      return Json(200, {{"username", who.name},
                        {"role", "feed"},
                        {"organization_id", who.organization_id},
                        {"region_id", who.region_id}});
    }
    return Json(200, UserJson(who));
  });
}

}  // namespace ozcc::api
