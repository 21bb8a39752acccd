package storetest

import (
	"slices"
	"testing"

	"facesnap"
)

func exerciseFaceExisting(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("FaceExisting", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			g := b.collection(t, facesnap.KindLargePersonGroup, "g")
			p := b.person(t, g.CollectionRef, 1)
			var ids []string
			for n := 1; n <= 4; n++ {
				ids = append(ids, b.face(t, g.CollectionRef, p.ID, n).ID)
			}
			noError(t, b.store.FaceDelete(b.ctx, g.CollectionRef, p.ID, ids[1]))
			// A face of another collection is not this one's.
			l := b.collection(t, facesnap.KindLargeFaceList, "l")
			other := b.face(t, l.CollectionRef, "", 9).ID

			got, err := b.store.FaceExisting(b.ctx, g.CollectionRef, []string{ids[3], ids[1], other, ids[0], uuid(77), ids[2]})
			noError(t, err)
			slices.Sort(got)
			equal(t, got, []string{ids[0], ids[2], ids[3]})

			got, err = b.store.FaceExisting(b.ctx, g.CollectionRef, nil)
			noError(t, err)
			equalList(t, got, nil)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.FaceExisting(b.ctx, b.ref(facesnap.KindLargeFaceList, "nope"), []string{uuid(1)})
			notFound(t, err, facesnap.ObjectLargeFaceList)
			// Another account's collection is not found either.
			b.collection(t, facesnap.KindFaceList, "mine")
			_, err = b.store.FaceExisting(b.ctx, facesnap.CollectionRef{Account: "someone-else", Kind: facesnap.KindFaceList, ID: "mine"}, []string{uuid(1)})
			notFound(t, err, facesnap.ObjectFaceList)
		})
	})
}
