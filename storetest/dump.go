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

// exerciseSnapshot covers the apply side: a reserved, hidden collection
// that one owner loads and then publishes or discards.
func exerciseSnapshot(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	const owner = "op-1"

	reserve := func(t *testing.T, b *testBundle, kind facesnap.Kind, id string) facesnap.Collection {
		t.Helper()
		c := facesnap.Collection{CollectionRef: b.ref(kind, id), Name: "applied", UserData: "from snapshot", RecognitionModel: "recognition_03", CreatedAt: at(5)}
		noError(t, b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{Collection: c, Owner: owner}))
		return c
	}

	t.Run("CollectionReserve", func(t *testing.T) {
		t.Parallel()
		t.Run("Hidden", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindPersonGroup, "group")
			ref := c.CollectionRef
			_, err := b.store.CollectionGet(b.ctx, ref)
			notFound(t, err, facesnap.ObjectPersonGroup)
			list, err := b.store.CollectionList(b.ctx, facesnap.CollectionListParams{Account: b.account.Name, Kind: ref.Kind})
			noError(t, err)
			equalList(t, list, nil)
			notFound(t, b.store.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: ref, Name: ptr("x")}), facesnap.ObjectPersonGroup)
			notFound(t, b.store.CollectionDelete(b.ctx, ref), facesnap.ObjectPersonGroup)
			_, err = b.store.CollectionStats(b.ctx, ref)
			notFound(t, err, facesnap.ObjectPersonGroup)
			notFound(t, b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: ref, Person: facesnap.Person{ID: uuid(1)}}), facesnap.ObjectPersonGroup)
			_, err = b.store.PersonList(b.ctx, facesnap.PersonListParams{Ref: ref})
			notFound(t, err, facesnap.ObjectPersonGroup)
			notFound(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: ref, Face: newFace(uuid(1), 1)}), facesnap.ObjectPersonGroup)
			_, err = b.store.TrainingGet(b.ctx, ref)
			notFound(t, err, facesnap.ObjectPersonGroup)
			notFound(t, b.store.TrainingSet(b.ctx, ref, facesnap.Training{Status: facesnap.TrainingRunning}), facesnap.ObjectPersonGroup)
			notFound(t, b.store.CollectionDump(b.ctx, ref, &recorder{}), facesnap.ObjectPersonGroup)
		})
		t.Run("TakesTheID", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindLargeFaceList, "list")
			err := b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c})
			exists(t, err, facesnap.ObjectLargeFaceList)
			err = b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{Collection: c, Owner: "op-2"})
			exists(t, err, facesnap.ObjectLargeFaceList)
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindFaceList, "list")
			err := b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{Collection: c, Owner: owner})
			exists(t, err, facesnap.ObjectFaceList)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "nobody", Kind: facesnap.KindFaceList, ID: "list"}}
			err := b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{Collection: c, Owner: owner})
			notFound(t, err, facesnap.ObjectAccount)
		})
		t.Run("ErrQuota", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.collection(t, facesnap.KindFaceList, "a")
			reserve := func(id string) error {
				c := facesnap.Collection{CollectionRef: b.ref(facesnap.KindFaceList, id), CreatedAt: at(0)}
				return b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{Collection: c, Owner: owner, MaxPerAccount: 2})
			}
			noError(t, reserve("b"))
			errorIs(t, reserve("c"), facesnap.ErrQuota)
			// The reservation counts against creates too.
			err := b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{
				Collection: facesnap.Collection{CollectionRef: b.ref(facesnap.KindFaceList, "c")}, MaxPerAccount: 2,
			})
			errorIs(t, err, facesnap.ErrQuota)
		})
	})

	t.Run("CollectionLoad", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindLargePersonGroup, "group")
			want := &recorder{collection: c}
			// Two batches, as an apply streams them; Seq as given.
			for batch := range 2 {
				p := facesnap.Person{ID: uuid(batch + 1), Name: "loaded", UserData: "u"}
				f1, f2 := newFace(p.ID, 2*batch+1), newFace(p.ID, 2*batch+2)
				f1.Seq, f2.Seq = int64(10*batch+3), int64(10*batch+7)
				noError(t, b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{
					Ref: c.CollectionRef, Owner: owner, Persons: []facesnap.Person{p}, Faces: []facesnap.Face{f1, f2},
				}))
				want.persons = append(want.persons, p)
				want.faces = append(want.faces, f1, f2)
			}
			want.training = facesnap.Training{Status: facesnap.TrainingSucceeded, CreatedAt: at(1), LastActionAt: at(2), LastSuccessAt: at(2), TrainedSeq: 17}
			want.stats = facesnap.CollectionStats{Persons: 2, Faces: 4, MaxSeq: 17}
			noError(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner, Training: want.training}))

			got := &recorder{}
			noError(t, b.store.CollectionDump(b.ctx, c.CollectionRef, got))
			checkDump(t, got, want)
			// New faces come after the loaded ones.
			equal(t, b.face(t, c.CollectionRef, uuid(1), 9).Seq, 18)
		})
		t.Run("FaceList", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindFaceList, "list")
			f := newFace("", 1)
			f.Seq = 1
			noError(t, b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{Ref: c.CollectionRef, Owner: owner, Faces: []facesnap.Face{f}}))
			noError(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner}))
			got, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: c.CollectionRef})
			noError(t, err)
			equal(t, got, []facesnap.Face{f})
		})
		t.Run("BatchIsAtomic", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindPersonGroup, "group")
			p := facesnap.Person{ID: uuid(1)}
			f := newFace(p.ID, 1)
			f.Seq = 1
			err := b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{
				Ref: c.CollectionRef, Owner: owner, Persons: []facesnap.Person{p, p}, Faces: []facesnap.Face{f},
			})
			exists(t, err, facesnap.ObjectPerson)
			noError(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner}))
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{Ref: b.ref(facesnap.KindPersonGroup, "missing"), Owner: owner})
			notFound(t, err, facesnap.ObjectPersonGroup)
			// A face whose person is not loaded.
			c := reserve(t, b, facesnap.KindPersonGroup, "group")
			err = b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{Ref: c.CollectionRef, Owner: owner, Faces: []facesnap.Face{newFace(uuid(1), 1)}})
			notFound(t, err, facesnap.ObjectPerson)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindPersonGroup, "group")
			visible := b.collection(t, facesnap.KindPersonGroup, "visible")
			for _, tt := range []struct {
				name  string
				ref   facesnap.CollectionRef
				owner string
			}{
				{"OtherOwner", c.CollectionRef, "op-2"},
				{"Visible", visible.CollectionRef, owner},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{
						Ref: tt.ref, Owner: tt.owner, Persons: []facesnap.Person{{ID: uuid(1)}},
					})
					errorIs(t, err, facesnap.ErrConflict)
					err = b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: tt.ref, Owner: tt.owner})
					errorIs(t, err, facesnap.ErrConflict)
				})
			}
		})
	})

	t.Run("CollectionPublish", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindLargeFaceList, "list")
			training := facesnap.Training{Status: facesnap.TrainingSucceeded, CreatedAt: at(1), LastActionAt: at(2), LastSuccessAt: at(2)}
			noError(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner, Training: training}))
			got, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, got, c)
			gotTraining, err := b.store.TrainingGet(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, gotTraining, training)
			// Published, it is no longer the owner's.
			errorIs(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner}), facesnap.ErrConflict)
			noError(t, b.store.CollectionDiscard(b.ctx, c.CollectionRef, owner))
			_, err = b.store.CollectionGet(b.ctx, c.CollectionRef)
			noError(t, err)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: b.ref(facesnap.KindFaceList, "missing"), Owner: owner})
			notFound(t, err, facesnap.ObjectFaceList)
		})
	})

	t.Run("CollectionDiscard", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindPersonGroup, "group")
			noError(t, b.store.CollectionLoad(b.ctx, facesnap.CollectionLoadParams{
				Ref: c.CollectionRef, Owner: owner, Persons: []facesnap.Person{{ID: uuid(1)}},
			}))
			noError(t, b.store.CollectionDiscard(b.ctx, c.CollectionRef, owner))
			// The id is free again, and nothing of the load is left.
			b.collection(t, facesnap.KindPersonGroup, "group")
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{})
		})
		t.Run("NoneIsNoError", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.CollectionDiscard(b.ctx, b.ref(facesnap.KindFaceList, "missing"), owner))
		})
		t.Run("OnlyTheOwner", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := reserve(t, b, facesnap.KindFaceList, "list")
			noError(t, b.store.CollectionDiscard(b.ctx, c.CollectionRef, "op-2"))
			noError(t, b.store.CollectionPublish(b.ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner}))
		})
	})
}
