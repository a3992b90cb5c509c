#include "http/file_body.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace ozcc::http {

std::shared_ptr<const FileBody> FileBody::Make(const std::string& body) {
  int fd = ::memfd_create("ozcc-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return nullptr;
  std::shared_ptr<const FileBody> file(new FileBody(fd, body.size()));
  std::size_t done = 0;
  while (done < body.size()) {
    ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return nullptr;
    done += static_cast<std::size_t>(n);
  }
  // Sealed: the file can never change size or content under a sendfile().
  if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) return nullptr;
  return file;
}

FileBody::~FileBody() { ::close(fd_); }

FileBodyCache::FileBodyCache(std::size_t min_size, std::size_t max_files)
    : min_size_(min_size), max_files_(max_files) {}

std::shared_ptr<const FileBody> FileBodyCache::Get(const std::shared_ptr<const std::string>& body) {
  if (!body || body->size() < min_size_) return nullptr;
  std::lock_guard lk(mu_);
  auto it = entries_.find(body.get());
  if (it != entries_.end()) {
    const std::weak_ptr<const std::string>& known = it->second.body;
    // The same object, not a new body at the address of a freed one.
    if (!known.expired() && !known.owner_before(body) && !body.owner_before(known)) return it->second.file;
    entries_.erase(it);
  }
  // A new body: first forget the files of bodies that are gone.
  std::erase_if(entries_, [](const auto& e) { return e.second.body.expired(); });
  if (entries_.size() >= max_files_) return nullptr;
  auto file = FileBody::Make(*body);
  if (file) entries_.emplace(body.get(), Entry{body, file});
  return file;
}

std::size_t FileBodyCache::files() const {
  std::lock_guard lk(mu_);
  return entries_.size();
}

}  // namespace ozcc::http
