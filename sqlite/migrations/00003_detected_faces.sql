-- +goose Up

-- Faces found by detect, kept under their faceId for identify, verify and
-- find-similar until they expire (24 hours, or the faceIdTimeToLive asked
-- for). They belong to an account, not to a collection.
CREATE TABLE detected_faces (
    face_id           TEXT PRIMARY KEY,
    account           TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    rect_left         INTEGER NOT NULL,
    rect_top          INTEGER NOT NULL,
    rect_width        INTEGER NOT NULL,
    rect_height       INTEGER NOT NULL,
    detection_model   TEXT NOT NULL,
    recognition_model TEXT NOT NULL,
    feature           BLOB,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL
) STRICT;

-- The purge deletes by expiry; deleting an account cascades by account.
CREATE INDEX detected_faces_expires_at ON detected_faces (expires_at);
CREATE INDEX detected_faces_account ON detected_faces (account);

-- +goose Down

DROP TABLE detected_faces;
