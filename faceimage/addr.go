package faceimage

import (
	"net/netip"
)

// Ranges refused besides those netip classifies itself (loopback,
// link-local, private, unspecified, multicast).
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network": dials may reach the host itself
	netip.MustParsePrefix("100.64.0.0/10"),  // CGNAT: the provider's side of the network
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking, used inside labs
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local, still routed by some stacks
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64: where it leads is unknowable
	netip.MustParsePrefix("2001::/32"),      // Teredo: tunnels to an arbitrary IPv4 address
	netip.MustParsePrefix("100::/64"),       // discard-only
	// Deprecated forms that embed an IPv4 address in the low 32 bits:
	// IPv4-compatible (::a.b.c.d) and IPv4-translated
	// (::ffff:0:a.b.c.d). No public host is reached through them, and
	// stacks that still route them reach the IPv4 address, loopback
	// included.
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("::ffff:0:0:0/96"),
	netip.MustParsePrefix("2001:db8::/32"), // documentation only, never a real host
}

// publicAddr reports whether the fetcher may dial addr when private
// addresses are not allowed: a global unicast address outside the
// loopback, link-local, private (RFC 1918, fc00::/7), unspecified,
// multicast, CGNAT and other special-purpose ranges. Addresses that embed
// an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that address.
func publicAddr(addr netip.Addr) bool {
	addr = addr.WithZone("")
	if embedded, ok := embeddedIPv4(addr); ok {
		addr = embedded
	}
	if !addr.IsValid() || !addr.IsGlobalUnicast() || addr.IsPrivate() ||
		addr.IsLoopback() || addr.IsLinkLocalUnicast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// embeddedIPv4 returns the IPv4 address that an IPv4-mapped, NAT64
// (64:ff9b::/96) or 6to4 (2002::/16) address leads to.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if a.Is4In6() {
		return a.Unmap(), true
	}
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case b[0] == 0x20 && b[1] == 0x02:
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96")
