package snapfile

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// allocCap bounds what one NewReader or one Next may allocate, whatever
// the input: the decoder's window (maxWindow) and its block buffers, a
// record (maxRecord) and the buffers around them.
const allocCap = 32 << 20

func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzReader feeds the reader anything: it must never panic, never
// allocate more than allocCap in one call, and end in io.EOF only for a
// file whose digest is right.
func FuzzReader(f *testing.F) {
	small, _ := write(f, smallSnapshot())
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add(small[:headerSize])
	f.Add([]byte(Magic + "\x00\x01"))
	f.Add([]byte(Magic + "\x00\x02"))
	coll := rec(tagCollection, collBody)
	f.Add(craft(f, bytes.Join([][]byte{coll, rec(tagPerson, personBody("p")), end(1, 0)}, nil), zstd.WithWindowSize(1<<20)))
	f.Add(craft(f, bytes.Join([][]byte{coll, rec(tagFace, faceBody("f", uv(2)), make([]byte, 8)), end(0, 1)}, nil), zstd.WithWindowSize(1<<20)))
	f.Add(craft(f, bytes.Join([][]byte{coll, []byte{tagPerson}, uv(maxRecord)}, nil), zstd.WithWindowSize(1<<20)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var sr *Reader
		var err error
		if n := allocated(func() { sr, err = NewReader(bytes.NewReader(data)) }); n > allocCap {
			t.Fatalf("NewReader allocated %d bytes", n)
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
				t.Fatalf("NewReader: %v matches neither ErrCorrupt nor ErrVersion", err)
			}
			return
		}
		defer sr.Close()
		for range 10_000 {
			if n := allocated(func() { _, err = sr.Next() }); n > allocCap {
				t.Fatalf("Next allocated %d bytes", n)
			}
			if err == io.EOF {
				// Only an intact file ends cleanly; Verify agrees.
				if _, _, verr := Verify(bytes.NewReader(data)); verr != nil {
					t.Fatalf("Next ended cleanly, Verify: %v", verr)
				}
				return
			}
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Next: %v does not match ErrCorrupt", err)
				}
				return
			}
		}
	})
}
