package snapshots_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"facesnap"
	"facesnap/snapshots"
)

type counter struct{ n atomic.Int64 }

func (c *counter) Inc() { c.n.Add(1) }

// failingGets is a BlobStore whose Get fails, as a disk or a bucket does,
// for the keys in fail.
type failingGets struct {
	facesnap.BlobStore
	fail map[string]bool
}

func (f failingGets) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if f.fail[key] {
		return nil, errors.New("input/output error")
	}
	return f.BlobStore.Get(ctx, key)
}

// TestList_UnreadableEntries: a meta that is not JSON and one that cannot
// be read are skipped, logged and counted; listing and purge go on.
func TestList_UnreadableEntries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 1)
	good := take(t, b, src, acctB.SubscriptionID)
	garbled := take(t, b, src, acctB.SubscriptionID)
	failing := take(t, b, src, acctB.SubscriptionID)
	if err := os.WriteFile(filepath.Join(b.blobDir, "snapshots", garbled, "meta.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	unreadable := &counter{}
	b.svc.Blobs = failingGets{BlobStore: b.svc.Blobs, fail: map[string]bool{"snapshots/" + failing + "/meta.json": true}}
	b.svc.Log = slog.New(slog.NewTextHandler(&logs, nil))
	b.svc.Unreadable = unreadable

	for _, acct := range []facesnap.Account{acctA, acctB} {
		list, err := b.svc.List(ctx, acct, snapshots.ListParams{})
		if err != nil {
			t.Fatalf("list as %s: %v", acct.Name, err)
		}
		if len(list) != 1 || list[0].ID != good {
			t.Fatalf("list as %s: %d snapshots, want only %s", acct.Name, len(list), good)
		}
	}
	if got := unreadable.n.Load(); got != 4 {
		t.Fatalf("counted %d unreadable entries, want 2 per listing", got)
	}
	for _, id := range []string{garbled, failing} {
		if !strings.Contains(logs.String(), id) {
			t.Fatalf("log does not name %s:\n%s", id, logs.String())
		}
	}

	// Expired, the readable snapshot is purged all the same.
	b.clock.Advance(49 * time.Hour)
	n, err := b.svc.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purge: %d, %v; want 1 removed", n, err)
	}
	if _, err := os.Stat(filepath.Join(b.blobDir, "snapshots", good, "data")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("expired data still there: %v", err)
	}
}
