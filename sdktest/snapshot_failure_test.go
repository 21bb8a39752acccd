package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// snapshotDataPath is where the shared directory store keeps a
// snapshot's data file.
func snapshotDataPath(store string, id uuid.UUID) string {
	return filepath.Join(store, "snapshots", id.String(), "data")
}

// TestSnapshot_TakeMissingSource: taking an object that does not exist,
// or that another account owns, is 404 with the type's NotFound code, and
// starts no operation.
func TestSnapshot_TakeMissingSource(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	scope := []uuid.UUID{subOf(sb.b)}
	for i, k := range snapKinds {
		_, err := sb.A.Snapshot.Take(ctx, face.TakeSnapshotRequest{Type: k.typ, ObjectID: ptr("missing"), ApplyScope: &scope})
		expectAPIError(t, err, "take a missing "+string(k.typ), http.StatusNotFound, k.notFound)
		// B's object is as missing to A as one that never existed.
		k.build(t, ctx, sb.B, "bs-own", uint64(400+10*i))
		_, err = sb.A.Snapshot.Take(ctx, face.TakeSnapshotRequest{Type: k.typ, ObjectID: ptr("bs-own"), ApplyScope: &scope})
		expectAPIError(t, err, "take another account's "+string(k.typ), http.StatusNotFound, k.notFound)
	}
	r := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations", Key: sb.a.Key})
	var ops []json.RawMessage
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &ops) != nil || len(ops) != 0 {
		t.Errorf("refused takes left operations: %s", r)
	}
	if l := snapshotIDs(t, sb.A, "", nil); len(l) != 0 {
		t.Errorf("refused takes left snapshots %v", l)
	}
}

// TestSnapshot_ApplyTargetExists: CreateNew onto an existing object is
// accepted, then fails with a message and leaves the object unchanged.
func TestSnapshot_ApplyTargetExists(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	for i, k := range snapKinds {
		t.Run(string(k.typ), func(t *testing.T) {
			t.Parallel()
			ctx := ctxFor(t)
			k.build(t, ctx, sb.A, "src", uint64(500+10*i))
			snapID := takeAndWait(t, ctx, sb.A, k.typ, "src", []uuid.UUID{subOf(sb.b)}, "")
			k.build(t, ctx, sb.B, "taken", uint64(600+10*i))
			before := readSnapshotted(t, ctx, sb.B, k.typ, "taken", 1000, true)

			op := applySnapshot(t, ctx, sb.B, snapID, "taken")
			expectFailed(t, waitOperation(t, ctx, sb.B, op), "apply onto an existing "+string(k.typ))
			compareSnapshotted(t, before, readSnapshotted(t, ctx, sb.B, k.typ, "taken", 1000, true))
		})
	}
}

// TestSnapshot_ConcurrentApplySameID: two applies to the same new id at
// once: one succeeds, the other fails with a message, and the target is
// one whole copy.
func TestSnapshot_ConcurrentApplySameID(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	k.build(t, ctx, sb.A, "race", 700)
	want := readSnapshotted(t, ctx, sb.A, k.typ, "race", 1000, true)
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "race", []uuid.UUID{subOf(sb.b)}, "")

	for round := range 3 {
		id := fmt.Sprintf("race-%d", round)
		var wg sync.WaitGroup
		ops := make([]uuid.UUID, 2)
		errs := make([]error, 2)
		start := make(chan struct{})
		for i := range ops {
			wg.Go(func() {
				<-start
				r, err := sb.B.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr(id)})
				errs[i] = err
				if err == nil {
					if m := operationPath.FindStringSubmatch(r.Header.Get("Operation-Location")); m != nil {
						ops[i] = uuid.Must(uuid.FromString(m[1]))
					}
				}
			})
		}
		close(start)
		wg.Wait()
		var statuses []face.OperationStatus
		for i := range ops {
			if errs[i] != nil || ops[i] == uuid.Nil {
				t.Fatalf("round %d: apply %d not accepted with an Operation-Location: %v", round, i, errs[i])
			}
			statuses = append(statuses, waitOperation(t, ctx, sb.B, ops[i]))
		}
		won := 0
		for i, st := range statuses {
			if st.Status == face.Succeeded {
				won++
				expectSucceeded(t, st, fmt.Sprintf("round %d apply %d", round, i))
			} else {
				expectFailed(t, st, fmt.Sprintf("round %d: the apply that lost the race", round))
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d of 2 concurrent applies to %s succeeded, want exactly 1", round, won, id)
		}
		compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, id, 1000, true))
	}
}

// TestSnapshot_Expired: with --snapshot-ttl 3s a snapshot disappears once
// it expires: get and apply are 404, List leaves it out, and its data is
// purged from the store.
func TestSnapshot_Expired(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	sb := setupSnap(t, harness.Options{SnapshotStore: store, ExtraArgs: []string{"--snapshot-ttl", "3s"}})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeFaceList)
	k.build(t, ctx, sb.A, "short-lived", 800)
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "short-lived", []uuid.UUID{subOf(sb.b)}, "")

	// Wait for expiry by polling, bounded; the TTL is the server's clock.
	gone := false
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; i < 300 && time.Now().Before(deadline); i++ {
		if _, err := sb.B.Snapshot.Get(ctx, snapID); err != nil {
			expectAPIError(t, err, "B gets the expired snapshot", http.StatusNotFound, "SnapshotNotFound")
			gone = true
			break
		}
		sleepBrief()
	}
	if !gone {
		t.Fatalf("snapshot with a 3 s TTL still readable after the polling bound")
	}
	_, err := sb.A.Snapshot.Get(ctx, snapID)
	expectAPIError(t, err, "A gets the expired snapshot", http.StatusNotFound, "SnapshotNotFound")
	_, err = sb.B.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr("too-late")})
	expectAPIError(t, err, "B applies the expired snapshot", http.StatusNotFound, "SnapshotNotFound")
	if k.exists(t, ctx, sb.B, "too-late") {
		t.Errorf("apply of an expired snapshot created its target")
	}
	expectListed(t, "B's list", snapshotIDs(t, sb.B, "", nil), nil, snapID)
	expectListed(t, "A's list", snapshotIDs(t, sb.A, "", nil), nil, snapID)

	// The purger removes the data too (metadata and data, per the issue).
	dir := filepath.Dir(snapshotDataPath(store, snapID))
	purged := false
	for i := 0; i < 300 && time.Now().Before(deadline.Add(30*time.Second)); i++ {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			purged = true
			break
		}
		sleepBrief()
	}
	if !purged {
		entries, _ := os.ReadDir(dir)
		t.Errorf("expired snapshot's directory %s still holds %d entries after the polling bound", dir, len(entries))
	}
}

// TestSnapshot_CorruptedData: an apply of a snapshot whose data was
// damaged in the store (a flipped byte in the body or in the trailer, a
// truncation, another snapshot's well-formed file) fails with a message,
// and its target id is free afterwards. The undamaged file then applies.
func TestSnapshot_CorruptedData(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	sb := setupSnap(t, harness.Options{SnapshotStore: store})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	k.build(t, ctx, sb.A, "fragile", 850)
	k.build(t, ctx, sb.A, "other", 870)
	want := readSnapshotted(t, ctx, sb.A, k.typ, "fragile", 1000, true)
	scope := []uuid.UUID{subOf(sb.b)}
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "fragile", scope, "")
	otherID := takeAndWait(t, ctx, sb.A, k.typ, "other", scope, "")

	path := snapshotDataPath(store, snapID)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read snapshot data: %v", err)
	}
	otherData, err := os.ReadFile(snapshotDataPath(store, otherID))
	if err != nil {
		t.Fatalf("read other snapshot data: %v", err)
	}
	flip := func(at int) []byte {
		b := bytes.Clone(orig)
		b[at] ^= 0x40
		return b
	}
	damages := []struct {
		name string
		data []byte
	}{
		{"flipped-middle", flip(len(orig) / 2)},
		{"flipped-last", flip(len(orig) - 1)},
		{"truncated", orig[:len(orig)*2/3]},
		{"swapped", otherData},
	}
	for _, d := range damages {
		if err := os.WriteFile(path, d.data, 0o644); err != nil {
			t.Fatalf("damage snapshot data: %v", err)
		}
		op := applySnapshot(t, ctx, sb.B, snapID, d.name)
		expectFailed(t, waitOperation(t, ctx, sb.B, op), "apply of "+d.name+" data")
		if k.exists(t, ctx, sb.B, d.name) {
			t.Errorf("%s: failed apply left its target", d.name)
		}
		// The id is free: nothing reserved stays behind.
		_, err := sb.B.LargePersonGroup.Create(ctx, d.name, face.MetaDataContract{Name: ptr("mine")})
		if err != nil {
			t.Errorf("%s: create the failed apply's target id: %s", d.name, describe(err))
		}
	}

	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatalf("restore snapshot data: %v", err)
	}
	applyAndWait(t, ctx, sb.B, k, snapID, "restored")
	compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, "restored", 1000, true))
}

// TestSnapshot_ImportDamagedExport: an exported snapshot (extension)
// imports and applies; a damaged or truncated one is refused with 400 and
// leaves no snapshot.
func TestSnapshot_ImportDamagedExport(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypePersonGroup)
	k.build(t, ctx, sb.A, "exported", 880)
	want := readSnapshotted(t, ctx, sb.A, k.typ, "exported", 1000, true)
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "exported", []uuid.UUID{subOf(sb.b)}, "")

	ex := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/snapshots/" + snapID.String() + "/data", Key: sb.a.Key})
	if ex.Status != http.StatusOK || ex.MediaType() != "application/octet-stream" || len(ex.Body) == 0 {
		t.Fatalf("export: %d %s, %d bytes", ex.Status, ex.Header.Get("Content-Type"), len(ex.Body))
	}
	out := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/snapshots/" + snapID.String() + "/data", Key: sb.c.Key})
	out.ExpectError(t, "C exports A's snapshot", http.StatusNotFound, "SnapshotNotFound")

	importAs := func(key string, body []byte) harness.Response {
		return sb.srv.Do(t, harness.Request{
			Method: http.MethodPost, Path: "/snapshots/import?applyScope=" + sb.b.Subscription,
			Key: key, ContentType: "application/octet-stream", Body: body,
		})
	}
	flipped := bytes.Clone(ex.Body)
	flipped[len(flipped)/2] ^= 0x01
	for name, body := range map[string][]byte{
		"flipped byte": flipped,
		"truncated":    ex.Body[:len(ex.Body)/2],
		"not a file":   []byte("this is not a snapshot file"),
	} {
		before := snapshotIDs(t, sb.A, "", nil)
		importAs(sb.a.Key, body).ExpectError(t, "import of a "+name+" export", http.StatusBadRequest, "")
		if after := snapshotIDs(t, sb.A, "", nil); len(after) != len(before) {
			t.Errorf("refused import (%s) left a snapshot: %v → %v", name, before, after)
		}
	}

	// The undamaged file imports as a new snapshot that B can apply.
	r := importAs(sb.a.Key, ex.Body)
	if r.Status != http.StatusOK {
		t.Fatalf("import of the intact export: %s", r)
	}
	var imported struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &imported); err != nil || imported.ID == "" || imported.ID == snapID.String() {
		t.Fatalf("import answered %s, want a Snapshot with a new id", r.Body)
	}
	applyAndWait(t, ctx, sb.B, k, uuid.Must(uuid.FromString(imported.ID)), "from-import")
	compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, "from-import", 1000, true))
}

// TestSnapshot_ApplyFaceListQuota: an account holds at most 64 face lists
// (CONTRACT.md, "Limits"); an apply must not make a 65th. It fails with a
// message instead, and succeeds once a slot is free.
func TestSnapshot_ApplyFaceListQuota(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeFaceList)
	k.build(t, ctx, sb.A, "quota", 1600)
	want := readSnapshotted(t, ctx, sb.A, k.typ, "quota", 1000, true)
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "quota", []uuid.UUID{subOf(sb.b)}, "")
	for i := range 64 {
		_, err := sb.B.FaceList.Create(ctx, fmt.Sprintf("fl-%02d", i), face.MetaDataContract{Name: ptr("n")})
		must(t, err, fmt.Sprintf("create face list %d of 64", i+1))
	}
	r, err := sb.B.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr("fl-64")})
	refusedOrFailed(t, sb.B, r, err, "apply a face list snapshot into an account with 64 face lists")
	l, err := sb.B.FaceList.List(ctx, nil)
	must(t, err, "list face lists")
	if l.Value == nil || len(*l.Value) != 64 {
		t.Errorf("B has %d face lists after the apply, want 64", len(*l.Value))
	}
	if k.exists(t, ctx, sb.B, "fl-64") {
		// What follows needs fl-64 free; it would only repeat this error.
		t.Fatalf("the apply created a 65th face list")
	}
	_, err = sb.B.FaceList.Delete(ctx, "fl-00")
	must(t, err, "free a slot")
	applyAndWait(t, ctx, sb.B, k, snapID, "fl-64")
	compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, "fl-64", 1000, true))
}
