package sqlite_test

import (
	"fmt"
	"path/filepath"
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
