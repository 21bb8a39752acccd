package postgres_test

import (
	"testing"
	"time"

	"facesnap/internal/cputime"
	"facesnap/storetest"
)

// TestCollectionDumpLarge checks that a dump streams: the live heap stays
// flat however many faces go through it (storetest.LargeDumpEnv sets how
// many). It logs how long the load and the dump took, for BENCHMARKS.md,
// and checks nothing about it.
func TestCollectionDumpLarge(t *testing.T) {
	db := open(t, testURL(t))
	var dumping, dumpCPU, dumpServerCPU time.Duration
	loading, n := storetest.DumpStreams(t, db, func(run func()) {
		start, self, server := time.Now(), cputime.Self(), cputime.Command("postgres")
		run()
		dumping, dumpCPU, dumpServerCPU = time.Since(start), cputime.Self()-self, cputime.Command("postgres")-server
	})
	t.Logf("%d faces: load %v; dump %v (CPU %v here, %v in PostgreSQL, all its processes)",
		n, loading.Round(time.Millisecond), dumping.Round(time.Millisecond), dumpCPU.Round(time.Millisecond),
		dumpServerCPU.Round(time.Millisecond))
}
