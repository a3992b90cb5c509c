// The SSE response parser the benchmark clients share (sse_latency.cc,
// soak_sse.cc): fed the bytes of one GET /api/v1/events response as they
// arrive, it reads the head (200 expected), undoes the chunked transfer
// coding when the server uses it and splits the body into events.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ozcc::bench {

class SseParser {
 public:
  struct Event {
    long id = -1;           // -1: the event has no id line
    std::string_view type;  // the event: line's value ("capacity", "reload", …)
    std::string_view data;  // the first data: line's value (the server writes one line of JSON)
  };

  // Feeds received bytes. on_open() is called once the head of a 200
  // response is complete, before its first event; on_event(const Event&) for
  // every whole event. Returns false when the response is not a 200 event
  // stream (the head is printed to stderr, prefixed by `who`) or its head
  // grows past 64 KiB.
  template <class OnOpen, class OnEvent>
  bool Feed(std::string_view data, const char* who, OnOpen&& on_open, OnEvent&& on_event) {
    if (open_) return Body(data, on_event), true;
    head_.append(data);
    const size_t end = head_.find("\r\n\r\n");
    if (end == std::string::npos) return head_.size() < 65536;
    if (head_.compare(0, 12, "HTTP/1.1 200") != 0) {
      std::fprintf(stderr, "%s: unexpected response: %.120s\n", who, head_.c_str());
      return false;
    }
    std::string lower = head_.substr(0, end);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
    open_ = true;
    const std::string rest = head_.substr(end + 4);
    head_.clear();
    on_open();
    Body(rest, on_event);
    return true;
  }

  // Forgets everything, for a new connection.
  void Reset() { *this = SseParser(); }

 private:
  template <class OnEvent>
  void Body(std::string_view data, OnEvent& on_event) {
    if (!chunked_) return Events(data, on_event);
    raw_.append(data);
    size_t pos = 0;
    for (;;) {
      if (chunk_left_ == 0) {
        const size_t eol = raw_.find("\r\n", pos);
        if (eol == std::string::npos) break;
        if (eol == pos) {  // the CRLF after a chunk's data
          pos = eol + 2;
          continue;
        }
        chunk_left_ = std::strtoul(raw_.substr(pos, eol - pos).c_str(), nullptr, 16);
        pos = eol + 2;
        if (chunk_left_ == 0) break;  // the last chunk
      }
      const size_t take = std::min(chunk_left_, raw_.size() - pos);
      if (take == 0) break;
      Events(std::string_view(raw_).substr(pos, take), on_event);
      pos += take;
      chunk_left_ -= take;
    }
    raw_.erase(0, pos);
  }

  template <class OnEvent>
  void Events(std::string_view data, OnEvent& on_event) {
    text_.append(data);
    size_t start = 0;
    for (;;) {
      const size_t end = text_.find("\n\n", start);
      if (end == std::string::npos) break;
      const std::string_view block(text_.data() + start, end - start);
      start = end + 2;
      Event ev;
      for (size_t p = 0; p < block.size();) {
        size_t nl = block.find('\n', p);
        if (nl == std::string_view::npos) nl = block.size();
        std::string_view line = block.substr(p, nl - p);
        if (line.starts_with("id:")) ev.id = std::atol(std::string(line.substr(3)).c_str());
        if (line.starts_with("event:")) {
          ev.type = line.substr(6);
          while (!ev.type.empty() && ev.type.front() == ' ') ev.type.remove_prefix(1);
        }
        if (line.starts_with("data:") && ev.data.empty()) {
          ev.data = line.substr(5);
          if (ev.data.starts_with(' ')) ev.data.remove_prefix(1);
        }
        p = nl + 1;
      }
      on_event(ev);
    }
    text_.erase(0, start);
  }

  std::string head_, raw_, text_;
  bool open_ = false, chunked_ = false;
  size_t chunk_left_ = 0;
};

}  // namespace ozcc::bench
