// Users, sessions and feed tokens (store/account_store.h).
#include "store/sql/internal.h"
#include "store/sql/sql_store.h"

namespace ozcc::sql {

namespace {

constexpr const char* kFeedTokenSelect =
    "SELECT token_hash, name, organization_id, region_id, created_at, revoked FROM feed_tokens ";

FeedTokenRecord ReadFeedToken(const Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), FromUnixMillis(r.Int(4)), r.Bool(5)};
}

}  // namespace

Status SqlStore::CreateUser(const UserRecord& user, const AuditRecord& audit) {
  if (user.username.empty()) return Status::Invalid("empty user name", {{"username", "must not be empty"}});
  return Write([&](Conn& c) -> Status {
    auto added = c.Changes(
        "INSERT INTO users (username, password_hash, role, organization_id, region_id, disabled) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING",
        Params()
            .Add(user.username)
            .Add(user.password_hash)
            .Add(ToString(user.role))
            .Add(user.organization_id)
            .Add(user.region_id)
            .Add(user.disabled));
    if (!added.ok()) return added.status();
    if (*added == 0) return Status::Conflict("user already exists: " + user.username);
    return InsertAudit(c, audit, Now());
  });
}

Result<UserRecord> SqlStore::GetUser(const std::string& username) {
  return ReadValue<UserRecord>([&](Conn& c) -> Result<UserRecord> {
    std::string role_text;
    auto u = c.First<UserRecord>(
        "SELECT username, password_hash, role, organization_id, region_id, disabled FROM users WHERE username = ?",
        Params().Add(username), [&](const Row& r) {
          UserRecord out;
          out.username = r.Text(0);
          out.password_hash = r.Text(1);
          role_text = r.Text(2);
          out.organization_id = r.Text(3);
          out.region_id = r.Text(4);
          out.disabled = r.Bool(5);
          return out;
        });
    if (!u.ok()) return u.status();
    if (!*u) return Status::NotFound("unknown user: " + username);
    auto role = ParseRole(role_text);
    if (!role) return Status::Internal("user " + username + " has an unknown role: " + role_text);
    (*u)->role = *role;
    return std::move(**u);
  });
}

Status SqlStore::CreateSession(const SessionRecord& session) {
  return Write([&](Conn& c) -> Status {
    const Time now = Now();
    auto user = c.First<bool>("SELECT 1 FROM users WHERE username = ?", Params().Add(session.username),
                              [](const Row&) { return true; });
    if (!user.ok()) return user.status();
    if (!*user) return Status::NotFound("unknown user: " + session.username);
    OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM sessions WHERE expires_at <= ?", Params().Add(ToUnixMillis(now))));
    auto added = c.Changes(
        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (token_hash) DO NOTHING",
        Params()
            .Add(session.token_hash)
            .Add(session.username)
            .Add(ToUnixMillis(session.created_at == Time{} ? now : session.created_at))
            .Add(ToUnixMillis(session.expires_at)));
    if (!added.ok()) return added.status();
    if (*added == 0) return Status::Conflict("session token already exists");
    return Status::Ok();
  });
}

Result<SessionRecord> SqlStore::GetSession(const std::string& token_hash) {
  return ReadValue<SessionRecord>([&](Conn& c) -> Result<SessionRecord> {
    auto s = c.First<SessionRecord>(
        "SELECT token_hash, username, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
        Params().Add(token_hash).Add(ToUnixMillis(Now())), [](const Row& r) {
          return SessionRecord{r.Text(0), r.Text(1), FromUnixMillis(r.Int(2)), FromUnixMillis(r.Int(3))};
        });
    if (!s.ok()) return s.status();
    if (!*s) return Status::NotFound("no such session");
    return std::move(**s);
  });
}

Status SqlStore::DeleteSession(const std::string& token_hash) {
  return Write([&](Conn& c) { return c.Run("DELETE FROM sessions WHERE token_hash = ?", Params().Add(token_hash)); });
}

Status SqlStore::DisableUser(const std::string& username, const AuditRecord& audit) {
  return Write([&](Conn& c) -> Status {
    auto changed = c.Changes("UPDATE users SET disabled = TRUE WHERE username = ?", Params().Add(username));
    if (!changed.ok()) return changed.status();
    if (*changed == 0) return Status::NotFound("no such user: " + username);
    OZCC_RETURN_IF_ERROR(c.Run("DELETE FROM sessions WHERE username = ?", Params().Add(username)));
    return InsertAudit(c, audit, Now());
  });
}

Status SqlStore::CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) {
  return Write([&](Conn& c) -> Status {
    const Time now = Now();
    auto added = c.Changes(
        "INSERT INTO feed_tokens (token_hash, name, organization_id, region_id, created_at, revoked) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING",
        Params()
            .Add(token.token_hash)
            .Add(token.name)
            .Add(token.organization_id)
            .Add(token.region_id)
            .Add(ToUnixMillis(token.created_at == Time{} ? now : token.created_at))
            .Add(token.revoked));
    if (!added.ok()) return added.status();
    if (*added == 0) return Status::Conflict("feed token already exists");
    return InsertAudit(c, audit, now);
  });
}

Result<FeedTokenRecord> SqlStore::GetFeedToken(const std::string& token_hash) {
  return ReadValue<FeedTokenRecord>([&](Conn& c) -> Result<FeedTokenRecord> {
    auto t = c.First<FeedTokenRecord>(std::string(kFeedTokenSelect) + "WHERE token_hash = ?", Params().Add(token_hash),
                                      ReadFeedToken);
    if (!t.ok()) return t.status();
    if (!*t) return Status::NotFound("no such feed token");
    return std::move(**t);
  });
}

Result<std::vector<FeedTokenRecord>> SqlStore::ListFeedTokens(const std::string& organization_id) {
  return ReadValue<std::vector<FeedTokenRecord>>([&](Conn& c) {
    return c.All<FeedTokenRecord>(std::string(kFeedTokenSelect) +
                                      "WHERE ? = '' OR organization_id = ? ORDER BY organization_id, name, created_at",
                                  Params().Add(organization_id).Add(organization_id), ReadFeedToken);
  });
}

Result<int> SqlStore::RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                                       const AuditRecord& audit) {
  int revoked = 0;
  Status st = Write([&](Conn& c) -> Status {
    auto changed =
        c.Changes("UPDATE feed_tokens SET revoked = TRUE WHERE organization_id = ? AND name = ? AND NOT revoked",
                  Params().Add(organization_id).Add(name));
    if (!changed.ok()) return changed.status();
    revoked = static_cast<int>(*changed);
    return revoked > 0 ? InsertAudit(c, audit, Now()) : Status::Ok();
  });
  if (!st.ok()) return st;
  return revoked;
}

}  // namespace ozcc::sql
