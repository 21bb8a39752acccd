package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ImportSnapshotRequest says who may apply an imported snapshot.
type ImportSnapshotRequest struct {
	ApplyScope []string // subscription ids (uuids)
	UserData   string
}

// ExportSnapshot streams a snapshot's data to w and returns the bytes
// written. It is a facesnap extension: GET /snapshots/{id}/data answers the
// portable, checksummed snapshot file as application/octet-stream.
func (c *Client) ExportSnapshot(ctx context.Context, snapshotID string, w io.Writer) (int64, error) {
	resp, err := c.do(ctx, request{
		method: http.MethodGet, path: snapshotPath(snapshotID) + "/data",
		accept: "application/octet-stream", want: http.StatusOK,
	})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// A body cut short, with a length or chunked, is io.ErrUnexpectedEOF.
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("export snapshot %s: %w", snapshotID, err)
	}
	return n, nil
}

// ImportSnapshot uploads a file written by ExportSnapshot and returns the
// snapshot it creates, which can then be applied. r is streamed, not
// buffered; an r that is also an io.Seeker (an *os.File) is sent with its
// length and can be retried. It is a facesnap extension:
// POST /snapshots/import?applyScope=…&userData=….
func (c *Client) ImportSnapshot(ctx context.Context, r io.Reader, req ImportSnapshotRequest) (Snapshot, error) {
	q := url.Values{}
	if len(req.ApplyScope) > 0 {
		q.Set("applyScope", strings.Join(req.ApplyScope, ","))
	}
	if req.UserData != "" {
		q.Set("userData", req.UserData)
	}
	var s Snapshot
	_, err := c.call(ctx, request{method: http.MethodPost, path: "/snapshots/import", query: q, stream: r, want: http.StatusOK}, &s)
	return s, err
}
