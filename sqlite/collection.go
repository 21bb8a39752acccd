package sqlite

import (
	"context"
	"fmt"

	"facesnap"
	"facesnap/internal/storecodec"
)

// visible selects a visible collection by its reference: account, kind
// and id, in that order.
const visible = "account = ? AND kind = ? AND ext_id = ? AND state = 'visible'"

const (
	sqlCollectionPK = `SELECT pk FROM collections
		 WHERE ` + visible
	sqlCollectionGet = `SELECT ` + storecodec.CollectionColumns + ` FROM collections
		 WHERE ` + visible
	sqlCollectionStats = `SELECT person_count, face_count, last_seq FROM collections
		 WHERE ` + visible
)

// collectionPK returns the key of the visible collection ref names.
// Reserved collections and those of other accounts are NotFound.
func collectionPK(ctx context.Context, q querier, ref facesnap.CollectionRef) (int64, error) {
	var pk int64
	err := q.QueryRowContext(ctx, sqlCollectionPK, ref.Account, ref.Kind, ref.ID).Scan(&pk)
	return pk, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
}

func (s *store) CollectionCreate(ctx context.Context, p facesnap.CollectionCreateParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		return insertCollection(ctx, tx, p.Collection, "visible", "", p.MaxPerAccount)
	})
}

// insertCollection checks the account and the quota (max 0: none), which
// counts reserved collections too, and inserts c.
func insertCollection(ctx context.Context, tx *txq, c facesnap.Collection, state, owner string, max int) error {
	if err := accountExists(ctx, tx, c.Account); err != nil {
		return err
	}
	if max > 0 {
		var n int
		err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM collections WHERE account = ? AND kind = ?`,
			c.Account, c.Kind).Scan(&n)
		if err != nil {
			return err
		}
		if n >= max {
			return &facesnap.QuotaError{Message: fmt.Sprintf("The account has reached the limit of %d %s objects.", max, c.Kind)}
		}
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO collections (`+storecodec.CollectionColumns+`, state, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Account, c.Kind, c.ID, c.Name, c.UserData, c.RecognitionModel, storecodec.Nanos(c.CreatedAt), state, owner)
	return interpretError(err, facesnap.ObjectOf(c.Kind), c.ID)
}

func (s *store) CollectionGet(ctx context.Context, ref facesnap.CollectionRef) (facesnap.Collection, error) {
	c, err := storecodec.ScanCollection(s.reader().QueryRowContext(ctx, sqlCollectionGet, ref.Account, ref.Kind, ref.ID))
	if err != nil {
		return facesnap.Collection{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	return c, nil
}

func (s *store) CollectionList(ctx context.Context, p facesnap.CollectionListParams) ([]facesnap.Collection, error) {
	rows, err := s.reader().QueryContext(ctx,
		`SELECT `+storecodec.CollectionColumns+` FROM collections
		 WHERE account = ? AND kind = ? AND state = 'visible' AND ext_id > ?
		 ORDER BY ext_id LIMIT ?`,
		p.Account, p.Kind, p.Start, limit(p.Top))
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
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE collections SET name = coalesce(?, name), user_data = coalesce(?, user_data)
			 WHERE `+visible,
			p.Name, p.UserData, p.Ref.Account, p.Ref.Kind, p.Ref.ID)
		return mustAffect(res, err, facesnap.ObjectOf(p.Ref.Kind), p.Ref.ID)
	})
}

func (s *store) CollectionDelete(ctx context.Context, ref facesnap.CollectionRef) error {
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx,
			`DELETE FROM collections
			 WHERE `+visible,
			ref.Account, ref.Kind, ref.ID)
		return mustAffect(res, err, facesnap.ObjectOf(ref.Kind), ref.ID)
	})
}

// CollectionStats reads the counts the write paths keep on the
// collection's row. MaxSeq is the highest Seq the collection ever gave
// out, which a deleted face does not lower.
func (s *store) CollectionStats(ctx context.Context, ref facesnap.CollectionRef) (facesnap.CollectionStats, error) {
	var st facesnap.CollectionStats
	err := s.reader().QueryRowContext(ctx, sqlCollectionStats, ref.Account, ref.Kind, ref.ID).Scan(&st.Persons, &st.Faces, &st.MaxSeq)
	if err != nil {
		return facesnap.CollectionStats{}, interpretError(err, facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	return st, nil
}
