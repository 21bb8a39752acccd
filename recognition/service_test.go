package recognition_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"facesnap"
	"facesnap/collections"
	"facesnap/recognition"
	"facesnap/sqlite"
)

var acct = facesnap.Account{Name: "a", SubscriptionID: "11111111-1111-4111-8111-111111111111", ResourceGroup: "rg"}

type testBundle struct {
	store *sqlite.DB
	coll  *collections.Service
	svc   *recognition.Service
	now   time.Time
	seq   int
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.AccountCreate(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	tb := &testBundle{store: db, now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return tb.now }
	tb.coll = &collections.Service{Store: db, Now: clock}
	tb.svc = &recognition.Service{Store: db, Now: clock}
	return tb
}

func (tb *testBundle) id() string {
	tb.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", tb.seq)
}

// feature is a synthetic descriptor: person p's, nudged by n.
func feature(p, n int) []float32 {
	v := make([]float32, 128)
	v[p%128] = 1
	v[(p+n+1)%128] += 0.05 * float32(n)
	return v
}

// group makes a LargePersonGroup of persons, each with faces faces.
func (tb *testBundle) group(t *testing.T, id string, persons, faces int) (facesnap.CollectionRef, []string) {
	t.Helper()
	ctx := t.Context()
	ref := facesnap.CollectionRef{Account: acct.Name, Kind: facesnap.KindLargePersonGroup, ID: id}
	must(t, tb.store.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref, Name: id, RecognitionModel: "recognition_01", CreatedAt: tb.now}}))
	var ids []string
	for p := range persons {
		pid := tb.id()
		ids = append(ids, pid)
		must(t, tb.store.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: pid, Name: "p"}}))
		for n := range faces {
			tb.addFace(t, ref, pid, feature(p, n))
		}
	}
	return ref, ids
}

func (tb *testBundle) addFace(t *testing.T, ref facesnap.CollectionRef, personID string, f []float32) string {
	t.Helper()
	id := tb.id()
	must(t, tb.store.FaceAdd(t.Context(), facesnap.FaceAddParams{Ref: ref, Face: facesnap.Face{
		ID: id, PersonID: personID, Rect: facesnap.Rect{Width: 100, Height: 100}, DetectionModel: "detection_01", Feature: f, CreatedAt: tb.now}}))
	return id
}

// query keeps a detected face with descriptor f, alive for ttl.
func (tb *testBundle) query(t *testing.T, f []float32, ttl time.Duration) string {
	t.Helper()
	id := tb.id()
	must(t, tb.store.DetectedFaceCreate(t.Context(), []facesnap.DetectedFace{{ID: id, Account: acct.Name, DetectionModel: "detection_01",
		RecognitionModel: "recognition_01", Feature: f, CreatedAt: tb.now, ExpiresAt: tb.now.Add(ttl)}}))
	return id
}

// train queues a training and, when work is set, works it as the runner
// would.
func (tb *testBundle) train(t *testing.T, ref facesnap.CollectionRef, work bool) {
	t.Helper()
	ctx := t.Context()
	must(t, tb.coll.Train(ctx, acct, ref.Kind, ref.ID))
	if !work {
		return
	}
	op, err := tb.store.OperationClaim(ctx, facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{facesnap.OperationTrain},
		Owner: "test", Now: tb.now, LeaseUntil: tb.now.Add(time.Minute)})
	must(t, err)
	_, err = tb.svc.TrainWorker().Work(ctx, &op, nopProgress{})
	must(t, err)
	must(t, tb.store.OperationFinish(ctx, facesnap.OperationFinishParams{ID: op.ID, Owner: "test", Now: tb.now, Status: facesnap.OperationSucceeded}))
	tb.now = tb.now.Add(time.Second)
}

type nopProgress struct{}

func (nopProgress) Set(int64, int64) {}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (tb *testBundle) identify(t *testing.T, ref facesnap.CollectionRef, q string) ([]recognition.Candidate, error) {
	t.Helper()
	res, err := tb.svc.Identify(t.Context(), acct, recognition.IdentifyParams{FaceIDs: []string{q}, LargePersonGroupID: ref.ID})
	if err != nil {
		return nil, err
	}
	return res[0].Candidates, nil
}

func TestIdentify_TrainingStates(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ref, persons := tb.group(t, "g", 3, 2)
	q := tb.query(t, feature(1, 3), time.Hour)

	_, err := tb.identify(t, ref, q)
	var nt *recognition.NotTrainedError
	if !errors.As(err, &nt) || nt.Code() != "LargePersonGroupNotTrained" {
		t.Fatalf("identify before any training: %v, want LargePersonGroupNotTrained", err)
	}
	tb.train(t, ref, false)
	var busy *collections.TrainingNotFinishedError
	if _, err := tb.identify(t, ref, q); !errors.As(err, &busy) {
		t.Fatalf("identify while the first training is queued: %v, want TrainingNotFinished", err)
	}
	// Work the queued training.
	op, err := tb.store.OperationClaim(t.Context(), facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{facesnap.OperationTrain}, Owner: "test", Now: tb.now, LeaseUntil: tb.now.Add(time.Minute)})
	must(t, err)
	_, err = tb.svc.TrainWorker().Work(t.Context(), &op, nopProgress{})
	must(t, err)

	cs, err := tb.identify(t, ref, q)
	must(t, err)
	if len(cs) != 1 || cs[0].PersonID != persons[1] {
		t.Fatalf("identify after training: %+v, want person 1", cs)
	}

	// A new person, and a new training queued: the last training still
	// answers, without the new person.
	newcomer := tb.id()
	must(t, tb.store.PersonCreate(t.Context(), facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: newcomer, Name: "n"}}))
	tb.addFace(t, ref, newcomer, feature(1, 3)) // exactly the query
	tb.now = tb.now.Add(time.Second)
	must(t, tb.coll.Train(t.Context(), acct, ref.Kind, ref.ID))
	cs, err = tb.identify(t, ref, q)
	must(t, err)
	if len(cs) != 1 || cs[0].PersonID != persons[1] {
		t.Fatalf("identify while retraining: %+v, want the last training's answer, person 1", cs)
	}
}

func TestIdentify_DeletedAndExpired(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ref, persons := tb.group(t, "g", 4, 3)
	tb.train(t, ref, true)
	q := tb.query(t, feature(2, 1), time.Hour)
	short := tb.query(t, feature(2, 1), time.Minute)

	cs, err := tb.identify(t, ref, q)
	must(t, err)
	if len(cs) != 1 || cs[0].PersonID != persons[2] {
		t.Fatalf("identify: %+v, want person 2", cs)
	}
	// Deleting the person's faces one by one: found while one is left,
	// never after the last.
	p, err := tb.store.PersonGet(t.Context(), ref, persons[2])
	must(t, err)
	for i, f := range p.FaceIDs {
		must(t, tb.store.FaceDelete(t.Context(), ref, persons[2], f))
		cs, err := tb.identify(t, ref, q)
		must(t, err)
		if last := i == len(p.FaceIDs)-1; last == (len(cs) == 1) {
			t.Fatalf("after deleting %d of %d faces: candidates %+v", i+1, len(p.FaceIDs), cs)
		}
	}

	tb.now = tb.now.Add(2 * time.Minute)
	_, err = tb.identify(t, ref, short)
	var inv *facesnap.InvalidError
	if !errors.As(err, &inv) || inv.Reason != "FaceNotFound" {
		t.Errorf("identify an expired faceId: %v, want 400 FaceNotFound", err)
	}
}

func TestIdentify_ManyFacesOfOnePerson(t *testing.T) {
	// The nearest faces all belong to one person: asking for more
	// candidates must still find the others.
	t.Parallel()
	tb := setup(t)
	ref, persons := tb.group(t, "g", 3, 1)
	for n := range 100 {
		tb.addFace(t, ref, persons[0], feature(0, n%3))
	}
	tb.train(t, ref, true)
	zero := 0.0
	three := 3
	res, err := tb.svc.Identify(t.Context(), acct, recognition.IdentifyParams{FaceIDs: []string{tb.query(t, feature(0, 0), time.Hour)},
		LargePersonGroupID: ref.ID, MaxCandidates: &three, ConfidenceThreshold: &zero})
	must(t, err)
	if got := res[0].Candidates; len(got) != 3 || got[0].PersonID != persons[0] {
		t.Errorf("candidates %+v, want 3 with person 0 first", got)
	}
}

func TestIdentify_MemoryBudget(t *testing.T) {
	// Past the budget a node drops the least recently searched collection
	// and builds it again when it is next searched: same answers.
	t.Parallel()
	tb := setup(t)
	tb.svc.MemoryBudget = 1
	refA, personsA := tb.group(t, "a", 3, 2)
	refB, personsB := tb.group(t, "b", 3, 2)
	tb.train(t, refA, true)
	tb.train(t, refB, true)
	q := tb.query(t, feature(1, 3), time.Hour)
	for range 2 {
		for _, g := range []struct {
			ref     facesnap.CollectionRef
			persons []string
		}{{refA, personsA}, {refB, personsB}} {
			cs, err := tb.identify(t, g.ref, q)
			must(t, err)
			if len(cs) != 1 || cs[0].PersonID != g.persons[1] {
				t.Fatalf("identify in %s: %+v, want person 1", g.ref.ID, cs)
			}
		}
	}
}
