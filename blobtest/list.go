package blobtest

import (
	"testing"

	"facesnap"
)

func exerciseList(t *testing.T, newStore func(t *testing.T) facesnap.BlobStore) {
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantList(t, s, "")
		keys := []string{
			"snapshots/b/meta.json", "snapshots/a/data", "snapshots/a/meta.json",
			"snapshots/a-1/data", "snapshots/ab/data", "top", "snapshots.txt",
		}
		for _, k := range keys {
			put(t, s, k, k)
		}
		// Sorted as strings: "a-1/" before "a/" ('-' < '/').
		wantList(t, s, "", "snapshots.txt", "snapshots/a-1/data", "snapshots/a/data",
			"snapshots/a/meta.json", "snapshots/ab/data", "snapshots/b/meta.json", "top")
		wantList(t, s, "snapshots/", "snapshots/a-1/data", "snapshots/a/data",
			"snapshots/a/meta.json", "snapshots/ab/data", "snapshots/b/meta.json")
		wantList(t, s, "snapshots/a/", "snapshots/a/data", "snapshots/a/meta.json")
		// A prefix need not end at a segment.
		wantList(t, s, "snapshots/a", "snapshots/a-1/data", "snapshots/a/data",
			"snapshots/a/meta.json", "snapshots/ab/data")
		wantList(t, s, "snapshots", "snapshots.txt", "snapshots/a-1/data", "snapshots/a/data",
			"snapshots/a/meta.json", "snapshots/ab/data", "snapshots/b/meta.json")
		wantList(t, s, "snapshots/a/data", "snapshots/a/data")
		wantList(t, s, "snapshots/c/")
		wantList(t, s, "nothing/at/all/")
		wantList(t, s, "t", "top")
	})
}
