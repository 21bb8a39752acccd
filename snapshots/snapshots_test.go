package snapshots_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/operations"
	"facesnap/snapshots"
	"facesnap/sqlite"
)

var (
	acctA = facesnap.Account{Name: "a", SubscriptionID: "aaaaaaaa-0000-0000-0000-000000000001", ResourceGroup: "rg"}
	acctB = facesnap.Account{Name: "b", SubscriptionID: "bbbbbbbb-0000-0000-0000-000000000002", ResourceGroup: "rg"}
	acctC = facesnap.Account{Name: "c", SubscriptionID: "cccccccc-0000-0000-0000-000000000003", ResourceGroup: "rg"}
)

// clock is a settable clock, so lease expiry and snapshot expiry are
// tested without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testBundle struct {
	store   facesnap.Store
	blobDir string
	svc     *snapshots.Service
	runner  *operations.Runner
	clock   *clock
}

// region is one deployment: its own database, the shared blob store.
func newRegion(t *testing.T, blobDir string, clk *clock, store facesnap.Store) *testBundle {
	t.Helper()
	ctx := context.Background()
	if store == nil {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		store = db
	}
	for _, a := range []facesnap.Account{acctA, acctB, acctC} {
		if err := store.AccountCreate(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	blobs, err := dir.New(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	svc := &snapshots.Service{Store: store, Blobs: blobs, Now: clk.Now}
	runner := operations.NewRunner(store, operations.RunnerConfig{Now: clk.Now, Lease: 10 * time.Second, MaxAttempts: 3})
	for kind, w := range map[facesnap.OperationKind]operations.Worker{
		facesnap.OperationSnapshotTake:  snapshots.TakeWorker{Service: svc},
		facesnap.OperationSnapshotApply: snapshots.ApplyWorker{Service: svc},
	} {
		if err := runner.Register(kind, w); err != nil {
			t.Fatal(err)
		}
	}
	return &testBundle{store: store, blobDir: blobDir, svc: svc, runner: runner, clock: clk}
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return newRegion(t, t.TempDir(), &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}, nil)
}

// drain runs queued operations until none is left (bounded).
func (b *testBundle) drain(t *testing.T) {
	t.Helper()
	for range 100 {
		worked, err := b.runner.RunOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !worked {
			return
		}
	}
	t.Fatal("operations did not drain in 100 runs")
}

func (b *testBundle) op(t *testing.T, id string) facesnap.Operation {
	t.Helper()
	op, err := b.store.OperationGet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// seed creates a collection of kind k in account a with persons and faces
// (features included) and a training, and returns its ref.
func seed(t *testing.T, s facesnap.Store, a facesnap.Account, k facesnap.Kind, id string, persons, faces int) facesnap.CollectionRef {
	t.Helper()
	ctx := context.Background()
	ref := facesnap.CollectionRef{Account: a.Name, Kind: k, ID: id}
	now := time.Date(2026, 11, 1, 8, 0, 0, 123456700, time.UTC)
	err := s.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{
		CollectionRef: ref, Name: "name of " + id, UserData: "data of " + id, RecognitionModel: "recognition_04", CreatedAt: now,
	}})
	if err != nil {
		t.Fatal(err)
	}
	addFace := func(personID string, i int) {
		f := facesnap.Face{
			ID: uuid.NewString(), PersonID: personID, UserData: fmt.Sprintf("face %d", i),
			Rect: facesnap.Rect{Left: i, Top: 2 * i, Width: 40 + i, Height: 50 + i}, DetectionModel: "detection_03",
			Feature: feature(i), CreatedAt: now,
		}
		if err := s.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: f}); err != nil {
			t.Fatal(err)
		}
	}
	if k.HasPersons() {
		for p := range persons {
			person := facesnap.Person{ID: uuid.NewString(), Name: fmt.Sprintf("person %d", p), UserData: "ü" + id}
			if err := s.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: ref, Person: person}); err != nil {
				t.Fatal(err)
			}
			for f := range faces {
				addFace(person.ID, p*100+f)
			}
		}
	} else {
		for f := range faces {
			addFace("", f)
		}
	}
	if k.Trainable() {
		st, err := s.CollectionStats(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TrainingSet(ctx, ref, facesnap.Training{
			Status: facesnap.TrainingSucceeded, CreatedAt: now, LastActionAt: now.Add(time.Second),
			LastSuccessAt: now.Add(time.Second), TrainedSeq: st.MaxSeq,
		}); err != nil {
			t.Fatal(err)
		}
	}
	return ref
}

// feature is a descriptor the rules accept, different for each i.
func feature(i int) []float32 {
	f := make([]float32, facesnap.DescriptorSize)
	for j := range f {
		f[j] = float32(i) + float32(j)/256
	}
	return f
}

// dump is a collection as CollectionDump shows it, without its ref.
type dump struct {
	c       facesnap.Collection
	t       facesnap.Training
	stats   facesnap.CollectionStats
	persons []facesnap.Person
	faces   []facesnap.Face
}

func (d *dump) Collection(c facesnap.Collection, t facesnap.Training, st facesnap.CollectionStats) error {
	c.CollectionRef = facesnap.CollectionRef{}
	d.c, d.t, d.stats = c, t, st
	return nil
}
func (d *dump) Person(p facesnap.Person) error { d.persons = append(d.persons, p); return nil }
func (d *dump) Face(f facesnap.Face) error     { d.faces = append(d.faces, f); return nil }

func dumpOf(t *testing.T, s facesnap.Store, ref facesnap.CollectionRef) *dump {
	t.Helper()
	d := &dump{}
	if err := s.CollectionDump(context.Background(), ref, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func take(t *testing.T, b *testBundle, ref facesnap.CollectionRef, scope ...string) string {
	t.Helper()
	opID, err := b.svc.Take(context.Background(), acctA, snapshots.TakeParams{Type: ref.Kind, ObjectID: ref.ID, ApplyScope: scope, UserData: "backup"})
	if err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	op := b.op(t, opID)
	if op.Status != facesnap.OperationSucceeded {
		t.Fatalf("take: status %s, message %q", op.Status, op.Message)
	}
	return op.ResourceLocation[len("/snapshots/"):]
}

// export reads the whole file acct exports for the snapshot.
func export(t *testing.T, b *testBundle, acct facesnap.Account, snapID string) []byte {
	t.Helper()
	_, rc, err := b.svc.Export(context.Background(), acct, snapID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTakeApply_AllKinds(t *testing.T) {
	t.Parallel()
	for _, k := range facesnap.Kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			src := seed(t, b.store, acctA, k, "src", 3, 4)
			snapID := take(t, b, src, acctB.SubscriptionID)

			opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
			if err != nil {
				t.Fatal(err)
			}
			// Queued work stays notstarted until a runner takes it.
			if op := b.op(t, opID); op.Status != facesnap.OperationNotStarted {
				t.Fatalf("queued apply status = %s", op.Status)
			}
			b.drain(t)
			op := b.op(t, opID)
			target := facesnap.CollectionRef{Account: acctB.Name, Kind: k, ID: "copy"}
			if op.Status != facesnap.OperationSucceeded || op.Message != "" {
				t.Fatalf("apply: %s %q", op.Status, op.Message)
			}
			if want := map[facesnap.Kind]string{
				facesnap.KindFaceList: "/facelists/copy", facesnap.KindLargeFaceList: "/largefacelists/copy",
				facesnap.KindPersonGroup: "/persongroups/copy", facesnap.KindLargePersonGroup: "/largepersongroups/copy",
			}[k]; op.ResourceLocation != want {
				t.Errorf("resourceLocation = %q, want %q", op.ResourceLocation, want)
			}
			if op.Done != op.Total || op.Total == 0 {
				t.Errorf("progress %d/%d", op.Done, op.Total)
			}
			got, want := dumpOf(t, b.store, target), dumpOf(t, b.store, src)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("target differs from source:\n got %+v\nwant %+v", got, want)
			}
			if k.Trainable() {
				tr, err := b.store.TrainingGet(ctx, target)
				if err != nil || tr.Status != facesnap.TrainingSucceeded {
					t.Errorf("applied training = %+v, %v; want succeeded without a new train", tr, err)
				}
			}
		})
	}
}

func TestTake_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	seed(t, b.store, acctA, facesnap.KindPersonGroup, "pg", 1, 1)
	tests := []struct {
		name string
		p    snapshots.TakeParams
		want error
	}{
		{"MissingSource", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "nope", ApplyScope: []string{acctB.SubscriptionID}}, facesnap.ErrNotFound},
		{"OtherKind", snapshots.TakeParams{Type: facesnap.KindLargePersonGroup, ObjectID: "pg", ApplyScope: []string{acctB.SubscriptionID}}, facesnap.ErrNotFound},
		{"BadType", snapshots.TakeParams{Type: "Group", ObjectID: "pg", ApplyScope: []string{acctB.SubscriptionID}}, facesnap.ErrInvalid},
		{"BadID", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "PG", ApplyScope: []string{acctB.SubscriptionID}}, facesnap.ErrInvalid},
		{"NoScope", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "pg"}, facesnap.ErrInvalid},
		{"BadScope", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "pg", ApplyScope: []string{"not-a-uuid"}}, facesnap.ErrInvalid},
		// userData's limit counts characters, as the spec's maxLength does.
		{"UserDataAtLimitInCharacters", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "pg", ApplyScope: []string{acctB.SubscriptionID}, UserData: strings.Repeat("日", 16384)}, nil},
		{"UserDataTooLong", snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "pg", ApplyScope: []string{acctB.SubscriptionID}, UserData: strings.Repeat("a", 16385)}, facesnap.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.svc.Take(ctx, acctA, tt.p); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// Another account cannot take A's collection: it does not exist for it.
	if _, err := b.svc.Take(ctx, acctB, snapshots.TakeParams{Type: facesnap.KindPersonGroup, ObjectID: "pg", ApplyScope: []string{acctB.SubscriptionID}}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("take of another account's group: %v", err)
	}
}

func TestTake_SourceDeletedBeforeRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ref := seed(t, b.store, acctA, facesnap.KindLargeFaceList, "lfl", 0, 3)
	opID, err := b.svc.Take(ctx, acctA, snapshots.TakeParams{Type: ref.Kind, ObjectID: ref.ID, ApplyScope: []string{acctB.SubscriptionID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.CollectionDelete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	op := b.op(t, opID)
	if op.Status != facesnap.OperationFailed || op.Message == "" || op.ResourceLocation != "" {
		t.Fatalf("op = %s %q %q, want failed with a message", op.Status, op.Message, op.ResourceLocation)
	}
	if list, _ := b.svc.List(ctx, acctA, snapshots.ListParams{}); len(list) != 0 {
		t.Fatalf("a failed take left %d snapshots", len(list))
	}
}

func TestApply_Access(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ref := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 2)
	snapID := take(t, b, ref, acctB.SubscriptionID)

	// C is neither the source nor in scope: the snapshot does not exist.
	if _, err := b.svc.Get(ctx, acctC, snapID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("get by outsider: %v", err)
	}
	if _, err := b.svc.Apply(ctx, acctC, snapID, snapshots.ApplyParams{ObjectID: "x"}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("apply by outsider: %v", err)
	}
	// The source may read it but, not in scope, may not apply it.
	if _, err := b.svc.Apply(ctx, acctA, snapID, snapshots.ApplyParams{ObjectID: "x"}); !errors.Is(err, facesnap.ErrInvalid) {
		t.Errorf("apply by source outside scope: %v", err)
	}
	// Only the source may update or delete.
	ud := "changed"
	if err := b.svc.Update(ctx, acctB, snapID, snapshots.UpdateParams{UserData: &ud}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("update by scope member: %v", err)
	}
	if err := b.svc.Delete(ctx, acctB, snapID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("delete by scope member: %v", err)
	}
	// Widening the scope lets C in.
	scope := []string{acctB.SubscriptionID, acctC.SubscriptionID}
	if err := b.svc.Update(ctx, acctA, snapID, snapshots.UpdateParams{ApplyScope: &scope, UserData: &ud}); err != nil {
		t.Fatal(err)
	}
	snap, err := b.svc.Get(ctx, acctC, snapID)
	if err != nil || snap.UserData != "changed" {
		t.Fatalf("after update: %+v, %v", snap, err)
	}
	for _, a := range []facesnap.Account{acctA, acctB, acctC} {
		list, err := b.svc.List(ctx, a, snapshots.ListParams{Type: facesnap.KindFaceList})
		if err != nil || len(list) != 1 {
			t.Errorf("list by %s: %d, %v", a.Name, len(list), err)
		}
		if list, _ := b.svc.List(ctx, a, snapshots.ListParams{Type: facesnap.KindPersonGroup}); len(list) != 0 {
			t.Errorf("type filter: %d", len(list))
		}
	}
	if list, _ := b.svc.List(ctx, acctA, snapshots.ListParams{ApplyScope: []string{acctA.SubscriptionID}}); len(list) != 0 {
		t.Errorf("scope filter: %d", len(list))
	}
	if err := b.svc.Delete(ctx, acctA, snapID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Get(ctx, acctA, snapID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestApply_TargetExists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := seed(t, b.store, acctA, facesnap.KindPersonGroup, "pg", 2, 1)
	snapID := take(t, b, src, acctB.SubscriptionID)
	existing := seed(t, b.store, acctB, facesnap.KindPersonGroup, "taken", 1, 1)
	before := dumpOf(t, b.store, existing)

	opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "taken"})
	if err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	if op := b.op(t, opID); op.Status != facesnap.OperationFailed || op.Message == "" {
		t.Fatalf("apply onto existing: %s %q", op.Status, op.Message)
	}
	if after := dumpOf(t, b.store, existing); !reflect.DeepEqual(before, after) {
		t.Fatal("a failed apply changed the existing target")
	}
}

func TestApply_ConcurrentSameTarget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := seed(t, b.store, acctA, facesnap.KindLargePersonGroup, "lpg", 2, 2)
	snapID := take(t, b, src, acctB.SubscriptionID)
	first, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	// The reservation holds the id: creating it by hand fails too.
	err = b.store.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{
		CollectionRef: facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargePersonGroup, ID: "t"}, Name: "x",
	}})
	if !errors.Is(err, facesnap.ErrExists) {
		t.Fatalf("create over a reservation: %v", err)
	}
	// Meanwhile the target is not visible.
	if _, err := b.store.CollectionGet(ctx, facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargePersonGroup, ID: "t"}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("reserved target visible: %v", err)
	}
	b.drain(t)
	if op := b.op(t, first); op.Status != facesnap.OperationSucceeded {
		t.Fatalf("first apply: %s %q", op.Status, op.Message)
	}
	if op := b.op(t, second); op.Status != facesnap.OperationFailed || op.Message == "" {
		t.Fatalf("second apply: %s %q", op.Status, op.Message)
	}
	// One snapshot, many applies: another id works.
	third, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "t2"})
	if err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	if op := b.op(t, third); op.Status != facesnap.OperationSucceeded {
		t.Fatalf("third apply: %s %q", op.Status, op.Message)
	}
}

func TestApply_CorruptedData(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, path string)
	}{
		{"FlippedByte", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0x40
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"Truncated", func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()-40); err != nil {
				t.Fatal(err)
			}
		}},
		{"Missing", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			src := seed(t, b.store, acctA, facesnap.KindLargeFaceList, "lfl", 0, 50)
			snapID := take(t, b, src, acctB.SubscriptionID)
			tc.corrupt(t, filepath.Join(b.blobDir, "snapshots", snapID, "data"))

			opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
			if err != nil {
				t.Fatal(err)
			}
			b.drain(t)
			if op := b.op(t, opID); op.Status != facesnap.OperationFailed || op.Message == "" {
				t.Fatalf("apply of corrupted data: %s %q", op.Status, op.Message)
			}
			target := facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargeFaceList, ID: "copy"}
			if _, err := b.store.CollectionGet(ctx, target); !errors.Is(err, facesnap.ErrNotFound) {
				t.Fatalf("failed apply left a target: %v", err)
			}
			// Nothing is left behind, not even the reservation.
			err = b.store.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: target, Name: "x"}})
			if err != nil {
				t.Fatalf("id still taken after a failed apply: %v", err)
			}
		})
	}
}

func TestSnapshot_Expiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.svc.TTL = time.Hour
	src := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 1)
	snapID := take(t, b, src, acctB.SubscriptionID)
	b.clock.Advance(time.Hour)
	if _, err := b.svc.Get(ctx, acctB, snapID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("expired snapshot readable: %v", err)
	}
	if _, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "x"}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("expired snapshot applicable: %v", err)
	}
	n, err := b.svc.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(b.blobDir, "snapshots", snapID, "data")); !os.IsNotExist(err) {
		t.Fatalf("purge left the data: %v", err)
	}
}

func TestTwoRegions(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	shared := t.TempDir()
	east, west := newRegion(t, shared, clk, nil), newRegion(t, shared, clk, nil)
	ctx := context.Background()
	src := seed(t, east.store, acctA, facesnap.KindLargePersonGroup, "lpg", 3, 2)
	snapID := take(t, east, src, acctB.SubscriptionID)

	opID, err := west.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "lpg"})
	if err != nil {
		t.Fatal(err)
	}
	west.drain(t)
	if op := west.op(t, opID); op.Status != facesnap.OperationSucceeded {
		t.Fatalf("apply in west: %s %q", op.Status, op.Message)
	}
	// The operation belongs to the region that runs it.
	if _, err := east.store.OperationGet(ctx, opID); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("west's operation visible in east: %v", err)
	}
	target := facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargePersonGroup, ID: "lpg"}
	if got, want := dumpOf(t, west.store, target), dumpOf(t, east.store, src); !reflect.DeepEqual(got, want) {
		t.Fatal("west's copy differs from east's source")
	}
}

// flakyStore fails CollectionLoad once after some batches, as a crash in
// the middle of an apply would stop it.
type flakyStore struct {
	facesnap.Store
	mu        sync.Mutex
	loads     int
	failAfter int
	always    bool // fail every load after failAfter, not only once
	failed    bool
}

func (s *flakyStore) CollectionLoad(ctx context.Context, p facesnap.CollectionLoadParams) error {
	s.mu.Lock()
	s.loads++
	fail := (s.always || !s.failed) && s.loads > s.failAfter
	if fail {
		s.failed = true
	}
	s.mu.Unlock()
	if fail {
		return errors.New("disk on fire")
	}
	return s.Store.CollectionLoad(ctx, p)
}

func (s *flakyStore) InTx(ctx context.Context, fn func(facesnap.Store) error) error {
	return s.Store.InTx(ctx, fn)
}

func TestApply_RedoAfterInterruption(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	flaky := &flakyStore{Store: db, failAfter: 1}
	b := newRegion(t, t.TempDir(), &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}, flaky)
	src := seed(t, db, acctA, facesnap.KindLargeFaceList, "big", 0, 12000) // two load batches (applyBatch is 10,000): the second fails
	snapID := take(t, b, src, acctB.SubscriptionID)
	opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	b.drain(t) // the first attempt fails midway and is scheduled again
	op := b.op(t, opID)
	if op.Status != facesnap.OperationRunning || !flaky.failed {
		t.Fatalf("after a failed attempt: %s (failed=%v)", op.Status, flaky.failed)
	}
	target := facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargeFaceList, ID: "copy"}
	if _, err := db.CollectionGet(ctx, target); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("half-applied target visible: %v", err)
	}
	b.clock.Advance(time.Minute) // the retry's lease runs out
	b.drain(t)
	if op := b.op(t, opID); op.Status != facesnap.OperationSucceeded || op.Attempt != 2 {
		t.Fatalf("redo: %s attempt %d %q", op.Status, op.Attempt, op.Message)
	}
	if got, want := dumpOf(t, db, target), dumpOf(t, db, src); !reflect.DeepEqual(got, want) {
		t.Fatalf("redone target differs: %d faces, want %d", len(got.faces), len(want.faces))
	}
}

func TestExportImport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := seed(t, b.store, acctA, facesnap.KindPersonGroup, "pg", 2, 3)
	snapID := take(t, b, src, acctA.SubscriptionID)
	file := filepath.Join(t.TempDir(), "export")
	data := export(t, b, acctA, snapID)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}

	// B imports the file as its own snapshot, then applies it.
	f, _ := os.Open(file)
	snap, err := b.svc.Import(ctx, acctB, f, snapshots.ImportParams{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if snap.Type != facesnap.KindPersonGroup || !snap.OwnedBy(acctB) || !snap.InScope(acctB) {
		t.Fatalf("imported snapshot = %+v", snap)
	}
	opID, err := b.svc.Apply(ctx, acctB, snap.ID, snapshots.ApplyParams{ObjectID: "restored"})
	if err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	if op := b.op(t, opID); op.Status != facesnap.OperationSucceeded {
		t.Fatalf("apply imported: %s %q", op.Status, op.Message)
	}
	target := facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindPersonGroup, ID: "restored"}
	if got, want := dumpOf(t, b.store, target), dumpOf(t, b.store, src); !reflect.DeepEqual(got, want) {
		t.Fatal("restored copy differs from the source")
	}

	// A damaged file is refused and leaves no snapshot.
	for _, damage := range []func([]byte) []byte{
		func(b []byte) []byte { c := append([]byte{}, b...); c[len(c)/2] ^= 1; return c },
		func(b []byte) []byte { return b[:len(b)-10] },
		func(b []byte) []byte { return []byte("not a snapshot at all, just some text padding it out") },
	} {
		_, err := b.svc.Import(ctx, acctC, bytes.NewReader(damage(data)), snapshots.ImportParams{})
		if !errors.Is(err, facesnap.ErrInvalid) {
			t.Fatalf("damaged import: %v", err)
		}
	}
	if list, _ := b.svc.List(ctx, acctC, snapshots.ListParams{}); len(list) != 0 {
		t.Fatalf("damaged imports left %d snapshots", len(list))
	}
}

func TestApply_GivesUpCleanly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	broken := &flakyStore{Store: db, failAfter: 0, always: true}
	b := newRegion(t, t.TempDir(), &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}, broken)
	src := seed(t, db, acctA, facesnap.KindLargeFaceList, "src", 0, 10)
	snapID := take(t, b, src, acctB.SubscriptionID)
	opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // MaxAttempts
		b.drain(t)
		b.clock.Advance(time.Hour)
	}
	op := b.op(t, opID)
	if op.Status != facesnap.OperationFailed || op.Message == "" || op.Attempt != 3 {
		t.Fatalf("after the last attempt: %s attempt %d %q", op.Status, op.Attempt, op.Message)
	}
	// The runner gave up, and the reservation went with it.
	target := facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindLargeFaceList, ID: "copy"}
	if err := db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: target, Name: "x"}}); err != nil {
		t.Fatalf("id still taken after the runner gave up: %v", err)
	}
}

func TestTake_TrainingInFlightIsNotCopied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	trainedAt := time.Date(2026, 11, 1, 8, 0, 1, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		source facesnap.Training
		want   facesnap.Training
	}{
		{"QueuedAfterSuccess",
			facesnap.Training{Status: facesnap.TrainingNotStarted, CreatedAt: trainedAt.Add(time.Hour), LastActionAt: trainedAt, LastSuccessAt: trainedAt, TrainedSeq: 2},
			facesnap.Training{Status: facesnap.TrainingSucceeded, CreatedAt: trainedAt.Add(time.Hour), LastActionAt: trainedAt, LastSuccessAt: trainedAt, TrainedSeq: 2}},
		{"RunningNeverSucceeded",
			facesnap.Training{Status: facesnap.TrainingRunning, CreatedAt: trainedAt},
			facesnap.Training{}},
		{"Failed",
			facesnap.Training{Status: facesnap.TrainingFailed, CreatedAt: trainedAt, LastActionAt: trainedAt, Message: "There is no person."},
			facesnap.Training{Status: facesnap.TrainingFailed, CreatedAt: trainedAt, LastActionAt: trainedAt, Message: "There is no person."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			src := seed(t, b.store, acctA, facesnap.KindPersonGroup, "pg", 1, 2)
			if err := b.store.TrainingSet(ctx, src, tc.source); err != nil {
				t.Fatal(err)
			}
			snapID := take(t, b, src, acctB.SubscriptionID)
			if _, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"}); err != nil {
				t.Fatal(err)
			}
			b.drain(t)
			got, err := b.store.TrainingGet(ctx, facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindPersonGroup, ID: "copy"})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("copy's training = %+v, want %+v", got, tc.want)
			}
		})
	}
}
