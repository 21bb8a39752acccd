-- +goose Up

-- One row per use of an account's quota (a take, an apply, a stored
-- snapshot), counted until `until`: per-account limits are counted here,
-- in the transaction that records the use, so that several writers
-- cannot together pass a limit.
CREATE TABLE quota_uses (
    account TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    until   INTEGER NOT NULL,
    PRIMARY KEY (account, kind, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX quota_uses_until ON quota_uses (account, kind, until);

-- +goose Down
DROP TABLE quota_uses;
