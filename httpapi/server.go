// Package httpapi serves the Face API v1.0 over HTTP. It only translates:
// it parses requests, calls one service method and encodes the answer, and
// maps errors to the service's status codes and bodies in one function
// (writeError). The rules live in the service packages.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"facesnap"
	"facesnap/collections"
	"facesnap/operations"
	"facesnap/recognition"
	"facesnap/snapshots"
)

// Prefix is where the API is served, as the hosted service does.
const Prefix = "/face/v1.0"

// Authenticator selects the account of a subscription key
// (accounts.Service). It returns an error matching accounts.ErrUnauthorized
// for a key that selects none.
type Authenticator interface {
	Authenticate(ctx context.Context, key string) (facesnap.Account, error)
}

// Config configures New.
type Config struct {
	Accounts    Authenticator
	Collections *collections.Service
	// Recognition serves identify, verify, find-similar and group; nil
	// leaves them out.
	Recognition *recognition.Service
	// Snapshots and Operations serve the snapshot API; nil leaves it out.
	Snapshots  *snapshots.Service
	Operations *operations.Service
	Logger     *slog.Logger // default: discard
	// Registry receives the HTTP metrics and is served on /metrics;
	// default a new registry.
	Registry *prometheus.Registry
	// RateLimit is the requests per second allowed to each account; 0
	// means no limit.
	RateLimit float64
	// Ready reports whether the server can serve (GET /healthz); nil
	// means always.
	Ready func() bool
	// Now is the clock of the rate limiter and of request timing.
	Now func() time.Time
	// Limits bound what one client can hold of the server.
	Limits Limits
}

// handlerFunc is an authenticated API handler. It writes the response on
// success and returns the error otherwise; writeError renders it.
type handlerFunc func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error

// Server is the API's http.Handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics
	limiter *limiter
	// inFlight and authFails enforce Config.Limits; nil for no limit.
	inFlight  *inFlight
	authFails *authFailures
	// methods lists the methods registered per path pattern, so that other
	// methods on that path answer 405 with a JSON body.
	methods map[string][]string
}

// New returns the API handler.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		mux:     http.NewServeMux(),
		metrics: newMetrics(cfg.Registry),
		methods: make(map[string][]string),
	}
	if cfg.RateLimit > 0 {
		s.limiter = newLimiter(cfg.RateLimit, cfg.Now)
	}
	if n := cfg.Limits.InFlightPerAccount; n > 0 {
		s.inFlight = &inFlight{max: n, n: make(map[string]int)}
	}
	if n := cfg.Limits.AuthFailuresPerMinute; n > 0 {
		s.authFails = newAuthFailures(n, cfg.Now)
	}
	s.registerCollectionRoutes()
	s.registerSnapshotRoutes()
	s.registerDetectRoutes()
	if cfg.Recognition != nil {
		s.registerRecognitionRoutes()
	}
	s.registerAccountRoutes()
	s.registerFallbacks()
	s.handler = s.instrument(s.bodyDeadline(s.mux))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// handle registers an authenticated API route. pattern is a ServeMux
// pattern with a method, relative to Prefix: "GET /persongroups/{personGroupId}".
func (s *Server) handle(pattern string, h handlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/") {
		panic("httpapi: route pattern needs a method and a path: " + pattern)
	}
	path = Prefix + path
	s.methods[path] = append(s.methods[path], method)
	s.mux.Handle(method+" "+path, s.authenticated(h))
}

// handlePublic registers a route that needs no key.
func (s *Server) handlePublic(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	s.methods[path] = append(s.methods[path], method)
	s.mux.Handle(pattern, h)
}

func (s *Server) authenticated(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.guard(w, r, h); err != nil {
			s.writeError(w, r, err)
		}
	})
}

var standardMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// registerFallbacks answers, in JSON, what the routes do not: a known path
// with another method (405) and an unknown path (404).
func (s *Server) registerFallbacks() {
	for path, methods := range s.methods {
		allow := slices.Clone(methods)
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		slices.Sort(allow)
		allowed := strings.Join(slices.Compact(allow), ", ")
		// One pattern per other method, not one for the bare path: a bare
		// "/snapshots/import" would conflict with "GET /snapshots/{id}".
		for _, m := range standardMethods {
			if slices.Contains(allow, m) {
				continue
			}
			s.mux.HandleFunc(m+" "+path, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Allow", allowed)
				s.writeError(w, r, errMethodNotAllowed)
			})
		}
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errRouteNotFound)
	})
}

func (s *Server) registerCollectionRoutes() {
	s.handlePublic("GET /healthz", http.HandlerFunc(s.healthz))
	s.handlePublic("GET /metrics", s.metrics.handler(s.cfg.Registry))
	for _, k := range kinds {
		s.registerKind(k)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil && !s.cfg.Ready() {
		s.writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "The server is not ready."})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
