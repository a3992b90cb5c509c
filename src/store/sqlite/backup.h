// Online backup of a SQLite store file (`openzcc backup`), with SQLite's
// backup API, while the server keeps writing.
//
// How: the source is opened read-only and one read transaction is held on it
// for the whole copy, so the copy is one committed state (a point in time)
// however many commits happen meanwhile. In WAL mode (the store always uses
// WAL) a reader blocks no writer; only checkpoints cannot pass the snapshot
// until the copy ends, so the WAL may grow for that long. Pages are copied
// `pages_per_step` at a time with `pause` between steps, so the copy's reads
// and writes come in small bursts and leave the disk to the server. A source
// that is not in WAL mode is copied without the held transaction: each step
// takes and drops the source's shared lock (writers get in between) and the
// API restarts the copy when another connection changed the file; after
// `max_restarts` it finishes in one step.
//
// The copy is written to "<dest>.partial" (journal off, no fsync while
// copying), set to journal_mode=DELETE (one self-contained file), checked with
// PRAGMA integrity_check and foreign_key_check, fsync'd, renamed to `dest`
// (replacing an older file atomically), and the directory is fsync'd. On any
// failure the partial file is removed and `dest` is left as it was.
//
// Thread safety: a free function with its own connections; it may run in any
// process, beside a live server on the same file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"

namespace ozcc::sqlite {

struct BackupOptions {
  int pages_per_step = 256;            // pages copied per sqlite3_backup_step
  std::chrono::milliseconds pause{5};  // sleep between steps
  int max_restarts = 20;               // non-WAL sources only
  // Called after each step with pages remaining and total (may be empty).
  std::function<void(int remaining, int total)> progress;
};

struct BackupResult {
  std::int64_t pages = 0;  // pages in the copy
  std::int64_t bytes = 0;  // size of the copy
  int steps = 0;           // sqlite3_backup_step calls
  int restarts = 0;        // copies started over (non-WAL sources only)
  bool snapshot = false;   // true: copied under one held read transaction (WAL)
};

// Copies the SQLite database at `source_path` to `dest_path`. kNotFound when
// the source does not exist; kInvalid when dest is the source; kInternal when
// the copy fails its integrity check; kUnavailable for I/O and lock errors.
Result<BackupResult> BackupDatabase(const std::string& source_path, const std::string& dest_path,
                                    const BackupOptions& options = {});

}  // namespace ozcc::sqlite
