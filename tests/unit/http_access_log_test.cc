// http/access_log.h: the line format, and that the asynchronous writer
// writes every line once, whole, in order per thread, and drops (never
// waits) when its output does not keep up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/access_log.h"

namespace ozcc::http {
namespace {

using namespace std::chrono_literals;

AccessRecord Rec(std::string_view request_id, std::string_view path = "/api/v1/capacity/snapshot") {
  AccessRecord r;
  r.ts = std::chrono::system_clock::time_point(std::chrono::seconds(1796401617) + 281882us);
  r.request_id = request_id;
  r.remote = "127.0.0.1";
  r.method = "GET";
  r.path = path;
  r.status = 200;
  r.bytes = 66729;
  r.duration_us = 7121;
  return r;
}

// Everything written to `f` so far.
std::string Contents(std::FILE* f) {
  std::fflush(f);
  std::string out;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) out.append(buf, n);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(AccessLogTest, LineFormat) {
  std::string out;
  AppendAccessLine(out, Rec("b964cdf07c8e4c12"));
  EXPECT_EQ(out,
            "ts=2026-12-04T16:26:57.281882Z request_id=b964cdf07c8e4c12 remote=127.0.0.1 method=GET "
            "path=/api/v1/capacity/snapshot status=200 bytes=66729 duration_us=7121\n");
  // Leading zeros of the microseconds; an empty method or path is "-".
  AccessRecord r = Rec("x", "");
  r.ts = std::chrono::system_clock::time_point(std::chrono::seconds(0) + 42us);
  r.method = "";
  r.status = 400;
  r.bytes = 0;
  r.duration_us = 0;
  out.clear();
  AppendAccessLine(out, r);
  EXPECT_EQ(out,
            "ts=1970-01-01T00:00:00.000042Z request_id=x remote=127.0.0.1 method=- path=- status=400 bytes=0 "
            "duration_us=0\n");
  out.clear();
  AppendAccessFields(out, Rec("id1"));
  EXPECT_EQ(out,
            "request_id=id1 remote=127.0.0.1 method=GET path=/api/v1/capacity/snapshot status=200 bytes=66729 "
            "duration_us=7121");
}

TEST(AccessLogTest, WritesWithinTheFlushIntervalWithoutBeingAsked) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  AccessLog::Options o;
  o.out = f;
  o.flush_interval = 20ms;
  AccessLog log(o);
  log.Append(Rec("first"));
  std::string text;
  for (int i = 0; i < 500 && text.empty(); ++i) {
    std::this_thread::sleep_for(10ms);
    flockfile(f);
    text = Contents(f);
    std::fseek(f, 0, SEEK_END);
    funlockfile(f);
  }
  EXPECT_NE(text.find("request_id=first "), std::string::npos) << text;
  std::fclose(f);
}

TEST(AccessLogTest, EveryLineOnceWholeAndInOrderPerThread) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  constexpr int kThreads = 6, kLines = 5000;
  {
    AccessLog::Options o;
    o.out = f;
    o.buffer_bytes = 4096;  // many hand-overs
    o.max_pending = std::size_t{1} << 30;
    AccessLog log(o);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          log.Append(Rec(id));
        }
      });
    }
    for (auto& th : threads) th.join();
    log.Flush();
    EXPECT_EQ(log.dropped_lines(), 0u);
  }  // and the destructor writes nothing twice
  const std::regex line_re(
      "ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z request_id=t(\\d+)-(\\d+) remote=127\\.0\\.0\\.1 "
      "method=GET path=/api/v1/capacity/snapshot status=200 bytes=66729 duration_us=7121");
  std::map<int, int> next;
  auto lines = Lines(Contents(f));
  ASSERT_EQ(lines.size(), std::size_t{kThreads} * kLines);
  for (const auto& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, line_re)) << line;
    int t = std::stoi(m[1]), i = std::stoi(m[2]);
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    next[t] = i + 1;
  }
  std::fclose(f);
}

TEST(AccessLogTest, FlushWritesWhatWasAppended) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  AccessLog::Options o;
  o.out = f;
  o.flush_interval = 1h;  // only Flush() writes
  AccessLog log(o);
  for (int i = 0; i < 3; ++i) log.Append(Rec("r" + std::to_string(i)));
  log.Flush();
  flockfile(f);
  auto lines = Lines(Contents(f));
  funlockfile(f);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("request_id=r2 "), std::string::npos);
  std::fclose(f);
}

// A stalled output (a pipe nobody reads) never blocks Append(): lines beyond
// the bound are dropped and counted.
TEST(AccessLogTest, AStalledOutputDropsInsteadOfBlocking) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::FILE* w = ::fdopen(fds[1], "w");
  ASSERT_NE(w, nullptr);
  std::atomic<std::uint64_t> counted{0};
  constexpr int kLines = 200000;  // ~28 MB, far beyond the pipe and the bound
  {
    AccessLog::Options o;
    o.out = w;
    o.buffer_bytes = 8192;
    o.max_pending = 64 * 1024;
    o.dropped_counter = &counted;
    AccessLog log(o);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kLines; ++i) log.Append(Rec("x"));
    // Liveness bound only: the appends must not have waited for the pipe.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);
    EXPECT_GT(log.dropped_lines(), 0u);
    EXPECT_EQ(counted.load(), log.dropped_lines());
    // Let the writer finish: read the pipe until the writer is done.
    std::thread reader([fd = fds[0]] {
      char buf[65536];
      while (::read(fd, buf, sizeof(buf)) > 0) {
      }
    });
    log.Flush();
    std::fclose(w);  // EOF for the reader once the log wrote its last batch
    reader.join();
  }
  ::close(fds[0]);
}

}  // namespace
}  // namespace ozcc::http
