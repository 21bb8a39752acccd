//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeBlock is a fenced block of README.md that follows a marker line.
type readmeBlock struct {
	line int // of the opening fence
	text string
}

// readmeBlocks returns the fenced blocks of README.md that a marker line
// (such as "<!-- runnable -->") introduces, in order.
func readmeBlocks(t *testing.T, marker, lang string) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var (
		blocks []readmeBlock
		cur    *readmeBlock
		marked bool
	)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		case marked && line == "```"+lang:
			cur = &readmeBlock{line: n}
			marked = false
		case strings.TrimSpace(line) == marker:
			marked = true
		case marked && strings.TrimSpace(line) != "":
			t.Fatalf("README.md:%d: %s is not followed by a ```%s block", n, marker, lang)
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unterminated block", cur.line)
	}
	return blocks
}

// readmeServeConfig is the README's example config file.
func readmeServeConfig(t *testing.T) string {
	blocks := readmeBlocks(t, "<!-- serve-config -->", "toml")
	if len(blocks) != 1 {
		t.Fatalf("README.md has %d serve config examples, want 1", len(blocks))
	}
	return blocks[0].text
}

// readmeTimeout bounds the whole walkthrough, servers' start included.
const readmeTimeout = 4 * time.Minute

// TestREADME runs the README's runnable shell blocks, in order, in one
// shell in the checkout, as a new user would paste them: each must
// succeed, and the checkout's git status must be the same afterwards.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the README walkthrough builds and starts real servers")
	}
	for _, tool := range []string{"bash", "git", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the README walkthrough needs %s: %v", tool, err)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".cache", "face-api", weightsFile)); err != nil {
		t.Skipf("no face engine weights in .cache/face-api (scripts/fetch-models): %v", err)
	}
	blocks := readmeBlocks(t, "<!-- runnable -->", "sh")
	if len(blocks) == 0 {
		t.Fatal("README.md marks no runnable block")
	}
	// The runner's own wrapper, not the README's: stop what a failed
	// block left running.
	script := "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
	for _, b := range blocks {
		script += fmt.Sprintf("echo '==> README.md:%d' >&2\n%s", b.line, b.text)
	}

	status := func() string {
		t.Helper()
		out, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=all").Output()
		if err != nil {
			t.Fatalf("git status: %v", err)
		}
		return string(out)
	}
	before := status()

	ctx, cancel := context.WithTimeout(t.Context(), readmeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = root
	// The two servers on free ports (the README's defaults may be taken);
	// nothing else of the test's environment reaches the blocks.
	cmd.Env = append(cleanEnv(), "WEST="+freeAddr(t), "EAST="+freeAddr(t))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // anything the blocks left behind
	}
	if err != nil {
		t.Fatalf("README walkthrough: %v\n%s", err, out.String())
	}
	t.Logf("README walkthrough:\n%s", out.String())
	for _, want := range []string{"verified target PersonGroup employees: 1 persons, 1 faces", "alice"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("walkthrough output lacks %q:\n%s", want, out.String())
		}
	}
	if after := status(); after != before {
		t.Errorf("the walkthrough changed git status:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// cleanEnv is the environment without facesnap's and the samples'
// variables, which would change what the blocks do.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "FACESNAP_") || strings.HasPrefix(kv, "FACE_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// freeAddr is a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
