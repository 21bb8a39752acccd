package snapfile

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"facesnap"
	"facesnap/internal/cputime"
)

const benchFaces = 100_000

// benchData is a pregenerated large list so that generating does not
// count; 10,000 distinct faces are cycled with fresh Seq.
func benchFacesData() (facesnap.Collection, facesnap.Training, []facesnap.Face) {
	g := newGen(7)
	c, tr := g.collection(facesnap.KindLargeFaceList)
	faces := make([]facesnap.Face, 10_000)
	for i := range faces {
		faces[i] = g.face(int64(i+1), "")
	}
	return c, tr, faces
}

func writeBench(w io.Writer, lvl zstd.EncoderLevel, c facesnap.Collection, tr facesnap.Training, faces []facesnap.Face) (Summary, error) {
	sw := newWriter(w, lvl)
	if err := sw.Collection(c, tr, facesnap.CollectionStats{Faces: benchFaces, MaxSeq: benchFaces}); err != nil {
		return Summary{}, err
	}
	for i := range benchFaces {
		f := faces[i%len(faces)]
		f.Seq = int64(i + 1)
		if err := sw.Face(f); err != nil {
			return Summary{}, err
		}
	}
	return sw.Close()
}

// rawFaceBytes is the size of a face's fields, uncompressed, for MB/s.
func rawFaceBytes(faces []facesnap.Face) int64 {
	var n int
	for _, f := range faces[:100] {
		n += len(f.ID) + len(f.UserData) + len(f.DetectionModel) + 4*len(f.Feature) + 6*8
	}
	return int64(n / 100)
}

// BenchmarkWrite measures the writer at every zstd level; the file size
// per face is what the level buys.
func BenchmarkWrite(b *testing.B) {
	c, tr, faces := benchFacesData()
	for _, lvl := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression, zstd.SpeedBestCompression} {
		b.Run(lvl.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(rawFaceBytes(faces) * benchFaces)
			var sum Summary
			cpu0 := cputime.Self()
			for b.Loop() {
				var err error
				if sum, err = writeBench(io.Discard, lvl, c, tr, faces); err != nil {
					b.Fatal(err)
				}
			}
			reportPerFace(b, cpu0)
			b.ReportMetric(float64(sum.Size)/benchFaces, "B/face")
		})
	}
}

func BenchmarkRead(b *testing.B) {
	c, tr, faces := benchFacesData()
	var buf bytes.Buffer
	if _, err := writeBench(&buf, level, c, tr, faces); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(rawFaceBytes(faces) * benchFaces)
	cpu0 := cputime.Self()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if rec.Face != nil {
				n++
			}
		}
		if n != benchFaces {
			b.Fatalf("read %d faces", n)
		}
	}
	reportPerFace(b, cpu0)
}

// reportPerFace reports wall and CPU time per face; CPU time includes the
// process's other goroutines (the GC), which the work causes.
func reportPerFace(b *testing.B, cpu0 time.Duration) {
	per := float64(b.N) * benchFaces
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/face")
	if cpu0 != 0 {
		b.ReportMetric(float64(cputime.Self()-cpu0)/per, "cpu-ns/face")
	}
}

func statsFor(faces int) facesnap.CollectionStats {
	return facesnap.CollectionStats{Faces: int64(faces), MaxSeq: int64(faces)}
}
