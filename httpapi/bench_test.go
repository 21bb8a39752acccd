package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"facesnap/httpapi"
	"facesnap/internal/cputime"
)

// BenchmarkGetPerson measures the hot read path, GET person, through the
// whole handler (auth cache, routing, store read, JSON), without a network.
func BenchmarkGetPerson(b *testing.B) {
	tb := setup(b, httpapi.Config{})
	put := httptest.NewRequest("PUT", httpapi.Prefix+"/persongroups/bench", strings.NewReader(`{"name":"b"}`))
	put.Header.Set("Ocp-Apim-Subscription-Key", keyA)
	tb.h.ServeHTTP(httptest.NewRecorder(), put)
	post := httptest.NewRequest("POST", httpapi.Prefix+"/persongroups/bench/persons", strings.NewReader(`{"name":"p"}`))
	post.Header.Set("Ocp-Apim-Subscription-Key", keyA)
	rec := httptest.NewRecorder()
	tb.h.ServeHTTP(rec, post)
	var p struct{ PersonID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		b.Fatal(rec.Body.String())
	}
	path := httpapi.Prefix + "/persongroups/bench/persons/" + p.PersonID
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Self()
	defer func() { b.ReportMetric(float64(cputime.Self()-cpu)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Ocp-Apim-Subscription-Key", keyA)
			w := httptest.NewRecorder()
			tb.h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
			io.Copy(io.Discard, w.Body)
		}
	})
}
