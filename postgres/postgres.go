// Package postgres implements facesnap.Store on PostgreSQL through pgx, so
// that several facesnap nodes can share one database.
//
// It keeps the sqlite store's semantics with PostgreSQL's own tools for
// the cases one process used to settle alone:
//   - Writes that add to a collection update its row first (seq, counts),
//     which locks it: seqs are gapless and quotas hold across nodes.
//     Collection quotas lock the account row (FOR NO KEY UPDATE, which
//     does not block the foreign key checks of other inserts).
//   - OperationClaim picks with FOR UPDATE SKIP LOCKED: two nodes never
//     claim one operation and never wait for each other.
//   - CollectionDump reads in one REPEATABLE READ READ ONLY transaction and
//     streams the rows as they arrive.
//   - CollectionLoad copies its batch in with COPY.
//   - Migrations run under an advisory lock, so nodes that start together
//     migrate once.
//
// Transactions are READ COMMITTED, PostgreSQL's default: the row locks
// above make the read-then-write steps safe without serialization retries.
//
// The schema lives in the first schema of the connection's search_path
// (default "public"): a URL parameter such as ?search_path=facesnap
// selects another, so deployments or tests can share a database.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"facesnap"
)

var _ facesnap.Store = (*DB)(nil)

// DB is a facesnap.Store kept in a PostgreSQL database.
type DB struct {
	store
}

// Option configures Open.
type Option func(*pgxpool.Config)

// WithMaxConns sets the size of the connection pool, as the URL's
// pool_max_conns does. Default: the greater of 10 and the number of CPUs.
func WithMaxConns(n int32) Option {
	return func(c *pgxpool.Config) { c.MaxConns = n }
}

// defaultMaxConns is the least pool size when the URL does not set one.
// pgxpool's own default (4, or the CPU count) is small for a server: each
// running snapshot take holds a connection for its whole dump, while
// requests and the runner's heartbeats need others.
const defaultMaxConns = 10

// Open connects to the database at url (postgres://user@host/db?...),
// brings its schema up to date and returns the store.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg, err := poolConfig(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	return &DB{store{pool: pool}}, nil
}

func poolConfig(url string, opts ...Option) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns)
	}
	for _, opt := range opts {
		opt(cfg)
	}
	if cfg.MaxConns < 2 {
		// A snapshot take streams its dump on one connection while the
		// runner records its progress on another.
		return nil, errors.New("pool_max_conns must be at least 2")
	}
	return cfg, nil
}

// querier is what the pool and a transaction have in common: store
// methods run their statements on it without knowing whether a
// transaction is open.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// store implements facesnap.Store either on the pool (tx nil) or inside
// one transaction (InTx).
type store struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

func (s *store) Close() error {
	if s.tx != nil {
		return errors.New("postgres: Close inside InTx")
	}
	s.pool.Close()
	return nil
}

func (s *store) InTx(ctx context.Context, fn func(facesnap.Store) error) error {
	if s.tx != nil {
		return fn(s) // nested: the outer transaction decides
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return fn(&store{pool: s.pool, tx: tx})
	})
}

// writeTx runs fn in a transaction: a new one on the pool or, inside
// InTx, a savepoint of its transaction. A failed statement aborts a
// PostgreSQL transaction, and a method that fails must leave nothing
// behind even when the caller goes on: the savepoint gives both.
func (s *store) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if s.tx != nil {
		return pgx.BeginFunc(ctx, s.tx, fn)
	}
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// write runs a single-statement write. Outside InTx the statement is its
// own transaction, which saves BEGIN and COMMIT round trips; inside, it
// runs in a savepoint as writeTx does.
func (s *store) write(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return pgx.BeginFunc(ctx, s.tx, func(tx pgx.Tx) error { return fn(tx) })
	}
	return fn(s.pool)
}

// reader is where a single-statement read runs: a statement sees one
// snapshot, so reads are written as one statement each.
func (s *store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.pool
}

// limit turns a Top of 0 (no limit) into LIMIT NULL, which is no limit.
func limit(top int) *int {
	if top <= 0 {
		return nil
	}
	return &top
}

// nullable stores "" as NULL: a list's faces have no person.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// mustAffect turns a statement that changed no row into NotFound(o, id).
func mustAffect(tag pgconn.CommandTag, err error, o facesnap.Object, id string) error {
	if err != nil {
		return interpretError(err, o, id)
	}
	if tag.RowsAffected() == 0 {
		return facesnap.NotFound(o, id)
	}
	return nil
}
