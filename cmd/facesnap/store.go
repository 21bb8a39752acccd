package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"facesnap/sqlite"
)

// dbFile is the database's name inside the data directory.
const dbFile = "facesnap.db"

// defaultDataDir is --data's default, relative to the working directory.
const defaultDataDir = "./facesnap-data"

// openStore opens (creating them if needed) the data directory and its
// database.
func openStore(ctx context.Context, dataDir string) (*sqlite.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(dataDir, dbFile))
}
