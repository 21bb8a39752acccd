package snapshots_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facesnap"
	"facesnap/blob/sealed"
	"facesnap/snapshots"
)

// sealedRegion is a region whose blobs are sealed with key (base64).
func sealedRegion(t *testing.T, blobDir string, clk *clock, key string) *testBundle {
	t.Helper()
	b := newRegion(t, blobDir, clk, nil)
	kr, err := sealed.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	b.svc.Blobs = &sealed.Store{Inner: b.svc.Blobs, Keys: kr}
	return b
}

func storeKey() string {
	k := make([]byte, sealed.KeySize)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// TestSealed_Regions: a region holding the store key applies what
// another took; one with another key neither lists nor applies it.
func TestSealed_Regions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	shared, key := t.TempDir(), storeKey()
	east, west := sealedRegion(t, shared, clk, key), sealedRegion(t, shared, clk, key)
	other := sealedRegion(t, shared, clk, storeKey())
	unreadable := &counter{}
	other.svc.Unreadable = unreadable

	src := seed(t, east.store, acctA, facesnap.KindLargePersonGroup, "lpg", 3, 2)
	snapID := take(t, east, src, acctB.SubscriptionID)
	meta, err := os.ReadFile(filepath.Join(shared, "snapshots", snapID, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(meta), acctB.SubscriptionID) {
		t.Fatal("meta stored in clear")
	}

	opID, err := west.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "lpg"})
	if err != nil {
		t.Fatal(err)
	}
	west.drain(t)
	if op := west.op(t, opID); op.Status != facesnap.OperationSucceeded {
		t.Fatalf("apply with the same key: %s %q", op.Status, op.Message)
	}

	list, err := other.svc.List(ctx, acctB, snapshots.ListParams{})
	if err != nil || len(list) != 0 || unreadable.n.Load() != 1 {
		t.Fatalf("list with another key: %d snapshots, %d counted, %v", len(list), unreadable.n.Load(), err)
	}
	_, err = other.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "lpg"})
	if !errors.Is(err, facesnap.ErrNotFound) || !strings.Contains(err.Error(), "cannot be authenticated") {
		t.Fatalf("apply with another key: %v", err)
	}
}

// TestSealed_Tampered: whoever writes the store can change neither the
// data nor the meta (its owner, its scope) unnoticed.
func TestSealed_Tampered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	flip := func(t *testing.T, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x40
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("Data", func(t *testing.T) {
		t.Parallel()
		b := sealedRegion(t, t.TempDir(), &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}, storeKey())
		src := seed(t, b.store, acctA, facesnap.KindLargeFaceList, "lfl", 0, 50)
		snapID := take(t, b, src, acctB.SubscriptionID)
		flip(t, filepath.Join(b.blobDir, "snapshots", snapID, "data"))
		opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
		if err != nil {
			t.Fatal(err)
		}
		b.drain(t)
		if op := b.op(t, opID); op.Status != facesnap.OperationFailed || !strings.Contains(op.Message, "cannot be authenticated") {
			t.Fatalf("apply of tampered data: %s %q", op.Status, op.Message)
		}
	})
	for name, tamper := range map[string]func(t *testing.T, path string){
		"MetaByte": flip,
		// A plaintext meta granting account C: what a store writer
		// without the key could write.
		"MetaForged": func(t *testing.T, path string) {
			forged := `{"id":"x","account":"a","type":"LargeFaceList","applyScope":["` + acctC.SubscriptionID + `"]}`
			if err := os.WriteFile(path, []byte(forged), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := sealedRegion(t, t.TempDir(), &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}, storeKey())
			src := seed(t, b.store, acctA, facesnap.KindLargeFaceList, "lfl", 0, 2)
			snapID := take(t, b, src, acctB.SubscriptionID)
			tamper(t, filepath.Join(b.blobDir, "snapshots", snapID, "meta.json"))
			for _, acct := range []facesnap.Account{acctA, acctB, acctC} {
				if _, err := b.svc.Get(ctx, acct, snapID); !errors.Is(err, facesnap.ErrNotFound) {
					t.Fatalf("get as %s: %v", acct.Name, err)
				}
				if list, err := b.svc.List(ctx, acct, snapshots.ListParams{}); err != nil || len(list) != 0 {
					t.Fatalf("list as %s: %d, %v", acct.Name, len(list), err)
				}
			}
		})
	}
}
