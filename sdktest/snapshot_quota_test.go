package sdktest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// TestSnapshot_Quotas: past a per-account quota, take and apply are
// answered 403 QuotaExceeded as raw JSON, and nothing starts; another
// account's quota is its own.
func TestSnapshot_Quotas(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{ExtraArgs: []string{
		"--max-snapshots-per-account=1", "--max-takes-per-day=2", "--max-applies-per-day=1",
	}})
	ctx := ctxFor(t)
	key := sb.a.Key
	for _, c := range []clients{sb.A, sb.B} {
		_, err := c.FaceList.Create(ctx, "q", face.MetaDataContract{Name: ptr("q")})
		must(t, err, "create the face list")
	}
	scope := fmt.Sprintf("[%q]", sb.a.Subscription)
	takeBody := `{"type":"FaceList","objectId":"q","applyScope":` + scope + `}`
	refused := func(what string, r harness.Response, message string) {
		t.Helper()
		r.ExpectError(t, what, http.StatusForbidden, "QuotaExceeded")
		if !strings.Contains(string(r.Body), message) {
			t.Errorf("%s: %s, want a message about %q", what, r.Body, message)
		}
	}

	first := takeAndWait(t, ctx, sb.A, face.SnapshotObjectTypeFaceList, "q", []uuid.UUID{subOf(sb.a)}, "")
	// One snapshot stored: a second take is past the snapshot limit.
	refused("second snapshot", sb.srv.Do(t, jsonReq(http.MethodPost, "/snapshots", key, takeBody)), "Snapshot number")

	// One apply a day.
	apply := func(id string) harness.Request {
		return jsonReq(http.MethodPost, "/snapshots/"+first.String()+"/apply", key, `{"objectId":"`+id+`"}`)
	}
	if r := sb.srv.Do(t, apply("r1")); r.Status != http.StatusAccepted {
		t.Fatalf("first apply: %s, want 202", r)
	}
	refused("second apply of the day", sb.srv.Do(t, apply("r2")), "apply operations per day")

	// Deleting the snapshot frees its slot; the day's second take goes
	// through, a third is past the take limit (the refused one above did
	// not count).
	_, err := sb.A.Snapshot.Delete(ctx, first)
	must(t, err, "delete the snapshot")
	second := takeAndWait(t, ctx, sb.A, face.SnapshotObjectTypeFaceList, "q", []uuid.UUID{subOf(sb.a)}, "")
	_, err = sb.A.Snapshot.Delete(ctx, second)
	must(t, err, "delete the second snapshot")
	refused("third take of the day", sb.srv.Do(t, jsonReq(http.MethodPost, "/snapshots", key, takeBody)), "take or import operations per day")

	// B's quota is untouched by A's.
	takeAndWait(t, ctx, sb.B, face.SnapshotObjectTypeFaceList, "q", []uuid.UUID{subOf(sb.b)}, "")

	// Nothing refused was started: A has the take, the apply and the take.
	ops := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations", Key: key})
	if n := strings.Count(string(ops.Body), `"operationId"`); ops.Status != http.StatusOK || n != 3 {
		t.Errorf("A's operations: %s, want 3", ops)
	}
}
