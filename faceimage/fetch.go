package faceimage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"facesnap"
)

// Defaults of FetcherOptions.
const (
	DefaultFetchTimeout = 10 * time.Second
	DefaultFetchBytes   = MaxImageBytes
	maxRedirects        = 5
)

// FetcherOptions configure a Fetcher. Zero values take the defaults.
type FetcherOptions struct {
	// Timeout bounds a whole fetch: connecting, every redirect and reading
	// the body. Default 10 s.
	Timeout time.Duration
	// MaxBytes is the largest body accepted; a larger one is
	// InvalidImageSize. At most MaxBytes+1 bytes are ever read, which is
	// how a larger body is recognised. Default 6 MB, the image limit.
	MaxBytes int64
	// AllowPrivate lets the fetcher dial loopback, private and other
	// non-public addresses: for tests and private deployments only.
	AllowPrivate bool
}

// Fetcher downloads the image of a {"url": ...} body. It is safe for
// concurrent use; share one.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	// allow decides on every address actually dialed; nil allows all.
	allow func(netip.Addr) bool
}

// NewFetcher returns a Fetcher. Unless opts.AllowPrivate, it refuses to
// connect to any non-public address. The check runs on the resolved
// address each connection dials, on every redirect hop, so neither a DNS
// name that resolves (or rebinds) to an internal address nor a redirect to
// one gets through. Proxies from the environment are ignored: a proxy
// would dial on our behalf and bypass the check.
func NewFetcher(opts FetcherOptions) *Fetcher {
	f := &Fetcher{timeout: opts.Timeout, maxBytes: opts.MaxBytes}
	if f.timeout <= 0 {
		f.timeout = DefaultFetchTimeout
	}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultFetchBytes
	}
	if !opts.AllowPrivate {
		f.allow = publicAddr
	}
	dialer := &net.Dialer{Timeout: f.timeout, Control: f.control}
	f.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    f.timeout,
			ResponseHeaderTimeout:  f.timeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           64,
			IdleConnTimeout:        30 * time.Second,
		},
		CheckRedirect: checkRedirect,
	}
	return f
}

// errAddrRefused is what control returns for an address the policy
// refuses; Fetch recognises it through the transport's wrapping.
var errAddrRefused = errors.New("faceimage: address not allowed")

var errTooManyRedirects = errors.New("faceimage: too many redirects")

// control runs after name resolution, just before each connect, with the
// address that is about to be dialed.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	if f.allow == nil {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !f.allow(ap.Addr()) {
		return errAddrRefused
	}
	return nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	if !httpScheme(req.URL) {
		return errBadScheme
	}
	return nil
}

var errBadScheme = errors.New("faceimage: not an http or https URL")

func httpScheme(u *url.URL) bool { return u.Scheme == "http" || u.Scheme == "https" }

// Fetch downloads rawURL and returns its body, at most MaxBytes long. The
// errors are *facesnap.InvalidError, except that a cancelled or expired
// ctx returns ctx.Err() as it is.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !httpScheme(u) || u.Host == "" {
		return nil, errInvalidURL()
	}
	fctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(fctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errInvalidURL()
	}
	req.Header.Set("Accept", "image/*, */*;q=0.5")
	req.Header.Set("User-Agent", "facesnap")

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.fetchError(ctx, fctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, errDownload(fmt.Sprintf("status %d", resp.StatusCode))
	}
	if resp.ContentLength > f.maxBytes {
		return nil, ErrTooBig
	}
	data, err := readBody(io.LimitReader(resp.Body, f.maxBytes+1), resp.ContentLength, f.maxBytes+1)
	if err != nil {
		return nil, f.fetchError(ctx, fctx, err)
	}
	if int64(len(data)) > f.maxBytes {
		return nil, ErrTooBig
	}
	return data, nil
}

// readBody reads r to its end into a buffer that never grows past limit
// bytes (io.ReadAll and bytes.Buffer may double past it). With a
// Content-Length the buffer is allocated once, with room for one byte more
// than announced so that a longer body shows.
func readBody(r io.Reader, contentLength, limit int64) ([]byte, error) {
	size := int64(512)
	if contentLength >= 0 {
		size = contentLength + 1
	}
	buf := make([]byte, 0, min(size, limit))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				return buf, nil
			}
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// fetchError classifies a failed request or body read. The message names
// the kind of failure only: the caller must not learn about the server's
// network from it.
func (f *Fetcher) fetchError(ctx, fctx context.Context, err error) error {
	var dnsErr *net.DNSError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errAddrRefused):
		return errDownload("address not allowed")
	case errors.Is(err, errTooManyRedirects):
		return errDownload("too many redirects")
	case errors.Is(err, errBadScheme):
		return errInvalidURL()
	case fctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return errDownload("timed out")
	case errors.As(err, &dnsErr):
		return errDownload("host not found")
	}
	return errDownload("connection failed")
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func errInvalidURL() error {
	return &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "Invalid image URL."}
}

// errDownload is the service's message for a URL it could not download,
// with a short reason in place of the remote error it quoted.
func errDownload(reason string) error {
	return &facesnap.InvalidError{
		Reason:  facesnap.ReasonInvalidURL,
		Message: fmt.Sprintf("Invalid image URL or error downloading from target server. Remote server error returned: %q.", reason),
	}
}
