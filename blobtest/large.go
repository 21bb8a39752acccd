package blobtest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"runtime"
	"testing"

	"facesnap"
)

const largeSize = 64 << 20

// patternReader yields size bytes in which each 8-byte word holds its own
// offset, so a dropped, repeated or reordered piece shows.
type patternReader struct {
	off, size int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && p.off < p.size {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], uint64(p.off&^7))
		k := copy(b[n:], w[p.off&7:])
		k = int(min(int64(k), p.size-p.off))
		n += k
		p.off += int64(k)
	}
	return n, nil
}

// exerciseLarge streams 64 MiB through Put and Get. It allows either side
// much less memory than the blob: a store must stream, not buffer.
func exerciseLarge(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("Streamed", func(t *testing.T) {
		if testing.Short() {
			t.Skip("64 MiB blob in -short mode")
		}
		s := newStore(t)
		want := sha256.New()
		io.Copy(want, &patternReader{size: largeSize})

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := s.Put(context.Background(), "large/data", &patternReader{size: largeSize}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		t.Logf("Put allocated %d bytes", after.TotalAlloc-before.TotalAlloc)
		if got := after.TotalAlloc - before.TotalAlloc; got > largeSize/2 {
			t.Fatalf("Put of %d bytes allocated %d bytes: it buffers the blob", largeSize, got)
		}

		runtime.ReadMemStats(&before)
		rc, err := s.Get(context.Background(), "large/data")
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.New()
		n, err := io.CopyBuffer(got, rc, make([]byte, 64<<10))
		rc.Close()
		runtime.ReadMemStats(&after)
		if err != nil || n != largeSize {
			t.Fatalf("read %d bytes, %v", n, err)
		}
		if string(got.Sum(nil)) != string(want.Sum(nil)) {
			t.Fatal("large blob came back different")
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > largeSize/2 {
			t.Fatalf("Get of %d bytes allocated %d bytes: it buffers the blob", largeSize, a)
		}
	})
}
