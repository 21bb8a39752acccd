package snapshots_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"facesnap"
	"facesnap/snapshots"
)

func TestQuota_SnapshotsPerAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.svc.MaxSnapshots = 2
	src := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 2)
	first := take(t, b, src, acctA.SubscriptionID)
	take(t, b, src, acctA.SubscriptionID)
	_, err := b.svc.Take(ctx, acctA, snapshots.TakeParams{Type: src.Kind, ObjectID: src.ID, ApplyScope: []string{acctA.SubscriptionID}})
	if !errors.Is(err, facesnap.ErrQuota) {
		t.Fatalf("third take: %v, want a QuotaError", err)
	}
	// An import holds a slot too.
	data := export(t, b, acctA, first)
	if _, err := b.svc.Import(ctx, acctA, bytes.NewReader(data), snapshots.ImportParams{}); !errors.Is(err, facesnap.ErrQuota) {
		t.Fatalf("import past the limit: %v, want a QuotaError", err)
	}
	// Another account has its own count.
	if _, err := b.svc.Import(ctx, acctB, bytes.NewReader(data), snapshots.ImportParams{}); err != nil {
		t.Fatal(err)
	}
	// Deleting one gives its slot back.
	if err := b.svc.Delete(ctx, acctA, first); err != nil {
		t.Fatal(err)
	}
	take(t, b, src, acctA.SubscriptionID)
	// A refused import gives its slot back: B, with one stored of two,
	// can still import after a damaged file.
	damaged := append([]byte{}, data...)
	damaged[len(damaged)/2] ^= 1
	if _, err := b.svc.Import(ctx, acctB, bytes.NewReader(damaged), snapshots.ImportParams{}); !errors.Is(err, facesnap.ErrInvalid) {
		t.Fatalf("damaged import: %v", err)
	}
	if _, err := b.svc.Import(ctx, acctB, bytes.NewReader(data), snapshots.ImportParams{}); err != nil {
		t.Fatalf("import after a refused one: %v", err)
	}
	// An expired snapshot no longer counts.
	b.clock.Advance(49 * time.Hour)
	take(t, b, src, acctA.SubscriptionID)
}

func TestQuota_PerDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.svc.MaxTakesPerDay, b.svc.MaxAppliesPerDay = 2, 1
	src := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 1)
	snap := take(t, b, src, acctA.SubscriptionID, acctB.SubscriptionID)
	data := export(t, b, acctA, snap)
	// The import is the day's second take; a third take is refused.
	if _, err := b.svc.Import(ctx, acctA, bytes.NewReader(data), snapshots.ImportParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Take(ctx, acctA, snapshots.TakeParams{Type: src.Kind, ObjectID: src.ID, ApplyScope: []string{acctA.SubscriptionID}}); !errors.Is(err, facesnap.ErrQuota) {
		t.Fatalf("third take of the day: %v, want a QuotaError", err)
	}
	if _, err := b.svc.Apply(ctx, acctA, snap, snapshots.ApplyParams{ObjectID: "one"}); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.Apply(ctx, acctA, snap, snapshots.ApplyParams{ObjectID: "two"})
	var q *facesnap.QuotaError
	if !errors.As(err, &q) {
		t.Fatalf("second apply of the day: %v, want a QuotaError", err)
	}
	// B's day is its own.
	if _, err := b.svc.Apply(ctx, acctB, snap, snapshots.ApplyParams{ObjectID: "one"}); err != nil {
		t.Fatal(err)
	}
	// A day later A may apply again.
	b.clock.Advance(24 * time.Hour)
	if _, err := b.svc.Apply(ctx, acctA, snap, snapshots.ApplyParams{ObjectID: "two"}); err != nil {
		t.Fatalf("apply a day later: %v", err)
	}
}

// TestQuota_FailedTakeGivesSlotBack: a take that fails leaves no snapshot,
// so it must not hold the account's only slot.
func TestQuota_FailedTakeGivesSlotBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.svc.MaxSnapshots = 1
	gone := seed(t, b.store, acctA, facesnap.KindFaceList, "gone", 0, 1)
	kept := seed(t, b.store, acctA, facesnap.KindFaceList, "kept", 0, 1)
	opID, err := b.svc.Take(ctx, acctA, snapshots.TakeParams{Type: gone.Kind, ObjectID: gone.ID, ApplyScope: []string{acctA.SubscriptionID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.CollectionDelete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	if op := b.op(t, opID); op.Status != facesnap.OperationFailed {
		t.Fatalf("take of a deleted source: %s", op.Status)
	}
	take(t, b, kept, acctA.SubscriptionID)
}
