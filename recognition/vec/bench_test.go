package vec

import (
	"math/rand/v2"
	"testing"

	"github.com/viterin/vek/vek32"
)

// The kernels against github.com/viterin/vek (SIMD float32) on what the
// indexes do: one 128-float query against a batch of rows.
const benchDim, benchRows = 128, 1024

func benchData() (q, m []float32, out []float32) {
	r := rand.New(rand.NewPCG(5, 6))
	q, m = randVecs(r, benchDim), randVecs(r, benchDim*benchRows)
	return q, m, make([]float32, benchRows)
}

func perRow(b *testing.B, f func()) {
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

func BenchmarkDotBatch(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() { DotBatch(q, m, out) })
}

func BenchmarkDotBatchPortable(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() { dotBatchGo(q, m, benchDim, benchDim, out) })
}

func BenchmarkDotVek(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() {
		for r := range out {
			out[r] = vek32.Dot(q, m[r*benchDim:(r+1)*benchDim])
		}
	})
}

func BenchmarkL2Batch(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() { L2SquaredBatch(q, m, out) })
}

func BenchmarkL2BatchPortable(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() { l2BatchGo(q, m, benchDim, benchDim, out) })
}

func BenchmarkL2Vek(b *testing.B) {
	q, m, out := benchData()
	perRow(b, func() {
		for r := range out {
			out[r] = vek32.Distance(q, m[r*benchDim:(r+1)*benchDim])
		}
	})
}

func BenchmarkDotU4I8Batch(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	q, codes, out := randI8(r, benchDim, 127), randU8(r, benchDim/2*benchRows), make([]int32, benchRows)
	perRow(b, func() { DotU4I8Batch(q, codes, out) })
}

func BenchmarkDotU4I8BatchPortable(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	q, codes, out := randI8(r, benchDim, 127), randU8(r, benchDim/2*benchRows), make([]int32, benchRows)
	perRow(b, func() {
		for i := range out {
			out[i] = dotU4I8Go(q, codes[i*benchDim/2:(i+1)*benchDim/2])
		}
	})
}
