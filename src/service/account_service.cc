#include "service/account_service.h"

#include <algorithm>

#include "service/credentials.h"

namespace ozcc::service {

namespace {

bool OrganizationRole(Role r) { return r == Role::kOrgCapacityManager || r == Role::kOrgUser; }

// An argon2id hash of nothing anyone knows: an unknown user name costs the same as a wrong password.
const std::string& DummyHash() {
  static const std::string kHash = HashPassword(NewToken("dummy"));
  return kHash;
}

}  // namespace

Result<std::string> AccountService::RegionOfOrganization(const std::string& organization_id) {
  auto regions = regions_.ListRegions();
  if (!regions.ok()) return regions.status();
  for (const auto& r : *regions) {
    auto data = regions_.GetRegion(r.id);
    if (!data.ok()) return data.status();
    for (const auto& o : data->organizations) {
      if (o.id == organization_id) return r.id;
    }
  }
  return Status::NotFound("unknown organisation " + organization_id);
}

Status AccountService::AddUser(const Caller& caller, NewUser user, const std::string& password) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kManageUsers, {user.region_id, ""}, "user.add", user.username));
  const std::string role(ToString(user.role));
  if (user.username.empty()) return Status::Invalid("the user needs a name", {{"username", "must not be empty"}});
  if (user.username.size() > kMaxUsernameBytes) {
    return Status::Invalid("the user name is too long", {{"username", "must be at most 256 bytes"}});
  }
  if (password.size() < kMinPasswordLength) {
    return Status::Invalid("the password is too short", {{"password", "must have at least 10 characters"}});
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::Invalid("the password is too long", {{"password", "must be at most 4096 bytes"}});
  }
  if (OrganizationRole(user.role) && user.organization_id.empty()) {
    return Status::Invalid("role " + role + " needs an organisation", {{"organization_id", "is required"}});
  }
  if (!user.organization_id.empty()) {  // the organisation fixes the region
    auto region = RegionOfOrganization(user.organization_id);
    if (!region.ok()) return region.status();
    if (!user.region_id.empty() && user.region_id != *region) {
      return Status::Invalid("the organisation is not in the region",
                             {{"organization_id", "belongs to region " + *region}});
    }
    user.region_id = *region;
  }
  if (user.role != Role::kAdmin && user.region_id.empty()) {
    return Status::Invalid("role " + role + " needs a region or an organisation", {{"region_id", "is required"}});
  }
  if (!user.region_id.empty()) {
    if (auto r = regions_.GetRegion(user.region_id); !r.ok()) return r.status();
  }
  UserRecord record{user.username, HashPassword(password), user.role, user.organization_id, user.region_id, false};
  if (record.password_hash.empty()) return Status::Internal("cannot hash the password");
  return accounts_.CreateUser(record, AuditOf(caller, "user.add", user.username, "ok"));
}

Status AccountService::DisableUser(const Caller& caller, const std::string& username) {
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kManageUsers, {caller.who.region_id, ""}, "user.disable", username));
  return accounts_.DisableUser(username, AuditOf(caller, "user.disable", username, "ok"));
}

Result<std::string> AccountService::CreateFeedToken(const Caller& caller, const std::string& organization_id,
                                                    const std::string& name) {
  if (name.empty()) return Status::Invalid("the token needs a name", {{"name", "must not be empty"}});
  auto region = RegionOfOrganization(organization_id);
  if (!region.ok()) return region.status();
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kManageTokens, {*region, organization_id}, "token.create", name));
  const std::string secret = NewToken(kFeedPrefix);
  FeedTokenRecord t{TokenHash(secret), name, organization_id, *region, Now(), false};
  OZCC_RETURN_IF_ERROR(accounts_.CreateFeedToken(t, AuditOf(caller, "token.create", name, "ok")));
  return secret;
}

Result<std::vector<FeedTokenRecord>> AccountService::ListFeedTokens(const Caller& caller,
                                                                    const std::string& organization_id) {
  OZCC_RETURN_IF_ERROR(Require(audit_, caller, Action::kManageTokens, {caller.who.region_id, organization_id},
                               "token.list", organization_id));
  return accounts_.ListFeedTokens(organization_id);
}

Result<int> AccountService::RevokeFeedTokens(const Caller& caller, const std::string& organization_id,
                                             const std::string& name) {
  const std::string object = organization_id + "/" + name;
  OZCC_RETURN_IF_ERROR(
      Require(audit_, caller, Action::kManageTokens, {caller.who.region_id, organization_id}, "token.revoke", object));
  auto n = accounts_.RevokeFeedTokens(organization_id, name, AuditOf(caller, "token.revoke", object, "ok"));
  if (!n.ok()) return n.status();
  if (*n == 0) return Status::NotFound("no active feed token named " + name + " in " + organization_id);
  return n;
}

Result<ResolvedToken> AccountService::Resolve(const std::string& token, std::chrono::seconds cache_for) {
  return ResolveHash(TokenHash(token), token.rfind(kFeedPrefix, 0) == 0, cache_for);
}

Result<ResolvedToken> AccountService::ResolveHash(const std::string& hash, bool feed_token,
                                                  std::chrono::seconds cache_for) {
  const Time now = Now();
  if (feed_token) {
    auto t = accounts_.GetFeedToken(hash);
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
    return ResolvedToken{p, now + cache_for};
  }
  auto s = accounts_.GetSession(hash);
  if (!s.ok()) {
    if (s.status().code() == Code::kNotFound) return Status::Unauthenticated("the session has expired; sign in again");
    return s.status();
  }
  if (s->expires_at <= now) return Status::Unauthenticated("the session has expired; sign in again");
  auto u = accounts_.GetUser(s->username);
  // A store that cannot be reached is 503, not a reason to sign the user out.
  if (!u.ok() && u.status().code() != Code::kNotFound) return u.status();
  if (!u.ok() || u->disabled) return Status::Unauthenticated("the account is not active");
  Principal p{PrincipalKind::kUser, u->username, u->role, u->organization_id, u->region_id};
  return ResolvedToken{p,
                       std::min(s->expires_at, now + std::chrono::duration_cast<std::chrono::milliseconds>(cache_for))};
}

Result<std::optional<UserRecord>> AccountService::CheckPassword(const std::string& username,
                                                                const std::string& password) {
  auto user = accounts_.GetUser(username);
  if (!user.ok()) {
    if (user.status().code() != Code::kNotFound) return user.status();
    (void)VerifyPassword(DummyHash(), password);
    return std::optional<UserRecord>();
  }
  if (!VerifyPassword(user->password_hash, password) || user->disabled) return std::optional<UserRecord>();
  return std::optional<UserRecord>(std::move(*user));
}

Result<std::string> AccountService::StartSession(const UserRecord& user, Time expires_at) {
  std::string token = NewToken(kSessionPrefix);
  OZCC_RETURN_IF_ERROR(accounts_.CreateSession({TokenHash(token), user.username, Now(), expires_at}));
  return token;
}

Status AccountService::EndSession(const std::string& token_hash) { return accounts_.DeleteSession(token_hash); }

}  // namespace ozcc::service
