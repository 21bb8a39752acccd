package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"facesnap"
	"facesnap/accounts"
	"facesnap/collections"
	"facesnap/httpapi"
	"facesnap/operations"
	"facesnap/recognition"
	"facesnap/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	keyA = "key-of-account-a-0123456789abcdef"
	keyB = "key-of-account-b-0123456789abcdef"
)

type testBundle struct {
	srv      *httptest.Server
	h        http.Handler
	store    *sqlite.DB
	coll     *collections.Service
	recog    *recognition.Service
	accounts *accounts.Service
	now      time.Time
	img      []byte
}

// setup serves the API on a fresh store with two accounts, a fixed clock
// and predictable ids, so that answers can be compared with golden files.
func setup(t testing.TB, cfg httpapi.Config) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acc := &accounts.Service{Store: db}
	if err := acc.Provision(ctx, keyA+"=11111111-1111-4111-8111-111111111111,"+keyB+"=22222222-2222-4222-8222-222222222222"); err != nil {
		t.Fatal(err)
	}
	tb := &testBundle{store: db, now: time.Date(2026, 11, 29, 11, 41, 2, 233141399, time.UTC), img: pngImage(t)}
	var seq atomic.Int64
	tb.coll = &collections.Service{
		Store:   db,
		Fetcher: fetcher{"http://images.test/face.png": tb.img},
		Now:     func() time.Time { return tb.now },
		NewID:   func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", seq.Add(1)) },
	}
	tb.recog = &recognition.Service{Store: db, Now: tb.coll.Now}
	tb.accounts = acc
	cfg.Accounts, cfg.Collections, cfg.Recognition = acc, tb.coll, tb.recog
	tb.h = httpapi.New(cfg)
	tb.srv = httptest.NewServer(tb.h)
	t.Cleanup(tb.srv.Close)
	return tb
}

type fetcher map[string][]byte

func (f fetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := f[url]; ok {
		return b, nil
	}
	return nil, &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "Failed to download image."}
}

func pngImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	for y := range 200 {
		for x := range 200 {
			img.SetGray(x, y, color.Gray{Y: uint8((x*31 + y*17 + x*y) % 251)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// step is one request of a scenario and what it must answer.
type step struct {
	name        string // golden file name; empty: no golden body
	method      string
	path        string // under /face/v1.0
	key         string // default keyA; "-" sends none
	contentType string // default application/json; charset=utf-8 (what the SDKs send)
	body        string
	status      int
	code        string // error code, for error answers
}

func (tb *testBundle) do(t *testing.T, s step) (int, http.Header, []byte) {
	t.Helper()
	var body io.Reader
	if s.body != "" {
		body = strings.NewReader(s.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), s.method, tb.srv.URL+httpapi.Prefix+s.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch s.key {
	case "":
		req.Header.Set("Ocp-Apim-Subscription-Key", keyA)
	case "-":
	default:
		req.Header.Set("Ocp-Apim-Subscription-Key", s.key)
	}
	ct := s.contentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// run plays steps in order, checking statuses, error codes, content types
// and golden bodies in testdata/<dir>/<step>.json.
func (tb *testBundle) run(t *testing.T, dir string, steps []step) {
	t.Helper()
	for _, s := range steps {
		status, h, body := tb.do(t, s)
		what := fmt.Sprintf("%s %s", s.method, s.path)
		if status != s.status {
			t.Fatalf("%s: HTTP %d %s, want %d", what, status, body, s.status)
		}
		if len(body) > 0 {
			mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
			if mt != "application/json" || params["charset"] != "utf-8" {
				t.Errorf("%s: Content-Type %q, want application/json; charset=utf-8", what, h.Get("Content-Type"))
			}
		} else if status != http.StatusOK && status != http.StatusAccepted {
			t.Errorf("%s: error %d without a body", what, status)
		}
		if h.Get("apim-request-id") == "" || h.Get("apim-request-id") != h.Get("X-Request-Id") {
			t.Errorf("%s: request ids %q %q, want one echoed in both", what, h.Get("apim-request-id"), h.Get("X-Request-Id"))
		}
		if s.code != "" {
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != s.code || e.Error.Message == "" {
				t.Errorf("%s: body %s, want error code %s with a message", what, body, s.code)
			}
		}
		if s.name != "" {
			golden(t, filepath.Join("testdata", dir, s.name+".json"), body)
		} else if status == http.StatusOK && s.code == "" && s.method != http.MethodGet && s.method != http.MethodPost && len(body) != 0 {
			t.Errorf("%s: body %q, want none", what, body)
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("%s: answer is not JSON: %q", path, got)
	}
	pretty.WriteByte('\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./httpapi -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", path, pretty.Bytes(), want)
	}
}

// runTraining works the queued training operations, as the runner would.
func (tb *testBundle) runTraining(t *testing.T) {
	t.Helper()
	r := operations.NewRunner(tb.store, operations.RunnerConfig{Now: func() time.Time { return tb.now }})
	if err := r.Register(facesnap.OperationTrain, tb.recog.TrainWorker()); err != nil {
		t.Fatal(err)
	}
	for {
		worked, err := r.RunOne(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !worked {
			return
		}
	}
}

func TestAPI_PersonGroup(t *testing.T) {
	t.Parallel()
	for _, k := range []struct{ dir, path string }{{"persongroup", "/persongroups"}, {"largepersongroup", "/largepersongroups"}} {
		t.Run(k.dir, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, httpapi.Config{})
			g := k.path + "/g1"
			person := g + "/persons/00000000-0000-4000-8000-000000000001"
			tb.run(t, k.dir, []step{
				{method: "PUT", path: g, body: `{"name":"group one","userData":"ud","recognitionModel":"recognition_04"}`, status: 200},
				{method: "PUT", path: k.path + "/g0", body: `{"name":"group zero"}`, status: 200},
				{name: "get", method: "GET", path: g + "?returnRecognitionModel=false", status: 200},
				{name: "get-model", method: "GET", path: g + "?returnRecognitionModel=true", status: 200},
				{name: "list", method: "GET", path: k.path + "?top=1000", status: 200},
				{name: "list-start", method: "GET", path: k.path + "?start=g0&top=1&returnRecognitionModel=true", status: 200},
				{method: "PATCH", path: g, body: `{"name":"renamed"}`, status: 200},
				{name: "create-person", method: "POST", path: g + "/persons", body: `{"name":"ann","userData":"p-ud"}`, status: 200},
				{name: "create-person-2", method: "POST", path: g + "/persons", body: `{"name":"bob"}`, status: 200},
				{name: "add-face", method: "POST", path: person + "/persistedfaces?userData=f%20ud&targetFace=10,10,100,100&detectionModel=detection_01", contentType: "application/octet-stream", body: string(tb.img), status: 200},
				{name: "add-face-url", method: "POST", path: person + "/persistedfaces?targetFace=0,0,200,200", body: `{"url":"http://images.test/face.png"}`, status: 200},
				{name: "get-person", method: "GET", path: person, status: 200},
				{name: "list-persons", method: "GET", path: g + "/persons?start=00000000-0000-4000-8000-000000000001&top=10", status: 200},
				{name: "get-face", method: "GET", path: person + "/persistedfaces/00000000-0000-4000-8000-000000000003", status: 200},
				{method: "PATCH", path: person + "/persistedfaces/00000000-0000-4000-8000-000000000003", body: `{"userData":"changed"}`, status: 200},
				{name: "get-face-changed", method: "GET", path: person + "/persistedfaces/00000000-0000-4000-8000-000000000003", status: 200},
				{name: "training-none", method: "GET", path: g + "/training", status: 404, code: strings.TrimSuffix(kindName(k.path), "s") + "NotTrained"},
				{method: "POST", path: g + "/train", status: 202},
				{name: "training-queued", method: "GET", path: g + "/training", status: 200},
			})
			tb.now = tb.now.Add(1500 * time.Millisecond)
			tb.runTraining(t)
			tb.run(t, k.dir, []step{
				{name: "training-done", method: "GET", path: g + "/training", status: 200},
				{method: "DELETE", path: person + "/persistedfaces/00000000-0000-4000-8000-000000000003", status: 200},
				{method: "DELETE", path: person, status: 200},
				{name: "person-gone", method: "GET", path: person, status: 404, code: "PersonNotFound"},
				{method: "DELETE", path: g, status: 200},
				{name: "group-gone", method: "GET", path: g, status: 404, code: kindName(k.path) + "NotFound"},
			})
		})
	}
}

// kindName is the error code prefix of a collection path.
func kindName(path string) string {
	return map[string]string{"/persongroups": "PersonGroup", "/largepersongroups": "LargePersonGroup", "/facelists": "FaceList", "/largefacelists": "LargeFaceList"}[path]
}

func TestAPI_FaceLists(t *testing.T) {
	t.Parallel()
	t.Run("facelist", func(t *testing.T) {
		t.Parallel()
		tb := setup(t, httpapi.Config{})
		tb.run(t, "facelist", []step{
			{method: "PUT", path: "/facelists/fl", body: `{"name":"list"}`, status: 200},
			{name: "get-empty", method: "GET", path: "/facelists/fl", status: 200},
			{name: "add-face", method: "POST", path: "/facelists/fl/persistedfaces?targetFace=10,10,100,100&userData=a", contentType: "application/octet-stream", body: string(tb.img), status: 200},
			{name: "get", method: "GET", path: "/facelists/fl?returnRecognitionModel=true", status: 200},
			{name: "list", method: "GET", path: "/facelists", status: 200},
			{method: "DELETE", path: "/facelists/fl/persistedfaces/00000000-0000-4000-8000-000000000001", status: 200},
			{name: "get-after-delete", method: "GET", path: "/facelists/fl", status: 200},
			{name: "train-not-a-route", method: "POST", path: "/facelists/fl/train", status: 404, code: "404"},
		})
	})
	t.Run("largefacelist", func(t *testing.T) {
		t.Parallel()
		tb := setup(t, httpapi.Config{})
		tb.run(t, "largefacelist", []step{
			{method: "PUT", path: "/largefacelists/lfl", body: `{"name":"large","recognitionModel":"recognition_02"}`, status: 200},
			{name: "get", method: "GET", path: "/largefacelists/lfl?returnRecognitionModel=true", status: 200},
			{method: "POST", path: "/largefacelists/lfl/train", status: 202},
		})
		tb.runTraining(t)
		tb.run(t, "largefacelist", []step{
			{name: "training-empty", method: "GET", path: "/largefacelists/lfl/training", status: 200},
			{name: "add-face-1", method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", contentType: "application/octet-stream", body: string(tb.img), status: 200},
			{name: "add-face-2", method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100&userData=two", contentType: "application/octet-stream", body: string(tb.img), status: 200},
			{name: "list-faces", method: "GET", path: "/largefacelists/lfl/persistedfaces?top=1000", status: 200},
			{name: "list-faces-page", method: "GET", path: "/largefacelists/lfl/persistedfaces?start=00000000-0000-4000-8000-000000000001&top=1", status: 200},
			{method: "POST", path: "/largefacelists/lfl/train", status: 202},
		})
		tb.runTraining(t)
		tb.run(t, "largefacelist", []step{
			{name: "training-done", method: "GET", path: "/largefacelists/lfl/training", status: 200},
		})
	})
}

// TestAPI_Errors sends what the SDKs would refuse to: only raw HTTP
// reaches the server's own validation.
func TestAPI_Errors(t *testing.T) {
	t.Parallel()
	tb := setup(t, httpapi.Config{})
	tb.run(t, "errors", []step{
		{method: "PUT", path: "/persongroups/g", body: `{"name":"g"}`, status: 200},
		{method: "PUT", path: "/largefacelists/lfl", body: `{"name":"l"}`, status: 200},
	})
	long := strings.Repeat("x", 129)
	tb.run(t, "errors", []step{
		{name: "missing-key", method: "GET", path: "/persongroups/g", key: "-", status: 401, code: "401"},
		{name: "wrong-key", method: "GET", path: "/persongroups/g", key: "nope", status: 401, code: "401"},
		{name: "other-account", method: "GET", path: "/persongroups/g", key: keyB, status: 404, code: "PersonGroupNotFound"},
		{name: "exists", method: "PUT", path: "/persongroups/g", body: `{"name":"g"}`, status: 409, code: "PersonGroupExists"},
		{method: "PUT", path: "/persongroups/Bad.Id", body: `{"name":"g"}`, status: 400, code: "BadArgument"},
		{method: "PUT", path: "/persongroups/n", body: `{}`, status: 400, code: "BadArgument"},
		{method: "PUT", path: "/persongroups/n", body: `{"name":"` + long + `"}`, status: 400, code: "BadArgument"},
		{method: "PUT", path: "/persongroups/n", body: `{"name":"n","recognitionModel":"recognition_09"}`, status: 400, code: "BadArgument"},
		{name: "malformed-json", method: "PUT", path: "/persongroups/n", body: `{"name":`, status: 400, code: "BadArgument"},
		{method: "PUT", path: "/persongroups/n", body: `{"name":"n"}`, contentType: "text/plain", status: 415, code: "BadArgument"},
		{method: "PUT", path: "/persongroups/n", body: `{"name":"n"} {}`, status: 400, code: "BadArgument"},
		{name: "nothing-to-update", method: "PATCH", path: "/persongroups/g", body: `{}`, status: 400, code: "BadArgument"},
		{method: "GET", path: "/persongroups?top=0", status: 400, code: "BadArgument"},
		{method: "GET", path: "/persongroups?top=1001", status: 400, code: "BadArgument"},
		{method: "GET", path: "/persongroups/g?returnRecognitionModel=maybe", status: 400, code: "BadArgument"},
		{method: "GET", path: "/persongroups/g/persons/not-a-uuid", status: 404, code: "PersonNotFound"},
		{name: "target-face-required", method: "POST", path: "/largefacelists/lfl/persistedfaces", contentType: "application/octet-stream", body: string(tb.img), status: 400, code: "BadArgument"},
		{method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=1,2,3", contentType: "application/octet-stream", body: string(tb.img), status: 400, code: "BadArgument"},
		{method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", contentType: "text/plain", body: string(tb.img), status: 415, code: "BadArgument"},
		{method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", contentType: "application/octet-stream", body: strings.Repeat("x", 7<<20), status: 400, code: "InvalidImageSize"},
		{method: "POST", path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", body: `{"url":""}`, status: 400, code: "InvalidURL"},
		{method: "POST", path: "/largefacelists/nope/persistedfaces?targetFace=10,10,100,100", contentType: "application/octet-stream", body: string(tb.img), status: 404, code: "LargeFaceListNotFound"},
		{method: "PUT", path: "/persongroups/big", body: `{"name":"n","userData":"` + strings.Repeat("u", 2<<20) + `"}`, status: 400, code: "BadArgument"},
		{name: "unknown-route", method: "GET", path: "/nothing", status: 404, code: "404"},
		{name: "method-not-allowed", method: "DELETE", path: "/persongroups", status: 405, code: "405"},
		{method: "POST", path: "/identify", body: `{"faceIds":[],"personGroupId":"g"}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"],"personGroupId":"g","largePersonGroupId":"g"}`, status: 400, code: "PersonGroupIdAndLargePersonGroupIdBothNotNull"},
		{method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"]}`, status: 400, code: "PersonGroupIdAndLargePersonGroupIdBothNull"},
		{method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"],"personGroupId":"nope"}`, status: 400, code: "PersonGroupNotFound"},
		{name: "identify-untrained", method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"],"personGroupId":"g"}`, status: 400, code: "PersonGroupNotTrained"},
		{method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"],"personGroupId":"g","maxNumOfCandidatesReturned":6}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/identify", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"],"personGroupId":"g","confidenceThreshold":1.5}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/verify", body: `{"faceId1":"00000000-0000-4000-8000-000000000999","faceId2":"00000000-0000-4000-8000-000000000999"}`, status: 404, code: "FaceNotFound"},
		{method: "POST", path: "/findsimilars", body: `{"faceId":"00000000-0000-4000-8000-000000000999"}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/findsimilars", body: `{"faceId":"00000000-0000-4000-8000-000000000999","faceListId":"a","largeFaceListId":"b"}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/group", body: `{"faceIds":["00000000-0000-4000-8000-000000000999"]}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/group", body: `{"faceIds":["00000000-0000-4000-8000-000000000999","00000000-0000-4000-8000-000000000999"]}`, status: 400, code: "BadArgument"},
		{method: "POST", path: "/detect", body: `{"url":"http://example.invalid/a.jpg"}`, status: 501, code: "NotImplemented"},
		{method: "POST", path: "/verify", key: "-", status: 401, code: "401"},
		{name: "account", method: "GET", path: "/account", status: 200},
	})
}

func TestAPI_RateLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t, httpapi.Config{RateLimit: 2, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	// The clock stands still: the burst of 2 is all there is.
	tb.run(t, "ratelimit", []step{
		{method: "GET", path: "/persongroups", status: 200},
		{method: "GET", path: "/persongroups", status: 200},
		{name: "limited", method: "GET", path: "/persongroups", status: 429, code: "429"},
		// Another account has its own bucket.
		{method: "GET", path: "/persongroups", key: keyB, status: 200},
	})
	_, h, _ := tb.do(t, step{method: "GET", path: "/persongroups"})
	if h.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", h.Get("Retry-After"))
	}
}

func TestAPI_Operational(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	tb := setup(t, httpapi.Config{Ready: ready.Load})
	get := func(path string, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", tb.srv.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, _ := get("/healthz", nil); resp.StatusCode != 503 {
		t.Errorf("healthz before ready: %d, want 503", resp.StatusCode)
	}
	ready.Store(true)
	if resp, _ := get("/healthz", nil); resp.StatusCode != 200 {
		t.Errorf("healthz when ready: %d, want 200", resp.StatusCode)
	}
	resp, _ := get(httpapi.Prefix+"/persongroups", map[string]string{"Ocp-Apim-Subscription-Key": keyA, "X-Request-Id": "trace-123"})
	if resp.Header.Get("apim-request-id") != "trace-123" {
		t.Errorf("apim-request-id %q, want the caller's X-Request-Id", resp.Header.Get("apim-request-id"))
	}
	_, metrics := get("/metrics", nil)
	for _, want := range []string{
		`facesnap_http_requests_total{route="GET /face/v1.0/persongroups",status="200"} 1`,
		`facesnap_http_request_duration_seconds_count{route="GET /healthz",status="503"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
