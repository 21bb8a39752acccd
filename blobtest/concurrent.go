package blobtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"facesnap"
)

func exerciseConcurrent(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("PutsToDifferentKeys", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const n = 32
		var wg sync.WaitGroup
		errs := make(chan error, n)
		var want []string
		for i := range n {
			// Half share one directory, half get their own.
			key := fmt.Sprintf("shared/%02d", i)
			if i%2 == 1 {
				key = fmt.Sprintf("own/%02d/data", i)
			}
			want = append(want, key)
			wg.Go(func() {
				errs <- s.Put(context.Background(), key, strings.NewReader(strings.Repeat(key, 1000)))
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range want {
			wantBlob(t, s, key, strings.Repeat(key, 1000))
		}
		if got := list(t, s, ""); len(got) != n {
			t.Fatalf("List has %d keys, want %d: %q", len(got), n, got)
		}
	})
	t.Run("PutsAndDeletesInOneDirectory", func(t *testing.T) {
		t.Parallel()
		// Deleting the last blob of a directory may remove it while
		// another Put is about to write there: the Put must not fail.
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 100 {
			key := fmt.Sprintf("d/%d", i)
			wg.Go(func() {
				errs <- s.Put(context.Background(), key, strings.NewReader(key))
				errs <- s.Delete(context.Background(), key)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		wantList(t, s, "")
	})
	t.Run("ReadersSeeWholeBlobs", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		blobs := []string{strings.Repeat("a", 300_000), strings.Repeat("b", 200_000), strings.Repeat("c", 100_000)}
		put(t, s, "k", blobs[0])
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				for j := 0; ctx.Err() == nil && j < 20; j++ {
					if err := s.Put(ctx, "k", bytes.NewReader([]byte(blobs[(i+j)%3]))); err != nil && ctx.Err() == nil {
						t.Error(err)
					}
				}
			})
		}
		for range 50 {
			got, ok := get(t, s, "k")
			if !ok {
				t.Fatal("blob missing while being replaced")
			}
			if got != blobs[0] && got != blobs[1] && got != blobs[2] {
				t.Fatalf("read a blob of %d bytes that was never written whole", len(got))
			}
		}
		cancel()
		wg.Wait()
		wantList(t, s, "", "k")
	})
}
