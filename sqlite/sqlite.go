// Package sqlite implements facesnap.Store on SQLite, through the pure Go
// driver modernc.org/sqlite so that facesnap stays one static binary.
//
// Driver choice, measured ("## SQLite driver" in BENCHMARKS.md has the
// method): go test ./sqlite -run '^$' -bench . -count 5, medians, on 2
// shared cores; the same store code built once with modernc.org/sqlite
// v1.62.0 and once with github.com/mattn/go-sqlite3 v1.14.53 (cgo):
//
//	                         modernc             mattn
//	                         wall     CPU        wall     CPU
//	PersonGet                194 µs   80 µs      191 µs   70 µs
//	FaceAdd (own tx)         831 µs   234 µs     537 µs   166 µs
//	Load 10,000 faces/face   78 µs    19.3 µs    38 µs    13.1 µs
//
// mattn uses 12-30% less CPU, but needs cgo: no CGO_ENABLED=0 static
// binary, no plain cross-compiling, a C toolchain on every builder. At
// modernc's rate a 1,000,000-face apply costs about 19 s of store CPU, far
// inside the hour the service allows for one, so modernc stays.
//
// The hot statements (reads of a person, collection, face, training or
// account key; a face add, a person create, the bulk load's inserts) are
// prepared once at Open and reused: re-preparing them at every call had
// been about 40% of a person read's CPU and a third of a face add's. Same
// benchmarks, medians of 5, CPU per op: PersonGet 80.6 µs -> 29.0 µs,
// FaceAdd 208 µs -> 134 µs.
//
// Writes go through one connection, because SQLite has one writer anyway:
// queuing writers in the pool instead of in SQLite's busy handler means no
// SQLITE_BUSY and no lock upgrades. Every write transaction starts with
// BEGIN IMMEDIATE, so it takes the write lock before it reads. Reads use a
// pool of read-only connections; in WAL mode they never block the writer
// and never see a transaction that has not committed.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"facesnap"
)

var _ facesnap.Store = (*DB)(nil)

// DB is a facesnap.Store kept in one SQLite database file.
type DB struct {
	store
}

// writeCacheKiB is the write connection's page cache size.
const writeCacheKiB = 64 << 10

// Option configures Open.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	readConns   int
}

// WithBusyTimeout sets how long a connection waits for a lock held by
// another process (a backup, the sqlite3 shell) before it fails. Default 5s.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// WithReadConns sets the size of the read pool. Default: GOMAXPROCS, at
// least 4.
func WithReadConns(n int) Option {
	return func(o *options) { o.readConns = n }
}

// Open opens (creating it if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{busyTimeout: 5 * time.Second, readConns: max(4, runtime.GOMAXPROCS(0))}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		// Two pools must open the same file; the driver reads "?" as the
		// start of its parameters.
		return nil, fmt.Errorf("sqlite: unusable database path %q", path)
	}

	// synchronous=NORMAL in WAL mode syncs the WAL only at checkpoints. A
	// committed transaction is in the WAL file, written with write(2), so
	// it survives the process being killed (kill -9): the OS keeps the
	// written pages. Only a power loss or OS crash can lose the last
	// transactions, never corrupt the database.
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")

	wq := cloneValues(q)
	wq.Set("_txlock", "immediate")
	// The writer's page cache holds the index pages a bulk load keeps
	// going back to: faces' primary key and faces_person are keyed by
	// random uuids, so a batch of an apply touches pages all over them.
	// Against SQLite's default 2 MiB, 32 MiB cut a 100,000-face load's
	// CPU by about a fifth; at 1,000,000 faces 64 MiB cut it by another
	// sixth (BENCHMARKS.md, "SQLite store: prepared statements and bulk
	// load"). It is part of the server's RSS once the database is that
	// large.
	wq.Add("_pragma", fmt.Sprintf("cache_size(%d)", -writeCacheKiB))
	// With foreign keys on, every INSERT in a transaction keeps a
	// statement journal of the pages it changes, a temporary file by
	// default: a fifth of a bulk load's CPU went to its write(2) calls.
	// In memory it lives for one statement, a few pages.
	wq.Add("_pragma", "temp_store(MEMORY)")
	write, err := sql.Open("sqlite", path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}

	rq := cloneValues(q)
	rq.Add("_pragma", "query_only(ON)")
	read, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	read.SetMaxOpenConns(o.readConns)
	read.SetMaxIdleConns(o.readConns)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// The write pool's one connection is idle now, so preparing on it
	// cannot wait for a transaction; the read pool prepares lazily on each
	// of its connections at first use.
	wps, err := prepare(ctx, write, append(append([]string(nil), hotReads...), hotWrites...))
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	rps, err := prepare(ctx, read, hotReads)
	if err != nil {
		wps.close()
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	ckdb, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		rps.close()
		wps.close()
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	ckdb.SetMaxOpenConns(1)
	watch, err := sql.Open("sqlite", path+"?"+rq.Encode())
	var persons *personCache
	if err == nil {
		if persons, err = newPersonCache(ctx, watch); err != nil {
			watch.Close()
		}
	}
	if err != nil {
		ckdb.Close()
		rps.close()
		wps.close()
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	return &DB{store{write: write, read: read, wps: wps, rps: rps, ckpt: startCheckpointer(ckdb), persons: persons}}, nil
}

// walAutoCheckpoint is SQLite's default wal_autocheckpoint, which the
// writer keeps for ordinary writes; walLoadBackstop is its threshold for a
// bulk load's commits, which leave the checkpoint to the checkpointer and
// checkpoint themselves only if the WAL grows past it (about 200 MB)
// because that one fell behind.
const (
	walAutoCheckpoint = 1000
	walLoadBackstop   = 50000
)

// checkpointDelay gathers the commits of a moment into one checkpoint,
// which ends with an fsync.
const checkpointDelay = 100 * time.Millisecond

// checkpointer copies the WAL back into the database file on a connection
// of its own after a bulk load's commits, so that the load does not wait
// for it. SQLite's automatic checkpoint runs inside the commit that crossed
// its threshold, on the one write connection: for a load's commits of
// thousands of pages, copying them and the fsync were about a fifth of the
// load's CPU, all on the writer's critical path; beside it, on the other
// core, an apply of 1,000,000 faces took 27.6 s instead of 32.5 s and
// 29.5 s instead of 43.6 s (two pairs of runs side by side), for about a
// tenth more CPU. Ordinary writes keep SQLite's own checkpoints: with the
// checkpointer after every commit, enrolment lost a fifth of its
// throughput (BENCHMARKS.md, "Snapshot take and apply"). A PASSIVE
// checkpoint never blocks the writer or the readers, and a crash during
// one loses nothing: the WAL stays the source until it restarts.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// committed tells the checkpointer that the WAL has grown.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointDelay):
		}
		// An error (the disk is full, say) leaves the WAL as it is; the
		// next load's commit tries again, and the writer's own checkpoint
		// is the backstop.
		_, _ = c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

// hotReads and hotWrites are the statements the API's hot paths and the
// bulk load run, prepared once at Open instead of at every call: parsing
// and planning them had been about 40% of a person read and a third of a
// face add (BENCHMARKS.md, "SQLite store: prepared statements and bulk
// load"). Reads are prepared on both pools, because inside InTx they run
// on the write connection.
var (
	hotReads = []string{
		sqlPersonGet, sqlCollectionGet, sqlCollectionPK, sqlFaceGet, sqlAccountByKey,
		sqlTrainingGet, sqlPersonExists, sqlAccountExists, sqlCollectionStats,
	}
	hotWrites = []string{
		sqlFaceSeq, sqlFaceCountPerson, insertFace, sqlPersonCount, insertPerson,
		sqlReservedPK, sqlLoadCounts, insertFaces, insertPersons,
	}
)

// prepared holds statements prepared on one pool, by their SQL text.
// It is only read after Open, so it needs no lock.
type prepared map[string]*sql.Stmt

func prepare(ctx context.Context, db *sql.DB, queries []string) (prepared, error) {
	ps := make(prepared, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			ps.close()
			return nil, fmt.Errorf("%w: %s", err, q)
		}
		ps[q] = st
	}
	return ps, nil
}

func (ps prepared) close() error {
	var errs []error
	for _, st := range ps {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// querier is what store methods run their statements on, without knowing
// whether a transaction is open: the read pool (pool) or a transaction
// (txq). Both run a statement prepared at Open when its text is one of
// the hot ones, and prepare it anew otherwise.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// pool runs single statements on the read pool. A *sql.Stmt of a pool
// prepares itself on each connection the first time it runs there.
type pool struct {
	db *sql.DB
	ps prepared
}

// The prepared reads are lookups by key that read a handful of rows, done
// in microseconds, so they run detached from ctx's cancellation once ctx
// is checked: watching a context costs the driver and database/sql a
// goroutine each per statement, about a tenth of such a read's CPU.
func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.ps[query]; st != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return st.QueryContext(context.WithoutCancel(ctx), args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.ps[query]; st != nil {
		if ctx.Err() == nil {
			ctx = context.WithoutCancel(ctx)
		}
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// txq is a transaction that runs the statements prepared on its pool.
// Tx.StmtContext finds the statement already prepared on the
// transaction's own connection (or prepares it there, never on another
// connection, so it cannot wait for the one write connection the
// transaction holds); txq keeps what it returned, so a statement run many
// times in one transaction costs one lookup.
type txq struct {
	tx    *sql.Tx
	ps    prepared
	bound map[string]*sql.Stmt
}

// stmt returns query's prepared statement bound to the transaction, or
// nil when query is not one of the prepared ones.
func (t *txq) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := t.bound[query]; st != nil {
		return st
	}
	ps := t.ps[query]
	if ps == nil {
		return nil
	}
	if t.bound == nil {
		t.bound = make(map[string]*sql.Stmt, 4)
	}
	st := t.tx.StmtContext(ctx, ps)
	t.bound[query] = st
	return st
}

// Prepared statements in a transaction run detached from ctx once it is
// checked, as on the pool: each is a lookup by key or an insert of at most
// loadChunk rows. The transaction itself still ends when ctx does.
func (t *txq) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return st.ExecContext(context.WithoutCancel(ctx), args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *txq) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return st.QueryContext(context.WithoutCancel(ctx), args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *txq) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		if ctx.Err() == nil {
			ctx = context.WithoutCancel(ctx)
		}
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// store implements facesnap.Store either on the pools (tx nil) or inside
// one write transaction (InTx).
type store struct {
	write *sql.DB // one connection
	read  *sql.DB // read-only pool
	wps   prepared
	rps   prepared
	ckpt  *checkpointer
	tx    *txq
	// persons caches PersonGet outside transactions (personcache.go).
	persons *personCache
}

func (s *store) Close() error {
	if s.tx != nil {
		return errors.New("sqlite: Close inside InTx")
	}
	return errors.Join(s.ckpt.close(), s.persons.close(), s.rps.close(), s.wps.close(), s.read.Close(), s.write.Close())
}

func (s *store) InTx(ctx context.Context, fn func(facesnap.Store) error) error {
	if s.tx != nil {
		return fn(s) // nested: the outer transaction decides
	}
	return s.writeTx(ctx, func(tx *txq) error {
		in := *s
		in.tx = tx
		return fn(&in)
	})
}

// writeTx runs fn in a write transaction: a new BEGIN IMMEDIATE
// transaction on the write connection or, inside InTx, a savepoint of its
// transaction, so that a method that fails there leaves nothing behind
// even when the caller goes on.
func (s *store) writeTx(ctx context.Context, fn func(tx *txq) error) error {
	if s.tx != nil {
		return savepoint(ctx, s.tx, fn)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Also rolls back when fn panics or its test calls t.FailNow, so the
	// one write connection is never left inside a transaction.
	defer tx.Rollback()
	if err := fn(&txq{tx: tx, ps: s.wps}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

func savepoint(ctx context.Context, tx *txq, fn func(tx *txq) error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT method`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_, rerr := tx.ExecContext(ctx, `ROLLBACK TO method`)
		if rerr == nil {
			_, rerr = tx.ExecContext(ctx, `RELEASE method`)
		}
		if rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	_, err := tx.ExecContext(ctx, `RELEASE method`)
	return err
}

// readTx runs fn in a read transaction, so that its statements see one
// snapshot of the database. Inside InTx it uses that transaction.
func (s *store) readTx(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer tx.Rollback() // a read transaction has nothing to commit
	return fn(&txq{tx: tx, ps: s.rps})
}

// reader is where a single-statement read runs.
func (s *store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	return pool{db: s.read, ps: s.rps}
}

// limit turns a Top of 0 (no limit) into SQLite's LIMIT -1.
func limit(top int) int {
	if top <= 0 {
		return -1
	}
	return top
}
