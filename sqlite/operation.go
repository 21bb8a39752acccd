package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"facesnap"
	"facesnap/internal/storecodec"
)

// OperationCreate stores op; an empty Status is stored as notstarted.
func (s *store) OperationCreate(ctx context.Context, op facesnap.Operation) error {
	if op.Status == "" {
		op.Status = facesnap.OperationNotStarted
	}
	return s.writeTx(ctx, func(tx *txq) error {
		if err := accountExists(ctx, tx, op.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO operations (`+storecodec.OperationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			op.ID, op.Account, op.Kind, op.Args, op.Status, storecodec.Nanos(op.CreatedAt), storecodec.Nanos(op.LastActionAt),
			op.ResourceLocation, op.Message, op.Done, op.Total, op.Attempt, op.LeaseOwner,
			storecodec.Nanos(op.LeaseUntil), storecodec.Nanos(op.FinishedAt))
		return interpretError(err, facesnap.ObjectOperation, op.ID)
	})
}

func (s *store) OperationGet(ctx context.Context, id string) (facesnap.Operation, error) {
	op, err := storecodec.ScanOperation(s.reader().QueryRowContext(ctx,
		`SELECT `+storecodec.OperationColumns+` FROM operations WHERE id = ?`, id))
	if err != nil {
		return facesnap.Operation{}, interpretError(err, facesnap.ObjectOperation, id)
	}
	return op, nil
}

// kindsIn returns "kind IN (?, ...)" and its arguments. No kinds matches
// nothing.
func kindsIn(kinds []facesnap.OperationKind) (string, []any) {
	if len(kinds) == 0 {
		return "0", nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return "kind IN (?" + strings.Repeat(", ?", len(kinds)-1) + ")", args
}

func (s *store) OperationList(ctx context.Context, p facesnap.OperationListParams) ([]facesnap.Operation, error) {
	in, args := kindsIn(p.Kinds)
	before := int64(math.MaxInt64)
	if !p.Before.IsZero() {
		before = p.Before.UnixNano()
	}
	rows, err := s.reader().QueryContext(ctx,
		`SELECT `+storecodec.OperationColumns+` FROM operations
		 WHERE account = ? AND created_at < ? AND `+in+`
		 ORDER BY created_at DESC, id DESC LIMIT ?`,
		append(append([]any{p.Account, before}, args...), limit(p.Top))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ops []facesnap.Operation
	for rows.Next() {
		op, err := storecodec.ScanOperation(rows)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, rows.Err()
}

// OperationClaim is one UPDATE ... RETURNING in a write transaction: with
// one writer, no two runners can pick the same row. The pick is fair
// across accounts (see facesnap.Store): the CTE counts, in one pass over
// the unfinished operations (the operations_claim index), each account's
// live running operations and its oldest claimable one, so one account's
// backlog waits behind another's single operation.
// It also sets LastActionAt, since the operation starts now.
func (s *store) OperationClaim(ctx context.Context, p facesnap.OperationClaimParams) (facesnap.Operation, error) {
	in, args := kindsIn(p.Kinds)
	now := storecodec.Nanos(p.Now)
	var op facesnap.Operation
	err := s.writeTx(ctx, func(tx *txq) error {
		var err error
		op, err = storecodec.ScanOperation(tx.QueryRowContext(ctx,
			`WITH rank AS (
			   SELECT account,
			     sum(status = 'running' AND lease_until >= ?) AS running,
			     min(CASE WHEN `+in+` AND (status = 'notstarted' OR lease_until < ?)
			         THEN created_at END) AS oldest
			   FROM operations WHERE status IN ('notstarted', 'running')
			   GROUP BY account
			 ), next AS (
			   SELECT account FROM rank WHERE oldest IS NOT NULL
			   ORDER BY running, oldest, account LIMIT 1
			 )
			 UPDATE operations SET status = 'running', attempt = attempt + 1,
			   lease_owner = ?, lease_until = ?, last_action_at = ?
			 WHERE id = (
			   SELECT id FROM operations
			   WHERE account = (SELECT account FROM next)
			     AND status IN ('notstarted', 'running') AND `+in+`
			     AND (status = 'notstarted' OR lease_until < ?)
			   ORDER BY created_at, id LIMIT 1)
			 RETURNING `+storecodec.OperationColumns,
			slices.Concat([]any{now}, args, []any{now, p.Owner, storecodec.Nanos(p.LeaseUntil), now}, args, []any{now})...))
		if errors.Is(err, sql.ErrNoRows) {
			return &facesnap.NotFoundError{Object: facesnap.ObjectOperation, Message: "No operation is waiting."}
		}
		return err
	})
	if err != nil {
		return facesnap.Operation{}, err
	}
	return op, nil
}

func (s *store) OperationHeartbeat(ctx context.Context, p facesnap.OperationHeartbeatParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE operations SET lease_until = ?, last_action_at = ?, done = ?, total = ?
			 WHERE id = ? AND lease_owner = ? AND status = 'running'`,
			storecodec.Nanos(p.LeaseUntil), storecodec.Nanos(p.Now), p.Done, p.Total, p.ID, p.Owner)
		return lostLease(res, err, p.ID)
	})
}

func (s *store) OperationFinish(ctx context.Context, p facesnap.OperationFinishParams) error {
	if !p.Status.Finished() {
		return facesnap.Invalidf("operation status %q is not terminal", p.Status)
	}
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE operations SET status = ?, resource_location = ?, message = ?,
			   last_action_at = ?, finished_at = ?, done = ?, total = ?
			 WHERE id = ? AND lease_owner = ? AND status = 'running'`,
			p.Status, p.ResourceLocation, p.Message, storecodec.Nanos(p.Now), storecodec.Nanos(p.Now), p.Done, p.Total, p.ID, p.Owner)
		return lostLease(res, err, p.ID)
	})
}

// lostLease reports an update that matched no row as a conflict: the
// operation is gone, finished, or claimed by another runner.
func lostLease(res sql.Result, err error, id string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return &facesnap.ConflictError{Message: fmt.Sprintf("Operation '%s' is not held by this runner.", id)}
	}
	return nil
}

func (s *store) OperationPurge(ctx context.Context, finishedBefore time.Time) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx,
			`DELETE FROM operations WHERE finished_at > 0 AND finished_at < ?`, storecodec.Nanos(finishedBefore))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
