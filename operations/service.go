package operations

import (
	"context"
	"slices"
	"strings"
	"time"

	"facesnap"
)

// Visible are the kinds the API's /operations shows: snapshot takes and
// applies, and trainings, which also have the service's own status
// endpoint but are listed so that one list shows all of an account's work.
var Visible = []facesnap.OperationKind{facesnap.OperationSnapshotTake, facesnap.OperationSnapshotApply, facesnap.OperationTrain}

// Service answers the API's questions about operations.
type Service struct {
	Store facesnap.Store
}

// Get returns one of the caller's operations. An operation is visible only
// to the account that started it; to anyone else it does not exist.
func (s *Service) Get(ctx context.Context, acct facesnap.Account, id string) (facesnap.Operation, error) {
	// Ids are made in lower case; a uuid names the same object in either.
	op, err := s.Store.OperationGet(ctx, strings.ToLower(id))
	if err != nil {
		return facesnap.Operation{}, err
	}
	if op.Account != acct.Name || !slices.Contains(Visible, op.Kind) {
		return facesnap.Operation{}, facesnap.NotFound(facesnap.ObjectOperation, id)
	}
	return op, nil
}

// defaultListTop is List's page when top is 0.
const defaultListTop = 100

// List returns the caller's operations, newest first, created before
// before (zero: no bound), at most top: 1 to facesnap.MaxListTop, 0 for
// defaultListTop.
func (s *Service) List(ctx context.Context, acct facesnap.Account, before time.Time, top int) ([]facesnap.Operation, error) {
	if top == 0 {
		top = defaultListTop
	}
	if top < 0 || top > facesnap.MaxListTop {
		return nil, facesnap.Invalidf("Parameter top is invalid: it must be between 1 and %d.", facesnap.MaxListTop)
	}
	return s.Store.OperationList(ctx, facesnap.OperationListParams{
		Account: acct.Name, Kinds: Visible, Before: before, Top: top,
	})
}
