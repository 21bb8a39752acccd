package storetest

import (
	"sync"
	"testing"

	"facesnap"
)

func exerciseFace(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("FaceAdd", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			for _, kind := range []facesnap.Kind{facesnap.KindFaceList, facesnap.KindLargeFaceList} {
				c := b.collection(t, kind, "list")
				want := newFace("", 1)
				noError(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: want}))
				want.Seq = 1
				got, err := b.store.FaceGet(b.ctx, c.CollectionRef, "", want.ID)
				noError(t, err)
				equal(t, got, want)
			}
		})
		t.Run("PersonFace", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargePersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			want := newFace(p.ID, 1)
			noError(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: want}))
			want.Seq = 1
			got, err := b.store.FaceGet(b.ctx, c.CollectionRef, p.ID, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("NoFeature", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindFaceList, "list")
			want := newFace("", 1)
			want.Feature = nil
			noError(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: want}))
			got, err := b.store.FaceGet(b.ctx, c.CollectionRef, "", want.ID)
			noError(t, err)
			want.Seq = 1
			equal(t, got, want)
		})
		t.Run("Seq", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			other := b.collection(t, facesnap.KindPersonGroup, "other")
			p1, p2 := b.person(t, c.CollectionRef, 1), b.person(t, c.CollectionRef, 2)
			po := b.person(t, other.CollectionRef, 3)
			// Seq counts within the collection, across its persons.
			equal(t, b.face(t, c.CollectionRef, p1.ID, 1).Seq, 1)
			equal(t, b.face(t, c.CollectionRef, p2.ID, 2).Seq, 2)
			equal(t, b.face(t, other.CollectionRef, po.ID, 3).Seq, 1)
			equal(t, b.face(t, c.CollectionRef, p1.ID, 4).Seq, 3)
			// A deleted face's Seq is not given out again: a training that
			// saw Seq 4 must not count a newer face as trained.
			f := b.face(t, c.CollectionRef, p2.ID, 5)
			equal(t, f.Seq, 4)
			noError(t, b.store.FaceDelete(b.ctx, c.CollectionRef, p2.ID, f.ID))
			equal(t, b.face(t, c.CollectionRef, p2.ID, 6).Seq, 5)
		})
		t.Run("ConcurrentSeq", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargeFaceList, "list")
			const workers, each = 4, 10
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						f := newFace("", w*each+i)
						if err := b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: f}); err != nil {
							t.Errorf("add face: %v", err)
						}
					}
				})
			}
			wg.Wait()
			faces, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: c.CollectionRef})
			noError(t, err)
			// Every face got its own Seq, and none was skipped.
			seen := map[int64]bool{}
			for _, f := range faces {
				seen[f.Seq] = true
			}
			for seq := int64(1); seq <= workers*each; seq++ {
				if !seen[seq] {
					t.Fatalf("no face has Seq %d; faces: %d", seq, len(faces))
				}
			}
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargeFaceList, "list")
			f := b.face(t, c.CollectionRef, "", 1)
			exists(t, b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: newFace("", 1)}), facesnap.ObjectPersistedFace)
			// The failed add neither took a Seq nor changed the face.
			got, err := b.store.FaceGet(b.ctx, c.CollectionRef, "", f.ID)
			noError(t, err)
			equal(t, got, f)
			equal(t, b.face(t, c.CollectionRef, "", 2).Seq, 2)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			err := b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: newFace(uuid(1), 1)})
			notFound(t, err, facesnap.ObjectPerson)
			err = b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: b.ref(facesnap.KindFaceList, "missing"), Face: newFace("", 1)})
			notFound(t, err, facesnap.ObjectFaceList)
		})
		t.Run("ErrQuota", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			list := b.collection(t, facesnap.KindFaceList, "list")
			group := b.collection(t, facesnap.KindPersonGroup, "group")
			p1, p2 := b.person(t, group.CollectionRef, 1), b.person(t, group.CollectionRef, 2)
			add := func(ref facesnap.CollectionRef, personID string, n int) error {
				return b.store.FaceAdd(b.ctx, facesnap.FaceAddParams{Ref: ref, Face: newFace(personID, n), MaxFaces: 2})
			}
			noError(t, add(list.CollectionRef, "", 1))
			noError(t, add(list.CollectionRef, "", 2))
			errorIs(t, add(list.CollectionRef, "", 3), facesnap.ErrQuota)
			// A deleted face frees its place.
			noError(t, b.store.FaceDelete(b.ctx, list.CollectionRef, "", uuid(1001)))
			noError(t, add(list.CollectionRef, "", 3))
			errorIs(t, add(list.CollectionRef, "", 4), facesnap.ErrQuota)

			// The limit is per person.
			noError(t, add(group.CollectionRef, p1.ID, 1))
			noError(t, add(group.CollectionRef, p1.ID, 2))
			errorIs(t, add(group.CollectionRef, p1.ID, 3), facesnap.ErrQuota)
			noError(t, add(group.CollectionRef, p2.ID, 3))
		})
	})

	t.Run("FaceGet", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			list := b.collection(t, facesnap.KindLargeFaceList, "list")
			lf := b.face(t, list.CollectionRef, "", 1)
			group := b.collection(t, facesnap.KindLargePersonGroup, "group")
			p1, p2 := b.person(t, group.CollectionRef, 1), b.person(t, group.CollectionRef, 2)
			pf := b.face(t, group.CollectionRef, p1.ID, 2)
			for _, tt := range []struct {
				name     string
				ref      facesnap.CollectionRef
				personID string
				faceID   string
				obj      facesnap.Object
			}{
				{"NoFace", list.CollectionRef, "", uuid(9), facesnap.ObjectPersistedFace},
				{"NoList", b.ref(facesnap.KindLargeFaceList, "missing"), "", lf.ID, facesnap.ObjectLargeFaceList},
				{"NoGroup", b.ref(facesnap.KindLargePersonGroup, "missing"), p1.ID, pf.ID, facesnap.ObjectLargePersonGroup},
				{"NoPerson", group.CollectionRef, uuid(9), pf.ID, facesnap.ObjectPerson},
				{"OtherPerson", group.CollectionRef, p2.ID, pf.ID, facesnap.ObjectPersistedFace},
				{"PersonFaceWithoutPerson", group.CollectionRef, "", pf.ID, facesnap.ObjectPersistedFace},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := b.store.FaceGet(b.ctx, tt.ref, tt.personID, tt.faceID)
					notFound(t, err, tt.obj)
				})
			}
		})
	})

	t.Run("FaceList", func(t *testing.T) {
		t.Parallel()
		t.Run("Paging", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargeFaceList, "list")
			want := make([]facesnap.Face, 5)
			for _, n := range []int{3, 5, 1, 4, 2} {
				want[n-1] = b.face(t, c.CollectionRef, "", n)
			}
			other := b.collection(t, facesnap.KindLargeFaceList, "other")
			b.face(t, other.CollectionRef, "", 6)
			for _, tt := range []struct {
				name  string
				start string
				top   int
				want  []facesnap.Face
			}{
				{"All", "", 0, want},
				{"FirstPage", "", 2, want[:2]},
				{"NextPage", want[1].ID, 2, want[2:4]},
				{"LastPage", want[3].ID, 2, want[4:]},
				{"AfterEnd", want[4].ID, 2, nil},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: c.CollectionRef, Start: tt.start, Top: tt.top})
					noError(t, err)
					equalList(t, got, tt.want)
				})
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: b.ref(facesnap.KindFaceList, "missing")})
			notFound(t, err, facesnap.ObjectFaceList)
		})
	})

	t.Run("FaceUpdate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			want := b.face(t, c.CollectionRef, p.ID, 1)
			noError(t, b.store.FaceUpdate(b.ctx, facesnap.FaceUpdateParams{Ref: c.CollectionRef, PersonID: p.ID, FaceID: want.ID, UserData: "new"}))
			want.UserData = "new"
			got, err := b.store.FaceGet(b.ctx, c.CollectionRef, p.ID, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p1, p2 := b.person(t, c.CollectionRef, 1), b.person(t, c.CollectionRef, 2)
			f := b.face(t, c.CollectionRef, p1.ID, 1)
			update := func(ref facesnap.CollectionRef, personID, faceID string) error {
				return b.store.FaceUpdate(b.ctx, facesnap.FaceUpdateParams{Ref: ref, PersonID: personID, FaceID: faceID, UserData: "new"})
			}
			notFound(t, update(c.CollectionRef, p2.ID, f.ID), facesnap.ObjectPersistedFace)
			notFound(t, update(c.CollectionRef, uuid(9), f.ID), facesnap.ObjectPerson)
			notFound(t, update(b.ref(facesnap.KindPersonGroup, "missing"), p1.ID, f.ID), facesnap.ObjectPersonGroup)
			got, err := b.store.FaceGet(b.ctx, c.CollectionRef, p1.ID, f.ID)
			noError(t, err)
			equal(t, got, f)
		})
	})

	t.Run("FaceDelete", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindFaceList, "list")
			f1 := b.face(t, c.CollectionRef, "", 1)
			f2 := b.face(t, c.CollectionRef, "", 2)
			noError(t, b.store.FaceDelete(b.ctx, c.CollectionRef, "", f1.ID))
			_, err := b.store.FaceGet(b.ctx, c.CollectionRef, "", f1.ID)
			notFound(t, err, facesnap.ObjectPersistedFace)
			got, err := b.store.FaceList(b.ctx, facesnap.FaceListParams{Ref: c.CollectionRef})
			noError(t, err)
			equal(t, got, []facesnap.Face{f2})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p1, p2 := b.person(t, c.CollectionRef, 1), b.person(t, c.CollectionRef, 2)
			f := b.face(t, c.CollectionRef, p1.ID, 1)
			notFound(t, b.store.FaceDelete(b.ctx, c.CollectionRef, p2.ID, f.ID), facesnap.ObjectPersistedFace)
			notFound(t, b.store.FaceDelete(b.ctx, c.CollectionRef, uuid(9), f.ID), facesnap.ObjectPerson)
			notFound(t, b.store.FaceDelete(b.ctx, b.ref(facesnap.KindLargePersonGroup, "group"), p1.ID, f.ID), facesnap.ObjectLargePersonGroup)
			_, err := b.store.FaceGet(b.ctx, c.CollectionRef, p1.ID, f.ID)
			noError(t, err)
		})
	})
}
