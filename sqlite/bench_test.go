package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"facesnap/sqlite"
	"facesnap/storetest"
)

// The store benchmarks (storetest/bench.go, the same shapes as
// postgres's). The figures in BENCHMARKS.md ("## SQLite driver") come
// from:
//
//	go test ./sqlite -run '^$' -bench . -count 5
//	FACESNAP_BENCH_APPLY_FACES=1000000 go test ./sqlite -run '^$' -bench ApplyLoad -benchtime 1x

func benchDB(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	storetest.BenchStore(b, db)
	return db
}

// The SQLite store runs in this process: its CPU time is the process's.
var cpu storetest.CPU

func BenchmarkPersonGet(b *testing.B)         { storetest.BenchPersonGet(b, benchDB(b), cpu) }
func BenchmarkFaceGet(b *testing.B)           { storetest.BenchFaceGet(b, benchDB(b), cpu) }
func BenchmarkFaceAdd(b *testing.B)           { storetest.BenchFaceAdd(b, benchDB(b), cpu) }
func BenchmarkCollectionLoad10k(b *testing.B) { storetest.BenchCollectionLoad10k(b, benchDB(b), cpu) }
func BenchmarkApplyLoad(b *testing.B)         { storetest.BenchApplyLoad(b, benchDB(b), cpu) }

// BenchmarkOperationClaim: a fair claim with a backlog of 10 (the
// baseline) and of 1,000 operations.
func BenchmarkOperationClaim(b *testing.B) {
	for _, backlog := range []int{10, 1000} {
		b.Run(fmt.Sprintf("backlog=%d", backlog), func(b *testing.B) {
			storetest.BenchOperationClaim(b, benchDB(b), backlog)
		})
	}
}
