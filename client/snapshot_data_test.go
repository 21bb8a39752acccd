package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestClient_ExportSnapshot(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("FSNAP\x00\x01"), 10000)
	b := setup(t, replies(reply{status: 200, header: map[string]string{"Content-Type": "application/octet-stream"}, body: string(data)}))
	var buf bytes.Buffer
	n, err := b.c.ExportSnapshot(t.Context(), snapshotID, &buf)
	if err != nil || n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("ExportSnapshot = %d, %v; wrote %d bytes, want %d", n, err, buf.Len(), len(data))
	}
	r := b.recorded()[0]
	if r.Method != "GET" || r.Path != "/face/v1.0/snapshots/"+snapshotID+"/data" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Accept"); got != "application/octet-stream" {
		t.Errorf("Accept %q", got)
	}
}

func TestClient_ExportSnapshotErrors(t *testing.T) {
	t.Parallel()
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t, replies(jsonError(404, "SnapshotNotFound", "Snapshot is not found.")))
		var buf bytes.Buffer
		_, err := b.c.ExportSnapshot(t.Context(), snapshotID, &buf)
		var e *Error
		if !errors.As(err, &e) || e.Code != "SnapshotNotFound" {
			t.Fatalf("err = %v", err)
		}
		if buf.Len() != 0 {
			t.Errorf("the error body reached w: %q", buf.String())
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, "only part")
		})
		n, err := b.c.ExportSnapshot(t.Context(), snapshotID, io.Discard)
		if err == nil {
			t.Fatalf("no error for a cut body (%d bytes)", n)
		}
	})
}

func TestClient_ImportSnapshot(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("snapshot-bytes ", 1000)
	tests := []struct {
		name       string
		body       func() io.Reader
		req        ImportSnapshotRequest
		wantQuery  string
		wantLength bool // Content-Length rather than chunked
	}{
		{
			name:       "Seekable",
			body:       func() io.Reader { return strings.NewReader(data) },
			req:        ImportSnapshotRequest{ApplyScope: []string{"35230F59-AA9C-45E0-AB5E-C859BF1A5429", "64084E07-9B7F-4A98-BEA4-9986D3A1EDEB"}, UserData: "nightly backup & co"},
			wantQuery:  "applyScope=35230F59-AA9C-45E0-AB5E-C859BF1A5429%2C64084E07-9B7F-4A98-BEA4-9986D3A1EDEB&userData=nightly+backup+%26+co",
			wantLength: true,
		},
		{
			name: "Stream",
			body: func() io.Reader { return io.MultiReader(strings.NewReader(data)) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, replies(reply{status: 200, body: snapshotJSON}))
			s, err := b.c.ImportSnapshot(t.Context(), tt.body(), tt.req)
			if err != nil || s.ID != snapshotID {
				t.Fatalf("ImportSnapshot = %+v, %v", s, err)
			}
			r := b.recorded()[0]
			if r.Method != "POST" || r.Path != "/face/v1.0/snapshots/import" || r.RawQuery != tt.wantQuery {
				t.Errorf("request %s %s?%s", r.Method, r.Path, r.RawQuery)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
				t.Errorf("Content-Type %q", ct)
			}
			if string(r.Body) != data {
				t.Errorf("sent %d bytes, want %d", len(r.Body), len(data))
			}
			if got := r.Header.Get("Content-Length"); (got == strconv.Itoa(len(data))) != tt.wantLength {
				t.Errorf("Content-Length %q, want it set: %v", got, tt.wantLength)
			}
		})
	}
}

// TestClient_ImportSnapshotStreams checks that the upload is not buffered:
// the server reads the first part before the second part exists. A client
// that read the whole body first would never send anything.
func TestClient_ImportSnapshotStreams(t *testing.T) {
	t.Parallel()
	first, second := strings.Repeat("a", 4096), strings.Repeat("b", 4096)
	gotFirst := make(chan struct{})
	received := make(chan []byte, 1)
	// A server of its own: setup's recorder reads whole bodies first.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, len(first))
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			t.Errorf("read first part: %v", err)
		}
		close(gotFirst)
		rest, _ := io.ReadAll(r.Body)
		received <- append(buf, rest...)
		reply{status: 200, body: snapshotJSON}.write(w)
	}))
	defer srv.Close()
	c := New(srv.URL, testKey)

	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, first)
		<-gotFirst
		_, _ = io.WriteString(pw, second)
		_ = pw.Close()
	}()
	if _, err := c.ImportSnapshot(t.Context(), pr, ImportSnapshotRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := <-received; string(got) != first+second {
		t.Errorf("server got %d bytes", len(got))
	}
}
