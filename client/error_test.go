package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestClient_Error(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply reply
		want  Error
	}{
		{
			name:  "APIError",
			reply: reply{status: 404, header: map[string]string{"Apim-Request-Id": "req-1"}, body: `{"error":{"code":"PersonGroupNotFound","message":"Person group is not found."}}`},
			want:  Error{StatusCode: 404, Code: "PersonGroupNotFound", Message: "Person group is not found.", RequestID: "req-1"},
		},
		{
			name:  "APIErrorLabelledText",
			reply: reply{status: 400, header: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Request-Id": "req-2"}, body: `{"error":{"code":"BadArgument","message":"Invalid argument."}}`},
			want:  Error{StatusCode: 400, Code: "BadArgument", Message: "Invalid argument.", RequestID: "req-2"},
		},
		{
			name:  "PlainText",
			reply: reply{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: "<html>Bad Gateway</html>\n"},
			want:  Error{StatusCode: 502, Message: "non-JSON error body: <html>Bad Gateway</html>"},
		},
		{
			name:  "EmptyBody",
			reply: reply{status: 500},
			want:  Error{StatusCode: 500, Message: "empty error body"},
		},
		{
			name:  "JSONWithoutError",
			reply: reply{status: 409, body: `{"status":"conflict"}`},
			want:  Error{StatusCode: 409, Message: `non-JSON error body: {"status":"conflict"}`},
		},
		{
			name:  "LongBodyCut",
			reply: reply{status: 500, header: map[string]string{"Content-Type": "text/plain"}, body: strings.Repeat("é", 300)},
			want:  Error{StatusCode: 500, Message: "non-JSON error body: " + strings.Repeat("é", 100) + "…"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(tt.reply))
			_, err := b.c.GetSnapshot(t.Context(), snapshotID)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if *e != tt.want {
				t.Errorf("got  %#v\nwant %#v", *e, tt.want)
			}
			if !strings.Contains(err.Error(), http.StatusText(tt.want.StatusCode)) {
				t.Errorf("message %q lacks the status", err)
			}
		})
	}
}

func TestError_Error(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 404, Code: "PersonGroupNotFound", Message: "Person group is not found.", RequestID: "r1"}
	want := "face api: 404 Not Found: PersonGroupNotFound: Person group is not found. (request id r1)"
	if e.Error() != want {
		t.Errorf("got %q\nwant %q", e.Error(), want)
	}
}
