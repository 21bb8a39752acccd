package sdktest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
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

// TestSnapshot_ExportImportAcrossStores: two deployments that share no
// store move a snapshot with the export and import extensions: export in
// the first, import in the second (its applyScope defaults to the
// importer's own subscription), apply there, equal copy.
func TestSnapshot_ExportImportAcrossStores(t *testing.T) {
	t.Parallel()
	a, b := harness.NewAccount(), harness.NewAccount()
	west := harness.Start(t, harness.Options{Accounts: []harness.Account{a}})
	east := harness.Start(t, harness.Options{Accounts: []harness.Account{b}})
	A, B := newClients(west.Endpoint, a.Key), newClients(east.Endpoint, b.Key)
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	k.build(t, ctx, A, "exported", 1800)
	want := readSnapshotted(t, ctx, A, k.typ, "exported", 1000, true)
	snapID := takeAndWait(t, ctx, A, k.typ, "exported", []uuid.UUID{subOf(b)}, "")

	// The other deployment does not know the snapshot.
	_, err := B.Snapshot.Get(ctx, snapID)
	expectAPIError(t, err, "B gets a snapshot of a store it does not share", http.StatusNotFound, "SnapshotNotFound")

	ex := west.Do(t, harness.Request{Method: http.MethodGet, Path: "/snapshots/" + snapID.String() + "/data", Key: a.Key})
	if ex.Status != http.StatusOK || len(ex.Body) == 0 {
		t.Fatalf("export: %s", ex)
	}
	im := east.Do(t, harness.Request{Method: http.MethodPost, Path: "/snapshots/import", Key: b.Key, ContentType: "application/octet-stream", Body: ex.Body})
	if im.Status != http.StatusOK || im.MediaType() != "application/json" {
		t.Fatalf("import: %s", im)
	}
	var imported struct {
		ID         string   `json:"id"`
		Type       string   `json:"type"`
		ApplyScope []string `json:"applyScope"`
	}
	if err := json.Unmarshal(im.Body, &imported); err != nil {
		t.Fatalf("import answered %s: %v", im.Body, err)
	}
	if imported.Type != string(k.typ) || len(imported.ApplyScope) != 1 || imported.ApplyScope[0] != b.Subscription {
		t.Errorf("imported snapshot: type %q applyScope %v, want %s [%s]", imported.Type, imported.ApplyScope, k.typ, b.Subscription)
	}
	id := uuid.Must(uuid.FromString(imported.ID))
	s, err := B.Snapshot.Get(ctx, id)
	must(t, err, "B gets the imported snapshot through the SDK")
	if s.Type != k.typ {
		t.Errorf("imported snapshot type %s", s.Type)
	}
	applyAndWait(t, ctx, B, k, id, "imported")
	compareSnapshotted(t, want, readSnapshotted(t, ctx, B, k.typ, "imported", 1000, true))
}
