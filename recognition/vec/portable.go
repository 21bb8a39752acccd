package vec

// The portable kernels: the same sums, in the same order, as the
// assembly (see the package comment). The explicit float32 conversions
// keep the compiler from fusing a multiply and an add, which would round
// differently.

func dotBatchGo(q, m []float32, main, stride int, out []float32) {
	for r := range out {
		row := m[r*stride : r*stride+main]
		var acc [block]float32
		for i := 0; i < main; i += block {
			a, b := q[i:i+block], row[i:i+block]
			for j := range acc {
				acc[j] += float32(a[j] * b[j])
			}
		}
		out[r] = reduce(&acc)
	}
}

func l2BatchGo(q, m []float32, main, stride int, out []float32) {
	for r := range out {
		row := m[r*stride : r*stride+main]
		var acc [block]float32
		for i := 0; i < main; i += block {
			a, b := q[i:i+block], row[i:i+block]
			for j := range acc {
				d := a[j] - b[j]
				acc[j] += float32(d * d)
			}
		}
		out[r] = reduce(&acc)
	}
}

// reduce adds the 32 sums as the assembly does: the four registers
// pairwise ((0+1)+(2+3)), then lanes i and i+4, then two horizontal adds.
func reduce(acc *[block]float32) float32 {
	var h [8]float32
	for l := range h {
		h[l] = (acc[l] + acc[8+l]) + (acc[16+l] + acc[24+l])
	}
	t0, t1, t2, t3 := h[0]+h[4], h[1]+h[5], h[2]+h[6], h[3]+h[7]
	return (t0 + t1) + (t2 + t3)
}

// dotU4I8Go is Σ nibble·q over one row of packed nibbles (see
// DotU4I8Batch for the order), in integers like the assembly.
func dotU4I8Go(q []int8, row []uint8) int32 {
	var s int32
	for c := 0; c < len(row); c += 32 {
		lo, hi := q[2*c:2*c+32], q[2*c+32:2*c+64]
		for k, b := range row[c : c+32] {
			s += int32(b&15)*int32(lo[k]) + int32(b>>4)*int32(hi[k])
		}
	}
	return s
}
