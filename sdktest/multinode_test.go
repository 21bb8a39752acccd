package sdktest

// Several facesnap nodes on one PostgreSQL database and one S3 bucket, as
// real processes driven by the official Go client: any node answers for
// the state of all, each operation runs once, and an operation whose node
// is killed with SIGKILL is finished by another. Two regions (two
// databases) share one bucket, and nodes that start together on a fresh
// database all come up. The tests skip without FACESNAP_TEST_POSTGRES_URL
// and FACESNAP_TEST_S3_URL; scripts/test sets both.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"
	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/accounts"
	"facesnap/postgres"
	"facesnap/sdktest/harness"
)

const (
	postgresURLEnv = "FACESNAP_TEST_POSTGRES_URL"
	s3URLEnv       = "FACESNAP_TEST_S3_URL"
)

// scaleOut returns the PostgreSQL and S3 URLs the tests share, or skips
// the test, naming the variables, when either is unset.
func scaleOut(t *testing.T) (pgBase, s3Base string) {
	t.Helper()
	pgBase, s3Base = os.Getenv(postgresURLEnv), os.Getenv(s3URLEnv)
	if pgBase == "" || s3Base == "" {
		t.Skipf("%s and %s must both be set (scripts/test sets them: a PostgreSQL database and `eval \"$(scripts/start-s3)\"`)", postgresURLEnv, s3URLEnv)
	}
	return pgBase, s3Base
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// freshSchema creates an empty schema in the test database and returns
// a URL whose search_path selects it: a region, or a test's cluster, of
// its own. The schema is dropped when the test ends, after the nodes
// (whose cleanups, registered later, run first).
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresURLEnv, err)
	}
	schema := "sdktest_" + randomSuffix()
	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", postgresURLEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// freshDatabase creates an empty database beside the test database and
// returns its URL: a region of its own, as separate as two deployments'
// databases are. It is dropped when the test ends, after the nodes.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresURLEnv, err)
	}
	name := "sdktest_" + randomSuffix()
	ctx := context.WithoutCancel(t.Context())
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// bucketPrefix returns the S3 store URL under a fresh prefix of the test
// bucket, so that tests sharing the bucket do not see each other's
// snapshots.
func bucketPrefix(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", s3URLEnv, err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/sdktest-" + randomSuffix()
	return u.String()
}

// openDB opens the store the nodes share, as the test's own view of it.
func openDB(t *testing.T, dbURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.WithoutCancel(t.Context()), dbURL, postgres.WithMaxConns(4))
	if err != nil {
		t.Fatalf("open the nodes' database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// node starts one facesnap process on the shared database and bucket.
// The AWS keys reach it through the inherited environment.
func node(t *testing.T, dbURL, store string, accts []harness.Account, extra ...string) *harness.Server {
	t.Helper()
	return harness.Start(t, harness.Options{
		Accounts:      accts,
		SnapshotStore: store,
		ExtraArgs:     append([]string{"--db", dbURL}, extra...),
	})
}

var startedPid = regexp.MustCompile(`=== started pid (\d+):`)

// pidOf is the pid of a node's current process, from the harness's log.
func pidOf(t *testing.T, s *harness.Server) string {
	t.Helper()
	m := startedPid.FindAllStringSubmatch(s.Logs(), -1)
	if len(m) == 0 {
		t.Fatalf("no pid in the log of %s", s.Endpoint)
	}
	return m[len(m)-1][1]
}

// ownerNode returns the index of the node whose runner holds a lease
// named owner (the runner's default owner is host-pid-random), or -1.
func ownerNode(t *testing.T, nodes []*harness.Server, owner string) int {
	t.Helper()
	for i, s := range nodes {
		if strings.Contains(owner, "-"+pidOf(t, s)+"-") {
			return i
		}
	}
	return -1
}

// populateBig writes a LargePersonGroup of persons × faces (unit 128-float
// features, userData, trained) for the account of subscription into the
// shared database through the store's bulk path: reserve, load in
// batches, publish. It appears at once to every node.
func populateBig(t *testing.T, db facesnap.Store, subscription, id string, persons, faces int) {
	t.Helper()
	ctx := harness.Context(t, 2*time.Minute)
	ref := facesnap.CollectionRef{Account: accounts.NameFor(subscription), Kind: facesnap.KindLargePersonGroup, ID: id}
	const owner = "sdktest-populate"
	now := time.Now().UTC()
	err := db.CollectionReserve(ctx, facesnap.CollectionReserveParams{
		Collection: facesnap.Collection{CollectionRef: ref, Name: "big " + id, UserData: `{"big":true}`,
			RecognitionModel: facesnap.DefaultRecognitionModel, CreatedAt: now},
		Owner: owner,
	})
	if err != nil {
		t.Fatalf("reserve %s: %v", id, err)
	}
	rng := mrand.New(mrand.NewPCG(11, uint64(persons)))
	batch := facesnap.CollectionLoadParams{Ref: ref, Owner: owner}
	seq := int64(0)
	for i := range persons {
		p := facesnap.Person{ID: uuid.Must(uuid.NewV4()).String(), Name: fmt.Sprintf("person %d", i), UserData: fmt.Sprintf(`{"i":%d}`, i)}
		if i%7 == 0 {
			p.UserData = ""
		}
		batch.Persons = append(batch.Persons, p)
		for j := range faces {
			seq++
			batch.Faces = append(batch.Faces, facesnap.Face{
				ID: uuid.Must(uuid.NewV4()).String(), PersonID: p.ID, UserData: fmt.Sprintf("face %d.%d", i, j),
				Rect:           facesnap.Rect{Left: rng.IntN(400), Top: rng.IntN(400), Width: 60 + rng.IntN(100), Height: 60 + rng.IntN(100)},
				DetectionModel: facesnap.DefaultDetectionModel, Feature: unitFeature(rng), Seq: seq, CreatedAt: now,
			})
		}
		if len(batch.Faces) >= 10000 || i == persons-1 {
			if err := db.CollectionLoad(ctx, batch); err != nil {
				t.Fatalf("load %s: %v", id, err)
			}
			batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		}
	}
	err = db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: owner, Training: facesnap.Training{
		Status: facesnap.TrainingSucceeded, CreatedAt: now, LastActionAt: now, LastSuccessAt: now, TrainedSeq: seq,
	}})
	if err != nil {
		t.Fatalf("publish %s: %v", id, err)
	}
}

// cluster is three nodes on one schema and one bucket prefix, with
// accounts A and B provisioned through FACESNAP_ACCOUNTS on every node.
type cluster struct {
	nodes []*harness.Server
	a, b  harness.Account
	A, B  []clients // per node
	db    *postgres.DB
	store string
}

func startCluster(t *testing.T, n int, extra ...string) *cluster {
	t.Helper()
	pgBase, s3Base := scaleOut(t)
	dbURL, store := freshSchema(t, pgBase), bucketPrefix(t, s3Base)
	c := &cluster{a: harness.NewAccount(), b: harness.NewAccount(), store: store}
	for range n {
		s := node(t, dbURL, store, []harness.Account{c.a, c.b}, extra...)
		c.nodes = append(c.nodes, s)
		c.A = append(c.A, newClients(s.Endpoint, c.a.Key))
		c.B = append(c.B, newClients(s.Endpoint, c.b.Key))
	}
	c.db = openDB(t, dbURL)
	return c
}

// listedOperation is an entry of GET /operations.
type listedOperation struct {
	OperationID      string `json:"operationId"`
	Kind             string `json:"kind"`
	Status           string `json:"status"`
	ResourceLocation string `json:"resourceLocation"`
	Message          string `json:"message"`
}

func listOperations(t *testing.T, s *harness.Server, key string) []listedOperation {
	t.Helper()
	r := s.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations?top=1000", Key: key})
	if r.Status != http.StatusOK {
		t.Fatalf("GET /operations on %s: %s", s.Endpoint, r)
	}
	var ops []listedOperation
	if err := json.Unmarshal(r.Body, &ops); err != nil {
		t.Fatalf("GET /operations: %v; %s", err, r)
	}
	return ops
}

// TestMultiNode_AnyNodeOnceEach: three nodes on one database and bucket.
// A group created on node 1 reads the same on nodes 2 and 3 with the same
// key; takes and trainings enqueued on all three each succeed, and each
// was claimed once (attempt 1 in the database), whichever node ran it.
func TestMultiNode_AnyNodeOnceEach(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	ctx := harness.Context(t, 2*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)

	k.build(t, ctx, c.A[0], "shared", 3000)
	want := readSnapshotted(t, ctx, c.A[0], k.typ, "shared", 1000, true)
	for i := 1; i < 3; i++ {
		compareSnapshotted(t, want, readSnapshotted(t, ctx, c.A[i], k.typ, "shared", 1000, true))
	}
	// A write on one node is seen by the next request on another.
	p, err := c.A[1].LargePersonGroupPerson.Create(ctx, "shared", face.NameAndUserDataContract{Name: ptr("made on node 2")})
	must(t, err, "create a person on node 2")
	got, err := c.A[2].LargePersonGroupPerson.Get(ctx, "shared", *p.PersonID)
	must(t, err, "get node 2's person on node 3")
	if deref(got.Name) != "made on node 2" {
		t.Errorf("node 3 reads node 2's person as %q", deref(got.Name))
	}
	_, err = c.A[0].LargePersonGroupPerson.Delete(ctx, "shared", *p.PersonID)
	must(t, err, "delete node 2's person on node 1")
	_, err = c.A[2].LargePersonGroupPerson.Get(ctx, "shared", *p.PersonID)
	expectAPIError(t, err, "get the deleted person on node 3", http.StatusNotFound, "PersonNotFound")

	// Many operations at once, enqueued round-robin on the three nodes:
	// takes of "shared", and trainings of groups of their own (a group
	// whose training is queued refuses another Train with a 409).
	const takes, trains = 12, 6
	for i := range trains {
		id := fmt.Sprintf("trained-%d", i)
		_, err := c.A[i%3].LargePersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create "+id)
		pp, err := c.A[i%3].LargePersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr("p")})
		must(t, err, "create a person in "+id)
		_, err = c.A[i%3].LargePersonGroupPerson.AddFaceFromStream(ctx, id, *pp.PersonID, rc(snapImage(t, uint64(3100+i))), "", target, "")
		must(t, err, "add a face in "+id)
	}
	var takeOps []uuid.UUID
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range takes {
		wg.Go(func() {
			r, err := c.A[i%3].Snapshot.Take(ctx, face.TakeSnapshotRequest{Type: k.typ, ObjectID: ptr("shared"), ApplyScope: &[]uuid.UUID{subOf(c.b)}})
			if err != nil {
				t.Errorf("take %d on node %d: %s", i, i%3+1, describe(err))
				return
			}
			m := operationPath.FindStringSubmatch(r.Header.Get("Operation-Location"))
			if r.StatusCode != http.StatusAccepted || m == nil {
				t.Errorf("take %d: HTTP %d Operation-Location %q", i, r.StatusCode, r.Header.Get("Operation-Location"))
				return
			}
			mu.Lock()
			takeOps = append(takeOps, uuid.Must(uuid.FromString(m[1])))
			mu.Unlock()
		})
	}
	for i := range trains {
		wg.Go(func() {
			_, err := c.A[i%3].LargePersonGroup.Train(ctx, fmt.Sprintf("trained-%d", i))
			if err != nil {
				t.Errorf("train %d on node %d: %s", i, i%3+1, describe(err))
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	// Each take followed on another node than the one that took it.
	snaps := map[string]bool{}
	for i, op := range takeOps {
		loc := expectSucceeded(t, waitOperation(t, ctx, c.A[(i+1)%3], op), "take")
		snaps[loc] = true
	}
	if len(snaps) != takes {
		t.Errorf("%d takes made %d distinct snapshots", takes, len(snaps))
	}
	for i := range trains {
		id := fmt.Sprintf("trained-%d", i)
		waitTrained(t, ctx, func() (face.TrainingStatus, error) { return c.A[(i+2)%3].LargePersonGroup.GetTrainingStatus(ctx, id) })
	}

	// GET /operations lists the same takes and trainings, all succeeded,
	// on every node.
	wantTakes := map[string]bool{}
	for _, op := range takeOps {
		wantTakes[op.String()] = true
	}
	for i, s := range c.nodes {
		ops := listOperations(t, s, c.a.Key)
		listed := map[string]int{}
		for _, op := range ops {
			listed[op.Kind]++
		}
		if listed["take"] != takes || listed["train"] != 1+trains || len(ops) != takes+1+trains {
			t.Errorf("node %d lists operations by kind %v, want %d takes and %d trainings", i+1, listed, takes, 1+trains)
		}
		for _, op := range ops {
			if op.Kind == "train" && op.Status == "succeeded" {
				continue
			}
			if !wantTakes[op.OperationID] || op.Status != "succeeded" {
				t.Errorf("node %d lists operation %s as %s %s; want one of the takes, succeeded", i+1, op.OperationID, op.Status, op.Message)
			}
		}
	}

	// In the database, trainings included: every operation succeeded and
	// was claimed once; the work spread over the nodes (logged, not
	// asserted: one node may win every claim).
	all, err := c.db.OperationList(ctx, facesnap.OperationListParams{Account: accounts.NameFor(c.a.Subscription),
		Kinds: []facesnap.OperationKind{facesnap.OperationSnapshotTake, facesnap.OperationSnapshotApply, facesnap.OperationTrain}, Top: 1000})
	must(t, err, "list operations in the database")
	owners, kinds := map[int]int{}, map[facesnap.OperationKind]int{}
	for _, op := range all {
		kinds[op.Kind]++
		if op.Status != facesnap.OperationSucceeded || op.Attempt != 1 {
			t.Errorf("operation %s (%s): %s after %d attempts, want succeeded after 1", op.ID, op.Kind, op.Status, op.Attempt)
		}
		n := ownerNode(t, c.nodes, op.LeaseOwner)
		if n < 0 {
			t.Errorf("operation %s was run by %q, none of the nodes", op.ID, op.LeaseOwner)
		}
		owners[n+1]++
	}
	// One training per Train call: the build's, and the six above.
	if kinds[facesnap.OperationSnapshotTake] != takes || kinds[facesnap.OperationTrain] != 1+trains {
		t.Errorf("operations in the database by kind: %v, want %d takes and %d trainings", kinds, takes, 1+trains)
	}
	t.Logf("%d operations; run per node: %v", len(all), owners)

	// B, in every take's applyScope, applies one on node 3.
	for loc := range snaps {
		m := snapshotPath.FindStringSubmatch(loc)
		applyAndWait(t, ctx, c.B[2], k, uuid.Must(uuid.FromString(m[1])), "copy")
		compareSnapshotted(t, want, readSnapshotted(t, ctx, c.B[0], k.typ, "copy", 1000, true))
		break
	}
}

// The large source of the multi-node kill test, populated in the shared
// database: bigPersons × bigFacesEach faces, as in snapshot_kill_test.go.

// midway polls the database (bounded in count and time) until op runs
// with progress strictly between 0 and total, and returns it; false if it
// ended first.
func midway(t *testing.T, db *postgres.DB, op uuid.UUID) (facesnap.Operation, bool) {
	t.Helper()
	ctx := harness.Context(t, time.Minute)
	var last facesnap.Operation
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 3000 && time.Now().Before(deadline); i++ {
		o, err := db.OperationGet(ctx, op.String())
		if err != nil {
			t.Fatalf("operation %s in the database: %v", op, err)
		}
		last = o
		switch {
		case o.Status.Finished():
			return o, false
		case o.Status == facesnap.OperationRunning && o.Done > 0 && o.Done < o.Total:
			return o, true
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("operation %s never ran midway within the polling bound; last %s %d/%d", op, last.Status, last.Done, last.Total)
	return last, false
}

// TestMultiNode_KillDuringApply: three nodes with a 2 s operation lease.
// An apply of a 50,000-face LargePersonGroup is caught midway; the node
// holding its lease (found through the database) is killed with SIGKILL;
// a surviving node takes the operation over once the lease expires and
// finishes it, and the copy equals the source. Then a training left
// claimed by a node that died is finished by a live one.
func TestMultiNode_KillDuringApply(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3, "--operation-lease", "2s")
	ctx := harness.Context(t, 3*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	t0 := time.Now()
	populateBig(t, c.db, c.a.Subscription, "big", bigPersons, bigFacesEach)
	t.Logf("populated %d persons × %d faces in %v", bigPersons, bigFacesEach, time.Since(t0).Round(time.Millisecond))
	want := readBig(t, ctx, c.A[2], "big")
	snapID := takeAndWait(t, ctx, c.A[0], k.typ, "big", []uuid.UUID{subOf(c.b)}, "")

	var (
		op     uuid.UUID
		target string
		killed = -1
		atKill facesnap.Operation
	)
	for attempt := range 3 {
		target = fmt.Sprintf("big-copy-%d", attempt)
		op = applySnapshot(t, ctx, c.B[1], snapID, target)
		o, ok := midway(t, c.db, op)
		if !ok {
			t.Logf("attempt %d: the apply ended (%s) before it was seen midway; trying again", attempt, o.Status)
			continue
		}
		killed = ownerNode(t, c.nodes, o.LeaseOwner)
		if killed < 0 {
			t.Fatalf("apply %s is leased to %q, none of the nodes", op, o.LeaseOwner)
		}
		c.nodes[killed].Kill()
		atKill = o
		break
	}
	if killed < 0 {
		t.Fatalf("no apply was caught midway in 3 attempts")
	}
	t.Logf("killed node %d (lease owner %s) with the apply at %d/%d, attempt %d", killed+1, atKill.LeaseOwner, atKill.Done, atKill.Total, atKill.Attempt)
	survivor := (killed + 1) % 3

	st := waitOperation(t, ctx, c.B[survivor], op)
	if loc := expectSucceeded(t, st, "apply taken over after kill -9"); loc != "/largepersongroups/"+target {
		t.Errorf("apply: resourceLocation %q, want /largepersongroups/%s", loc, target)
	}
	o, err := c.db.OperationGet(ctx, op.String())
	must(t, err, "the apply in the database")
	if n := ownerNode(t, c.nodes, o.LeaseOwner); n == killed || n < 0 {
		t.Errorf("the apply was finished by %q (node %d), want a surviving node", o.LeaseOwner, n+1)
	}
	if o.Attempt != atKill.Attempt+1 {
		t.Errorf("the apply ran %d times, want %d: once on the killed node, once on a survivor", o.Attempt, atKill.Attempt+1)
	}
	compareSnapshotted(t, want, readBig(t, ctx, c.B[(killed+2)%3], target))

	// Training finishes in one short transaction, too fast to kill a node
	// in; what a node killed while training leaves is a running training
	// operation leased to a dead owner. Write exactly that, as Train and
	// a claim would, in one transaction so no live node claims it first.
	ref := facesnap.CollectionRef{Account: accounts.NameFor(c.a.Subscription), Kind: facesnap.KindLargePersonGroup, ID: "big"}
	trainID := uuid.Must(uuid.NewV4()).String()
	dead := "dead-node-0-" + randomSuffix()
	now := time.Now().UTC()
	err = c.db.InTx(ctx, func(st facesnap.Store) error {
		tr, err := st.TrainingGet(ctx, ref)
		if err != nil {
			return err
		}
		tr.Status, tr.CreatedAt, tr.LastActionAt = facesnap.TrainingRunning, now, now
		if err := st.TrainingSet(ctx, ref, tr); err != nil {
			return err
		}
		args, _ := json.Marshal(map[string]string{"kind": string(ref.Kind), "id": ref.ID})
		if err := st.OperationCreate(ctx, facesnap.Operation{ID: trainID, Account: ref.Account, Kind: facesnap.OperationTrain,
			Args: args, Status: facesnap.OperationNotStarted, CreatedAt: now}); err != nil {
			return err
		}
		claimed, err := st.OperationClaim(ctx, facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{facesnap.OperationTrain},
			Owner: dead, Now: now, LeaseUntil: now.Add(2 * time.Second)})
		if err != nil {
			return err
		}
		if claimed.ID != trainID {
			return fmt.Errorf("the dead owner claimed %s, not the training %s", claimed.ID, trainID)
		}
		return nil
	})
	must(t, err, "leave a training claimed by a dead node")
	tst := waitTrained(t, ctx, func() (face.TrainingStatus, error) {
		return c.A[survivor].LargePersonGroup.GetTrainingStatus(ctx, "big")
	})
	if tst.LastSuccessfulTraining == nil || tst.LastSuccessfulTraining.Before(now.Add(-time.Second)) {
		t.Errorf("training finished without a new success: %v", tst.LastSuccessfulTraining)
	}
	o, err = c.db.OperationGet(ctx, trainID)
	must(t, err, "the training in the database")
	if o.Status != facesnap.OperationSucceeded || o.Attempt != 2 || o.LeaseOwner == dead || ownerNode(t, c.nodes, o.LeaseOwner) < 0 {
		t.Errorf("training left by a dead node: %s attempt %d owner %q, want succeeded on attempt 2 by a live node", o.Status, o.Attempt, o.LeaseOwner)
	}
}

// TestMultiNode_TwoRegions: two regions, each a node on a PostgreSQL
// database of its own, share one bucket. A, provisioned only in the
// first, takes each kind of object there; B, provisioned only in the
// second, sees the snapshot and applies it there into an equal copy. A
// deletes the snapshot in the first region: it is gone in the second,
// and the applied copy stays.
func TestMultiNode_TwoRegions(t *testing.T) {
	t.Parallel()
	pgBase, s3Base := scaleOut(t)
	store := bucketPrefix(t, s3Base)
	a, b := harness.NewAccount(), harness.NewAccount()
	west := node(t, freshDatabase(t, pgBase), store, []harness.Account{a})
	east := node(t, freshDatabase(t, pgBase), store, []harness.Account{b})
	A, B := newClients(west.Endpoint, a.Key), newClients(east.Endpoint, b.Key)
	ctx := harness.Context(t, 2*time.Minute)

	for i, k := range snapKinds {
		t.Run(string(k.typ), func(t *testing.T) {
			src := "west-" + lower(string(k.typ))
			k.build(t, ctx, A, src, uint64(3500+10*i))
			want := readSnapshotted(t, ctx, A, k.typ, src, 1000, true)
			snapID := takeAndWait(t, ctx, A, k.typ, src, []uuid.UUID{subOf(b)}, "from the west")

			s, err := B.Snapshot.Get(ctx, snapID)
			must(t, err, "B gets the snapshot in the other region")
			if s.Type != k.typ || deref(s.UserData) != "from the west" {
				t.Errorf("snapshot in the other region: type %s userData %s", s.Type, deref(s.UserData))
			}
			if k.exists(t, ctx, B, src) {
				t.Errorf("the source %s exists in the other region's database", src)
			}
			dst := "east-" + lower(string(k.typ))
			applyAndWait(t, ctx, B, k, snapID, dst)
			compareSnapshotted(t, want, readSnapshotted(t, ctx, B, k.typ, dst, 1000, true))

			_, err = A.Snapshot.Delete(ctx, snapID)
			must(t, err, "A deletes the snapshot in the first region")
			_, err = B.Snapshot.Get(ctx, snapID)
			expectAPIError(t, err, "B gets the deleted snapshot in the other region", http.StatusNotFound, "SnapshotNotFound")
			if !k.exists(t, ctx, B, dst) {
				t.Errorf("deleting the snapshot removed the applied copy")
			}
		})
	}
	r := east.Do(t, harness.Request{Method: http.MethodGet, Path: "/snapshots", Key: a.Key})
	if r.Status != http.StatusUnauthorized {
		t.Errorf("A's key in the region it is not provisioned in: %s, want 401", r)
	}
}

// TestMultiNode_StartTogether: three processes started at the same moment
// on a fresh schema, each migrating it and provisioning the same account
// from FACESNAP_ACCOUNTS, all come up healthy; each migration is recorded
// once and the account exists once; a group created on one node is read
// on the others. Twice, on two fresh schemas.
func TestMultiNode_StartTogether(t *testing.T) {
	t.Parallel()
	pgBase, s3Base := scaleOut(t)
	store := bucketPrefix(t, s3Base)
	for round := range 2 {
		dbURL := freshSchema(t, pgBase)
		a := harness.NewAccount()
		nodes := make([]*harness.Server, 3)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range nodes {
			wg.Go(func() {
				<-start
				// harness.Start fails the test on its own if the node does
				// not come up; nodes[i] stays nil then.
				nodes[i] = node(t, dbURL, store, []harness.Account{a})
			})
		}
		close(start)
		wg.Wait()
		for i, s := range nodes {
			if s == nil || !s.Running() {
				t.Fatalf("round %d: node %d did not come up", round, i+1)
			}
		}

		ctx := harness.Context(t, time.Minute)
		conn, err := pgx.Connect(ctx, dbURL)
		must(t, err, "connect to the nodes' database")
		var applied, distinct int
		err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct)
		must(t, err, "read the migrations applied")
		var accts int
		err = conn.QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&accts)
		must(t, err, "count the accounts")
		conn.Close(ctx)
		if applied == 0 || applied != distinct {
			t.Errorf("round %d: %d migrations recorded, %d distinct: want each once", round, applied, distinct)
		}
		if accts != 1 {
			t.Errorf("round %d: %d accounts after three nodes provisioned one, want 1", round, accts)
		}

		id := fmt.Sprintf("together-%d", round)
		_, err = newClients(nodes[0].Endpoint, a.Key).LargePersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create a group on node 1")
		for i := 1; i < 3; i++ {
			g, err := newClients(nodes[i].Endpoint, a.Key).LargePersonGroup.Get(ctx, id, nil)
			must(t, err, fmt.Sprintf("get the group on node %d", i+1))
			if deref(g.Name) != id {
				t.Errorf("node %d reads the group's name as %q", i+1, deref(g.Name))
			}
		}
		for _, s := range nodes {
			s.Stop()
		}
	}
}
