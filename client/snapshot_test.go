package client

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// callCase is one API call checked end to end: the exact request the
// client sends and the result it makes of a spec-shaped reply.
type callCase struct {
	name      string
	call      func(ctx context.Context, c *Client) (any, error)
	method    string // "" when the client must refuse without a request
	path      string // below /face/v1.0
	query     string // raw, as sent
	body      string // exact JSON, "" for none
	reply     reply
	want      string // the result, marshalled as JSON
	wantError bool
}

func runCallCases(t *testing.T, tests []callCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.reply))
			got, err := tt.call(t.Context(), b.c)
			if (err != nil) != tt.wantError {
				t.Fatalf("err = %v, wantError %v", err, tt.wantError)
			}
			reqs := b.recorded()
			if tt.method == "" {
				// Refused before sending.
				if len(reqs) != 0 {
					t.Errorf("%d requests, want none", len(reqs))
				}
				return
			}
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != "/face/v1.0"+tt.path || r.RawQuery != tt.query {
				t.Errorf("request %s %s?%s, want %s /face/v1.0%s?%s", r.Method, r.Path, r.RawQuery, tt.method, tt.path, tt.query)
			}
			if got := r.Header.Get("Ocp-Apim-Subscription-Key"); got != testKey {
				t.Errorf("key header %q", got)
			}
			if got := r.Header.Get("User-Agent"); got != defaultUserAgent {
				t.Errorf("User-Agent %q", got)
			}
			if string(r.Body) != tt.body {
				t.Errorf("body %s, want %s", r.Body, tt.body)
			}
			ct := r.Header.Get("Content-Type")
			switch {
			case tt.body != "" && tt.body[0] == '{' && ct != "application/json; charset=utf-8":
				t.Errorf("Content-Type %q for a JSON body", ct)
			case tt.body != "" && tt.body[0] != '{' && ct != "application/octet-stream":
				t.Errorf("Content-Type %q for a binary body", ct)
			case tt.body == "" && ct != "":
				t.Errorf("Content-Type %q without a body", ct)
			}
			if tt.wantError {
				return
			}
			gotJSON, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(gotJSON) != tt.want {
				t.Errorf("result %s\nwant %s", gotJSON, tt.want)
			}
		})
	}
}

const (
	snapshotJSON = `{"id":"e58b3f08-1e8b-4165-81df-aa9858f233dc","account":"/subscriptions/f9b96b36-1f5e-4021-8959-51527e26e6d3/resourceGroups/TestRG/providers/Microsoft.CognitiveServices/accounts/FaceTest01","type":"FaceList","applyScope":["35230F59-AA9C-45E0-AB5E-C859BF1A5429"],"userData":"User-provided data attached to the snapshot.","createdTime":"2018-12-25T11:41:02.2331413Z","lastUpdateTime":"2018-12-25T11:51:27.8705696Z"}`
	snapshotID   = "e58b3f08-1e8b-4165-81df-aa9858f233dc"
	operationID  = "a63a3bdd-a1db-4d05-87b8-dbad6850062a"
	opJSON       = `{"status":"succeeded","createdTime":"2018-12-25T11:41:02.2331413Z","lastActionTime":"2018-12-25T11:51:27.8705696Z","resourceLocation":"/snapshots/e58b3f08-1e8b-4165-81df-aa9858f233dc"}`
)

func accepted(location string) reply {
	return reply{status: http.StatusAccepted, header: map[string]string{"Operation-Location": location}}
}

func TestClient_Snapshots(t *testing.T) {
	t.Parallel()
	runCallCases(t, []callCase{
		{
			name: "TakeSnapshot",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TakeSnapshot(ctx, TakeSnapshotRequest{Type: SnapshotPersonGroup, ObjectID: "sample_group", ApplyScope: []string{"35230F59-AA9C-45E0-AB5E-C859BF1A5429"}, UserData: "<b>&</b>"})
			},
			method: "POST", path: "/snapshots",
			body:  `{"type":"PersonGroup","objectId":"sample_group","applyScope":["35230F59-AA9C-45E0-AB5E-C859BF1A5429"],"userData":"<b>&</b>"}`,
			reply: accepted("/operations/" + operationID),
			want:  `"` + operationID + `"`,
		},
		{
			name: "TakeSnapshotAbsoluteLocation",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TakeSnapshot(ctx, TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l", ApplyScope: []string{}})
			},
			method: "POST", path: "/snapshots",
			body:  `{"type":"FaceList","objectId":"l","applyScope":[]}`,
			reply: accepted("https://example.invalid/face/v1.0/operations/" + operationID),
			want:  `"` + operationID + `"`,
		},
		{
			name: "TakeSnapshotNoLocation",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TakeSnapshot(ctx, TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l", ApplyScope: []string{}})
			},
			method: "POST", path: "/snapshots",
			body:      `{"type":"FaceList","objectId":"l","applyScope":[]}`,
			reply:     reply{status: http.StatusAccepted},
			wantError: true,
		},
		{
			name: "TakeSnapshotWrongSuccessStatus",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TakeSnapshot(ctx, TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l", ApplyScope: []string{}})
			},
			method: "POST", path: "/snapshots",
			body:      `{"type":"FaceList","objectId":"l","applyScope":[]}`,
			reply:     reply{status: http.StatusOK, header: map[string]string{"Operation-Location": "/operations/" + operationID}},
			wantError: true,
		},
		{
			name: "ApplySnapshotDefaultsMode",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ApplySnapshot(ctx, snapshotID, ApplySnapshotRequest{ObjectID: "target-face-list-id"})
			},
			method: "POST", path: "/snapshots/" + snapshotID + "/apply",
			body:  `{"objectId":"target-face-list-id","mode":"CreateNew"}`,
			reply: accepted("/operations/84276574-2a2a-4540-a1b0-f65d834d225b"),
			want:  `"84276574-2a2a-4540-a1b0-f65d834d225b"`,
		},
		{
			name:   "GetSnapshot",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetSnapshot(ctx, snapshotID) },
			method: "GET", path: "/snapshots/" + snapshotID,
			reply: reply{status: 200, body: snapshotJSON},
			want:  snapshotJSON,
		},
		{
			name:   "ListSnapshots",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListSnapshots(ctx, ListSnapshotsOptions{}) },
			method: "GET", path: "/snapshots",
			reply: reply{status: 200, body: "[" + snapshotJSON + "]"},
			want:  "[" + snapshotJSON + "]",
		},
		{
			name: "ListSnapshotsFiltered",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListSnapshots(ctx, ListSnapshotsOptions{Type: SnapshotFaceList, ApplyScope: []string{"35230F59-AA9C-45E0-AB5E-C859BF1A5429", "64084E07-9B7F-4A98-BEA4-9986D3A1EDEB"}})
			},
			method: "GET", path: "/snapshots",
			query: "applyScope=35230F59-AA9C-45E0-AB5E-C859BF1A5429%2C64084E07-9B7F-4A98-BEA4-9986D3A1EDEB&type=FaceList",
			reply: reply{status: 200, body: "[]"},
			want:  "[]",
		},
		{
			name: "UpdateSnapshot",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateSnapshot(ctx, snapshotID, UpdateSnapshotRequest{ApplyScope: []string{"64084E07-9B7F-4A98-BEA4-9986D3A1EDEB"}})
			},
			method: "PATCH", path: "/snapshots/" + snapshotID,
			body:  `{"applyScope":["64084E07-9B7F-4A98-BEA4-9986D3A1EDEB"]}`,
			reply: reply{status: 200},
			want:  "null",
		},
		{
			name: "UpdateSnapshotClearsUserData",
			call: func(ctx context.Context, c *Client) (any, error) {
				empty := ""
				return nil, c.UpdateSnapshot(ctx, snapshotID, UpdateSnapshotRequest{UserData: &empty})
			},
			method: "PATCH", path: "/snapshots/" + snapshotID,
			body:  `{"userData":""}`,
			reply: reply{status: 200},
			want:  "null",
		},
		{
			name:   "DeleteSnapshot",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteSnapshot(ctx, snapshotID) },
			method: "DELETE", path: "/snapshots/" + snapshotID,
			reply: reply{status: 200},
			want:  "null",
		},
		{
			name:   "DeleteSnapshotNotFound",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteSnapshot(ctx, snapshotID) },
			method: "DELETE", path: "/snapshots/" + snapshotID,
			reply:     jsonError(404, "SnapshotNotFound", "Snapshot is not found."),
			wantError: true,
		},
	})
}

func TestClient_Operations(t *testing.T) {
	t.Parallel()
	runCallCases(t, []callCase{
		{
			name:   "GetOperation",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetOperation(ctx, operationID) },
			method: "GET", path: "/operations/" + operationID,
			reply: reply{status: 200, body: opJSON},
			want:  opJSON,
		},
		{
			name: "ListOperations",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListOperations(ctx, ListOperationsOptions{})
			},
			method: "GET", path: "/operations",
			reply: reply{status: 200, body: `[{"operationId":"` + operationID + `","status":"notstarted","createdTime":"2018-12-25T11:41:02.2331413Z"}]`},
			want:  `[{"operationId":"` + operationID + `","status":"notstarted","createdTime":"2018-12-25T11:41:02.2331413Z"}]`,
		},
		{
			name: "ListOperationsPage",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListOperations(ctx, ListOperationsOptions{Top: 2, Before: time.Date(2018, 12, 25, 12, 41, 2, 233141300, time.FixedZone("CET", 3600))})
			},
			method: "GET", path: "/operations",
			query: "before=2018-12-25T11%3A41%3A02.2331413Z&top=2",
			reply: reply{status: 200, body: `[]`},
			want:  `[]`,
		},
	})
}

func TestIDFromLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		parse    func(string) (string, error)
		wantErr  bool
	}{
		{"/operations/" + operationID, operationID, OperationIDFromLocation, false},
		{"http://127.0.0.1:8080/face/v1.0/operations/" + operationID, operationID, OperationIDFromLocation, false},
		{"/operations/", "", OperationIDFromLocation, true},
		{"/snapshots/" + snapshotID, "", OperationIDFromLocation, true},
		{"", "", OperationIDFromLocation, true},
		{"/snapshots/" + snapshotID, snapshotID, SnapshotIDFromLocation, false},
		{"/snapshots/" + snapshotID + "/", snapshotID, SnapshotIDFromLocation, false},
		{"/persongroups/target", "", SnapshotIDFromLocation, true},
		{"/snapshots/a/b", "", SnapshotIDFromLocation, true},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parse(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
