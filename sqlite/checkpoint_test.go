package sqlite

import (
	"path/filepath"
	"testing"

	"facesnap"
)

// TestCollectionLoadCheckpointThreshold: a load raises the writer's
// wal_autocheckpoint for its own commit only; after it, failed or not,
// ordinary writes have SQLite's default again.
func TestCollectionLoadCheckpointThreshold(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	threshold := func() int {
		t.Helper()
		var n int
		if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.AccountCreate(ctx, facesnap.Account{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "l"}
	if err := db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	faces := []facesnap.Face{{ID: "f1", Seq: 1}, {ID: "f2", Seq: 2}}
	if err := db.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "o", Faces: faces}); err != nil {
		t.Fatal(err)
	}
	if n := threshold(); n != walAutoCheckpoint {
		t.Errorf("after a load: wal_autocheckpoint %d, want %d", n, walAutoCheckpoint)
	}
	// The same faces again: the load fails on their ids.
	if err := db.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "o", Faces: faces}); err == nil {
		t.Fatal("loading the same faces twice succeeded")
	}
	if n := threshold(); n != walAutoCheckpoint {
		t.Errorf("after a failed load: wal_autocheckpoint %d, want %d", n, walAutoCheckpoint)
	}
}
