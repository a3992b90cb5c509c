// The client's address when OpenZCC runs behind reverse proxies. The peer of
// the TCP connection is the client unless it is a trusted proxy; then the
// client is the right-most address of X-Forwarded-For that is not a trusted
// proxy (each proxy appends the address it received the request from; entries
// further left were written by the client and prove nothing). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ozcc::http {

class TrustedProxies {
 public:
  // Entries are addresses ("127.0.0.1", "::1") or networks ("10.0.0.0/8",
  // "fd00::/8"). kInvalid names the first entry that is neither.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);
  bool empty() const { return nets_.empty(); }
  bool Contains(std::string_view address) const;

 private:
  struct Net {
    std::vector<unsigned char> bytes;  // 4 (IPv4) or 16 (IPv6) bytes
    int prefix = 0;                    // leading bits that must match
  };
  std::vector<Net> nets_;
};

// The client address for a request from `peer` carrying `forwarded_for` (the
// X-Forwarded-For header, "" when absent).
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for, const TrustedProxies& trusted);

// The scheme and authority a client used to reach this server, such as
// "https://zcc.example.nl", for URLs the server writes (FHIR fullUrl, links).
// Behind a trusted proxy (`via_trusted_proxy`) the first value of
// X-Forwarded-Proto ("http" or "https") and of X-Forwarded-Host win; else the
// scheme is http and the authority the Host header. A value that is not a
// plain host[:port] (or [IPv6][:port]) is ignored, so a client cannot inject
// text into the URLs; "localhost" when nothing usable is left.
std::string PublicOrigin(bool via_trusted_proxy, std::string_view host, std::string_view forwarded_proto,
                         std::string_view forwarded_host);

// A configured public base URL checked and normalised: http or https, a host,
// an optional port and path prefix, no query, fragment or user info; the
// trailing '/' removed. kInvalid says what is wrong.
Result<std::string> NormalisePublicBase(std::string_view url);

}  // namespace ozcc::http
