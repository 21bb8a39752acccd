package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClient_Retry(t *testing.T) {
	t.Parallel()
	ok := reply{status: 200, body: snapshotJSON}
	busy := jsonError(503, "ServiceUnavailable", "Busy.")
	tests := []struct {
		name      string
		policy    RetryPolicy
		replies   []reply
		wantCalls int
		wantSleep []time.Duration
		wantCode  int // status of the returned *Error; 0 for success
	}{
		{
			name:      "TooManyRequestsRetryAfterSeconds",
			replies:   []reply{{status: 429, header: map[string]string{"Retry-After": "2"}, body: `{"error":{"code":"429","message":"Rate limit is exceeded."}}`}, ok},
			wantCalls: 2, wantSleep: []time.Duration{2 * time.Second},
		},
		{
			name:      "TooManyRequestsRetryAfterDate",
			replies:   []reply{{status: 429, header: map[string]string{"Retry-After": testNow.Add(3 * time.Second).Format(http.TimeFormat)}}, ok},
			wantCalls: 2, wantSleep: []time.Duration{3 * time.Second},
		},
		{
			name:      "RetryAfterDateInThePast",
			replies:   []reply{{status: 429, header: map[string]string{"Retry-After": testNow.Add(-time.Hour).Format(http.TimeFormat)}}, ok},
			wantCalls: 2, wantSleep: []time.Duration{0},
		},
		{
			name:      "UnavailableBacksOff",
			replies:   []reply{busy, busy, ok},
			wantCalls: 3, wantSleep: []time.Duration{500 * time.Millisecond, time.Second},
		},
		{
			name:      "Bounded",
			replies:   []reply{busy},
			wantCalls: 4, wantSleep: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second},
			wantCode: 503,
		},
		{
			name:      "BackoffCapped",
			policy:    RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second},
			replies:   []reply{busy},
			wantCalls: 5, wantSleep: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second},
			wantCode: 503,
		},
		{
			name:      "RetryAfterBeyondMaxDelayGivesUp",
			replies:   []reply{{status: 429, header: map[string]string{"Retry-After": "3600"}}, ok},
			wantCalls: 1, wantCode: 429,
		},
		{
			name:      "NoRetry",
			policy:    RetryPolicy{MaxAttempts: 1},
			replies:   []reply{busy, ok},
			wantCalls: 1, wantCode: 503,
		},
		{
			name:      "ServerErrorNotRetried",
			replies:   []reply{jsonError(500, "InternalServerError", "Oops."), ok},
			wantCalls: 1, wantCode: 500,
		},
		{
			name:      "ClientErrorNotRetried",
			replies:   []reply{jsonError(404, "SnapshotNotFound", "Gone."), ok},
			wantCalls: 1, wantCode: 404,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.replies...), WithRetryPolicy(tt.policy))
			_, err := b.c.GetSnapshot(t.Context(), snapshotID)
			var e *Error
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantCode != 0 && (!errors.As(err, &e) || e.StatusCode != tt.wantCode):
				t.Fatalf("err = %v, want *Error %d", err, tt.wantCode)
			}
			if n := len(b.recorded()); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
			if got := b.slept(); !slices.Equal(got, tt.wantSleep) {
				t.Errorf("slept %v, want %v", got, tt.wantSleep)
			}
		})
	}
}

// TestClient_RetryPOST checks that a refused POST is sent again whole.
func TestClient_RetryPOST(t *testing.T) {
	t.Parallel()
	b := setup(t, replies(reply{status: 429, header: map[string]string{"Retry-After": "1"}}, accepted("/operations/"+operationID)))
	id, err := b.c.TakeSnapshot(t.Context(), TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l", ApplyScope: []string{}})
	if err != nil || id != operationID {
		t.Fatalf("TakeSnapshot = %q, %v", id, err)
	}
	reqs := b.recorded()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].Body, reqs[1].Body) || len(reqs[1].Body) == 0 {
		t.Fatalf("requests %+v", reqs)
	}
}

// TestClient_RetryConnectionError checks which requests are repeated when
// the connection fails: before connecting, all of them; after the request
// went out, only idempotent ones.
func TestClient_RetryConnectionError(t *testing.T) {
	t.Parallel()
	hangUp := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	noKeepAlive := WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}})

	t.Run("GetAfterSend", func(t *testing.T) {
		t.Parallel()
		b := setup(t, hangUp, noKeepAlive)
		if _, err := b.c.GetSnapshot(t.Context(), snapshotID); err == nil {
			t.Fatal("no error")
		}
		if n := len(b.recorded()); n != DefaultMaxAttempts {
			t.Errorf("%d calls, want %d", n, DefaultMaxAttempts)
		}
	})
	t.Run("PostAfterSend", func(t *testing.T) {
		t.Parallel()
		b := setup(t, hangUp, noKeepAlive)
		if _, err := b.c.TakeSnapshot(t.Context(), TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l"}); err == nil {
			t.Fatal("no error")
		}
		if n := len(b.recorded()); n != 1 {
			t.Errorf("%d calls, want 1: a POST the server may have acted on was repeated", n)
		}
		if s := b.slept(); len(s) != 0 {
			t.Errorf("slept %v", s)
		}
	})
	t.Run("PostBeforeConnect", func(t *testing.T) {
		t.Parallel()
		b := setup(t, hangUp)
		b.srv.Close() // nothing listens: every dial fails
		_, err := b.c.TakeSnapshot(t.Context(), TakeSnapshotRequest{Type: SnapshotFaceList, ObjectID: "l"})
		if err == nil {
			t.Fatal("no error")
		}
		if s := b.slept(); len(s) != DefaultMaxAttempts-1 {
			t.Errorf("slept %v, want %d retries", s, DefaultMaxAttempts-1)
		}
	})
}

// TestClient_RetryStream checks that a seekable upload is rewound and sent
// again whole, and that a one-shot stream is never retried.
func TestClient_RetryStream(t *testing.T) {
	t.Parallel()
	busy := reply{status: 503, header: map[string]string{"Retry-After": "1"}}
	created := reply{status: 200, body: snapshotJSON}
	data := strings.Repeat("snapshot-bytes ", 1000)

	t.Run("Seekable", func(t *testing.T) {
		t.Parallel()
		b := setup(t, replies(busy, created))
		r := strings.NewReader("skipped" + data)
		if _, err := r.Seek(int64(len("skipped")), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		if _, err := b.c.ImportSnapshot(t.Context(), r, ImportSnapshotRequest{}); err != nil {
			t.Fatal(err)
		}
		reqs := b.recorded()
		if len(reqs) != 2 {
			t.Fatalf("%d calls, want 2", len(reqs))
		}
		for i, req := range reqs {
			if string(req.Body) != data {
				t.Errorf("attempt %d sent %d bytes, want %d", i+1, len(req.Body), len(data))
			}
		}
	})
	t.Run("OneShot", func(t *testing.T) {
		t.Parallel()
		b := setup(t, replies(busy, created))
		_, err := b.c.ImportSnapshot(t.Context(), io.MultiReader(strings.NewReader(data)), ImportSnapshotRequest{})
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 503 {
			t.Fatalf("err = %v, want the 503", err)
		}
		if n := len(b.recorded()); n != 1 {
			t.Errorf("%d calls, want 1", n)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"  5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"99999999999999999", 365 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, testNow)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestClient_RetryStreamEarlyAnswer has the server refuse an upload
// before reading it: the retry must still send the whole body, rewound
// only once the transport let go of the first attempt's.
func TestClient_RetryStreamEarlyAnswer(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, more than socket buffers
	var calls atomic.Int32
	got := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			jsonError(503, "ServiceUnavailable", "Busy.").write(w)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got <- b
		reply{status: 200, body: snapshotJSON}.write(w)
	}))
	defer srv.Close()
	c := New(srv.URL, testKey)
	if _, err := c.ImportSnapshot(t.Context(), bytes.NewReader(data), ImportSnapshotRequest{}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Errorf("second attempt sent %d bytes, want %d", len(b), len(data))
	}
}
