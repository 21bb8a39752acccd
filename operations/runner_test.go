package operations_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/operations"
	"facesnap/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const kind facesnap.OperationKind = "test.kind"

type testBundle struct {
	store facesnap.Store
	clock *clock
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.AccountCreate(ctx, facesnap.Account{Name: "a", SubscriptionID: uuid.NewString(), ResourceGroup: "rg"}); err != nil {
		t.Fatal(err)
	}
	return &testBundle{store: db, clock: &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}}
}

func (b *testBundle) runner(t *testing.T, w operations.Worker) *operations.Runner {
	t.Helper()
	r := operations.NewRunner(b.store, operations.RunnerConfig{Now: b.clock.Now, MaxAttempts: 2, Heartbeat: 10 * time.Millisecond})
	if err := r.Register(kind, w); err != nil {
		t.Fatal(err)
	}
	return r
}

func (b *testBundle) enqueue(t *testing.T) string {
	t.Helper()
	op := facesnap.Operation{ID: uuid.NewString(), Account: "a", Kind: kind, Status: facesnap.OperationNotStarted, CreatedAt: b.clock.Now()}
	if err := b.store.OperationCreate(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	return op.ID
}

func (b *testBundle) get(t *testing.T, id string) facesnap.Operation {
	t.Helper()
	op, err := b.store.OperationGet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func TestRunner_Outcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		work        operations.WorkerFunc
		wantStatus  facesnap.OperationStatus
		wantMessage string
		wantPlace   string
	}{
		{"Succeeded", func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
			return operations.Result{ResourceLocation: "/snapshots/x"}, nil
		}, facesnap.OperationSucceeded, "", "/snapshots/x"},
		{"Failed", func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
			return operations.Result{}, operations.Fail("The source is gone.")
		}, facesnap.OperationFailed, "The source is gone.", ""},
		{"Panicked", func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
			panic("boom")
		}, facesnap.OperationRunning, "", ""}, // retried later, not fatal to the server
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			id := b.enqueue(t)
			worked, err := b.runner(t, tt.work).RunOne(context.Background())
			if err != nil || !worked {
				t.Fatalf("RunOne = %v, %v", worked, err)
			}
			op := b.get(t, id)
			if op.Status != tt.wantStatus || op.Message != tt.wantMessage || op.ResourceLocation != tt.wantPlace {
				t.Fatalf("op = %s %q %q", op.Status, op.Message, op.ResourceLocation)
			}
		})
	}
}

func TestRunner_RetriesThenFailsAndAbandons(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := &abandoning{}
	r := b.runner(t, w)
	id := b.enqueue(t)
	for attempt := 1; attempt <= 2; attempt++ {
		if worked, err := r.RunOne(context.Background()); err != nil || !worked {
			t.Fatalf("attempt %d: RunOne = %v, %v", attempt, worked, err)
		}
		// A retry waits for its backoff: nothing to claim right away.
		if worked, _ := r.RunOne(context.Background()); worked {
			t.Fatalf("attempt %d: claimed again before the backoff", attempt)
		}
		b.clock.Advance(time.Hour)
	}
	op := b.get(t, id)
	if op.Status != facesnap.OperationFailed || op.Message == "" || op.Attempt != 2 {
		t.Fatalf("op = %s attempt %d %q", op.Status, op.Attempt, op.Message)
	}
	if w.abandoned != 1 {
		t.Fatalf("Abandon called %d times, want 1", w.abandoned)
	}
}

type abandoning struct{ abandoned int }

func (a *abandoning) Work(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
	return operations.Result{}, errors.New("disk on fire")
}

func (a *abandoning) Abandon(context.Context, *facesnap.Operation) error {
	a.abandoned++
	return nil
}

func TestRunner_HeartbeatRecordsProgress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	progressed := make(chan struct{})
	release := make(chan struct{})
	r := b.runner(t, operations.WorkerFunc(func(ctx context.Context, _ *facesnap.Operation, p operations.Progress) (operations.Result, error) {
		p.Set(3, 10)
		close(progressed)
		select {
		case <-release:
		case <-ctx.Done():
		}
		p.Set(10, 10)
		return operations.Result{}, nil
	}))
	id := b.enqueue(t)
	done := make(chan struct{})
	go func() { defer close(done); _, _ = r.RunOne(context.Background()) }()
	<-progressed
	// Wait (bounded) for a heartbeat to record the progress.
	var op facesnap.Operation
	for range 500 {
		b.clock.Advance(time.Second)
		if op = b.get(t, id); op.Done == 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if op.Status != facesnap.OperationRunning || op.Done != 3 || op.Total != 10 || !op.LastActionAt.After(op.CreatedAt) {
		t.Fatalf("while running: %s %d/%d last action %v", op.Status, op.Done, op.Total, op.LastActionAt)
	}
	close(release)
	<-done
	if op = b.get(t, id); op.Status != facesnap.OperationSucceeded || op.Done != 10 {
		t.Fatalf("finished: %s %d/%d", op.Status, op.Done, op.Total)
	}
}

func TestRunner_ExpiredLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.enqueue(t)
	// A runner that died: it claimed the operation and was never heard of
	// again.
	now := b.clock.Now()
	if _, err := b.store.OperationClaim(context.Background(), facesnap.OperationClaimParams{
		Kinds: []facesnap.OperationKind{kind}, Owner: "dead", Now: now, LeaseUntil: now.Add(10 * time.Second),
	}); err != nil {
		t.Fatal(err)
	}
	r := b.runner(t, operations.WorkerFunc(func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
		return operations.Result{ResourceLocation: "/done"}, nil
	}))
	if worked, _ := r.RunOne(context.Background()); worked {
		t.Fatal("took over a live lease")
	}
	b.clock.Advance(11 * time.Second)
	if worked, err := r.RunOne(context.Background()); err != nil || !worked {
		t.Fatalf("RunOne after expiry = %v, %v", worked, err)
	}
	if op := b.get(t, id); op.Status != facesnap.OperationSucceeded || op.Attempt != 2 {
		t.Fatalf("op = %s attempt %d", op.Status, op.Attempt)
	}
}

func TestRunner_Register(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := operations.NewRunner(b.store, operations.RunnerConfig{})
	w := operations.WorkerFunc(func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
		return operations.Result{}, nil
	})
	if err := r.Register(kind, w); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(kind, w); err == nil {
		t.Fatal("a kind registered twice")
	}
}

// A slot whose lease lapsed (its heartbeat stuck behind a long write) must
// not record a result while the slot of the same runner that took the
// operation over is still working on it.
func TestRunner_LapsedSlotCannotFinish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started := make(chan int, 2)
	release := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var mu sync.Mutex
	calls := 0
	r := operations.NewRunner(b.store, operations.RunnerConfig{Now: b.clock.Now, Lease: time.Second, Heartbeat: time.Hour})
	err := r.Register(kind, operations.WorkerFunc(func(context.Context, *facesnap.Operation, operations.Progress) (operations.Result, error) {
		mu.Lock()
		n := calls
		calls++
		mu.Unlock()
		started <- n
		<-release[n]
		if n == 0 {
			return operations.Result{}, operations.Fail("stale attempt")
		}
		return operations.Result{ResourceLocation: "/fresh"}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	id := b.enqueue(t)
	staleDone := make(chan struct{})
	go func() { defer close(staleDone); _, _ = r.RunOne(context.Background()) }()
	<-started
	b.clock.Advance(time.Minute) // the first slot's lease lapses
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = r.RunOne(context.Background()) })
	<-started
	close(release[0]) // the stale slot ends first, while the takeover runs
	<-staleDone
	if op := b.get(t, id); op.Status != facesnap.OperationRunning {
		t.Fatalf("op = %s %q: the lapsed slot recorded its result", op.Status, op.Message)
	}
	close(release[1])
	wg.Wait()
	if op := b.get(t, id); op.Status != facesnap.OperationSucceeded || op.ResourceLocation != "/fresh" || op.Attempt != 2 {
		t.Fatalf("op = %s %q attempt %d", op.Status, op.ResourceLocation, op.Attempt)
	}
}
