// Package benchserver runs `facesnap serve` processes for the benchmark
// commands and reads what they cost from /proc.
package benchserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"facesnap/internal/cputime"
)

// Server is a running `facesnap serve`.
type Server struct {
	cmd      *exec.Cmd
	Pid      int
	Endpoint string // http://HOST:PORT
}

// Start runs `bin serve --listen 127.0.0.1:0 --log-level warn ARGS…` with
// FACESNAP_ACCOUNTS set to accounts, and waits (30 s at most) for the line
// that says where it listens.
func Start(bin, accounts string, args ...string) (*Server, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "FACESNAP_ACCOUNTS="+accounts)
	return StartCommand(cmd)
}

// StartCommand runs cmd, a server that prints "facesnap listening on
// http://HOST:PORT" on its standard output once it listens (a baseline
// server of the benchmarks does the same), and waits 30 s at most for it.
func StartCommand(cmd *exec.Cmd) (*Server, error) {
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if ep, ok := strings.CutPrefix(sc.Text(), "facesnap listening on "); ok {
				lines <- ep
			}
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case ep, ok := <-lines:
		if !ok {
			return nil, errors.New("server exited before listening")
		}
		return &Server{cmd: cmd, Pid: cmd.Process.Pid, Endpoint: ep}, nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return nil, errors.New("server did not start in 30 s")
	}
}

// Stop interrupts the server and waits for it, killing it after 10 s.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// CPU is a process's user+system CPU time; 0 for pid 0 or when unknown.
func CPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	d, _ := cputime.Process(pid)
	return d
}

// PeakRSS is a process's high-water resident set in MiB (VmHWM).
func PeakRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return math.NaN()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
			return kb / 1024
		}
	}
	return math.NaN()
}

// Workspace returns dir, or a new temporary directory named after prefix
// with the func that removes it, and bin, or a facesnap built into that
// directory from ./cmd/facesnap (the benchmarks run from the repository's
// root).
func Workspace(dir, bin, prefix string) (string, string, func(), error) {
	cleanup := func() {}
	if dir == "" {
		d, err := os.MkdirTemp("", prefix)
		if err != nil {
			return "", "", nil, err
		}
		dir, cleanup = d, func() { os.RemoveAll(d) }
	}
	if bin == "" {
		bin = filepath.Join(dir, "facesnap")
		build := exec.Command("go", "build", "-o", bin, "./cmd/facesnap")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			cleanup()
			return "", "", nil, fmt.Errorf("build: %w", err)
		}
	}
	return dir, bin, cleanup, nil
}
