package vec

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randVecs(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64() * 0.1)
	}
	return v
}

// The assembly and the portable loops must agree bit for bit: that is what
// makes an index built on one CPU answer as one built on another.
func TestKernels_AsmMatchesPortable(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly on this CPU or build")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{32, 64, 128, 160, 512} {
		const rows = 37
		q, m := randVecs(r, n), randVecs(r, n*rows)
		type kernel struct {
			name     string
			asm, ref func(out []float32)
		}
		for _, k := range []kernel{
			{"dot", func(o []float32) { dotBatchAsm(&q[0], &m[0], n, n, rows, &o[0]) }, func(o []float32) { dotBatchGo(q, m, n, n, o) }},
			{"l2", func(o []float32) { l2BatchAsm(&q[0], &m[0], n, n, rows, &o[0]) }, func(o []float32) { l2BatchGo(q, m, n, n, o) }},
		} {
			a, b := make([]float32, rows), make([]float32, rows)
			k.asm(a)
			k.ref(b)
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("%s n=%d row %d: asm %v, portable %v", k.name, n, i, a[i], b[i])
				}
			}
		}
	}
}

func TestKernels_Values(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 31, 32, 33, 127, 128, 130} {
		const rows = 5
		q, m := randVecs(r, n), randVecs(r, n*rows)
		dot, l2 := make([]float32, rows), make([]float32, rows)
		DotBatch(q, m, dot)
		L2SquaredBatch(q, m, l2)
		for row := range rows {
			var wd, wl float64
			for i := range n {
				a, b := float64(q[i]), float64(m[row*n+i])
				wd += a * b
				wl += (a - b) * (a - b)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"dot", float64(dot[row]), wd},
				{"l2", float64(l2[row]), wl},
			} {
				if math.Abs(c.got-c.want) > 1e-5*float64(max(n, 1)) {
					t.Errorf("%s n=%d row %d = %v, want %v", c.name, n, row, c.got, c.want)
				}
			}
		}
		if n > 0 {
			if got := Dot(q, m[:n]); got != dot[0] {
				t.Errorf("Dot n=%d = %v, DotBatch %v", n, got, dot[0])
			}
			if got := L2Squared(q, m[:n]); got != l2[0] {
				t.Errorf("L2Squared n=%d = %v, L2SquaredBatch %v", n, got, l2[0])
			}
		}
	}
}

func randI8(r *rand.Rand, n, lim int) []int8 {
	q := make([]int8, n)
	for i := range q {
		q[i] = int8(r.IntN(2*lim+1) - lim)
	}
	return q
}

func randU8(r *rand.Rand, n int) []uint8 {
	c := make([]uint8, n)
	for i := range c {
		c[i] = uint8(r.IntN(256))
	}
	return c
}

// The 4-bit kernel against a plain sum over unpacked codes, for the full
// int8 range (nothing can saturate).
func TestDotU4I8Batch(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 64, 128, 192} {
		for _, rows := range []int{0, 1, 3, 4, 7, 12} {
			q := randI8(r, n, 127)
			if n > 0 {
				q[0], q[n-1] = -128, -128
			}
			x := make([]uint8, n*rows) // codes, unpacked
			for i := range x {
				x[i] = uint8(r.IntN(16))
				if i%7 == 0 {
					x[i] = 15
				}
			}
			packed := make([]uint8, n*rows/2)
			for i, v := range x {
				row, j := i/max(n, 1), i%max(n, 1)
				b, k := j/NibbleBlock, j%NibbleBlock
				packed[row*n/2+b*32+k%32] |= v << (4 * (k / 32))
			}
			got := make([]int32, rows)
			DotU4I8Batch(q, packed, got)
			for row := range rows {
				var want int32
				for j := range n {
					want += int32(x[row*n+j]) * int32(q[j])
				}
				if got[row] != want {
					t.Fatalf("n=%d rows=%d row %d = %d, want %d", n, rows, row, got[row], want)
				}
				if ref := dotU4I8Go(q, packed[row*n/2:(row+1)*n/2]); ref != want {
					t.Fatalf("n=%d rows=%d row %d: portable %d, want %d", n, rows, row, ref, want)
				}
			}
		}
	}
}

func TestTopK(t *testing.T) {
	tests := []struct {
		name string
		k    int
		in   []Neighbor // Dist squared
		want []Neighbor // Dist euclidean
	}{
		{"Empty", 3, nil, []Neighbor{}},
		{"ZeroK", 0, []Neighbor{{1, 4}}, []Neighbor{}},
		{"FewerThanK", 3, []Neighbor{{5, 9}, {2, 4}}, []Neighbor{{2, 2}, {5, 3}}},
		{"KeepsNearest", 2, []Neighbor{{0, 16}, {1, 1}, {2, 9}, {3, 4}}, []Neighbor{{1, 1}, {3, 2}}},
		{"TiesToSmallerID", 2, []Neighbor{{7, 4}, {3, 4}, {5, 4}, {1, 9}}, []Neighbor{{3, 2}, {5, 2}}},
		{"NegativeIsZero", 1, []Neighbor{{4, -1e-7}}, []Neighbor{{4, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, order := range [][]Neighbor{tt.in, reversed(tt.in)} {
				top := NewTopK(tt.k)
				for _, n := range order {
					top.Push(n.ID, n.Dist)
				}
				if got := top.Result(); !slices.Equal(got, tt.want) {
					t.Errorf("Result() = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func reversed(s []Neighbor) []Neighbor {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
