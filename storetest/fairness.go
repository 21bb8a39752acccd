package storetest

import (
	"fmt"
	"testing"

	"facesnap"
)

// exerciseFairness checks that OperationClaim is fair across accounts: a
// backlog queued by one account does not hold back another's operation.
func exerciseFairness(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	take, train := facesnap.OperationSnapshotTake, facesnap.OperationTrain

	t.Run("BacklogDoesNotDelayOtherAccount", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		other := account("other")
		noError(t, b.store.AccountCreate(b.ctx, other))
		const backlog = 50
		for n := range backlog {
			b.operations(t, operation(b.account.Name, n, take))
		}
		b.operations(t, operation(other.Name, backlog+1, train))

		// The first claim is the backlog's oldest; the second, with one of
		// acme's running, must be other's even though it was queued last.
		now := at(1000)
		first := b.claim(t, "runner", now, take, train)
		equal(t, first.ID, uuid(0))
		second := b.claim(t, "runner", now, take, train)
		equal(t, second.ID, uuid(backlog+1))
		// Each account holds one running now: the tie goes to the account
		// whose oldest claimable operation is oldest, in order.
		equal(t, b.claim(t, "runner", now, take, train).ID, uuid(1))
	})

	t.Run("FewestRunningFirst", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		other := account("other")
		noError(t, b.store.AccountCreate(b.ctx, other))
		b.operations(t,
			operation(b.account.Name, 1, take),
			operation(b.account.Name, 2, take),
			operation(b.account.Name, 3, take),
			operation(other.Name, 4, take),
			operation(other.Name, 5, take),
		)
		now := at(1000)
		// acme 1; other 4 (acme runs one); acme 2 (tie, acme older);
		// other 5 (acme runs two); acme 3.
		for _, want := range []int{1, 4, 2, 5, 3} {
			equal(t, b.claim(t, "runner", now, take).ID, uuid(want))
		}
	})

	t.Run("ExpiredLeaseNotCounted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newStore)
		other := account("other")
		noError(t, b.store.AccountCreate(b.ctx, other))
		b.operations(t,
			operation(b.account.Name, 1, take),
			operation(b.account.Name, 2, take),
			operation(other.Name, 3, take),
		)
		// acme's first is claimed by a runner that dies; once its lease
		// expires it no longer counts as running, and is itself claimable
		// again, oldest of all.
		dead := b.claim(t, "dead", at(10), take)
		equal(t, dead.ID, uuid(1))
		later := dead.LeaseUntil.Add(1)
		equal(t, b.claim(t, "runner", later, take).ID, uuid(1))
	})

	t.Run("Concurrent", func(t *testing.T) { exerciseFairnessConcurrent(t, newStore) })
}

// exerciseFairnessConcurrent has runners claim at once from several
// accounts' queues: the fair order must not cost the one-claim-each
// guarantee (on PostgreSQL, the lateral pick's SKIP LOCKED).
func exerciseFairnessConcurrent(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	t.Parallel()
	b := setup(t, newStore)
	const accounts, perAccount, runners = 3, 10, 4
	names := []string{b.account.Name}
	for a := 1; a < accounts; a++ {
		acct := account(fmt.Sprintf("tenant%d", a))
		noError(t, b.store.AccountCreate(b.ctx, acct))
		names = append(names, acct.Name)
	}
	for n := range accounts * perAccount {
		b.operations(t, operation(names[n%accounts], n, facesnap.OperationTrain))
	}
	b.claimAllOnce(t, runners, accounts*perAccount, facesnap.OperationTrain)
}
