package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"facesnap"
)

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// newRequestID returns a random id in the uuid layout the service uses
// for apim-request-id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// acceptRequestID reports whether a caller's X-Request-Id is safe to echo
// and log.
func acceptRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// statusWriter records what a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument wraps the mux: request id, panic recovery, access log and
// metrics by route pattern.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.cfg.Now()
		id := r.Header.Get("X-Request-Id")
		if !acceptRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		w.Header().Set("apim-request-id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		sw := &statusWriter{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "request_id", id, "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeJSON(sw, http.StatusInternalServerError, errorBody{Error: errorDetail{"InternalServerError", internalMessage}})
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := s.cfg.Now().Sub(start)
			s.metrics.observe(route, status, elapsed)
			level := slog.LevelDebug
			switch {
			case status >= 500:
				level = slog.LevelError
			case status >= 400:
				level = slog.LevelInfo
			}
			// 5xx log at error, 4xx at info, successes at debug (the
			// README's Logging says so): at tens of thousands of requests
			// per second an access line each would cost more than the
			// request; the guard spares building the line's arguments.
			if s.log.Enabled(r.Context(), level) {
				s.log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "route", route,
					"path", r.URL.Path, "status", status, "duration_ms", float64(elapsed.Microseconds())/1000)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// metrics are the HTTP metrics, by route pattern and status.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "facesnap_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "facesnap_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, code).Inc()
	m.latency.WithLabelValues(route, code).Observe(d.Seconds())
}

func (m *metrics) handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// authenticate selects the account of the request's key.
func (s *Server) authenticate(r *http.Request) (facesnap.Account, error) {
	key := r.Header.Get("Ocp-Apim-Subscription-Key")
	if key == "" {
		return facesnap.Account{}, errMissingKey
	}
	return s.cfg.Accounts.Authenticate(r.Context(), key)
}

// limiter holds a token bucket per account.
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiter(perSecond float64, now func() time.Time) *limiter {
	return &limiter{
		rate:    rate.Limit(perSecond),
		burst:   max(1, int(math.Ceil(perSecond))),
		now:     now,
		buckets: make(map[string]*rate.Limiter),
	}
}

// allow takes a token from the account's bucket, or says how long to wait
// for one.
func (l *limiter) allow(account string) (bool, time.Duration) {
	l.mu.Lock()
	b, ok := l.buckets[account]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[account] = b
	}
	l.mu.Unlock()
	now := l.now()
	res := b.ReserveN(now, 1)
	delay := res.DelayFrom(now)
	if delay == 0 {
		return true, 0
	}
	res.CancelAt(now)
	return false, delay
}

// errRateLimited is the answer to a request over the account's rate.
func errRateLimited(wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &apiError{
		Status:     http.StatusTooManyRequests,
		Code:       "429",
		Message:    fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", secs),
		RetryAfter: strconv.Itoa(secs),
	}
}

func (s *Server) limit(acct facesnap.Account) error {
	if s.limiter == nil {
		return nil
	}
	if ok, wait := s.limiter.allow(acct.Name); !ok {
		return errRateLimited(wait)
	}
	return nil
}
