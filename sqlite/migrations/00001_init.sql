-- +goose Up

-- Times are INTEGER unix nanoseconds UTC, 0 for "not set". Tables are STRICT
-- so a wrongly typed bind fails loudly instead of being stored as text.

CREATE TABLE accounts (
    name            TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    resource_group  TEXT NOT NULL
) STRICT;

CREATE TABLE account_keys (
    key_hash BLOB PRIMARY KEY,
    account  TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE
) STRICT;

CREATE INDEX account_keys_account ON account_keys (account);

-- A reserved collection (a snapshot being applied) holds its id through the
-- UNIQUE constraint, but only its owner sees it.
CREATE TABLE collections (
    pk                INTEGER PRIMARY KEY,
    account           TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    ext_id            TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    user_data         TEXT    NOT NULL,
    recognition_model TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('visible', 'reserved')),
    owner             TEXT    NOT NULL DEFAULT '',
    -- last_seq is the highest face seq ever given out here; it never goes
    -- down, so a deleted face's seq is not reused under a training's mark.
    last_seq          INTEGER NOT NULL DEFAULT 0,
    training_status          TEXT    NOT NULL DEFAULT '',
    training_created_at      INTEGER NOT NULL DEFAULT 0,
    training_last_action_at  INTEGER NOT NULL DEFAULT 0,
    training_last_success_at INTEGER NOT NULL DEFAULT 0,
    training_message         TEXT    NOT NULL DEFAULT '',
    training_seq             INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, kind, ext_id)
) STRICT;

CREATE TABLE persons (
    collection INTEGER NOT NULL REFERENCES collections (pk) ON DELETE CASCADE,
    person_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    user_data  TEXT    NOT NULL,
    PRIMARY KEY (collection, person_id)
) STRICT, WITHOUT ROWID;

-- person_id is NULL for a list's faces; the composite foreign key is only
-- checked (and cascades) when it is set.
CREATE TABLE faces (
    collection      INTEGER NOT NULL REFERENCES collections (pk) ON DELETE CASCADE,
    face_id         TEXT    NOT NULL,
    person_id       TEXT,
    user_data       TEXT    NOT NULL,
    rect_left       INTEGER NOT NULL,
    rect_top        INTEGER NOT NULL,
    rect_width      INTEGER NOT NULL,
    rect_height     INTEGER NOT NULL,
    detection_model TEXT    NOT NULL,
    feature         BLOB,
    seq             INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (collection, face_id),
    FOREIGN KEY (collection, person_id) REFERENCES persons (collection, person_id) ON DELETE CASCADE
) STRICT;

CREATE UNIQUE INDEX faces_seq ON faces (collection, seq);
CREATE INDEX faces_person ON faces (collection, person_id, seq);

CREATE TABLE operations (
    id                TEXT    PRIMARY KEY,
    account           TEXT    NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    args              BLOB,
    status            TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    last_action_at    INTEGER NOT NULL DEFAULT 0,
    resource_location TEXT    NOT NULL DEFAULT '',
    message           TEXT    NOT NULL DEFAULT '',
    done              INTEGER NOT NULL DEFAULT 0,
    total             INTEGER NOT NULL DEFAULT 0,
    attempt           INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT    NOT NULL DEFAULT '',
    lease_until       INTEGER NOT NULL DEFAULT 0,
    finished_at       INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Claiming scans only the unfinished operations, oldest first.
CREATE INDEX operations_claim ON operations (created_at)
    WHERE status IN ('notstarted', 'running');
CREATE INDEX operations_account ON operations (account, created_at);
CREATE INDEX operations_finished ON operations (finished_at)
    WHERE finished_at > 0;

-- +goose Down

DROP TABLE operations;
DROP TABLE faces;
DROP TABLE persons;
DROP TABLE collections;
DROP TABLE account_keys;
DROP TABLE accounts;
