// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for util/cidr.h. Expected bytes and memberships were checked against Python's
// ipaddress module (ip_address(...).packed, ip_network(..., strict=False)), which
// shares the parser's choices: leading zeros in IPv4 octets are rejected and "::" must
// stand for at least one group.
#include "util/cidr.h"

#include <string>

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

// Hex of the 16 address bytes, or "invalid".
std::string Hex(std::string_view text) {
  IpAddress ip;
  if (!ParseIp(text, &ip)) return "invalid";
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = ip.v6 ? "v6:" : "v4:";
  const int size = ip.v6 ? 16 : 4;
  for (int k = 0; k < size; ++k) {
    out.push_back(kDigits[ip.bytes[k] >> 4]);
    out.push_back(kDigits[ip.bytes[k] & 0xF]);
  }
  return out;
}

bool Contains(std::string_view cidr_text, std::string_view ip_text) {
  Cidr cidr;
  std::string error;
  EXPECT_TRUE(ParseCidr(cidr_text, &cidr, &error)) << cidr_text << ": " << error;
  IpAddress ip;
  EXPECT_TRUE(ParseIp(ip_text, &ip)) << ip_text;
  return CidrContains(cidr, ip);
}

TEST(CidrParseIp, Ipv4) {
  EXPECT_EQ(Hex("0.0.0.0"), "v4:00000000");
  EXPECT_EQ(Hex("1.2.3.4"), "v4:01020304");
  EXPECT_EQ(Hex("255.255.255.255"), "v4:ffffffff");
  EXPECT_EQ(Hex("192.168.0.10"), "v4:c0a8000a");
}

TEST(CidrParseIp, Ipv4KeepsTailZero) {
  IpAddress ip;
  ASSERT_TRUE(ParseIp("10.0.0.1", &ip));
  EXPECT_FALSE(ip.v6);
  for (int k = 4; k < 16; ++k) EXPECT_EQ(ip.bytes[k], 0) << k;
}

TEST(CidrParseIp, Ipv4Rejects) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1234.1.1.1",
                          "010.1.1.1", "1.2.3.00", "1..2.3", ".1.2.3", "1.2.3.", " 1.2.3.4",
                          "1.2.3.4 ", "1.2.3.-4", "+1.2.3.4", "a.b.c.d", "1.2.3.4%eth0",
                          "[1.2.3.4]", "ec2.amazonaws.com", "AWS Internal"}) {
    EXPECT_EQ(Hex(bad), "invalid") << bad;
  }
}

TEST(CidrParseIp, Ipv6Forms) {
  EXPECT_EQ(Hex("::"), "v6:00000000000000000000000000000000");
  EXPECT_EQ(Hex("::1"), "v6:00000000000000000000000000000001");
  EXPECT_EQ(Hex("1::"), "v6:00010000000000000000000000000000");
  EXPECT_EQ(Hex("2001:db8::1"), "v6:20010db8000000000000000000000001");
  EXPECT_EQ(Hex("2001:DB8:0:0:8:800:200C:417A"), "v6:20010db80000000000080800200c417a");
  EXPECT_EQ(Hex("1:2:3:4:5:6:7:8"), "v6:00010002000300040005000600070008");
  EXPECT_EQ(Hex("1:2:3:4:5:6:7::"), "v6:00010002000300040005000600070000");
  EXPECT_EQ(Hex("::2:3:4:5:6:7:8"), "v6:00000002000300040005000600070008");
}

TEST(CidrParseIp, Ipv6EmbeddedIpv4) {
  EXPECT_EQ(Hex("::ffff:1.2.3.4"), "v6:00000000000000000000ffff01020304");
  EXPECT_EQ(Hex("::FFFF:1.2.3.4"), "v6:00000000000000000000ffff01020304");
  EXPECT_EQ(Hex("64:ff9b::192.0.2.33"), "v6:0064ff9b0000000000000000c0000221");
  EXPECT_EQ(Hex("1:2:3:4:5:6:1.2.3.4"), "v6:00010002000300040005000601020304");
}

TEST(CidrParseIp, Ipv6ZoneAndBrackets) {
  EXPECT_EQ(Hex("fe80::1%eth0"), "v6:fe800000000000000000000000000001");
  EXPECT_EQ(Hex("[2001:db8::1]"), "v6:20010db8000000000000000000000001");
  EXPECT_EQ(Hex("[fe80::1%25]"), "v6:fe800000000000000000000000000001");
}

TEST(CidrParseIp, Ipv6Rejects) {
  for (const char* bad :
       {":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "1::2::3",
        "12345::", "g::1", ":1::", "1::2:", "::ffff:1.2.3", "::ffff:1.2.3.04",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "1.2.3.4::", "fe80::1%", "fe80::1%a%b",
        "[::1", "::1]", "[]", "[::1]:443", " ::1"}) {
    EXPECT_EQ(Hex(bad), "invalid") << bad;
  }
}

TEST(CidrParseCidr, MasksHostBits) {
  Cidr cidr;
  std::string error;
  ASSERT_TRUE(ParseCidr("10.1.2.3/8", &cidr, &error)) << error;
  EXPECT_FALSE(cidr.net.v6);
  EXPECT_EQ(cidr.prefix, 8);
  EXPECT_EQ(cidr.net.bytes[0], 10);
  EXPECT_EQ(cidr.net.bytes[1], 0);
  EXPECT_EQ(cidr.net.bytes[3], 0);

  // 2001:db8:abcd:1234::1/50 is 2001:db8:abcd::/50 (0x12 is cut at bit 50).
  ASSERT_TRUE(ParseCidr("2001:db8:abcd:1234::1/50", &cidr, &error)) << error;
  IpAddress expected;
  ASSERT_TRUE(ParseIp("2001:db8:abcd::", &expected));
  EXPECT_EQ(cidr.net, expected);
  EXPECT_EQ(cidr.prefix, 50);
}

TEST(CidrParseCidr, BareAddressIsHostRoute) {
  Cidr cidr;
  std::string error;
  ASSERT_TRUE(ParseCidr("1.2.3.4", &cidr, &error)) << error;
  EXPECT_EQ(cidr.prefix, 32);
  ASSERT_TRUE(ParseCidr("::1", &cidr, &error)) << error;
  EXPECT_EQ(cidr.prefix, 128);
  EXPECT_TRUE(Contains("1.2.3.4", "1.2.3.4"));
  EXPECT_FALSE(Contains("1.2.3.4", "1.2.3.5"));
}

TEST(CidrParseCidr, Rejects) {
  Cidr cidr;
  for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
                          "10.0.0.0/8/9", "10.0.0.0/ 8", "10.0.0.0/255.0.0.0", "::/129",
                          "::/1000", "10.0.0/8", "example.com/8"}) {
    std::string error;
    EXPECT_FALSE(ParseCidr(bad, &cidr, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_FALSE(ParseCidr("10.0.0.0/33", &cidr, nullptr));
}

TEST(CidrParseCidr, PrefixWithLeadingZero) {
  Cidr cidr;
  std::string error;
  ASSERT_TRUE(ParseCidr("10.0.0.0/08", &cidr, &error)) << error;
  EXPECT_EQ(cidr.prefix, 8);
}

TEST(CidrContains, Ipv4) {
  EXPECT_TRUE(Contains("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(Contains("10.0.0.0/8", "11.0.0.0"));
  EXPECT_TRUE(Contains("10.1.2.3/8", "10.9.9.9"));
  EXPECT_TRUE(Contains("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(Contains("172.16.0.0/12", "172.32.0.0"));
  EXPECT_FALSE(Contains("192.168.1.128/25", "192.168.1.127"));
  EXPECT_TRUE(Contains("192.168.1.128/25", "192.168.1.128"));
  EXPECT_TRUE(Contains("10.0.0.0/31", "10.0.0.1"));
  EXPECT_FALSE(Contains("10.0.0.0/31", "10.0.0.2"));
}

TEST(CidrContains, PrefixZeroAndFull) {
  EXPECT_TRUE(Contains("0.0.0.0/0", "255.255.255.255"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "0.0.0.0"));
  EXPECT_TRUE(Contains("::/0", "::1"));
  EXPECT_TRUE(Contains("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(Contains("2001:db8::1/128", "2001:db8::1"));
  EXPECT_FALSE(Contains("2001:db8::1/128", "2001:db8::2"));
  EXPECT_TRUE(Contains("1.2.3.4/32", "1.2.3.4"));
  EXPECT_FALSE(Contains("1.2.3.4/32", "1.2.3.5"));
}

TEST(CidrContains, Ipv6) {
  EXPECT_TRUE(Contains("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(Contains("2001:db8::/32", "2001:db9::"));
  EXPECT_TRUE(Contains("fe80::/10", "fe80::1%eth0"));
  EXPECT_TRUE(Contains("fe80::/10", "febf::1"));
  EXPECT_FALSE(Contains("fe80::/10", "fec0::1"));
}

TEST(CidrContains, MappedIpv4MatchesIpv4Network) {
  EXPECT_TRUE(Contains("10.0.0.0/8", "::ffff:10.1.2.3"));
  EXPECT_TRUE(Contains("10.0.0.0/8", "::ffff:a01:203"));  // same address in hex groups
  EXPECT_FALSE(Contains("10.0.0.0/8", "::ffff:11.1.2.3"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "::ffff:0.0.0.0"));
  // Not mapped: IPv4-compatible and NAT64 forms stay IPv6.
  EXPECT_FALSE(Contains("10.0.0.0/8", "::10.1.2.3"));
  EXPECT_FALSE(Contains("0.0.0.0/0", "64:ff9b::10.1.2.3"));
  EXPECT_FALSE(Contains("0.0.0.0/0", "::1"));
}

TEST(CidrContains, FamiliesMustOtherwiseAgree) {
  EXPECT_FALSE(Contains("::/0", "1.2.3.4"));
  EXPECT_FALSE(Contains("::ffff:0:0/96", "1.2.3.4"));
  EXPECT_TRUE(Contains("::ffff:0:0/96", "::ffff:1.2.3.4"));
}

}  // namespace
}  // namespace vigil::internal
