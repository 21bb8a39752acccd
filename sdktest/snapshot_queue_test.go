package sdktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// wireStatus reads an operation over raw HTTP.
func wireStatus(t *testing.T, srv *harness.Server, key string, op uuid.UUID) wireOperation {
	t.Helper()
	r, _ := rawOperation(t, srv, key, op)
	var st wireOperation
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &st) != nil {
		t.Fatalf("operation %s: %s", op, r)
	}
	return st
}

// TestSnapshot_Queued runs a server with --workers 1 and keeps its one
// worker busy with the take of a 50,000-face LargePersonGroup, so that
// operations started meanwhile wait as notstarted. Each case checks that
// the large take still ran after its own reads (so the worker really was
// busy throughout); if the take was already over, the case is tried again.
func TestSnapshot_Queued(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big", "--workers", "1")
	ctx := harness.Context(t, 3*time.Minute)
	scope := []uuid.UUID{subOf(sb.b)}
	fl := snapKindOf(face.SnapshotObjectTypeFaceList)
	fl.build(t, ctx, sb.A, "small", 1200)
	wantSmall := readSnapshotted(t, ctx, sb.A, fl.typ, "small", 1000, true)

	// queued runs body while the large take occupies the worker; body
	// returns a check to run only if the worker was busy throughout.
	queued := func(t *testing.T, body func(attempt int) (check func())) {
		t.Helper()
		for attempt := range 3 {
			bigOp := takeSnapshot(t, ctx, sb.A, face.SnapshotObjectTypeLargePersonGroup, "big", scope, "")
			check := body(attempt)
			big := wireStatus(t, sb.srv, sb.a.Key, bigOp)
			if big.Status == "running" {
				check()
				expectSucceeded(t, waitOperation(t, ctx, sb.A, bigOp), "the large take")
				return
			}
			t.Logf("attempt %d: the large take was %s before the checks; trying again", attempt, big.Status)
			waitOperation(t, ctx, sb.A, bigOp)
		}
		t.Fatalf("the large take never outlasted the queued operations' checks in 3 attempts")
	}

	t.Run("TakeOfDeletedSource", func(t *testing.T) {
		queued(t, func(attempt int) func() {
			gone := fmt.Sprintf("gone-%d", attempt)
			fl.build(t, ctx, sb.A, gone, uint64(1210+10*attempt))
			before := len(snapshotIDs(t, sb.A, fl.typ, nil))
			op := takeSnapshot(t, ctx, sb.A, fl.typ, gone, scope, "")
			_, err := sb.A.FaceList.Delete(ctx, gone)
			must(t, err, "delete the queued take's source")
			st := wireStatus(t, sb.srv, sb.a.Key, op)
			return func() {
				if st.Status != "notstarted" {
					t.Errorf("take queued behind a running one with --workers 1 is %q, want notstarted", st.Status)
				}
				expectFailed(t, waitOperation(t, ctx, sb.A, op), "take whose source was deleted while it was queued")
				if n := len(snapshotIDs(t, sb.A, fl.typ, nil)); n != before {
					t.Errorf("the failed take left a snapshot: %d FaceList snapshots, %d before", n, before)
				}
			}
		})
	})

	t.Run("ApplyReservesTarget", func(t *testing.T) {
		snapID := takeAndWait(t, ctx, sb.A, fl.typ, "small", scope, "")
		queued(t, func(attempt int) func() {
			id := fmt.Sprintf("reserved-%d", attempt)
			op := applySnapshot(t, ctx, sb.B, snapID, id)
			st := wireStatus(t, sb.srv, sb.b.Key, op)
			_, createErr := sb.B.FaceList.Create(ctx, id, face.MetaDataContract{Name: ptr("B's own")})
			_, getErr := sb.B.FaceList.Get(ctx, id, nil)
			// Nothing else reaches the hidden reservation either.
			_, updateErr := sb.B.FaceList.Update(ctx, id, face.NameAndUserDataContract{Name: ptr("renamed")})
			_, addErr := sb.B.FaceList.AddFaceFromStream(ctx, id, rc(snapImage(t, 1240)), "", target, "")
			_, deleteErr := sb.B.FaceList.Delete(ctx, id)
			_, takeErr := sb.B.Snapshot.Take(ctx, face.TakeSnapshotRequest{Type: fl.typ, ObjectID: ptr(id), ApplyScope: &scope})
			listed, listErr := sb.B.FaceList.List(ctx, nil)
			return func() {
				expectAPIError(t, updateErr, "update the id a queued apply reserved", http.StatusNotFound, "FaceListNotFound")
				expectAPIError(t, addErr, "add a face to the id a queued apply reserved", http.StatusNotFound, "FaceListNotFound")
				expectAPIError(t, deleteErr, "delete the id a queued apply reserved", http.StatusNotFound, "FaceListNotFound")
				expectAPIError(t, takeErr, "take the id a queued apply reserved", http.StatusNotFound, "FaceListNotFound")
				must(t, listErr, "list face lists")
				for _, l := range *listed.Value {
					if deref(l.FaceListID) == id {
						t.Errorf("the list shows the reserved, unfinished %s", id)
					}
				}
				if st.Status != "notstarted" {
					t.Errorf("apply queued behind a running take is %q, want notstarted", st.Status)
				}
				expectAPIError(t, createErr, "create the id a queued apply reserved", http.StatusConflict, "FaceListExists")
				expectAPIError(t, getErr, "get the id a queued apply reserved", http.StatusNotFound, "FaceListNotFound")
				applyDone := waitOperation(t, ctx, sb.B, op)
				if loc := expectSucceeded(t, applyDone, "queued apply"); loc != "/facelists/"+id {
					t.Errorf("queued apply: resourceLocation %q", loc)
				}
				compareSnapshotted(t, wantSmall, readSnapshotted(t, ctx, sb.B, fl.typ, id, 1000, true))
			}
		})
	})

	t.Run("ApplyOfDeletedSnapshot", func(t *testing.T) {
		// Taken before the worker gets busy: one for each attempt.
		var snaps []uuid.UUID
		for range 3 {
			snaps = append(snaps, takeAndWait(t, ctx, sb.A, fl.typ, "small", scope, ""))
		}
		queued(t, func(attempt int) func() {
			snapID := snaps[attempt]
			id := fmt.Sprintf("orphan-%d", attempt)
			op := applySnapshot(t, ctx, sb.B, snapID, id)
			_, err := sb.A.Snapshot.Delete(ctx, snapID)
			must(t, err, "delete the snapshot a queued apply waits for")
			st := wireStatus(t, sb.srv, sb.b.Key, op)
			return func() {
				if st.Status != "notstarted" {
					t.Errorf("apply queued behind a running take is %q, want notstarted", st.Status)
				}
				expectFailed(t, waitOperation(t, ctx, sb.B, op), "apply of a snapshot deleted while the apply was queued")
				if fl.exists(t, ctx, sb.B, id) {
					t.Errorf("failed apply left %s", id)
				}
				_, err := sb.B.FaceList.Create(ctx, id, face.MetaDataContract{Name: ptr("free again")})
				if err != nil {
					t.Errorf("create the failed apply's target id: %s", describe(err))
				}
			}
		})
	})

	// A take that runs while a train of its source is pending (requested,
	// queued behind it) copies a training state that nothing will ever
	// move for the target. The copy must still show a usable, finished
	// training: the source's last successful one (or, if the server
	// chooses to train the target itself, one that finishes).
	t.Run("TakeWhileTrainPending", func(t *testing.T) {
		pg := snapKindOf(face.SnapshotObjectTypePersonGroup)
		// Built (and trained) before the worker gets busy: one per attempt.
		for attempt := range 3 {
			pg.build(t, ctx, sb.A, fmt.Sprintf("retrained-%d", attempt), uint64(1250+10*attempt))
		}
		queued(t, func(attempt int) func() {
			src := fmt.Sprintf("retrained-%d", attempt)
			before, err := sb.A.PersonGroup.GetTrainingStatus(ctx, src)
			must(t, err, "source training before")
			op := takeSnapshot(t, ctx, sb.A, pg.typ, src, scope, "")
			_, err = sb.A.PersonGroup.Train(ctx, src)
			must(t, err, "request a train behind the queued take")
			// The service refuses a second Train while one is queued.
			_, again := sb.A.PersonGroup.Train(ctx, src)
			st := wireStatus(t, sb.srv, sb.a.Key, op)
			return func() {
				if st.Status != "notstarted" {
					t.Errorf("take queued behind a running one is %q, want notstarted", st.Status)
				}
				expectAPIError(t, again, "train again while the first training is queued", http.StatusConflict, "PersonGroupTrainingNotFinished")
				done := waitOperation(t, ctx, sb.A, op)
				expectSucceeded(t, done, "take while a train is pending")
				snapID := uuid.Must(uuid.FromString(snapshotPath.FindStringSubmatch(deref(done.ResourceLocation))[1]))
				target := "copy-" + src
				applyAndWait(t, ctx, sb.B, pg, snapID, target)
				got, err := sb.B.PersonGroup.GetTrainingStatus(ctx, target)
				must(t, err, "target training status")
				if got.Status == face.TrainingStatusTypeSucceeded {
					if got.LastSuccessfulTraining == nil || !got.LastSuccessfulTraining.Equal(before.LastSuccessfulTraining.Time) {
						t.Errorf("target lastSuccessfulTraining %v, want the source's last successful one %v", got.LastSuccessfulTraining, before.LastSuccessfulTraining)
					}
					return
				}
				// Not finished: only acceptable if something trains the
				// target; poll (bounded) for it to finish.
				first := got.Status
				for i := 0; i < 50 && (got.Status == face.TrainingStatusTypeNonstarted || got.Status == face.TrainingStatusTypeRunning); i++ {
					time.Sleep(200 * time.Millisecond)
					got, err = sb.B.PersonGroup.GetTrainingStatus(ctx, target)
					must(t, err, "target training status")
				}
				if got.Status != face.TrainingStatusTypeSucceeded {
					t.Errorf("target of a take made while a train was pending shows training %q right after the apply and still %q after 50 polls over 10 s; nothing trains it (the source's pending status was copied). Want succeeded, the source's last successful training (%v)", first, got.Status, before.LastSuccessfulTraining)
				}
			}
		})
	})

	t.Run("KillWhileQueued", func(t *testing.T) {
		queued(t, func(attempt int) func() {
			op := takeSnapshot(t, ctx, sb.A, fl.typ, "small", scope, "queued across a crash")
			st := wireStatus(t, sb.srv, sb.a.Key, op)
			return func() {
				if st.Status != "notstarted" {
					t.Errorf("take queued behind a running one is %q, want notstarted", st.Status)
				}
				sb.srv.Kill()
				sb.srv.Restart()
				expectSucceeded(t, waitOperation(t, ctx, sb.A, op), "take queued when the server was killed")
			}
		})
	})
}
