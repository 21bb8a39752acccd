package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"facesnap"
)

// operation returns a notstarted operation n of account, created at(n).
func operation(account string, n int, kind facesnap.OperationKind) facesnap.Operation {
	return facesnap.Operation{
		ID:        uuid(n),
		Account:   account,
		Kind:      kind,
		Args:      []byte(`{"n":1}`),
		Status:    facesnap.OperationNotStarted,
		CreatedAt: at(n),
	}
}

func (b *testBundle) operations(t *testing.T, ops ...facesnap.Operation) {
	t.Helper()
	for _, op := range ops {
		noError(t, b.store.OperationCreate(b.ctx, op))
	}
}

func (b *testBundle) claim(t *testing.T, owner string, now time.Time, kinds ...facesnap.OperationKind) facesnap.Operation {
	t.Helper()
	op, err := b.store.OperationClaim(b.ctx, facesnap.OperationClaimParams{Kinds: kinds, Owner: owner, Now: now, LeaseUntil: now.Add(time.Minute)})
	noError(t, err)
	return op
}

// claimAllOnce has runners claim operations of kinds at once until none
// is left, and checks that each of the want queued ones was claimed
// exactly once.
func (b *testBundle) claimAllOnce(t *testing.T, runners, want int, kinds ...facesnap.OperationKind) {
	t.Helper()
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for r := range runners {
		wg.Go(func() {
			for range want + 1 {
				op, err := b.store.OperationClaim(b.ctx, facesnap.OperationClaimParams{
					Kinds: kinds, Owner: uuid(r), Now: at(100), LeaseUntil: at(200),
				})
				if err != nil {
					if !errors.Is(err, facesnap.ErrNotFound) {
						t.Errorf("claim: %v", err)
					}
					return
				}
				mu.Lock()
				claimed[op.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != want {
		t.Fatalf("claimed %d operations, want %d", len(claimed), want)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("operation %s claimed %d times", id, n)
		}
	}
}

func exerciseOperation(t *testing.T, newStore func(*testing.T) facesnap.Store) {
	take, apply, train := facesnap.OperationSnapshotTake, facesnap.OperationSnapshotApply, facesnap.OperationTrain

	t.Run("OperationCreate", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			want := facesnap.Operation{
				ID: uuid(1), Account: b.account.Name, Kind: apply, Args: []byte(`{"snapshot":"x"}`),
				Status: facesnap.OperationSucceeded, CreatedAt: at(1), LastActionAt: at(2),
				ResourceLocation: "/persongroups/x", Message: "m", Done: 3, Total: 4, Attempt: 2,
				LeaseOwner: "runner", LeaseUntil: at(3), FinishedAt: at(2),
			}
			b.operations(t, want)
			got, err := b.store.OperationGet(b.ctx, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("DefaultStatus", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			op := operation(b.account.Name, 1, take)
			op.Status = ""
			b.operations(t, op)
			got, err := b.store.OperationGet(b.ctx, op.ID)
			noError(t, err)
			equal(t, got.Status, facesnap.OperationNotStarted)
		})
		t.Run("ErrExists", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			op := operation(b.account.Name, 1, take)
			b.operations(t, op)
			exists(t, b.store.OperationCreate(b.ctx, op), facesnap.ObjectOperation)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			notFound(t, b.store.OperationCreate(b.ctx, operation("nobody", 1, take)), facesnap.ObjectAccount)
		})
	})

	t.Run("OperationGet", func(t *testing.T) {
		t.Parallel()
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			_, err := b.store.OperationGet(b.ctx, uuid(1))
			notFound(t, err, facesnap.ObjectOperation)
		})
	})

	t.Run("OperationList", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			noError(t, b.store.AccountCreate(b.ctx, account("other")))
			ops := []facesnap.Operation{
				operation(b.account.Name, 1, take),
				operation(b.account.Name, 2, apply),
				operation(b.account.Name, 3, train),
				operation(b.account.Name, 4, take),
				operation("other", 5, take),
			}
			b.operations(t, ops...)
			for _, tt := range []struct {
				name   string
				kinds  []facesnap.OperationKind
				before time.Time
				top    int
				want   []facesnap.Operation
			}{
				{"NewestFirst", []facesnap.OperationKind{take, apply}, time.Time{}, 0, []facesnap.Operation{ops[3], ops[1], ops[0]}},
				{"Top", []facesnap.OperationKind{take, apply}, time.Time{}, 2, []facesnap.Operation{ops[3], ops[1]}},
				{"Before", []facesnap.OperationKind{take, apply}, at(4), 2, []facesnap.Operation{ops[1], ops[0]}},
				{"OneKind", []facesnap.OperationKind{train}, time.Time{}, 0, []facesnap.Operation{ops[2]}},
				{"NoKinds", nil, time.Time{}, 0, nil},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got, err := b.store.OperationList(b.ctx, facesnap.OperationListParams{
						Account: b.account.Name, Kinds: tt.kinds, Before: tt.before, Top: tt.top,
					})
					noError(t, err)
					equalList(t, got, tt.want)
				})
			}
		})
	})

	t.Run("OperationClaim", func(t *testing.T) {
		t.Parallel()
		t.Run("OldestFirst", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			// Created out of order; a kind the runner does not ask for is
			// older than all.
			b.operations(t,
				operation(b.account.Name, 3, take),
				operation(b.account.Name, 2, apply),
				operation(b.account.Name, 1, train),
			)
			now := at(10)
			got := b.claim(t, "runner", now, take, apply)
			want := operation(b.account.Name, 2, apply)
			want.Status, want.Attempt, want.LeaseOwner, want.LeaseUntil, want.LastActionAt =
				facesnap.OperationRunning, 1, "runner", now.Add(time.Minute), now
			equal(t, got, want)
			stored, err := b.store.OperationGet(b.ctx, want.ID)
			noError(t, err)
			equal(t, stored, want)

			equal(t, b.claim(t, "runner", now, take, apply).ID, uuid(3))
			_, err = b.store.OperationClaim(b.ctx, facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{take, apply}, Owner: "runner", Now: now, LeaseUntil: now.Add(time.Minute)})
			notFound(t, err, facesnap.ObjectOperation)
		})
		t.Run("ExpiredLease", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take))
			first := b.claim(t, "dead", at(10), take)

			// While the lease holds, nobody else gets it.
			_, err := b.store.OperationClaim(b.ctx, facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{take}, Owner: "other", Now: first.LeaseUntil, LeaseUntil: first.LeaseUntil.Add(time.Minute)})
			notFound(t, err, facesnap.ObjectOperation)

			later := first.LeaseUntil.Add(time.Nanosecond)
			second := b.claim(t, "other", later, take)
			equal(t, second.ID, first.ID)
			equal(t, second.Attempt, 2)
			equal(t, second.LeaseOwner, "other")

			// The runner that lost the lease can neither extend nor finish.
			errorIs(t, b.store.OperationHeartbeat(b.ctx, facesnap.OperationHeartbeatParams{ID: first.ID, Owner: "dead", Now: later, LeaseUntil: later.Add(time.Minute)}), facesnap.ErrConflict)
			errorIs(t, b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{ID: first.ID, Owner: "dead", Now: later, Status: facesnap.OperationSucceeded}), facesnap.ErrConflict)
		})
		t.Run("FinishedNotClaimed", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take))
			op := b.claim(t, "runner", at(10), take)
			noError(t, b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{ID: op.ID, Owner: "runner", Now: at(11), Status: facesnap.OperationFailed}))
			_, err := b.store.OperationClaim(b.ctx, facesnap.OperationClaimParams{Kinds: []facesnap.OperationKind{take}, Owner: "runner", Now: at(1000), LeaseUntil: at(1100)})
			notFound(t, err, facesnap.ObjectOperation)
		})
		t.Run("Concurrent", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			const ops, runners = 20, 4
			for n := range ops {
				b.operations(t, operation(b.account.Name, n, train))
			}
			b.claimAllOnce(t, runners, ops, train)
		})
	})

	t.Run("OperationHeartbeat", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take))
			want := b.claim(t, "runner", at(10), take)
			noError(t, b.store.OperationHeartbeat(b.ctx, facesnap.OperationHeartbeatParams{
				ID: want.ID, Owner: "runner", Now: at(20), LeaseUntil: at(80), Done: 5, Total: 9,
			}))
			want.LastActionAt, want.LeaseUntil, want.Done, want.Total = at(20), at(80), 5, 9
			got, err := b.store.OperationGet(b.ctx, want.ID)
			noError(t, err)
			equal(t, got, want)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take), operation(b.account.Name, 2, take))
			op := b.claim(t, "runner", at(10), take)
			for _, tt := range []struct {
				name, id, owner string
			}{
				{"OtherOwner", op.ID, "other"},
				{"NotStarted", uuid(2), "runner"},
				{"Missing", uuid(9), "runner"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := b.store.OperationHeartbeat(b.ctx, facesnap.OperationHeartbeatParams{ID: tt.id, Owner: tt.owner, Now: at(20), LeaseUntil: at(80)})
					errorIs(t, err, facesnap.ErrConflict)
				})
			}
		})
	})

	t.Run("OperationFinish", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take))
			want := b.claim(t, "runner", at(10), take)
			noError(t, b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{
				ID: want.ID, Owner: "runner", Now: at(30), Status: facesnap.OperationSucceeded, ResourceLocation: "/snapshots/x",
				Done: 7, Total: 7,
			}))
			want.Status, want.ResourceLocation, want.LastActionAt, want.FinishedAt = facesnap.OperationSucceeded, "/snapshots/x", at(30), at(30)
			want.Done, want.Total = 7, 7
			got, err := b.store.OperationGet(b.ctx, want.ID)
			noError(t, err)
			equal(t, got, want)

			// Finished once: a second finish is a conflict.
			err = b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{ID: want.ID, Owner: "runner", Now: at(31), Status: facesnap.OperationFailed, Message: "late"})
			errorIs(t, err, facesnap.ErrConflict)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			b.operations(t, operation(b.account.Name, 1, take))
			op := b.claim(t, "runner", at(10), take)
			err := b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{ID: op.ID, Owner: "other", Now: at(30), Status: facesnap.OperationFailed})
			errorIs(t, err, facesnap.ErrConflict)
		})
	})

	t.Run("OperationPurge", func(t *testing.T) {
		t.Parallel()
		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b := setup(t, newStore)
			for n := 1; n <= 4; n++ {
				b.operations(t, operation(b.account.Name, n, take))
			}
			for n, status := range []facesnap.OperationStatus{facesnap.OperationSucceeded, facesnap.OperationFailed, facesnap.OperationSucceeded} {
				op := b.claim(t, "runner", at(10), take) // the oldest: uuid(n+1)
				noError(t, b.store.OperationFinish(b.ctx, facesnap.OperationFinishParams{ID: op.ID, Owner: "runner", Now: at(20 * (n + 1)), Status: status}))
			}
			// Finished at 20, 40 and 60; the fourth is not finished.
			n, err := b.store.OperationPurge(b.ctx, at(60))
			noError(t, err)
			equal(t, n, 2)
			for n, want := range map[int]bool{1: false, 2: false, 3: true, 4: true} {
				_, err := b.store.OperationGet(b.ctx, uuid(n))
				if want {
					noError(t, err)
				} else {
					notFound(t, err, facesnap.ObjectOperation)
				}
			}
		})
	})
}
