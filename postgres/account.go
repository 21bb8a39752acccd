package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"facesnap"
)

func (s *store) AccountCreate(ctx context.Context, a facesnap.Account) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.Exec(ctx,
			`INSERT INTO accounts (name, subscription_id, resource_group) VALUES ($1, $2, $3)`,
			a.Name, a.SubscriptionID, a.ResourceGroup)
		return interpretError(err, facesnap.ObjectAccount, a.Name)
	})
}

func (s *store) AccountGet(ctx context.Context, name string) (facesnap.Account, error) {
	a := facesnap.Account{Name: name}
	err := s.reader().QueryRow(ctx,
		`SELECT subscription_id, resource_group FROM accounts WHERE name = $1`, name,
	).Scan(&a.SubscriptionID, &a.ResourceGroup)
	if err != nil {
		return facesnap.Account{}, interpretError(err, facesnap.ObjectAccount, name)
	}
	return a, nil
}

func (s *store) AccountList(ctx context.Context) ([]facesnap.Account, error) {
	rows, err := s.reader().Query(ctx,
		`SELECT name, subscription_id, resource_group FROM accounts ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var as []facesnap.Account
	var a facesnap.Account
	_, err = pgx.ForEachRow(rows, []any{&a.Name, &a.SubscriptionID, &a.ResourceGroup}, func() error {
		as = append(as, a)
		return nil
	})
	return as, err
}

func (s *store) AccountDelete(ctx context.Context, name string) error {
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `DELETE FROM accounts WHERE name = $1`, name)
		return mustAffect(tag, err, facesnap.ObjectAccount, name)
	})
}

// AccountKeyAdd is idempotent for the same account, so a deployment can
// add its configured keys at every start. A key of another account is
// ErrExists. A missing account breaks the foreign key: NotFound.
func (s *store) AccountKeyAdd(ctx context.Context, p facesnap.AccountKeyAddParams) error {
	return s.write(ctx, func(q querier) error {
		var owner string
		err := q.QueryRow(ctx,
			`INSERT INTO account_keys AS k (key_hash, account, managed) VALUES ($1, $2, $3)
			 ON CONFLICT (key_hash) DO UPDATE SET
			   managed = CASE WHEN k.account = excluded.account THEN k.managed OR excluded.managed ELSE k.managed END
			 RETURNING account`,
			p.Hash, p.Account, p.Managed).Scan(&owner)
		if err != nil {
			return interpretError(err, facesnap.ObjectAccount, p.Account)
		}
		if owner != p.Account {
			return &facesnap.ExistsError{Object: facesnap.ObjectAccount, Message: "The key selects another account."}
		}
		return nil
	})
}

func (s *store) AccountKeyList(ctx context.Context, name string) ([]facesnap.AccountKey, error) {
	rows, err := s.reader().Query(ctx,
		`SELECT account, key_hash, managed FROM account_keys
		 WHERE $1 = '' OR account = $1 ORDER BY account, key_hash`, name)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (facesnap.AccountKey, error) {
		var k facesnap.AccountKey
		err := row.Scan(&k.Account, &k.Hash, &k.Managed)
		return k, err
	})
}

func (s *store) AccountKeyRemove(ctx context.Context, name string, keyHash []byte) error {
	return s.write(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `DELETE FROM account_keys WHERE account = $1 AND key_hash = $2`, name, keyHash)
		if err == nil && tag.RowsAffected() == 0 {
			return &facesnap.NotFoundError{Object: facesnap.ObjectAccount, Message: "The account has no such key."}
		}
		return err
	})
}

func (s *store) AccountByKey(ctx context.Context, keyHash []byte) (facesnap.Account, error) {
	var a facesnap.Account
	err := s.reader().QueryRow(ctx,
		`SELECT a.name, a.subscription_id, a.resource_group
		 FROM account_keys k JOIN accounts a ON a.name = k.account
		 WHERE k.key_hash = $1`, keyHash,
	).Scan(&a.Name, &a.SubscriptionID, &a.ResourceGroup)
	if errors.Is(err, pgx.ErrNoRows) {
		return facesnap.Account{}, &facesnap.NotFoundError{Object: facesnap.ObjectAccount, Message: "No account has this key."}
	}
	return a, err
}
