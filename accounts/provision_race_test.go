package accounts_test

import (
	"context"
	"errors"
	"testing"

	"facesnap"
	"facesnap/accounts"
)

// staleStore plays a node that lost a race: its first stale AccountGets
// in a transaction answer NotFound for an account another node has
// created meanwhile, so its AccountCreate then finds it there.
type staleStore struct {
	facesnap.Store
	stale int
}

func (s *staleStore) InTx(ctx context.Context, fn func(facesnap.Store) error) error {
	return s.Store.InTx(ctx, func(st facesnap.Store) error {
		return fn(&staleStore{Store: st, stale: s.take()})
	})
}

func (s *staleStore) take() int {
	if s.stale > 0 {
		s.stale--
		return 1
	}
	return 0
}

func (s *staleStore) AccountGet(ctx context.Context, name string) (facesnap.Account, error) {
	if s.take() > 0 {
		return facesnap.Account{}, facesnap.NotFound(facesnap.ObjectAccount, name)
	}
	return s.Store.AccountGet(ctx, name)
}

// TestService_ProvisionLostRace: nodes starting together provision the
// same FACESNAP_ACCOUNTS at once; the one whose create finds the account
// already made tries again and finds it, instead of failing to start.
func TestService_ProvisionLostRace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	env := "race-key-0123456789abcdef0123456789=" + sub1
	if err := tb.svc.Provision(ctx, env); err != nil { // the node that won
		t.Fatal(err)
	}
	late := &accounts.Service{Store: &staleStore{Store: tb.store, stale: 1}}
	if err := late.Provision(ctx, env); err != nil {
		t.Fatalf("provision after losing the race: %v", err)
	}
	accts, err := tb.store.AccountList(ctx)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts after the race: %v, %v; want one", accts, err)
	}
	// A store that never shows the account is not retried for ever.
	never := &accounts.Service{Store: &staleStore{Store: tb.store, stale: 100}}
	if err := never.Provision(ctx, env); !errors.Is(err, facesnap.ErrExists) {
		t.Fatalf("provision that always loses: %v, want an ErrExists error after a few tries", err)
	}
}
