package sdktest

import (
	"net/http"
	"testing"

	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// TestSnapshot_TwoRegions: two facesnap processes with their own --data
// and one shared --snapshot-store. A takes in the first; B, provisioned
// only in the second, sees and applies the snapshot there.
func TestSnapshot_TwoRegions(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	a, b := harness.NewAccount(), harness.NewAccount()
	west := harness.Start(t, harness.Options{Accounts: []harness.Account{a}, SnapshotStore: store})
	east := harness.Start(t, harness.Options{Accounts: []harness.Account{b}, SnapshotStore: store})
	A, B := newClients(west.Endpoint, a.Key), newClients(east.Endpoint, b.Key)
	ctx := ctxFor(t)

	for i, k := range snapKinds {
		t.Run(string(k.typ), func(t *testing.T) {
			src := "west-" + lower(string(k.typ))
			k.build(t, ctx, A, src, uint64(1000+10*i))
			want := readSnapshotted(t, ctx, A, k.typ, src, 1000, true)
			snapID := takeAndWait(t, ctx, A, k.typ, src, []uuid.UUID{subOf(b)}, "cross-region")

			s, err := B.Snapshot.Get(ctx, snapID)
			must(t, err, "B gets the snapshot in the other region")
			if s.Type != k.typ || deref(s.UserData) != "cross-region" {
				t.Errorf("snapshot in the other region: type %s userData %s", s.Type, deref(s.UserData))
			}
			expectListed(t, "B's list in the other region", snapshotIDs(t, B, k.typ, nil), []uuid.UUID{snapID})

			dst := "east-" + lower(string(k.typ))
			applyAndWait(t, ctx, B, k, snapID, dst)
			compareSnapshotted(t, want, readSnapshotted(t, ctx, B, k.typ, dst, 1000, true))

			// A deletes it in the first region: gone in the second too,
			// while the applied copy stays.
			_, err = A.Snapshot.Delete(ctx, snapID)
			must(t, err, "A deletes the snapshot")
			_, err = B.Snapshot.Get(ctx, snapID)
			expectAPIError(t, err, "B gets the deleted snapshot in the other region", http.StatusNotFound, "SnapshotNotFound")
			if !k.exists(t, ctx, B, dst) {
				t.Errorf("deleting the snapshot removed the applied copy")
			}
		})
	}

	// A's key means nothing in the region it is not provisioned in.
	r := east.Do(t, harness.Request{Method: http.MethodGet, Path: "/snapshots", Key: a.Key})
	if r.Status != http.StatusUnauthorized {
		t.Errorf("A's key in the region it is not provisioned in: %s, want 401", r)
	}
}
