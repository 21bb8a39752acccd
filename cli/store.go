package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"facesnap"
	"facesnap/postgres"
	"facesnap/sqlite"
)

// dbFile is the database's name inside the data directory.
const dbFile = "facesnap.db"

// defaultDataDir is --data's default, relative to the working directory.
const defaultDataDir = "./facesnap-data"

// dbUsage is the help of --db, shared by the commands that open the store.
const dbUsage = "database URL: postgres://USER@HOST/DB?sslmode=... to share one PostgreSQL between nodes; default SQLite in the data directory"

// openStore opens the store dbURL names: PostgreSQL for a postgres:// URL,
// or, when it is empty, SQLite in the data directory (created if needed).
func openStore(ctx context.Context, dbURL, dataDir string) (facesnap.Store, error) {
	switch {
	case dbURL == "":
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return sqlite.Open(ctx, filepath.Join(dataDir, dbFile))
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return postgres.Open(ctx, dbURL)
	}
	return nil, usageErrorf("--db: want a postgres:// URL, or none for SQLite in the data directory")
}
