package cli

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"facesnap"
	"facesnap/operations"
	"facesnap/postgres"
)

// wakeTimeout bounds the NOTIFY sent after an enqueue; the other nodes'
// poll finds the work anyway if it is lost.
const wakeTimeout = 5 * time.Second

// nodeWaker is the Notifier of a server on PostgreSQL: an enqueue wakes
// this node's runner and, through NOTIFY, the runners of the other nodes
// on the database, which would otherwise find the work at their next
// poll. The NOTIFY goes from one goroutine, so a burst of enqueues sends
// a few, not one each, and Notify never waits for the database.
type nodeWaker struct {
	runner  *operations.Runner
	pending chan struct{}
}

func (w nodeWaker) Notify() {
	w.runner.Notify()
	select {
	case w.pending <- struct{}{}:
	default: // a NOTIFY is due already, and will follow this enqueue's commit
	}
}

// wakeAcrossNodes returns the Notifier for the services: the runner
// itself, or on PostgreSQL a nodeWaker, whose sender and listener run in
// wg until ctx ends.
func wakeAcrossNodes(ctx context.Context, wg *sync.WaitGroup, db facesnap.Store, runner *operations.Runner, log *slog.Logger) interface{ Notify() } {
	pg, ok := db.(*postgres.DB)
	if !ok {
		return runner
	}
	w := nodeWaker{runner: runner, pending: make(chan struct{}, 1)}
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.pending:
			}
			wctx, cancel := context.WithTimeout(ctx, wakeTimeout)
			if err := pg.WakeOperations(wctx); err != nil && ctx.Err() == nil {
				log.Warn("waking the other nodes failed; they find the work at their next poll", "err", err)
			}
			cancel()
		}
	})
	wg.Go(func() {
		pg.ListenOperations(ctx, runner.Notify, func(err error) {
			log.Warn("listening for other nodes' operations failed; polling meanwhile", "err", err)
		})
	})
	return w
}
