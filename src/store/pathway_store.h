// Persistence of the care pathways (zorgpaden) as versioned data. Every
// version is kept; an edit is a new version, never an update, so a case that
// recorded (id, version) can always read what it followed. Thread-safe;
// writes return once durable; a failing write stores nothing of that call.
//
// The store keeps a pathway as an opaque document (the JSON of
// api/json/pathway_json.h, made and read by the service's codec): it checks
// neither its format nor its rules.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "core/audit.h"

namespace ozcc {

struct StoredPathway {
  std::string id;
  int version = 0;         // 1, 2, …; set by PutPathway
  std::string document;    // the pathway's JSON text
  std::string created_by;  // user name, or "shipped" for a version seeded from data/pathways
  Time created_at{};       // zero in PutPathway: the commit time
  bool operator==(const StoredPathway&) const = default;
};

class PathwayStore {
 public:
  virtual ~PathwayStore() = default;

  // The current (highest) version of every pathway, by id.
  virtual Result<std::vector<StoredPathway>> CurrentPathways() = 0;
  // Every version of one pathway, oldest first; empty for an unknown id.
  virtual Result<std::vector<StoredPathway>> PathwayVersions(const std::string& id) = 0;
  // One version; kNotFound when there is no such id or version.
  virtual Result<StoredPathway> GetPathway(const std::string& id, int version) = 0;
  // Stores `p` as version expected_current_version + 1, with the audit record,
  // atomically: when the id's current version is not expected_current_version
  // (0: the id must be new) nothing is stored and the result is
  // kPreconditionFailed — of two writers on the same base exactly one wins.
  // Returns the stored version (version and a zero created_at set). kInvalid
  // for an empty id, document or created_by, or text with a NUL character.
  virtual Result<StoredPathway> PutPathway(StoredPathway p, int expected_current_version, const AuditRecord& audit) = 0;
};

}  // namespace ozcc
