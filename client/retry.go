package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how a Client retries a request that the server refused
// for load (429 Too Many Requests, 503 Service Unavailable) or that never
// got an answer. A Retry-After header, in seconds or as an HTTP date,
// replaces the computed backoff.
type RetryPolicy struct {
	// MaxAttempts bounds the tries of one call, the first included.
	// 1 disables retries. Zero fields take the defaults below.
	MaxAttempts int
	// BaseDelay is the first backoff; each retry doubles it, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps one wait. When the server's Retry-After asks for more,
	// the call gives up at once and returns the *Error, whose RetryAfter
	// says how long the server wanted.
	MaxDelay time.Duration
}

// The policy of a Client given no WithRetryPolicy, and of zero fields.
const (
	DefaultMaxAttempts = 4
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 30 * time.Second
)

// withDefaults fills zero fields with the defaults.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// backoff is the wait before retry number n (1 for the first retry):
// BaseDelay·2^(n-1) capped at MaxDelay, then "equal jitter" (half fixed,
// half random) so that clients refused together do not return together.
func (p RetryPolicy) backoff(n int, jitter func(time.Duration) time.Duration) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + jitter(d/2)
}

// randomJitter returns a random duration in [0, d]. math/rand/v2's
// top-level functions are safe for concurrent use and need no seeding.
func randomJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// retryableStatus reports whether a status means "not now": the server did
// not act on the request, so even a POST may be sent again.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

// idempotent reports whether a request may be repeated after a connection
// error, when the server may or may not have acted on it. PATCH sets
// fields to given values in this API, so repeating it is harmless.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions:
		return true
	}
	return false
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP
// date. A date in the past means "now" (0, true).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Cap before converting so a huge value cannot overflow.
		return time.Duration(min(secs, int64(365*24*time.Hour/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
