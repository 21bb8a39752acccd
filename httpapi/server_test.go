package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"facesnap"
	"facesnap/accounts"
)

// oneKey is an Authenticator that knows one key.
type oneKey struct{}

func (oneKey) Authenticate(_ context.Context, key string) (facesnap.Account, error) {
	if key != "k" {
		return facesnap.Account{}, accounts.ErrUnauthorized
	}
	return facesnap.Account{Name: "a"}, nil
}

// TestServer_Handle checks what every authenticated route shares: panics
// and unexpected errors become a JSON 500 without their detail, and another
// file can register routes with handle.
func TestServer_Handle(t *testing.T) {
	t.Parallel()
	s := New(Config{Accounts: oneKey{}})
	s.handle("GET /test/panic", func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		panic("boom")
	})
	s.handle("GET /test/error", func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		return errors.New("secret detail")
	})
	s.handle("GET /test/ok", func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		writeJSON(w, http.StatusOK, map[string]string{"account": acct.Name})
		return nil
	})
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/test/panic", 500, `"InternalServerError"`},
		{"/test/error", 500, `"InternalServerError"`},
		{"/test/ok", 200, `{"account":"a"}`},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/test/"), func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), "GET", Prefix+tt.path, nil)
			req.Header.Set("Ocp-Apim-Subscription-Key", "k")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tt.status || !strings.Contains(string(body), tt.body) || strings.Contains(string(body), "secret") {
				t.Errorf("GET %s = %d %s, want %d with %s", tt.path, rec.Code, body, tt.status, tt.body)
			}
			if rec.Header().Get("Content-Type") != contentTypeJSON {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}
