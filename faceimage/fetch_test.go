package faceimage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"facesnap"
)

// fetchBundle is an image server on loopback and what it has seen.
type fetchBundle struct {
	srv  *httptest.Server
	body []byte
	hits atomic.Int64 // requests to any path
	// arrived receives once per request to /slow, when it has arrived.
	arrived chan struct{}
}

const testMaxBytes = 4096

func setup(t *testing.T) *fetchBundle {
	t.Helper()
	b := &fetchBundle{
		body:    bytes.Repeat([]byte("0123456789abcdef"), 128), // 2 KB
		arrived: make(chan struct{}, 1),
	}
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(b.body)
	})
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(testMaxBytes+1))
		w.Write(make([]byte, testMaxBytes+1))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: only the read limit stops it. Bounded so a
		// broken client cannot keep the test running.
		chunk := make([]byte, 1024)
		for range 1024 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, testMaxBytes))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case b.arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		// /hop/3 redirects three times before landing on /ok.
		n, _ := strconv.Atoi(r.PathValue("n"))
		next := "/ok"
		if n > 1 {
			next = fmt.Sprintf("/hop/%d", n-1)
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/face.jpg", http.StatusFound)
	})
	mux.HandleFunc("/to-other-loopback", func(w http.ResponseWriter, r *http.Request) {
		// Another loopback address, standing in for an internal host.
		_, port, _ := strings.Cut(r.Host, ":")
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/ok", http.StatusFound)
	})
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees /slow handlers
	return b
}

func (b *fetchBundle) url(path string) string { return b.srv.URL + path }

func privateOK() *Fetcher {
	return NewFetcher(FetcherOptions{MaxBytes: testMaxBytes, AllowPrivate: true})
}

func TestFetcher_OK(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/ok", "/hop/5", "/exact"} {
		got, err := privateOK().Fetch(t.Context(), b.url(path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want := b.body
		if path == "/exact" {
			want = make([]byte, testMaxBytes)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: got %d bytes, want %d", path, len(got), len(want))
		}
	}
}

func TestFetcher_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const invalidURL = "Invalid image URL."
	download := func(reason string) string {
		return `Invalid image URL or error downloading from target server. Remote server error returned: "` + reason + `".`
	}
	tests := []struct {
		name   string
		url    string
		reason facesnap.Reason
		msg    string
	}{
		{"NotFound", b.url("/404"), facesnap.ReasonInvalidURL, download("status 404")},
		{"TooBig", b.url("/big"), facesnap.ReasonInvalidImageSize, "Image size is too big."},
		{"TooBigChunked", b.url("/big-chunked"), facesnap.ReasonInvalidImageSize, "Image size is too big."},
		{"SixRedirects", b.url("/hop/6"), facesnap.ReasonInvalidURL, download("too many redirects")},
		{"RedirectToFTP", b.url("/to-ftp"), facesnap.ReasonInvalidURL, invalidURL},
		{"FTP", "ftp://127.0.0.1/face.jpg", facesnap.ReasonInvalidURL, invalidURL},
		{"File", "file:///etc/passwd", facesnap.ReasonInvalidURL, invalidURL},
		{"NoHost", "http:///face.jpg", facesnap.ReasonInvalidURL, invalidURL},
		{"Relative", "/face.jpg", facesnap.ReasonInvalidURL, invalidURL},
		{"Empty", "", facesnap.ReasonInvalidURL, invalidURL},
		{"Garbage", "http://[::1", facesnap.ReasonInvalidURL, invalidURL},
		{"ConnectionRefused", "http://127.0.0.1:1/face.jpg", facesnap.ReasonInvalidURL, download("connection failed")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := privateOK().Fetch(t.Context(), tt.url)
			if err == nil {
				t.Fatalf("Fetch returned %d bytes, want an error", len(data))
			}
			wantInvalid(t, err, tt.reason, tt.msg)
		})
	}
}

func TestFetcher_RedirectLoop(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := privateOK().Fetch(t.Context(), b.url("/loop"))
	wantInvalid(t, err, facesnap.ReasonInvalidURL, "")
	// The first request and five redirects, then it stops.
	if got := b.hits.Load(); got != 1+maxRedirects {
		t.Fatalf("server saw %d requests, want %d", got, 1+maxRedirects)
	}
}

func TestFetcher_Timeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := NewFetcher(FetcherOptions{Timeout: 50 * time.Millisecond, AllowPrivate: true})
	_, err := f.Fetch(t.Context(), b.url("/slow"))
	wantInvalid(t, err, facesnap.ReasonInvalidURL,
		`Invalid image URL or error downloading from target server. Remote server error returned: "timed out".`)
}

func TestFetcher_ContextCanceled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := privateOK()

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.Fetch(ctx, b.url("/ok")); err != context.Canceled {
		t.Fatalf("already cancelled: err = %v, want context.Canceled as it is", err)
	}

	ctx, cancel = context.WithCancel(t.Context())
	go func() {
		select {
		case <-b.arrived:
		case <-ctx.Done():
		}
		cancel()
	}()
	if _, err := f.Fetch(ctx, b.url("/slow")); err != context.Canceled {
		t.Fatalf("cancelled while waiting: err = %v, want context.Canceled as it is", err)
	}
}

func TestFetcher_PrivateRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := NewFetcher(FetcherOptions{})
	_, port, _ := strings.Cut(b.srv.Listener.Addr().String(), ":")
	refused := `Invalid image URL or error downloading from target server. Remote server error returned: "address not allowed".`
	for _, tt := range []struct {
		url string
		// exact: the message must say the address was refused. Elsewhere
		// the name may not resolve, or IPv6 may be off, and the message
		// differs; nothing may reach the server either way.
		exact bool
	}{
		{b.url("/ok"), true},
		{"http://localhost:" + port + "/ok", false}, // a name: judged by what it resolves to
		{"http://[::1]:" + port + "/ok", false},
		{"http://[::ffff:127.0.0.1]:" + port + "/ok", true},
		{"https://127.0.0.1:" + port + "/ok", true},
		{"http://2130706433:" + port + "/ok", false}, // 127.0.0.1 as one number
		{"http://[::127.0.0.1]:" + port + "/ok", true},
		{"http://[::ffff:0:7f00:1]:" + port + "/ok", true},
		{"http://[2001:db8::1]:" + port + "/ok", true},
	} {
		_, err := f.Fetch(t.Context(), tt.url)
		var ie *facesnap.InvalidError
		if !errors.As(err, &ie) || ie.Reason != facesnap.ReasonInvalidURL {
			t.Fatalf("%s: err = %v, want InvalidURL", tt.url, err)
		}
		if tt.exact && ie.Message != refused {
			t.Errorf("%s: message %q, want %q", tt.url, ie.Message, refused)
		}
	}
	// Whatever the message, nothing reached the server.
	if got := b.hits.Load(); got != 0 {
		t.Fatalf("server saw %d requests, want none", got)
	}
}

// A redirect from an allowed host to a refused one is refused on the hop:
// the check is on each dialed address, not on the URL the caller sent.
func TestFetcher_RedirectToRefusedAddress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := NewFetcher(FetcherOptions{})
	// Here only 127.0.0.1 counts as public, so the test server plays an
	// outside host and 127.0.0.2 an internal one.
	f.allow = func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }

	if _, err := f.Fetch(t.Context(), b.url("/ok")); err != nil {
		t.Fatalf("allowed host: %v", err)
	}
	_, err := f.Fetch(t.Context(), b.url("/to-other-loopback"))
	wantInvalid(t, err, facesnap.ReasonInvalidURL,
		`Invalid image URL or error downloading from target server. Remote server error returned: "address not allowed".`)
	if got := b.hits.Load(); got != 2 {
		t.Fatalf("server saw %d requests, want 2 (/ok and the redirect)", got)
	}
}

func TestNewFetcher_Defaults(t *testing.T) {
	t.Parallel()
	f := NewFetcher(FetcherOptions{})
	if f.timeout != DefaultFetchTimeout || f.maxBytes != MaxImageBytes || f.allow == nil {
		t.Fatalf("defaults: timeout %v, maxBytes %d, policy set %v", f.timeout, f.maxBytes, f.allow != nil)
	}
	if tr := f.client.Transport.(*http.Transport); tr.Proxy != nil {
		t.Fatal("the transport uses a proxy; it must dial itself so the address check applies")
	}
	if NewFetcher(FetcherOptions{AllowPrivate: true}).allow != nil {
		t.Fatal("AllowPrivate left the address policy on")
	}
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	const limit = 1001 // MaxBytes 1000, plus the byte that shows "too big"
	tests := []struct {
		name          string
		size          int
		contentLength int64
		wantLen       int
	}{
		{"UnknownLength", 900, -1, 900},
		{"ExactLength", 1000, 1000, 1000},
		{"Empty", 0, 0, 0},
		{"UnknownTooLong", 5000, -1, limit},
		{"ShortHint", 1000, 10, 1000},
		{"HugeHint", 10, 1 << 40, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// One byte per Read, the worst case for growth.
			r := iotest.OneByteReader(io.LimitReader(bytes.NewReader(make([]byte, tt.size)), limit))
			got, err := readBody(r, tt.contentLength, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantLen {
				t.Fatalf("read %d bytes, want %d", len(got), tt.wantLen)
			}
			if cap(got) > limit {
				t.Fatalf("buffer grew to %d bytes, past the %d limit", cap(got), limit)
			}
		})
	}
}
