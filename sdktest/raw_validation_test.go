package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"facesnap/sdktest/harness"
)

const jsonCT = "application/json; charset=utf-8"

// rawSetup starts a server and, for account A, one object of each kind with
// a person and a face, for the raw checks to aim at.
type rawBundle struct {
	*testBundle
	personID string // in PersonGroup "pg" and LargePersonGroup "lpg"
	faceID   string // on LargeFaceList "lfl"
	img      []byte
}

func rawSetup(t *testing.T) *rawBundle {
	t.Helper()
	tb := setup(t)
	rb := &rawBundle{testBundle: tb, img: harness.PNG(t, 200, 200, 70)}
	for _, p := range []string{"/persongroups/pg", "/largepersongroups/lpg", "/facelists/fl", "/largefacelists/lfl"} {
		r := tb.srv.JSON(t, http.MethodPut, p, tb.a.Key, map[string]string{"name": "raw"})
		if r.Status != http.StatusOK {
			t.Fatalf("PUT %s: %s", p, r)
		}
	}
	r := tb.srv.JSON(t, http.MethodPost, "/persongroups/pg/persons", tb.a.Key, map[string]string{"name": "p"})
	rb.personID = decodeField(t, r, "personId")
	r = tb.srv.Do(t, harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", Key: tb.a.Key, ContentType: "application/octet-stream", Body: rb.img})
	rb.faceID = decodeField(t, r, "persistedFaceId")
	return rb
}

func decodeField(t *testing.T, r harness.Response, field string) string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("want 200 with %s: %s", field, r)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
	s, _ := m[field].(string)
	if s == "" {
		t.Fatalf("no %s in %s", field, r)
	}
	return s
}

type rawCase struct {
	name   string
	req    harness.Request
	status int
	code   string // "" accepts any non-empty code
}

func runRaw(t *testing.T, srv *harness.Server, cases []rawCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.Do(t, c.req)
			r.ExpectError(t, fmt.Sprintf("%s %s", c.req.Method, c.req.Path), c.status, c.code)
		})
	}
}

func jsonReq(method, path, key string, body string) harness.Request {
	return harness.Request{Method: method, Path: path, Key: key, ContentType: jsonCT, Body: []byte(body)}
}

// TestRaw_BadIDs: ids the SDKs would refuse to send.
func TestRaw_BadIDs(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k := rb.a.Key
	long := strings.Repeat("a", 65)
	var cases []rawCase
	for _, coll := range []string{"persongroups", "largepersongroups", "facelists", "largefacelists"} {
		for _, id := range []string{"UPPER", long, "dot.ted", "sp%20ace", "%C3%A9t%C3%A9", "semi%3Bcolon"} {
			cases = append(cases, rawCase{
				name: coll + "/" + id, req: jsonReq(http.MethodPut, "/"+coll+"/"+id, k, `{"name":"x"}`),
				status: http.StatusBadRequest, code: "BadArgument",
			})
		}
	}
	cases = append(cases,
		// An id that is not a uuid cannot exist: the service's 404s.
		rawCase{"person id not a uuid", jsonReq(http.MethodGet, "/persongroups/pg/persons/not-a-uuid", k, ""), http.StatusNotFound, "PersonNotFound"},
		rawCase{"lpg person id not a uuid", jsonReq(http.MethodGet, "/largepersongroups/lpg/persons/1234", k, ""), http.StatusNotFound, "PersonNotFound"},
		rawCase{"face id not a uuid", jsonReq(http.MethodGet, "/largefacelists/lfl/persistedfaces/xyz", k, ""), http.StatusNotFound, "PersistedFaceNotFound"},
		rawCase{"face id not a uuid on a person", jsonReq(http.MethodDelete, "/persongroups/pg/persons/"+rb.personID+"/persistedfaces/xyz", k, ""), http.StatusNotFound, "PersistedFaceNotFound"},
		rawCase{"face list face id not a uuid", jsonReq(http.MethodDelete, "/facelists/fl/persistedfaces/xyz", k, ""), http.StatusNotFound, "PersistedFaceNotFound"},
	)
	runRaw(t, rb.srv, cases)
}

// TestRaw_Lengths: name ≤ 128, collection and person userData ≤ 16,384,
// face userData ≤ 1,024; the limit itself is accepted.
func TestRaw_Lengths(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k := rb.a.Key
	body := func(fields map[string]string) string {
		b, _ := json.Marshal(fields)
		return string(b)
	}
	name128, name129 := strings.Repeat("n", 128), strings.Repeat("n", 129)
	ud16k, ud16k1 := strings.Repeat("u", 16384), strings.Repeat("u", 16385)
	runRaw(t, rb.srv, []rawCase{
		{"pg name 129", jsonReq(http.MethodPut, "/persongroups/long-name", k, body(map[string]string{"name": name129})), 400, "BadArgument"},
		{"lfl userData 16385", jsonReq(http.MethodPut, "/largefacelists/long-ud", k, body(map[string]string{"name": "x", "userData": ud16k1})), 400, "BadArgument"},
		{"pg patch name 129", jsonReq(http.MethodPatch, "/persongroups/pg", k, body(map[string]string{"name": name129})), 400, "BadArgument"},
		{"fl patch userData 16385", jsonReq(http.MethodPatch, "/facelists/fl", k, body(map[string]string{"userData": ud16k1})), 400, "BadArgument"},
		{"person name 129", jsonReq(http.MethodPost, "/persongroups/pg/persons", k, body(map[string]string{"name": name129})), 400, "BadArgument"},
		{"person userData 16385", jsonReq(http.MethodPost, "/persongroups/pg/persons", k, body(map[string]string{"name": "x", "userData": ud16k1})), 400, "BadArgument"},
		{"person patch name 129", jsonReq(http.MethodPatch, "/persongroups/pg/persons/"+rb.personID, k, body(map[string]string{"name": name129})), 400, "BadArgument"},
		{"face patch userData 1025", jsonReq(http.MethodPatch, "/largefacelists/lfl/persistedfaces/"+rb.faceID, k, body(map[string]string{"userData": strings.Repeat("f", 1025)})), 400, "BadArgument"},
		{"face add userData 1025", harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100&userData=" + strings.Repeat("f", 1025), Key: k, ContentType: "application/octet-stream", Body: rb.img}, 400, "BadArgument"},
	})
	// Exactly at the limits is fine, and nothing was half-written above.
	for _, r := range []struct{ method, path, body string }{
		{http.MethodPut, "/persongroups/at-limit", body(map[string]string{"name": name128, "userData": ud16k})},
		{http.MethodPatch, "/facelists/fl", body(map[string]string{"name": name128, "userData": ud16k})},
		{http.MethodPost, "/largepersongroups/lpg/persons", body(map[string]string{"name": name128, "userData": ud16k})},
		{http.MethodPatch, "/largefacelists/lfl/persistedfaces/" + rb.faceID, body(map[string]string{"userData": strings.Repeat("f", 1024)})},
	} {
		resp := rb.srv.Do(t, jsonReq(r.method, r.path, k, r.body))
		if resp.Status != http.StatusOK {
			t.Errorf("%s %s at the limit: %s", r.method, r.path, resp)
		}
	}
	resp := rb.srv.Do(t, harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100&userData=" + strings.Repeat("f", 1024), Key: k, ContentType: "application/octet-stream", Body: rb.img})
	if resp.Status != http.StatusOK {
		t.Errorf("add face with 1024-character userData: %s", resp)
	}
	for _, p := range []string{"/persongroups/long-name", "/largefacelists/long-ud"} {
		if r := rb.srv.Do(t, jsonReq(http.MethodGet, p, k, "")); r.Status != http.StatusNotFound {
			t.Errorf("GET %s after a refused PUT: %s, want 404", p, r)
		}
	}
	r := rb.srv.Do(t, jsonReq(http.MethodGet, "/facelists/fl", k, ""))
	var fl map[string]any
	json.Unmarshal(r.Body, &fl)
	if fl["name"] != name128 {
		t.Errorf("face list name after a refused then an accepted PATCH: %v", fl["name"])
	}
}

// TestRaw_TargetFaceAndModels: malformed targetFace, unknown model names.
func TestRaw_TargetFaceAndModels(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k := rb.a.Key
	add := func(query string) harness.Request {
		return harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?" + query, Key: k, ContentType: "application/octet-stream", Body: rb.img}
	}
	var cases []rawCase
	for _, tf := range []string{"1,2,3", "1,2,3,4,5", "a,b,c,d", "-1,0,50,50", "0,0,0,0", "0,0,-50,50", "1.5,2,50,50", ",,,", "99999999999,0,50,50"} {
		cases = append(cases, rawCase{"targetFace=" + tf, add("targetFace=" + url.QueryEscape(tf)), 400, "BadArgument"})
	}
	cases = append(cases,
		rawCase{"detectionModel=detection_99", add("targetFace=10,10,100,100&detectionModel=detection_99"), 400, "BadArgument"},
		rawCase{"recognitionModel=recognition_99", jsonReq(http.MethodPut, "/persongroups/bad-model", k, `{"name":"x","recognitionModel":"recognition_99"}`), 400, "BadArgument"},
		rawCase{"returnRecognitionModel=maybe", jsonReq(http.MethodGet, "/persongroups/pg?returnRecognitionModel=maybe", k, ""), 400, "BadArgument"},
		rawCase{"top=0", jsonReq(http.MethodGet, "/persongroups?top=0", k, ""), 400, "BadArgument"},
		rawCase{"top=1001", jsonReq(http.MethodGet, "/largepersongroups?top=1001", k, ""), 400, "BadArgument"},
		rawCase{"top=abc", jsonReq(http.MethodGet, "/persongroups/pg/persons?top=abc", k, ""), 400, "BadArgument"},
		rawCase{"faces top=1001", jsonReq(http.MethodGet, "/largefacelists/lfl/persistedfaces?top=1001", k, ""), 400, "BadArgument"},
	)
	runRaw(t, rb.srv, cases)
	// Every detection model the newer clients send is accepted.
	for _, m := range []string{"detection_01", "detection_02", "detection_03"} {
		if r := rb.srv.Do(t, add("targetFace=10,10,100,100&detectionModel="+m)); r.Status != http.StatusOK {
			t.Errorf("detectionModel=%s: %s", m, r)
		}
	}
}

// TestRaw_Bodies: wrong content type, malformed JSON, oversized bodies,
// missing key, unknown routes.
func TestRaw_Bodies(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k := rb.a.Key
	huge := `{"name":"x","userData":"` + strings.Repeat("u", 4<<20) + `"}`
	runRaw(t, rb.srv, []rawCase{
		{"PUT text/plain", harness.Request{Method: http.MethodPut, Path: "/persongroups/ct", Key: k, ContentType: "text/plain", Body: []byte(`{"name":"x"}`)}, http.StatusUnsupportedMediaType, ""},
		{"PUT form", harness.Request{Method: http.MethodPut, Path: "/persongroups/ct", Key: k, ContentType: "application/x-www-form-urlencoded", Body: []byte(`name=x`)}, http.StatusUnsupportedMediaType, ""},
		{"add face text/plain", harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", Key: k, ContentType: "text/plain", Body: rb.img}, http.StatusUnsupportedMediaType, ""},
		{"malformed JSON", jsonReq(http.MethodPut, "/persongroups/bad-json", k, `{"name":`), 400, "BadArgument"},
		{"JSON of the wrong type", jsonReq(http.MethodPut, "/persongroups/bad-json", k, `{"name":5}`), 400, "BadArgument"},
		{"JSON array", jsonReq(http.MethodPost, "/persongroups/pg/persons", k, `[]`), 400, "BadArgument"},
		{"trailing garbage", jsonReq(http.MethodPatch, "/persongroups/pg", k, `{"name":"x"} {"name":"y"}`), 400, "BadArgument"},
		{"malformed url body", jsonReq(http.MethodPost, "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", k, `{"url":`), 400, "BadArgument"},
		{"missing url", jsonReq(http.MethodPost, "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", k, `{}`), 400, ""},
		{"missing key", harness.Request{Method: http.MethodGet, Path: "/persongroups/pg"}, http.StatusUnauthorized, ""},
		{"empty key", harness.Request{Method: http.MethodGet, Path: "/persongroups/pg", Header: http.Header{"Ocp-Apim-Subscription-Key": {""}}}, http.StatusUnauthorized, ""},
		{"unknown route", jsonReq(http.MethodGet, "/nothing-here", k, ""), http.StatusNotFound, ""},
	})
	t.Run("body too large", func(t *testing.T) {
		r := rb.srv.Do(t, jsonReq(http.MethodPut, "/persongroups/huge", k, huge))
		if r.Status != http.StatusRequestEntityTooLarge && r.Status != http.StatusBadRequest {
			t.Errorf("4 MiB JSON body: %s, want 413 or 400", r)
		} else {
			r.ExpectError(t, "4 MiB JSON body", r.Status, "")
		}
		if g := rb.srv.Do(t, jsonReq(http.MethodGet, "/persongroups/huge", k, "")); g.Status != http.StatusNotFound {
			t.Errorf("GET after refused huge PUT: %s", g)
		}
	})
	t.Run("image over 6 MB as raw bytes", func(t *testing.T) {
		body := bytes.Repeat([]byte{0xff}, 7<<20)
		r := rb.srv.Do(t, harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", Key: k, ContentType: "application/octet-stream", Body: body})
		r.ExpectError(t, "7 MiB octet-stream", http.StatusBadRequest, "InvalidImageSize")
	})
	t.Run("method not allowed", func(t *testing.T) {
		r := rb.srv.Do(t, jsonReq(http.MethodDelete, "/persongroups", k, ""))
		if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
			t.Errorf("DELETE /persongroups: %s, want 404 or 405", r)
		} else {
			r.ExpectError(t, "DELETE /persongroups", r.Status, "")
		}
	})
}

// TestRaw_ClientsContentTypes: the SDKs send
// "application/json; charset=utf-8" even on GET and DELETE without a body;
// curl sends plain application/json. Both must work, as must no type at all
// on bodiless requests.
func TestRaw_ClientsContentTypes(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k := rb.a.Key
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"} {
		id := "ct-" + strings.NewReplacer("/", "", ";", "", " ", "", "=", "", "-", "").Replace(strings.ToLower(ct))
		if r := rb.srv.Do(t, harness.Request{Method: http.MethodPut, Path: "/persongroups/" + id, Key: k, ContentType: ct, Body: []byte(`{"name":"x"}`)}); r.Status != 200 {
			t.Errorf("PUT with %q: %s", ct, r)
		}
		if r := rb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/persongroups/" + id, Key: k, ContentType: ct}); r.Status != 200 {
			t.Errorf("GET with %q: %s", ct, r)
		}
		if r := rb.srv.Do(t, harness.Request{Method: http.MethodDelete, Path: "/persongroups/" + id, Key: k, ContentType: ct}); r.Status != 200 {
			t.Errorf("DELETE with %q: %s", ct, r)
		}
	}
	if r := rb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/persongroups/pg", Key: k}); r.Status != 200 {
		t.Errorf("GET without Content-Type: %s", r)
	}
}

// TestRaw_WireFormat checks what the bytes look like: JSON content type on
// every JSON answer, empty bodies on PUT/PATCH/DELETE/train, camelCase field
// names, recognitionModel only on request, 7-digit UTC times.
func TestRaw_WireFormat(t *testing.T) {
	t.Parallel()
	rb := rawSetup(t)
	k, srv := rb.a.Key, rb.srv

	keys := func(t *testing.T, r harness.Response) []string {
		t.Helper()
		if r.Status != 200 {
			t.Fatalf("%s", r)
		}
		if r.MediaType() != "application/json" {
			t.Errorf("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("not a JSON object: %s", r)
		}
		var out []string
		for key := range m {
			out = append(out, key)
		}
		slices.Sort(out)
		return out
	}
	expectKeys := func(t *testing.T, what string, r harness.Response, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := keys(t, r); !slices.Equal(got, want) {
			t.Errorf("%s: fields %v, want %v; body %s", what, got, want, r.Body)
		}
	}

	r := srv.JSON(t, http.MethodPut, "/persongroups/wire", k, map[string]string{"name": "n", "userData": "u", "recognitionModel": "recognition_04"})
	if r.Status != 200 || len(r.Body) != 0 {
		t.Errorf("PUT: %s, want 200 with an empty body", r)
	}
	expectKeys(t, "PersonGroup", srv.Do(t, jsonReq(http.MethodGet, "/persongroups/wire", k, "")), "personGroupId", "name", "userData")
	expectKeys(t, "PersonGroup returnRecognitionModel=true", srv.Do(t, jsonReq(http.MethodGet, "/persongroups/wire?returnRecognitionModel=true", k, "")), "personGroupId", "name", "userData", "recognitionModel")
	expectKeys(t, "PersonGroup returnRecognitionModel=false", srv.Do(t, jsonReq(http.MethodGet, "/persongroups/wire?returnRecognitionModel=false", k, "")), "personGroupId", "name", "userData")
	// Give everything userData so that every field is present.
	for _, req := range []harness.Request{
		jsonReq(http.MethodPatch, "/largepersongroups/lpg", k, `{"userData":"u"}`),
		jsonReq(http.MethodPatch, "/largefacelists/lfl", k, `{"userData":"u"}`),
		jsonReq(http.MethodPatch, "/facelists/fl", k, `{"userData":"u"}`),
		jsonReq(http.MethodPatch, "/persongroups/pg/persons/"+rb.personID, k, `{"userData":"u"}`),
		jsonReq(http.MethodPatch, "/largefacelists/lfl/persistedfaces/"+rb.faceID, k, `{"userData":"u"}`),
	} {
		if r := srv.Do(t, req); r.Status != 200 {
			t.Fatalf("%s %s: %s", req.Method, req.Path, r)
		}
	}
	expectKeys(t, "LargePersonGroup", srv.Do(t, jsonReq(http.MethodGet, "/largepersongroups/lpg", k, "")), "largePersonGroupId", "name", "userData")
	expectKeys(t, "LargeFaceList", srv.Do(t, jsonReq(http.MethodGet, "/largefacelists/lfl", k, "")), "largeFaceListId", "name", "userData")
	expectKeys(t, "FaceList", srv.Do(t, jsonReq(http.MethodGet, "/facelists/fl", k, "")), "faceListId", "name", "userData", "persistedFaces")
	expectKeys(t, "Person", srv.Do(t, jsonReq(http.MethodGet, "/persongroups/pg/persons/"+rb.personID, k, "")), "personId", "name", "userData", "persistedFaceIds")
	expectKeys(t, "PersistedFace", srv.Do(t, jsonReq(http.MethodGet, "/largefacelists/lfl/persistedfaces/"+rb.faceID, k, "")), "persistedFaceId", "userData")

	// Lists are JSON arrays.
	for _, p := range []string{"/persongroups", "/largepersongroups", "/facelists", "/largefacelists", "/persongroups/pg/persons", "/largefacelists/lfl/persistedfaces"} {
		r := srv.Do(t, jsonReq(http.MethodGet, p, k, ""))
		var arr []map[string]any
		if r.Status != 200 || r.MediaType() != "application/json" || json.Unmarshal(r.Body, &arr) != nil {
			t.Errorf("GET %s: %s, want a JSON array", p, r)
		}
	}

	// Empty bodies on PATCH and DELETE; 202 with an empty body on train.
	for _, req := range []harness.Request{
		jsonReq(http.MethodPatch, "/persongroups/wire", k, `{"name":"m"}`),
		jsonReq(http.MethodPatch, "/largefacelists/lfl/persistedfaces/"+rb.faceID, k, `{"userData":"x"}`),
	} {
		if r := srv.Do(t, req); r.Status != 200 || len(r.Body) != 0 {
			t.Errorf("%s %s: %s, want 200 and no body", req.Method, req.Path, r)
		}
	}
	r = srv.Do(t, jsonReq(http.MethodPost, "/largefacelists/lfl/train", k, ""))
	if r.Status != http.StatusAccepted || len(bytes.TrimSpace(r.Body)) != 0 {
		t.Errorf("train: %s, want 202 and no body", r)
	}

	// Training status times: UTC, 7 fractional digits, Z.
	var st map[string]any
	for i := 0; i < 300; i++ {
		r = srv.Do(t, jsonReq(http.MethodGet, "/largefacelists/lfl/training", k, ""))
		if r.Status != 200 || r.MediaType() != "application/json" {
			t.Fatalf("training status: %s", r)
		}
		st = map[string]any{}
		json.Unmarshal(r.Body, &st)
		if st["status"] == "succeeded" || st["status"] == "failed" {
			break
		}
		sleepBrief()
	}
	if st["status"] != "succeeded" {
		t.Fatalf("training status %v", st)
	}
	for _, f := range []string{"createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"} {
		s, _ := st[f].(string)
		if !serviceTime(s) {
			t.Errorf("%s = %q, want like 2018-12-25T11:41:02.2331413Z", f, s)
		}
	}
	if _, ok := st["message"]; ok {
		t.Errorf("succeeded training carries a message: %v", st)
	}

	// Errors are JSON too, for every kind of failure.
	r = srv.Do(t, jsonReq(http.MethodDelete, "/persongroups/nope", k, ""))
	r.ExpectError(t, "DELETE missing", 404, "PersonGroupNotFound")
	r = srv.Do(t, jsonReq(http.MethodPatch, "/facelists/nope", k, `{"name":"x"}`))
	r.ExpectError(t, "PATCH missing", 404, "FaceListNotFound")
}

// TestRaw_RateLimit: with --rate-limit, a burst beyond the limit gets 429
// with Retry-After (seconds) and the JSON error body. The loop is bounded;
// nothing here measures time.
func TestRaw_RateLimit(t *testing.T) {
	t.Parallel()
	a := harness.NewAccount()
	srv := harness.Start(t, harness.Options{Accounts: []harness.Account{a}, ExtraArgs: []string{"--rate-limit", "1"}})
	var r harness.Response
	for i := 0; i < 200; i++ {
		r = srv.Do(t, jsonReq(http.MethodGet, "/persongroups", a.Key, ""))
		if r.Status != http.StatusOK {
			break
		}
	}
	r.ExpectError(t, "burst over --rate-limit 1", http.StatusTooManyRequests, "")
	ra := r.Header.Get("Retry-After")
	if n, err := strconv.Atoi(ra); err != nil || n < 1 {
		t.Errorf("Retry-After %q, want a whole number of seconds ≥ 1", ra)
	}
}
