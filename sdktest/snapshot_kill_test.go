package sdktest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap"
	"facesnap/sdktest/harness"
	"facesnap/sqlite"
)

// The large sources for the kill -9 tests, big enough that the operation
// runs over more than one heartbeat (progress is recorded every second) and
// can be caught midway: an apply of 50,000 faces takes a few seconds on 2
// cores, a take of them under one, so the take test uses three times as
// many.
const (
	applyPersons = 5000
	takePersons  = 15000
	bigFacesEach = 10
)

// populateLargePersonGroup writes a LargePersonGroup of persons × faces
// (128-float features, userData, trained) for the account with the given
// subscription straight into a stopped server's database, through the
// store's bulk path (reserve, load in batches, publish): the SDK would
// take minutes to add this many faces.
func populateLargePersonGroup(t *testing.T, dataDir, subscription, id string, persons, faces int) {
	t.Helper()
	ctx := harness.Context(t, time.Minute)
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "facesnap.db"))
	if err != nil {
		t.Fatalf("open the stopped server's database: %v", err)
	}
	defer db.Close()
	accts, err := db.AccountList(ctx)
	if err != nil {
		t.Fatalf("list accounts: %v", err)
	}
	var acct string
	for _, a := range accts {
		if a.SubscriptionID == subscription {
			acct = a.Name
		}
	}
	if acct == "" {
		t.Fatalf("no account with subscription %s among %d", subscription, len(accts))
	}
	ref := facesnap.CollectionRef{Account: acct, Kind: facesnap.KindLargePersonGroup, ID: id}
	owner := "sdktest-populate"
	now := time.Now().UTC()
	err = db.CollectionReserve(ctx, facesnap.CollectionReserveParams{
		Collection: facesnap.Collection{CollectionRef: ref, Name: "big " + id, UserData: `{"big":true}`,
			RecognitionModel: facesnap.DefaultRecognitionModel, CreatedAt: now},
		Owner: owner,
	})
	if err != nil {
		t.Fatalf("reserve: %v", err)
	}
	rng := rand.New(rand.NewPCG(7, uint64(persons)))
	batch := facesnap.CollectionLoadParams{Ref: ref, Owner: owner}
	seq := int64(0)
	for i := range persons {
		p := facesnap.Person{ID: uuid.Must(uuid.NewV4()).String(), Name: fmt.Sprintf("person %d", i), UserData: fmt.Sprintf(`{"i":%d}`, i)}
		if i%7 == 0 {
			p.UserData = "" // some persons without userData
		}
		batch.Persons = append(batch.Persons, p)
		for j := range faces {
			seq++
			batch.Faces = append(batch.Faces, facesnap.Face{
				ID: uuid.Must(uuid.NewV4()).String(), PersonID: p.ID, UserData: fmt.Sprintf("face %d.%d", i, j),
				Rect:           facesnap.Rect{Left: rng.IntN(400), Top: rng.IntN(400), Width: 60 + rng.IntN(100), Height: 60 + rng.IntN(100)},
				DetectionModel: facesnap.DefaultDetectionModel, Feature: unitFeature(rng), Seq: seq, CreatedAt: now,
			})
		}
		if len(batch.Faces) >= 5000 || i == persons-1 {
			if err := db.CollectionLoad(ctx, batch); err != nil {
				t.Fatalf("load: %v", err)
			}
			batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		}
	}
	err = db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: owner, Training: facesnap.Training{
		Status: facesnap.TrainingSucceeded, CreatedAt: now, LastActionAt: now, LastSuccessAt: now, TrainedSeq: seq,
	}})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
}

// unitFeature is a random unit-length 128-float descriptor.
func unitFeature(rng *rand.Rand) []float32 {
	f := make([]float32, 128)
	var norm float64
	for i := range f {
		v := rng.NormFloat64()
		f[i] = float32(v)
		norm += v * v
	}
	n := float32(1 / math.Sqrt(norm))
	for i := range f {
		f[i] *= n
	}
	return f
}

// wireOperation is OperationStatus with facesnap's progress extension.
type wireOperation struct {
	Status         string `json:"status"`
	CreatedTime    string `json:"createdTime"`
	LastActionTime string `json:"lastActionTime"`
	Message        string `json:"message"`
	Progress       *struct {
		Done  int64 `json:"done"`
		Total int64 `json:"total"`
	} `json:"progress"`
}

// catchMidway polls an operation fast (bounded in count and time) until it
// is running with progress strictly between 0 and total. It returns false
// if the operation ended first.
func catchMidway(t *testing.T, srv *harness.Server, key string, op uuid.UUID) (wireOperation, bool) {
	t.Helper()
	var last wireOperation
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 6000 && time.Now().Before(deadline); i++ {
		r, _ := rawOperation(t, srv, key, op)
		if r.Status != http.StatusOK {
			t.Fatalf("poll operation %s: %s", op, r)
		}
		var st wireOperation
		if err := json.Unmarshal(r.Body, &st); err != nil {
			t.Fatalf("operation %s: %v; %s", op, err, r)
		}
		last = st
		if st.Status != "succeeded" && st.Status != "failed" && r.Header.Get("Retry-After") == "" {
			t.Errorf("operation %s is %s without Retry-After", op, st.Status)
		}
		switch st.Status {
		case "succeeded", "failed":
			return st, false
		case "running":
			if p := st.Progress; p != nil && p.Done > 0 && p.Done < p.Total {
				if !serviceTime(st.LastActionTime) {
					t.Errorf("operation %s is moving data (%d/%d) with lastActionTime %q", op, p.Done, p.Total, st.LastActionTime)
				}
				return st, true
			}
		case "notstarted":
		default:
			t.Fatalf("operation %s: status %q", op, st.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("operation %s never ran midway within the polling bound; last %+v", op, last)
	return last, false
}

// bigServer starts a server with A and B, stops it, populates A's large
// source and starts it again with a short operation lease (and extra
// flags).
func bigServer(t *testing.T, id string, persons int, extraArgs ...string) *snapBundle {
	t.Helper()
	sb := setupSnap(t, harness.Options{ExtraArgs: append([]string{"--operation-lease", "2s"}, extraArgs...)})
	sb.srv.Stop()
	t0 := time.Now()
	populateLargePersonGroup(t, sb.srv.DataDir(), sb.a.Subscription, id, persons, bigFacesEach)
	t.Logf("populated %d persons × %d faces in %v", persons, bigFacesEach, time.Since(t0).Round(time.Millisecond))
	sb.srv.Restart()
	return sb
}

// readBig reads a large person group's persons with their face ids, a
// thousand at a time, and checks the totals.
func readBig(t *testing.T, ctx context.Context, c clients, id string, persons int) snapshotted {
	t.Helper()
	s := readSnapshotted(t, ctx, c, face.SnapshotObjectTypeLargePersonGroup, id, 1000, false)
	faces := 0
	for _, p := range s.Persons {
		faces += len(p.Faces)
	}
	if len(s.Persons) != persons || faces != persons*bigFacesEach {
		t.Errorf("%s has %d persons and %d faces, want %d and %d", id, len(s.Persons), faces, persons, persons*bigFacesEach)
	}
	return s
}

// killAndResume kills the server while op runs, restarts it on the same
// data and waits until the operation succeeds. Before it does, the target
// of an apply (if any) must not be visible half-made.
func killAndResume(t *testing.T, ctx context.Context, sb *snapBundle, c clients, key string, op uuid.UUID, midway wireOperation, applyTarget string, persons int) face.OperationStatus {
	t.Helper()
	sb.srv.Kill()
	sb.srv.Restart()
	r, _ := rawOperation(t, sb.srv, key, op)
	var after wireOperation
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &after) != nil {
		t.Fatalf("operation %s after restart: %s", op, r)
	}
	if after.CreatedTime != midway.CreatedTime {
		t.Errorf("createdTime changed across the restart: %s → %s", midway.CreatedTime, after.CreatedTime)
	}
	if after.Status == "failed" {
		t.Fatalf("operation %s failed after the restart: %s", op, after.Message)
	}
	if applyTarget != "" {
		// The id stays reserved across the crash (or is taken by the
		// finished copy): a create in between must not get it.
		_, err := c.LargePersonGroup.Create(ctx, applyTarget, face.MetaDataContract{Name: ptr("interloper")})
		expectAPIError(t, err, "create the id of an apply interrupted by kill -9", http.StatusConflict, "LargePersonGroupExists")
	}
	if applyTarget != "" && after.Status != "succeeded" {
		if _, err := c.LargePersonGroup.Get(ctx, applyTarget, nil); err == nil {
			// Visible before its operation ended: it must be whole.
			t.Logf("target %s visible while its operation is %s; checking it is whole", applyTarget, after.Status)
			readBig(t, ctx, c, applyTarget, persons)
		} else {
			expectAPIError(t, err, "half-applied target after restart", http.StatusNotFound, "LargePersonGroupNotFound")
		}
	}
	st := waitOperation(t, ctx, c, op)
	if st.Status != face.Succeeded {
		t.Fatalf("operation %s after kill -9 and restart: %s (%s), want succeeded", op, st.Status, deref(st.Message))
	}
	return st
}

// TestSnapshot_KillDuringApply: kill -9 the server while an apply of a
// 50,000-face LargePersonGroup is midway; after a restart with the same
// data the operation completes and the target equals the source, every
// person and face id. Then the same with the data damaged while the
// server is down.
func TestSnapshot_KillDuringApply(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big", applyPersons)
	ctx := harness.Context(t, 3*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	t0 := time.Now()
	want := readBig(t, ctx, sb.A, "big", applyPersons)
	t.Logf("read the source through the SDK in %v", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	takeOp := takeSnapshot(t, ctx, sb.A, k.typ, "big", []uuid.UUID{subOf(sb.b)}, "")
	loc := expectSucceeded(t, waitOperation(t, ctx, sb.A, takeOp), "take")
	t.Logf("took it in %v", time.Since(t0).Round(time.Millisecond))
	m := snapshotPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("take: resourceLocation %q", loc)
	}
	snapID := uuid.Must(uuid.FromString(m[1]))

	// applyMidway starts applies (into prefix-N) until one is seen midway.
	applyMidway := func(t *testing.T, prefix string) (uuid.UUID, wireOperation, string) {
		t.Helper()
		for attempt := range 3 {
			target := fmt.Sprintf("%s-%d", prefix, attempt)
			op := applySnapshot(t, ctx, sb.B, snapID, target)
			midway, caught := catchMidway(t, sb.srv, sb.b.Key, op)
			if caught {
				return op, midway, target
			}
			// Finished before a heartbeat showed progress: not what this
			// test is about; try again into another id.
			t.Logf("apply %d ended (%s) before it was seen midway; retrying", attempt, midway.Status)
		}
		t.Fatalf("no apply was seen running midway in 3 attempts")
		return uuid.Nil, wireOperation{}, ""
	}

	op, midway, target := applyMidway(t, "big-copy")
	t.Logf("killing during apply at %d/%d", midway.Progress.Done, midway.Progress.Total)
	t0 = time.Now()
	st := killAndResume(t, ctx, sb, sb.B, sb.b.Key, op, midway, target, applyPersons)
	t.Logf("restarted and resumed in %v", time.Since(t0).Round(time.Millisecond))
	if loc := deref(st.ResourceLocation); loc != "/largepersongroups/"+target {
		t.Errorf("resumed apply: resourceLocation %q, want /largepersongroups/%s", loc, target)
	}
	// Finished operations are durable too: the take still reads the same.
	takeSt, err := sb.A.Snapshot.GetOperationStatus(ctx, takeOp)
	must(t, err, "get the take operation after the restart")
	if takeSt.Status != face.Succeeded || deref(takeSt.ResourceLocation) != "/snapshots/"+snapID.String() {
		t.Errorf("take operation after the restart: %s %s", takeSt.Status, deref(takeSt.ResourceLocation))
	}
	got := readBig(t, ctx, sb.B, target, applyPersons)
	compareSnapshotted(t, want, got)

	// Killed midway, and the snapshot's data damaged while the server is
	// down: the redo fails with a message, and what the first attempt
	// loaded does not survive; the id is free.
	t.Run("CorruptedWhileDown", func(t *testing.T) {
		op, _, target := applyMidway(t, "broken")
		sb.srv.Kill()
		path := snapshotDataPath(filepath.Join(sb.srv.DataDir(), "snapshots"), snapID)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read snapshot data: %v", err)
		}
		damaged := bytes.Clone(orig)
		damaged[len(damaged)/2] ^= 0x10
		if err := os.WriteFile(path, damaged, 0o644); err != nil {
			t.Fatalf("damage snapshot data: %v", err)
		}
		sb.srv.Restart()
		expectFailed(t, waitOperation(t, ctx, sb.B, op), "apply redone on damaged data after kill -9")
		_, err = sb.B.LargePersonGroup.Get(ctx, target, nil)
		expectAPIError(t, err, "target of the failed apply", http.StatusNotFound, "LargePersonGroupNotFound")
		_, err = sb.B.LargePersonGroup.Create(ctx, target, face.MetaDataContract{Name: ptr("mine")})
		must(t, err, "create the failed apply's target id")
		l, err := sb.B.LargePersonGroupPerson.List(ctx, target, "", nil)
		must(t, err, "list persons of the new group")
		if l.Value == nil || len(*l.Value) != 0 {
			t.Errorf("a group created on the failed apply's id has %d persons: the first attempt's load survived", len(*l.Value))
		}
	})
}

// TestSnapshot_LargeTake runs two takes of one 150,000-face
// LargePersonGroup on one server.
//
// KillDuringTake: kill -9 the server while the take is midway; after a
// restart the take completes and its snapshot applies to an equal copy.
//
// WritesDuringTake: writes to the source while a take is midway succeed,
// and none of them shows in the snapshot (the point-in-time guarantee in
// the snapshots package doc, stricter than the service's).
func TestSnapshot_LargeTake(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big", takePersons)
	ctx := harness.Context(t, 4*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	want := readBig(t, ctx, sb.A, "big", takePersons)
	scope := []uuid.UUID{subOf(sb.b)}

	// takeMidway starts takes until one is seen running midway.
	takeMidway := func(t *testing.T, userData string) (uuid.UUID, wireOperation) {
		t.Helper()
		for attempt := range 3 {
			op := takeSnapshot(t, ctx, sb.A, k.typ, "big", scope, userData)
			midway, caught := catchMidway(t, sb.srv, sb.a.Key, op)
			if caught {
				t.Logf("take seen midway at %d/%d", midway.Progress.Done, midway.Progress.Total)
				return op, midway
			}
			t.Logf("take %d ended (%s) before it was seen midway; retrying", attempt, midway.Status)
		}
		t.Fatalf("no take was seen running midway in 3 attempts")
		return uuid.Nil, wireOperation{}
	}
	snapshotOf := func(t *testing.T, st face.OperationStatus) uuid.UUID {
		t.Helper()
		m := snapshotPath.FindStringSubmatch(deref(st.ResourceLocation))
		if m == nil {
			t.Fatalf("take: resourceLocation %q, want /snapshots/{uuid}", deref(st.ResourceLocation))
		}
		return uuid.Must(uuid.FromString(m[1]))
	}

	t.Run("KillDuringTake", func(t *testing.T) {
		op, midway := takeMidway(t, "taken across a crash")
		st := killAndResume(t, ctx, sb, sb.A, sb.a.Key, op, midway, "", takePersons)
		snapID := snapshotOf(t, st)
		s, err := sb.B.Snapshot.Get(ctx, snapID)
		must(t, err, "B gets the snapshot taken across a crash")
		if deref(s.UserData) != "taken across a crash" {
			t.Errorf("snapshot userData %s", deref(s.UserData))
		}
		applyAndWait(t, ctx, sb.B, k, snapID, "after-crash")
		compareSnapshotted(t, want, readBig(t, ctx, sb.B, "after-crash", takePersons))
		// Not part of the API: what the killed attempt left in the store
		// (blob/dir documents that a crash may leave a temporary file),
		// before and after the snapshot is deleted.
		n, size := storeTempFiles(filepath.Join(sb.srv.DataDir(), "snapshots"))
		_, err = sb.A.Snapshot.Delete(ctx, snapID)
		must(t, err, "delete the snapshot")
		n2, size2 := storeTempFiles(filepath.Join(sb.srv.DataDir(), "snapshots"))
		if n+n2 > 0 {
			t.Logf("note: the killed take left %d temporary file(s), %d bytes, in the snapshot store; %d (%d bytes) remain after the snapshot's delete", n, size, n2, size2)
		}
	})

	t.Run("WritesDuringTake", func(t *testing.T) {
		op, _ := takeMidway(t, "")
		c := sb.A.LargePersonGroupPerson
		p0 := uuid.Must(uuid.FromString(want.Persons[0].ID))
		p1 := uuid.Must(uuid.FromString(want.Persons[1].ID))
		p2 := uuid.Must(uuid.FromString(want.Persons[2].ID))
		_, err := c.Update(ctx, "big", p0, face.NameAndUserDataContract{Name: ptr("renamed during take")})
		must(t, err, "rename a person during the take")
		_, err = c.Delete(ctx, "big", p1)
		must(t, err, "delete a person during the take")
		_, err = c.AddFaceFromStream(ctx, "big", p2, rc(snapImage(t, 1300)), "added during take", target, "")
		must(t, err, "add a face during the take")
		late, err := c.Create(ctx, "big", face.NameAndUserDataContract{Name: ptr("late")})
		must(t, err, "add a person during the take")
		_, err = c.AddFaceFromStream(ctx, "big", *late.PersonID, rc(snapImage(t, 1301)), "", target, "")
		must(t, err, "add the late person's face during the take")
		_, err = sb.A.LargePersonGroup.Update(ctx, "big", face.NameAndUserDataContract{UserData: ptr("changed during take")})
		must(t, err, "update the group during the take")

		st := waitOperation(t, ctx, sb.A, op)
		expectSucceeded(t, st, "take with writes")
		snapID := snapshotOf(t, st)
		applyAndWait(t, ctx, sb.B, k, snapID, "point-in-time")
		compareSnapshotted(t, want, readBig(t, ctx, sb.B, "point-in-time", takePersons))

		// The writes did land in the source.
		p, err := c.Get(ctx, "big", p0)
		must(t, err, "get the renamed person")
		if deref(p.Name) != "renamed during take" {
			t.Errorf("source person after the rename: %s", deref(p.Name))
		}
	})
}

// storeTempFiles counts the directory store's temporary files under root.
func storeTempFiles(root string) (n int, size int64) {
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".facesnap-tmp-") {
			n++
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	return n, size
}
