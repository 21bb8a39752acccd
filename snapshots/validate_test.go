package snapshots_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/snapfile"
	"facesnap/snapshots"
)

// crafted is the content of a snapshot file built offline, as anyone with
// the format can.
type crafted struct {
	c       facesnap.Collection
	t       facesnap.Training
	persons []facesnap.Person
	faces   []facesnap.Face
}

// bytes writes the file. The writer's errors are sticky: Close reports
// the first.
func (cr *crafted) bytes(t *testing.T) ([]byte, snapfile.Summary) {
	t.Helper()
	var buf bytes.Buffer
	w := snapfile.NewWriter(&buf)
	w.Collection(cr.c, cr.t, facesnap.CollectionStats{Persons: int64(len(cr.persons)), Faces: int64(len(cr.faces)), MaxSeq: int64(len(cr.faces))})
	for _, p := range cr.persons {
		w.Person(p)
	}
	for _, f := range cr.faces {
		w.Face(f)
	}
	sum, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

func craftFace(personID string, seq int) facesnap.Face {
	return facesnap.Face{
		ID: uuid.NewString(), PersonID: personID, UserData: "face", Seq: int64(seq),
		Rect:           facesnap.Rect{Left: 10, Top: 20, Width: 100, Height: 120},
		DetectionModel: "detection_03", Feature: feature(seq),
		CreatedAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC),
	}
}

// craftGroup is a valid PersonGroup of persons with faces each.
func craftGroup(persons, faces int) *crafted {
	cr := &crafted{c: facesnap.Collection{
		CollectionRef: facesnap.CollectionRef{Kind: facesnap.KindPersonGroup, ID: "crafted"},
		Name:          "crafted", RecognitionModel: "recognition_04",
	}}
	for range persons {
		cr.persons = append(cr.persons, facesnap.Person{ID: uuid.NewString(), Name: "p"})
	}
	for i := range persons * faces {
		cr.faces = append(cr.faces, craftFace(cr.persons[i/faces].ID, i+1))
	}
	return cr
}

// craftList is a valid list of the kind with n faces.
func craftList(kind facesnap.Kind, n int) *crafted {
	cr := craftGroup(0, 0)
	cr.c.Kind = kind
	for i := range n {
		cr.faces = append(cr.faces, craftFace("", i+1))
	}
	return cr
}

// plant stores a file as account A's snapshot scoped to B without going
// through Import: a file already in the store (imported by an older
// facesnap, or written by someone with write access to it) meets the
// rules at apply.
func plant(t *testing.T, b *testBundle, kind facesnap.Kind, data []byte, sum snapfile.Summary) string {
	t.Helper()
	ctx := context.Background()
	blobs, err := dir.New(b.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	now := b.clock.Now()
	snap := facesnap.Snapshot{
		ID: uuid.NewString(), Account: acctA.Path(), SubscriptionID: acctA.SubscriptionID,
		Type: kind, ObjectID: "crafted", ApplyScope: []string{acctB.SubscriptionID},
		CreatedAt: now, LastUpdateAt: now, ExpiresAt: now.Add(time.Hour),
		Persons: sum.Persons, Faces: sum.Faces, Size: sum.Size, SHA256: sum.SHA256,
	}
	meta, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.Put(ctx, "snapshots/"+snap.ID+"/data", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := blobs.Put(ctx, "snapshots/"+snap.ID+"/meta.json", bytes.NewReader(meta)); err != nil {
		t.Fatal(err)
	}
	return snap.ID
}

// TestUntrustedFile builds files that break one rule each, imports them as
// A for B and applies them as B: the import is refused, and the same file
// already in the store fails its apply at once, leaving nothing behind.
func TestUntrustedFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		craft func() *crafted
		want  string // in the import's error and the apply's message; "" for a valid file
		// importOK: the rule is the store's key, met at apply only.
		importOK bool
	}{
		{"Valid", func() *crafted { return craftGroup(2, 2) }, "", false},
		{"UnknownKind", func() *crafted { cr := craftList(facesnap.KindFaceList, 1); cr.c.Kind = "Bogus"; return cr }, "Bogus", false},
		{"BadCollectionID", func() *crafted { cr := craftGroup(1, 1); cr.c.ID = "../x"; return cr }, "ID is invalid", false},
		{"LongCollectionName", func() *crafted { cr := craftGroup(1, 1); cr.c.Name = strings.Repeat("n", 60000); return cr }, "Name is too long", false},
		{"LongCollectionUserData", func() *crafted {
			cr := craftGroup(1, 1)
			cr.c.UserData = strings.Repeat("ü", facesnap.MaxUserDataLength+1)
			return cr
		}, "User data is too long", false},
		{"BogusRecognitionModel", func() *crafted { cr := craftGroup(1, 1); cr.c.RecognitionModel = "recognition_99_bogus"; return cr }, "recognition_99_bogus", false},
		{"BogusTrainingStatus", func() *crafted { cr := craftGroup(1, 1); cr.t.Status = "stuck"; return cr }, "training", false},
		{"TooManyPersons", func() *crafted { return craftGroup(facesnap.MaxPersonsPerGroup+1, 0) }, "at most 10000 persons", false},
		{"TooManyFacesPerPerson", func() *crafted { return craftGroup(1, facesnap.MaxFacesPerPerson+1) }, "at most 248 faces", false},
		{"TooManyFacesPerList", func() *crafted { return craftList(facesnap.KindFaceList, facesnap.MaxFacesPerFaceList+1) }, "at most 1000 faces", false},
		{"PathPersonID", func() *crafted {
			cr := craftGroup(1, 0)
			cr.persons[0].ID = "../../0"
			return cr
		}, "person ../../0", false},
		{"UpperCasePersonID", func() *crafted {
			cr := craftGroup(1, 0)
			cr.persons[0].ID = strings.ToUpper(cr.persons[0].ID)
			return cr
		}, "lower-case uuid", false},
		{"DuplicatePerson", func() *crafted {
			cr := craftGroup(2, 0)
			cr.persons[1].ID = cr.persons[0].ID
			return cr
		}, "twice", false},
		{"LongPersonName", func() *crafted { cr := craftGroup(1, 1); cr.persons[0].Name = strings.Repeat("n", 129); return cr }, "Name is too long", false},
		{"NULInPersonUserData", func() *crafted { cr := craftGroup(1, 1); cr.persons[0].UserData = "a\x00b"; return cr }, "NUL", false},
		{"InvalidUTF8InFaceUserData", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].UserData = "a\xffb"; return cr }, "UTF-8", false},
		{"LongFaceUserData", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].UserData = strings.Repeat("u", 1025); return cr }, "User data is too long", false},
		{"BogusDetectionModel", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].DetectionModel = "detection_9"; return cr }, "detection_9", false},
		{"LongFeature", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].Feature = make([]float32, 8192); return cr }, "8192 values", false},
		{"NaNFeature", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].Feature[5] = float32(math.NaN()); return cr }, "finite", false},
		{"HugeRect", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].Rect.Width = 1 << 40; return cr }, "out of range", false},
		{"NegativeRect", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].Rect.Left = -1; return cr }, "out of range", false},
		{"FaceOfMissingPerson", func() *crafted { cr := craftGroup(1, 1); cr.faces[0].PersonID = uuid.NewString(); return cr }, "not in the file", false},
		{"ListFaceWithPerson", func() *crafted {
			cr := craftList(facesnap.KindLargeFaceList, 1)
			cr.faces[0].PersonID = uuid.NewString()
			return cr
		}, "belongs to no person", false},
		{"RepeatedSeq", func() *crafted { cr := craftGroup(1, 2); cr.faces[1].Seq = 1; return cr }, "sequence number", false},
		{"DuplicateFace", func() *crafted { cr := craftGroup(1, 2); cr.faces[1].ID = cr.faces[0].ID; return cr }, "already exists", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			cr := tc.craft()
			data, sum := cr.bytes(t)

			snap, err := b.svc.Import(ctx, acctA, bytes.NewReader(data), snapshots.ImportParams{ApplyScope: []string{acctB.SubscriptionID}})
			switch {
			case tc.want == "" || tc.importOK:
				if err != nil {
					t.Fatalf("import: %v", err)
				}
			case !errors.Is(err, facesnap.ErrInvalid) || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("import: %v, want a BadArgument naming %q", err, tc.want)
			}
			if err == nil && !snap.InScope(acctB) {
				t.Fatalf("imported %+v", snap)
			}

			kind := cr.c.Kind
			if !kind.Valid() {
				kind = facesnap.KindFaceList // the meta says what the file does not hold
			}
			snapID := plant(t, b, kind, data, sum)
			opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "target"})
			if err != nil {
				t.Fatal(err)
			}
			b.drain(t)
			op := b.op(t, opID)
			target := facesnap.CollectionRef{Account: acctB.Name, Kind: kind, ID: "target"}
			if tc.want == "" {
				if op.Status != facesnap.OperationSucceeded {
					t.Fatalf("apply of a valid file: %s %q", op.Status, op.Message)
				}
				if got := dumpOf(t, b.store, target); len(got.persons) != len(cr.persons) || len(got.faces) != len(cr.faces) {
					t.Fatalf("applied %d persons, %d faces", len(got.persons), len(got.faces))
				}
				return
			}
			if op.Status != facesnap.OperationFailed || op.Attempt != 1 || !strings.Contains(op.Message, tc.want) {
				t.Fatalf("apply: %s attempt %d %q, want failed at once naming %q", op.Status, op.Attempt, op.Message, tc.want)
			}
			// Nothing left behind, not even the reservation.
			err = b.store.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{
				CollectionRef: target, Name: "x", RecognitionModel: facesnap.DefaultRecognitionModel,
			}})
			if err != nil {
				t.Fatalf("id still taken after a refused apply: %v", err)
			}
		})
	}
}

// TestApply_TrainingInFlightInFile: a file whose training is running
// would leave the copy training for ever (every train 409); it is
// applied as the last result it records.
func TestApply_TrainingInFlightInFile(t *testing.T) {
	t.Parallel()
	success := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   facesnap.Training
		want facesnap.TrainingState
	}{
		{"RunningNeverTrained", facesnap.Training{Status: facesnap.TrainingRunning, CreatedAt: success}, ""},
		{"NotStartedTrainedBefore", facesnap.Training{Status: facesnap.TrainingNotStarted, CreatedAt: success, LastSuccessAt: success, TrainedSeq: 2}, facesnap.TrainingSucceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			cr := craftGroup(1, 2)
			cr.t = tc.in
			data, sum := cr.bytes(t)
			opID, err := b.svc.Apply(ctx, acctB, plant(t, b, facesnap.KindPersonGroup, data, sum), snapshots.ApplyParams{ObjectID: "target"})
			if err != nil {
				t.Fatal(err)
			}
			b.drain(t)
			if op := b.op(t, opID); op.Status != facesnap.OperationSucceeded {
				t.Fatalf("apply: %s %q", op.Status, op.Message)
			}
			got, err := b.store.TrainingGet(ctx, facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindPersonGroup, ID: "target"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want {
				t.Fatalf("applied training %q, want %q", got.Status, tc.want)
			}
		})
	}
}

// TestApply_ScopeNarrowedAfterQueueing: the scope that counts is the one
// when the apply runs.
func TestApply_ScopeNarrowedAfterQueueing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := seed(t, b.store, acctA, facesnap.KindFaceList, "fl", 0, 2)
	snapID := take(t, b, src, acctB.SubscriptionID)
	opID, err := b.svc.Apply(ctx, acctB, snapID, snapshots.ApplyParams{ObjectID: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	scope := []string{acctC.SubscriptionID}
	if err := b.svc.Update(ctx, acctA, snapID, snapshots.UpdateParams{ApplyScope: &scope}); err != nil {
		t.Fatal(err)
	}
	b.drain(t)
	op := b.op(t, opID)
	if op.Status != facesnap.OperationFailed || !strings.Contains(op.Message, "applyScope") {
		t.Fatalf("apply out of scope: %s %q", op.Status, op.Message)
	}
	if _, err := b.store.CollectionGet(ctx, facesnap.CollectionRef{Account: acctB.Name, Kind: facesnap.KindFaceList, ID: "copy"}); !errors.Is(err, facesnap.ErrNotFound) {
		t.Fatalf("target after a refused apply: %v", err)
	}
}
