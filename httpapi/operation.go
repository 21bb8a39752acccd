package httpapi

import (
	"net/http"
	"time"

	"facesnap"
)

// operationJSON is OperationStatus on the wire. Progress and, in lists
// only, the operation id and kind (take, apply, train) are facesnap
// extensions; clients that don't know them ignore them, and GET
// /operations/{id} keeps the service's own fields.
type operationJSON struct {
	OperationID      string                   `json:"operationId,omitempty"`
	Kind             string                   `json:"kind,omitempty"`
	Status           facesnap.OperationStatus `json:"status"`
	CreatedTime      apiTime                  `json:"createdTime"`
	LastActionTime   *apiTime                 `json:"lastActionTime,omitempty"`
	ResourceLocation string                   `json:"resourceLocation,omitempty"`
	Message          string                   `json:"message,omitempty"`
	Progress         *progressJSON            `json:"progress,omitempty"`
}

type progressJSON struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// wireKinds are the kind field's values (an extension): short words for
// people and scripts, kept apart from the stored kind names.
var wireKinds = map[facesnap.OperationKind]string{
	facesnap.OperationSnapshotTake:  "take",
	facesnap.OperationSnapshotApply: "apply",
	facesnap.OperationTrain:         "train",
}

func toOperationJSON(op facesnap.Operation) operationJSON {
	out := operationJSON{
		Status:           op.Status,
		CreatedTime:      apiTime(op.CreatedAt),
		LastActionTime:   optTime(op.LastActionAt),
		ResourceLocation: op.ResourceLocation,
		Message:          op.Message,
	}
	if op.Total > 0 {
		out.Progress = &progressJSON{Done: op.Done, Total: op.Total}
	}
	return out
}

// pollAfter is the Retry-After, in seconds, on an operation that has not
// finished: lastActionTime moves every second, so polling faster shows
// nothing new.
const pollAfter = "1"

func (s *Server) getOperation(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	op, err := s.cfg.Operations.Get(r.Context(), acct, r.PathValue("operationId"))
	if err != nil {
		return err
	}
	if !op.Status.Finished() {
		w.Header().Set("Retry-After", pollAfter)
	}
	writeJSON(w, http.StatusOK, toOperationJSON(op))
	return nil
}

// listOperations lists the caller's operations, newest first (extension):
// `top` (operations.Service.List checks it) and `before`, a createdTime
// from the last page, for the next page.
func (s *Server) listOperations(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
	top, err := queryInt(r, "top")
	if err != nil {
		return err
	}
	var before time.Time
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return facesnap.Invalidf("Parameter before is invalid: it must be an RFC 3339 time.")
		}
	}
	ops, err := s.cfg.Operations.List(r.Context(), acct, before, top)
	if err != nil {
		return err
	}
	out := make([]operationJSON, 0, len(ops))
	for _, op := range ops {
		j := toOperationJSON(op)
		j.OperationID, j.Kind = op.ID, wireKinds[op.Kind]
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
