package faceimage

import (
	"net/netip"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"100.128.0.1", true}, // just past CGNAT
		{"172.32.0.1", true},  // just past 172.16/12
		{"2606:4700:4700::1111", true},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::808:808", true}, // NAT64 of 8.8.8.8

		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"192.168.1.1", false},
		{"169.254.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fd00::1", false},
		{"fc00::1", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"ff02::1", false},
		{"255.255.255.255", false},
		{"240.0.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"2002:7f00:1::", false},  // 6to4 of 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		{"fec0::1", false},
		{"::127.0.0.1", false},      // IPv4-compatible loopback
		{"::8.8.8.8", false},        // IPv4-compatible: deprecated, refused whatever it embeds
		{"::ffff:0:7f00:1", false},  // IPv4-translated loopback
		{"::ffff:0:a00:1", false},   // IPv4-translated 10.0.0.1
		{"2001:db8::1", false},      // documentation
		{"2001:db8:ffff::1", false}, // documentation
		{"2001:db9::1", true},       // just past documentation
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			if got := publicAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Fatalf("publicAddr(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}
