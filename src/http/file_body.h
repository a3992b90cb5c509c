// Large shared bodies sent without copying them for every response.
//
// A Response's shared_body is immutable and often served many times (the
// region snapshot, web assets). Written from memory, the kernel copies its
// bytes into the socket for every response. FileBodyCache copies such a
// body once into an anonymous in-memory file (memfd, sealed against
// change); the server then sends the file with sendfile(), and the socket
// references the file's pages instead of copying them.
//
// The cache is keyed by the body object: an entry lives while its body does
// (a weak reference) and is swept once the body is gone, so a new snapshot
// gets a new file and an old one never outlives its use. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ozcc::http {

// An open, sealed in-memory file holding a copy of a body.
class FileBody {
 public:
  // nullptr when the file cannot be made (then the body is written from memory).
  static std::shared_ptr<const FileBody> Make(const std::string& body);
  ~FileBody();
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;

  int fd() const { return fd_; }
  std::size_t size() const { return size_; }

 private:
  FileBody(int fd, std::size_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::size_t size_;
};

class FileBodyCache {
 public:
  // Bodies smaller than min_size are not worth a file (one copy costs less
  // than the extra system call); at most max_files files are kept.
  explicit FileBodyCache(std::size_t min_size = 32 * 1024, std::size_t max_files = 64);

  // The file holding `body`, made on first use; nullptr for a small body, a
  // full cache or a failure: the caller then writes the body from memory.
  std::shared_ptr<const FileBody> Get(const std::shared_ptr<const std::string>& body);
  std::size_t files() const;

 private:
  struct Entry {
    std::weak_ptr<const std::string> body;
    std::shared_ptr<const FileBody> file;
  };
  const std::size_t min_size_;
  const std::size_t max_files_;
  mutable std::mutex mu_;
  std::unordered_map<const std::string*, Entry> entries_;
};

}  // namespace ozcc::http
