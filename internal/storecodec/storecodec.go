// Package storecodec holds what the SQL stores (sqlite, postgres) share
// about their rows: the encodings of values, so that both store the same
// bytes, and the columns and scanning of the tables whose schemas are
// alike in both.
package storecodec

import (
	"encoding/binary"
	"math"
	"time"
)

// EncodeFeature stores a descriptor as little-endian float32s; nil stays
// nil (NULL).
func EncodeFeature(v []float32) []byte {
	if v == nil {
		return nil
	}
	return AppendFeature(make([]byte, 0, 4*len(v)), v)
}

// AppendFeature appends v's encoding to b, for a caller that reuses one
// buffer for many features.
func AppendFeature(b []byte, v []float32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// DecodeFeature reads what EncodeFeature wrote.
func DecodeFeature(b []byte) []float32 {
	if b == nil {
		return nil
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// Nanos is t as the stored unix nanoseconds; the zero time is stored as 0.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// TimeAt reads what Nanos wrote, in UTC.
func TimeAt(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
