#include "http/access_log.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <ctime>
#include <utility>

namespace ozcc::http {
namespace {

// Which shard a thread appends to: threads take consecutive slots, so the
// server's few I/O threads each get their own.
std::size_t ThreadSlot() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

template <class Int>
void AppendInt(std::string& out, Int v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

// "ts=YYYY-MM-DDTHH:MM:SS.ffffffZ " (UTC); the seconds part is formatted
// once a second per thread.
void AppendTimestamp(std::string& out, std::chrono::system_clock::time_point tp) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  auto frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  thread_local std::time_t last = -1;
  thread_local char head[32] = {};
  thread_local std::size_t head_len = 0;
  if (secs != last) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    head_len = std::strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
    last = secs;
  }
  out += "ts=";
  out.append(head, head_len);
  char digits[7] = {'.', '0', '0', '0', '0', '0', '0'};
  for (int i = 6; i >= 1; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  out.append(digits, sizeof(digits));
  out += "Z ";
}

}  // namespace

void AppendAccessFields(std::string& out, const AccessRecord& r) {
  out += "request_id=";
  out += r.request_id;
  out += " remote=";
  out += r.remote;
  out += " method=";
  out += r.method.empty() ? std::string_view("-") : r.method;
  out += " path=";
  out += r.path.empty() ? std::string_view("-") : r.path;
  out += " status=";
  AppendInt(out, r.status);
  out += " bytes=";
  AppendInt(out, r.bytes);
  out += " duration_us=";
  AppendInt(out, r.duration_us);
}

void AppendAccessLine(std::string& out, const AccessRecord& r) {
  AppendTimestamp(out, r.ts);
  AppendAccessFields(out, r);
  out += '\n';
}

AccessLog::AccessLog(Options options) : options_(options) {
  writer_ = std::thread([this] { Run(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void AccessLog::Append(const AccessRecord& r) {
  Shard& shard = shards_[ThreadSlot() % kShards];
  {
    std::lock_guard lk(shard.mu);
    Batch& b = shard.batch;
    if (b.text.capacity() < options_.buffer_bytes) b.text.reserve(options_.buffer_bytes + 512);
    AppendAccessLine(b.text, r);
    ++b.lines;
    if (b.text.size() < options_.buffer_bytes) return;
    const std::size_t size = b.text.size();
    if (pending_bytes_.load(std::memory_order_relaxed) + size > options_.max_pending) {
      // The output does not keep up: this buffer's lines are lost, counted.
      dropped_.fetch_add(b.lines, std::memory_order_relaxed);
      if (options_.dropped_counter) options_.dropped_counter->fetch_add(b.lines, std::memory_order_relaxed);
      b.text.clear();
      b.lines = 0;
      return;
    }
    pending_bytes_.fetch_add(size, std::memory_order_relaxed);
    shard.full.push_back(std::exchange(b, Batch{}));
  }
  WakeWriter();
}

void AccessLog::WakeWriter() {
  bool wake = false;
  {
    std::lock_guard lk(mu_);
    have_full_ = true;
    wake = writer_idle_;
  }
  if (wake) wake_.notify_one();
}

void AccessLog::Flush() {
  std::unique_lock lk(mu_);
  if (stop_) return;
  const std::uint64_t ticket = ++flush_asked_;
  wake_.notify_one();
  flushed_.wait(lk, [&] { return flush_done_ >= ticket; });
}

void AccessLog::Run() {
  std::vector<Batch> batches;
  std::uint64_t dropped_reported = 0;
  std::unique_lock lk(mu_);
  for (;;) {
    writer_idle_ = true;
    wake_.wait_for(lk, options_.flush_interval, [&] { return stop_ || have_full_ || flush_done_ != flush_asked_; });
    writer_idle_ = false;
    have_full_ = false;
    const bool stopping = stop_;
    const std::uint64_t asked = flush_asked_;
    lk.unlock();
    // Every shard's full buffers and what it holds so far: a line waits at
    // most about flush_interval.
    std::size_t taken = 0;
    for (Shard& shard : shards_) {
      std::lock_guard sl(shard.mu);
      for (Batch& b : shard.full) {
        taken += b.text.size();
        batches.push_back(std::move(b));
      }
      shard.full.clear();
      if (!shard.batch.text.empty()) batches.push_back(std::exchange(shard.batch, Batch{}));
    }
    pending_bytes_.fetch_sub(taken, std::memory_order_relaxed);
    Write(batches);
    batches.clear();
    if (auto dropped = dropped_.load(std::memory_order_relaxed); dropped != dropped_reported) {
      spdlog::warn("access log: {} lines dropped, its output does not keep up", dropped - dropped_reported);
      dropped_reported = dropped;
    }
    lk.lock();
    flush_done_ = asked;
    flushed_.notify_all();
    if (stopping) return;
  }
}

void AccessLog::Write(const std::vector<Batch>& batches) {
  if (batches.empty()) return;
  std::FILE* out = options_.out;
  flockfile(out);
  for (const Batch& b : batches) std::fwrite(b.text.data(), 1, b.text.size(), out);
  std::fflush(out);
  if (std::ferror(out)) std::clearerr(out);
  funlockfile(out);
}

}  // namespace ozcc::http
