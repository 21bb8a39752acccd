package blobtest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"facesnap"
)

func exercisePut(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "snapshots/a/data", "hello")
		wantBlob(t, s, "snapshots/a/data", "hello")
	})
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "empty", "")
		wantBlob(t, s, "empty", "")
		wantList(t, s, "", "empty")
	})
	t.Run("Binary", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		data := make([]byte, 70_000)
		for i := range data {
			data[i] = byte(i * 7)
		}
		put(t, s, "bin", string(data))
		wantBlob(t, s, "bin", string(data))
	})
	t.Run("Overwrite", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "k", "first, and longer")
		put(t, s, "k", "second")
		wantBlob(t, s, "k", "second")
		wantList(t, s, "", "k")
	})
	t.Run("ReaderFails", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		boom := errors.New("source failed")
		err := s.Put(context.Background(), "d/k", &failingReader{n: 1 << 20, err: boom})
		if !errors.Is(err, boom) {
			t.Fatalf("Put = %v, want the reader's error", err)
		}
		wantNoBlob(t, s, "d/k")
		wantList(t, s, "")
	})
	t.Run("ReaderFailsKeepsOld", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "k", "old")
		boom := errors.New("source failed")
		if err := s.Put(context.Background(), "k", &failingReader{n: 100, err: boom}); !errors.Is(err, boom) {
			t.Fatalf("Put = %v, want the reader's error", err)
		}
		wantBlob(t, s, "k", "old")
		wantList(t, s, "", "k")
	})
	t.Run("ContextCanceled", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		// The source cancels halfway, as a stopped operation would.
		r := &cancelReader{r: strings.NewReader(strings.Repeat("y", 1<<20)), after: 1 << 19, cancel: cancel}
		if err := s.Put(ctx, "k", r); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put = %v, want context.Canceled", err)
		}
		wantNoBlob(t, s, "k")
		wantList(t, s, "")
	})
	t.Run("ContextDone", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Put(ctx, "k", bytes.NewReader([]byte("x"))); err == nil {
			t.Fatal("Put with a done context: no error")
		}
		wantNoBlob(t, s, "k")
	})
}

type cancelReader struct {
	r      *strings.Reader
	after  int
	read   int
	cancel func()
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 4096)])
	c.read += n
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}
