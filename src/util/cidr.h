// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// IP address and CIDR parsing for the Sigma `cidr` modifier. A rule's networks are
// parsed once at compile time with ParseCidr; event values (CloudTrail's
// sourceIPAddress and friends) are parsed with ParseIp and tested with CidrContains
// for every event, so those two never allocate and never throw.
//
// Many event values that reach ParseIp are not addresses at all (CloudTrail writes a
// service name such as "ec2.amazonaws.com" there when a service acts), so a quick
// false is the common answer and is not an error.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::internal {

// An IPv4 address uses bytes[0..3] (network order) and leaves the rest zero; an IPv6
// address uses all 16. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) stay IPv6 here;
// CidrContains is what lets them match IPv4 networks.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Parses a textual address. Accepted:
//   IPv4: exactly four dot-separated decimal octets 0..255. A leading zero ("010") is
//     rejected, because inet_aton reads it as octal and other tools as decimal; a value
//     that two tools disagree on must not silently match a network. This matches
//     Python's ipaddress and glibc's inet_pton.
//   IPv6: eight groups of 1..4 hex digits; one "::" standing for one or more zero
//     groups; an IPv4 dotted quad as the last 32 bits (::ffff:1.2.3.4, 64:ff9b::1.2.3.4);
//     an optional non-empty "%zone" suffix, which is ignored; optionally the whole
//     address in [brackets] (as in URLs; no port).
// Rejected: anything else, including surrounding whitespace. *out is unspecified on
// failure.
bool ParseIp(std::string_view text, IpAddress* out);

// A network. `net` has every bit beyond `prefix` cleared.
struct Cidr {
  IpAddress net;
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6
};

// Parses "address/prefix" or a bare address, which is taken as a host route (/32 or
// /128). The prefix is decimal ("08" is 8). Host bits set beyond the prefix are allowed
// and cleared ("10.1.2.3/8" is 10.0.0.0/8), since rule authors write such values and
// pySigma backends accept them. Netmask notation ("/255.0.0.0") is not supported. On
// failure returns false and sets *error (if non-null) to a message for the rule author.
bool ParseCidr(std::string_view text, Cidr* out, std::string* error);

// True when `ip` is inside `cidr`. An IPv4 address matches an IPv4 network; an
// IPv4-mapped IPv6 address (::ffff:a.b.c.d) also matches an IPv4 network through its
// embedded address. Otherwise the families must agree: a plain IPv4 address never
// matches an IPv6 network, not even ::ffff:0:0/96.
bool CidrContains(const Cidr& cidr, const IpAddress& ip);

}  // namespace vigil::internal
