package storetest

import (
	"testing"

	"facesnap"
)

func exerciseAccountKey(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	add := func(t *testing.T, b *testBundle, p facesnap.AccountKeyAddParams) {
		t.Helper()
		noError(t, b.store.AccountKeyAdd(b.ctx, p))
	}
	t.Run("AccountKeyList", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		other := account("other")
		noError(t, b.store.AccountCreate(b.ctx, other))
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{2}})
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{1}, Managed: true})
		add(t, b, facesnap.AccountKeyAddParams{Account: other.Name, Hash: []byte{0}, Managed: true})
		got, err := b.store.AccountKeyList(b.ctx, b.account.Name)
		noError(t, err)
		equalList(t, got, []facesnap.AccountKey{
			{Account: b.account.Name, Hash: []byte{1}, Managed: true},
			{Account: b.account.Name, Hash: []byte{2}},
		})
		all, err := b.store.AccountKeyList(b.ctx, "")
		noError(t, err)
		equalList(t, all, []facesnap.AccountKey{
			{Account: b.account.Name, Hash: []byte{1}, Managed: true},
			{Account: b.account.Name, Hash: []byte{2}},
			{Account: other.Name, Hash: []byte{0}, Managed: true},
		})
		none, err := b.store.AccountKeyList(b.ctx, "nobody")
		noError(t, err)
		equal(t, len(none), 0)
	})
	t.Run("AccountKeyAddManaged", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		// A key added again by the configuration becomes managed; added
		// again by hand, it stays managed.
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{1}})
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{1}, Managed: true})
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{1}})
		got, err := b.store.AccountKeyList(b.ctx, b.account.Name)
		noError(t, err)
		equalList(t, got, []facesnap.AccountKey{{Account: b.account.Name, Hash: []byte{1}, Managed: true}})
		// Another account's attempt changes nothing.
		noError(t, b.store.AccountCreate(b.ctx, account("other")))
		add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{2}})
		exists(t, b.store.AccountKeyAdd(b.ctx, facesnap.AccountKeyAddParams{Account: "other", Hash: []byte{2}, Managed: true}), facesnap.ObjectAccount)
		got, err = b.store.AccountKeyList(b.ctx, b.account.Name)
		noError(t, err)
		equal(t, got[1].Managed, false)
	})
	t.Run("AccountKeyRemove", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{1}})
			add(t, b, facesnap.AccountKeyAddParams{Account: b.account.Name, Hash: []byte{2}})
			noError(t, b.store.AccountKeyRemove(b.ctx, b.account.Name, []byte{1}))
			_, err := b.store.AccountByKey(b.ctx, []byte{1})
			notFound(t, err, facesnap.ObjectAccount)
			got, err := b.store.AccountByKey(b.ctx, []byte{2})
			noError(t, err)
			equal(t, got, b.account)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.AccountCreate(b.ctx, account("other")))
			add(t, b, facesnap.AccountKeyAddParams{Account: "other", Hash: []byte{1}})
			// Another account's key is not this account's to remove.
			notFound(t, b.store.AccountKeyRemove(b.ctx, b.account.Name, []byte{1}), facesnap.ObjectAccount)
			notFound(t, b.store.AccountKeyRemove(b.ctx, b.account.Name, []byte{9}), facesnap.ObjectAccount)
			_, err := b.store.AccountByKey(b.ctx, []byte{1})
			noError(t, err)
		})
	})
}
