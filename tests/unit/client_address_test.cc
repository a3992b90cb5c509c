// Client address behind trusted reverse proxies (X-Forwarded-For).
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace ozcc::http {
namespace {

TrustedProxies Trust(std::vector<std::string> entries) {
  auto t = TrustedProxies::Parse(entries);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : TrustedProxies{};
}

TEST(ClientAddressTest, PeerIsTheClientUnlessItIsATrustedProxy) {
  const TrustedProxies none;
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", none), "203.0.113.7");  // header ignored
  const TrustedProxies proxy = Trust({"127.0.0.1"});
  EXPECT_EQ(ClientAddress("203.0.113.7", "198.51.100.1", proxy), "203.0.113.7");
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1", proxy), "198.51.100.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "", proxy), "127.0.0.1");  // no header: the proxy itself
}

TEST(ClientAddressTest, ClientWrittenHopsAreNotBelieved) {
  const TrustedProxies proxies = Trust({"10.0.0.0/8", "::1"});
  // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
  EXPECT_EQ(ClientAddress("10.1.2.3", "1.2.3.4, 198.51.100.9", proxies), "198.51.100.9");
  // Two trusted proxies in a row.
  EXPECT_EQ(ClientAddress("::1", "1.2.3.4,198.51.100.9 , 10.9.9.9", proxies), "198.51.100.9");
  // Garbage in the chain: the last hop that could be vouched for.
  EXPECT_EQ(ClientAddress("10.1.2.3", "198.51.100.9, not-an-ip", proxies), "10.1.2.3");
  // Every hop trusted: the left-most.
  EXPECT_EQ(ClientAddress("10.1.2.3", "10.0.0.5", proxies), "10.0.0.5");
}

TEST(ClientAddressTest, NetworksAndMappedAddresses) {
  const TrustedProxies t = Trust({"192.168.4.0/22", "fd00::/8"});
  EXPECT_TRUE(t.Contains("192.168.7.255"));
  EXPECT_FALSE(t.Contains("192.168.8.0"));
  EXPECT_TRUE(t.Contains("::ffff:192.168.5.1"));
  EXPECT_TRUE(t.Contains("fd12:3456::1"));
  EXPECT_FALSE(t.Contains("fe80::1"));
  EXPECT_FALSE(t.Contains("192.168.5.1:8080"));
  EXPECT_TRUE(Trust({"0.0.0.0/0"}).Contains("8.8.8.8"));
}

TEST(ClientAddressTest, BadEntriesAreNamed) {
  for (const char* bad : {"proxy.local", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129"}) {
    auto t = TrustedProxies::Parse({bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status().message();
  }
}

TEST(ClientAddressTest, PublicOriginBelievesOnlyTrustedProxies) {
  EXPECT_EQ(PublicOrigin(false, "zcc:8080", "https", "zcc.example.nl"), "http://zcc:8080");
  EXPECT_EQ(PublicOrigin(true, "zcc:8080", "https", "zcc.example.nl"), "https://zcc.example.nl");
  EXPECT_EQ(PublicOrigin(true, "zcc:8080", "https, http", ""), "https://zcc:8080");
  EXPECT_EQ(PublicOrigin(true, "zcc:8080", "gopher", "[2001:db8::1]:8443"), "http://[2001:db8::1]:8443");
  // Text that is no host[:port] never goes into a URL.
  EXPECT_EQ(PublicOrigin(true, "zcc", "https", "evil/x?y"), "https://zcc");
  EXPECT_EQ(PublicOrigin(false, "a b", "", ""), "http://localhost");
  EXPECT_EQ(PublicOrigin(false, "", "", ""), "http://localhost");
  EXPECT_EQ(PublicOrigin(false, "zcc:80x", "", ""), "http://localhost");
}

TEST(ClientAddressTest, PublicBaseIsCheckedAndNormalised) {
  EXPECT_EQ(*NormalisePublicBase("https://zcc.example.nl/"), "https://zcc.example.nl");
  EXPECT_EQ(*NormalisePublicBase("http://10.0.0.1:8080/openzcc/"), "http://10.0.0.1:8080/openzcc");
  for (const char* bad : {"zcc.example.nl", "ftp://zcc", "https://", "https://u@zcc", "https://zcc/?q=1",
                          "https://zcc/#f", "https://zcc:x/"}) {
    EXPECT_FALSE(NormalisePublicBase(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ozcc::http
