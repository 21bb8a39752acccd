package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// SnapshotObjectType is the kind of collection a snapshot holds.
type SnapshotObjectType string

const (
	SnapshotFaceList         SnapshotObjectType = "FaceList"
	SnapshotLargeFaceList    SnapshotObjectType = "LargeFaceList"
	SnapshotLargePersonGroup SnapshotObjectType = "LargePersonGroup"
	SnapshotPersonGroup      SnapshotObjectType = "PersonGroup"
)

// SnapshotApplyMode is how an apply treats the target; CreateNew only.
type SnapshotApplyMode string

// ApplyModeCreateNew fails the apply when the target already exists.
const ApplyModeCreateNew SnapshotApplyMode = "CreateNew"

// Snapshot describes a snapshot taken by TakeSnapshot.
type Snapshot struct {
	ID string `json:"id"`
	// Account is the Face account id of the subscriber who took it.
	Account string             `json:"account"`
	Type    SnapshotObjectType `json:"type"`
	// ApplyScope lists the subscription ids (uuids) that may apply it.
	ApplyScope     []string `json:"applyScope"`
	UserData       string   `json:"userData,omitempty"`
	CreatedTime    Time     `json:"createdTime"`
	LastUpdateTime Time     `json:"lastUpdateTime"`
}

// TakeSnapshotRequest is the body of TakeSnapshot.
type TakeSnapshotRequest struct {
	Type       SnapshotObjectType `json:"type"`
	ObjectID   string             `json:"objectId"` // the source collection
	ApplyScope []string           `json:"applyScope"`
	UserData   string             `json:"userData,omitempty"`
}

// ApplySnapshotRequest is the body of ApplySnapshot.
type ApplySnapshotRequest struct {
	ObjectID string `json:"objectId"` // the target to create
	// Mode defaults to CreateNew, the only mode, which ApplySnapshot sends
	// when it is empty, as the official clients do.
	Mode SnapshotApplyMode `json:"mode,omitempty"`
}

// UpdateSnapshotRequest is the body of UpdateSnapshot; empty fields are
// left unchanged.
type UpdateSnapshotRequest struct {
	ApplyScope []string `json:"applyScope,omitempty"`
	// UserData, when set, replaces the snapshot's user data; a pointer
	// to "" clears it.
	UserData *string `json:"userData,omitempty"`
}

// ListSnapshotsOptions filters ListSnapshots; zero fields do not filter.
type ListSnapshotsOptions struct {
	Type       SnapshotObjectType
	ApplyScope []string
}

// TakeSnapshot starts taking a snapshot and returns the operation id to
// pass to WaitOperation. On success the operation's ResourceLocation names
// the snapshot (see SnapshotIDFromLocation).
func (c *Client) TakeSnapshot(ctx context.Context, req TakeSnapshotRequest) (operationID string, err error) {
	h, err := c.call(ctx, request{method: http.MethodPost, path: "/snapshots", body: req, want: http.StatusAccepted}, nil)
	if err != nil {
		return "", err
	}
	return operationIDFromHeader(h)
}

// ApplySnapshot starts creating req.ObjectID from a snapshot and returns
// the operation id to pass to WaitOperation.
func (c *Client) ApplySnapshot(ctx context.Context, snapshotID string, req ApplySnapshotRequest) (operationID string, err error) {
	if req.Mode == "" {
		req.Mode = ApplyModeCreateNew
	}
	h, err := c.call(ctx, request{method: http.MethodPost, path: snapshotPath(snapshotID) + "/apply", body: req, want: http.StatusAccepted}, nil)
	if err != nil {
		return "", err
	}
	return operationIDFromHeader(h)
}

// GetSnapshot returns a snapshot's metadata.
func (c *Client) GetSnapshot(ctx context.Context, snapshotID string) (Snapshot, error) {
	var s Snapshot
	_, err := c.call(ctx, request{method: http.MethodGet, path: snapshotPath(snapshotID), want: http.StatusOK}, &s)
	return s, err
}

// ListSnapshots lists the snapshots the caller took and those it may apply.
func (c *Client) ListSnapshots(ctx context.Context, opts ListSnapshotsOptions) ([]Snapshot, error) {
	q := url.Values{}
	if opts.Type != "" {
		q.Set("type", string(opts.Type))
	}
	if len(opts.ApplyScope) > 0 {
		q.Set("applyScope", strings.Join(opts.ApplyScope, ","))
	}
	var list []Snapshot
	_, err := c.call(ctx, request{method: http.MethodGet, path: "/snapshots", query: q, want: http.StatusOK}, &list)
	return list, err
}

// UpdateSnapshot changes a snapshot's apply scope or user data.
func (c *Client) UpdateSnapshot(ctx context.Context, snapshotID string, req UpdateSnapshotRequest) error {
	_, err := c.call(ctx, request{method: http.MethodPatch, path: snapshotPath(snapshotID), body: req, want: http.StatusOK}, nil)
	return err
}

// DeleteSnapshot deletes a snapshot and its data.
func (c *Client) DeleteSnapshot(ctx context.Context, snapshotID string) error {
	_, err := c.call(ctx, request{method: http.MethodDelete, path: snapshotPath(snapshotID), want: http.StatusOK}, nil)
	return err
}

func snapshotPath(id string) string { return "/snapshots/" + pathID(id) }
