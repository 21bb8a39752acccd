package storetest

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"facesnap"
)

// LargeDumpEnv sets how many faces DumpStreams loads and dumps (default
// 20,000); 1000000 is the largest collection the API allows.
const LargeDumpEnv = "FACESNAP_TEST_DUMP_FACES"

// DumpStreams loads a LargeFaceList of faces (128-float features) into s
// through the bulk path and checks that CollectionDump streams it: faces in
// Seq order, the live heap flat however many go through. dump wraps the
// dump call so a caller can time or measure it (nil: call it as is). It
// returns how long the loads took and how many faces there were.
func DumpStreams(t *testing.T, s facesnap.Store, dump func(run func())) (loading time.Duration, n int) {
	t.Helper()
	n = 20_000
	if v := os.Getenv(LargeDumpEnv); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		noError(t, err)
	}
	ctx := t.Context()
	noError(t, s.AccountCreate(ctx, facesnap.Account{Name: "acme"}))
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}
	noError(t, s.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "test"}))
	const batch = 10_000
	faces := make([]facesnap.Face, 0, batch)
	feature := make([]float32, 128)
	for i := 0; i < n; i += batch {
		faces = faces[:0]
		for j := i; j < min(i+batch, n); j++ {
			f := newFace("", j)
			f.Feature, f.Seq = feature, int64(j+1)
			faces = append(faces, f)
		}
		start := time.Now()
		noError(t, s.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "test", Faces: faces}))
		loading += time.Since(start)
	}
	noError(t, s.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: "test"}))
	faces = nil

	sink := &heapSink{every: int64(max(n/10, 1)), baseHeap: liveHeap()}
	run := func() { noError(t, s.CollectionDump(ctx, ref, sink)) }
	if dump == nil {
		run()
	} else {
		dump(run)
	}
	if sink.faces != int64(n) {
		t.Fatalf("dumped %d faces, want %d", sink.faces, n)
	}
	// Holding the faces would take n * ~600 bytes; streaming holds a row
	// and the connection's buffers.
	const limit = 4 << 20
	if sink.maxGrow > limit {
		t.Fatalf("live heap grew by %d bytes during the dump of %d faces", sink.maxGrow, n)
	}
	t.Logf("%d faces, live heap grew by at most %d KiB", n, sink.maxGrow>>10)
	return loading, n
}

// heapSink checks the order of what it gets and measures the live heap
// every `every` faces.
type heapSink struct {
	faces    int64
	every    int64
	baseHeap uint64
	maxGrow  uint64
}

func (s *heapSink) Collection(facesnap.Collection, facesnap.Training, facesnap.CollectionStats) error {
	return nil
}

func (s *heapSink) Person(facesnap.Person) error { return nil }

func (s *heapSink) Face(f facesnap.Face) error {
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
