package storetest

import (
	"testing"

	"facesnap"
)

func exerciseAccount(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Run("AccountCreate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			got, err := b.store.AccountGet(b.ctx, b.account.Name)
			noError(t, err)
			equal(t, got, b.account)
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			exists(t, b.store.AccountCreate(b.ctx, b.account), facesnap.ObjectAccount)
		})
	})

	t.Run("AccountGet", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.AccountGet(b.ctx, "nobody")
			notFound(t, err, facesnap.ObjectAccount)
		})
	})

	t.Run("AccountList", func(t *testing.T) {
		t.Parallel()
		t.Run("SortedByName", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			zeta, beta := account("zeta"), account("beta")
			noError(t, b.store.AccountCreate(b.ctx, zeta))
			noError(t, b.store.AccountCreate(b.ctx, beta))
			got, err := b.store.AccountList(b.ctx)
			noError(t, err)
			equal(t, got, []facesnap.Account{b.account, beta, zeta})
		})
	})

	t.Run("AccountDelete", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			other := account("other")
			noError(t, b.store.AccountCreate(b.ctx, other))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte("key")}))
			c := b.collection(t, facesnap.KindPersonGroup, "group")
			p := b.person(t, c.CollectionRef, 1)
			b.face(t, c.CollectionRef, p.ID, 1)
			noError(t, b.store.OperationCreate(b.ctx, operation(b.account.Name, 1, facesnap.OperationTrain)))

			noError(t, b.store.AccountDelete(b.ctx, b.account.Name))

			_, err := b.store.AccountGet(b.ctx, b.account.Name)
			notFound(t, err, facesnap.ObjectAccount)
			_, err = b.store.AccountByKey(b.ctx, []byte("key"))
			notFound(t, err, facesnap.ObjectAccount)
			_, err = b.store.OperationGet(b.ctx, uuid(1))
			notFound(t, err, facesnap.ObjectOperation)
			got, err := b.store.AccountList(b.ctx)
			noError(t, err)
			equal(t, got, []facesnap.Account{other})

			// Nothing of the old account comes back with a new one of
			// the same name.
			noError(t, b.store.AccountCreate(b.ctx, b.account))
			_, err = b.store.CollectionGet(b.ctx, c.CollectionRef)
			notFound(t, err, facesnap.ObjectPersonGroup)
			_, err = b.store.AccountByKey(b.ctx, []byte("key"))
			notFound(t, err, facesnap.ObjectAccount)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			notFound(t, b.store.AccountDelete(b.ctx, "nobody"), facesnap.ObjectAccount)
		})
	})

	t.Run("AccountKeyAdd", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			other := account("other")
			noError(t, b.store.AccountCreate(b.ctx, other))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{0, 1, 2}}))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{0, 1, 3}}))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: other.Name, Hash: []byte{9}}))
			for key, want := range map[string]facesnap.Account{
				"\x00\x01\x02": b.account, "\x00\x01\x03": b.account, "\x09": other,
			} {
				got, err := b.store.AccountByKey(b.ctx, []byte(key))
				noError(t, err)
				equal(t, got, want)
			}
		})
		t.Run("AgainIsNoop", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte("key")}))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte("key")}))
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.AccountCreate(b.ctx, account("other")))
			noError(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte("key")}))
			exists(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: "other", Hash: []byte("key")}), facesnap.ObjectAccount)
			got, err := b.store.AccountByKey(b.ctx, []byte("key"))
			noError(t, err)
			equal(t, got, b.account)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			notFound(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: "nobody", Hash: []byte("key")}), facesnap.ObjectAccount)
		})
	})

	t.Run("AccountByKey", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.AccountByKey(b.ctx, []byte("unknown"))
			notFound(t, err, facesnap.ObjectAccount)
		})
	})
}
