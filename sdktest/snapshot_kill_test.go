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

// The large source for the kill -9 tests: 200,000 faces (50,000 stopped
// sufficing once the SQLite bulk load got faster). An apply of it
// runs over several heartbeats (progress is recorded every second), so it
// is caught with progress strictly between 0 and total; a take of it may
// end within the first second, so a take is killed as soon as it runs and
// the restart shows whether it was interrupted.
const (
	bigPersons   = 20000
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

func (w wireOperation) String() string {
	if w.Progress == nil {
		return w.Status
	}
	return fmt.Sprintf("%s %d/%d", w.Status, w.Progress.Done, w.Progress.Total)
}

// catchRunning polls an operation fast (bounded in count and time) until
// it runs, with progress strictly between 0 and total if needProgress. It
// returns false if the operation ended first.
func catchRunning(t *testing.T, srv *harness.Server, key string, op uuid.UUID, needProgress bool) (wireOperation, bool) {
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
			p := st.Progress
			moving := p != nil && p.Done > 0 && p.Done < p.Total
			if moving && !serviceTime(st.LastActionTime) {
				t.Errorf("operation %s is moving data (%s) with lastActionTime %q", op, st, st.LastActionTime)
			}
			if moving || !needProgress {
				return st, true
			}
		case "notstarted":
		default:
			t.Fatalf("operation %s: status %q", op, st.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("operation %s never ran within the polling bound; last %s", op, last)
	return last, false
}

// bigServer starts a server with A and B, stops it, populates A's large
// source and starts it again with a short operation lease (and extra
// flags).
func bigServer(t *testing.T, id string, extraArgs ...string) *snapBundle {
	t.Helper()
	sb := setupSnap(t, harness.Options{ExtraArgs: append([]string{"--operation-lease", "2s"}, extraArgs...)})
	sb.srv.Stop()
	t0 := time.Now()
	populateLargePersonGroup(t, sb.srv.DataDir(), sb.a.Subscription, id, bigPersons, bigFacesEach)
	t.Logf("populated %d persons × %d faces in %v", bigPersons, bigFacesEach, time.Since(t0).Round(time.Millisecond))
	sb.srv.Restart()
	return sb
}

// readBig reads a large person group's persons with their face ids, a
// thousand at a time, and checks the totals.
func readBig(t *testing.T, ctx context.Context, c clients, id string) snapshotted {
	t.Helper()
	s := readSnapshotted(t, ctx, c, face.SnapshotObjectTypeLargePersonGroup, id, 1000, false)
	faces := 0
	for _, p := range s.Persons {
		faces += len(p.Faces)
	}
	if len(s.Persons) != bigPersons || faces != bigPersons*bigFacesEach {
		t.Errorf("%s has %d persons and %d faces, want %d and %d", id, len(s.Persons), faces, bigPersons, bigPersons*bigFacesEach)
	}
	return s
}

// crashed is an operation interrupted by kill -9.
type crashed struct {
	op      uuid.UUID
	target  string        // what start named it
	atKill  wireOperation // the last status before the kill
	resumed wireOperation // the first status after the restart
}

// crashMidway starts an operation (start gets the attempt number and
// returns the operation and a name for it), waits until midway says it is
// midway, kills the server with SIGKILL, calls
// whileDown, and restarts the server on the same data. An operation the
// restart shows finished was not interrupted: it is tried again, up to 3
// times. The restarted server must still show the operation, unfinished,
// with the same createdTime.
func crashMidway(t *testing.T, sb *snapBundle, key string, midway func(op uuid.UUID) (wireOperation, bool), start func(attempt int) (uuid.UUID, string), whileDown func()) crashed {
	t.Helper()
	for attempt := range 3 {
		op, target := start(attempt)
		atKill, ok := midway(op)
		if !ok {
			t.Logf("attempt %d: %s ended (%s) before it was seen midway; trying again", attempt, target, atKill)
			continue
		}
		sb.srv.Kill()
		if whileDown != nil {
			whileDown()
		}
		sb.srv.Restart()
		resumed := wireStatus(t, sb.srv, key, op)
		if resumed.CreatedTime != atKill.CreatedTime {
			t.Errorf("createdTime changed across the restart: %s → %s", atKill.CreatedTime, resumed.CreatedTime)
		}
		switch resumed.Status {
		case "running", "notstarted":
			t.Logf("killed %s at %s; after the restart it is %s", target, atKill, resumed)
			return crashed{op: op, target: target, atKill: atKill, resumed: resumed}
		case "succeeded":
			if whileDown != nil {
				t.Fatalf("%s finished before the kill; whileDown cannot be undone", target)
			}
			t.Logf("attempt %d: %s finished before the kill took effect; trying again", attempt, target)
		default:
			t.Fatalf("%s after the restart: %s %s", target, resumed, resumed.Message)
		}
	}
	t.Fatalf("no operation was interrupted midway in 3 attempts")
	return crashed{}
}

// TestSnapshot_KillDuringApply: kill -9 the server while an apply of a
// 50,000-face LargePersonGroup is midway; after a restart with the same
// data the operation completes and the target equals the source, every
// person and face id. Then the same with the data damaged while the
// server is down.
func TestSnapshot_KillDuringApply(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big")
	ctx := harness.Context(t, 3*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	want := readBig(t, ctx, sb.A, "big")
	takeOp := takeSnapshot(t, ctx, sb.A, k.typ, "big", []uuid.UUID{subOf(sb.b)}, "")
	loc := expectSucceeded(t, waitOperation(t, ctx, sb.A, takeOp), "take")
	m := snapshotPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("take: resourceLocation %q", loc)
	}
	snapID := uuid.Must(uuid.FromString(m[1]))
	// applyInto and progressing build crashMidway's callbacks for the
	// (sub)test t that runs them.
	applyInto := func(t *testing.T, prefix string) func(int) (uuid.UUID, string) {
		return func(attempt int) (uuid.UUID, string) {
			target := fmt.Sprintf("%s-%d", prefix, attempt)
			return applySnapshot(t, ctx, sb.B, snapID, target), target
		}
	}

	t0 := time.Now()
	progressing := func(t *testing.T) func(uuid.UUID) (wireOperation, bool) {
		return func(op uuid.UUID) (wireOperation, bool) { return catchRunning(t, sb.srv, sb.b.Key, op, true) }
	}
	cr := crashMidway(t, sb, sb.b.Key, progressing(t), applyInto(t, "big-copy"), nil)
	// The id stays reserved across the crash: a create in between must
	// not get it, and nothing half-made is visible.
	_, err := sb.B.LargePersonGroup.Create(ctx, cr.target, face.MetaDataContract{Name: ptr("interloper")})
	expectAPIError(t, err, "create the id of an apply interrupted by kill -9", http.StatusConflict, "LargePersonGroupExists")
	if _, err := sb.B.LargePersonGroup.Get(ctx, cr.target, nil); err == nil {
		// Visible before its operation ended: it must be whole.
		t.Logf("target %s visible before its operation ended; checking it is whole", cr.target)
		readBig(t, ctx, sb.B, cr.target)
	} else {
		expectAPIError(t, err, "half-applied target after restart", http.StatusNotFound, "LargePersonGroupNotFound")
	}
	st := waitOperation(t, ctx, sb.B, cr.op)
	expectSucceeded(t, st, "apply resumed after kill -9")
	t.Logf("restarted and resumed in %v", time.Since(t0).Round(time.Millisecond))
	if loc := deref(st.ResourceLocation); loc != "/largepersongroups/"+cr.target {
		t.Errorf("resumed apply: resourceLocation %q, want /largepersongroups/%s", loc, cr.target)
	}
	// Finished operations are durable too: the take still reads the same.
	takeSt, err := sb.A.Snapshot.GetOperationStatus(ctx, takeOp)
	must(t, err, "get the take operation after the restart")
	if takeSt.Status != face.Succeeded || deref(takeSt.ResourceLocation) != "/snapshots/"+snapID.String() {
		t.Errorf("take operation after the restart: %s %s", takeSt.Status, deref(takeSt.ResourceLocation))
	}
	compareSnapshotted(t, want, readBig(t, ctx, sb.B, cr.target))

	// Killed midway, and the snapshot's data damaged while the server is
	// down: the redo fails with a message, and what the first attempt
	// loaded does not survive; the id is free.
	t.Run("CorruptedWhileDown", func(t *testing.T) {
		path := snapshotDataPath(filepath.Join(sb.srv.DataDir(), "snapshots"), snapID)
		cr := crashMidway(t, sb, sb.b.Key, progressing(t), applyInto(t, "broken"), func() {
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read snapshot data: %v", err)
			}
			damaged := bytes.Clone(orig)
			damaged[len(damaged)/2] ^= 0x10
			if err := os.WriteFile(path, damaged, 0o644); err != nil {
				t.Fatalf("damage snapshot data: %v", err)
			}
		})
		expectFailed(t, waitOperation(t, ctx, sb.B, cr.op), "apply redone on damaged data after kill -9")
		_, err = sb.B.LargePersonGroup.Get(ctx, cr.target, nil)
		expectAPIError(t, err, "target of the failed apply", http.StatusNotFound, "LargePersonGroupNotFound")
		_, err = sb.B.LargePersonGroup.Create(ctx, cr.target, face.MetaDataContract{Name: ptr("mine")})
		must(t, err, "create the failed apply's target id")
		l, err := sb.B.LargePersonGroupPerson.List(ctx, cr.target, "", nil)
		must(t, err, "list persons of the new group")
		if l.Value == nil || len(*l.Value) != 0 {
			t.Errorf("a group created on the failed apply's id has %d persons: the first attempt's load survived", len(*l.Value))
		}
	})
}

// TestSnapshot_LargeTake runs takes of one 50,000-face LargePersonGroup.
//
// KillDuringTake: kill -9 the server while the take runs; after a restart
// the take completes and its snapshot applies to an equal copy.
//
// WritesDuringTake: writes to the source while a take runs succeed, and
// none of them shows in the snapshot (the point-in-time guarantee in the
// snapshots package doc, stricter than the service's).
func TestSnapshot_LargeTake(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big")
	ctx := harness.Context(t, 3*time.Minute)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	scope := []uuid.UUID{subOf(sb.b)}
	snapshotOf := func(t *testing.T, st face.OperationStatus) uuid.UUID {
		t.Helper()
		m := snapshotPath.FindStringSubmatch(deref(st.ResourceLocation))
		if m == nil {
			t.Fatalf("take: resourceLocation %q, want /snapshots/{uuid}", deref(st.ResourceLocation))
		}
		return uuid.Must(uuid.FromString(m[1]))
	}

	t.Run("KillDuringTake", func(t *testing.T) {
		want := readBig(t, ctx, sb.A, "big")
		// A take of 50,000 faces may end before its first heartbeat
		// records progress, so "midway" is seen in the store instead: the
		// snapshot's data file being written, 4 MiB of its ~25 in.
		store := filepath.Join(sb.srv.DataDir(), "snapshots")
		uploading := func(op uuid.UUID) (wireOperation, bool) {
			_, before := storeTempFiles(store)
			var last wireOperation
			deadline := time.Now().Add(60 * time.Second)
			for i := 0; i < 12000 && time.Now().Before(deadline); i++ {
				if _, size := storeTempFiles(store); size-before >= 4<<20 {
					t.Logf("take %s has written %d bytes of its data file", op, size-before)
					return wireStatus(t, sb.srv, sb.a.Key, op), true
				}
				if i%10 == 0 {
					if last = wireStatus(t, sb.srv, sb.a.Key, op); last.Status == "succeeded" || last.Status == "failed" {
						return last, false
					}
				}
				time.Sleep(2 * time.Millisecond)
			}
			t.Fatalf("take %s never wrote data within the polling bound; last %s", op, last)
			return last, false
		}
		cr := crashMidway(t, sb, sb.a.Key, uploading, func(attempt int) (uuid.UUID, string) {
			return takeSnapshot(t, ctx, sb.A, k.typ, "big", scope, "taken across a crash"), fmt.Sprintf("take %d", attempt)
		}, nil)
		st := waitOperation(t, ctx, sb.A, cr.op)
		expectSucceeded(t, st, "take resumed after kill -9")
		snapID := snapshotOf(t, st)
		s, err := sb.B.Snapshot.Get(ctx, snapID)
		must(t, err, "B gets the snapshot taken across a crash")
		if deref(s.UserData) != "taken across a crash" {
			t.Errorf("snapshot userData %s", deref(s.UserData))
		}
		applyAndWait(t, ctx, sb.B, k, snapID, "after-crash")
		compareSnapshotted(t, want, readBig(t, ctx, sb.B, "after-crash"))
		// Not part of the API: what the killed attempt left in the store
		// (blob/dir documents that a crash may leave a temporary file; the
		// purger removes such files once unwritten for an hour), before
		// and after the snapshot is deleted.
		n, size := storeTempFiles(filepath.Join(sb.srv.DataDir(), "snapshots"))
		_, err = sb.A.Snapshot.Delete(ctx, snapID)
		must(t, err, "delete the snapshot")
		n2, size2 := storeTempFiles(filepath.Join(sb.srv.DataDir(), "snapshots"))
		if n+n2 > 0 {
			t.Logf("note: the killed take left %d temporary file(s), %d bytes, in the snapshot store; %d (%d bytes) remain after the snapshot's delete, until the purger's one-hour sweep", n, size, n2, size2)
		}
	})

	t.Run("WritesDuringTake", func(t *testing.T) {
		c := sb.A.LargePersonGroupPerson
		for attempt := range 3 {
			want := readSnapshotted(t, ctx, sb.A, k.typ, "big", 1000, false)
			store := filepath.Join(sb.srv.DataDir(), "snapshots")
			_, before := storeTempFiles(store)
			op := takeSnapshot(t, ctx, sb.A, k.typ, "big", scope, "")
			// The copy is of the source as the take's read transaction
			// sees it, which begins a moment after the status turns
			// running: wait until it has produced data, so the writes
			// below surely come after its point in time.
			if st, ok := catchReading(t, sb, store, before, op); !ok {
				t.Logf("attempt %d: the take ended (%s) before it was seen reading; trying again", attempt, st)
				continue
			}
			// Each attempt changes other persons, so want stays exact.
			pRename := uuid.Must(uuid.FromString(want.Persons[3*attempt].ID))
			pDelete := uuid.Must(uuid.FromString(want.Persons[3*attempt+1].ID))
			pAddFace := uuid.Must(uuid.FromString(want.Persons[3*attempt+2].ID))
			renamed := fmt.Sprintf("renamed during take %d", attempt)
			_, err := c.Update(ctx, "big", pRename, face.NameAndUserDataContract{Name: ptr(renamed)})
			must(t, err, "rename a person during the take")
			overlapped := wireStatus(t, sb.srv, sb.a.Key, op).Status == "running"
			_, err = c.Delete(ctx, "big", pDelete)
			must(t, err, "delete a person during the take")
			_, err = c.AddFaceFromStream(ctx, "big", pAddFace, rc(snapImage(t, uint64(1300+attempt))), "added during take", target, "")
			must(t, err, "add a face during the take")
			late, err := c.Create(ctx, "big", face.NameAndUserDataContract{Name: ptr("late")})
			must(t, err, "add a person during the take")
			_, err = c.AddFaceFromStream(ctx, "big", *late.PersonID, rc(snapImage(t, uint64(1310+attempt))), "", target, "")
			must(t, err, "add the late person's face during the take")
			_, err = sb.A.LargePersonGroup.Update(ctx, "big", face.NameAndUserDataContract{UserData: ptr(fmt.Sprintf("changed during take %d", attempt))})
			must(t, err, "update the group during the take")

			st := waitOperation(t, ctx, sb.A, op)
			expectSucceeded(t, st, "take with writes")
			snapID := snapshotOf(t, st)
			id := fmt.Sprintf("point-in-time-%d", attempt)
			applyAndWait(t, ctx, sb.B, k, snapID, id)
			// The snapshot is the source before the writes: readBig would
			// count the late person, so compare without it.
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, id, 1000, false))
			p, err := c.Get(ctx, "big", pRename)
			must(t, err, "get the renamed person")
			if deref(p.Name) != renamed {
				t.Errorf("source person after the rename: %s", deref(p.Name))
			}
			if overlapped {
				return
			}
			t.Logf("attempt %d: the take had ended by the first write; trying again", attempt)
		}
		t.Fatalf("no take was still running during the writes in 3 attempts")
	})
}

// storeTempFiles counts the directory store's temporary files under root.
// catchReading waits (bounded) until take op has written data into the
// snapshot store beyond before bytes of temporary files: its read
// transaction has begun. It reports false if the take ended first.
func catchReading(t *testing.T, sb *snapBundle, store string, before int64, op uuid.UUID) (wireOperation, bool) {
	t.Helper()
	var last wireOperation
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 12000 && time.Now().Before(deadline); i++ {
		if _, size := storeTempFiles(store); size > before {
			return last, true
		}
		if i%10 == 0 {
			if last = wireStatus(t, sb.srv, sb.a.Key, op); last.Status == "succeeded" || last.Status == "failed" {
				return last, false
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("take %s never wrote data within the polling bound; last %s", op, last)
	return last, false
}

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
