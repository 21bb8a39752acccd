-- +goose Up

-- Quotas go up to 1,000,000 persons or faces per collection: counting rows
-- on every add would cost a scan of up to that many index entries, so the
-- store keeps the counts with the rows, in the same transactions.
ALTER TABLE collections ADD COLUMN person_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collections ADD COLUMN face_count INTEGER NOT NULL DEFAULT 0;

UPDATE collections SET
    person_count = (SELECT count(*) FROM persons WHERE collection = collections.pk),
    face_count = (SELECT count(*) FROM faces WHERE collection = collections.pk);

-- +goose Down

ALTER TABLE collections DROP COLUMN face_count;
ALTER TABLE collections DROP COLUMN person_count;
