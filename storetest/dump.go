package storetest

import (
	"errors"
	"testing"

	"facesnap"
)

// recorder is a DumpSink that keeps what it is given.
type recorder struct {
	collection facesnap.Collection
	training   facesnap.Training
	stats      facesnap.CollectionStats
	persons    []facesnap.Person
	faces      []facesnap.Face
	// onPerson, when set, runs at the first person.
	onPerson func() error
}

func (r *recorder) Collection(c facesnap.Collection, t facesnap.Training, stats facesnap.CollectionStats) error {
	r.collection, r.training, r.stats = c, t, stats
	return nil
}

func (r *recorder) Person(p facesnap.Person) error {
	if r.onPerson != nil {
		f := r.onPerson
		r.onPerson = nil
		if err := f(); err != nil {
			return err
		}
	}
	r.persons = append(r.persons, p)
	return nil
}

func (r *recorder) Face(f facesnap.Face) error {
	r.faces = append(r.faces, f)
	return nil
}

// dumpFixture fills a person group: persons 1..3 created out of order,
// faces interleaved between them, training set.
func dumpFixture(t *testing.T, b *testBundle) *recorder {
	t.Helper()
	c := b.collection(t, facesnap.KindLargePersonGroup, "group")
	want := &recorder{collection: c}
	persons := map[int]facesnap.Person{}
	for _, n := range []int{3, 1, 2} {
		persons[n] = b.person(t, c.CollectionRef, n)
	}
	for i, n := range []int{2, 3, 2, 1} {
		want.faces = append(want.faces, b.face(t, c.CollectionRef, uuid(n), 10-i))
	}
	noError(t, b.store.FaceDelete(b.ctx, c.CollectionRef, uuid(2), want.faces[2].ID))
	want.faces = append(want.faces[:2], want.faces[3])
	for n := 1; n <= 3; n++ {
		want.persons = append(want.persons, persons[n])
	}
	want.training = facesnap.Training{Status: facesnap.TrainingSucceeded, CreatedAt: at(1), LastActionAt: at(2), LastSuccessAt: at(2), TrainedSeq: 4}
	noError(t, b.store.TrainingSet(b.ctx, c.CollectionRef, want.training))
	want.stats = facesnap.CollectionStats{Persons: 3, Faces: 3, MaxSeq: 4}
	return want
}

func checkDump(t *testing.T, got, want *recorder) {
	t.Helper()
	equal(t, got.collection, want.collection)
	equal(t, got.training, want.training)
	equal(t, got.stats, want.stats)
	equalList(t, got.persons, want.persons)
	equalList(t, got.faces, want.faces)
}

func exerciseDump(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("CollectionDump", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			want := dumpFixture(t, b)
			got := &recorder{}
			noError(t, b.store.CollectionDump(b.ctx, want.collection.CollectionRef, got))
			checkDump(t, got, want)
		})
		t.Run("FaceList", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindFaceList, "list")
			want := &recorder{collection: c, stats: facesnap.CollectionStats{Faces: 2, MaxSeq: 2}}
			want.faces = []facesnap.Face{b.face(t, c.CollectionRef, "", 2), b.face(t, c.CollectionRef, "", 1)}
			got := &recorder{}
			noError(t, b.store.CollectionDump(b.ctx, c.CollectionRef, got))
			checkDump(t, got, want)
		})
		t.Run("WritesDuringDumpAreNotSeen", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			want := dumpFixture(t, b)
			ref := want.collection.CollectionRef
			got := &recorder{onPerson: func() error {
				// These commit while the dump runs: they must neither
				// wait for it nor show up in it.
				return errors.Join(
					b.store.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: ref, Name: ptr("renamed")}),
					b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: uuid(4)}}),
					b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: ref, Face: newFace(uuid(4), 20)}),
					b.store.PersonDelete(b.ctx, ref, uuid(3)),
					b.store.FaceDelete(b.ctx, ref, uuid(1), want.faces[2].ID),
					b.store.TrainingSet(b.ctx, ref, facesnap.Training{Status: facesnap.TrainingRunning}),
				)
			}}
			noError(t, b.store.CollectionDump(b.ctx, ref, got))
			checkDump(t, got, want)

			// The writes did commit.
			after := &recorder{}
			noError(t, b.store.CollectionDump(b.ctx, ref, after))
			equal(t, after.collection.Name, "renamed")
			equal(t, after.stats, facesnap.CollectionStats{Persons: 3, Faces: 2, MaxSeq: 5})
		})
		t.Run("SinkError", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			want := dumpFixture(t, b)
			errSink := errors.New("sink failed")
			got := &recorder{onPerson: func() error { return errSink }}
			errorIs(t, b.store.CollectionDump(b.ctx, want.collection.CollectionRef, got), errSink)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.CollectionDump(b.ctx, b.ref(facesnap.KindPersonGroup, "missing"), &recorder{})
			notFound(t, err, facesnap.ObjectPersonGroup)
		})
	})
}
