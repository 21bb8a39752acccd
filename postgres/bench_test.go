package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"facesnap/internal/cputime"
	"facesnap/postgres"
	"facesnap/storetest"
)

// The store benchmarks (storetest/bench.go, the same shapes as
// sqlite's). The figures in BENCHMARKS.md ("## PostgreSQL store") come
// from:
//
//	FACESNAP_TEST_POSTGRES_URL=... go test ./postgres -run '^$' -bench . -count 5
//
// cpu-ns is the CPU time of this process only. The server's work is done
// by PostgreSQL's processes: when they run on this machine,
// server-cpu-ns adds up theirs (all of them, so other clients of the
// server count too).

func benchDB(b *testing.B) *postgres.DB {
	db := open(b, testURL(b))
	storetest.BenchStore(b, db)
	return db
}

var cpu = storetest.CPU{Server: func() time.Duration { return cputime.Command("postgres") }}

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
