#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace ozcc::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The address's bytes, with IPv4-mapped IPv6 ("::ffff:10.0.0.1") as IPv4.
std::optional<std::vector<unsigned char>> Bytes(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return std::vector<unsigned char>(buf, buf + 4);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, buf)) return std::vector<unsigned char>(buf + 12, buf + 16);
    return std::vector<unsigned char>(buf, buf + 16);
  }
  return std::nullopt;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const auto& entry : entries) {
    std::string_view e = Trim(entry);
    auto slash = e.find('/');
    auto bytes = Bytes(e.substr(0, slash));
    if (!bytes) return Status::Invalid("trusted proxy \"" + entry + "\" is not an IP address or network");
    const int bits = static_cast<int>(bytes->size() * 8);
    int prefix = bits;
    if (slash != std::string_view::npos) {
      std::string_view p = e.substr(slash + 1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
      if (ec != std::errc() || end != p.data() + p.size() || p.empty() || prefix < 0 || prefix > bits) {
        return Status::Invalid("trusted proxy \"" + entry + "\" has a bad prefix length");
      }
    }
    out.nets_.push_back(Net{std::move(*bytes), prefix});
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto bytes = Bytes(Trim(address));
  if (!bytes) return false;
  for (const auto& n : nets_) {
    if (n.bytes.size() != bytes->size()) continue;
    int full = n.prefix / 8, rest = n.prefix % 8;
    if (!std::equal(n.bytes.begin(), n.bytes.begin() + full, bytes->begin())) continue;
    if (rest == 0) return true;
    const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
    if ((n.bytes[full] & mask) == ((*bytes)[full] & mask)) return true;
  }
  return false;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted) {
  std::string client(peer);
  if (!trusted.Contains(peer)) return client;
  // Walk the hops from the right: the last one not a trusted proxy is the client.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!Bytes(hop)) return client;  // not an address: stop at the last hop we could vouch for
    client = std::string(hop);
    if (!trusted.Contains(hop)) return client;
  }
  return client;
}

}  // namespace ozcc::http
