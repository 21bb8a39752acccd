package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// apiPrefix is where the API lives below the endpoint.
const apiPrefix = "/face/v1.0"

// defaultUserAgent names this library to the server's logs.
const defaultUserAgent = "facesnap-client/1.0"

// Client calls one Face API endpoint with one key. It is safe for
// concurrent use.
type Client struct {
	base      string // endpoint + apiPrefix, without a trailing slash
	key       string
	hc        *http.Client
	retry     RetryPolicy
	userAgent string

	// Clock hooks: tests replace them so that no test waits for real time.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (transport, proxy, TLS, timeouts).
// The default is a client of its own with no overall timeout, since
// exports and imports may stream for a long time: bound calls with ctx.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithRetryPolicy sets how calls are retried; zero fields take defaults.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p.withDefaults() } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client for the service at endpoint, such as
// "http://127.0.0.1:8080" (the client adds /face/v1.0; an endpoint that
// already ends with it is taken as is), authenticating with key.
func New(endpoint, key string, opts ...Option) *Client {
	base := strings.TrimRight(endpoint, "/")
	if !strings.HasSuffix(base, apiPrefix) {
		base += apiPrefix
	}
	c := &Client{
		base:      base,
		key:       key,
		hc:        &http.Client{},
		retry:     RetryPolicy{}.withDefaults(),
		userAgent: defaultUserAgent,
		now:       time.Now,
		sleep:     sleepCtx,
		jitter:    randomJitter,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// request is one API call.
type request struct {
	method string
	path   string // below apiPrefix, each id already escaped with pathID
	query  url.Values
	body   any       // sent as JSON when non-nil
	stream io.Reader // sent as application/octet-stream when non-nil
	accept string    // Accept header; JSON when empty
	want   int       // the success status the spec documents
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string { return url.PathEscape(id) }

// call sends r and decodes a JSON response into out (when out is non-nil).
// It returns the response headers.
func (c *Client) call(ctx context.Context, r request, out any) (http.Header, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: decode response: %w", r.method, r.path, err)
		}
	}
	// Drain what is left so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, errorBodyLimit))
	return resp.Header, nil
}

// do sends r, retrying as the policy allows, and returns the response
// when its status is r.want; the caller closes its body. Any other status
// becomes an *Error.
func (c *Client) do(ctx context.Context, r request) (*http.Response, error) {
	if strings.HasSuffix(r.path, "/") || strings.Contains(r.path, "//") {
		// An empty id would address another resource, such as a list.
		return nil, fmt.Errorf("%s %s: empty id in path", r.method, r.path)
	}
	if _, err := url.Parse(c.base + r.path); err != nil {
		// Not worth retrying; checked here so that send cannot fail so.
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = marshalBody(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: encode request: %w", r.method, r.path, err)
		}
	}
	stream, err := newStreamBody(r.stream)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	attempts := c.retry.MaxAttempts
	if !stream.replayable() {
		// What was read from a one-shot stream cannot be sent again.
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		resp, connected, err := c.send(ctx, r, payload, stream)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, err
			}
			// A request that may have reached the server is only repeated
			// when repeating it is harmless.
			if attempt >= attempts || (connected && !idempotent(r.method)) {
				return nil, err
			}
			wait = c.retry.backoff(attempt, c.jitter)
		case resp.StatusCode == r.want:
			return resp, nil
		default:
			apiErr := readError(resp, c.now())
			if !retryableStatus(resp.StatusCode) || attempt >= attempts {
				return nil, apiErr
			}
			wait = c.retry.backoff(attempt, c.jitter)
			if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
				if ra > c.retry.MaxDelay {
					return nil, apiErr
				}
				wait = ra
			}
		}
		if err := stream.rewind(ctx); err != nil {
			return nil, fmt.Errorf("%s %s: rewind body for retry: %w", r.method, r.path, err)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// send makes one attempt. connected reports whether a connection to the
// server was obtained, after which the request may have been acted on.
func (c *Client) send(ctx context.Context, r request, payload []byte, stream *streamBody) (resp *http.Response, connected bool, err error) {
	var gotConn atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	switch {
	case payload != nil:
		body = bytes.NewReader(payload)
	case stream.r != nil:
		body = stream.reader()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		if c, ok := body.(io.Closer); ok {
			c.Close() // as the transport would have, for rewind
		}
		return nil, false, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	switch {
	case payload != nil:
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	case stream.r != nil:
		req.Header.Set("Content-Type", "application/octet-stream")
		req.ContentLength = stream.size // -1 (chunked) when unknown
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	} else {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", c.key)
	req.Header.Set("User-Agent", c.userAgent)
	resp, err = c.hc.Do(req)
	if err != nil {
		return nil, gotConn.Load(), fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	return resp, true, nil
}

// marshalBody encodes v as JSON without HTML escaping, so that userData
// reaches the server as the caller wrote it.
func marshalBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// streamBody is an octet-stream request body. It is streamed, never
// buffered; a seekable one is rewound for a retry.
type streamBody struct {
	r     io.Reader
	seek  io.Seeker // non-nil when r can be rewound
	start int64     // offset of the first byte to send
	size  int64     // bytes to send, -1 when unknown
	last  *attemptBody
}

func newStreamBody(r io.Reader) (*streamBody, error) {
	s := &streamBody{r: r, size: -1}
	if r == nil {
		s.size = 0
		return s, nil
	}
	if sk, ok := r.(io.Seeker); ok {
		start, err := sk.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := sk.Seek(0, io.SeekEnd)
			if err != nil {
				return nil, fmt.Errorf("measure body: %w", err)
			}
			if _, err := sk.Seek(start, io.SeekStart); err != nil {
				return nil, fmt.Errorf("measure body: %w", err)
			}
			s.seek, s.start, s.size = sk, start, end-start
		}
		// A Seeker that cannot seek (a pipe, say) is sent as a stream.
	}
	return s, nil
}

// replayable reports whether the body can be sent more than once.
func (s *streamBody) replayable() bool { return s.r == nil || s.seek != nil }

// reader returns the body for one attempt.
func (s *streamBody) reader() io.Reader {
	var r io.Reader = s.r
	if s.size >= 0 {
		r = io.LimitReader(r, s.size)
	}
	s.last = &attemptBody{r: r, closed: make(chan struct{})}
	return s.last
}

// rewind prepares a seekable body for the next attempt.
func (s *streamBody) rewind(ctx context.Context) error {
	if s.seek == nil {
		return nil
	}
	// A transport may go on reading a body after answering (an early 503),
	// until it closes it: seeking before then would race with it.
	select {
	case <-s.last.closed:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	_, err := s.seek.Seek(s.start, io.SeekStart)
	return err
}

// attemptBody is the body of one attempt. It exposes Read and Close only,
// so that net/http neither closes the caller's file nor sniffs its type,
// and it tells when the transport is done with it.
type attemptBody struct {
	r      io.Reader
	once   sync.Once
	closed chan struct{}
}

func (b *attemptBody) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *attemptBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}
