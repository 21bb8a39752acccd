package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/postgres"
)

// The tests here play several facesnap nodes: stores with pools of their
// own on one database, as separate processes would have.

const nodes = 4

// openNodes opens n stores on url at once, as nodes starting together do.
func openNodes(t *testing.T, url string, n int) []*postgres.DB {
	t.Helper()
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() {
			<-start
			dbs[i], errs[i] = postgres.Open(t.Context(), url, postgres.WithMaxConns(2))
		})
	}
	close(start)
	wg.Wait()
	for i, db := range dbs {
		if db != nil {
			t.Cleanup(func() { db.Close() })
		}
		if errs[i] != nil {
			t.Fatalf("node %d: open: %v", i, errs[i])
		}
	}
	return dbs
}

// TestNodes_Migrate starts several nodes on one fresh schema at once:
// every one opens, and each migration ran once.
func TestNodes_Migrate(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	dbs := openNodes(t, url, 8)

	conn, err := pgx.Connect(t.Context(), url)
	must(t, err)
	defer conn.Close(t.Context())
	var applied, distinct int
	must(t, conn.QueryRow(t.Context(),
		`SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct))
	if applied != distinct || applied == 0 {
		t.Fatalf("goose_db_version: %d migrations recorded, %d distinct", applied, distinct)
	}
	for i, db := range dbs {
		must(t, db.AccountCreate(t.Context(), facesnap.Account{Name: fmt.Sprintf("node-%d", i)}))
	}
}

// TestNodes_OperationClaim has every node claim from one queue until it
// is empty: each operation is claimed exactly once.
func TestNodes_OperationClaim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dbs := openNodes(t, testURL(t), nodes)
	must(t, dbs[0].AccountCreate(ctx, facesnap.Account{Name: "acme"}))
	const ops = 200
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for n := range ops {
		must(t, dbs[n%nodes].OperationCreate(ctx, facesnap.Operation{
			ID: fmt.Sprintf("op-%04d", n), Account: "acme", Kind: facesnap.OperationTrain, CreatedAt: base.Add(time.Duration(n)),
		}))
	}

	var mu sync.Mutex
	claimed := map[string][]string{}
	var wg sync.WaitGroup
	for i, db := range dbs {
		for w := range 2 { // two runners per node, as --workers 2
			owner := fmt.Sprintf("node-%d-%d", i, w)
			wg.Go(func() {
				for {
					op, err := db.OperationClaim(ctx, facesnap.OperationClaimParams{
						Kinds: []facesnap.OperationKind{facesnap.OperationTrain}, Owner: owner,
						Now: base.Add(time.Hour), LeaseUntil: base.Add(2 * time.Hour),
					})
					if errors.Is(err, facesnap.ErrNotFound) {
						return
					}
					if err != nil {
						t.Errorf("%s: claim: %v", owner, err)
						return
					}
					mu.Lock()
					claimed[op.ID] = append(claimed[op.ID], owner)
					mu.Unlock()
					if err := db.OperationFinish(ctx, facesnap.OperationFinishParams{
						ID: op.ID, Owner: owner, Now: base.Add(time.Hour), Status: facesnap.OperationSucceeded,
					}); err != nil {
						t.Errorf("%s: finish %s: %v", owner, op.ID, err)
					}
				}
			})
		}
	}
	wg.Wait()
	if len(claimed) != ops {
		t.Fatalf("%d operations claimed, want %d", len(claimed), ops)
	}
	for id, owners := range claimed {
		if len(owners) != 1 {
			t.Errorf("%s claimed by %v", id, owners)
		}
	}
}

// TestNodes_Limits has every node add to one collection at once: Seqs
// are distinct and gapless, and no limit is passed.
func TestNodes_Limits(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dbs := openNodes(t, testURL(t), nodes)
	must(t, dbs[0].AccountCreate(ctx, facesnap.Account{Name: "acme"}))
	group := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindPersonGroup, ID: "group"}
	list := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}
	for _, ref := range []facesnap.CollectionRef{group, list} {
		must(t, dbs[0].CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
	}

	const tries, maxLists, maxPersons, maxFaces = 10, 5, 7, 23
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			for n := range tries {
				id := fmt.Sprintf("%d-%d", i, n)
				errs := []error{
					db.CollectionCreate(ctx, facesnap.CollectionCreateParams{
						Collection:    facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindFaceList, ID: "list-" + id}},
						MaxPerAccount: maxLists,
					}),
					db.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: group, Person: facesnap.Person{ID: id}, MaxPersons: maxPersons}),
					db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: list, Face: facesnap.Face{ID: id}, MaxFaces: maxFaces}),
				}
				for _, err := range errs {
					if err != nil && !errors.Is(err, facesnap.ErrQuota) {
						t.Errorf("node %d: %v", i, err)
					}
				}
			}
		})
	}
	wg.Wait()

	lists, err := dbs[0].CollectionList(ctx, facesnap.CollectionListParams{Account: "acme", Kind: facesnap.KindFaceList})
	must(t, err)
	persons, err := dbs[0].PersonList(ctx, facesnap.PersonListParams{Ref: group})
	must(t, err)
	faces, err := dbs[0].FaceList(ctx, facesnap.FaceListParams{Ref: list})
	must(t, err)
	if len(lists) != maxLists || len(persons) != maxPersons || len(faces) != maxFaces {
		t.Fatalf("%d lists, %d persons, %d faces; want the limits %d, %d, %d",
			len(lists), len(persons), len(faces), maxLists, maxPersons, maxFaces)
	}
	seen := map[int64]bool{}
	for _, f := range faces {
		seen[f.Seq] = true
	}
	for seq := int64(1); seq <= maxFaces; seq++ {
		if !seen[seq] {
			t.Fatalf("no face has Seq %d", seq)
		}
	}
	stats, err := dbs[0].CollectionStats(ctx, list)
	must(t, err)
	if stats != (facesnap.CollectionStats{Faces: maxFaces, MaxSeq: maxFaces}) {
		t.Fatalf("stats %+v", stats)
	}
}

// TestNodes_MigrateLockHolderDies has a node die while it holds the
// migration lock: the lock goes with its connection, and a node that was
// waiting for it migrates.
func TestNodes_MigrateLockHolderDies(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := testURL(t)
	holder, err := pgx.Connect(ctx, url)
	must(t, err)
	defer holder.Close(ctx)
	// The key migrate.go locks, taken as a node in the middle of a
	// migration holds it.
	_, err = holder.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('facesnap migrate ' || current_schema(), 0))`)
	must(t, err)

	opened := make(chan error, 1)
	go func() {
		db, err := postgres.Open(ctx, url)
		if err == nil {
			db.Close()
		}
		opened <- err
	}()

	// Wait until the opening node queues for the lock, then drop the
	// holder's connection, as a kill -9 of its process would.
	var pid int
	must(t, holder.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid))
	watcher, err := pgx.Connect(ctx, url)
	must(t, err)
	defer watcher.Close(ctx)
	for waiting := false; !waiting; {
		select {
		case err := <-opened:
			t.Fatalf("Open returned while another node held the lock: %v", err)
		default:
		}
		must(t, watcher.QueryRow(ctx,
			`SELECT EXISTS (SELECT FROM pg_locks w JOIN pg_locks h
			   ON h.pid = $1 AND h.locktype = 'advisory' AND h.granted AND w.database = h.database
			   AND w.classid = h.classid AND w.objid = h.objid AND w.objsubid = h.objsubid
			 WHERE w.locktype = 'advisory' AND NOT w.granted)`, pid).Scan(&waiting))
	}
	_, err = watcher.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid)
	must(t, err)
	must(t, <-opened)
}
