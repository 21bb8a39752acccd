package sdktest

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"facesnap/sdktest/harness"
)

// TestRaw_Strings: NUL and invalid UTF-8 reach the server in JSON
// ("\u0000") and in query values ("%FF"). PostgreSQL's text cannot hold
// them and SQLite can, so the API refuses them with 400 BadArgument on
// both stores, and what it does accept comes back the same from both.
func TestRaw_Strings(t *testing.T) {
	t.Parallel()
	stores := map[string][]string{"SQLite": nil}
	if base := os.Getenv(postgresURLEnv); base != "" {
		stores["PostgreSQL"] = []string{"--db", freshSchema(t, base)}
	} else {
		t.Logf("PostgreSQL case skipped: %s is not set", postgresURLEnv)
	}
	for name, args := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, args...)
			key := tb.a.Key
			put := func(path string, body any) harness.Response { return tb.srv.JSON(t, http.MethodPut, path, key, body) }
			if r := put("/persongroups/pg", map[string]string{"name": "pg"}); r.Status != http.StatusOK {
				t.Fatalf("create: %s", r)
			}
			if r := put("/largefacelists/lfl", map[string]string{"name": "lfl"}); r.Status != http.StatusOK {
				t.Fatalf("create: %s", r)
			}
			img := harness.PNG(t, 200, 200, 70)
			r := tb.srv.Do(t, harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100", Key: key, ContentType: "application/octet-stream", Body: img})
			faceID := decodeField(t, r, "persistedFaceId")

			for _, tc := range []struct {
				name string
				req  harness.Request
				want int
			}{
				{"CreateNameNUL", jsonReq(http.MethodPut, "/persongroups/x", key, `{"name":"a\u0000b"}`), 400},
				{"CreateUserDataNUL", jsonReq(http.MethodPut, "/persongroups/x", key, `{"name":"n","userData":"\u0000"}`), 400},
				{"UpdateUserDataNUL", jsonReq(http.MethodPatch, "/persongroups/pg", key, `{"userData":"a\u0000"}`), 400},
				{"PersonNameNUL", jsonReq(http.MethodPost, "/persongroups/pg/persons", key, `{"name":"\u0000"}`), 400},
				{"FaceUpdateNUL", jsonReq(http.MethodPatch, "/largefacelists/lfl/persistedfaces/"+faceID, key, `{"userData":"\u0000"}`), 400},
				{"FaceUserDataInvalidUTF8", harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100&userData=%FF", Key: key, ContentType: "application/octet-stream", Body: img}, 400},
				{"FaceUserDataNUL", harness.Request{Method: http.MethodPost, Path: "/largefacelists/lfl/persistedfaces?targetFace=10,10,100,100&userData=a%00", Key: key, ContentType: "application/octet-stream", Body: img}, 400},
				{"StartInvalidUTF8", harness.Request{Method: http.MethodGet, Path: "/persongroups?start=%FF", Key: key}, 400},
				{"StartNUL", harness.Request{Method: http.MethodGet, Path: "/largefacelists/lfl/persistedfaces?start=%00", Key: key}, 400},
				{"PersonsStartInvalidUTF8", harness.Request{Method: http.MethodGet, Path: "/persongroups/pg/persons?start=%C3", Key: key}, 400},
				{"OperationIDInvalidUTF8", harness.Request{Method: http.MethodGet, Path: "/operations/%FF", Key: key}, 404},
				{"SnapshotUserDataNUL", jsonReq(http.MethodPost, "/snapshots", key,
					`{"type":"PersonGroup","objectId":"pg","applyScope":["`+tb.a.Subscription+`"],"userData":"\u0000"}`), 400},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := tb.srv.Do(t, tc.req)
					code := "BadArgument"
					if tc.want == http.StatusNotFound {
						code = ""
					}
					r.ExpectError(t, tc.req.Method+" "+tc.req.Path, tc.want, code)
				})
			}

			// Accepted strings come back byte for byte; a raw invalid
			// byte in a JSON body is already U+FFFD when it arrives.
			accepted := "ü 😀 \u2028 \x01 \x7f \ufffd"
			escaped, _ := json.Marshal(map[string]string{"userData": accepted})
			for _, tc := range []struct {
				body []byte
				want string
			}{
				{escaped, accepted},
				{[]byte(`{"userData":"a` + "\xff" + `b"}`), "a\ufffdb"},
			} {
				body := tc.body
				r := tb.srv.Do(t, harness.Request{Method: http.MethodPatch, Path: "/persongroups/pg", Key: key, ContentType: jsonCT, Body: body})
				if r.Status != http.StatusOK {
					t.Fatalf("PATCH %q: %s", body, r)
				}
				r = tb.srv.Do(t, harness.Request{Method: http.MethodGet, Path: "/persongroups/pg", Key: key})
				if got := decodeField(t, r, "userData"); got != tc.want {
					t.Fatalf("PATCH %q: userData came back %q, want %q", body, got, tc.want)
				}
			}
		})
	}
}
