-- +goose Up

-- The fair claim ranks accounts over their unfinished operations: grouped
-- by account, from this index (which holds every column the ranking
-- reads), it reads only those, not the finished ones kept for 48 h.
CREATE INDEX operations_unfinished ON operations (account, created_at, status, kind, lease_until)
    WHERE status IN ('notstarted', 'running');

-- +goose Down
DROP INDEX operations_unfinished;
