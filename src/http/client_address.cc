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

namespace {

// The first element of a comma-separated header value, trimmed.
std::string_view FirstListed(std::string_view v) { return Trim(v.substr(0, v.find(','))); }

bool HostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

// host[:port] or [v6][:port], nothing else.
bool PlainAuthority(std::string_view a) {
  if (a.empty() || a.size() > 255) return false;
  std::string_view host = a, port;
  if (a.front() == '[') {
    auto close = a.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : a.substr(1, close - 1)) {
      if (!(HostChar(c) || c == ':')) return false;
    }
    host = a.substr(0, close + 1);
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? std::string_view() : rest.substr(1);
    if (!rest.empty() && port.empty()) return false;
  } else {
    auto colon = a.find(':');
    if (colon != std::string_view::npos) {
      host = a.substr(0, colon);
      port = a.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty()) return false;
    for (char c : host) {
      if (!HostChar(c)) return false;
    }
  }
  if (port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string PublicOrigin(bool via_trusted_proxy, std::string_view host, std::string_view forwarded_proto,
                         std::string_view forwarded_host) {
  std::string scheme = "http";
  std::string_view authority = Trim(host);
  if (via_trusted_proxy) {
    std::string_view proto = FirstListed(forwarded_proto);
    if (proto == "https" || proto == "http") scheme = std::string(proto);
    std::string_view fwd_host = FirstListed(forwarded_host);
    if (PlainAuthority(fwd_host)) authority = fwd_host;
  }
  if (!PlainAuthority(authority)) authority = "localhost";
  return scheme + "://" + std::string(authority);
}

Result<std::string> NormalisePublicBase(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Status::Invalid("public base URL \"" + std::string(url) + "\" must start with https:// or http://");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (!PlainAuthority(authority)) {
    return Status::Invalid("public base URL \"" + std::string(url) + "\" needs a plain host[:port] after the scheme");
  }
  for (char c : path) {
    if (!(HostChar(c) || c == '/' || c == '~')) {
      return Status::Invalid("public base URL \"" + std::string(url) +
                             "\" may have a path prefix of letters, digits, '.', '-', '_', '~' and '/' only");
    }
  }
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace ozcc::http
