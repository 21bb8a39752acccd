package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut syncBuffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: env(nil)}
	if err := m.Run(t.Context(), args); err != nil {
		t.Fatalf("facesnap %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

func TestAccountCommands(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	out := run(t, "account", "add", "--data", data, "--name", "acme", "--subscription", "11111111-1111-4111-8111-111111111111")
	if !regexp.MustCompile(`key:\s+[0-9a-f]{32}\n`).MatchString(out) || !strings.Contains(out, "/accounts/acme") {
		t.Errorf("account add printed:\n%s\nwant the account path and a 32-hex key", out)
	}
	run(t, "account", "add", "--data", data, "--key", "chosen-key-0123456789abcdef0123456789")
	out = run(t, "account", "list", "--data", data)
	if !strings.Contains(out, "acme") || strings.Count(out, "\n") != 3 {
		t.Errorf("account list printed:\n%s\nwant a header and two accounts", out)
	}
	if strings.Contains(out, "chosen-key") {
		t.Errorf("account list shows a key:\n%s", out)
	}
	run(t, "account", "remove", "--data", data, "acme")
	if out = run(t, "account", "list", "--data", data); strings.Contains(out, "acme") {
		t.Errorf("after remove, account list printed:\n%s", out)
	}
	var errOut syncBuffer
	m := &Main{Stdout: io.Discard, Stderr: &errOut, Getenv: env(nil)}
	if err := m.Run(t.Context(), []string{"account", "remove", "--data", data, "acme"}); err == nil {
		t.Error("removing a missing account succeeded")
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		key      string
		status   int
		stderrOK func(string) bool
	}{
		{
			name: "Provisioned", env: map[string]string{"FACESNAP_ACCOUNTS": "serve-test-key-0123456789abcdef0123=11111111-1111-4111-8111-111111111111"},
			key: "serve-test-key-0123456789abcdef0123", status: http.StatusOK,
			stderrOK: func(s string) bool { return !strings.Contains(s, "serve-test-key") },
		},
		{
			name: "NoAccount", key: "any", status: http.StatusUnauthorized,
			stderrOK: func(s string) bool {
				return strings.Contains(s, "facesnap account add") && strings.Contains(s, "snapshot store has no key")
			},
		},
		{
			name: "StoreKey", env: map[string]string{envStoreKeys: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
			key: "any", status: http.StatusUnauthorized,
			stderrOK: func(s string) bool {
				return strings.Contains(s, "snapshot store sealed") && !strings.Contains(s, "has no key")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			pr, pw := io.Pipe()
			var errOut syncBuffer
			m := &Main{Stdout: pw, Stderr: &errOut, Getenv: env(tt.env)}
			done := make(chan error, 1)
			go func() {
				done <- m.Run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "debug"})
				pw.Close()
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("no listening line: %v\n%s", err, errOut.String())
			}
			match := regexp.MustCompile(`^facesnap listening on (http://127\.0\.0\.1:[1-9][0-9]*)\n$`).FindStringSubmatch(line)
			if match == nil {
				t.Fatalf("listening line %q", line)
			}
			go io.Copy(io.Discard, pr)

			resp, err := http.Get(match[1] + "/healthz")
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("healthz: %v %v", resp, err)
			}
			resp.Body.Close()
			req, _ := http.NewRequestWithContext(ctx, "GET", match[1]+"/face/v1.0/persongroups", nil)
			req.Header.Set("Ocp-Apim-Subscription-Key", tt.key)
			resp, err = http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != tt.status {
				t.Fatalf("list person groups: %v %v, want %d", resp, err, tt.status)
			}
			resp.Body.Close()

			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve after shutdown: %v", err)
			}
			if !tt.stderrOK(errOut.String()) {
				t.Errorf("stderr:\n%s", errOut.String())
			}
		})
	}
}
