// Package harness runs facesnap as a real process for the SDK-driven tests:
// it builds the binary once per test run, starts servers on loopback, waits
// for their listening line, and can kill -9 and restart them on the same
// data directory.
package harness

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// BinEnv names the environment variable that points at a prebuilt facesnap
// binary. scripts/test sets it so that the binary is built once for the Go
// and the JS suites; without it the harness builds its own copy.
const BinEnv = "FACESNAP_BIN"

var (
	buildOnce sync.Once
	buildPath string
	buildDir  string
	buildErr  error
)

// Main wraps testing.M.Run so that a binary built by the harness is removed
// when the test binary exits. Use it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// Binary returns the path of the facesnap binary, building it on first use.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv(BinEnv); p != "" {
			abs, err := filepath.Abs(p)
			if err != nil {
				buildErr = err
				return
			}
			if _, err := os.Stat(abs); err != nil {
				buildErr = fmt.Errorf("%s=%s: %w", BinEnv, p, err)
				return
			}
			buildPath = abs
			return
		}
		buildPath, buildErr = build()
	})
	if buildErr != nil {
		t.Fatalf("facesnap binary: %v", buildErr)
	}
	return buildPath
}

func build() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "facesnap-bin-")
	if err != nil {
		return "", err
	}
	buildDir = dir
	out := filepath.Join(dir, "facesnap")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/facesnap")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/facesnap in %s: %v\n%s", root, err, stderr.String())
	}
	return out, nil
}

// RepoRoot finds the root of the facesnap repository: git's top level when
// available, otherwise the nearest parent directory whose go.mod declares
// module facesnap.
func RepoRoot() (string, error) {
	if out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output(); err == nil {
		root := strings.TrimSpace(string(out))
		if isRootModule(root) {
			return root, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRootModule(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root not found (no go.mod declaring module facesnap above the working directory)")
		}
		dir = parent
	}
}

func isRootModule(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "module facesnap" {
			return true
		}
	}
	return false
}
