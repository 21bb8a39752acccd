package client

import (
	"bytes"
	"fmt"
	"time"
)

// timeLayout is the service's time format: UTC, 100 ns resolution, "Z".
// It is fixed-width so times written by facesnap round-trip byte for byte.
const timeLayout = "2006-01-02T15:04:05.0000000Z"

// Time is a time on the wire. It marshals as UTC with exactly seven
// fractional digits (2018-12-25T11:41:02.2331413Z) and unmarshals any
// RFC 3339 time; JSON null and "" unmarshal to the zero Time.
type Time struct{ time.Time }

// NewTime returns t as a Time.
func NewTime(t time.Time) Time { return Time{t} }

// String returns the wire form, or "" for the zero Time.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// MarshalJSON implements json.Marshaler. Use ",omitzero" on optional
// fields: a zero Time marshals as null, which the service never sends.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(timeLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, timeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) || bytes.Equal(data, []byte(`""`)) {
		*t = Time{}
		return nil
	}
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return fmt.Errorf("time %s: not a JSON string", data)
	}
	return t.UnmarshalText(data[1 : len(data)-1])
}

// MarshalText implements encoding.TextMarshaler, for query parameters.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Time) UnmarshalText(text []byte) error {
	// RFC3339Nano parses any number of fractional digits, including none.
	p, err := time.Parse(time.RFC3339Nano, string(text))
	if err != nil {
		return fmt.Errorf("time %q: %w", text, err)
	}
	*t = Time{p}
	return nil
}
