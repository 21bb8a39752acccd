// Package vec holds what the face-descriptor indexes share: the search
// result type and the distance kernels.
//
// Every float kernel sums in one fixed order (32 running sums, element i going
// to sum i mod 32, combined pairwise, then the elements past the last
// whole block of 32 added one by one) and never fuses a multiply into an
// add. The AVX2 assembly and the portable Go loops follow that order, so
// they give bit-identical results: nodes with different CPUs that build
// the same index from the same vectors get the same index and the same
// answers (see the ivf package). The integer kernel (DotU4I8Batch: 4-bit
// codes against an int8 query, with AVX2's VPMADDUBSW and VPMADDWD) is
// exact, so its two forms agree by construction.
//
// Why not github.com/viterin/vek (BenchmarkDot*, BenchmarkL2*, one
// 128-float query against 1,024 rows): its Dot is about 10% faster than
// DotBatch (8.3 against 9.4 ns a row), its Distance 1.6 times slower
// than L2SquaredBatch (14.3 against 8.9 ns), and it has no integer kernel.
// Above all its SIMD path fuses multiply and add while its portable path
// does not, so two CPUs would round differently, which would break the
// cross-node determinism above.
package vec

import "math"

// Neighbor is one search result: the entry's position in the order it was
// added to the index, and its euclidean (not squared) distance.
type Neighbor struct {
	ID   int32
	Dist float32
}

// block is how many elements one step of the kernels handles: four AVX2
// registers of eight floats.
const block = 32

// Dot is a·b; a and b have the same length.
func Dot(a, b []float32) float32 {
	var out [1]float32
	DotBatch(a, b[:len(a)], out[:])
	return out[0]
}

// L2Squared is the squared euclidean distance of a and b, which have the
// same length.
func L2Squared(a, b []float32) float32 {
	var out [1]float32
	L2SquaredBatch(a, b[:len(a)], out[:])
	return out[0]
}

// DotBatch sets out[r] to q·m[r*len(q):(r+1)*len(q)] for every row r of
// the row-major matrix m, which has len(out) rows of len(q) floats.
func DotBatch(q, m, out []float32) {
	n := len(q)
	checkRows(len(m), n, len(out))
	main := n &^ (block - 1)
	if len(out) == 0 {
		return
	}
	if useAsm && main > 0 {
		dotBatchAsm(&q[0], &m[0], main, n, len(out), &out[0])
	} else {
		dotBatchGo(q, m, main, n, out)
	}
	for r := range out {
		row := m[r*n : (r+1)*n]
		s := out[r]
		for i := main; i < n; i++ {
			s += float32(q[i] * row[i])
		}
		out[r] = s
	}
}

// L2SquaredBatch sets out[r] to the squared euclidean distance of q and
// row r of m, laid out as for DotBatch.
func L2SquaredBatch(q, m, out []float32) {
	n := len(q)
	checkRows(len(m), n, len(out))
	main := n &^ (block - 1)
	if len(out) == 0 {
		return
	}
	if useAsm && main > 0 {
		l2BatchAsm(&q[0], &m[0], main, n, len(out), &out[0])
	} else {
		l2BatchGo(q, m, main, n, out)
	}
	for r := range out {
		row := m[r*n : (r+1)*n]
		s := out[r]
		for i := main; i < n; i++ {
			d := q[i] - row[i]
			s += float32(d * d)
		}
		out[r] = s
	}
}

// NibbleBlock is how many 4-bit codes DotU4I8Batch takes from one block
// of 32 bytes.
const NibbleBlock = 2 * block

// DotU4I8Batch sets out[r] to Σ qᵢ·xᵢ over the 4-bit codes x of row r of
// codes, in integers (exact: no int16 sum can saturate). len(q) is a
// multiple of NibbleBlock and each row is len(q)/2 bytes: byte k of the
// row's block b (32 bytes) holds code 64b+k in its low nibble and code
// 64b+32+k in its high one, so that one AND and one shift lay 32 codes
// beside 32 query bytes. The ivf index's first pass scans these.
func DotU4I8Batch(q []int8, codes []uint8, out []int32) {
	if len(q)%NibbleBlock != 0 {
		panic("vec: DotU4I8Batch query not a multiple of NibbleBlock")
	}
	stride := len(q) / 2
	checkRows(len(codes), stride, len(out))
	done := 0
	if useAsm && stride > 0 {
		done = len(out) &^ 3
		if done > 0 {
			dotU4I8BatchAsm(&q[0], &codes[0], stride, stride, done, &out[0])
		}
	}
	for r := done; r < len(out); r++ {
		out[r] = dotU4I8Go(q, codes[r*stride:(r+1)*stride])
	}
}

func checkRows(have, n, rows int) {
	if have < n*rows {
		panic("vec: matrix shorter than its rows")
	}
}

// Dist turns a squared distance into a distance; rounding can make a
// squared distance computed as ‖q‖²−2q·x+‖x‖² slightly negative.
func Dist(sq float32) float32 {
	if sq <= 0 {
		return 0
	}
	return float32(math.Sqrt(float64(sq)))
}
