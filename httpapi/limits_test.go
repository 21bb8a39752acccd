package httpapi_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facesnap/blob/dir"
	"facesnap/httpapi"
	"facesnap/snapshots"
)

// limitedServer serves the API, snapshots included, under limits.
func limitedServer(t *testing.T, limits httpapi.Limits) (*testBundle, *httptest.Server) {
	t.Helper()
	tb := setup(t, httpapi.Config{})
	blobs, err := dir.New(filepath.Join(t.TempDir(), "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Accounts: tb.accounts, Collections: tb.coll, Limits: limits,
		Snapshots: &snapshots.Service{Store: tb.store, Blobs: blobs, Now: tb.coll.Now},
	}))
	t.Cleanup(srv.Close)
	tb.srv = srv
	return tb, srv
}

// TestLimits_SlowBody: connections trickling a declared 6,000,000-byte
// body are cut after the grace, not held open; a body at an honest speed
// goes through.
func TestLimits_SlowBody(t *testing.T) {
	t.Parallel()
	const grace = 300 * time.Millisecond
	tb, srv := limitedServer(t, httpapi.Limits{BodyGrace: grace, BodyMinRate: 1 << 20})
	addr := strings.TrimPrefix(srv.URL, "http://")
	const conns = 10
	cut := make(chan time.Duration, conns)
	start := time.Now()
	for range conns {
		go func() {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				cut <- -1
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "PUT /face/v1.0/persongroups/slow HTTP/1.1\r\nHost: x\r\nOcp-Apim-Subscription-Key: %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: 6000000\r\n\r\n{", keyA)
			// One byte every 20 ms, for 5 s at most: far below the rate.
			for range 250 {
				c.SetWriteDeadline(time.Now().Add(time.Second))
				if _, err := c.Write([]byte(" ")); err != nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
				c.SetReadDeadline(time.Now().Add(time.Millisecond))
				if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
					break // the server closed the connection
				} else if err == nil {
					break // the server answered (408): it then closes
				}
			}
			cut <- time.Since(start)
		}()
	}
	for range conns {
		select {
		case d := <-cut:
			if d < 0 || d > 3*time.Second {
				t.Fatalf("a trickling connection lasted %v, want cut soon after %v", d, grace)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("trickling connections still open after 10 s")
		}
	}
	// An ordinary request goes through the same limits.
	if status, _, body := tb.do(t, step{method: "PUT", path: "/persongroups/fast", body: `{"name":"fast"}`}); status != http.StatusOK {
		t.Fatalf("ordinary request: %d %s", status, body)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestLimits_InFlightPerAccount: an account with its requests in flight
// is answered 429; another account is not held up.
func TestLimits_InFlightPerAccount(t *testing.T) {
	t.Parallel()
	tb, srv := limitedServer(t, httpapi.Limits{InFlightPerAccount: 2})
	var writers []*io.PipeWriter
	done := make(chan int, 2)
	for range 2 {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/face/v1.0/snapshots/import", pr)
		req.Header.Set("Ocp-Apim-Subscription-Key", keyA)
		req.Header.Set("Content-Type", "application/octet-stream")
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- -1
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
		pw.Write([]byte("FACESNAP")) // the import is now reading its body
	}
	// Wait (bounded) until both imports hold their slots.
	var status int
	for range 100 {
		status, _, _ = tb.do(t, step{method: "GET", path: "/persongroups"})
		if status == http.StatusTooManyRequests {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status != http.StatusTooManyRequests {
		t.Fatalf("third request of A: %d, want 429", status)
	}
	if status, _, body := tb.do(t, step{method: "GET", path: "/persongroups", key: keyB}); status != http.StatusOK {
		t.Fatalf("B while A is at its cap: %d %s", status, body)
	}
	for _, pw := range writers {
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}
	for range 2 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("imports did not end")
		}
	}
	// The slots are given back as the handlers return, just after their
	// answers reached the client: wait for it, bounded.
	for range 100 {
		if status, _, _ = tb.do(t, step{method: "GET", path: "/persongroups"}); status == http.StatusOK {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("A after its requests ended: %d, want 200", status)
}

// TestLimits_AuthFailures: an address that failed too often is answered
// 429 whatever key it sends next.
func TestLimits_AuthFailures(t *testing.T) {
	t.Parallel()
	tb, _ := limitedServer(t, httpapi.Limits{AuthFailuresPerMinute: 3})
	for i := range 3 {
		if status, _, _ := tb.do(t, step{method: "GET", path: "/persongroups", key: fmt.Sprintf("wrong-key-%d-0123456789abcdef0123", i)}); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, status)
		}
	}
	status, h, _ := tb.do(t, step{method: "GET", path: "/persongroups"})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures: %d (Retry-After %q), want 429 with Retry-After", status, h.Get("Retry-After"))
	}
}

func TestClientPrefix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ remote, want string }{
		{"127.0.0.1:5000", "127.0.0.1/32"},
		{"[::ffff:10.0.0.1]:80", "10.0.0.1/32"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
	} {
		if got := httpapi.ClientPrefix(tc.remote); got != netip.MustParsePrefix(tc.want) {
			t.Errorf("ClientPrefix(%s) = %s, want %s", tc.remote, got, tc.want)
		}
	}
}

// TestLimits_MaxImportBytes: an import past the cap is refused and leaves
// no snapshot.
func TestLimits_MaxImportBytes(t *testing.T) {
	t.Parallel()
	tb, _ := limitedServer(t, httpapi.Limits{MaxImportBytes: 1000})
	body := "FACESNAP" + strings.Repeat("x", 5000)
	status, _, b := tb.do(t, step{method: "POST", path: "/snapshots/import", contentType: "application/octet-stream", body: body})
	if status != http.StatusBadRequest || !strings.Contains(string(b), "too large") {
		t.Fatalf("import past the cap: %d %s", status, b)
	}
	if status, _, b := tb.do(t, step{method: "GET", path: "/snapshots"}); status != http.StatusOK || strings.TrimSpace(string(b)) != "[]" {
		t.Fatalf("snapshots after a refused import: %d %s", status, b)
	}
}

// TestLimitListener: connections past the cap wait to be accepted until
// one closes.
func TestLimitListener(t *testing.T) {
	t.Parallel()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := httpapi.LimitListener(raw, 1)
	defer ln.Close()
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for range 2 {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first := <-accepted
	select {
	case <-accepted:
		t.Fatal("a second connection was accepted past the cap")
	case <-time.After(100 * time.Millisecond):
	}
	first.Close()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting connection was not accepted after one closed")
	}
}
