package storetest

import (
	"testing"

	"facesnap"
)

func exercisePerson(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("PersonCreate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			want := b.person(t, c.CollectionRef, 1)
			got, err := b.store.PersonGet(b.ctx, c.CollectionRef, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			err := b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{Ref: c.CollectionRef, Person: p})
			exists(t, err, facesnap.ObjectPerson)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{
				Ref: b.ref(facesnap.KindLargePersonGroup, "missing"), Person: facesnap.Person{ID: uuid(1)},
			})
			notFound(t, err, facesnap.ObjectLargePersonGroup)
		})
		t.Run("ErrQuota", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			other := b.collection(t, facesnap.KindPersonGroup, "other")
			b.person(t, other.CollectionRef, 1)
			b.person(t, other.CollectionRef, 2)
			create := func(n int) error {
				return b.store.PersonCreate(b.ctx, facesnap.PersonCreateParams{
					Ref: c.CollectionRef, Person: facesnap.Person{ID: uuid(n)}, MaxPersons: 2,
				})
			}
			noError(t, create(1))
			noError(t, create(2))
			errorIs(t, create(3), facesnap.ErrQuota)
			// A deleted person frees its place.
			noError(t, b.store.PersonDelete(b.ctx, c.CollectionRef, uuid(1)))
			noError(t, create(3))
			errorIs(t, create(4), facesnap.ErrQuota)
		})
	})

	t.Run("PersonGet", func(t *testing.T) {
		t.Parallel()
		t.Run("FaceIDsInAddOrder", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargePersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			// Face ids that sort against the order they are added in.
			for _, n := range []int{3, 1, 2} {
				b.face(t, c.CollectionRef, p.ID, n)
			}
			got, err := b.store.PersonGet(b.ctx, c.CollectionRef, p.ID)
			noError(t, err)
			p.FaceIDs = []string{uuid(1003), uuid(1001), uuid(1002)}
			equal(t, got, p)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			_, err := b.store.PersonGet(b.ctx, c.CollectionRef, uuid(2))
			notFound(t, err, facesnap.ObjectPerson)
			_, err = b.store.PersonGet(b.ctx, b.ref(facesnap.KindPersonGroup, "missing"), p.ID)
			notFound(t, err, facesnap.ObjectPersonGroup)
			// A person is found only in its own collection.
			other := b.collection(t, facesnap.KindPersonGroup, "other")
			_, err = b.store.PersonGet(b.ctx, other.CollectionRef, p.ID)
			notFound(t, err, facesnap.ObjectPerson)
		})
	})

	t.Run("PersonList", func(t *testing.T) {
		t.Parallel()
		t.Run("Paging", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			want := make([]facesnap.Person, 6)
			for _, n := range []int{4, 2, 6, 1, 5, 3} {
				want[n-1] = b.person(t, c.CollectionRef, n)
			}
			// Faces of persons 2 and 5, added interleaved.
			for i, n := range []int{2, 5, 2, 5, 5} {
				f := b.face(t, c.CollectionRef, uuid(n), i)
				want[n-1].FaceIDs = append(want[n-1].FaceIDs, f.ID)
			}
			other := b.collection(t, facesnap.KindPersonGroup, "other")
			b.person(t, other.CollectionRef, 7)

			for _, tt := range []struct {
				name  string
				start string
				top   int
				want  []facesnap.Person
			}{
				{"All", "", 0, want},
				{"FirstPage", "", 2, want[:2]},
				{"NextPage", uuid(2), 3, want[2:5]},
				{"LastPage", uuid(5), 3, want[5:]},
				{"AfterEnd", uuid(6), 3, nil},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got, err := b.store.PersonList(b.ctx, facesnap.PersonListParams{Ref: c.CollectionRef, Start: tt.start, Top: tt.top})
					noError(t, err)
					equalList(t, got, tt.want)
				})
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.PersonList(b.ctx, facesnap.PersonListParams{Ref: b.ref(facesnap.KindLargePersonGroup, "missing")})
			notFound(t, err, facesnap.ObjectLargePersonGroup)
		})
	})

	t.Run("PersonUpdate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			want := b.person(t, c.CollectionRef, 1)

			noError(t, b.store.PersonUpdate(b.ctx, facesnap.PersonUpdateParams{Ref: c.CollectionRef, PersonID: want.ID, UserData: ptr("new data")}))
			want.UserData = "new data"
			got, err := b.store.PersonGet(b.ctx, c.CollectionRef, want.ID)
			noError(t, err)
			equal(t, got, want)

			noError(t, b.store.PersonUpdate(b.ctx, facesnap.PersonUpdateParams{Ref: c.CollectionRef, PersonID: want.ID, Name: ptr("new name")}))
			want.Name = "new name"
			got, err = b.store.PersonGet(b.ctx, c.CollectionRef, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			err := b.store.PersonUpdate(b.ctx, facesnap.PersonUpdateParams{Ref: c.CollectionRef, PersonID: uuid(2), Name: ptr("x")})
			notFound(t, err, facesnap.ObjectPerson)
			err = b.store.PersonUpdate(b.ctx, facesnap.PersonUpdateParams{Ref: b.ref(facesnap.KindPersonGroup, "missing"), PersonID: p.ID, Name: ptr("x")})
			notFound(t, err, facesnap.ObjectPersonGroup)
		})
	})

	t.Run("PersonDelete", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p1, p2 := b.person(t, c.CollectionRef, 1), b.person(t, c.CollectionRef, 2)
			f1 := b.face(t, c.CollectionRef, p1.ID, 1)
			b.face(t, c.CollectionRef, p2.ID, 2)

			noError(t, b.store.PersonDelete(b.ctx, c.CollectionRef, p1.ID))
			_, err := b.store.PersonGet(b.ctx, c.CollectionRef, p1.ID)
			notFound(t, err, facesnap.ObjectPerson)
			_, err = b.store.FaceGet(b.ctx, c.CollectionRef, p1.ID, f1.ID)
			notFound(t, err, facesnap.ObjectPerson)
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{Persons: 1, Faces: 1, MaxSeq: 2})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			notFound(t, b.store.PersonDelete(b.ctx, c.CollectionRef, uuid(2)), facesnap.ObjectPerson)
			notFound(t, b.store.PersonDelete(b.ctx, b.ref(facesnap.KindPersonGroup, "missing"), p.ID), facesnap.ObjectPersonGroup)
		})
	})
}
