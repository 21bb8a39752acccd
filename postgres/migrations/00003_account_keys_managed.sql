-- +goose Up

-- A managed key comes from FACESNAP_ACCOUNTS: at each start the
-- configuration decides whether it exists, so a key taken out of it stops
-- working. Keys stored before this column are not managed: nothing says
-- where they came from, and removing them could lock an operator out.
ALTER TABLE account_keys ADD COLUMN managed boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE account_keys DROP COLUMN managed;
