package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/internal/storecodec"
)

// QuotaUse locks the account's row first, as insertCollection does, so
// that two nodes cannot both count room for one more use; the count is a
// statement of its own, to take its snapshot after the lock is granted.
func (s *store) QuotaUse(ctx context.Context, p facesnap.QuotaUseParams) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM accounts WHERE name = $1 FOR NO KEY UPDATE`, p.Account).Scan(&one)
		if err != nil {
			return interpretError(err, facesnap.ObjectAccount, p.Account)
		}
		now := storecodec.Nanos(p.Now)
		if _, err := tx.Exec(ctx,
			`DELETE FROM quota_uses WHERE account = $1 AND kind = $2 AND until <= $3`,
			p.Account, string(p.Kind), now); err != nil {
			return err
		}
		if p.Limit > 0 {
			var n int
			if err := tx.QueryRow(ctx,
				`SELECT count(*) FROM quota_uses WHERE account = $1 AND kind = $2`,
				p.Account, string(p.Kind)).Scan(&n); err != nil {
				return err
			}
			if n >= p.Limit {
				return p.Exceeded()
			}
		}
		_, err = tx.Exec(ctx,
			`INSERT INTO quota_uses (account, kind, id, until) VALUES ($1, $2, $3, $4)`,
			p.Account, string(p.Kind), p.ID, storecodec.Nanos(p.Until))
		return interpretError(err, facesnap.ObjectAccount, p.Account)
	})
}

func (s *store) QuotaRelease(ctx context.Context, account string, kind facesnap.QuotaKind, id string) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.Exec(ctx,
			`DELETE FROM quota_uses WHERE account = $1 AND kind = $2 AND id = $3`, account, string(kind), id)
		return err
	})
}
