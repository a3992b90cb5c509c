#include "app/patient_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace ozcc::app {

namespace {

// A key file is a line of 64 hex characters; anything much larger is not one.
constexpr std::size_t kMaxKeyFileBytes = 4096;

std::string Reason() { return std::strerror(errno); }

// Closes the descriptor when it goes out of scope.
struct Fd {
  explicit Fd(int d) : fd(d) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Internal("cannot write " + path + ": " + Reason());
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status SyncDirectoryOf(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) return Status::Internal("cannot fsync " + dir.string() + ": " + Reason());
  return Status::Ok();
}

}  // namespace

Result<std::string> CreatePatientKeyFile(const std::string& path) {
  std::string text = service::GeneratePatientKey();
  auto key = service::ParsePatientKey(text);
  if (!key.ok()) return key.status();  // a bug: a generated key always parses
  const std::string key_id = service::PatientSeal(*key).key_id();

  // O_EXCL: never overwrite (a replaced key makes every sealed row unreadable)
  // and never follow a symlink planted in its place.
  const Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (f.fd < 0) {
    const bool exists = errno == EEXIST;
    sodium_memzero(text.data(), text.size());
    if (exists) return Status::Conflict(path + " exists: a patient key file is never overwritten");
    return Status::Internal("cannot create " + path + ": " + Reason());
  }
  Status st = ::fchmod(f.fd, 0600) == 0 ? Status::Ok() : Status::Internal("cannot chmod " + path + ": " + Reason());
  if (st.ok()) st = WriteAll(f.fd, text, path);
  sodium_memzero(text.data(), text.size());
  if (st.ok() && ::fsync(f.fd) != 0) st = Status::Internal("cannot fsync " + path + ": " + Reason());
  if (st.ok()) st = SyncDirectoryOf(path);
  if (!st.ok()) {
    ::unlink(path.c_str());
    return st;
  }
  return key_id;
}

Result<service::PatientKey> ReadPatientKeyFile(const std::string& path) {
  // O_NONBLOCK: a FIFO in its place must not hang the start.
  const Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) return Status::Invalid("cannot read the patient key file " + path + ": " + Reason());
  struct stat info {};
  if (::fstat(f.fd, &info) != 0) return Status::Invalid("cannot stat the patient key file " + path + ": " + Reason());
  if (!S_ISREG(info.st_mode)) return Status::Invalid("the patient key file " + path + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Status::Invalid("the patient key file " + path + " is open to group or others (mode " + mode +
                           "); allow its owner only: chmod 600 " + path);
  }
  std::string text(kMaxKeyFileBytes + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      sodium_memzero(text.data(), text.size());
      return Status::Invalid("cannot read the patient key file " + path + ": " + Reason());
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  Result<service::PatientKey> key = Status::Invalid("it is far too large to be one");
  if (got <= kMaxKeyFileBytes) key = service::ParsePatientKey(std::string_view(text).substr(0, got));
  sodium_memzero(text.data(), text.size());
  if (!key.ok())
    return Status::Invalid("the patient key file " + path + " holds no patient key: " + key.status().message());
  return key;
}

}  // namespace ozcc::app
