package httpapi

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"facesnap/accounts"
)

// Limits bound what one client can hold of the server. A zero field sets
// no limit; the serve command's flags give the defaults (README,
// "Security").
type Limits struct {
	// BodyGrace and BodyMinRate bound how slowly a request body may
	// arrive: by BodyGrace after the request began plus one second per
	// BodyMinRate bytes read, or the connection is cut. A trickled body
	// then holds a connection for BodyGrace at most, and a large import
	// at any honest speed is never cut. Both must be set.
	BodyGrace   time.Duration
	BodyMinRate int64 // bytes per second
	// InFlightPerAccount caps an account's requests served at once; more
	// are answered 429 at once.
	InFlightPerAccount int
	// AuthFailuresPerMinute is how many failed authentications one client
	// address (an IPv6 /64) may make a minute, in bursts of as many; past
	// it its requests are answered 429 without looking at the key.
	AuthFailuresPerMinute int
	// MaxImportBytes caps a snapshot import's body (413 past it).
	MaxImportBytes int64
}

var errBodyTooSlow = &apiError{Status: http.StatusRequestTimeout, Code: "RequestTimeout",
	Message: "The request body arrived too slowly."}

// bodyDeadline cuts a request whose body arrives more slowly than the
// limits allow. The server resets the connection's deadline before the
// next request on it.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	l := s.cfg.Limits
	if l.BodyGrace <= 0 || l.BodyMinRate <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			sb := &slowBody{ReadCloser: r.Body, rc: rc, start: time.Now(), grace: l.BodyGrace, rate: l.BodyMinRate}
			// A writer that cannot take a deadline (a test recorder)
			// leaves the body as it is.
			if err := rc.SetReadDeadline(sb.deadline()); err == nil {
				r.Body = sb
			}
		}
		next.ServeHTTP(w, r)
	})
}

// slowBody moves the connection's read deadline on as bytes arrive.
type slowBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  int64
	read  int64
}

func (b *slowBody) deadline() time.Time {
	return b.start.Add(b.grace + time.Duration(float64(b.read)/float64(b.rate)*float64(time.Second)))
}

func (b *slowBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.read += int64(n)
		_ = b.rc.SetReadDeadline(b.deadline())
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return n, errBodyTooSlow
	}
	return n, err
}

// inFlight counts each account's requests being served.
type inFlight struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

// acquire takes a slot for the account and returns its release, or false
// when the account has max requests in flight already.
func (f *inFlight) acquire(account string) (func(), bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[account] >= f.max {
		return nil, false
	}
	f.n[account]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[account]--; f.n[account] == 0 {
			delete(f.n, account)
		}
	}, true
}

var errTooManyInFlight = &apiError{Status: http.StatusTooManyRequests, Code: "429",
	Message: "Too many requests of this account are in progress. Try again in 1 seconds.", RetryAfter: "1"}

// authFailures limits failed authentications per client address.
type authFailures struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu    sync.Mutex
	addrs map[netip.Prefix]*rate.Limiter
}

// maxAuthAddrs bounds the addresses tracked; when full, those that have
// not failed lately (a full bucket) are forgotten.
const maxAuthAddrs = 10000

func newAuthFailures(perMinute int, now func() time.Time) *authFailures {
	return &authFailures{rate: rate.Limit(float64(perMinute) / 60), burst: perMinute, now: now,
		addrs: make(map[netip.Prefix]*rate.Limiter)}
}

// clientPrefix is the address a request came from, an IPv6 address taken
// as its /64 (one host gets a whole /64). X-Forwarded-For is not trusted.
func clientPrefix(remoteAddr string) netip.Prefix {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		host, _, _ := net.SplitHostPort(remoteAddr)
		a, _ := netip.ParseAddr(host)
		ap = netip.AddrPortFrom(a, 0)
	}
	a := ap.Addr().Unmap()
	bits := a.BitLen()
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// blocked reports whether the address has used up its failures.
func (f *authFailures) blocked(p netip.Prefix) bool {
	f.mu.Lock()
	l, ok := f.addrs[p]
	f.mu.Unlock()
	return ok && l.TokensAt(f.now()) < 1
}

// failed records a failed authentication from the address.
func (f *authFailures) failed(p netip.Prefix) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	l, ok := f.addrs[p]
	if !ok {
		if len(f.addrs) >= maxAuthAddrs {
			for k, v := range f.addrs {
				if v.TokensAt(now) >= float64(f.burst) {
					delete(f.addrs, k)
				}
			}
		}
		if len(f.addrs) >= maxAuthAddrs {
			return // every tracked address is failing: keep those
		}
		l = rate.NewLimiter(f.rate, f.burst)
		f.addrs[p] = l
	}
	l.AllowN(now, 1)
}

var errAuthLimited = &apiError{Status: http.StatusTooManyRequests, Code: "429",
	Message: "Too many failed authentications from this address. Try again in 60 seconds.", RetryAfter: "60"}

// guard runs h for an authenticated account within the account's and
// the client address's limits.
func (s *Server) guard(w http.ResponseWriter, r *http.Request, h handlerFunc) error {
	var addr netip.Prefix
	if s.authFails != nil {
		addr = clientPrefix(r.RemoteAddr)
		if s.authFails.blocked(addr) {
			return errAuthLimited
		}
	}
	acct, err := s.authenticate(r)
	if err != nil {
		if s.authFails != nil && errors.Is(err, accounts.ErrUnauthorized) {
			s.authFails.failed(addr)
		}
		return err
	}
	if err := s.limit(acct); err != nil {
		return err
	}
	if s.inFlight != nil {
		release, ok := s.inFlight.acquire(acct.Name)
		if !ok {
			return errTooManyInFlight
		}
		defer release()
	}
	return h(w, r, acct)
}

// LimitListener accepts at most n connections at once: more wait in the
// kernel's backlog until one closes. n <= 0 returns ln as it is.
func LimitListener(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close also ends an Accept waiting for a slot, so a server shuts down
// while its connections are full.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
