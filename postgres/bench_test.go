package postgres_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"facesnap"
	"facesnap/postgres"
)

// The figures in BENCHMARKS.md ("## PostgreSQL store") come from the same
// benchmarks as sqlite/bench_test.go's, on the same shapes:
//
//	FACESNAP_TEST_POSTGRES_URL=... go test ./postgres -run '^$' -bench . -count 5
//
// cpu-ns is the CPU time of this process only. The server's work is done
// by PostgreSQL's processes: when they run on this machine, server-cpu-ns
// adds up theirs (all of them, so other clients of the server count too).

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuStart is where the CPU counters stood when a measurement began.
type cpuStart struct{ self, server time.Duration }

func startCPU() cpuStart { return cpuStart{cpuTime(), serverCPU()} }

func reportCPU(b *testing.B, start cpuStart, perOp int, unit string) {
	b.ReportMetric(float64(cpuTime()-start.self)/float64(b.N*perOp), "cpu-ns/"+unit)
	if start.server > 0 {
		b.ReportMetric(float64(serverCPU()-start.server)/float64(b.N*perOp), "server-cpu-ns/"+unit)
	}
}

// serverCPU is the CPU time the processes named postgres on this machine
// have used, from /proc; 0 when there are none (a remote server).
func serverCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var ticks int64
	for _, d := range dirs {
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: utime and stime are the 14th and
		// 15th fields, the 12th and 13th after the comm's ")".
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || string(stat[open+1:end]) != "postgres" {
			continue
		}
		f := strings.Fields(string(stat[end+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
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

func benchDB(b *testing.B) *postgres.DB {
	db := open(b, testURL(b))
	must(b, db.AccountCreate(b.Context(), facesnap.Account{Name: "acme"}))
	return db
}

// BenchmarkPersonGet reads one person with its faces (one statement) out
// of 1,000 persons with 4 faces each.
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
	cpu := startCPU()
	for b.Loop() {
		p, err := db.PersonGet(ctx, ref, load.Persons[i%persons].ID)
		if err != nil || len(p.FaceIDs) != faces {
			b.Fatal(p, err)
		}
		i++
	}
	reportCPU(b, cpu, 1, "op")
}

// BenchmarkFaceGet reads one face with its 128-float feature.
func BenchmarkFaceGet(b *testing.B) {
	ctx := b.Context()
	db := benchDB(b)
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}
	must(b, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
	const faces = 1000
	for n := range faces {
		must(b, db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: benchFace(n, "")}))
	}
	i := 0
	cpu := startCPU()
	for b.Loop() {
		f, err := db.FaceGet(ctx, ref, "", benchFace(i%faces, "").ID)
		if err != nil || len(f.Feature) != featureDim {
			b.Fatal(f, err)
		}
		i++
	}
	reportCPU(b, cpu, 1, "op")
}

// BenchmarkFaceAdd adds one face per write transaction, as the API does.
func BenchmarkFaceAdd(b *testing.B) {
	ctx := b.Context()
	db := benchDB(b)
	ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}
	must(b, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
	i := 0
	cpu := startCPU()
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
	cpu := startCPU()
	for b.Loop() {
		ref := facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: fmt.Sprintf("list-%d", i)}
		must(b, db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
		must(b, db.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "bench", Faces: faces}))
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/face")
	reportCPU(b, cpu, n, "face")
}
