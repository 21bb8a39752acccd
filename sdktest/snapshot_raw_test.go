package sdktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// TestSnapshot_RawValidation: what the clients refuse to send, the server
// must refuse too, as {"error":{code,message}} JSON, and start nothing.
func TestSnapshot_RawValidation(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	fl := snapKindOf(face.SnapshotObjectTypeFaceList)
	fl.build(t, ctx, sb.A, "raw", 1400)
	snapID := takeAndWait(t, ctx, sb.A, fl.typ, "raw", []uuid.UUID{subOf(sb.b)}, "").String()
	key, bkey := sb.a.Key, sb.b.Key
	scope := fmt.Sprintf("[%q]", sb.b.Subscription)
	take := func(body string) harness.Request { return jsonReq(http.MethodPost, "/snapshots", key, body) }
	apply := func(body string) harness.Request {
		return jsonReq(http.MethodPost, "/snapshots/"+snapID+"/apply", bkey, body)
	}
	long := strings.Repeat("u", 16385)

	runRaw(t, sb.srv, []rawCase{
		{"take unknown type", take(`{"type":"Nope","objectId":"raw","applyScope":` + scope + `}`), 400, "BadArgument"},
		{"take no type", take(`{"objectId":"raw","applyScope":` + scope + `}`), 400, "BadArgument"},
		{"take uppercase objectId", take(`{"type":"FaceList","objectId":"RAW","applyScope":` + scope + `}`), 400, "BadArgument"},
		{"take objectId of 65", take(`{"type":"FaceList","objectId":"` + strings.Repeat("a", 65) + `","applyScope":` + scope + `}`), 400, "BadArgument"},
		{"take no objectId", take(`{"type":"FaceList","applyScope":` + scope + `}`), 400, "BadArgument"},
		{"take no applyScope", take(`{"type":"FaceList","objectId":"raw"}`), 400, "BadArgument"},
		{"take empty applyScope", take(`{"type":"FaceList","objectId":"raw","applyScope":[]}`), 400, "BadArgument"},
		{"take applyScope not uuid", take(`{"type":"FaceList","objectId":"raw","applyScope":["not-a-uuid"]}`), 400, "BadArgument"},
		{"take userData too long", take(`{"type":"FaceList","objectId":"raw","applyScope":` + scope + `,"userData":"` + long + `"}`), 400, "BadArgument"},
		{"take bad JSON", take(`{"type":`), 400, "BadArgument"},
		{"take text/plain", harness.Request{Method: http.MethodPost, Path: "/snapshots", Key: key, ContentType: "text/plain", Body: []byte(`{"type":"FaceList","objectId":"raw","applyScope":` + scope + `}`)}, 415, ""},
		{"take without key", harness.Request{Method: http.MethodPost, Path: "/snapshots", ContentType: jsonCT, Body: []byte(`{"type":"FaceList","objectId":"raw","applyScope":` + scope + `}`)}, 401, ""},
		{"apply mode Replace", apply(`{"objectId":"x","mode":"Replace"}`), 400, "BadArgument"},
		{"apply mode empty", apply(`{"objectId":"x","mode":""}`), 400, "BadArgument"},
		{"apply no objectId", apply(`{}`), 400, "BadArgument"},
		{"apply bad objectId", apply(`{"objectId":"Bad!"}`), 400, "BadArgument"},
		{"apply bad JSON", apply(`{"objectId":`), 400, "BadArgument"},
		{"update empty applyScope", jsonReq(http.MethodPatch, "/snapshots/"+snapID, key, `{"applyScope":[]}`), 400, "BadArgument"},
		{"update applyScope not uuid", jsonReq(http.MethodPatch, "/snapshots/"+snapID, key, `{"applyScope":["x"]}`), 400, "BadArgument"},
		{"update userData too long", jsonReq(http.MethodPatch, "/snapshots/"+snapID, key, `{"userData":"`+long+`"}`), 400, "BadArgument"},
		{"list unknown type", harness.Request{Method: http.MethodGet, Path: "/snapshots?type=Nope", Key: key}, 400, "BadArgument"},
		{"list applyScope not uuid", harness.Request{Method: http.MethodGet, Path: "/snapshots?applyScope=x", Key: key}, 400, "BadArgument"},
		{"operations top 1001", harness.Request{Method: http.MethodGet, Path: "/operations?top=1001", Key: key}, 400, "BadArgument"},
		{"operations top -1", harness.Request{Method: http.MethodGet, Path: "/operations?top=-1", Key: key}, 400, "BadArgument"},
		{"operations before not a time", harness.Request{Method: http.MethodGet, Path: "/operations?before=yesterday", Key: key}, 400, "BadArgument"},
	})

	// Ids that are not uuids: an error either way (the SDKs never send
	// them), never a 5xx or a success.
	for _, p := range []string{"/snapshots/not-a-uuid", "/operations/not-a-uuid"} {
		r := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: p, Key: key})
		if r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %s, want 400 or 404", p, r)
		} else {
			r.ExpectError(t, "GET "+p, r.Status, "")
		}
	}

	// None of that changed the snapshot or started anything.
	s, err := sb.A.Snapshot.Get(ctx, uuid.Must(uuid.FromString(snapID)))
	must(t, err, "get the snapshot")
	if s.UserData != nil || s.ApplyScope == nil || len(*s.ApplyScope) != 1 {
		t.Errorf("refused updates changed the snapshot: userData %s applyScope %v", deref(s.UserData), s.ApplyScope)
	}
	if n := len(snapshotIDs(t, sb.A, "", nil)); n != 1 {
		t.Errorf("A has %d snapshots after refused takes, want 1", n)
	}
	for name, k := range map[string]string{"A": key, "B": bkey} {
		r := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations", Key: k})
		var ops []json.RawMessage
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &ops) != nil {
			t.Fatalf("%s's GET /operations: %s", name, r)
		}
		if want := map[string]int{"A": 1, "B": 0}[name]; len(ops) != want {
			t.Errorf("%s has %d operations after refused requests, want %d: %s", name, len(ops), want, r.Body)
		}
	}
}

// TestSnapshot_OperationList: GET /operations (extension) lists the
// caller's operations newest first with their ids, and pages with top and
// before without skipping or repeating one.
func TestSnapshot_OperationList(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{})
	ctx := ctxFor(t)
	fl := snapKindOf(face.SnapshotObjectTypeFaceList)
	fl.build(t, ctx, sb.A, "ops", 1500)
	var started []string // oldest first
	for range 5 {
		op := takeSnapshot(t, ctx, sb.A, fl.typ, "ops", []uuid.UUID{subOf(sb.b)}, "")
		started = append(started, op.String())
	}
	for _, op := range started {
		expectSucceeded(t, waitOperation(t, ctx, sb.A, uuid.Must(uuid.FromString(op))), "take")
	}

	type listed struct {
		OperationID string `json:"operationId"`
		Status      string `json:"status"`
		CreatedTime string `json:"createdTime"`
	}
	list := func(query string) []listed {
		r := sb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/operations" + query, Key: sb.a.Key})
		var out []listed
		if r.Status != http.StatusOK || r.MediaType() != "application/json" || json.Unmarshal(r.Body, &out) != nil {
			t.Fatalf("GET /operations%s: %s", query, r)
		}
		return out
	}
	all := list("")
	if len(all) != len(started) {
		t.Fatalf("GET /operations lists %d operations, want %d", len(all), len(started))
	}
	for i, o := range all {
		if want := started[len(started)-1-i]; o.OperationID != want {
			t.Errorf("GET /operations[%d] = %s, want %s (newest first)", i, o.OperationID, want)
		}
		if o.Status != "succeeded" || !serviceTime(o.CreatedTime) {
			t.Errorf("listed operation %s: status %q createdTime %q", o.OperationID, o.Status, o.CreatedTime)
		}
	}

	var paged []string
	query := "?top=2"
	for range 10 {
		page := list(query)
		if len(page) > 2 {
			t.Fatalf("top=2 returned %d", len(page))
		}
		for _, o := range page {
			paged = append(paged, o.OperationID)
		}
		if len(page) < 2 {
			break
		}
		last, err := time.Parse(time.RFC3339Nano, page[len(page)-1].CreatedTime)
		if err != nil {
			t.Fatalf("createdTime %q: %v", page[len(page)-1].CreatedTime, err)
		}
		query = "?top=2&before=" + last.Format(time.RFC3339Nano)
	}
	var want []string
	for _, o := range all {
		want = append(want, o.OperationID)
	}
	if strings.Join(paged, ",") != strings.Join(want, ",") {
		t.Errorf("paging with top=2 and before gave %v, want %v", paged, want)
	}
}
