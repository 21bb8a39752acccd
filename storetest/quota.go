package storetest

import (
	"sync"
	"testing"
	"time"

	"facesnap"
)

func exerciseQuota(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	use := func(b *testBundle, kind facesnap.QuotaKind, n, limit int, now time.Time) error {
		return b.store.QuotaUse(b.ctx, facesnap.QuotaUseParams{
			Account: b.account.Name, Kind: kind, ID: uuid(n), Limit: limit, Now: now, Until: now.Add(time.Hour),
		})
	}
	take, snap := facesnap.QuotaTake, facesnap.QuotaSnapshot

	t.Run("LimitPerAccountAndKind", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		for n := range 3 {
			noError(t, use(b, take, n, 3, at(n)))
		}
		errorIs(t, use(b, take, 3, 3, at(3)), facesnap.ErrQuota)
		// Another kind and another account count apart.
		noError(t, use(b, snap, 4, 3, at(3)))
		other := account("other")
		noError(t, b.store.AccountCreate(b.ctx, other))
		noError(t, b.store.QuotaUse(b.ctx, facesnap.QuotaUseParams{Account: other.Name, Kind: take, ID: uuid(5), Limit: 3, Now: at(3), Until: at(4000)}))
		// No limit records without checking.
		noError(t, use(b, take, 6, 0, at(3)))
	})
	t.Run("ExpiredUsesDoNotCount", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		noError(t, use(b, take, 1, 1, at(0)))
		errorIs(t, use(b, take, 2, 1, at(3599)), facesnap.ErrQuota)
		noError(t, use(b, take, 2, 1, at(3600))) // the first counted until at(3600)
	})
	t.Run("Release", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		noError(t, use(b, snap, 1, 1, at(0)))
		errorIs(t, use(b, snap, 2, 1, at(1)), facesnap.ErrQuota)
		noError(t, b.store.QuotaRelease(b.ctx, b.account.Name, snap, uuid(1)))
		noError(t, b.store.QuotaRelease(b.ctx, b.account.Name, snap, uuid(1))) // none: not an error
		noError(t, use(b, snap, 2, 1, at(1)))
	})
	t.Run("MissingAccount", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		err := b.store.QuotaUse(b.ctx, facesnap.QuotaUseParams{Account: "nobody", Kind: take, ID: uuid(1), Limit: 1, Now: at(0), Until: at(1)})
		notFound(t, err, facesnap.ObjectAccount)
	})
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		const limit, tries = 5, 20
		var mu sync.Mutex
		granted := 0
		var wg sync.WaitGroup
		for n := range tries {
			wg.Go(func() {
				err := use(b, take, n, limit, at(0))
				if err != nil {
					errorIs(t, err, facesnap.ErrQuota)
					return
				}
				mu.Lock()
				granted++
				mu.Unlock()
			})
		}
		wg.Wait()
		equal(t, granted, limit)
	})
}
