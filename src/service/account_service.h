// Account use cases: users, sessions and feed tokens, with the rules that
// decide what an account may be (the `openzcc user` / `token` commands and the
// sign-in routes are adapters). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "service/caller.h"
#include "store/account_store.h"
#include "store/audit_store.h"
#include "store/region_store.h"

namespace ozcc::service {

struct NewUser {
  std::string username;
  Role role = Role::kViewer;
  std::string organization_id;  // required for organisation roles; fixes the region
  std::string region_id;        // required for every role but admin (or implied by the organisation)
};

// A principal resolved from a bearer token, and until when it may be cached.
struct ResolvedToken {
  Principal principal;
  Time valid_until{};
};

class AccountService {
 public:
  static constexpr size_t kMinPasswordLength = 10;
  // Longer user names cannot be added, so a sign-in with one is refused
  // before any hashing or audit; longer passwords are refused likewise.
  static constexpr size_t kMaxUsernameBytes = 256;
  static constexpr size_t kMaxPasswordBytes = 4096;

  AccountService(AccountStore& accounts, RegionStore& regions, AuditStore& audit)
      : accounts_(accounts), regions_(regions), audit_(audit) {}

  // kInvalid (field named) for an empty or too long (kMaxUsernameBytes) name,
  // a short or too long password, an organisation role without
  // an organisation, a non-admin without a region, an organisation outside
  // the given region; kNotFound for an unknown organisation or region;
  // kConflict for a taken name; kForbidden (audited) unless the caller may
  // manage users. Audited with the change.
  Status AddUser(const Caller& caller, NewUser user, const std::string& password);
  // Disables the account and ends all its sessions (on every instance). kNotFound.
  Status DisableUser(const Caller& caller, const std::string& username);

  // A new feed token for the organisation's units; returns the secret, shown
  // once (the store keeps its hash). kNotFound for an unknown organisation.
  Result<std::string> CreateFeedToken(const Caller& caller, const std::string& organization_id,
                                      const std::string& name);
  Result<std::vector<FeedTokenRecord>> ListFeedTokens(const Caller& caller, const std::string& organization_id);
  // Revokes the organisation's live tokens of that name; kNotFound when there is none.
  Result<int> RevokeFeedTokens(const Caller& caller, const std::string& organization_id, const std::string& name);

  // The principal a session or feed token stands for, cacheable until
  // valid_until (never past a session's expiry; at most `cache_for`).
  // kUnauthenticated for unknown, expired, revoked or disabled; other codes
  // when the store cannot answer (not a reason to sign anyone out).
  Result<ResolvedToken> Resolve(const std::string& token, std::chrono::seconds cache_for);
  // As Resolve, from the token's hash and kind (what a live stream keeps to
  // check, now and then, that its credentials still hold).
  Result<ResolvedToken> ResolveHash(const std::string& token_hash, bool feed_token, std::chrono::seconds cache_for);
  // The account if the password is right and the account active; nullopt otherwise
  // (an unknown name costs the same time as a wrong password).
  Result<std::optional<UserRecord>> CheckPassword(const std::string& username, const std::string& password);
  // Starts a session; returns its token.
  Result<std::string> StartSession(const UserRecord& user, Time expires_at);
  // Ends the session of this token hash (Ok when already gone).
  Status EndSession(const std::string& token_hash);

 private:
  // The region that holds the organisation; kNotFound when none does.
  Result<std::string> RegionOfOrganization(const std::string& organization_id);

  AccountStore& accounts_;
  RegionStore& regions_;
  AuditStore& audit_;
};

}  // namespace ozcc::service
