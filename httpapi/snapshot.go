package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"facesnap"
	"facesnap/snapshots"
)

// registerSnapshotRoutes registers the snapshot and operation routes.
// Routes beyond the service's (export, import, the operation list) are
// extensions, documented in the README.
func (s *Server) registerSnapshotRoutes() {
	if s.cfg.Snapshots == nil {
		return
	}
	s.handle("POST /snapshots", s.takeSnapshot)
	s.handle("GET /snapshots", s.listSnapshots)
	s.handle("POST /snapshots/import", s.importSnapshot)
	s.handle("GET /snapshots/{snapshotId}", s.getSnapshot)
	s.handle("PATCH /snapshots/{snapshotId}", s.updateSnapshot)
	s.handle("DELETE /snapshots/{snapshotId}", s.deleteSnapshot)
	s.handle("POST /snapshots/{snapshotId}/apply", s.applySnapshot)
	s.handle("GET /snapshots/{snapshotId}/data", s.exportSnapshot)
	s.handle("GET /operations", s.listOperations)
	s.handle("GET /operations/{operationId}", s.getOperation)
}

// snapshotJSON is Snapshot on the wire.
type snapshotJSON struct {
	ID             string        `json:"id"`
	Account        string        `json:"account"`
	Type           facesnap.Kind `json:"type"`
	ApplyScope     []string      `json:"applyScope"`
	UserData       string        `json:"userData,omitempty"`
	CreatedTime    apiTime       `json:"createdTime"`
	LastUpdateTime apiTime       `json:"lastUpdateTime"`
}

func toSnapshotJSON(snap *facesnap.Snapshot) snapshotJSON {
	return snapshotJSON{
		ID: snap.ID, Account: snap.Account, Type: snap.Type, ApplyScope: snap.ApplyScope,
		UserData: snap.UserData, CreatedTime: apiTime(snap.CreatedAt), LastUpdateTime: apiTime(snap.LastUpdateAt),
	}
}

// writeAccepted answers a take or apply: 202, no body, and the operation's
// bare relative path, which clients parse as the service sent it.
func writeAccepted(w http.ResponseWriter, operationID string) {
	w.Header().Set("Operation-Location", "/operations/"+operationID)
	writeEmpty(w, http.StatusAccepted)
}

func (s *Server) takeSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req struct {
		Type       facesnap.Kind `json:"type"`
		ObjectID   string        `json:"objectId"`
		ApplyScope []string      `json:"applyScope"`
		UserData   string        `json:"userData"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := s.cfg.Snapshots.Take(r.Context(), acct, snapshots.TakeParams{
		Type: req.Type, ObjectID: req.ObjectID, ApplyScope: req.ApplyScope, UserData: req.UserData,
	})
	if err != nil {
		return err
	}
	writeAccepted(w, id)
	return nil
}

func (s *Server) applySnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req struct {
		ObjectID string  `json:"objectId"`
		Mode     *string `json:"mode"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := s.cfg.Snapshots.Apply(r.Context(), acct, r.PathValue("snapshotId"), snapshots.ApplyParams{
		ObjectID: req.ObjectID, Mode: req.Mode,
	})
	if err != nil {
		return err
	}
	writeAccepted(w, id)
	return nil
}

func (s *Server) getSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	snap, err := s.cfg.Snapshots.Get(r.Context(), acct, r.PathValue("snapshotId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSnapshotJSON(snap))
	return nil
}

func (s *Server) listSnapshots(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	q := r.URL.Query()
	var scope []string
	if v := q.Get("applyScope"); v != "" {
		scope = strings.Split(v, ",")
	}
	list, err := s.cfg.Snapshots.List(r.Context(), acct, snapshots.ListParams{
		Type: facesnap.Kind(q.Get("type")), ApplyScope: scope,
	})
	if err != nil {
		return err
	}
	out := make([]snapshotJSON, 0, len(list))
	for _, snap := range list {
		out = append(out, toSnapshotJSON(snap))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	var req struct {
		ApplyScope *[]string `json:"applyScope"`
		UserData   *string   `json:"userData"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	err := s.cfg.Snapshots.Update(r.Context(), acct, r.PathValue("snapshotId"), snapshots.UpdateParams{
		ApplyScope: req.ApplyScope, UserData: req.UserData,
	})
	if err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

func (s *Server) deleteSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	if err := s.cfg.Snapshots.Delete(r.Context(), acct, r.PathValue("snapshotId")); err != nil {
		return err
	}
	writeEmpty(w, http.StatusOK)
	return nil
}

// exportSnapshot streams a snapshot's data file (extension).
func (s *Server) exportSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	snap, rc, err := s.cfg.Snapshots.Export(r.Context(), acct, r.PathValue("snapshotId"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	if snap.Size > 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(snap.Size, 10))
	}
	w.Header().Set("Content-Disposition", `attachment; filename="snapshot-`+snap.ID+`.facesnap"`)
	w.WriteHeader(http.StatusOK)
	// Once the status is sent an error can only cut the body short; the
	// file's own trailer lets the client see that.
	if _, err := io.Copy(w, rc); err != nil {
		s.log.Warn("snapshot export interrupted", "snapshot", snap.ID, "err", err, "request_id", requestID(r.Context()))
	}
	return nil
}

// importSnapshot stores an exported file as a new snapshot (extension).
// The file is verified as it streams; its size is capped by
// Limits.MaxImportBytes.
func (s *Server) importSnapshot(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	if n := s.cfg.Limits.MaxImportBytes; n > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, n)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/octet-stream") {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "BadArgument",
			Message: "Invalid Media Type: send the snapshot file as application/octet-stream."}
	}
	q := r.URL.Query()
	var scope []string
	if v := q.Get("applyScope"); v != "" {
		scope = strings.Split(v, ",")
	}
	snap, err := s.cfg.Snapshots.Import(r.Context(), acct, r.Body, snapshots.ImportParams{
		ApplyScope: scope, UserData: q.Get("userData"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSnapshotJSON(snap))
	return nil
}
