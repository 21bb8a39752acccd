package harness

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BasePath is where facesnap serves the Face API.
const BasePath = "/face/v1.0"

// Response is a raw HTTP answer, body read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// APIError is the service's error body.
type APIError struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Request is one raw call. Path is relative to BasePath and may carry a
// query. An empty ContentType sends none.
type Request struct {
	Method      string
	Path        string
	Key         string
	ContentType string
	Body        []byte
	Header      http.Header
}

var rawClient = &http.Client{Timeout: 30 * time.Second}

// Do sends a raw request to the server, bypassing the SDKs, so that the
// server's own validation (which the SDKs refuse to reach) can be tested.
func (s *Server) Do(t testing.TB, r Request) Response {
	t.Helper()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, s.Endpoint+BasePath+r.Path, body)
	if err != nil {
		t.Fatalf("build request %s %s: %v", r.Method, r.Path, err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if r.Key != "" {
		req.Header.Set("Ocp-Apim-Subscription-Key", r.Key)
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", r.Method, r.Path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// JSON sends v encoded as JSON with the content type the SDKs use.
func (s *Server) JSON(t testing.TB, method, path, key string, v any) Response {
	t.Helper()
	var b []byte
	if v != nil {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatalf("encode body: %v", err)
		}
	}
	return s.Do(t, Request{Method: method, Path: path, Key: key, ContentType: "application/json; charset=utf-8", Body: b})
}

// MediaType is the response's Content-Type without parameters.
func (r Response) MediaType() string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return r.Header.Get("Content-Type")
	}
	return mt
}

// ErrorCode returns error.code from the body, or "" when there is none.
func (r Response) ErrorCode() string {
	var e APIError
	if json.Unmarshal(r.Body, &e) != nil || e.Error == nil {
		return ""
	}
	return e.Error.Code
}

// String renders the response for failure messages.
func (r Response) String() string {
	body := string(r.Body)
	if len(body) > 2000 {
		body = body[:2000] + "…"
	}
	return strings.TrimSpace(http.StatusText(r.Status)+" "+itoa(r.Status)) + " Content-Type=" + r.Header.Get("Content-Type") + " body=" + body
}

// ExpectError checks that the response is an error with the given status
// and code, carried as {"error":{"code","message"}} in application/json.
// code "" accepts any non-empty code.
func (r Response) ExpectError(t testing.TB, what string, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d; response: %s", what, r.Status, status, r)
		return
	}
	if mt := r.MediaType(); mt != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json; response: %s", what, r.Header.Get("Content-Type"), r)
	}
	var e APIError
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == nil {
		t.Errorf("%s: body is not {\"error\":{...}}: %v; response: %s", what, err, r)
		return
	}
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Errorf("%s: error.code and error.message must both be set; response: %s", what, r)
	}
	if code != "" && e.Error.Code != code {
		t.Errorf("%s: error.code %q, want %q; response: %s", what, e.Error.Code, code, r)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
