-- +goose Up

-- Faces found by detect, kept under their faceId for identify, verify and
-- find-similar until they expire (24 hours, or the faceIdTimeToLive asked
-- for). They belong to an account, not to a collection. The same table as
-- the sqlite store's.
CREATE TABLE detected_faces (
    face_id           text COLLATE "C" PRIMARY KEY,
    account           text COLLATE "C" NOT NULL
        CONSTRAINT detected_faces_account_fk REFERENCES accounts (name) ON DELETE CASCADE,
    rect_left         integer NOT NULL,
    rect_top          integer NOT NULL,
    rect_width        integer NOT NULL,
    rect_height       integer NOT NULL,
    detection_model   text    NOT NULL,
    recognition_model text    NOT NULL,
    feature           bytea,
    created_at        bigint  NOT NULL,
    expires_at        bigint  NOT NULL
);

-- The purge deletes by expiry; deleting an account cascades by account.
CREATE INDEX detected_faces_expires_at ON detected_faces (expires_at);
CREATE INDEX detected_faces_account ON detected_faces (account);

-- +goose Down

DROP TABLE detected_faces;
