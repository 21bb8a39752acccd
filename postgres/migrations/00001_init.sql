-- +goose Up

-- The same schema as the sqlite store's, in one migration. Times are bigint
-- unix nanoseconds UTC, 0 for "not set": timestamptz keeps microseconds
-- only, and the API's times carry 100 ns. Ids are COLLATE "C" so that they
-- sort and compare bytewise, as SQLite does, whatever the database's
-- collation: paging by "id greater than Start" must not depend on a locale.
-- Foreign keys are named: interpretError tells the missing parent by them.

CREATE TABLE accounts (
    name            text COLLATE "C" PRIMARY KEY,
    subscription_id text NOT NULL,
    resource_group  text NOT NULL
);

CREATE TABLE account_keys (
    key_hash bytea PRIMARY KEY,
    account  text COLLATE "C" NOT NULL
        CONSTRAINT account_keys_account_fk REFERENCES accounts (name) ON DELETE CASCADE
);

CREATE INDEX account_keys_account ON account_keys (account);

-- A reserved collection (a snapshot being applied) holds its id through the
-- UNIQUE constraint, but only its owner sees it. Every write that adds to a
-- collection updates (and so locks) its row first: that serialises seq
-- assignment and the quota checks across nodes.
CREATE TABLE collections (
    pk                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account           text COLLATE "C" NOT NULL
        CONSTRAINT collections_account_fk REFERENCES accounts (name) ON DELETE CASCADE,
    kind              text COLLATE "C" NOT NULL,
    ext_id            text COLLATE "C" NOT NULL,
    name              text   NOT NULL,
    user_data         text   NOT NULL,
    recognition_model text   NOT NULL,
    created_at        bigint NOT NULL,
    state             text   NOT NULL CHECK (state IN ('visible', 'reserved')),
    owner             text   NOT NULL DEFAULT '',
    -- last_seq is the highest face seq ever given out here; it never goes
    -- down, so a deleted face's seq is not reused under a training's mark.
    last_seq          bigint NOT NULL DEFAULT 0,
    -- Counts kept with the rows, in the same transactions: a quota of up
    -- to 1,000,000 must not cost a count(*) on every add.
    person_count      bigint NOT NULL DEFAULT 0,
    face_count        bigint NOT NULL DEFAULT 0,
    training_status          text   NOT NULL DEFAULT '',
    training_created_at      bigint NOT NULL DEFAULT 0,
    training_last_action_at  bigint NOT NULL DEFAULT 0,
    training_last_success_at bigint NOT NULL DEFAULT 0,
    training_message         text   NOT NULL DEFAULT '',
    training_seq             bigint NOT NULL DEFAULT 0,
    CONSTRAINT collections_ref UNIQUE (account, kind, ext_id)
);

CREATE TABLE persons (
    collection bigint NOT NULL
        CONSTRAINT persons_collection_fk REFERENCES collections (pk) ON DELETE CASCADE,
    person_id  text COLLATE "C" NOT NULL,
    name       text NOT NULL,
    user_data  text NOT NULL,
    PRIMARY KEY (collection, person_id)
);

-- person_id is NULL for a list's faces; the composite foreign key is only
-- checked (and cascades) when it is set. feature is the descriptor as
-- little-endian float32s, the same bytes as in SQLite (see face.go).
CREATE TABLE faces (
    collection      bigint NOT NULL
        CONSTRAINT faces_collection_fk REFERENCES collections (pk) ON DELETE CASCADE,
    face_id         text COLLATE "C" NOT NULL,
    person_id       text COLLATE "C",
    user_data       text    NOT NULL,
    rect_left       integer NOT NULL,
    rect_top        integer NOT NULL,
    rect_width      integer NOT NULL,
    rect_height     integer NOT NULL,
    detection_model text    NOT NULL,
    feature         bytea,
    seq             bigint  NOT NULL,
    created_at      bigint  NOT NULL,
    PRIMARY KEY (collection, face_id),
    CONSTRAINT faces_person_fk FOREIGN KEY (collection, person_id)
        REFERENCES persons (collection, person_id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX faces_seq ON faces (collection, seq);
CREATE INDEX faces_person ON faces (collection, person_id, seq);

CREATE TABLE operations (
    id                text COLLATE "C" PRIMARY KEY,
    account           text COLLATE "C" NOT NULL
        CONSTRAINT operations_account_fk REFERENCES accounts (name) ON DELETE CASCADE,
    kind              text   NOT NULL,
    args              bytea,
    status            text   NOT NULL,
    created_at        bigint NOT NULL,
    last_action_at    bigint NOT NULL DEFAULT 0,
    resource_location text   NOT NULL DEFAULT '',
    message           text   NOT NULL DEFAULT '',
    done              bigint NOT NULL DEFAULT 0,
    total             bigint NOT NULL DEFAULT 0,
    attempt           integer NOT NULL DEFAULT 0,
    lease_owner       text   NOT NULL DEFAULT '',
    lease_until       bigint NOT NULL DEFAULT 0,
    finished_at       bigint NOT NULL DEFAULT 0
);

-- Claiming scans only the unfinished operations, oldest first.
CREATE INDEX operations_claim ON operations (created_at, id)
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
