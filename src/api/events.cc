#include "api/events.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ozcc::api {

EventHub::EventHub(size_t replay_capacity) : replay_capacity_(replay_capacity) {}

std::string EventHub::Format(std::int64_t id, const std::string& type, const std::string& data) {
  std::string out;
  out.reserve(data.size() + type.size() + 40);
  out += "id: ";
  out += std::to_string(id);
  out += "\nevent: ";
  out += type;
  out += "\ndata: ";
  out += data;  // JSON without raw newlines (dump() escapes them)
  out += "\n\n";
  return out;
}

bool EventHub::Publish(const std::string& region_id, std::int64_t version, const std::string& type,
                       const std::string& data) {
  std::string text = Format(version, type, data);
  std::lock_guard lock(mu_);
  Channel& ch = channels_[region_id];
  if (version <= ch.dropped_upto) return false;
  // Concurrent writers may publish slightly out of order: keep the ring sorted.
  auto pos = std::lower_bound(ch.ring.begin(), ch.ring.end(), version,
                              [](const Kept& k, std::int64_t v) { return k.version < v; });
  if (pos != ch.ring.end() && pos->version == version) return false;  // published already
  ch.ring.insert(pos, Kept{version, text});
  ch.ring_bytes += text.size();
  while (ch.ring.size() > replay_capacity_) {
    ch.dropped_upto = std::max(ch.dropped_upto, ch.ring.front().version);
    ch.ring_bytes -= ch.ring.front().text.size();
    ch.ring.pop_front();
  }
  Advance(ch);
  SendAll(ch, text);
  return true;
}

void EventHub::Advance(Channel& ch) {
  // A gap that fell out of the ring (or lies before the baseline) can no longer be filled.
  ch.contiguous = std::max(ch.contiguous, ch.dropped_upto);
  auto it = std::upper_bound(ch.ring.begin(), ch.ring.end(), ch.contiguous,
                             [](std::int64_t v, const Kept& k) { return v < k.version; });
  for (; it != ch.ring.end() && it->version == ch.contiguous + 1; ++it) ++ch.contiguous;
}

void EventHub::SendAll(Channel& ch, const std::string& text) {
  auto& sinks = ch.sinks;
  sinks.erase(std::remove_if(sinks.begin(), sinks.end(),
                             [&](const std::shared_ptr<http::EventSink>& s) { return !s->Send(text); }),
              sinks.end());
}

void EventHub::DropClosed(Channel& ch) {
  std::erase_if(ch.sinks, [](const std::shared_ptr<http::EventSink>& s) { return s->closed(); });
}

std::int64_t EventHub::Contiguous(const std::string& region_id) const {
  std::lock_guard lock(mu_);
  auto it = channels_.find(region_id);
  return it == channels_.end() ? 0 : it->second.contiguous;
}

void EventHub::SetBaseline(const std::string& region_id, std::int64_t version) {
  std::lock_guard lock(mu_);
  Channel& ch = channels_[region_id];
  ch.dropped_upto = std::max(ch.dropped_upto, version);
  Advance(ch);
}

void EventHub::Reload(const std::string& region_id, std::int64_t version, const std::string& reason) {
  std::lock_guard lock(mu_);
  Channel& ch = channels_[region_id];
  ch.dropped_upto = std::max(ch.dropped_upto, version);
  Advance(ch);
  SendAll(ch, Format(version, "reload", nlohmann::json{{"reason", reason}}.dump()));
}

void EventHub::Subscribe(const std::string& region_id, std::shared_ptr<http::EventSink> sink,
                         std::optional<std::int64_t> last_event_id, std::int64_t current_version) {
  std::lock_guard lock(mu_);
  // Closed streams are otherwise forgotten only when their region next
  // publishes: a quiet region would keep them (and their queued bytes).
  for (auto& [_, other] : channels_) DropClosed(other);
  Channel& ch = channels_[region_id];
  if (last_event_id) {
    // Events after last_event_id that this instance never kept (evicted, or
    // written before it started) cannot be replayed: tell the client to reload.
    std::int64_t oldest_kept = ch.ring.empty() ? current_version + 1 : ch.ring.front().version;
    bool gap =
        *last_event_id < ch.dropped_upto || (*last_event_id < current_version && *last_event_id + 1 < oldest_kept);
    if (gap) {
      if (!sink->Send(Format(current_version, "reload", "{\"reason\":\"events since the given id are not kept\"}"))) {
        return;
      }
    } else {
      for (const auto& k : ch.ring) {
        if (k.version > *last_event_id && !sink->Send(k.text)) return;
      }
    }
  }
  ch.sinks.push_back(std::move(sink));
}

void EventHub::CloseAll() {
  std::lock_guard lock(mu_);
  for (auto& [_, ch] : channels_) {
    for (auto& s : ch.sinks) s->Close();
    ch.sinks.clear();
  }
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [_, ch] : channels_) {
    n += std::count_if(ch.sinks.begin(), ch.sinks.end(), [](const auto& s) { return !s->closed(); });
  }
  return n;
}

EventHub::ReplayTotals EventHub::replay_totals() const {
  std::lock_guard lock(mu_);
  ReplayTotals t;
  for (const auto& [_, ch] : channels_) {
    t.events += ch.ring.size();
    t.bytes += ch.ring_bytes;
  }
  return t;
}

}  // namespace ozcc::api
