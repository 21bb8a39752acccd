package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Waking other nodes: a node that enqueues an operation wakes its own
// runner at once, but the other nodes' runners would find the work only
// at their next poll (a second). WakeOperations sends a PostgreSQL
// NOTIFY that ListenOperations, on every node of the same schema,
// turns into a wake of its runner. A lost notification costs only that
// poll's delay: the poll stays, so correctness never depends on NOTIFY.
//
// The channel is named after the schema (current_schema(), the first of
// the search_path; hashed, since a channel name has at most 63 bytes), so
// deployments or tests sharing a database in separate schemas do not
// wake each other.

// channelExpr computes the channel name in SQL, so that sender and
// listener agree without the store keeping the schema.
const channelExpr = `'facesnap_operations_' || left(md5(current_schema()), 16)`

// WakeOperations notifies the nodes listening on this schema that an
// operation was enqueued.
func (s *DB) WakeOperations(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `SELECT pg_notify(`+channelExpr+`, '')`)
	return err
}

// ListenOperations calls wake for every notification WakeOperations sends
// on this schema, from any node, until ctx ends. It listens on a
// connection of its own, outside the pool; when that connection fails it
// reconnects (a second later, then with backoff up to 30 s), calling wake
// once after each reconnection for what it may have missed. onError, if
// not nil, hears of each failure. It returns when ctx is done.
func (s *DB) ListenOperations(ctx context.Context, wake func(), onError func(error)) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := s.listen(ctx, wake, func() { backoff = time.Second })
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
		wake()
	}
}

// listen runs one LISTEN session until it fails or ctx ends; listening is
// called once the LISTEN is in place.
func (s *DB) listen(ctx context.Context, wake, listening func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var channel string
	if err := conn.QueryRow(ctx, `SELECT `+channelExpr).Scan(&channel); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
