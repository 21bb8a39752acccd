package storetest

import (
	"fmt"
	"testing"
	"time"

	"facesnap"
)

// BenchOperationClaim measures one fair claim, its finish and the enqueue
// that keeps the backlog at its size, with backlog operations queued over
// 10 accounts: the fair pick ranks accounts over all unfinished
// operations, so its cost grows with the backlog. Backlog 10 is the
// baseline to compare with. s comes from BenchStore.
func BenchOperationClaim(b *testing.B, s facesnap.Store, backlog int) {
	ctx := b.Context()
	const accounts = 10
	for a := range accounts {
		must(b, s.AccountCreate(ctx, facesnap.Account{Name: fmt.Sprintf("claim%d", a)}))
	}
	n := 0
	enqueue := func(account string) {
		must(b, s.OperationCreate(ctx, facesnap.Operation{
			ID: uuid(n), Account: account, Kind: facesnap.OperationSnapshotTake,
			Status: facesnap.OperationNotStarted, CreatedAt: at(n),
		}))
		n++
	}
	for i := range backlog {
		enqueue(fmt.Sprintf("claim%d", i%accounts))
	}
	kinds := []facesnap.OperationKind{facesnap.OperationSnapshotTake}
	b.ResetTimer()
	for b.Loop() {
		now := at(n)
		op, err := s.OperationClaim(ctx, facesnap.OperationClaimParams{Kinds: kinds, Owner: "bench", Now: now, LeaseUntil: now.Add(time.Minute)})
		must(b, err)
		must(b, s.OperationFinish(ctx, facesnap.OperationFinishParams{ID: op.ID, Owner: "bench", Now: now, Status: facesnap.OperationSucceeded}))
		enqueue(op.Account)
	}
}
