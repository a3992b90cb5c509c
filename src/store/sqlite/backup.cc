#include "store/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>
#include <utility>

#include "store/sqlite/connection.h"

namespace ozcc::sqlite {

namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what, const std::string& path) {
  return Status::Unavailable(what + " " + path + ": " + std::strerror(errno));
}

// fsync of a file or a directory.
Status Fsync(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Errno("cannot open", path);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return rc == 0 ? Status::Ok() : Errno("cannot fsync", path);
}

// The single text value of a one-row pragma.
Result<std::string> PragmaText(Connection& c, const std::string& sql) {
  auto st = c.Prepare(sql);
  if (!st.ok()) return st.status();
  if (st->Step() != SQLITE_ROW) return st->Error();
  return st->Text(0);
}

// Runs PRAGMA integrity_check and foreign_key_check on `c`; kInternal naming
// the first problems when the file is not sound.
Status Verify(Connection& c) {
  auto st = c.Prepare("PRAGMA integrity_check(20)");
  if (!st.ok()) return st.status();
  std::string problems;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    const std::string line = st->Text(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (rc != SQLITE_DONE) return Status::Internal("integrity_check failed: " + st->Error().message());
  if (!problems.empty()) return Status::Internal("the copy fails PRAGMA integrity_check: " + problems);
  auto fk = c.Prepare("PRAGMA foreign_key_check");
  if (!fk.ok()) return fk.status();
  rc = fk->Step();
  if (rc == SQLITE_ROW) return Status::Internal("the copy fails PRAGMA foreign_key_check in table " + fk->Text(0));
  if (rc != SQLITE_DONE) return Status::Internal("foreign_key_check failed: " + fk->Error().message());
  return Status::Ok();
}

// Copies with the backup API; `src` may hold a read transaction.
Status Copy(Connection& src, Connection& dst, bool held_snapshot, const BackupOptions& o, BackupResult& out) {
  sqlite3_backup* b = sqlite3_backup_init(dst.raw(), "main", src.raw(), "main");
  if (b == nullptr) return MapError(sqlite3_extended_errcode(dst.raw()), "backup init", sqlite3_errmsg(dst.raw()));
  int rc = SQLITE_OK, last_remaining = -1, busy = 0;
  const int step_pages = std::max(1, o.pages_per_step);
  for (;;) {
    const bool in_one = !held_snapshot && out.restarts >= o.max_restarts;
    rc = sqlite3_backup_step(b, in_one ? -1 : step_pages);
    ++out.steps;
    const int remaining = sqlite3_backup_remaining(b), total = sqlite3_backup_pagecount(b);
    out.pages = total;
    if (o.progress) o.progress(remaining, total);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    if (rc == SQLITE_OK) {
      busy = 0;
      // The API starts over when another connection changed the source.
      if (last_remaining >= 0 && remaining > last_remaining) ++out.restarts;
      last_remaining = remaining;
    } else if (++busy > 10000) {
      break;
    }
    if (o.pause.count() > 0) std::this_thread::sleep_for(o.pause);
  }
  const int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    return MapError(rc == SQLITE_OK ? SQLITE_BUSY : rc, "backup step",
                    rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK ? "the source stayed locked"
                                                                                : sqlite3_errmsg(dst.raw()));
  }
  if (finish != SQLITE_OK) return MapError(finish, "backup finish", sqlite3_errmsg(dst.raw()));
  return Status::Ok();
}

}  // namespace

Result<BackupResult> BackupDatabase(const std::string& source_path, const std::string& dest_path,
                                    const BackupOptions& options) {
  std::error_code ec;
  if (source_path.empty() || source_path == ":memory:") return Status::Invalid("an in-memory store has no file");
  if (!fs::is_regular_file(source_path, ec)) return Status::NotFound("no database file " + source_path);
  if (dest_path.empty()) return Status::Invalid("no backup file named");
  if (fs::equivalent(source_path, dest_path, ec)) return Status::Invalid("the backup file is the database itself");
  const std::string partial = dest_path + ".partial";
  auto remove_partial = [&] {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(partial + suffix, ec);
  };
  remove_partial();

  BackupResult out;
  {
    auto src = Connection::Open(source_path, SQLITE_OPEN_READONLY, 5000);
    if (!src.ok()) return src.status();
    auto dst = Connection::Open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 5000);
    if (!dst.ok()) return dst.status();
    // The partial file is thrown away on failure and fsync'd at the end.
    Status st = (*dst)->Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
    auto mode = PragmaText(**src, "PRAGMA journal_mode");
    if (st.ok() && !mode.ok()) st = mode.status();
    if (st.ok() && *mode == "wal") {
      // One read transaction for the whole copy: a single committed state.
      st = (*src)->Exec("BEGIN; SELECT count(*) FROM sqlite_schema");
      out.snapshot = st.ok();
    }
    if (st.ok()) st = Copy(**src, **dst, out.snapshot, options, out);
    if (out.snapshot) (void)(*src)->Exec("COMMIT");
    if (!st.ok()) {
      dst->reset();
      remove_partial();
      return st;
    }
  }
  {
    // Reopened: the copied header still says WAL; make it one plain file.
    auto dst = Connection::Open(partial, SQLITE_OPEN_READWRITE, 5000);
    Status st = dst.ok() ? Status::Ok() : dst.status();
    if (st.ok()) {
      auto mode = PragmaText(**dst, "PRAGMA journal_mode = DELETE");
      if (!mode.ok()) {
        st = mode.status();
      } else if (*mode != "delete") {
        st = Status::Internal("the copy stayed in journal mode " + *mode);
      }
    }
    if (st.ok()) st = Verify(**dst);
    if (dst.ok()) dst->reset();
    if (st.ok()) st = Fsync(partial, false);
    if (!st.ok()) {
      remove_partial();
      return st;
    }
  }
  if (::rename(partial.c_str(), dest_path.c_str()) != 0) {
    Status st = Errno("cannot rename the copy to", dest_path);
    remove_partial();
    return st;
  }
  fs::path dir = fs::absolute(dest_path, ec).parent_path();
  if (auto st = Fsync(dir.empty() ? "." : dir.string(), true); !st.ok()) return st;
  out.bytes = static_cast<std::int64_t>(fs::file_size(dest_path, ec));
  return out;
}

}  // namespace ozcc::sqlite
