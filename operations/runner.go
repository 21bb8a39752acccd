package operations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"facesnap"
)

// Why not River: facesnap keeps operations in its own Store with leases
// and heartbeats instead of using riverqueue/river (v0.51). River rescues a
// job that a dead worker left "running" only after RescueStuckJobsAfter
// (one hour by default) and has no heartbeat (heartbeat-based rescue is an
// open proposal, riverqueue/river#1256): setting the horizon low enough to
// recover a killed apply in seconds would hand a healthy, long apply to a
// second worker. An operation here must show lastActionTime advancing every
// second anyway, so the heartbeat that does that also extends a short
// lease: a live worker keeps its operation, a killed one loses it within
// Lease, on one node or many. Claiming is one UPDATE in the same database
// as the data, so an operation is enqueued in the transaction that reserves
// its target.

// RunnerConfig configures a Runner. Zero values take the defaults.
type RunnerConfig struct {
	// Owner names this runner in leases; default host-pid-random. Each
	// claim adds a number of its own, so that two of the runner's slots
	// never hold one operation at once: a slot whose lease lapsed (its
	// heartbeat stuck behind a long write) can no longer finish an
	// operation that another slot took over.
	Owner string
	// Concurrency bounds the operations worked on at once; queued work
	// stays notstarted. Default 2.
	Concurrency int
	// Lease is how long a claim holds without a heartbeat; default 10 s.
	Lease time.Duration
	// Heartbeat is how often a running operation's lastActionTime and
	// progress are recorded; default 1 s.
	Heartbeat time.Duration
	// Poll is how often idle runners look for work they were not
	// notified of (enqueued by another node, or a dead runner's lease
	// expiring); default 1 s.
	Poll time.Duration
	// MaxAttempts is how often an operation is tried before it fails
	// for an unexpected error; default 5.
	MaxAttempts int
	// Retention is how long finished operations are kept; default 48 h.
	Retention time.Duration
	Logger    *slog.Logger
	Now       func() time.Time
}

func (c *RunnerConfig) setDefaults() {
	if c.Owner == "" {
		c.Owner = defaultOwner()
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 2
	}
	if c.Lease <= 0 {
		c.Lease = 10 * time.Second
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = time.Second
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Retention <= 0 {
		c.Retention = 48 * time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = func() time.Time { return time.Now().UTC() }
	}
}

func defaultOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Runner claims operations from a Store and runs their workers.
type Runner struct {
	store   facesnap.Store
	cfg     RunnerConfig
	workers map[facesnap.OperationKind]Worker
	kinds   []facesnap.OperationKind
	wake    chan struct{}
	running atomic.Bool
	claims  atomic.Int64
}

// NewRunner returns a Runner; register workers before Run.
func NewRunner(store facesnap.Store, cfg RunnerConfig) *Runner {
	cfg.setDefaults()
	return &Runner{
		store:   store,
		cfg:     cfg,
		workers: make(map[facesnap.OperationKind]Worker),
		wake:    make(chan struct{}, 1),
	}
}

// Register sets the worker for a kind. A kind has one worker: registering
// it twice is an error.
func (r *Runner) Register(kind facesnap.OperationKind, w Worker) error {
	if r.running.Load() {
		return errors.New("operations: register after Run")
	}
	if _, dup := r.workers[kind]; dup {
		return fmt.Errorf("operations: worker for %q registered twice", kind)
	}
	r.workers[kind] = w
	r.kinds = append(r.kinds, kind)
	return nil
}

// Notify wakes an idle runner: call it after enqueuing an operation so the
// work starts now rather than at the next poll.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works on operations until ctx is done, then waits for the running
// workers to stop. An operation interrupted by shutdown keeps its lease
// until it expires; the next runner redoes it.
func (r *Runner) Run(ctx context.Context) error {
	if len(r.workers) == 0 {
		return errors.New("operations: no workers registered")
	}
	r.running.Store(true)
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Go(func() { r.loop(ctx) })
	}
	wg.Go(func() { r.purgeLoop(ctx) })
	wg.Wait()
	return nil
}

func (r *Runner) loop(ctx context.Context) {
	poll := time.NewTicker(r.cfg.Poll)
	defer poll.Stop()
	for ctx.Err() == nil {
		worked, err := r.RunOne(ctx)
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.Error("operation claim failed", "err", err)
		}
		if worked {
			continue // there may be more queued
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-poll.C:
		}
	}
}

func (r *Runner) purgeLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := r.store.OperationPurge(ctx, r.cfg.Now().Add(-r.cfg.Retention))
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.Error("operation purge failed", "err", err)
		} else if n > 0 {
			r.cfg.Logger.Info("purged finished operations", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOne claims and runs one operation. It reports whether there was one.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	now := r.cfg.Now()
	op, err := r.store.OperationClaim(ctx, facesnap.OperationClaimParams{
		Kinds:      r.kinds,
		Owner:      fmt.Sprintf("%s/%d", r.cfg.Owner, r.claims.Add(1)),
		Now:        now,
		LeaseUntil: now.Add(r.cfg.Lease),
	})
	if errors.Is(err, facesnap.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim operation: %w", err)
	}
	r.run(ctx, &op)
	return true, nil
}

func (r *Runner) run(ctx context.Context, op *facesnap.Operation) {
	log := r.cfg.Logger.With("operation", op.ID, "kind", op.Kind, "attempt", op.Attempt)
	log.Info("operation started")

	workCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	prog := &progress{}
	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		r.heartbeat(workCtx, cancel, op, prog, log)
	}()

	res, err := r.work(workCtx, op, prog)
	cancel(nil)
	<-hbDone

	if ctx.Err() != nil {
		// Shutting down: leave the lease to expire so a runner redoes it.
		log.Info("operation interrupted by shutdown")
		return
	}
	fin := facesnap.OperationFinishParams{ID: op.ID, Owner: op.LeaseOwner, Now: r.cfg.Now()}
	fin.Done, fin.Total = prog.get()
	switch fe, failed := AsFail(err); {
	case err == nil:
		fin.Status = facesnap.OperationSucceeded
		fin.ResourceLocation = res.ResourceLocation
	case failed:
		fin.Status = facesnap.OperationFailed
		fin.Message = fe.Message
	case errors.Is(err, errLeaseLost):
		log.Warn("operation lease lost; another runner has it")
		return
	case op.Attempt < r.cfg.MaxAttempts:
		log.Error("operation attempt failed; will retry", "err", err)
		r.retryLater(op, log)
		return
	default:
		log.Error("operation failed after last attempt", "err", err)
		fin.Status = facesnap.OperationFailed
		fin.Message = "The operation failed because of an internal error."
		if a, ok := r.workers[op.Kind].(Abandoner); ok {
			if err := a.Abandon(context.WithoutCancel(ctx), op); err != nil {
				// Recording the failure would strand what Abandon did not
				// clean: retry the whole operation later instead.
				log.Error("abandon operation", "err", err)
				r.retryLater(op, log)
				return
			}
		}
	}
	// The result must be recorded even if the work context is gone.
	if err := r.store.OperationFinish(context.WithoutCancel(ctx), fin); err != nil {
		log.Error("record operation result", "err", err)
		return
	}
	log.Info("operation finished", "status", fin.Status, "message", fin.Message)
}

var errLeaseLost = errors.New("operation lease lost")

// work calls the worker, turning a panic into an error so one bad
// operation cannot take the server down.
func (r *Runner) work(ctx context.Context, op *facesnap.Operation, prog *progress) (res Result, err error) {
	w, ok := r.workers[op.Kind]
	if !ok {
		return Result{}, Fail("Unknown operation kind %q.", op.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("worker panic: %v", p)
		}
	}()
	res, err = w.Work(ctx, op, prog)
	if err != nil && errors.Is(context.Cause(ctx), errLeaseLost) {
		return res, errLeaseLost
	}
	return res, err
}

// heartbeat records progress and extends the lease every Heartbeat until
// ctx ends; if the lease is lost it cancels the work.
func (r *Runner) heartbeat(ctx context.Context, cancel context.CancelCauseFunc, op *facesnap.Operation, prog *progress, log *slog.Logger) {
	t := time.NewTicker(r.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		done, total := prog.get()
		now := r.cfg.Now()
		err := r.store.OperationHeartbeat(ctx, facesnap.OperationHeartbeatParams{
			ID: op.ID, Owner: op.LeaseOwner, Now: now, LeaseUntil: now.Add(r.cfg.Lease),
			Done: done, Total: total,
		})
		switch {
		case err == nil:
		case errors.Is(err, facesnap.ErrConflict):
			log.Warn("operation lease lost")
			cancel(errLeaseLost)
			return
		case ctx.Err() == nil:
			log.Error("operation heartbeat failed", "err", err)
		}
	}
}

// retryLater keeps the operation running but lets its lease run out after
// a backoff, so any runner picks it up again.
func (r *Runner) retryLater(op *facesnap.Operation, log *slog.Logger) {
	backoff := time.Duration(1<<min(op.Attempt, 6)) * time.Second
	now := r.cfg.Now()
	err := r.store.OperationHeartbeat(context.Background(), facesnap.OperationHeartbeatParams{
		ID: op.ID, Owner: op.LeaseOwner, Now: now, LeaseUntil: now.Add(backoff),
	})
	if err != nil {
		log.Error("schedule operation retry", "err", err)
	}
}

type progress struct {
	done, total atomic.Int64
}

func (p *progress) Set(done, total int64) {
	p.done.Store(done)
	p.total.Store(total)
}

func (p *progress) get() (int64, int64) { return p.done.Load(), p.total.Load() }
