#include "reliability/load.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace ozcc::reliability {

using nlohmann::json;

struct Load::Client {
  int index = 0;
  std::thread thread;
  std::mt19937_64 rng;
  std::vector<WriteOp> ops;
  std::deque<size_t> pending;  // indexes of keyed ops to resend
  std::int64_t acks = 0;
};

namespace {

json Beds(std::mt19937_64& rng) {
  const std::int64_t occupied = static_cast<std::int64_t>(rng() % 20);
  return {{"total", 30}, {"staffed", 20}, {"occupied", occupied}, {"available", 20 - occupied}};
}

void MakeOp(const LoadOptions& o, int client, std::int64_t seq, std::mt19937_64& rng, WriteOp& op) {
  op.client = client;
  op.id = "w" + std::to_string(client) + "." + std::to_string(seq);
  const bool batch = static_cast<int>(rng() % 100) < o.batch_percent;
  if (static_cast<int>(rng() % 100) < o.keyed_percent) op.key = "k-" + op.id + "-" + std::to_string(o.seed);
  auto unit = [&] { return o.units[rng() % o.units.size()]; };
  if (batch) {
    op.method = "POST";
    op.target = "/api/v1/capacity:batch";
    op.items = 2 + static_cast<int>(rng() % 4);
    json items = json::array();
    for (int i = 0; i < op.items; ++i) {
      items.push_back({{"unit_id", unit()}, {"beds", Beds(rng)}, {"note", op.id + "." + std::to_string(i)}});
    }
    op.body = json{{"items", items}}.dump();
  } else {
    op.method = "PUT";
    op.target = "/api/v1/units/" + unit() + "/capacity";
    op.items = 1;
    op.body = json{{"beds", Beds(rng)}, {"note", op.id + ".0"}}.dump();
  }
}

}  // namespace

Load::Load(LoadOptions options) : options_(std::move(options)) {
  if (!options_.ack_log.empty()) log_ = std::fopen(options_.ack_log.c_str(), "a");
}

Load::~Load() {
  Stop();
  if (log_ != nullptr) std::fclose(log_);
}

void Load::Start() {
  stop_ = false;
  if (clients_.empty()) {
    for (int i = 0; i < options_.clients; ++i) {
      auto c = std::make_unique<Client>();
      c->index = i;
      c->rng.seed(options_.seed * 1000003 + static_cast<std::uint64_t>(i));
      clients_.push_back(std::move(c));
    }
  }
  for (auto& c : clients_) c->thread = std::thread([this, cl = c.get()] { Run(*cl); });
}

void Load::Stop() {
  stop_ = true;
  for (auto& c : clients_) {
    if (c->thread.joinable()) c->thread.join();
  }
}

namespace {

void Acknowledge(WriteOp& op, const Reply& r) {
  op.state = WriteOp::State::kAcked;
  op.replayed = r.Header("idempotent-replayed") == "true";
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("version") && j["version"].is_number_integer()) {
    op.version = j["version"].get<std::int64_t>();
  }
  op.item_versions.clear();
  if (j.is_object() && j.contains("items") && j["items"].is_array()) {
    for (const auto& it : j["items"]) op.item_versions.push_back(it.value("version", std::int64_t{0}));
  } else {
    op.item_versions.push_back(op.version);
  }
}

}  // namespace

Reply SendWrite(Conn& conn, const std::string& token, WriteOp& op, milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"X-Request-Id", op.id}};
  if (!op.key.empty()) headers.emplace_back("Idempotency-Key", op.key);
  Reply r = conn.Send(op.method, op.target, op.body, headers, timeout);
  if (!r.sent) return r;
  op.attempts += 1;
  op.last_status = r.status;
  op.last_error = r.error;
  if (r.status == 200) {
    Acknowledge(op, r);
  } else if (r.status == 0 || r.status == 503) {
    op.state = op.key.empty() ? WriteOp::State::kUnknown : WriteOp::State::kPending;
  } else {
    op.state = WriteOp::State::kFailed;
  }
  return r;
}

WriteOp MakePut(const std::string& id, int client, const std::string& unit, const std::string& key) {
  WriteOp op;
  op.id = id;
  op.client = client;
  op.key = key;
  op.method = "PUT";
  op.target = "/api/v1/units/" + unit + "/capacity";
  op.body =
      json{{"beds", {{"total", 30}, {"staffed", 20}, {"occupied", 5}, {"available", 15}}}, {"note", id + ".0"}}.dump();
  return op;
}

bool Load::SendOnce(Conn& conn, WriteOp& op) {
  in_flight_ += 1;
  Reply r = SendWrite(conn, options_.token, op, options_.request_timeout);
  in_flight_ -= 1;
  std::lock_guard lk(mu_);
  if (!r.sent) {
    stats_.connect_failures += 1;
    return false;
  }
  stats_.sent += 1;
  if (r.status == 0) stats_.broken += 1;
  if (r.status == 0 && r.error.find("timeout") != std::string::npos) stats_.timeouts += 1;
  if (r.status == 503) stats_.status_503 += 1;
  if (op.state == WriteOp::State::kAcked) {
    acked_ += 1;
    stats_.acked += 1;
    stats_.acked_items += op.items;
    if (op.replayed) stats_.replayed += 1;
    if (log_ != nullptr) {
      std::fprintf(log_, "%s %lld %d\n", op.id.c_str(), static_cast<long long>(op.version), op.replayed ? 1 : 0);
      std::fflush(log_);
    }
  } else if (op.state == WriteOp::State::kFailed) {
    stats_.unexpected += 1;
    if (stats_.first_unexpected.empty()) {
      stats_.first_unexpected = std::to_string(r.status) + " " + op.method + " " + op.target + ": " + r.body;
    }
  }
  return true;
}

void Load::Run(Client& c) {
  Conn conn(options_.port);
  std::int64_t seq = static_cast<std::int64_t>(c.ops.size());
  size_t current = SIZE_MAX;  // op to send next (not sent yet, or sent and to resend)
  while (!stop_) {
    if (current == SIZE_MAX) {
      if (!c.pending.empty() && c.rng() % 3 == 0) {
        current = c.pending.front();
        c.pending.pop_front();
        std::lock_guard lk(mu_);
        stats_.key_retries += 1;
      } else {
        c.ops.emplace_back();
        MakeOp(options_, c.index, ++seq, c.rng, c.ops.back());
        current = c.ops.size() - 1;
      }
    }
    WriteOp& op = c.ops[current];
    if (!SendOnce(conn, op)) {
      std::this_thread::sleep_for(milliseconds(50));  // server down: send it again later
      continue;
    }
    if (op.state == WriteOp::State::kAcked) op.ack_index = ++c.acks;
    if (op.state == WriteOp::State::kPending) c.pending.push_back(current);
    if (op.state != WriteOp::State::kAcked) std::this_thread::sleep_for(milliseconds(20));
    current = SIZE_MAX;
  }
  if (current == SIZE_MAX) return;
  if (c.ops[current].attempts == 0) {
    // Made but never sent (always the newest op): the server never saw it.
    c.ops.erase(c.ops.begin() + static_cast<long>(current));
  } else {
    c.pending.push_back(current);  // a keyed op whose resend could not connect
  }
}

std::int64_t Load::RetryPending(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::int64_t left = 0;
  for (auto& c : clients_) {
    Conn conn(options_.port);
    while (!c->pending.empty()) {
      WriteOp& op = c->ops[c->pending.front()];
      if (Clock::now() >= deadline) break;
      {
        std::lock_guard lk(mu_);
        stats_.key_retries += 1;
      }
      if (!SendOnce(conn, op) || op.state == WriteOp::State::kPending) {
        std::this_thread::sleep_for(milliseconds(100));
        continue;
      }
      if (op.state == WriteOp::State::kAcked) op.ack_index = ++c->acks;
      c->pending.pop_front();
    }
    left += static_cast<std::int64_t>(c->pending.size());
  }
  return left;
}

LoadStats Load::Stats() const {
  LoadStats s;
  {
    std::lock_guard lk(mu_);
    s = stats_;
  }
  s.pending = s.unknown = s.failed = 0;
  for (const auto& c : clients_) {
    for (const auto& op : c->ops) {
      if (op.state == WriteOp::State::kPending) s.pending += 1;
      if (op.state == WriteOp::State::kUnknown) s.unknown += 1;
      if (op.state == WriteOp::State::kFailed) s.failed += 1;
    }
  }
  return s;
}

std::vector<WriteOp> Load::Ops() const {
  std::vector<WriteOp> out;
  for (const auto& c : clients_) out.insert(out.end(), c->ops.begin(), c->ops.end());
  return out;
}

// --- check ------------------------------------------------------------------------

std::string CheckReport::Summary() const {
  std::ostringstream o;
  o << "acked_writes=" << acked_writes << " acked_reports=" << acked_reports << " stored_reports=" << stored_reports
    << " lost=" << lost << " duplicates=" << duplicates << " partial_batches=" << partial_batches
    << " version_mismatch=" << version_mismatch << " version_collisions=" << version_collisions
    << " non_monotonic=" << non_monotonic << " audit_mismatch=" << audit_mismatch
    << " unknown_applied=" << unknown_applied;
  for (const auto& p : problems) o << "\n  " << p;
  return o.str();
}

CheckReport CheckStore(Store& store, const std::string& region, const std::vector<WriteOp>& ops) {
  CheckReport rep;
  auto problem = [&](const std::string& p) {
    if (rep.problems.size() < 20) rep.problems.push_back(p);
  };
  auto reports = store.CapacitySince(region, 0, SIZE_MAX / 2);
  if (!reports.ok()) {
    problem("cannot read reports: " + reports.status().message());
    rep.lost = 1;
    return rep;
  }
  std::map<std::string, std::vector<std::int64_t>> by_note;  // note → versions
  std::set<std::int64_t> versions;
  for (const auto& r : *reports) {
    if (!versions.insert(r.version).second) {
      rep.version_collisions += 1;
      problem("version " + std::to_string(r.version) + " stored twice");
    }
    if (r.note.rfind('w', 0) == 0) by_note[r.note].push_back(r.version);
  }
  // Audit records of capacity writes, by request id.
  std::map<std::string, int> audits;
  std::int64_t before = 0;
  for (;;) {
    auto page = store.ListAudit(before, 1000);
    if (!page.ok()) {
      problem("cannot read audit: " + page.status().message());
      rep.audit_mismatch += 1;
      break;
    }
    for (const auto& a : *page) {
      if (a.action == "capacity.write" && a.outcome == "ok") audits[a.request_id] += 1;
    }
    if (page->size() < 1000) break;
    before = page->back().id;
  }
  std::map<int, std::vector<const WriteOp*>> acked_by_client;
  for (const auto& op : ops) {
    if (op.attempts == 0) continue;
    const bool acked = op.state == WriteOp::State::kAcked;
    int present = 0;
    for (int i = 0; i < op.items; ++i) {
      auto it = by_note.find(op.id + "." + std::to_string(i));
      const size_t n = it == by_note.end() ? 0 : it->second.size();
      if (n > 0) ++present;
      if (n > 1) {
        rep.duplicates += static_cast<std::int64_t>(n - 1);
        problem(op.id + "." + std::to_string(i) + " stored " + std::to_string(n) + " times (key '" + op.key + "', " +
                std::to_string(op.attempts) + " attempts)");
      }
      if (acked) {
        if (n == 0) {
          rep.lost += 1;
          problem("acknowledged " + op.id + "." + std::to_string(i) + " (version " + std::to_string(op.version) +
                  ") is not stored");
        } else if (static_cast<size_t>(i) < op.item_versions.size() && it->second.front() != op.item_versions[i]) {
          rep.version_mismatch += 1;
          problem(op.id + "." + std::to_string(i) + " acknowledged as version " + std::to_string(op.item_versions[i]) +
                  ", stored as " + std::to_string(it->second.front()));
        }
      }
    }
    rep.stored_reports += present;
    if (present != 0 && present != op.items) {
      rep.partial_batches += 1;
      problem(op.id + ": " + std::to_string(present) + " of " + std::to_string(op.items) + " items stored");
    }
    if (acked) {
      rep.acked_writes += 1;
      rep.acked_reports += op.items;
      acked_by_client[op.client].push_back(&op);
      auto a = audits.find(op.id);
      const int n = a == audits.end() ? 0 : a->second;
      if (n != op.items) {
        rep.audit_mismatch += 1;
        problem(op.id + ": " + std::to_string(n) + " audit records for " + std::to_string(op.items) + " reports");
      }
    } else if (present > 0) {
      rep.unknown_applied += 1;
    }
  }
  // A client waits for each answer, so its later acknowledged writes were
  // committed later and carry higher versions (idempotent replays excepted:
  // they answer with the first commit's version).
  for (auto& [client, list] : acked_by_client) {
    std::sort(list.begin(), list.end(), [](const WriteOp* a, const WriteOp* b) { return a->ack_index < b->ack_index; });
    std::int64_t last = 0;
    for (const WriteOp* op : list) {
      if (op->replayed) continue;
      const std::int64_t first = *std::min_element(op->item_versions.begin(), op->item_versions.end());
      if (first <= last) {
        rep.non_monotonic += 1;
        problem(op->id + " acknowledged after a write of version " + std::to_string(last) + " but has version " +
                std::to_string(first));
      }
      last = std::max(last, *std::max_element(op->item_versions.begin(), op->item_versions.end()));
    }
  }
  return rep;
}

}  // namespace ozcc::reliability
