package engine

import (
	"math/rand/v2"
	"testing"
)

func naiveGemm(m, n, k int, a []float32, lda int, b, bias, c []float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			if bias != nil {
				s = float64(bias[j])
			}
			for kk := 0; kk < k; kk++ {
				s += float64(a[i*lda+kk]) * float64(b[kk*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func TestGemm(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		m, n, k, lda int
		noBias       bool
	}{
		{1, 1, 1, 1, false}, {7, 5, 3, 3, false}, {33, 300, 270, 270, false}, {64, 18, 1024, 1030, false},
		{5, 513, 9, 9, false}, {130, 48, 40, 40, true}, {70, 32, 600, 600, true},
	} {
		a := randSlice(r, tc.m*tc.lda)
		b := randSlice(r, tc.k*tc.n)
		bias := randSlice(r, tc.n)
		if tc.noBias {
			bias = nil
		}
		got := make([]float32, tc.m*tc.n)
		want := make([]float32, tc.m*tc.n)
		gemm(tc.m, tc.n, tc.k, a, tc.lda, b, bias, got, actNone)
		naiveGemm(tc.m, tc.n, tc.k, a, tc.lda, b, bias, want)
		for i := range got {
			if d := got[i] - want[i]; d > 1e-3 || d < -1e-3 {
				t.Fatalf("%+v: c[%d] = %v, want %v", tc, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const m, n, k = 4096, 256, 256
	a := randSlice(r, m*k)
	bb := randSlice(r, k*n)
	c := make([]float32, m*n)
	b.SetBytes(2 * m * n * k) // reported MB/s reads as MFLOP/s
	for b.Loop() {
		gemm(m, n, k, a, k, bb, nil, c, actNone)
	}
}
