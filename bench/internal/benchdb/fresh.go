package benchdb

import (
	"context"
	"os"
	"path/filepath"

	"facesnap"
	"facesnap/postgres"
	"facesnap/sqlite"
)

// Fresh opens an empty store for a baseline: a new schema named after
// prefix in the database a postgres:// target names, otherwise SQLite in
// the directory target (created if need be). The func closes the store
// and drops the schema.
func Fresh(ctx context.Context, target, prefix string) (facesnap.Store, func(), error) {
	if IsPostgres(target) {
		u, drop, err := Schema(ctx, target, prefix)
		if err != nil {
			return nil, nil, err
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			drop()
			return nil, nil, err
		}
		return db, func() { db.Close(); drop() }, nil
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(target, "facesnap.db"))
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}
