package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is the body of every error response.
type APIError struct {
	Error APIErrorDetail `json:"error"`
}

// APIErrorDetail is the "error" object of an APIError.
type APIErrorDetail struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Error is an error response from the service. Use errors.As to read it:
//
//	var e *client.Error
//	if errors.As(err, &e) && e.StatusCode == http.StatusNotFound { … }
type Error struct {
	StatusCode int    // HTTP status
	Code       string // error.code of the body; "" when the body was not JSON
	Message    string // error.message, or the start of a non-JSON body
	RequestID  string // the server's request id, for its logs
	// RetryAfter is what the Retry-After header asked for, if anything.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "face api: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// requestIDHeaders are where servers put their request id, most specific
// first: the service's own, then the common ones.
var requestIDHeaders = [...]string{"Apim-Request-Id", "X-Ms-Request-Id", "X-Request-Id"}

// errorBodyLimit bounds how much of an error body is read: error documents
// are small, and a proxy's HTML page need not be read whole.
const errorBodyLimit = 64 << 10

// snippetLimit bounds how much of a non-JSON body goes into Message.
const snippetLimit = 200

// readError turns a response the caller did not expect into an *Error. It
// reads and closes the body.
func readError(resp *http.Response, now time.Time) *Error {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	e := &Error{StatusCode: resp.StatusCode}
	for _, h := range requestIDHeaders {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), now)

	// The body is parsed whatever its Content-Type: a server that labels
	// its JSON text/plain still said what went wrong.
	var doc APIError
	if json.Unmarshal(body, &doc) == nil &&
		(doc.Error.Code != "" || doc.Error.Message != "") {
		e.Code, e.Message = doc.Error.Code, doc.Error.Message
		return e
	}
	// Not the API's error document: a proxy page, a plain-text panic, or a
	// success status the spec does not document. Keep a readable start.
	text := strings.TrimSpace(string(body))
	if len(text) > snippetLimit {
		text = text[:snippetLimit]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
		text += "…"
	}
	switch {
	case resp.StatusCode < 300:
		e.Message = "unexpected success status"
	case text == "":
		e.Message = "empty error body"
	default:
		e.Message = "non-JSON error body: " + text
	}
	return e
}
