package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"facesnap"
	"facesnap/sqlite"
)

// TestPersonCache checks that PersonGet, cached, still answers every
// write that returned before it: through the same DB, and through another
// DB on the same file, as another process (the account commands) writes.
func TestPersonCache(t *testing.T) {
	t.Parallel()
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindPersonGroup, ID: "group"}
	rename := func(name string) func(context.Context, facesnap.Store) error {
		return func(ctx context.Context, db facesnap.Store) error {
			return db.PersonUpdate(ctx, facesnap.PersonUpdateParams{Ref: ref, PersonID: "p", Name: &name})
		}
	}
	addFace := func(ctx context.Context, db facesnap.Store) error {
		return db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: facesnap.Face{ID: "f2", PersonID: "p"}})
	}
	deleteFace := func(ctx context.Context, db facesnap.Store) error { return db.FaceDelete(ctx, ref, "p", "f1") }
	deletePerson := func(ctx context.Context, db facesnap.Store) error { return db.PersonDelete(ctx, ref, "p") }
	deleteGroup := func(ctx context.Context, db facesnap.Store) error { return db.CollectionDelete(ctx, ref) }
	deleteAccount := func(ctx context.Context, db facesnap.Store) error { return db.AccountDelete(ctx, "acme") }
	inTx := func(ctx context.Context, db facesnap.Store) error {
		return db.InTx(ctx, func(tx facesnap.Store) error { return rename("in tx")(ctx, tx) })
	}
	tests := []struct {
		name  string
		write func(context.Context, facesnap.Store) error
		want  facesnap.Person
		gone  bool // the person is not found after the write
	}{
		{name: "Rename", write: rename("renamed"), want: facesnap.Person{ID: "p", Name: "renamed", FaceIDs: []string{"f1"}}},
		{name: "RenameInTx", write: inTx, want: facesnap.Person{ID: "p", Name: "in tx", FaceIDs: []string{"f1"}}},
		{name: "AddFace", write: addFace, want: facesnap.Person{ID: "p", Name: "before", FaceIDs: []string{"f1", "f2"}}},
		{name: "DeleteFace", write: deleteFace, want: facesnap.Person{ID: "p", Name: "before"}},
		{name: "DeletePerson", write: deletePerson, gone: true},
		{name: "DeleteGroup", write: deleteGroup, gone: true},
		{name: "DeleteAccount", write: deleteAccount, gone: true},
	}
	for _, tt := range tests {
		for _, where := range []string{"SameDB", "OtherDB"} {
			t.Run(tt.name+"/"+where, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				path := filepath.Join(t.TempDir(), "facesnap.db")
				db := open(t, path)
				defer db.Close()
				must(t, db.AccountCreate(ctx, facesnap.Account{Name: "acme", SubscriptionID: "s"}))
				must(t, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
				must(t, db.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: "p", Name: "before"}}))
				must(t, db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: facesnap.Face{ID: "f1", PersonID: "p"}}))

				// Twice with no write between: the second is a hit, and
				// what a caller does to its copy stays its own.
				first, err := db.PersonGet(ctx, ref, "p")
				must(t, err)
				first.FaceIDs[0] = "changed by the caller"
				if n := sqlite.PersonCacheLen(db); n != 1 {
					t.Fatalf("cache holds %d persons after a read, want 1", n)
				}
				again, err := db.PersonGet(ctx, ref, "p")
				must(t, err)
				if fmt.Sprint(again.FaceIDs) != "[f1]" {
					t.Fatalf("second read: face ids %v, want [f1]", again.FaceIDs)
				}

				writer := facesnap.Store(db)
				if where == "OtherDB" {
					other := open(t, path)
					defer other.Close()
					writer = other
				}
				must(t, tt.write(ctx, writer))
				got, err := db.PersonGet(ctx, ref, "p")
				if tt.gone {
					if !errors.Is(err, facesnap.ErrNotFound) {
						t.Fatalf("after the write: %+v, %v; want not found", got, err)
					}
					return
				}
				must(t, err)
				if got.ID != tt.want.ID || got.Name != tt.want.Name || fmt.Sprint(got.FaceIDs) != fmt.Sprint(tt.want.FaceIDs) {
					t.Fatalf("after the write: %+v, want %+v", got, tt.want)
				}
			})
		}
	}
}

// TestPersonCache_Concurrent renames a person over and over while readers
// read it: once a rename has returned, no read that starts after it may
// answer an older name.
func TestPersonCache_Concurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facesnap.db")
	db := open(t, path)
	defer db.Close()
	other := open(t, path) // half the renames come from another DB
	defer other.Close()
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindPersonGroup, ID: "group"}
	must(t, db.AccountCreate(ctx, facesnap.Account{Name: "acme", SubscriptionID: "s"}))
	must(t, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
	must(t, db.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: "p", Name: "0"}}))

	var committed atomic.Int64 // the last rename that returned
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 6 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := committed.Load()
				p, err := db.PersonGet(ctx, ref, "p")
				if err != nil {
					errs <- err
					return
				}
				var n int64
				fmt.Sscan(p.Name, &n)
				if n < floor {
					errs <- fmt.Errorf("read name %d after rename %d had returned", n, floor)
					return
				}
			}
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for i := int64(1); i <= 300 && time.Now().Before(deadline); i++ {
		w := facesnap.Store(db)
		if i%2 == 0 {
			w = other
		}
		name := fmt.Sprint(i)
		must(t, w.PersonUpdate(ctx, facesnap.PersonUpdateParams{Ref: ref, PersonID: "p", Name: &name}))
		committed.Store(i)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
