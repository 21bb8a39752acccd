package storetest

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"facesnap"
	"facesnap/internal/cputime"
)

// The store benchmarks: the same shapes on every store, each store's
// bench_test.go naming them so that `go test ./sqlite -bench PersonGet`
// and `go test ./postgres -bench PersonGet` measure the same thing.
// Besides ns/op they report cpu-ns, the CPU time of the test process,
// because a shared machine stretches wall time with other work's load,
// and, for a server store, server-cpu-ns, its processes' CPU time.

// CPU measures CPU time: the test process's and, when Server is set, a
// server's that does the store's work elsewhere.
type CPU struct {
	Server func() time.Duration
}

type cpuStart struct{ self, server time.Duration }

func (c CPU) start() cpuStart {
	s := cpuStart{self: cputime.Self()}
	if c.Server != nil {
		s.server = c.Server()
	}
	return s
}

// report reports the CPU time since start per unit, of which each op
// does perOp.
func (c CPU) report(b *testing.B, s cpuStart, perOp int, unit string) {
	n := float64(b.N * perOp)
	b.ReportMetric(float64(cputime.Self()-s.self)/n, "cpu-ns/"+unit)
	if c.Server != nil {
		b.ReportMetric(float64(c.Server()-s.server)/n, "server-cpu-ns/"+unit)
	}
}

// benchAccount is the account every benchmark's objects belong to;
// newStore's store must have it.
const benchAccount = "acme"

// featureDim is the length of the descriptors the face engine produces.
const featureDim = 128

func benchFace(n int, personID string) facesnap.Face {
	feature := make([]float32, featureDim)
	for i := range feature {
		feature[i] = float32(n+i) / 1000
	}
	return facesnap.Face{
		ID: uuid(n), PersonID: personID, UserData: "bench",
		Rect: facesnap.Rect{Left: 1, Top: 2, Width: 100, Height: 120}, DetectionModel: "detection_03", Feature: feature,
	}
}

// BenchStore returns an empty store holding benchAccount.
func BenchStore(b *testing.B, s facesnap.Store) facesnap.Store {
	b.Helper()
	must(b, s.AccountCreate(b.Context(), facesnap.Account{Name: benchAccount}))
	return s
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchPersonGet reads one person with its faces out of 1,000 persons
// with 4 faces each. s comes from BenchStore.
func BenchPersonGet(b *testing.B, s facesnap.Store, cpu CPU) {
	ctx := b.Context()
	ref := facesnap.CollectionRef{Account: benchAccount, Kind: facesnap.KindLargePersonGroup, ID: "group"}
	must(b, s.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
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
	must(b, s.CollectionLoad(ctx, load))
	must(b, s.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: ref, Owner: "bench"}))

	i := 0
	start := cpu.start()
	for b.Loop() {
		p, err := s.PersonGet(ctx, ref, load.Persons[i%persons].ID)
		if err != nil || len(p.FaceIDs) != faces {
			b.Fatal(p, err)
		}
		i++
	}
	cpu.report(b, start, 1, "op")
}

// BenchFaceGet reads one face with its 128-float feature out of 1,000.
func BenchFaceGet(b *testing.B, s facesnap.Store, cpu CPU) {
	ctx := b.Context()
	ref := benchCollection(b, s, facesnap.KindLargeFaceList, "list")
	const faces = 1000
	for n := range faces {
		must(b, s.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: benchFace(n, "")}))
	}
	i := 0
	start := cpu.start()
	for b.Loop() {
		f, err := s.FaceGet(ctx, ref, "", benchFace(i%faces, "").ID)
		if err != nil || len(f.Feature) != featureDim {
			b.Fatal(f, err)
		}
		i++
	}
	cpu.report(b, start, 1, "op")
}

// BenchFaceAdd adds one face per write transaction, as the API does.
func BenchFaceAdd(b *testing.B, s facesnap.Store, cpu CPU) {
	ctx := b.Context()
	ref := benchCollection(b, s, facesnap.KindLargeFaceList, "list")
	i := 0
	start := cpu.start()
	for b.Loop() {
		must(b, s.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, Face: benchFace(i, ""), MaxFaces: facesnap.MaxFacesPerLargeFaceList}))
		i++
	}
	cpu.report(b, start, 1, "op")
}

// BenchCollectionLoad10k loads 10,000 faces in one call (one
// transaction), as a snapshot apply does with a batch.
func BenchCollectionLoad10k(b *testing.B, s facesnap.Store, cpu CPU) {
	ctx := b.Context()
	const n = 10000
	faces := make([]facesnap.Face, n)
	for i := range faces {
		faces[i] = benchFace(i, "")
		faces[i].Seq = int64(i + 1)
	}
	i := 0
	start := cpu.start()
	for b.Loop() {
		ref := facesnap.CollectionRef{Account: benchAccount, Kind: facesnap.KindLargeFaceList, ID: fmt.Sprintf("list-%d", i)}
		must(b, s.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
		must(b, s.CollectionLoad(ctx, facesnap.CollectionLoadParams{Ref: ref, Owner: "bench", Faces: faces}))
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/face")
	cpu.report(b, start, n, "face")
}

// BenchApplyLoad loads a LargePersonGroup the way a snapshot apply does:
// persons first in id order, then faces in seq order (each person's
// faces together, persons in random id order), random uuid ids,
// unit-length 128-float features, in batches, each batch one
// CollectionLoad. The size is FACESNAP_BENCH_APPLY_FACES (default
// 100,000, 10 faces a person), the batch FACESNAP_BENCH_APPLY_BATCH
// (default 2,000 records). The CPU and ns per face count only the
// CollectionLoad calls, not making the records.
func BenchApplyLoad(b *testing.B, s facesnap.Store, cpu CPU) {
	n, batchSize := envInt(b, "FACESNAP_BENCH_APPLY_FACES", 100000), envInt(b, "FACESNAP_BENCH_APPLY_BATCH", 2000)
	const perPerson = 10
	persons := n / perPerson
	ctx := b.Context()
	var loadCPU, loadServerCPU, loadWall time.Duration
	round := 0
	for b.Loop() {
		rng := rand.New(rand.NewPCG(uint64(round), 7))
		ref := facesnap.CollectionRef{Account: benchAccount, Kind: facesnap.KindLargePersonGroup, ID: fmt.Sprintf("apply-%d", round)}
		round++
		must(b, s.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: facesnap.Collection{CollectionRef: ref}, Owner: "bench"}))
		ids := make([]string, persons)
		for i := range ids {
			ids[i] = randomUUID(rng)
		}
		order := slices.Sorted(slices.Values(ids))
		batch := facesnap.CollectionLoadParams{Ref: ref, Owner: "bench"}
		flush := func() {
			c, w := cpu.start(), time.Now()
			must(b, s.CollectionLoad(ctx, batch))
			loadWall += time.Since(w)
			loadCPU += cputime.Self() - c.self
			if cpu.Server != nil {
				loadServerCPU += cpu.Server() - c.server
			}
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
	total := float64(b.N * n)
	b.ReportMetric(float64(loadCPU)/total, "cpu-ns/face")
	if cpu.Server != nil {
		b.ReportMetric(float64(loadServerCPU)/total, "server-cpu-ns/face")
	}
	b.ReportMetric(float64(loadWall)/total, "ns/face")
}

func benchCollection(b *testing.B, s facesnap.Store, kind facesnap.Kind, id string) facesnap.CollectionRef {
	ref := facesnap.CollectionRef{Account: benchAccount, Kind: kind, ID: id}
	must(b, s.CollectionCreate(b.Context(), facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: ref}}))
	return ref
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
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
