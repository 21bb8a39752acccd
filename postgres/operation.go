package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"facesnap"
	"facesnap/internal/storecodec"
)

// OperationCreate stores op; an empty Status is stored as notstarted. A
// missing account breaks the foreign key: NotFound about the account.
func (s *store) OperationCreate(ctx context.Context, op facesnap.Operation) error {
	if op.Status == "" {
		op.Status = facesnap.OperationNotStarted
	}
	return s.write(ctx, func(q querier) error {
		_, err := q.Exec(ctx,
			`INSERT INTO operations (`+storecodec.OperationColumns+`)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			op.ID, op.Account, string(op.Kind), op.Args, string(op.Status), storecodec.Nanos(op.CreatedAt), storecodec.Nanos(op.LastActionAt),
			op.ResourceLocation, op.Message, op.Done, op.Total, op.Attempt, op.LeaseOwner,
			storecodec.Nanos(op.LeaseUntil), storecodec.Nanos(op.FinishedAt))
		return interpretError(err, facesnap.ObjectOperation, op.ID)
	})
}

func (s *store) OperationGet(ctx context.Context, id string) (facesnap.Operation, error) {
	op, err := storecodec.ScanOperation(s.reader().QueryRow(ctx,
		`SELECT `+storecodec.OperationColumns+` FROM operations WHERE id = $1`, id))
	if err != nil {
		return facesnap.Operation{}, interpretError(err, facesnap.ObjectOperation, id)
	}
	return op, nil
}

// kinds converts to what "kind = ANY($n)" takes. No kinds matches nothing.
func kinds(ks []facesnap.OperationKind) []string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return s
}

func (s *store) OperationList(ctx context.Context, p facesnap.OperationListParams) ([]facesnap.Operation, error) {
	before := int64(math.MaxInt64)
	if !p.Before.IsZero() {
		before = p.Before.UnixNano()
	}
	rows, err := s.reader().Query(ctx,
		`SELECT `+storecodec.OperationColumns+` FROM operations
		 WHERE account = $1 AND created_at < $2 AND kind = ANY($3)
		 ORDER BY created_at DESC, id DESC LIMIT $4`,
		p.Account, before, kinds(p.Kinds), limit(p.Top))
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

// OperationClaim is one UPDATE whose subquery picks a claimable row FOR
// UPDATE SKIP LOCKED: a row another node is claiming right now is
// skipped, not waited for, and a row claimed (and committed) meanwhile
// fails the recheck of the WHERE on its new version, so the scan goes on
// to the next. No two claims get one operation. The order is fair across
// accounts (see facesnap.Store): the CTE ranks accounts by live running
// operations, then by their oldest claimable one, and the lateral pick
// takes the first ranked account's oldest row it can lock, going on to
// the next account only when all of one's rows are being claimed. The
// ranks are sorted before the join so that the outer ORDER BY needs no
// sort of its own and the join stops at the first row: a lateral pick
// evaluated for every account would lock a row in each. Two nodes
// claiming at once may both see the same counts, which costs fairness by
// one claim, never correctness. It also sets LastActionAt, since the
// operation starts now.
func (s *store) OperationClaim(ctx context.Context, p facesnap.OperationClaimParams) (facesnap.Operation, error) {
	var op facesnap.Operation
	err := s.write(ctx, func(q querier) error {
		var err error
		op, err = storecodec.ScanOperation(q.QueryRow(ctx,
			`WITH rank AS (
			   SELECT account,
			     count(*) FILTER (WHERE status = 'running' AND lease_until >= $3) AS running,
			     min(created_at) FILTER (WHERE kind = ANY($4)
			       AND (status = 'notstarted' OR lease_until < $3)) AS oldest
			   FROM operations WHERE status IN ('notstarted', 'running')
			   GROUP BY account
			 )
			 UPDATE operations SET status = 'running', attempt = attempt + 1,
			   lease_owner = $1, lease_until = $2, last_action_at = $3
			 WHERE id = (
			   SELECT pick.id FROM (
			     SELECT * FROM rank WHERE oldest IS NOT NULL
			     ORDER BY running, oldest, account) r
			   CROSS JOIN LATERAL (
			     SELECT o.id FROM operations o
			     WHERE o.account = r.account
			       AND o.status IN ('notstarted', 'running') AND o.kind = ANY($4)
			       AND (o.status = 'notstarted' OR o.lease_until < $3)
			     ORDER BY o.created_at, o.id LIMIT 1
			     FOR UPDATE SKIP LOCKED) pick
			   ORDER BY r.running, r.oldest, r.account
			   LIMIT 1)
			 RETURNING `+storecodec.OperationColumns,
			p.Owner, storecodec.Nanos(p.LeaseUntil), storecodec.Nanos(p.Now), kinds(p.Kinds)))
		if errors.Is(err, pgx.ErrNoRows) {
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
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx,
			`UPDATE operations SET lease_until = $1, last_action_at = $2, done = $3, total = $4
			 WHERE id = $5 AND lease_owner = $6 AND status = 'running'`,
			storecodec.Nanos(p.LeaseUntil), storecodec.Nanos(p.Now), p.Done, p.Total, p.ID, p.Owner)
		return lostLease(tag, err, p.ID)
	})
}

func (s *store) OperationFinish(ctx context.Context, p facesnap.OperationFinishParams) error {
	if !p.Status.Finished() {
		return facesnap.Invalidf("operation status %q is not terminal", p.Status)
	}
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx,
			`UPDATE operations SET status = $1, resource_location = $2, message = $3,
			   last_action_at = $4, finished_at = $4, done = $5, total = $6
			 WHERE id = $7 AND lease_owner = $8 AND status = 'running'`,
			string(p.Status), p.ResourceLocation, p.Message, storecodec.Nanos(p.Now), p.Done, p.Total, p.ID, p.Owner)
		return lostLease(tag, err, p.ID)
	})
}

// lostLease reports an update that matched no row as a conflict: the
// operation is gone, finished, or claimed by another runner.
func lostLease(tag pgconn.CommandTag, err error, id string) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return &facesnap.ConflictError{Message: fmt.Sprintf("Operation '%s' is not held by this runner.", id)}
	}
	return nil
}

func (s *store) OperationPurge(ctx context.Context, finishedBefore time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx,
			`DELETE FROM operations WHERE finished_at > 0 AND finished_at < $1`, storecodec.Nanos(finishedBefore))
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
