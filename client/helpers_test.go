package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed clock of test clients.
var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

const testKey = "0123456789abcdef"

// testBundle is a client wired to a loopback server, with a clock that
// records waits instead of sleeping.
type testBundle struct {
	c   *Client
	srv *httptest.Server

	mu       sync.Mutex
	sleeps   []time.Duration
	requests []recorded
}

// recorded is what the server saw of one request.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// setup starts a server running h after recording each request. Sleeps
// return at once, or with ctx's error, and jitter is the full range, so
// backoffs are exactly BaseDelay·2^(n-1).
func setup(t *testing.T, h http.HandlerFunc, opts ...Option) *testBundle {
	t.Helper()
	b := &testBundle{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.requests = append(b.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		b.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(b.srv.Close)
	b.c = New(b.srv.URL, testKey, opts...)
	b.c.now = func() time.Time { return testNow }
	b.c.jitter = func(d time.Duration) time.Duration { return d }
	b.c.sleep = func(ctx context.Context, d time.Duration) error {
		b.mu.Lock()
		b.sleeps = append(b.sleeps, d)
		b.mu.Unlock()
		return context.Cause(ctx)
	}
	return b
}

func (b *testBundle) recorded() []recorded {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]recorded(nil), b.requests...)
}

func (b *testBundle) slept() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Duration(nil), b.sleeps...)
}

// checkPolls checks the end of a wait: its final status, the progress it
// reported, the sleeps between its polls, and that it only polled path.
func checkPolls[S comparable, P comparable](t *testing.T, b *testBundle, path string, status, wantStatus S, progress, wantProgress []P, wantSleep []time.Duration) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("final status %v, want %v", status, wantStatus)
	}
	if !slices.Equal(progress, wantProgress) {
		t.Errorf("progress %v\nwant     %v", progress, wantProgress)
	}
	if got := b.slept(); !slices.Equal(got, wantSleep) {
		t.Errorf("slept %v, want %v", got, wantSleep)
	}
	for _, r := range b.recorded() {
		if r.Method != "GET" || r.Path != path {
			t.Errorf("request %s %s, want GET %s", r.Method, r.Path, path)
		}
	}
}

// reply is a canned response.
type reply struct {
	status int
	header map[string]string
	body   string
}

func (rp reply) write(w http.ResponseWriter) {
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	if rp.body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

// replies serves the given replies in turn, repeating the last one.
func replies(rs ...reply) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		rp := rs[min(n, len(rs)-1)]
		n++
		mu.Unlock()
		rp.write(w)
	}
}

func jsonError(status int, code, message string) reply {
	return reply{status: status, body: `{"error":{"code":"` + code + `","message":"` + message + `"}}`}
}
