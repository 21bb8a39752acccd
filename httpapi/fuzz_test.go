package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"facesnap/blob/dir"
	"facesnap/httpapi"
	"facesnap/operations"
	"facesnap/snapshots"
)

// FuzzAPI sends the whole API requests made from its routes' shapes with
// arbitrary paths, queries, content types and bodies, on one store that
// keeps what earlier inputs wrote. Whatever comes in, the server must not
// fail with a 5xx (501 NotImplemented for what is not built is an
// answer, not a failure), and every refusal must be the service's JSON
// error with a code and a message. The seeds run with the unit tests;
// fuzzing is run by hand:
//
//	go test ./httpapi -run '^$' -fuzz FuzzAPI -fuzztime 5m
func FuzzAPI(f *testing.F) {
	img := pngImage(f)
	const (
		sub   = "22222222-2222-4222-8222-222222222222"
		id    = "00000000-0000-4000-8000-000000000001"
		json_ = "application/json"
		octet = "application/octet-stream"
	)
	seeds := []struct {
		method      uint8 // index into fuzzMethods
		path, ctype string
		body        []byte
	}{
		{1, "persongroups/g1", json_, []byte(`{"name":"n","userData":"u","recognitionModel":"recognition_04"}`)},
		{3, "persongroups/g1/persons", json_, []byte(`{"name":"p"}`)},
		{2, "persongroups/g1/persons/" + id, json_, []byte(`{"userData":null}`)},
		{3, "persongroups/g1/persons/" + id + "/persistedfaces?targetFace=0,0,100,100&userData=x", octet, img},
		{3, "persongroups/g1/train", "", nil},
		{0, "persongroups/g1/training", "", nil},
		{1, "largefacelists/l1", json_, []byte(`{"name":"l"}`)},
		{3, "largefacelists/l1/persistedfaces?targetFace=10,10,50,50", json_, []byte(`{"url":"http://images.test/face.png"}`)},
		{0, "largefacelists/l1/persistedfaces?start=a&top=1000", "", nil},
		{4, "largefacelists/l1/persistedfaces/" + id, "", nil},
		{1, "facelists/f1", json_, []byte(`{"name":"f"}`)},
		{3, "facelists/f1/persistedfaces", octet, img[:1500]},
		{0, "largepersongroups?start=&top=1001&returnRecognitionModel=true", "", nil},
		{3, "snapshots", json_, []byte(`{"type":"PersonGroup","objectId":"g1","applyScope":["` + sub + `"],"userData":"s"}`)},
		{0, "snapshots?type=FaceList&applyScope=" + sub, "", nil},
		{2, "snapshots/" + id, json_, []byte(`{"applyScope":[],"userData":""}`)},
		{3, "snapshots/" + id + "/apply", json_, []byte(`{"objectId":"copy","mode":"CreateNew"}`)},
		{0, "operations/" + id, "", nil},
		{0, "operations?top=5", "", nil},
		{3, "detect?returnFaceId=true&returnFaceLandmarks=true&recognitionModel=recognition_04", octet, img},
		{3, "identify", json_, []byte(`{"faceIds":["` + id + `"],"personGroupId":"g1"}`)},
		{0, "account", "", nil},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ctype, s.body)
	}

	tb := setup(f, httpapi.Config{})
	blobs, err := dir.New(filepath.Join(f.TempDir(), "snapshots"))
	if err != nil {
		f.Fatal(err)
	}
	h := httpapi.New(httpapi.Config{
		Accounts:    tb.accounts,
		Collections: tb.coll,
		Recognition: tb.recog,
		Snapshots:   &snapshots.Service{Store: tb.store, Blobs: blobs, Now: tb.coll.Now},
		Operations:  &operations.Service{Store: tb.store},
	})

	f.Fuzz(func(t *testing.T, method uint8, path, ctype string, body []byte) {
		req, err := http.NewRequest(fuzzMethods[int(method)%len(fuzzMethods)], "http://facesnap.test/face/v1.0/"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request any client can send
		}
		req.Header.Set("Ocp-Apim-Subscription-Key", keyA)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s (%q, %d bytes): %d %s", req.Method, req.URL, ctype, len(body), rec.Code, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s: %d with Content-Type %q", req.Method, req.URL, rec.Code, ct)
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s %s: %d with body %s, want {\"error\":{\"code\",\"message\"}}", req.Method, req.URL, rec.Code, rec.Body)
		}
	})
}

var fuzzMethods = []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete}
