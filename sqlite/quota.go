package sqlite

import (
	"context"

	"facesnap"
	"facesnap/internal/storecodec"
)

// QuotaUse counts and inserts in one write transaction: SQLite has one
// writer, so no other use can come between the count and the insert.
func (s *store) QuotaUse(ctx context.Context, p facesnap.QuotaUseParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE name = ?`, p.Account).Scan(&one); err != nil {
			return interpretError(err, facesnap.ObjectAccount, p.Account)
		}
		now := storecodec.Nanos(p.Now)
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM quota_uses WHERE account = ? AND kind = ? AND until <= ?`,
			p.Account, p.Kind, now); err != nil {
			return err
		}
		if p.Limit > 0 {
			var n int
			if err := tx.QueryRowContext(ctx,
				`SELECT count(*) FROM quota_uses WHERE account = ? AND kind = ?`,
				p.Account, p.Kind).Scan(&n); err != nil {
				return err
			}
			if n >= p.Limit {
				return p.Exceeded()
			}
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO quota_uses (account, kind, id, until) VALUES (?, ?, ?, ?)`,
			p.Account, p.Kind, p.ID, storecodec.Nanos(p.Until))
		return err
	})
}

func (s *store) QuotaRelease(ctx context.Context, account string, kind facesnap.QuotaKind, id string) error {
	return s.writeTx(ctx, func(tx *txq) error {
		_, err := tx.ExecContext(ctx,
			`DELETE FROM quota_uses WHERE account = ? AND kind = ? AND id = ?`, account, kind, id)
		return err
	})
}
