package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMigrate_TargetErrors checks that migrate names the cause of a
// target's refusal (its status and error code) before it takes anything.
func TestMigrate_TargetErrors(t *testing.T) {
	t.Parallel()
	source := startServer(t, keyA+"="+subA)
	seedPersons(t, faceEnv(source, keyA), "PersonGroup", "staff")
	tests := []struct {
		name    string
		handler http.HandlerFunc
		exit    int
		stderr  []string
	}{
		{
			// Not a facesnap server: no GET /account.
			name: "NoAccountEndpoint",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				if r.URL.Path == "/face/v1.0/persongroups/staff" {
					io.WriteString(w, `{"error":{"code":"PersonGroupNotFound","message":"Person group is not found."}}`)
					return
				}
				io.WriteString(w, `{"error":{"code":"ResourceNotFound","message":"The requested resource was not found."}}`)
			},
			exit:   exitAPI,
			stderr: []string{"GET /account with 404 ResourceNotFound", "not a facesnap server", "--to-subscription"},
		},
		{
			// Not a Face API at all: a web server's 404 page.
			name: "NotAFaceAPI",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "404 page not found", http.StatusNotFound)
			},
			exit:   exitAPI,
			stderr: []string{"check that target PersonGroup staff is free", "404 Not Found", "non-JSON error body: 404 page not found"},
		},
		{
			name: "WrongKey",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":{"code":"401","message":"Access denied due to invalid subscription key."}}`)
			},
			exit:   exitAPI,
			stderr: []string{"401 Unauthorized", "invalid subscription key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := httptest.NewServer(tt.handler)
			t.Cleanup(target.Close)
			var out, errOut syncBuffer
			m := &Main{Stdout: &out, Stderr: &errOut, Getenv: env(map[string]string{envEndpoint: source, envKey: keyA})}
			err := m.Run(t.Context(), []string{"migrate", "--to-endpoint", target.URL, "--to-key", "k", "--id", "staff"})
			if got := ExitCode(err); got != tt.exit {
				t.Fatalf("exit %d (%v), want %d", got, err, tt.exit)
			}
			msg := err.Error() + "\n" + errOut.String()
			for _, s := range tt.stderr {
				if !strings.Contains(msg, s) {
					t.Errorf("error lacks %q:\n%s", s, msg)
				}
			}
			if strings.Contains(msg, "snapshot") {
				t.Errorf("a snapshot was taken before the target was checked:\n%s", msg)
			}
		})
	}
}
