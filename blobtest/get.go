package blobtest

import (
	"context"
	"errors"
	"testing"

	"facesnap"
)

func exerciseGet(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		_, err := s.Get(context.Background(), "snapshots/missing/data")
		if !errors.Is(err, facesnap.ErrNotFound) {
			t.Fatalf("Get = %v, want ErrNotFound", err)
		}
	})
	t.Run("PrefixIsNotABlob", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "a/b/c", "x")
		for _, key := range []string{"a", "a/b", "a/b/c/d"} {
			if _, err := s.Get(context.Background(), key); !errors.Is(err, facesnap.ErrNotFound) {
				t.Fatalf("Get(%q) = %v, want ErrNotFound", key, err)
			}
		}
	})
	t.Run("ReadersIndependent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "k", "one")
		rc, err := s.Get(context.Background(), "k")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		// A blob replaced while open: the open reader keeps reading
		// whole data, the old or the new, never a mix.
		put(t, s, "k", "two")
		b := make([]byte, 3)
		if _, err := rc.Read(b); err != nil || (string(b) != "one" && string(b) != "two") {
			t.Fatalf("open reader read %q, %v", b, err)
		}
		wantBlob(t, s, "k", "two")
	})
}

func exerciseDelete(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "snapshots/a/data", "d")
		put(t, s, "snapshots/a/meta.json", "m")
		if err := s.Delete(context.Background(), "snapshots/a/data"); err != nil {
			t.Fatal(err)
		}
		wantNoBlob(t, s, "snapshots/a/data")
		wantBlob(t, s, "snapshots/a/meta.json", "m")
		wantList(t, s, "", "snapshots/a/meta.json")
		if err := s.Delete(context.Background(), "snapshots/a/meta.json"); err != nil {
			t.Fatal(err)
		}
		wantList(t, s, "")
		// The key space is as good as new.
		put(t, s, "snapshots/a/data", "again")
		wantBlob(t, s, "snapshots/a/data", "again")
	})
	t.Run("Missing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if err := s.Delete(context.Background(), "nothing/here"); err != nil {
			t.Fatalf("Delete of a missing key = %v", err)
		}
		put(t, s, "a/b", "x")
		for _, key := range []string{"a", "a/b/c", "a/c"} {
			if err := s.Delete(context.Background(), key); err != nil {
				t.Fatalf("Delete(%q) = %v", key, err)
			}
		}
		wantBlob(t, s, "a/b", "x")
	})
}
