package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"facesnap/blob/dir"
	"facesnap/httpapi"
	"facesnap/operations"
	"facesnap/snapshots"
)

// TestAPI_OperationKinds checks that GET /operations lists trainings with
// the snapshot operations, each with its kind, and that another account
// sees none of them.
func TestAPI_OperationKinds(t *testing.T) {
	t.Parallel()
	tb := setup(t, httpapi.Config{})
	blobs, err := dir.New(filepath.Join(t.TempDir(), "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Accounts:    tb.accounts,
		Collections: tb.coll,
		Snapshots:   &snapshots.Service{Store: tb.store, Blobs: blobs, Now: tb.coll.Now},
		Operations:  &operations.Service{Store: tb.store},
	}))
	t.Cleanup(srv.Close)
	tb.srv = srv
	tb.run(t, "", []step{
		{method: "PUT", path: "/largepersongroups/g", body: `{"name":"g"}`, status: 200},
		{method: "POST", path: "/largepersongroups/g/train", status: 202},
		{method: "POST", path: "/snapshots", body: `{"type":"LargePersonGroup","objectId":"g","applyScope":["11111111-1111-4111-8111-111111111111"]}`, status: 202},
	})
	var someID string
	list := func(key string) map[string]int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/face/v1.0/operations", nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ops []struct {
			OperationID, Kind, Status string
		}
		if err := json.NewDecoder(resp.Body).Decode(&ops); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /operations: %d, %v", resp.StatusCode, err)
		}
		kinds := map[string]int{}
		for _, op := range ops {
			if op.OperationID == "" || op.Status == "" {
				t.Errorf("operation %+v without id or status", op)
			}
			kinds[op.Kind]++
			someID = op.OperationID
		}
		return kinds
	}
	tests := []struct {
		name string
		key  string
		want map[string]int
	}{
		{"Owner", keyA, map[string]int{"train": 1, "take": 1}},
		{"OtherAccount", keyB, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := list(tt.key)
			if len(got) != len(tt.want) {
				t.Fatalf("kinds %v, want %v", got, tt.want)
			}
			for k, n := range tt.want {
				if got[k] != n {
					t.Errorf("kinds %v, want %v", got, tt.want)
				}
			}
		})
	}
	// GET /operations/{id} keeps the service's fields: no kind, no id.
	t.Run("GetHasNoKind", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/face/v1.0/operations/"+someID, nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", keyA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /operations/%s: %d, %v", someID, resp.StatusCode, err)
		}
		if _, ok := m["kind"]; ok {
			t.Errorf("GET /operations/{id} has a kind: %v", m)
		}
	})
}
