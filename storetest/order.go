package storetest

import (
	"testing"

	"facesnap"
)

// exerciseOrder checks that ids sort bytewise, as SQLite compares text,
// whatever collation a database server defaults to: a locale's collation
// ignores '-' and '_' at first, which would order ids and page through
// them differently from one store to the other.
func exerciseOrder(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("CollectionList", func(t *testing.T) {
		t.Parallel()
		t.Run("Bytewise", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			for _, id := range []string{"c_1", "ca", "c-1", "c0", "c", "c-", "c-a", "c1"} {
				b.collection(t, facesnap.KindPersonGroup, id)
			}
			for _, tt := range []struct {
				name  string
				start string
				want  []string
			}{
				{"All", "", []string{"c", "c-", "c-1", "c-a", "c0", "c1", "c_1", "ca"}},
				{"StartAtDash", "c-", []string{"c-1", "c-a", "c0", "c1", "c_1", "ca"}},
				{"StartAtUnderscore", "c_", []string{"c_1", "ca"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got, err := b.store.CollectionList(b.ctx, facesnap.CollectionListParams{
						Account: b.account.Name, Kind: facesnap.KindPersonGroup, Start: tt.start,
					})
					noError(t, err)
					ids := make([]string, len(got))
					for i, c := range got {
						ids[i] = c.ID
					}
					equal(t, ids, tt.want)
				})
			}
		})
	})
}
