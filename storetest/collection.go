package storetest

import (
	"testing"

	"facesnap"
)

func exerciseCollection(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("CollectionCreate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			for _, kind := range facesnap.Kinds {
				// The same id in each kind: kinds are separate namespaces.
				want := b.collection(t, kind, "shared-id")
				got, err := b.store.CollectionGet(b.ctx, want.CollectionRef)
				noError(t, err)
				equal(t, got, want)
			}
		})
		t.Run("SameIDOtherAccount", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.collection(t, facesnap.KindFaceList, "list")
			other := &testBundle{ctx: b.ctx, store: b.store, account: account("other")}
			noError(t, b.store.AccountCreate(b.ctx, other.account))
			other.collection(t, facesnap.KindFaceList, "list")
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargeFaceList, "list")
			err := b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c})
			exists(t, err, facesnap.ObjectLargeFaceList)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "nobody", Kind: facesnap.KindFaceList, ID: "list"}}
			err := b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c})
			notFound(t, err, facesnap.ObjectAccount)
		})
		t.Run("ErrQuota", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			create := func(kind facesnap.Kind, id string) error {
				c := facesnap.Collection{CollectionRef: b.ref(kind, id), CreatedAt: at(0)}
				return b.store.CollectionCreate(b.ctx, facesnap.CollectionCreateParams{Collection: c, MaxPerAccount: 2})
			}
			noError(t, create(facesnap.KindFaceList, "a"))
			noError(t, create(facesnap.KindFaceList, "b"))
			errorIs(t, create(facesnap.KindFaceList, "c"), facesnap.ErrQuota)
			// The limit is per kind.
			noError(t, create(facesnap.KindLargeFaceList, "c"))
			// A deleted collection frees its place.
			noError(t, b.store.CollectionDelete(b.ctx, b.ref(facesnap.KindFaceList, "a")))
			noError(t, create(facesnap.KindFaceList, "c"))
		})
	})

	t.Run("CollectionGet", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.collection(t, facesnap.KindPersonGroup, "group")
			other := account("other")
			noError(t, b.store.AccountCreate(b.ctx, other))
			for _, tt := range []struct {
				name string
				ref  facesnap.CollectionRef
				obj  facesnap.Object
			}{
				{"Missing", b.ref(facesnap.KindPersonGroup, "missing"), facesnap.ObjectPersonGroup},
				{"OtherKind", b.ref(facesnap.KindLargePersonGroup, "group"), facesnap.ObjectLargePersonGroup},
				{"OtherAccount", facesnap.CollectionRef{Account: other.Name, Kind: facesnap.KindPersonGroup, ID: "group"}, facesnap.ObjectPersonGroup},
				{"NoAccount", facesnap.CollectionRef{Account: "nobody", Kind: facesnap.KindFaceList, ID: "group"}, facesnap.ObjectFaceList},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := b.store.CollectionGet(b.ctx, tt.ref)
					notFound(t, err, tt.obj)
				})
			}
		})
	})

	t.Run("CollectionList", func(t *testing.T) {
		t.Parallel()
		t.Run("Paging", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			var want []facesnap.Collection
			for _, id := range []string{"c-3", "c-1", "c-5", "c-2", "c-4"} {
				b.collection(t, facesnap.KindLargePersonGroup, id)
			}
			for _, id := range []string{"c-1", "c-2", "c-3", "c-4", "c-5"} {
				c, err := b.store.CollectionGet(b.ctx, b.ref(facesnap.KindLargePersonGroup, id))
				noError(t, err)
				want = append(want, c)
			}
			// Not listed: another kind, another account, a reservation.
			b.collection(t, facesnap.KindPersonGroup, "c-0")
			other := &testBundle{ctx: b.ctx, store: b.store, account: account("other")}
			noError(t, b.store.AccountCreate(b.ctx, other.account))
			other.collection(t, facesnap.KindLargePersonGroup, "c-0")
			noError(t, b.store.CollectionReserve(b.ctx, facesnap.CollectionReserveParams{
				Collection: facesnap.Collection{CollectionRef: b.ref(facesnap.KindLargePersonGroup, "c-6"), CreatedAt: at(0)},
				Owner:      uuid(1),
			}))

			for _, tt := range []struct {
				name  string
				start string
				top   int
				want  []facesnap.Collection
			}{
				{"All", "", 0, want},
				{"FirstPage", "", 2, want[:2]},
				{"NextPage", "c-2", 2, want[2:4]},
				{"LastPage", "c-4", 2, want[4:]},
				{"StartBetween", "c-2a", 0, want[2:]},
				{"AfterEnd", "c-5", 10, nil},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got, err := b.store.CollectionList(b.ctx, facesnap.CollectionListParams{
						Account: b.account.Name, Kind: facesnap.KindLargePersonGroup, Start: tt.start, Top: tt.top,
					})
					noError(t, err)
					equalList(t, got, tt.want)
				})
			}
		})
	})

	t.Run("CollectionUpdate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			want := b.collection(t, facesnap.KindFaceList, "list")

			noError(t, b.store.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: want.CollectionRef, Name: ptr("renamed")}))
			want.Name = "renamed"
			got, err := b.store.CollectionGet(b.ctx, want.CollectionRef)
			noError(t, err)
			equal(t, got, want)

			noError(t, b.store.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: want.CollectionRef, UserData: ptr("")}))
			want.UserData = ""
			got, err = b.store.CollectionGet(b.ctx, want.CollectionRef)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			err := b.store.CollectionUpdate(b.ctx, facesnap.CollectionUpdateParams{Ref: b.ref(facesnap.KindFaceList, "missing"), Name: ptr("x")})
			notFound(t, err, facesnap.ObjectFaceList)
		})
	})

	t.Run("CollectionDelete", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindLargePersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			b.face(t, c.CollectionRef, p.ID, 1)
			kept := b.collection(t, facesnap.KindLargePersonGroup, "kept")
			b.person(t, kept.CollectionRef, 1)

			noError(t, b.store.CollectionDelete(b.ctx, c.CollectionRef))
			_, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
			notFound(t, err, facesnap.ObjectLargePersonGroup)

			// A new collection with the id starts empty.
			b.collection(t, facesnap.KindLargePersonGroup, "group")
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{})
			_, err = b.store.PersonGet(b.ctx, kept.CollectionRef, p.ID)
			noError(t, err)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindFaceList, "list")
			other := account("other")
			noError(t, b.store.AccountCreate(b.ctx, other))
			notFound(t, b.store.CollectionDelete(b.ctx, b.ref(facesnap.KindFaceList, "missing")), facesnap.ObjectFaceList)
			notFound(t, b.store.CollectionDelete(b.ctx, facesnap.CollectionRef{Account: other.Name, Kind: c.Kind, ID: c.ID}), facesnap.ObjectFaceList)
			_, err := b.store.CollectionGet(b.ctx, c.CollectionRef)
			noError(t, err)
		})
	})

	t.Run("CollectionStats", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p1, p2 := b.person(t, c.CollectionRef, 1), b.person(t, c.CollectionRef, 2)
			b.person(t, c.CollectionRef, 3)
			b.face(t, c.CollectionRef, p1.ID, 1)
			b.face(t, c.CollectionRef, p2.ID, 2)
			b.face(t, c.CollectionRef, p2.ID, 3)
			stats, err := b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{Persons: 3, Faces: 3, MaxSeq: 3})

			// MaxSeq is the highest Seq given out: deleting the newest face
			// does not lower it.
			noError(t, b.store.FaceDelete(b.ctx, c.CollectionRef, p2.ID, uuid(1003)))
			stats, err = b.store.CollectionStats(b.ctx, c.CollectionRef)
			noError(t, err)
			equal(t, stats, facesnap.CollectionStats{Persons: 3, Faces: 2, MaxSeq: 3})
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.CollectionStats(b.ctx, b.ref(facesnap.KindLargeFaceList, "missing"))
			notFound(t, err, facesnap.ObjectLargeFaceList)
		})
	})
}
