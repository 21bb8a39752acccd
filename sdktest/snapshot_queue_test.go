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

// wireStatus reads an operation's status string over raw HTTP.
func wireStatus(t *testing.T, srv *harness.Server, key string, op uuid.UUID) wireOperation {
	t.Helper()
	r, _ := rawOperation(t, srv, key, op)
	var st wireOperation
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &st) != nil {
		t.Fatalf("operation %s: %s", op, r)
	}
	return st
}

// TestSnapshot_QueuedTakeOfDeletedSource: with --workers 1 and a large
// take running, a second take waits as notstarted; its source deleted
// while it waits makes it fail with a message once it runs, and leaves no
// snapshot.
func TestSnapshot_QueuedTakeOfDeletedSource(t *testing.T) {
	t.Parallel()
	sb := bigServer(t, "big", applyPersons, "--workers", "1")
	ctx := harness.Context(t, 3*time.Minute)
	scope := []uuid.UUID{subOf(sb.b)}
	fl := snapKindOf(face.SnapshotObjectTypeFaceList)

	for attempt := range 3 {
		gone := fmt.Sprintf("gone-%d", attempt)
		fl.build(t, ctx, sb.A, gone, uint64(1200+10*attempt))
		before := len(snapshotIDs(t, sb.A, fl.typ, nil))
		bigOp := takeSnapshot(t, ctx, sb.A, face.SnapshotObjectTypeLargePersonGroup, "big", scope, "")
		smallOp := takeSnapshot(t, ctx, sb.A, fl.typ, gone, scope, "")
		_, err := sb.A.FaceList.Delete(ctx, gone)
		must(t, err, "delete the queued take's source")
		// Only if the big take still runs after these reads was the one
		// worker busy throughout, so the small take cannot have started.
		small := wireStatus(t, sb.srv, sb.a.Key, smallOp)
		big := wireStatus(t, sb.srv, sb.a.Key, bigOp)
		if big.Status != "running" {
			t.Logf("attempt %d: the large take was %s before the check; retrying", attempt, big.Status)
			waitOperation(t, ctx, sb.A, smallOp)
			continue
		}
		if small.Status != "notstarted" {
			t.Errorf("take queued behind a running one with --workers 1 is %q, want notstarted", small.Status)
		}
		expectFailed(t, waitOperation(t, ctx, sb.A, smallOp), "take whose source was deleted while it was queued")
		expectSucceeded(t, waitOperation(t, ctx, sb.A, bigOp), "the large take")
		if n := len(snapshotIDs(t, sb.A, fl.typ, nil)); n != before {
			t.Errorf("the failed take left a snapshot: %d FaceList snapshots, %d before", n, before)
		}
		return
	}
	t.Fatalf("the large take never outlasted the queued one's checks in 3 attempts")
}
