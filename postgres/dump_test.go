package postgres_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"facesnap"
)

// largeEnv sets how many faces TestCollectionDumpLarge loads and dumps;
// 1000000 is the largest collection the API allows.
const largeEnv = "FACESNAP_TEST_DUMP_FACES"

// countingSink checks the order of what it gets and measures the live
// heap every `every` faces.
type countingSink struct {
	faces    int64
	every    int64
	baseHeap uint64
	maxGrow  uint64
}

func (s *countingSink) Collection(facesnap.Collection, facesnap.Training, facesnap.CollectionStats) error {
	return nil
}

func (s *countingSink) Person(facesnap.Person) error { return nil }

func (s *countingSink) Face(f facesnap.Face) error {
	s.faces++
	if f.Seq != s.faces {
		return fmt.Errorf("face %d has Seq %d", s.faces, f.Seq)
	}
	if s.faces%s.every == 0 {
		if h := liveHeap(); h > s.baseHeap {
			s.maxGrow = max(s.maxGrow, h-s.baseHeap)
		}
	}
	return nil
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestCollectionDumpLarge checks that a dump streams: the live heap stays
// flat however many faces go through it. It logs how long the load and
// the dump took, for BENCHMARKS.md, and checks nothing about it.
func TestCollectionDumpLarge(t *testing.T) {
	n := 20_000
	if v := os.Getenv(largeEnv); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		must(t, err)
	}
	ctx := t.Context()
	db := open(t, testURL(t))
	must(t, db.AccountCreate(ctx, facesnap.Account{Name: "acme"}))
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}
	must(t, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "test"}))
	const batch = 10_000
	faces := make([]facesnap.Face, 0, batch)
	var loading time.Duration
	for i := 0; i < n; i += batch {
		faces = faces[:0]
		for j := i; j < min(i+batch, n); j++ {
			f := benchFace(j, "")
			f.Seq = int64(j + 1)
			faces = append(faces, f)
		}
		start := time.Now()
		must(t, db.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "test", Faces: faces}))
		loading += time.Since(start)
	}
	must(t, db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: "test"}))
	faces = nil

	sink := &countingSink{every: int64(max(n/10, 1)), baseHeap: liveHeap()}
	start, cpu := time.Now(), startCPU()
	must(t, db.CollectionDump(ctx, ref, sink))
	dumping, dumpCPU, dumpServerCPU := time.Since(start), cpuTime()-cpu.self, serverCPU()-cpu.server
	if sink.faces != int64(n) {
		t.Fatalf("dumped %d faces, want %d", sink.faces, n)
	}
	// Holding the faces would take n * ~600 bytes; streaming holds a row
	// and the connection's buffers.
	const limit = 4 << 20
	if sink.maxGrow > limit {
		t.Fatalf("live heap grew by %d bytes during the dump of %d faces", sink.maxGrow, n)
	}
	t.Logf("%d faces: load %v; dump %v (CPU %v here, %v in PostgreSQL, all its processes); live heap grew by at most %d KiB",
		n, loading.Round(time.Millisecond), dumping.Round(time.Millisecond), dumpCPU.Round(time.Millisecond),
		dumpServerCPU.Round(time.Millisecond), sink.maxGrow>>10)
}
