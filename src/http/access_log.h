// The server's access log: one line per request, written asynchronously and
// in batches, so that a request costs the I/O thread the formatting of one
// line into memory and nothing else (no write, no flush, no wake-up of
// another thread per line).
//
//  - Append() formats the line into the calling thread's buffer (one of
//    kShards, picked per thread; a mutex that only the background writer
//    ever contends, a few times a second).
//  - A background thread writes the buffers: a buffer that reached
//    buffer_bytes is handed over at once (one wake-up per buffer, hundreds
//    of lines), the others every flush_interval. Each batch is written with
//    fwrite + fflush under the FILE's lock, so lines of the application log
//    on the same stream are never cut into.
//  - Never blocks the request path: when the output does not keep up (a
//    stdout pipe nobody reads), buffers beyond max_pending bytes are dropped
//    and counted in dropped_lines(), and a warning says so.
//
// Line format (AppendAccessLine): "ts=YYYY-MM-DDTHH:MM:SS.ffffffZ
// request_id=… remote=… method=… path=… status=… bytes=… duration_us=…\n";
// ts is UTC with microseconds, taken when the line is appended; an empty
// method or path is written as "-".
//
// Thread-safe. The destructor writes what is buffered and joins the thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ozcc::http {

struct AccessRecord {
  std::chrono::system_clock::time_point ts;
  std::string_view request_id;
  std::string_view remote;
  std::string_view method;
  std::string_view path;  // without the query string
  int status = 0;
  std::uint64_t bytes = 0;
  std::int64_t duration_us = 0;
};

// Appends one line (with its '\n') for `r` to `out`; see the format above.
void AppendAccessLine(std::string& out, const AccessRecord& r);
// The same line without "ts=… " and without the '\n' (for a logger that
// stamps its own time).
void AppendAccessFields(std::string& out, const AccessRecord& r);

class AccessLog {
 public:
  struct Options {
    std::FILE* out = stdout;
    std::chrono::milliseconds flush_interval{100};
    std::size_t buffer_bytes = 32 * 1024;
    std::size_t max_pending = 4 << 20;
    // Where dropped lines are counted besides dropped_lines() (a server's stats).
    std::atomic<std::uint64_t>* dropped_counter = nullptr;
  };

  explicit AccessLog(Options options);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Append(const AccessRecord& r);
  // Returns once every line appended before the call is written and flushed.
  void Flush();
  std::uint64_t dropped_lines() const { return dropped_.load(std::memory_order_relaxed); }
  // About how many bytes a stalled output may hold in memory: max_pending
  // queued, max_pending in the write that stalls, and the shards' buffers.

 private:
  static constexpr std::size_t kShards = 8;
  struct Batch {
    std::string text;
    std::size_t lines = 0;
  };
  // A thread's lines: the buffer being filled and the full ones the writer
  // has not taken yet, in order (taken together, so one thread's lines are
  // written in the order they were appended).
  struct alignas(64) Shard {
    std::mutex mu;
    Batch batch;
    std::vector<Batch> full;
  };

  void WakeWriter();
  void Run();
  void Write(const std::vector<Batch>& batches);

  const Options options_;
  std::array<Shard, kShards> shards_;

  std::atomic<std::size_t> pending_bytes_{0};  // in the shards' full buffers

  std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  std::condition_variable flushed_;
  bool have_full_ = false;
  std::uint64_t flush_asked_ = 0;
  std::uint64_t flush_done_ = 0;
  bool writer_idle_ = false;
  bool stop_ = false;

  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace ozcc::http
