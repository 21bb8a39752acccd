package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a loopback Face API with canned recognition answers that
// records what the CLI asked.
type fakeAPI struct {
	mu       sync.Mutex
	requests []string // "METHOD /path?query body"
	training []string // the statuses training status answers in turn
}

func (f *fakeAPI) serve(t *testing.T) string {
	t.Helper()
	const (
		face1 = "c5c24a82-6845-4031-9d5d-978df9175426"
		face2 = "65d083d4-9447-47d1-af30-b626144bf0fb"
		ann   = "25985303-c537-4467-b41d-bdb45cd95ca1"
	)
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	mux.HandleFunc("GET /face/v1.0/persongroups/staff", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"personGroupId":"staff","name":"staff","recognitionModel":"recognition_04"}`)
	})
	mux.HandleFunc("GET /face/v1.0/persongroups/missing", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 404, `{"error":{"code":"PersonGroupNotFound","message":"Person group is not found."}}`)
	})
	mux.HandleFunc("POST /face/v1.0/detect", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `[{"faceId":"`+face1+`","faceRectangle":{"top":54,"left":394,"width":78,"height":78}},{"faceId":"`+face2+`","faceRectangle":{"top":10,"left":20,"width":40,"height":41}}]`)
	})
	mux.HandleFunc("POST /face/v1.0/identify", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `[{"faceId":"`+face1+`","candidates":[{"personId":"`+ann+`","confidence":0.91}]},{"faceId":"`+face2+`","candidates":[]}]`)
	})
	mux.HandleFunc("GET /face/v1.0/persongroups/staff/persons/"+ann, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"personId":"`+ann+`","name":"ann","persistedFaceIds":[]}`)
	})
	mux.HandleFunc("GET /face/v1.0/largepersongroups/staff", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"largePersonGroupId":"staff","name":"staff","recognitionModel":"recognition_04"}`)
	})
	mux.HandleFunc("GET /face/v1.0/facelists/pets", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"faceListId":"pets","name":"pets","recognitionModel":"recognition_04"}`)
	})
	mux.HandleFunc("POST /face/v1.0/verify", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"isIdentical":true,"confidence":0.8}`)
	})
	mux.HandleFunc("POST /face/v1.0/findsimilars", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `[{"persistedFaceId":"`+ann+`","confidence":0.7}]`)
	})
	mux.HandleFunc("PUT /face/v1.0/{kind}/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("DELETE /face/v1.0/{kind}/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /face/v1.0/persongroups/staff/train", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /face/v1.0/persongroups/staff/training", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		st := f.training[0]
		if len(f.training) > 1 {
			f.training = f.training[1:]
		}
		f.mu.Unlock()
		reply(w, 200, `{"status":"`+st+`","createdDateTime":"2026-11-29T12:00:00.0000000Z"}`)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 256))
		if r.Header.Get("Content-Type") == "application/octet-stream" {
			body = []byte("<image>")
		}
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		f.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRecognitionCommands(t *testing.T) {
	t.Parallel()
	image := filepath.Join(t.TempDir(), "two.jpg")
	if err := os.WriteFile(image, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		training []string
		args     []string
		exit     int
		stdout   []string // substrings stdout must hold
		stderr   string   // all of stderr, when set
		requests []string // substrings of the requests, in order
	}{
		{
			name: "Identify",
			args: []string{"face", "identify", "--group", "staff", image, "-o", "json"},
			stdout: []string{`"name": "ann"`, `"confidence": 0.91`, `"candidates": []`,
				`"faceRectangle": {` + "\n" + `      "top": 10`},
			requests: []string{
				"GET /face/v1.0/persongroups/staff?returnRecognitionModel=true",
				"POST /face/v1.0/detect?recognitionModel=recognition_04 <image>",
				`POST /face/v1.0/identify {"faceIds":["c5c24a82-6845-4031-9d5d-978df9175426","65d083d4-9447-47d1-af30-b626144bf0fb"],"personGroupId":"staff"}`,
			},
		},
		{
			name:     "IdentifyText",
			args:     []string{"face", "identify", "--group", "staff", "--threshold", "0", image},
			stdout:   []string{"394,54,78,78", "ann", "0.910", "(unknown)"},
			requests: []string{`"personGroupId":"staff","confidenceThreshold":0}`},
		},
		{
			name:     "Detect",
			args:     []string{"detect", image},
			stdout:   []string{"c5c24a82-6845-4031-9d5d-978df9175426  394,54,78,78", "20,10,40,41"},
			requests: []string{"POST /face/v1.0/detect?returnRecognitionModel=true <image>"},
		},
		{
			name:   "VerifyLargePersonGroup",
			args:   []string{"face", "verify", "--type", "LargePersonGroup", "--group", "staff", "--person", "ann", "C5C24A82-6845-4031-9D5D-978DF9175426"},
			stdout: []string{"identical:  true", "confidence: 0.800"},
			requests: []string{
				"GET /face/v1.0/largepersongroups/staff?returnRecognitionModel=true",
				`POST /face/v1.0/verify {"faceId":"c5c24a82-6845-4031-9d5d-978df9175426","largePersonGroupId":"staff","personId":"ann"}`,
			},
		},
		{
			name:   "FindSimilarFaceList",
			args:   []string{"face", "find-similar", "--type", "FaceList", "--group", "pets", "c5c24a82-6845-4031-9d5d-978df9175426"},
			stdout: []string{"25985303-c537-4467-b41d-bdb45cd95ca1  0.700"},
			requests: []string{
				"GET /face/v1.0/facelists/pets?returnRecognitionModel=true",
				`POST /face/v1.0/findsimilars {"faceId":"c5c24a82-6845-4031-9d5d-978df9175426","faceListId":"pets","mode":"matchPerson"}`,
			},
		},
		{
			name:     "GroupCreatePersonGroup",
			args:     []string{"group", "create", "pg", "--type", "persongroup"},
			stdout:   []string{"created PersonGroup pg"},
			requests: []string{`PUT /face/v1.0/persongroups/pg {"name":"pg"}`},
		},
		{
			name:     "GroupCreateLargeFaceList",
			args:     []string{"group", "create", "lfl", "--type", "LargeFaceList", "--name", "Visitors"},
			stdout:   []string{"created LargeFaceList lfl"},
			requests: []string{`PUT /face/v1.0/largefacelists/lfl {"name":"Visitors"}`},
		},
		{
			name:     "GroupDeleteFaceList",
			args:     []string{"group", "delete", "fl", "--type", "FaceList"},
			stdout:   []string{"deleted FaceList fl"},
			requests: []string{"DELETE /face/v1.0/facelists/fl"},
		},
		{
			name:     "GroupDeleteLargePersonGroup",
			args:     []string{"group", "delete", "lpg", "--type", "LargePersonGroup", "-o", "json"},
			stdout:   []string{`"deleted": "lpg"`},
			requests: []string{"DELETE /face/v1.0/largepersongroups/lpg"},
		},
		{
			name:     "TrainWait",
			training: []string{"running", "running", "succeeded"},
			args:     []string{"group", "train", "staff", "--wait"},
			stdout:   []string{"status:   succeeded"},
			stderr:   "training staff: running\ntraining staff: succeeded\n",
			requests: []string{"POST /face/v1.0/persongroups/staff/train", "GET /face/v1.0/persongroups/staff/training", "GET /face/v1.0/persongroups/staff/training", "GET /face/v1.0/persongroups/staff/training"},
		},
		{
			name:     "TrainFailed",
			training: []string{"failed"},
			args:     []string{"group", "train", "staff", "--wait", "-o", "json"},
			exit:     exitFailed,
			// The result, not an error document as well: one JSON document.
			stdout: []string{`"status": "failed"`},
		},
		{
			name:   "JSONErrorOnStdout",
			args:   []string{"face", "identify", "--group", "missing", image, "-o", "json"},
			exit:   exitAPI,
			stdout: []string{`"code": "PersonGroupNotFound"`, `"message": "face api: 404`},
		},
		{
			name:   "IdentifyFaceList",
			args:   []string{"face", "identify", "--group", "staff", "--type", "FaceList", image, "-o", "json"},
			exit:   exitUsage,
			stdout: []string{`"code": "UsageError"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{training: append(tt.training, "succeeded")}
			endpoint := api.serve(t)
			var out, errOut syncBuffer
			m := &Main{Stdout: &out, Stderr: &errOut, Getenv: env(map[string]string{envEndpoint: endpoint, envKey: "k"})}
			err := m.Run(t.Context(), tt.args)
			if got := ExitCode(err); got != tt.exit {
				t.Fatalf("exit %d (%v), want %d\nstdout:\n%s", got, err, tt.exit, out.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			if tt.stderr != "" && errOut.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.stderr)
			}
			if strings.Contains(strings.Join(tt.args, " "), "-o json") && !json.Valid([]byte(out.String())) {
				t.Errorf("stdout is not one JSON document:\n%s", out.String())
			}
			api.mu.Lock()
			reqs := strings.Join(api.requests, "\n")
			api.mu.Unlock()
			at := 0
			for _, want := range tt.requests {
				i := strings.Index(reqs[at:], want)
				if i < 0 {
					t.Fatalf("requests lack %q after offset %d:\n%s", want, at, reqs)
				}
				at += i + len(want)
			}
		})
	}
}
