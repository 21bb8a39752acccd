package operations_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/operations"
)

// TestRunner_BacklogDoesNotDelayOtherAccount queues many takes for account
// a, then one training for account b: b's training must be among the
// first operations the runner starts, not behind a's backlog.
func TestRunner_BacklogDoesNotDelayOtherAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.store.AccountCreate(ctx, facesnap.Account{Name: "b", SubscriptionID: uuid.NewString(), ResourceGroup: "rg"}); err != nil {
		t.Fatal(err)
	}
	const backlog, concurrency = 100, 2
	enqueue := func(account string, kind facesnap.OperationKind, created time.Time) string {
		op := facesnap.Operation{ID: uuid.NewString(), Account: account, Kind: kind, Status: facesnap.OperationNotStarted, CreatedAt: created}
		if err := b.store.OperationCreate(ctx, op); err != nil {
			t.Fatal(err)
		}
		return op.ID
	}
	start := time.Now()
	for i := range backlog {
		enqueue("a", facesnap.OperationSnapshotTake, start.Add(time.Duration(i)*time.Millisecond))
	}
	train := enqueue("b", facesnap.OperationTrain, start.Add(time.Second))

	var mu sync.Mutex
	var started []string         // account of each operation, in the order started
	trained := make(chan int, 1) // how many operations had started when b's finished
	r := operations.NewRunner(b.store, operations.RunnerConfig{Concurrency: concurrency, Poll: 10 * time.Millisecond})
	work := func(ctx context.Context, op *facesnap.Operation, _ operations.Progress) (operations.Result, error) {
		mu.Lock()
		started = append(started, op.Account)
		mu.Unlock()
		select { // each take is slow enough that the backlog would hold b for a while
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
		}
		if op.ID == train {
			mu.Lock()
			trained <- len(started)
			mu.Unlock()
		}
		return operations.Result{}, nil
	}
	for _, k := range []facesnap.OperationKind{facesnap.OperationSnapshotTake, facesnap.OperationTrain} {
		if err := r.Register(k, operations.WorkerFunc(work)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	select {
	case n := <-trained:
		// b's training was claimed while a held at most one slot, and
		// finished while a's backlog was still almost all queued.
		if n > concurrency+1 {
			t.Fatalf("%d operations started before b's training finished, want at most %d", n, concurrency+1)
		}
		mu.Lock()
		defer mu.Unlock()
		if i := indexOf(started, "b"); i < 0 || i >= concurrency {
			t.Fatalf("b's training started %dth, want among the first %d: %v", i+1, concurrency, started)
		}
	case <-ctx.Done():
		t.Fatal("b's training did not finish in 10 s")
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
