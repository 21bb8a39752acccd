// Package storetest is the conformance suite of facesnap.Store. Every store
// (sqlite, postgres) runs it from its own tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Exercise(t, func(t *testing.T) facesnap.Store { ... })
//	}
//
// Besides what store.go says, the suite fixes what it leaves open:
//   - Collections, keys and operations need an existing account
//     (NotFound about ObjectAccount otherwise).
//   - Top 0 means no limit, in every list.
//   - CollectionStats.MaxSeq is the highest Seq ever given out: deleting
//     the newest face neither lowers it nor lets its Seq be reused.
//   - TrainingGet of a collection never trained is the zero Training.
//   - AccountKeyAdd of a key the account has already is a no-op; a key of
//     another account is ErrExists.
//   - CollectionLoad and CollectionPublish of a collection that is visible
//     or reserved by another owner are ErrConflict; of none, NotFound.
//   - OperationCreate stores an empty Status as notstarted.
//   - OperationClaim sets LastActionAt to Now. Heartbeat and Finish of an
//     operation that is missing or not running are ErrConflict.
//   - Inside InTx, a method that fails leaves nothing behind even when fn
//     goes on and commits.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"facesnap"
)

// Exercise runs the suite. newStore returns a fresh, empty store for each
// test and arranges for it to be closed (t.Cleanup).
func Exercise(t *testing.T, newStore func(t *testing.T) facesnap.Store) {
	for _, area := range []struct {
		name string
		run  func(*testing.T, func(*testing.T) facesnap.Store)
	}{
		{"Account", exerciseAccount},
		{"AccountKey", exerciseAccountKey},
		{"Collection", exerciseCollection},
		{"Person", exercisePerson},
		{"Face", exerciseFace},
		{"FaceExisting", exerciseFaceExisting},
		{"Training", exerciseTraining},
		{"Dump", exerciseDump},
		{"Snapshot", exerciseSnapshot},
		{"Operation", exerciseOperation},
		{"Fairness", exerciseFairness},
		{"Quota", exerciseQuota},
		{"Tx", exerciseTx},
		{"Order", exerciseOrder},
		{"Limit", exerciseLimit},
		{"DetectedFace", exerciseDetectedFace},
		{"Strings", exerciseStrings},
	} {
		t.Run(area.name, func(t *testing.T) {
			t.Parallel()
			area.run(t, newStore)
		})
	}
}

// testBundle is what a test starts from: a fresh store holding one account.
type testBundle struct {
	ctx     context.Context
	store   facesnap.Store
	account facesnap.Account
}

func setup(t *testing.T, newStore func(*testing.T) facesnap.Store) *testBundle {
	t.Helper()
	b := &testBundle{ctx: t.Context(), store: newStore(t), account: account("acme")}
	noError(t, b.store.AccountCreate(b.ctx, b.account))
	return b
}

func account(name string) facesnap.Account {
	return facesnap.Account{
		Name:           name,
		SubscriptionID: fmt.Sprintf("%08x-0000-4000-8000-000000000000", len(name)),
		ResourceGroup:  "rg-" + name,
	}
}

// base is a time with 100 ns precision, as the API shows times.
var base = time.Date(2026, 3, 4, 5, 6, 7, 123456700, time.UTC)

// at is base plus i seconds.
func at(i int) time.Time { return base.Add(time.Duration(i) * time.Second) }

// uuid returns a valid uuid that sorts by n.
func uuid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func (b *testBundle) ref(kind facesnap.Kind, id string) facesnap.CollectionRef {
	return facesnap.CollectionRef{Account: b.account.Name, Kind: kind, ID: id}
}

// collection creates a visible collection of b's account.
func (b *testBundle) collection(t *testing.T, kind facesnap.Kind, id string) facesnap.Collection {
	t.Helper()
	c := facesnap.Collection{
		CollectionRef:    b.ref(kind, id),
		Name:             "name of " + id,
		UserData:         "data of " + id,
		RecognitionModel: "recognition_04",
		CreatedAt:        at(0),
	}
	noError(t, b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c}))
	return c
}

func (b *testBundle) person(t *testing.T, ref facesnap.CollectionRef, n int) facesnap.Person {
	t.Helper()
	p := facesnap.Person{ID: uuid(n), Name: fmt.Sprintf("person %d", n), UserData: fmt.Sprintf("data %d", n)}
	noError(t, b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: ref, Person: p}))
	return p
}

// face adds face n (to personID's faces when set) and returns it as
// FaceGet shows it.
func (b *testBundle) face(t *testing.T, ref facesnap.CollectionRef, personID string, n int) facesnap.Face {
	t.Helper()
	f := newFace(personID, n)
	noError(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: ref, Face: f}))
	got, err := b.store.FaceGet(b.ctx, ref, personID, f.ID)
	noError(t, err)
	return got
}

func newFace(personID string, n int) facesnap.Face {
	return facesnap.Face{
		ID:             uuid(1000 + n),
		PersonID:       personID,
		UserData:       fmt.Sprintf("face %d", n),
		Rect:           facesnap.Rect{Left: n, Top: 2 * n, Width: 100 + n, Height: 120 + n},
		DetectionModel: "detection_03",
		Feature:        []float32{float32(n), -0.5, 1e-7, 3.25},
		CreatedAt:      at(n),
	}
}

func noError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// errorIs checks that err matches target (ErrNotFound, ErrQuota...).
func errorIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// notFound checks that err is a NotFoundError about o.
func notFound(t *testing.T, err error, o facesnap.Object) {
	t.Helper()
	var nf *facesnap.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error = %v, want a NotFoundError about %s", err, o)
	}
	if nf.Object != o {
		t.Fatalf("NotFoundError about %s (%v), want about %s", nf.Object, err, o)
	}
}

// exists checks that err is an ExistsError about o.
func exists(t *testing.T, err error, o facesnap.Object) {
	t.Helper()
	var ee *facesnap.ExistsError
	if !errors.As(err, &ee) {
		t.Fatalf("error = %v, want an ExistsError about %s", err, o)
	}
	if ee.Object != o {
		t.Fatalf("ExistsError about %s (%v), want about %s", ee.Object, err, o)
	}
}

func equal[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// equalList is equal where a nil and an empty list are alike.
func equalList[T any](t *testing.T, got, want []T) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	equal(t, got, want)
}
