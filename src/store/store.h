// The one storage interface. Implementations: sqlite/ (embedded, default)
// and postgres/ (production). All methods are thread-safe. Every write method
// returns only after its transaction is durably committed (group commit may
// batch concurrent writes into one transaction; each caller still sees its own
// outcome). A failing write stores nothing of that call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/authz.h"
#include "core/status.h"
#include "core/time.h"
#include "core/types.h"

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
  Time created_at{};
  Time expires_at{};
};

struct FeedTokenRecord {
  std::string token_hash;
  std::string name;
  std::string organization_id;
  std::string region_id;
  Time created_at{};
  bool revoked = false;
};

// A capacity write: reports to commit atomically, plus the audit records of
// the request and an optional idempotency entry stored in the same transaction.
struct CapacityWrite {
  std::vector<CapacityReport> reports;  // version and received_at are assigned by the store
  std::vector<AuditRecord> audit;
  std::string idempotency_key;    // empty: none
  std::string idempotency_scope;  // principal name; keys are per principal
  std::string request_hash;       // hash of method+path+body, to detect key reuse
  // Called inside the transaction with the stored reports (versions set);
  // returns the response body to remember for the idempotency key.
  std::function<std::string(const std::vector<CapacityReport>&)> response_for_key;
};

struct IdempotentResponse {
  std::string request_hash;
  int status = 200;
  std::string body;
};

struct CapacityWriteResult {
  std::vector<CapacityReport> reports;  // as stored
  std::int64_t version = 0;             // region data version after the write
};

// A change committed to a store shared by several server instances, as its
// change feed reports it (to every instance, the writing one included).
struct StoreChange {
  enum class Kind {
    kCapacity,        // region_id reached data version `version`
    kRegion,          // region_id's organisations, locations or units were replaced
    kSessionRevoked,  // the session (or feed token) with token_hash was deleted (revoked)
    kResync,          // the feed was interrupted: changes may have been missed, re-read what is cached
  };
  Kind kind = Kind::kResync;
  std::string region_id;
  std::int64_t version = 0;
  std::string token_hash;
};
using ChangeHandler = std::function<void(const StoreChange&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Applies pending migrations. Idempotent.
  virtual Status Migrate() = 0;
  // Cheap reachability check for /readyz.
  virtual Status Ping() = 0;

  // Starts the change feed: on_change is called, on a thread of the store,
  // for every change committed by any instance sharing the store. Returns
  // once the feed listens (changes committed after the return are reported)
  // or failed to (it keeps retrying then, and reports kResync when it
  // succeeds). Call at most once. A store only one process uses (SQLite)
  // has no other writers and reports nothing.
  virtual Status WatchChanges(ChangeHandler on_change) {
    (void)on_change;
    return Status::Ok();
  }

  // --- region tree -------------------------------------------------------
  // Inserts or replaces a region with its organisations, locations and units.
  // Units no longer in the file are removed only if they have no reports
  // (otherwise the call fails with kConflict naming them).
  virtual Status ImportRegion(const RegionData& data, const AuditRecord& audit) = 0;
  virtual Result<std::vector<Region>> ListRegions() = 0;
  virtual Result<RegionData> GetRegion(const std::string& region_id) = 0;  // kNotFound
  virtual Result<UnitView> GetUnit(const std::string& unit_id) = 0;        // kNotFound
  virtual Result<std::vector<UnitView>> ListUnits(const std::string& region_id) = 0;

  // --- capacity ----------------------------------------------------------
  // Commits the reports atomically; all units must exist (kNotFound names the
  // first that does not). Versions are per region, strictly increasing.
  virtual Result<CapacityWriteResult> WriteCapacity(CapacityWrite write) = 0;
  // Latest report per unit of the region (units never reported are absent).
  virtual Result<std::vector<CapacityReport>> LatestCapacity(const std::string& region_id) = 0;
  // Reports of a unit with from ≤ as_of ≤ to, oldest first, at most `limit`.
  virtual Result<std::vector<CapacityReport>> CapacityHistory(const std::string& unit_id, Time from, Time to,
                                                              size_t limit) = 0;
  // Reports of the region with version > after_version, oldest first, at most `limit`.
  virtual Result<std::vector<CapacityReport>> CapacitySince(const std::string& region_id, std::int64_t after_version,
                                                            size_t limit) = 0;
  // The region's current data version (0 when nothing was written).
  virtual Result<std::int64_t> DataVersion(const std::string& region_id) = 0;
  virtual Result<std::optional<IdempotentResponse>> GetIdempotent(const std::string& scope, const std::string& key) = 0;

  // --- users, sessions, feed tokens --------------------------------------
  virtual Status CreateUser(const UserRecord& user, const AuditRecord& audit) = 0;  // kConflict if taken
  virtual Result<UserRecord> GetUser(const std::string& username) = 0;              // kNotFound
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> GetSession(const std::string& token_hash) = 0;  // kNotFound (expired ones too)
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Disables the account and deletes all its sessions, in one transaction
  // with the audit record. kNotFound for an unknown user.
  virtual Status DisableUser(const std::string& username, const AuditRecord& audit) = 0;
  virtual Status CreateFeedToken(const FeedTokenRecord& token, const AuditRecord& audit) = 0;
  virtual Result<FeedTokenRecord> GetFeedToken(const std::string& token_hash) = 0;  // kNotFound
  // The tokens of one organisation ("" = all), revoked ones included, by
  // organisation, name and creation time.
  virtual Result<std::vector<FeedTokenRecord>> ListFeedTokens(const std::string& organization_id) = 0;
  // Revokes the organisation's live tokens of that name, in one transaction
  // with the audit record (written only when one was revoked); returns how
  // many. Other instances drop them from their caches (kSessionRevoked).
  virtual Result<int> RevokeFeedTokens(const std::string& organization_id, const std::string& name,
                                       const AuditRecord& audit) = 0;

  // --- audit ---------------------------------------------------------------
  virtual Status AppendAudit(const AuditRecord& record) = 0;
  // Newest first; records with id < before_id (0: from the newest), at most limit.
  virtual Result<std::vector<AuditRecord>> ListAudit(std::int64_t before_id, size_t limit) = 0;
};

// Opens a store from a URL: a file path or "sqlite:PATH" or ":memory:" for
// SQLite; "postgresql://…" or "postgres://…" for PostgreSQL.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace ozcc
