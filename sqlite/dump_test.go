package sqlite_test

import (
	"path/filepath"
	"testing"

	"facesnap/storetest"
)

// TestCollectionDumpLarge checks that a dump streams: the live heap stays
// flat however many faces go through it (storetest.LargeDumpEnv sets how
// many).
func TestCollectionDumpLarge(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "large.db"))
	defer db.Close()
	storetest.DumpStreams(t, db, nil)
}
