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

EventHub::Admission::~Admission() {
  if (subscribed_) return;  // the hub holds the stream until it closes
  std::lock_guard lock(hub_.mu_);
  hub_.held_.erase(id_);
}

void EventHub::SetLimits(StreamLimits limits) {
  std::lock_guard lock(mu_);
  limits_ = limits;
}

StreamLimits EventHub::limits() const {
  std::lock_guard lock(mu_);
  return limits_;
}

void EventHub::DropClosedHeld() {
  std::erase_if(held_, [](const auto& kv) { return kv.second.sink != nullptr && kv.second.sink->closed(); });
}

std::shared_ptr<EventHub::Admission> EventHub::Admit(StreamOwner owner, Refusal* why) {
  std::lock_guard lock(mu_);
  DropClosedHeld();
  size_t same_principal = 0, same_address = 0;
  for (const auto& [_, h] : held_) {
    same_principal += h.owner.principal == owner.principal;
    same_address += h.owner.address == owner.address;
  }
  Refusal refusal = Refusal::kNone;
  if (limits_.per_principal > 0 && same_principal >= limits_.per_principal) {
    refusal = Refusal::kPrincipal;
  } else if (limits_.per_address > 0 && same_address >= limits_.per_address) {
    refusal = Refusal::kAddress;
  } else if (limits_.total > 0 && held_.size() >= limits_.total) {
    refusal = Refusal::kTotal;
  }
  if (why) *why = refusal;
  if (refusal != Refusal::kNone) return nullptr;
  const std::uint64_t id = ++next_admission_;
  held_.emplace(id, Held{std::move(owner), nullptr});
  return std::make_shared<Admission>(*this, id);
}

size_t EventHub::CloseStreamsOf(const std::string& token_hash) {
  std::vector<std::shared_ptr<http::EventSink>> to_close;
  {
    std::lock_guard lock(mu_);
    for (const auto& [_, h] : held_) {
      if (h.owner.token_hash == token_hash && h.sink && !h.sink->closed()) to_close.push_back(h.sink);
    }
  }
  for (auto& sink : to_close) sink->Close();
  return to_close.size();
}

std::vector<StreamOwner> EventHub::StreamCredentials() const {
  std::lock_guard lock(mu_);
  std::vector<StreamOwner> out;
  std::unordered_map<std::string, bool> seen;
  for (const auto& [_, h] : held_) {
    if (h.sink && !h.sink->closed() && seen.emplace(h.owner.token_hash, true).second) out.push_back(h.owner);
  }
  return out;
}

void EventHub::Subscribe(const std::string& region_id, std::shared_ptr<http::EventSink> sink,
                         std::optional<std::int64_t> last_event_id, std::int64_t current_version,
                         const std::shared_ptr<Admission>& admission) {
  std::lock_guard lock(mu_);
  if (admission) {
    if (auto it = held_.find(admission->id_); it != held_.end()) {
      it->second.sink = sink;
      admission->subscribed_ = true;
    }
  }
  // Closed streams are otherwise forgotten only when their region next
  // publishes: a quiet region would keep them (and their queued bytes).
  for (auto& [_, other] : channels_) DropClosed(other);
  Channel& ch = channels_[region_id];
  if (last_event_id) {
    // Events after last_event_id that this instance never kept (evicted, or
    // written before it started) cannot be replayed: tell the client to reload.
    // An id beyond the store's data version was never written here: the
    // store was restored from an older backup (the versions the client saw
    // are gone, and the same numbers will name other reports), so its
    // picture is wrong too.
    std::int64_t oldest_kept = ch.ring.empty() ? current_version + 1 : ch.ring.front().version;
    const bool ahead = *last_event_id > current_version;
    const bool gap =
        *last_event_id < ch.dropped_upto || (*last_event_id < current_version && *last_event_id + 1 < oldest_kept);
    if (ahead || gap) {
      const char* why = ahead
                            ? "{\"reason\":\"the given id is newer than this server's data (restored from a backup)\"}"
                            : "{\"reason\":\"events since the given id are not kept\"}";
      if (!sink->Send(Format(current_version, "reload", why))) return;
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
