// Persistence of user accounts, sessions and feed tokens. Tokens are stored
// only as hashes. Thread-safe; writes return once durable.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"
#include "core/authz.h"

namespace ozcc {

struct UserRecord {
  std::string username;
  std::string password_hash;  // argon2id encoded string
  Role role = Role::kViewer;
  std::string organization_id;
  std::string region_id;
  bool disabled = false;
};

struct SessionRecord {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token itself is never stored
  std::string username;
  Time created_at{};  // zero: now
  Time expires_at{};
};

struct FeedTokenRecord {
  std::string token_hash;
  std::string name;
  std::string organization_id;
  std::string region_id;
  Time created_at{};  // zero: now
  bool revoked = false;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // kInvalid for an empty name; kConflict if the name is taken.
  virtual Status CreateUser(const UserRecord& user, const AuditRecord& audit) = 0;
  virtual Result<UserRecord> GetUser(const std::string& username) = 0;  // kNotFound
  // kNotFound if the user does not exist; kConflict if the hash is taken.
  // Also purges expired sessions.
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> GetSession(const std::string& token_hash) = 0;  // kNotFound (expired ones too)
  virtual Status DeleteSession(const std::string& token_hash) = 0;              // Ok also when absent
  // Disables the account and deletes all its sessions, in one transaction
  // with the audit record. kNotFound for an unknown user.
  virtual Status DisableUser(const std::string& username, const AuditRecord& audit) = 0;
  virtual Status CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) = 0;  // kConflict if taken
  // Revoked tokens are returned too (revoked = true); the caller decides.
  virtual Result<FeedTokenRecord> GetFeedToken(const std::string& token_hash) = 0;  // kNotFound
  // The tokens of one organisation ("" = all), revoked ones included, by
  // organisation, name and creation time.
  virtual Result<std::vector<FeedTokenRecord>> ListFeedTokens(const std::string& organization_id) = 0;
  // Revokes the organisation's live tokens of that name, in one transaction
  // with the audit record (written only when one was revoked); returns how many.
  virtual Result<int> RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                                       const AuditRecord& audit) = 0;
};

}  // namespace ozcc
