package harness

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// listenPrefix starts the one stdout line facesnap prints when ready.
	listenPrefix = "facesnap listening on "
	// startTimeout bounds the wait for the listening line.
	startTimeout = 30 * time.Second
	// stopTimeout bounds the wait for a graceful exit after SIGTERM.
	stopTimeout = 10 * time.Second
)

// Account is one provisioned key and its subscription id.
type Account struct {
	Key          string
	Subscription string
}

// NewAccount returns an account with a random key and subscription uuid.
func NewAccount() Account {
	return Account{Key: randomHex(16), Subscription: randomUUID()}
}

// Options configure a facesnap process.
type Options struct {
	// Accounts are provisioned through FACESNAP_ACCOUNTS.
	Accounts []Account
	// DataDir is --data; empty means a fresh t.TempDir().
	DataDir string
	// SnapshotStore is --snapshot-store; empty leaves the server's default.
	SnapshotStore string
	// ExtraArgs are appended to the serve command line (e.g. --allow-private-urls).
	ExtraArgs []string
	// Env adds KEY=VALUE pairs to the process environment.
	Env []string
	// Binary overrides the facesnap binary (the harness's own tests use a fake).
	Binary string
}

// Server is a running (or killed) facesnap process. Its Endpoint stays the
// same across Restart, so SDK clients made before a restart keep working.
type Server struct {
	t    testing.TB
	bin  string
	opts Options

	// Endpoint is http://HOST:PORT, what the SDKs take as their endpoint.
	Endpoint string
	// Addr is HOST:PORT.
	Addr string

	logs *tail

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	stopping bool // set when the harness ends the process on purpose
	crashed  error
}

// Start builds the binary if needed, starts facesnap serve on a free
// loopback port and waits until it prints its listening line and answers
// /healthz. The process is stopped when the test ends; its output is logged
// if the test failed.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := opts.Binary
	if bin == "" {
		bin = Binary(t)
	}
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	s := &Server{t: t, bin: bin, opts: opts, logs: newTail(64 << 10)}
	t.Cleanup(s.cleanup)
	if err := s.start("127.0.0.1:0"); err != nil {
		t.Fatalf("start facesnap: %v\n--- facesnap output ---\n%s", err, s.Logs())
	}
	return s
}

// DataDir returns the --data directory.
func (s *Server) DataDir() string { return s.opts.DataDir }

// Logs returns the tail of the process's stdout and stderr, all runs.
func (s *Server) Logs() string { return s.logs.String() }

func (s *Server) args(listen string) []string {
	args := []string{"serve", "--listen", listen, "--data", s.opts.DataDir}
	if s.opts.SnapshotStore != "" {
		args = append(args, "--snapshot-store", s.opts.SnapshotStore)
	}
	return append(args, s.opts.ExtraArgs...)
}

func (s *Server) start(listen string) error {
	cmd := exec.Command(s.bin, s.args(listen)...)
	cmd.Env = append(os.Environ(), "FACESNAP_ACCOUNTS="+accountsEnv(s.opts.Accounts))
	cmd.Env = append(cmd.Env, s.opts.Env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	s.logs.Printf("=== started pid %d: facesnap %s", pid, strings.Join(s.args(listen), " "))

	ready := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		announced := false
		for sc.Scan() {
			line := sc.Text()
			s.logs.Printf("[%d stdout] %s", pid, line)
			if !announced && strings.HasPrefix(line, listenPrefix) {
				announced = true
				ready <- strings.TrimSpace(strings.TrimPrefix(line, listenPrefix))
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.logs.Printf("[%d stderr] %s", pid, sc.Text())
		}
		io.Copy(io.Discard, stderr)
	}()

	done := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.done, s.stopping = cmd, done, false
	s.mu.Unlock()
	go func() {
		wg.Wait() // pipes must be drained before Wait closes them
		err := cmd.Wait()
		s.logs.Printf("=== pid %d exited: %v", pid, exitText(err))
		s.mu.Lock()
		if !s.stopping && s.crashed == nil {
			s.crashed = fmt.Errorf("facesnap pid %d exited on its own: %v", pid, exitText(err))
		}
		s.mu.Unlock()
		close(done)
	}()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	var endpoint string
	select {
	case endpoint = <-ready:
	case <-done:
		return fmt.Errorf("facesnap exited before printing %q", listenPrefix+"http://HOST:PORT")
	case <-timer.C:
		s.killNow()
		return fmt.Errorf("no %q line within %s", listenPrefix+"http://HOST:PORT", startTimeout)
	}
	if !strings.HasPrefix(endpoint, "http://") {
		s.killNow()
		return fmt.Errorf("listening line has no http:// address: %q", endpoint)
	}
	s.Endpoint = endpoint
	s.Addr = strings.TrimPrefix(endpoint, "http://")
	return s.waitHealthy(done)
}

// waitHealthy polls GET /healthz until 200, bounded in count and time.
func (s *Server) waitHealthy(done <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	var last string
	for i := 0; i < 100; i++ {
		select {
		case <-done:
			return fmt.Errorf("facesnap exited while waiting for /healthz")
		default:
		}
		resp, err := client.Get(s.Endpoint + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.killNow()
	return fmt.Errorf("GET /healthz never answered 200 (last: %s)", last)
}

// Kill sends SIGKILL, as kill -9 does, and waits for the process to go.
func (s *Server) Kill() {
	s.t.Helper()
	if !s.killNow() {
		s.t.Fatalf("facesnap did not exit after SIGKILL")
	}
}

func (s *Server) killNow() bool {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.stopping = true
	s.mu.Unlock()
	if cmd == nil {
		return true
	}
	cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-done:
		return true
	case <-time.After(stopTimeout):
		return false
	}
}

// Stop ends the process gracefully (SIGTERM), falling back to SIGKILL.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.stopping = true
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopTimeout):
		s.logs.Printf("=== no exit %s after SIGTERM; sending SIGKILL", stopTimeout)
		s.killNow()
	}
}

// Restart stops the process if it still runs and starts it again on the
// same address, data directory and snapshot store.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(s.Addr); err != nil {
		s.t.Fatalf("restart facesnap: %v\n--- facesnap output ---\n%s", err, s.Logs())
	}
}

// Running reports whether the current process is alive.
func (s *Server) Running() bool {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

func (s *Server) cleanup() {
	s.mu.Lock()
	crashed := s.crashed
	s.mu.Unlock()
	s.Stop()
	if crashed != nil {
		s.t.Errorf("%v", crashed)
	}
	if s.t.Failed() || os.Getenv("FACESNAP_TEST_LOGS") != "" {
		s.t.Logf("--- facesnap output (%s) ---\n%s", s.Endpoint, s.Logs())
	}
}

// Context returns a context bounded to d that ends with the test.
func Context(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func accountsEnv(accounts []Account) string {
	parts := make([]string, len(accounts))
	for i, a := range accounts {
		parts[i] = a.Key + "=" + a.Subscription
	}
	return strings.Join(parts, ",")
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// tail keeps the last max bytes of process output.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool
}

func newTail(max int) *tail { return &tail{max: max} }

func (t *tail) Printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...) + "\n"
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, line...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
		t.cut = true
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cut {
		return "[… earlier output cut …]\n" + string(t.buf)
	}
	return string(t.buf)
}
