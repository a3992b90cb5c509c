// Live events per region for Server-Sent Events. Publish() formats an event
// once, keeps it in a bounded per-region replay ring and hands it to every
// subscribed stream; streams that cannot keep up are closed by their sink,
// never waited for. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace ozcc::api {

// Who holds a stream: what the caps count and what ends it.
struct StreamOwner {
  std::string principal;   // user name, or "token:<name>" for a feed token
  std::string address;     // the client's address
  std::string token_hash;  // the session or feed token it was opened with
  bool feed_token = false;
};

// Caps on open streams (0: none). One principal or address must not be able
// to take every connection of the server.
struct StreamLimits {
  size_t per_principal = 8;
  size_t per_address = 32;
  size_t total = 0;
};

class EventHub {
 public:
  explicit EventHub(size_t replay_capacity = 20000);

  // Why Admit() refused a stream.
  enum class Refusal { kNone, kPrincipal, kAddress, kTotal };
  // A place for one stream, taken by Admit() when the request comes and held
  // until the stream subscribes (Subscribe with the admission) and then until
  // it closes. Dropped without subscribing, it frees the place.
  class Admission {
   public:
    Admission(EventHub& hub, std::uint64_t id) : hub_(hub), id_(id) {}
    ~Admission();
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;

   private:
    friend class EventHub;
    EventHub& hub_;
    std::uint64_t id_;
    bool subscribed_ = false;
  };
  void SetLimits(StreamLimits limits);
  StreamLimits limits() const;
  // A place for a stream of `owner` within the limits; nullptr (and *why)
  // when the owner's principal or address already has its cap of open or
  // admitted streams, or all streams together have theirs.
  std::shared_ptr<Admission> Admit(StreamOwner owner, Refusal* why);
  // Closes every open stream opened with this token hash (the session ended,
  // the feed token was revoked); returns how many.
  size_t CloseStreamsOf(const std::string& token_hash);
  // The owners of open streams, one per token hash (to check whether their
  // credentials are still valid).
  std::vector<StreamOwner> StreamCredentials() const;

  // Sends event `type` with id = version and `data` (one line of JSON) to
  // the region's subscribers and keeps it for replay. A version already
  // published (or older than what is kept) is ignored: the local write path
  // and the change feed may both publish one report.
  // Returns whether it was published.
  bool Publish(const std::string& region_id, std::int64_t version, const std::string& type, const std::string& data);

  // Versions ≤ this were all published (or predate the baseline): the change
  // feed publishes what lies between it and a region's newest version.
  std::int64_t Contiguous(const std::string& region_id) const;
  // Marks versions ≤ version as known without events (at start: history is not replayed).
  void SetBaseline(const std::string& region_id, std::int64_t version);
  // Sends every stream of the region a "reload" event (too much was missed
  // to publish one by one) and moves the baseline to version.
  void Reload(const std::string& region_id, std::int64_t version, const std::string& reason);

  // Adds a stream. With last_event_id, first replays the kept events with a
  // greater id; when events after last_event_id are no longer kept, sends a
  // "reload" event instead so the client refetches the snapshot. Also forgets
  // the closed streams of every region (else kept until the region publishes).
  // With an admission (Admit), the stream counts against its owner's caps
  // until it closes, and CloseStreamsOf() can end it.
  void Subscribe(const std::string& region_id, std::shared_ptr<http::EventSink> sink,
                 std::optional<std::int64_t> last_event_id, std::int64_t current_version,
                 const std::shared_ptr<Admission>& admission = nullptr);

  // Closes every stream (shutdown).
  void CloseAll();
  // Open streams (closed ones not yet forgotten are not counted).
  size_t subscribers() const;
  // What the replay rings of all regions hold: events, and the bytes of their
  // text (container overhead not counted). At most replay_capacity events per
  // region; memory planning and the soak test read it from /metrics.
  struct ReplayTotals {
    size_t events = 0;
    size_t bytes = 0;
  };
  ReplayTotals replay_totals() const;

  static std::string Format(std::int64_t id, const std::string& type, const std::string& data);

 private:
  struct Kept {
    std::int64_t version;
    std::string text;
  };
  struct Channel {
    std::deque<Kept> ring;          // ascending by version
    size_t ring_bytes = 0;          // sum of the kept texts' sizes
    std::int64_t dropped_upto = 0;  // versions ≤ this were evicted from the ring (or predate the baseline)
    std::int64_t contiguous = 0;    // versions ≤ this were all published
    std::vector<std::shared_ptr<http::EventSink>> sinks;
  };
  // Moves `contiguous` over the dropped versions and the run of kept ones after it. mu_ held.
  static void Advance(Channel& ch);
  // Forgets the sinks whose stream has closed. mu_ held.
  static void DropClosed(Channel& ch);
  // Sends `text` to every sink, dropping the ones that cannot take it. mu_ held.
  static void SendAll(Channel& ch, const std::string& text);
  // An admitted stream: sink is null until it subscribes.
  struct Held {
    StreamOwner owner;
    std::shared_ptr<http::EventSink> sink;
  };
  // Forgets admitted streams that have closed. mu_ held.
  void DropClosedHeld();
  size_t replay_capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Channel> channels_;
  StreamLimits limits_;
  std::uint64_t next_admission_ = 0;
  std::unordered_map<std::uint64_t, Held> held_;  // admitted streams, until they close
};

}  // namespace ozcc::api
