package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OperationStatusType is OperationStatus.status.
type OperationStatusType string

// OperationKind is what an operation does (a facesnap extension).
type OperationKind string

const (
	OperationTake  OperationKind = "take"  // a snapshot take
	OperationApply OperationKind = "apply" // a snapshot apply
	OperationTrain OperationKind = "train" // a collection's training
)

const (
	OperationNotStarted OperationStatusType = "notstarted" // queued
	OperationRunning    OperationStatusType = "running"
	OperationSucceeded  OperationStatusType = "succeeded"
	OperationFailed     OperationStatusType = "failed" // see Message
)

// Finished reports whether s is terminal: succeeded or failed.
func (s OperationStatusType) Finished() bool {
	return s == OperationSucceeded || s == OperationFailed
}

// OperationStatus is the state of an asynchronous take or apply.
type OperationStatus struct {
	// OperationID is a facesnap extension, set in ListOperations results
	// only: GET /operations/{id} names the operation already.
	OperationID string `json:"operationId,omitempty"`
	// Kind is a facesnap extension, set in ListOperations results only:
	// take, apply or train.
	Kind   OperationKind       `json:"kind,omitempty"`
	Status OperationStatusType `json:"status"`
	// CreatedTime is when the operation was requested.
	CreatedTime Time `json:"createdTime"`
	// LastActionTime keeps increasing while data moves.
	LastActionTime Time `json:"lastActionTime,omitzero"`
	// ResourceLocation is, on success, "/snapshots/{id}" for a take and
	// the path of the created object for an apply.
	ResourceLocation string `json:"resourceLocation,omitempty"`
	// Message says why the operation failed; omitted on success.
	Message string `json:"message,omitempty"`
	// Progress is a facesnap extension, nil while the total is unknown.
	Progress *Progress `json:"progress,omitempty"`
}

// Progress counts the items (persons and faces) an operation has moved.
// It is a facesnap extension.
type Progress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// GetOperation returns the status of a take or apply operation.
func (c *Client) GetOperation(ctx context.Context, operationID string) (OperationStatus, error) {
	st, _, err := c.getOperation(ctx, operationID)
	return st, err
}

func (c *Client) getOperation(ctx context.Context, operationID string) (OperationStatus, http.Header, error) {
	var st OperationStatus
	h, err := c.call(ctx, request{method: http.MethodGet, path: "/operations/" + pathID(operationID), want: http.StatusOK}, &st)
	return st, h, err
}

// ListOperationsOptions pages through ListOperations.
type ListOperationsOptions struct {
	// Top bounds the number returned; 0 leaves it to the server.
	Top int
	// Before, when set, returns only operations created before it: pass
	// the CreatedTime of the last one of the previous page.
	Before time.Time
}

// ListOperations lists the caller's operations, newest first. It is a
// facesnap extension: GET /operations?top=N&before=TIME.
func (c *Client) ListOperations(ctx context.Context, opts ListOperationsOptions) ([]OperationStatus, error) {
	q := url.Values{}
	if opts.Top > 0 {
		q.Set("top", strconv.Itoa(opts.Top))
	}
	if !opts.Before.IsZero() {
		q.Set("before", NewTime(opts.Before).String())
	}
	var list []OperationStatus
	_, err := c.call(ctx, request{method: http.MethodGet, path: "/operations", query: q, want: http.StatusOK}, &list)
	return list, err
}

// OperationIDFromLocation returns the operation id of an Operation-Location
// header: "/operations/{id}", or a URL whose path ends that way.
func OperationIDFromLocation(location string) (string, error) {
	return idFromLocation(location, "operations")
}

// SnapshotIDFromLocation returns the snapshot id of a take operation's
// ResourceLocation, "/snapshots/{id}".
func SnapshotIDFromLocation(location string) (string, error) {
	return idFromLocation(location, "snapshots")
}

// idFromLocation takes the segment after the last "/{collection}/".
func idFromLocation(location, collection string) (string, error) {
	p := location
	if u, err := url.Parse(location); err == nil && u.Path != "" {
		p = u.Path
	}
	marker := "/" + collection + "/"
	i := strings.LastIndex(p, marker)
	if i < 0 {
		return "", fmt.Errorf("location %q: no %s", location, marker)
	}
	id := strings.TrimSuffix(p[i+len(marker):], "/")
	if id == "" || strings.Contains(id, "/") {
		return "", fmt.Errorf("location %q: no id after %s", location, marker)
	}
	return id, nil
}

// operationIDFromHeader reads the Operation-Location of a 202.
func operationIDFromHeader(h http.Header) (string, error) {
	loc := h.Get("Operation-Location")
	if loc == "" {
		return "", errors.New("202 response has no Operation-Location header")
	}
	return OperationIDFromLocation(loc)
}
