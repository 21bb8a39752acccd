package sdktest

// Snapshots through the official Go client: take in one account, follow the
// operation, apply as another account, and compare the copy with the
// source field by field. The access rules, failure paths, two regions and
// kill -9 are in snapshot_*_test.go; the helpers here are shared by them.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// snapBundle is one facesnap process with three accounts: A takes, B is in
// the applyScope, C is outside it.
type snapBundle struct {
	srv     *harness.Server
	a, b, c harness.Account
	A, B, C clients
}

// setupSnap starts a fresh facesnap with accounts A, B and C.
func setupSnap(t *testing.T, opts harness.Options) *snapBundle {
	t.Helper()
	a, b, c := harness.NewAccount(), harness.NewAccount(), harness.NewAccount()
	opts.Accounts = []harness.Account{a, b, c}
	srv := harness.Start(t, opts)
	return &snapBundle{
		srv: srv, a: a, b: b, c: c,
		A: newClients(srv.Endpoint, a.Key), B: newClients(srv.Endpoint, b.Key), C: newClients(srv.Endpoint, c.Key),
	}
}

func subOf(a harness.Account) uuid.UUID { return uuid.Must(uuid.FromString(a.Subscription)) }

var (
	operationPath = regexp.MustCompile(`^/operations/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	snapshotPath  = regexp.MustCompile(`^/snapshots/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
)

// acceptedOperation checks a take or apply answer as the client returns
// it (202, empty body, Operation-Location the bare relative path) and
// returns the operation id.
func acceptedOperation(t *testing.T, r autorest.Response, err error, what string) uuid.UUID {
	t.Helper()
	must(t, err, what)
	if r.Response == nil {
		t.Fatalf("%s: no response", what)
	}
	if r.StatusCode != http.StatusAccepted {
		t.Errorf("%s: HTTP %d, want 202", what, r.StatusCode)
	}
	loc := r.Header.Get("Operation-Location")
	m := operationPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("%s: Operation-Location %q, want /operations/{uuid}", what, loc)
	}
	return uuid.Must(uuid.FromString(m[1]))
}

func takeSnapshot(t *testing.T, ctx context.Context, c clients, typ face.SnapshotObjectType, id string, scope []uuid.UUID, userData string) uuid.UUID {
	t.Helper()
	req := face.TakeSnapshotRequest{Type: typ, ObjectID: ptr(id), ApplyScope: &scope}
	if userData != "" {
		req.UserData = ptr(userData)
	}
	r, err := c.Snapshot.Take(ctx, req)
	return acceptedOperation(t, r, err, fmt.Sprintf("take %s %s", typ, id))
}

func applySnapshot(t *testing.T, ctx context.Context, c clients, snap uuid.UUID, id string) uuid.UUID {
	t.Helper()
	r, err := c.Snapshot.Apply(ctx, snap, face.ApplySnapshotRequest{ObjectID: ptr(id), Mode: face.CreateNew})
	return acceptedOperation(t, r, err, fmt.Sprintf("apply %s as %s", snap, id))
}

// waitOperation polls an operation until it ends, bounded in count and
// time, checking each status it sees: a known value, a createdTime that
// never changes and a lastActionTime that never goes back.
func waitOperation(t *testing.T, ctx context.Context, c clients, op uuid.UUID) face.OperationStatus {
	t.Helper()
	var seen []face.OperationStatusType
	var created, lastAction time.Time
	deadline := time.Now().Add(90 * time.Second)
	for i := 0; i < 1800 && time.Now().Before(deadline); i++ {
		st, err := c.Snapshot.GetOperationStatus(ctx, op)
		must(t, err, "get operation status")
		if len(seen) == 0 || seen[len(seen)-1] != st.Status {
			seen = append(seen, st.Status)
		}
		if !slices.Contains(face.PossibleOperationStatusTypeValues(), st.Status) {
			t.Fatalf("operation %s: status %q is none of notstarted, running, succeeded, failed", op, st.Status)
		}
		if st.CreatedTime == nil {
			t.Fatalf("operation %s: no createdTime", op)
		}
		if created.IsZero() {
			created = st.CreatedTime.Time
		} else if !st.CreatedTime.Equal(created) {
			t.Errorf("operation %s: createdTime changed from %v to %v", op, created, st.CreatedTime.Time)
		}
		if st.LastActionTime != nil {
			if st.LastActionTime.Before(lastAction) {
				t.Errorf("operation %s: lastActionTime went back from %v to %v", op, lastAction, st.LastActionTime.Time)
			}
			lastAction = st.LastActionTime.Time
		}
		if st.Status == face.Succeeded || st.Status == face.Failed {
			return st
		}
		sleepBrief()
	}
	t.Fatalf("operation %s did not finish within the polling bound; statuses seen: %v", op, seen)
	return face.OperationStatus{}
}

// expectSucceeded checks a finished operation's fields on success and
// returns its resourceLocation.
func expectSucceeded(t *testing.T, st face.OperationStatus, what string) string {
	t.Helper()
	if st.Status != face.Succeeded {
		t.Fatalf("%s: operation %s, message %s; want succeeded", what, st.Status, deref(st.Message))
	}
	if st.Message != nil {
		t.Errorf("%s: succeeded with a message %q; it must be omitted", what, *st.Message)
	}
	if st.CreatedTime == nil || st.CreatedTime.IsZero() {
		t.Errorf("%s: no createdTime", what)
	}
	if st.LastActionTime == nil || st.LastActionTime.Before(st.CreatedTime.Time) {
		t.Errorf("%s: lastActionTime %v, want a time at or after createdTime %v", what, st.LastActionTime, st.CreatedTime)
	}
	if st.ResourceLocation == nil {
		t.Fatalf("%s: succeeded without resourceLocation", what)
	}
	return *st.ResourceLocation
}

// expectFailed checks a finished operation that must have failed with a
// message and no resourceLocation.
func expectFailed(t *testing.T, st face.OperationStatus, what string) {
	t.Helper()
	if st.Status != face.Failed {
		t.Errorf("%s: operation %s (resourceLocation %s), want failed", what, st.Status, deref(st.ResourceLocation))
		return
	}
	if st.Message == nil || strings.TrimSpace(*st.Message) == "" {
		t.Errorf("%s: failed without a message", what)
	}
	if st.ResourceLocation != nil {
		t.Errorf("%s: failed with resourceLocation %q", what, *st.ResourceLocation)
	}
}

// takeAndWait takes a snapshot and returns its id once the take succeeded.
func takeAndWait(t *testing.T, ctx context.Context, c clients, typ face.SnapshotObjectType, id string, scope []uuid.UUID, userData string) uuid.UUID {
	t.Helper()
	op := takeSnapshot(t, ctx, c, typ, id, scope, userData)
	loc := expectSucceeded(t, waitOperation(t, ctx, c, op), "take "+id)
	m := snapshotPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("take %s: resourceLocation %q, want /snapshots/{uuid}", id, loc)
	}
	return uuid.Must(uuid.FromString(m[1]))
}

// applyAndWait applies a snapshot and checks that it succeeded with the
// target's path as resourceLocation.
func applyAndWait(t *testing.T, ctx context.Context, c clients, k snapKind, snap uuid.UUID, id string) {
	t.Helper()
	op := applySnapshot(t, ctx, c, snap, id)
	loc := expectSucceeded(t, waitOperation(t, ctx, c, op), "apply "+id)
	if want := "/" + k.path + "/" + id; loc != want {
		t.Errorf("apply %s: resourceLocation %q, want %q", id, loc, want)
	}
}

// rawOperation reads GET /operations/{id} as the wire carries it.
func rawOperation(t *testing.T, srv *harness.Server, key string, op uuid.UUID) (harness.Response, map[string]json.RawMessage) {
	t.Helper()
	r := srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations/" + op.String(), Key: key})
	var m map[string]json.RawMessage
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("operation %s: body is not a JSON object: %v; %s", op, err, r)
		}
	}
	return r, m
}

// snapKind adapts the four snapshot object types to one shape.
type snapKind struct {
	typ      face.SnapshotObjectType
	path     string // the REST collection segment
	notFound string
	model    face.RecognitionModel // the source is created with it
	trained  bool
	// build fills a source in c named id: metadata, persons and faces
	// with userData, trained where the type trains.
	build func(t *testing.T, ctx context.Context, c clients, id string, seed uint64)
	// exists reports whether c has an object of this type named id
	// (false on 404 with the type's NotFound code).
	exists func(t *testing.T, ctx context.Context, c clients, id string) bool
}

// snapshotted is everything a snapshot must carry, read through the SDK.
type snapshotted struct {
	Name, UserData   string
	RecognitionModel face.RecognitionModel
	Persons          []snapPerson // person groups, in list order
	Faces            []snapFace   // face lists, in list order
	Training         *face.TrainingStatus
}

type snapPerson struct {
	ID             string
	Name, UserData string
	Faces          []snapFace // in persistedFaceIds order
}

type snapFace struct{ ID, UserData string }

const snapFaces = 2 // faces per person in the SDK-built sources

func snapImage(t *testing.T, seed uint64) []byte { return harness.PNG(t, 200, 200, seed) }

var snapKinds = []snapKind{
	{
		typ: face.SnapshotObjectTypeFaceList, path: "facelists", notFound: "FaceListNotFound", model: face.Recognition02,
		build: func(t *testing.T, ctx context.Context, c clients, id string, seed uint64) {
			_, err := c.FaceList.Create(ctx, id, face.MetaDataContract{Name: ptr("fl " + id), UserData: ptr("fl data ü&=?"), RecognitionModel: face.Recognition02})
			must(t, err, "create face list")
			for i := range 3 {
				ud := fmt.Sprintf("fl face %d", i)
				if i == 1 {
					ud = "" // a face without userData must stay without
				}
				_, err := c.FaceList.AddFaceFromStream(ctx, id, rc(snapImage(t, seed+uint64(i))), ud, target, "")
				must(t, err, "add face list face")
			}
		},
		exists: func(t *testing.T, ctx context.Context, c clients, id string) bool {
			_, err := c.FaceList.Get(ctx, id, nil)
			return existsOr404(t, err, "FaceListNotFound")
		},
	},
	{
		typ: face.SnapshotObjectTypeLargeFaceList, path: "largefacelists", notFound: "LargeFaceListNotFound", model: recognition03, trained: true,
		build: func(t *testing.T, ctx context.Context, c clients, id string, seed uint64) {
			_, err := c.LargeFaceList.Create(ctx, id, face.MetaDataContract{Name: ptr("lfl " + id), UserData: ptr(`{"lfl":true}`), RecognitionModel: recognition03})
			must(t, err, "create large face list")
			for i := range 4 {
				_, err := c.LargeFaceList.AddFaceFromStream(ctx, id, rc(snapImage(t, seed+uint64(i))), fmt.Sprintf("lfl face %d", i), target, "")
				must(t, err, "add large face list face")
			}
			_, err = c.LargeFaceList.Train(ctx, id)
			must(t, err, "train large face list")
			waitTrained(t, ctx, func() (face.TrainingStatus, error) { return c.LargeFaceList.GetTrainingStatus(ctx, id) })
		},
		exists: func(t *testing.T, ctx context.Context, c clients, id string) bool {
			_, err := c.LargeFaceList.Get(ctx, id, nil)
			return existsOr404(t, err, "LargeFaceListNotFound")
		},
	},
	{
		typ: face.SnapshotObjectTypePersonGroup, path: "persongroups", notFound: "PersonGroupNotFound", model: recognition04, trained: true,
		build: func(t *testing.T, ctx context.Context, c clients, id string, seed uint64) {
			_, err := c.PersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr("pg " + id), UserData: ptr("pg data"), RecognitionModel: recognition04})
			must(t, err, "create person group")
			buildPersons(t, ctx, seed, func(name, ud string) uuid.UUID {
				p, err := c.PersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr(name), UserData: optional(ud)})
				must(t, err, "create person")
				return *p.PersonID
			}, func(pid uuid.UUID, img []byte, ud string) {
				_, err := c.PersonGroupPerson.AddFaceFromStream(ctx, id, pid, rc(img), ud, target, "")
				must(t, err, "add person face")
			})
			_, err = c.PersonGroup.Train(ctx, id)
			must(t, err, "train person group")
			waitTrained(t, ctx, func() (face.TrainingStatus, error) { return c.PersonGroup.GetTrainingStatus(ctx, id) })
		},
		exists: func(t *testing.T, ctx context.Context, c clients, id string) bool {
			_, err := c.PersonGroup.Get(ctx, id, nil)
			return existsOr404(t, err, "PersonGroupNotFound")
		},
	},
	{
		typ: face.SnapshotObjectTypeLargePersonGroup, path: "largepersongroups", notFound: "LargePersonGroupNotFound", model: face.Recognition01, trained: true,
		build: func(t *testing.T, ctx context.Context, c clients, id string, seed uint64) {
			_, err := c.LargePersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr("lpg " + id), UserData: ptr("lpg data"), RecognitionModel: face.Recognition01})
			must(t, err, "create large person group")
			buildPersons(t, ctx, seed, func(name, ud string) uuid.UUID {
				p, err := c.LargePersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr(name), UserData: optional(ud)})
				must(t, err, "create person")
				return *p.PersonID
			}, func(pid uuid.UUID, img []byte, ud string) {
				_, err := c.LargePersonGroupPerson.AddFaceFromStream(ctx, id, pid, rc(img), ud, target, "")
				must(t, err, "add person face")
			})
			_, err = c.LargePersonGroup.Train(ctx, id)
			must(t, err, "train large person group")
			waitTrained(t, ctx, func() (face.TrainingStatus, error) { return c.LargePersonGroup.GetTrainingStatus(ctx, id) })
		},
		exists: func(t *testing.T, ctx context.Context, c clients, id string) bool {
			_, err := c.LargePersonGroup.Get(ctx, id, nil)
			return existsOr404(t, err, "LargePersonGroupNotFound")
		},
	},
}

func snapKindOf(typ face.SnapshotObjectType) snapKind {
	for _, k := range snapKinds {
		if k.typ == typ {
			return k
		}
	}
	panic("unknown snapshot type " + string(typ))
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// buildPersons adds three persons with snapFaces faces each and a fourth
// with neither faces nor userData, the edge a copy most easily gets wrong.
func buildPersons(t *testing.T, ctx context.Context, seed uint64, person func(name, ud string) uuid.UUID, addFace func(pid uuid.UUID, img []byte, ud string)) {
	t.Helper()
	for i := range 3 {
		pid := person(fmt.Sprintf("person %d", i), fmt.Sprintf(`{"n":%d,"s":"ü&=?"}`, i))
		for j := range snapFaces {
			ud := fmt.Sprintf("face %d.%d", i, j)
			if i == 2 && j == 1 {
				ud = ""
			}
			addFace(pid, snapImage(t, seed+uint64(10*i+j)), ud)
		}
	}
	person("nobody", "")
}

func existsOr404(t *testing.T, err error, code string) bool {
	t.Helper()
	if err == nil {
		return true
	}
	expectAPIError(t, err, "get object", http.StatusNotFound, code)
	return false
}

// waitTrained polls a training status until it ends, bounded, and wants
// succeeded.
func waitTrained(t *testing.T, ctx context.Context, get func() (face.TrainingStatus, error)) face.TrainingStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 600 && time.Now().Before(deadline); i++ {
		st, err := get()
		must(t, err, "get training status")
		switch st.Status {
		case face.TrainingStatusTypeSucceeded:
			return st
		case face.TrainingStatusTypeFailed:
			t.Fatalf("training failed: %s", deref(st.Message))
		}
		sleepBrief()
	}
	t.Fatalf("training did not finish within the polling bound")
	return face.TrainingStatus{}
}

// readSnapshotted reads a collection through the SDK as c sees it,
// paging through persons and faces top entries at a time.
func readSnapshotted(t *testing.T, ctx context.Context, c clients, typ face.SnapshotObjectType, id string, top int32, withFaces bool) snapshotted {
	t.Helper()
	var out snapshotted
	var stErr error
	var st face.TrainingStatus
	switch typ {
	case face.SnapshotObjectTypeFaceList:
		l, err := c.FaceList.Get(ctx, id, ptr(true))
		must(t, err, "get face list "+id)
		out.Name, out.UserData, out.RecognitionModel = deref(l.Name), deref(l.UserData), l.RecognitionModel
		if l.PersistedFaces == nil {
			t.Fatalf("face list %s: no persistedFaces array", id)
		}
		for _, f := range *l.PersistedFaces {
			out.Faces = append(out.Faces, snapFace{f.PersistedFaceID.String(), deref(f.UserData)})
		}
		return out
	case face.SnapshotObjectTypeLargeFaceList:
		l, err := c.LargeFaceList.Get(ctx, id, ptr(true))
		must(t, err, "get large face list "+id)
		out.Name, out.UserData, out.RecognitionModel = deref(l.Name), deref(l.UserData), l.RecognitionModel
		out.Faces = pageAll(t, top, func(start string) []snapFace {
			r, err := c.LargeFaceList.ListFaces(ctx, id, start, &top)
			must(t, err, "list large face list faces")
			var page []snapFace
			for _, f := range *r.Value {
				page = append(page, snapFace{f.PersistedFaceID.String(), deref(f.UserData)})
			}
			return page
		}, func(f snapFace) string { return f.ID })
		st, stErr = c.LargeFaceList.GetTrainingStatus(ctx, id)
	case face.SnapshotObjectTypePersonGroup:
		g, err := c.PersonGroup.Get(ctx, id, ptr(true))
		must(t, err, "get person group "+id)
		out.Name, out.UserData, out.RecognitionModel = deref(g.Name), deref(g.UserData), g.RecognitionModel
		out.Persons = readPersons(t, top, func(start string) []face.Person {
			r, err := c.PersonGroupPerson.List(ctx, id, start, &top)
			must(t, err, "list persons")
			return *r.Value
		}, func(pid, fid uuid.UUID) face.PersistedFace {
			f, err := c.PersonGroupPerson.GetFace(ctx, id, pid, fid)
			must(t, err, "get person face")
			return f
		}, withFaces)
		st, stErr = c.PersonGroup.GetTrainingStatus(ctx, id)
	case face.SnapshotObjectTypeLargePersonGroup:
		g, err := c.LargePersonGroup.Get(ctx, id, ptr(true))
		must(t, err, "get large person group "+id)
		out.Name, out.UserData, out.RecognitionModel = deref(g.Name), deref(g.UserData), g.RecognitionModel
		out.Persons = readPersons(t, top, func(start string) []face.Person {
			r, err := c.LargePersonGroupPerson.List(ctx, id, start, &top)
			must(t, err, "list persons")
			return *r.Value
		}, func(pid, fid uuid.UUID) face.PersistedFace {
			f, err := c.LargePersonGroupPerson.GetFace(ctx, id, pid, fid)
			must(t, err, "get person face")
			return f
		}, withFaces)
		st, stErr = c.LargePersonGroup.GetTrainingStatus(ctx, id)
	}
	must(t, stErr, "get training status of "+id)
	out.Training = &st
	return out
}

// pageAll follows start/top paging to the end, bounded in pages.
func pageAll[T any](t *testing.T, top int32, page func(start string) []T, id func(T) string) []T {
	t.Helper()
	var all []T
	start := ""
	for range 10000 {
		p := page(start)
		all = append(all, p...)
		if len(p) < int(top) {
			return all
		}
		start = id(p[len(p)-1])
	}
	t.Fatalf("paging did not end within 10000 pages")
	return nil
}

func readPersons(t *testing.T, top int32, list func(start string) []face.Person, getFace func(pid, fid uuid.UUID) face.PersistedFace, withFaces bool) []snapPerson {
	t.Helper()
	ps := pageAll(t, top, list, func(p face.Person) string { return p.PersonID.String() })
	out := make([]snapPerson, 0, len(ps))
	for _, p := range ps {
		sp := snapPerson{ID: p.PersonID.String(), Name: deref(p.Name), UserData: deref(p.UserData)}
		if p.PersistedFaceIds != nil {
			for _, fid := range *p.PersistedFaceIds {
				f := snapFace{ID: fid.String()}
				if withFaces {
					f.UserData = deref(getFace(*p.PersonID, fid).UserData)
				}
				sp.Faces = append(sp.Faces, f)
			}
		}
		out = append(out, sp)
	}
	return out
}

// compareSnapshotted checks the target against the source, field by
// field, reporting each difference once.
func compareSnapshotted(t *testing.T, src, dst snapshotted) {
	t.Helper()
	if dst.Name != src.Name || dst.UserData != src.UserData || dst.RecognitionModel != src.RecognitionModel {
		t.Errorf("target metadata = name %q userData %q model %q, want %q %q %q",
			dst.Name, dst.UserData, dst.RecognitionModel, src.Name, src.UserData, src.RecognitionModel)
	}
	if !slices.Equal(dst.Faces, src.Faces) {
		t.Errorf("target faces (%d) differ from the source's (%d):\n target %v\n source %v", len(dst.Faces), len(src.Faces), clip(dst.Faces), clip(src.Faces))
	}
	if len(dst.Persons) != len(src.Persons) {
		t.Errorf("target has %d persons, source %d", len(dst.Persons), len(src.Persons))
	}
	bad := 0
	for i := range min(len(dst.Persons), len(src.Persons)) {
		d, s := dst.Persons[i], src.Persons[i]
		if d.ID != s.ID || d.Name != s.Name || d.UserData != s.UserData || !slices.Equal(d.Faces, s.Faces) {
			if bad++; bad <= 5 {
				t.Errorf("person %d: target %+v, source %+v", i, d, s)
			}
		}
	}
	if bad > 5 {
		t.Errorf("… %d persons differ in all", bad)
	}
	if src.Training != nil {
		if dst.Training == nil || dst.Training.Status != face.TrainingStatusTypeSucceeded {
			t.Errorf("target training status %+v, want succeeded without a train of its own", dst.Training)
		} else if dst.Training.LastSuccessfulTraining == nil {
			t.Errorf("target training succeeded without lastSuccessfulTrainingDateTime")
		} else if src.Training.LastSuccessfulTraining == nil || !dst.Training.LastSuccessfulTraining.Equal(src.Training.LastSuccessfulTraining.Time) {
			// The snapshot carries the training result, not a new one.
			t.Errorf("target lastSuccessfulTraining %v, want the source's %v", dst.Training.LastSuccessfulTraining, src.Training.LastSuccessfulTraining)
		}
	}
}

func clip[T any](s []T) []T {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// TestSnapshot_RoundTrip takes each type in account A with B in the
// applyScope, applies it as B into a new id and checks the copy field by
// field through the SDK, and that it needs no training of its own.
func TestSnapshot_RoundTrip(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	for i, k := range snapKinds {
		t.Run(string(k.typ), func(t *testing.T) {
			t.Parallel()
			ctx := ctxFor(t)
			src := "src-" + lower(string(k.typ))
			k.build(t, ctx, sb.A, src, uint64(100*(i+1)))
			want := readSnapshotted(t, ctx, sb.A, k.typ, src, 2, true)
			if want.RecognitionModel != k.model {
				t.Fatalf("source recognitionModel %q, want %q (as created)", want.RecognitionModel, k.model)
			}

			scope := []uuid.UUID{subOf(sb.b)}
			op := takeSnapshot(t, ctx, sb.A, k.typ, src, scope, "snapshot of "+src)
			st := waitOperation(t, ctx, sb.A, op)
			loc := expectSucceeded(t, st, "take")
			m := snapshotPath.FindStringSubmatch(loc)
			if m == nil {
				t.Fatalf("take: resourceLocation %q, want /snapshots/{uuid}", loc)
			}
			snapID := uuid.Must(uuid.FromString(m[1]))

			// The snapshot as the scope account sees it.
			snap, err := sb.B.Snapshot.Get(ctx, snapID)
			must(t, err, "B gets the snapshot")
			if snap.ID == nil || *snap.ID != snapID || snap.Type != k.typ || deref(snap.UserData) != "snapshot of "+src {
				t.Errorf("snapshot = id %v type %q userData %s, want %s %s %q", snap.ID, snap.Type, deref(snap.UserData), snapID, k.typ, "snapshot of "+src)
			}
			if snap.ApplyScope == nil || !slices.Equal(*snap.ApplyScope, scope) {
				t.Errorf("snapshot applyScope = %v, want %v", snap.ApplyScope, scope)
			}
			accountPath := regexp.MustCompile(`^/subscriptions/` + sb.a.Subscription + `/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/accounts/[^/]+$`)
			if snap.Account == nil || !accountPath.MatchString(*snap.Account) {
				t.Errorf("snapshot account = %s, want A's resource path /subscriptions/%s/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…", deref(snap.Account), sb.a.Subscription)
			}
			if snap.CreatedTime == nil || snap.LastUpdateTime == nil || snap.LastUpdateTime.Before(snap.CreatedTime.Time) {
				t.Errorf("snapshot times: created %v lastUpdate %v", snap.CreatedTime, snap.LastUpdateTime)
			}

			dst := "copy-" + lower(string(k.typ))
			if k.exists(t, ctx, sb.B, dst) {
				t.Fatalf("B has %s before the apply", dst)
			}
			applyAndWait(t, ctx, sb.B, k, snapID, dst)
			got := readSnapshotted(t, ctx, sb.B, k.typ, dst, 2, true)
			compareSnapshotted(t, want, got)

			// The copy is B's alone, and the source is untouched.
			if k.exists(t, ctx, sb.A, dst) {
				t.Errorf("A sees B's applied %s", dst)
			}
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.A, k.typ, src, 1000, true))

			// One snapshot applies again, into another id.
			applyAndWait(t, ctx, sb.B, k, snapID, dst+"-again")
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, dst+"-again", 1000, true))
		})
	}
}

// TestSnapshot_OperationWire checks OperationStatus on the wire: camelCase
// names, lowercase status, 7-digit UTC times, no message on success,
// Retry-After only while the operation runs, and the progress extension.
func TestSnapshot_OperationWire(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeLargePersonGroup)
	k.build(t, ctx, sb.A, "wire", 900)
	op := takeSnapshot(t, ctx, sb.A, k.typ, "wire", []uuid.UUID{subOf(sb.b)}, "")

	// Whatever state the first read finds, its shape must be right.
	r, m := rawOperation(t, sb.srv, sb.a.Key, op)
	if r.Status != http.StatusOK || r.MediaType() != "application/json" {
		t.Fatalf("GET operation: %s", r)
	}
	var status string
	json.Unmarshal(m["status"], &status)
	if status != "succeeded" && status != "failed" && r.Header.Get("Retry-After") == "" {
		t.Errorf("unfinished operation (%s) without Retry-After", status)
	}

	st := waitOperation(t, ctx, sb.A, op)
	expectSucceeded(t, st, "take")
	r, m = rawOperation(t, sb.srv, sb.a.Key, op)
	if r.Status != http.StatusOK {
		t.Fatalf("GET operation: %s", r)
	}
	allowed := []string{"status", "createdTime", "lastActionTime", "resourceLocation", "message", "progress"}
	for f := range m {
		if !slices.Contains(allowed, f) {
			t.Errorf("OperationStatus has field %q; want only %v", f, allowed)
		}
	}
	for _, f := range []string{"status", "createdTime", "lastActionTime", "resourceLocation"} {
		if _, ok := m[f]; !ok {
			t.Errorf("succeeded OperationStatus lacks %q: %s", f, r.Body)
		}
	}
	if _, ok := m["message"]; ok {
		t.Errorf("succeeded OperationStatus has a message: %s", r.Body)
	}
	json.Unmarshal(m["status"], &status)
	if status != "succeeded" {
		t.Errorf("status %q, want the lowercase succeeded", status)
	}
	for _, f := range []string{"createdTime", "lastActionTime"} {
		var s string
		if err := json.Unmarshal(m[f], &s); err != nil || !serviceTime(s) {
			t.Errorf("%s = %s, want a UTC time with 7 fractional digits like 2018-12-25T11:41:02.2331413Z", f, m[f])
		}
	}
	if r.Header.Get("Retry-After") != "" {
		t.Errorf("finished operation has Retry-After %q", r.Header.Get("Retry-After"))
	}
	if p, ok := m["progress"]; ok {
		var pr struct{ Done, Total int64 }
		if err := json.Unmarshal(p, &pr); err != nil || pr.Total <= 0 || pr.Done != pr.Total {
			t.Errorf("finished operation's progress = %s, want done == total > 0", p)
		}
	}

	// The operation list (extension) shows it, newest first, to A only.
	lr := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations", Key: sb.a.Key})
	if lr.Status != http.StatusOK || !strings.Contains(string(lr.Body), op.String()) {
		t.Errorf("A's GET /operations does not list %s: %s", op, lr)
	}
	lr = sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations", Key: sb.b.Key})
	if lr.Status != http.StatusOK || strings.Contains(string(lr.Body), op.String()) {
		t.Errorf("B's GET /operations shows A's operation %s (or fails): %s", op, lr)
	}
}

// TestSnapshot_ParallelApplies applies one snapshot into several ids at
// once: every apply succeeds with an equal copy.
func TestSnapshot_ParallelApplies(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypePersonGroup)
	k.build(t, ctx, sb.A, "par", 950)
	want := readSnapshotted(t, ctx, sb.A, k.typ, "par", 1000, true)
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "par", []uuid.UUID{subOf(sb.b)}, "")
	var wg sync.WaitGroup
	ops := make([]uuid.UUID, 3)
	for i := range ops {
		wg.Go(func() {
			r, err := sb.B.Snapshot.Apply(ctx, snapID, face.ApplySnapshotRequest{ObjectID: ptr(fmt.Sprintf("par-%d", i))})
			if err == nil && r.StatusCode == http.StatusAccepted {
				if m := operationPath.FindStringSubmatch(r.Header.Get("Operation-Location")); m != nil {
					ops[i] = uuid.Must(uuid.FromString(m[1]))
				}
			}
		})
	}
	wg.Wait()
	for i, op := range ops {
		if op == uuid.Nil {
			t.Fatalf("parallel apply %d was not accepted with an Operation-Location", i)
		}
		expectSucceeded(t, waitOperation(t, ctx, sb.B, op), fmt.Sprintf("parallel apply %d", i))
		compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.B, k.typ, fmt.Sprintf("par-%d", i), 1000, true))
	}
}

// TestSnapshot_UntrainedSource: a LargeFaceList that was never trained
// applies as one that was never trained either (404 LargeFaceListNotTrained,
// as the source answers), with its faces.
func TestSnapshot_UntrainedSource(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	k := snapKindOf(face.SnapshotObjectTypeLargeFaceList)
	_, err := sb.A.LargeFaceList.Create(ctx, "untrained", face.MetaDataContract{Name: ptr("untrained")})
	must(t, err, "create")
	for i := range 2 {
		_, err = sb.A.LargeFaceList.AddFaceFromStream(ctx, "untrained", rc(snapImage(t, uint64(1700+i))), fmt.Sprint(i), target, "")
		must(t, err, "add face")
	}
	_, err = sb.A.LargeFaceList.GetTrainingStatus(ctx, "untrained")
	expectAPIError(t, err, "source training status", http.StatusNotFound, "LargeFaceListNotTrained")
	snapID := takeAndWait(t, ctx, sb.A, k.typ, "untrained", []uuid.UUID{subOf(sb.b)}, "")
	applyAndWait(t, ctx, sb.B, k, snapID, "copy")
	_, err = sb.B.LargeFaceList.GetTrainingStatus(ctx, "copy")
	expectAPIError(t, err, "target training status", http.StatusNotFound, "LargeFaceListNotTrained")
	l, err := sb.B.LargeFaceList.ListFaces(ctx, "copy", "", nil)
	must(t, err, "list target faces")
	if l.Value == nil || len(*l.Value) != 2 {
		t.Errorf("target has %v faces, want 2", l.Value)
	}
}

// TestSnapshot_BackupRestore: the backup use case in one account. A takes
// its own collection (applyScope = its own subscription), applies a copy
// beside the source while the source still exists, then deletes the
// source and restores it into the same id. Both copies equal the source,
// person and face ids included.
func TestSnapshot_BackupRestore(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	for i, k := range snapKinds {
		t.Run(string(k.typ), func(t *testing.T) {
			t.Parallel()
			ctx := ctxFor(t)
			k.build(t, ctx, sb.A, "precious", uint64(1900+10*i))
			want := readSnapshotted(t, ctx, sb.A, k.typ, "precious", 1000, true)
			snapID := takeAndWait(t, ctx, sb.A, k.typ, "precious", []uuid.UUID{subOf(sb.a)}, "backup")

			applyAndWait(t, ctx, sb.A, k, snapID, "precious-copy")
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.A, k.typ, "precious-copy", 1000, true))

			var err error
			switch k.typ {
			case face.SnapshotObjectTypeFaceList:
				_, err = sb.A.FaceList.Delete(ctx, "precious")
			case face.SnapshotObjectTypeLargeFaceList:
				_, err = sb.A.LargeFaceList.Delete(ctx, "precious")
			case face.SnapshotObjectTypePersonGroup:
				_, err = sb.A.PersonGroup.Delete(ctx, "precious")
			case face.SnapshotObjectTypeLargePersonGroup:
				_, err = sb.A.LargePersonGroup.Delete(ctx, "precious")
			}
			must(t, err, "delete the source")
			if k.exists(t, ctx, sb.A, "precious") {
				t.Fatalf("source still there after delete")
			}
			applyAndWait(t, ctx, sb.A, k, snapID, "precious")
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.A, k.typ, "precious", 1000, true))
			// The copy beside it is untouched by the delete and restore.
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.A, k.typ, "precious-copy", 1000, true))

			// The two share person and face ids: a change to one must not
			// reach the other.
			switch k.typ {
			case face.SnapshotObjectTypeFaceList:
				_, err = sb.A.FaceList.DeleteFace(ctx, "precious-copy", uuid.FromStringOrNil(want.Faces[0].ID))
			case face.SnapshotObjectTypeLargeFaceList:
				_, err = sb.A.LargeFaceList.DeleteFace(ctx, "precious-copy", uuid.FromStringOrNil(want.Faces[0].ID))
			case face.SnapshotObjectTypePersonGroup:
				_, err = sb.A.PersonGroupPerson.Delete(ctx, "precious-copy", uuid.FromStringOrNil(want.Persons[0].ID))
			case face.SnapshotObjectTypeLargePersonGroup:
				_, err = sb.A.LargePersonGroupPerson.Delete(ctx, "precious-copy", uuid.FromStringOrNil(want.Persons[0].ID))
			}
			must(t, err, "delete a face or person in the copy")
			compareSnapshotted(t, want, readSnapshotted(t, ctx, sb.A, k.typ, "precious", 1000, true))
		})
	}
}
