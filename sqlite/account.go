package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"

	"facesnap"
)

const (
	sqlAccountByKey = `SELECT a.name, a.subscription_id, a.resource_group
		 FROM account_keys k JOIN accounts a ON a.name = k.account
		 WHERE k.key_hash = ?`
	sqlAccountExists = `SELECT 1 FROM accounts WHERE name = ?`
)

func (s *store) AccountCreate(ctx context.Context, a facesnap.Account) error {
	return s.writeTx(ctx, func(tx *txq) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO accounts (name, subscription_id, resource_group) VALUES (?, ?, ?)`,
			a.Name, a.SubscriptionID, a.ResourceGroup)
		return interpretError(err, facesnap.ObjectAccount, a.Name)
	})
}

func (s *store) AccountGet(ctx context.Context, name string) (facesnap.Account, error) {
	a := facesnap.Account{Name: name}
	err := s.reader().QueryRowContext(ctx,
		`SELECT subscription_id, resource_group FROM accounts WHERE name = ?`, name,
	).Scan(&a.SubscriptionID, &a.ResourceGroup)
	if err != nil {
		return facesnap.Account{}, interpretError(err, facesnap.ObjectAccount, name)
	}
	return a, nil
}

func (s *store) AccountList(ctx context.Context) ([]facesnap.Account, error) {
	rows, err := s.reader().QueryContext(ctx,
		`SELECT name, subscription_id, resource_group FROM accounts ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []facesnap.Account
	for rows.Next() {
		var a facesnap.Account
		if err := rows.Scan(&a.Name, &a.SubscriptionID, &a.ResourceGroup); err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, rows.Err()
}

func (s *store) AccountDelete(ctx context.Context, name string) error {
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE name = ?`, name)
		return mustAffect(res, err, facesnap.ObjectAccount, name)
	})
}

// AccountKeyAdd is idempotent for the same account, so a deployment can
// add its configured keys at every start. A key of another account is
// ErrExists.
func (s *store) AccountKeyAdd(ctx context.Context, p facesnap.AccountKeyAddParams) error {
	return s.writeTx(ctx, func(tx *txq) error {
		if err := accountExists(ctx, tx, p.Account); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx,
			`INSERT INTO account_keys (key_hash, account, managed) VALUES (?, ?, ?)
			 ON CONFLICT (key_hash) DO UPDATE SET
			   managed = CASE WHEN account = excluded.account THEN managed OR excluded.managed ELSE managed END
			 RETURNING account`,
			p.Hash, p.Account, p.Managed).Scan(&owner)
		if err != nil {
			return err
		}
		if owner != p.Account {
			return &facesnap.ExistsError{Object: facesnap.ObjectAccount, Message: "The key selects another account."}
		}
		return nil
	})
}

func (s *store) AccountKeyList(ctx context.Context, name string) ([]facesnap.AccountKey, error) {
	rows, err := s.reader().QueryContext(ctx,
		`SELECT account, key_hash, managed FROM account_keys
		 WHERE ? = '' OR account = ? ORDER BY account, key_hash`, name, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []facesnap.AccountKey
	for rows.Next() {
		var k facesnap.AccountKey
		if err := rows.Scan(&k.Account, &k.Hash, &k.Managed); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

func (s *store) AccountKeyRemove(ctx context.Context, name string, keyHash []byte) error {
	return s.writeTx(ctx, func(tx *txq) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM account_keys WHERE account = ? AND key_hash = ?`, name, keyHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, error(&facesnap.NotFoundError{Object: facesnap.ObjectAccount, Message: "The account has no such key."}))
		}
		return nil
	})
}

func (s *store) AccountByKey(ctx context.Context, keyHash []byte) (facesnap.Account, error) {
	var a facesnap.Account
	err := s.reader().QueryRowContext(ctx, sqlAccountByKey, keyHash).Scan(&a.Name, &a.SubscriptionID, &a.ResourceGroup)
	if errors.Is(err, sql.ErrNoRows) {
		return facesnap.Account{}, &facesnap.NotFoundError{Object: facesnap.ObjectAccount, Message: "No account has this key."}
	}
	return a, err
}

func accountExists(ctx context.Context, q querier, name string) error {
	var one int
	err := q.QueryRowContext(ctx, sqlAccountExists, name).Scan(&one)
	return interpretError(err, facesnap.ObjectAccount, name)
}

// mustAffect turns a statement that changed no row into NotFound(o, id).
func mustAffect(res sql.Result, err error, o facesnap.Object, id string) error {
	if err != nil {
		return interpretError(err, o, id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return facesnap.NotFound(o, id)
	}
	return nil
}
