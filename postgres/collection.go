package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

// visible is the WHERE clause that finds the visible collection of a ref
// given as $1, $2, $3.
const visible = `account = $1 AND kind = $2 AND ext_id = $3 AND state = 'visible'`

func refArgs(ref facesnap.CollectionRef, more ...any) []any {
	return append([]any{ref.Account, string(ref.Kind), ref.ID}, more...)
}

func (s *store) CollectionCreate(ctx context.Context, p facesnap.CollectionCreateParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		return insertCollection(ctx, tx, p.Collection, "visible", "", p.MaxPerAccount)
	})
}

// insertCollection checks the quota (max 0: none), which counts reserved
// collections too, and inserts c. With a quota it locks the account's row
// first, so that two creates on two nodes cannot both see room for one.
// A missing account is NotFound, by the lock or by the foreign key.
func insertCollection(ctx context.Context, tx pgx.Tx, c facesnap.Collection, state, owner string, max int) error {
	if max > 0 {
		// Two statements: the count must take its snapshot after the
		// lock is granted, to see what the previous holder committed.
		var one, n int
		err := tx.QueryRow(ctx, `SELECT 1 FROM accounts WHERE name = $1 FOR NO KEY UPDATE`, c.Account).Scan(&one)
		if err != nil {
			return interpretError(err, facesnap.ObjectAccount, c.Account)
		}
		err = tx.QueryRow(ctx,
			`SELECT count(*) FROM collections WHERE account = $1 AND kind = $2`,
			c.Account, string(c.Kind)).Scan(&n)
		if err != nil {
			return err
		}
		if n >= max {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The account has reached the limit of %d %s objects.", max, c.Kind)}
		}
	}
	_, err := tx.Exec(ctx,
		`INSERT INTO collections (`+storecodec.CollectionColumns+`, state, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		c.Account, string(c.Kind), c.ID, c.Name, c.UserData, c.RecognitionModel, storecodec.Nanos(c.CreatedAt), state, owner)
	return interpretError(err, facesnap.ObjectOf(c.Kind), c.ID)
}

func (s *store) CollectionGet(ctx context.Context, ref facesnap.CollectionRef) (facesnap.Collection, error) {
	c, err := storecodec.ScanCollection(s.reader().QueryRow(ctx,
		`SELECT `+storecodec.CollectionColumns+` FROM collections WHERE `+visible, refArgs(ref)...))
	if err != nil {
		return facesnap.Collection{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	return c, nil
}

func (s *store) CollectionList(ctx context.Context, p facesnap.CollectionListParams) ([]facesnap.Collection, error) {
	rows, err := s.reader().Query(ctx,
		`SELECT `+storecodec.CollectionColumns+` FROM collections
		 WHERE account = $1 AND kind = $2 AND state = 'visible' AND ext_id > $3
		 ORDER BY ext_id LIMIT $4`,
		p.Account, string(p.Kind), p.Start, limit(p.Top))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []facesnap.Collection
	for rows.Next() {
		c, err := storecodec.ScanCollection(rows)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

func (s *store) CollectionUpdate(ctx context.Context, p facesnap.CollectionUpdateParams) error {
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx,
			`UPDATE collections SET name = coalesce($4, name), user_data = coalesce($5, user_data)
			 WHERE `+visible,
			refArgs(p.Ref, p.Name, p.UserData)...)
		return mustAffect(tag, err, facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
	})
}

func (s *store) CollectionDelete(ctx context.Context, ref facesnap.CollectionRef) error {
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `DELETE FROM collections WHERE `+visible, refArgs(ref)...)
		return mustAffect(tag, err, facesnap.ObjectOf(ref.Kind), ref.ID)
	})
}

// CollectionStats reads the counts the write paths keep on the
// collection's row. MaxSeq is the highest Seq the collection ever gave
// out, which a deleted face does not lower.
func (s *store) CollectionStats(ctx context.Context, ref facesnap.CollectionRef) (facesnap.CollectionStats, error) {
	var st facesnap.CollectionStats
	err := s.reader().QueryRow(ctx,
		`SELECT person_count, face_count, last_seq FROM collections WHERE `+visible,
		refArgs(ref)...).Scan(&st.Persons, &st.Faces, &st.MaxSeq)
	if err != nil {
		return facesnap.CollectionStats{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	return st, nil
}
