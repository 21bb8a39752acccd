package sqlite_test

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"facesnap"
	"facesnap/sqlite"
)

// The figures in BENCHMARKS.md ("## SQLite driver") come from:
//
//	go test ./sqlite -run '^$' -bench . -count 5

// cpuTime is the CPU time the process has used. The benchmarks report it
// per op next to ns/op because a shared machine stretches wall time with
// other work's load; CPU time is what the driver itself costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time since start per unit, of which each op
// does perOp.
func reportCPU(b *testing.B, start time.Duration, perOp int, unit string) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N*perOp), "cpu-ns/"+unit)
}

// featureDim is the length of the descriptors the face engine produces.
const featureDim = 128

func benchFace(n int, personID string) facesnap.Face {
	feature := make([]float32, featureDim)
	for i := range feature {
		feature[i] = float32(n+i) / 1000
	}
	return facesnap.Face{
		ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), PersonID: personID, UserData: "bench",
		Rect: facesnap.Rect{Left: 1, Top: 2, Width: 100, Height: 120}, DetectionModel: "detection_03", Feature: feature,
	}
}

func benchDB(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.AccountCreate(b.Context(), facesnap.Account{Name: "acme"}); err != nil {
		b.Fatal(err)
	}
	return db
}

func benchCollection(b *testing.B, db *sqlite.DB, kind facesnap.Kind, id string) facesnap.CollectionRef {
	ref := facesnap.CollectionRef{Account: "acme", Kind: kind, ID: id}
	if err := db.CollectionCreate(b.Context(), facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}); err != nil {
		b.Fatal(err)
	}
	return ref
}

// BenchmarkPersonGet reads one person with its faces (a read transaction
// of three statements) out of 1,000 persons with 4 faces each.
func BenchmarkPersonGet(b *testing.B) {
	ctx := b.Context()
	db := benchDB(b)
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargePersonGroup, ID: "group"}
	must(b, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
	const persons, faces = 1000, 4
	load := facesnap.CollectionLoadParams{Ref: ref, Owner: "bench"}
	for p := range persons {
		id := fmt.Sprintf("person-%06d", p)
		load.Persons = append(load.Persons, facesnap.Person{ID: id})
		for f := range faces {
			face := benchFace(p*faces+f, id)
			face.Seq = int64(p*faces + f + 1)
			load.Faces = append(load.Faces, face)
		}
	}
	must(b, db.CollectionLoad(ctx, load))
	must(b, db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: "bench"}))

	i := 0
	cpu := cpuTime()
	for b.Loop() {
		p, err := db.PersonGet(ctx, ref, load.Persons[i%persons].ID)
		if err != nil || len(p.FaceIDs) != faces {
			b.Fatal(p, err)
		}
		i++
	}
	reportCPU(b, cpu, 1, "op")
}

// BenchmarkFaceAdd adds one face per write transaction, as the API does.
func BenchmarkFaceAdd(b *testing.B) {
	ctx := b.Context()
	db := benchDB(b)
	ref := benchCollection(b, db, facesnap.KindLargeFaceList, "list")
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		must(b, db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: benchFace(i, ""), MaxFaces: facesnap.MaxFacesPerLargeFaceList}))
		i++
	}
	reportCPU(b, cpu, 1, "op")
}

// BenchmarkCollectionLoad10k loads 10,000 faces in one call (one
// transaction), as a snapshot apply does with a batch.
func BenchmarkCollectionLoad10k(b *testing.B) {
	ctx := b.Context()
	db := benchDB(b)
	const n = 10000
	faces := make([]facesnap.Face, n)
	for i := range faces {
		faces[i] = benchFace(i, "")
		faces[i].Seq = int64(i + 1)
	}
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: fmt.Sprintf("list-%d", i)}
		must(b, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
		must(b, db.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "bench", Faces: faces}))
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/face")
	reportCPU(b, cpu, n, "face")
}

// BenchmarkApplyLoad loads a LargePersonGroup the way a snapshot apply
// does: persons first in id order, then faces in seq order (each
// person's faces together, persons in random id order), random uuid ids,
// unit-length 128-float features, in batches of 2000 records, each batch
// one CollectionLoad. The size is FACESNAP_BENCH_APPLY_FACES (default
// 100,000, 10 faces a person), the batch FACESNAP_BENCH_APPLY_BATCH.
// cpu-ns/face counts only the CollectionLoad calls, not making the
// records.
//
//	FACESNAP_BENCH_APPLY_FACES=1000000 go test ./sqlite -run '^$' -bench ApplyLoad -benchtime 1x
func BenchmarkApplyLoad(b *testing.B) {
	n := 100000
	if v := os.Getenv("FACESNAP_BENCH_APPLY_FACES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	const perPerson = 10
	batchSize := 2000
	if v := os.Getenv("FACESNAP_BENCH_APPLY_BATCH"); v != "" {
		var err error
		if batchSize, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	persons := n / perPerson
	ctx := b.Context()
	db := benchDB(b)
	var loadCPU, loadWall time.Duration
	round := 0
	for b.Loop() {
		rng := rand.New(rand.NewPCG(uint64(round), 7))
		ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargePersonGroup, ID: fmt.Sprintf("apply-%d", round)}
		round++
		must(b, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
		ids := make([]string, persons)
		for i := range ids {
			ids[i] = randomUUID(rng)
		}
		order := append([]string(nil), ids...)
		sort.Strings(order)
		batch := facesnap.CollectionLoadParams{Ref: ref, Owner: "bench"}
		flush := func() {
			c, w := cpuTime(), time.Now()
			must(b, db.CollectionLoad(ctx, batch))
			loadCPU += cpuTime() - c
			loadWall += time.Since(w)
			batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		}
		for i, id := range order {
			batch.Persons = append(batch.Persons, facesnap.Person{ID: id, Name: fmt.Sprintf("person %d", i), UserData: `{"team":"bench"}`})
			if len(batch.Persons) == batchSize {
				flush()
			}
		}
		seq := int64(0)
		for _, id := range ids {
			for range perPerson {
				seq++
				f := facesnap.Face{ID: randomUUID(rng), PersonID: id, UserData: "camera=front",
					Rect: facesnap.Rect{Left: 1, Top: 2, Width: 100, Height: 120}, DetectionModel: "detection_03",
					Feature: make([]float32, featureDim), Seq: seq, CreatedAt: time.Unix(1700000000, 0)}
				for j := range f.Feature {
					f.Feature[j] = float32(rng.NormFloat64() / 11.3)
				}
				batch.Faces = append(batch.Faces, f)
				if len(batch.Persons)+len(batch.Faces) == batchSize {
					flush()
				}
			}
		}
		flush()
	}
	b.ReportMetric(float64(loadCPU)/float64(b.N*n), "cpu-ns/face")
	b.ReportMetric(float64(loadWall)/float64(b.N*n), "ns/face")
}

func randomUUID(rng *rand.Rand) string {
	var u [16]byte
	for i := range u {
		u[i] = byte(rng.Uint32())
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
