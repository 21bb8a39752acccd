package storecodec

import (
	"slices"
	"testing"
	"time"
)

func TestFeatureRoundTrip(t *testing.T) {
	for _, v := range [][]float32{nil, {}, {1, -0.5, 3.25e-7}} {
		b := EncodeFeature(v)
		if got := DecodeFeature(b); !slices.Equal(got, v) || (v == nil) != (got == nil) || len(b) != 4*len(v) {
			t.Errorf("%v: encoded %d bytes, decoded %v", v, len(b), got)
		}
	}
	// The bytes are the stores' format: little-endian float32.
	if b := EncodeFeature([]float32{1}); string(b) != "\x00\x00\x80\x3f" {
		t.Errorf("EncodeFeature([1]) = % x", b)
	}
}

func TestTimeRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 29, 11, 41, 2, 233141300, time.UTC)
	for _, tt := range []time.Time{{}, at, at.In(time.FixedZone("x", 3600))} {
		if got := TimeAt(Nanos(tt)); !got.Equal(tt) || got.Location() != time.UTC && !tt.IsZero() {
			t.Errorf("%v came back as %v", tt, got)
		}
	}
	if Nanos(time.Time{}) != 0 {
		t.Error("the zero time is not stored as 0")
	}
}
