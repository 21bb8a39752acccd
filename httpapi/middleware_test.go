package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"facesnap/httpapi"
)

// TestServer_AccessLog checks the access line: the level by status (a
// success at debug, a client error at info) and the duration in
// milliseconds under a key that says so.
func TestServer_AccessLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		path, key string
		level     string
	}{
		{"Success", "/face/v1.0/persongroups", keyA, "DEBUG"},
		{"ClientError", "/face/v1.0/persongroups/missing", keyA, "INFO"},
		{"NoKey", "/face/v1.0/persongroups", "", "INFO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, httpapi.Config{})
			var mu sync.Mutex
			var logs bytes.Buffer
			// Each reading of the clock is 1.5 ms after the last.
			var clock time.Time
			h := httpapi.New(httpapi.Config{
				Accounts: tb.accounts, Collections: tb.coll,
				Logger: slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
				Now: func() time.Time {
					mu.Lock()
					defer mu.Unlock()
					clock = clock.Add(1500 * time.Microsecond)
					return clock
				},
			})
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.key != "" {
				req.Header.Set("Ocp-Apim-Subscription-Key", tt.key)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			mu.Lock()
			defer mu.Unlock()
			var line map[string]any
			for l := range strings.Lines(logs.String()) {
				var v map[string]any
				if json.Unmarshal([]byte(l), &v) == nil && v["msg"] == "request" {
					line = v
				}
			}
			if line == nil {
				t.Fatalf("no access line in:\n%s", logs.String())
			}
			if line["level"] != tt.level {
				t.Errorf("level %v, want %s", line["level"], tt.level)
			}
			ms, ok := line["duration_ms"].(float64)
			if !ok || ms <= 0 || ms > 1000 {
				t.Errorf("duration_ms %v, want a positive number of milliseconds", line["duration_ms"])
			}
			if _, ok := line["duration"]; ok {
				t.Errorf("a duration without its unit: %v", line)
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
