// Package blobtest is the conformance suite of facesnap.BlobStore: every
// implementation (blob/dir, and S3 later) runs Exercise from its tests and
// must pass all of it.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"facesnap"
)

// Exercise runs the suite. newStore returns an empty store for one
// subtest. The subtests run in parallel, each on its own store, except
// Large, which runs first and alone because it measures the process's
// allocations.
func Exercise(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("Large", func(t *testing.T) { exerciseLarge(t, newStore) })
	t.Run("Put", func(t *testing.T) { t.Parallel(); exercisePut(t, newStore) })
	t.Run("Get", func(t *testing.T) { t.Parallel(); exerciseGet(t, newStore) })
	t.Run("Delete", func(t *testing.T) { t.Parallel(); exerciseDelete(t, newStore) })
	t.Run("List", func(t *testing.T) { t.Parallel(); exerciseList(t, newStore) })
	t.Run("Keys", func(t *testing.T) { t.Parallel(); exerciseKeys(t, newStore) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); exerciseConcurrent(t, newStore) })
}

func put(t *testing.T, s facesnap.BlobStore, key, data string) {
	t.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader([]byte(data))); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// get returns the blob under key, or ok false when there is none.
func get(t *testing.T, s facesnap.BlobStore, key string) (data string, ok bool) {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if errors.Is(err, facesnap.ErrNotFound) {
		return "", false
	}
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	if err := rc.Close(); err != nil {
		t.Fatalf("Get(%q): close: %v", key, err)
	}
	return string(b), true
}

func wantBlob(t *testing.T, s facesnap.BlobStore, key, want string) {
	t.Helper()
	got, ok := get(t, s, key)
	if !ok {
		t.Fatalf("Get(%q): not found, want %d bytes", key, len(want))
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", key, trim(got), trim(want))
	}
}

func wantNoBlob(t *testing.T, s facesnap.BlobStore, key string) {
	t.Helper()
	if got, ok := get(t, s, key); ok {
		t.Fatalf("Get(%q) = %q, want ErrNotFound", key, trim(got))
	}
}

func list(t *testing.T, s facesnap.BlobStore, prefix string) []string {
	t.Helper()
	keys, err := s.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return keys
}

func wantList(t *testing.T, s facesnap.BlobStore, prefix string, want ...string) {
	t.Helper()
	if got := list(t, s, prefix); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("List(%q) = %q, want %q", prefix, got, want)
	}
}

func trim(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// failingReader returns n bytes of data, then err.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}
