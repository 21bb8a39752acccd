package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"facesnap"
)

// personCache keeps recent PersonGet answers, the API's hot read: reading
// a person from SQLite was a third of a GET person's server CPU, its
// largest single cost (BENCHMARKS.md, "Throughput against baselines").
//
// It stays exact through writes from anywhere: this process's writer or
// another process on the same file (the facesnap account commands). Its
// entries hold while the database's data_version, read on a connection
// of its own that never writes, stays the same; SQLite changes it
// whenever another connection commits. A read first waits for a
// data_version read that began after it arrived (gate), so a read never
// answers from before a commit that had returned when it started. One
// data_version read serves every read that queued during the previous
// one, so under load its cost is shared.
type personCache struct {
	gate versionGate

	mu      sync.Mutex
	version int64 // the data_version the entries are valid for
	bytes   int
	entries map[personKey]facesnap.Person
}

type personKey struct {
	account, kind, collection, person string
}

// personCacheBytes bounds the cache's contents (names, userData of up to
// 16 KB, face ids): past it the cache starts over, which costs a read
// each for the persons read next.
const personCacheBytes = 8 << 20

// newPersonCache watches data_version on one connection of watch, held
// for the cache's life: data_version compares only within a connection.
func newPersonCache(ctx context.Context, watch *sql.DB) (*personCache, error) {
	conn, err := watch.Conn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := conn.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &personCache{gate: versionGate{db: watch, conn: conn, stmt: st}, entries: map[personKey]facesnap.Person{}}, nil
}

func (c *personCache) close() error {
	return errors.Join(c.gate.stmt.Close(), c.gate.conn.Close(), c.gate.db.Close())
}

// get returns the cached person if it is valid at a data_version read
// that began after the call, and that version, to be given to put.
func (c *personCache) get(ctx context.Context, k personKey) (facesnap.Person, bool, int64, error) {
	v, err := c.gate.version(ctx)
	if err != nil {
		return facesnap.Person{}, false, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		c.version, c.bytes = v, 0
		clear(c.entries)
		return facesnap.Person{}, false, v, nil
	}
	p, ok := c.entries[k]
	if ok {
		p.FaceIDs = slices.Clone(p.FaceIDs) // the caller's to change
	}
	return p, ok, v, nil
}

// put keeps p, read from the database after get saw version v. If no
// commit came in between, p is the person at v; if one did, the version
// moved on and p is not kept.
func (c *personCache) put(k personKey, p facesnap.Person, v int64) {
	size := len(k.account) + len(k.kind) + len(k.collection) + len(k.person) + len(p.ID) + len(p.Name) + len(p.UserData) + 40*len(p.FaceIDs) + 128
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		return
	}
	if c.bytes+size > personCacheBytes {
		c.bytes = 0
		clear(c.entries)
	}
	p.FaceIDs = slices.Clone(p.FaceIDs)
	c.entries[k] = p
	c.bytes += size
}

// versionGate reads data_version on behalf of every caller queued while
// the read before ran: each caller gets a value read after it called.
type versionGate struct {
	db   *sql.DB   // read-only
	conn *sql.Conn // of db, held: data_version is per connection
	stmt *sql.Stmt // on conn

	mu      sync.Mutex
	running bool
	next    *versionRead // the read the callers that arrive now wait for
}

type versionRead struct {
	done chan struct{}
	v    int64
	err  error
}

func (g *versionGate) version(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	g.mu.Lock()
	if g.next == nil {
		g.next = &versionRead{done: make(chan struct{})}
	}
	r := g.next
	if g.running {
		g.mu.Unlock()
		<-r.done // bounded: the read running now, then this one
		return r.v, r.err
	}
	// Nobody reads: this caller does, inline, and leaves the reads of
	// whoever queued meanwhile to a goroutine, so that it waits for one
	// read only.
	g.running, g.next = true, nil
	g.mu.Unlock()
	g.read(r)
	g.handOff()
	return r.v, r.err
}

// read runs one data_version read, detached from any caller's ctx: it
// serves several callers.
func (g *versionGate) read(r *versionRead) {
	r.err = g.stmt.QueryRowContext(context.Background()).Scan(&r.v)
	close(r.done)
}

// handOff ends a read: the next queued one starts in a goroutine, or the
// gate goes idle.
func (g *versionGate) handOff() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.next == nil {
		g.running = false
		return
	}
	r := g.next
	g.next = nil
	go func() {
		g.read(r)
		g.handOff()
	}()
}
