-- +goose Up

-- One row per use of an account's quota (a take, an apply, a stored
-- snapshot), counted until `until`: per-account limits are counted here,
-- under a lock on the account's row, in the transaction that records the
-- use, so that several nodes cannot together pass a limit.
CREATE TABLE quota_uses (
    account text   NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    kind    text   NOT NULL,
    id      text   NOT NULL,
    until   bigint NOT NULL,
    PRIMARY KEY (account, kind, id)
);

CREATE INDEX quota_uses_until ON quota_uses (account, kind, until);

-- +goose Down
DROP TABLE quota_uses;
