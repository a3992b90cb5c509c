// The store: one object that holds every capability's narrow store interface
// (region_store.h, capacity_store.h, account_store.h, audit_store.h,
// case_store.h, pathway_store.h, simulation_store.h, transfer_store.h, placement_store.h,
// spreading_store.h, phase_store.h) plus the lifecycle of the database behind them.
// Code that needs one capability takes that interface; only the composition root (app/, tests) holds a Store.
//
// Implementation: sql/SqlStore, written once over the statement layer of
// sql/sql.h, with a backend per engine: sqlite/ (embedded, default) and
// postgres/ (production). All methods are thread-safe. Every write method
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

#include "base/status.h"
#include "store/account_store.h"
#include "store/audit_store.h"
#include "store/capacity_store.h"
#include "store/case_store.h"
#include "store/pathway_store.h"
#include "store/phase_store.h"
#include "store/placement_store.h"
#include "store/region_store.h"
#include "store/simulation_store.h"
#include "store/spreading_store.h"
#include "store/transfer_store.h"

namespace ozcc {

// A change committed to a store shared by several server instances, as its
// change feed reports it (to every instance, the writing one included).
struct StoreChange {
  enum class Kind {
    kCapacity,        // region_id reached data version `version` (a capacity or a case write)
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

class Store : public RegionStore,
              public CapacityStore,
              public AccountStore,
              public AuditStore,
              public CaseStore,
              public PathwayStore,
              public SimulationStore,
              public TransferStore,
              public PlacementStore,
              public SpreadingStore,
              public PhaseStore {
 public:
  ~Store() override = default;

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
};

// Opens a store from a URL: a file path or "sqlite:PATH" or ":memory:" for
// SQLite; "postgresql://…" or "postgres://…" for PostgreSQL.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace ozcc
