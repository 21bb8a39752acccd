package s3

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// vanishingParentServer is a fake S3 endpoint: it answers the first
// refuse PutObjects with versitygw's 409 for a parent directory that a
// concurrent Delete removed, then stores the body.
type vanishingParentServer struct {
	refuse int

	mu    sync.Mutex
	puts  int
	saved string
}

func (f *vanishingParentServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		http.Error(w, "unexpected "+r.Method, http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if f.puts <= f.refuse {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+
			`<Error><Code>ExistingObjectIsDirectory</Code><Message>Existing Object is a directory.</Message></Error>`)
		return
	}
	f.saved = string(body)
	w.Header().Set("ETag", `"x"`)
}

func TestPut_VanishedParentIsRetried(t *testing.T) {
	tests := []struct {
		name      string
		refuse    int
		wantErr   bool
		wantPuts  int
		wantSaved string
	}{
		{name: "OnceThenStored", refuse: 1, wantPuts: 2, wantSaved: "meta"},
		{name: "TwiceThenStored", refuse: 2, wantPuts: 3, wantSaved: "meta"},
		// A key that really is a directory keeps failing: bounded tries.
		{name: "AlwaysGivesUp", refuse: 1000, wantErr: true, wantPuts: vanishedParentTries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &vanishingParentServer{refuse: tt.refuse}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			env := map[string]string{"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret"}
			s, err := open(context.Background(), "s3://b/p?endpoint="+srv.URL, func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			err = s.Put(context.Background(), "snapshots/x/meta.json", strings.NewReader("meta"))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Put = %v, want error: %v", err, tt.wantErr)
			}
			if tt.wantErr && !strings.Contains(err.Error(), "ExistingObjectIsDirectory") {
				t.Fatalf("Put = %v, want the server's last answer", err)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if fake.puts != tt.wantPuts || fake.saved != tt.wantSaved {
				t.Fatalf("server saw %d PUTs and stored %q; want %d and %q", fake.puts, fake.saved, tt.wantPuts, tt.wantSaved)
			}
		})
	}
}
