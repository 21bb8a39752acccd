package ivf

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"facesnap/recognition/vec"
)

// Index is an approximate index: a coarse quantiser of Lists centroids,
// and for each list the 12-bit codes of its vectors' residuals. It is
// safe for concurrent use.
type Index struct {
	dim, lists, probes int

	centroids []float32 // lists × dim
	cnorms    []float32 // ‖centroid‖², per list
	lo, step  []float32 // lists × dim: residual ≈ lo + step·code, per list and dimension
	mhi, mlow []float32 // lists × dim: the mean of code>>8 and of code&255, per list and dimension

	offsets []int32 // list l holds entries offsets[l] to offsets[l+1]-1 of:
	ids     []int32 // entry IDs (positions in Add order), ascending within a list
	hi      []uint8 // entries × hiStride(): the codes' top 4 bits, packed for vec.DotU4I8Batch
	low     []uint8 // entries × dim: the codes' low 8 bits
	rnorms  []float32

	scratch sync.Pool // *searchState
}

// Len is the number of entries.
func (ix *Index) Len() int { return len(ix.ids) }

// hiStride is the bytes of an entry's packed nibbles: dim rounded up to
// whole vec.NibbleBlock, two a byte.
func (ix *Index) hiStride() int {
	return (ix.dim + vec.NibbleBlock - 1) / vec.NibbleBlock * vec.NibbleBlock / 2
}

// MemoryBytes is what the built index holds: codes, IDs, residual norms,
// list offsets, centroids and quantiser scales and means.
func (ix *Index) MemoryBytes() int64 {
	return int64(len(ix.hi)+len(ix.low)) + 4*int64(len(ix.ids)+len(ix.rnorms)+len(ix.offsets)+
		len(ix.centroids)+len(ix.cnorms)+len(ix.lo)+len(ix.step)+len(ix.mhi)+len(ix.mlow))
}

// Probes is the number of lists Search scans.
func (ix *Index) Probes() int { return ix.probes }

// Lists is the number of inverted lists.
func (ix *Index) Lists() int { return ix.lists }

type searchState struct {
	dots, qc, u, rest []float32
	uq                []int8
	out               []int32
	lists             *vec.TopK
}

// Search returns about the k entries nearest to q (which has the index's
// dimension), nearest first, ties to the smaller ID: the nearest among
// the entries of the Probes() lists whose centroids are nearest to q,
// (or, when those hold fewer than k entries, of as many more lists as it
// takes), with distances from the 12-bit codes (within about 10⁻⁴ of the
// exact).
func (ix *Index) Search(q []float32, k int) []vec.Neighbor {
	return ix.SearchProbes(q, k, ix.probes)
}

// SearchProbes is Search scanning probes lists (at most Lists()): more
// find the true nearest more often, at a cost linear in probes.
func (ix *Index) SearchProbes(q []float32, k, probes int) []vec.Neighbor {
	if len(q) != ix.dim {
		panic(fmt.Sprintf("ivf: Search with %d floats in a %d-dimension index", len(q), ix.dim))
	}
	if k <= 0 || ix.Len() == 0 {
		return []vec.Neighbor{}
	}
	probes = max(1, min(probes, ix.lists))
	st, _ := ix.scratch.Get().(*searchState)
	if st == nil {
		st = &searchState{
			dots:  make([]float32, ix.lists),
			qc:    make([]float32, ix.dim),
			u:     make([]float32, ix.dim),
			rest:  make([]float32, ix.dim),
			uq:    make([]int8, 2*ix.hiStride()), // zero past dim
			lists: vec.NewTopK(probes),
		}
	}
	defer ix.scratch.Put(st)
	if st.lists.Cap() != probes {
		st.lists = vec.NewTopK(probes)
	}
	st.lists.Reset()

	dim := ix.dim
	vec.DotBatch(q, ix.centroids, st.dots)
	ix.rankLists(st.dots, st.lists)
	cands := vec.NewTopK(k + rerankExtra) // IDs here are entry positions
	scanned := 0
	scan := func(l int) {
		start, end := int(ix.offsets[l]), int(ix.offsets[l+1])
		if start == end {
			return
		}
		scanned += end - start
		// With r̂ⱼ = loⱼ + stepⱼ·codeⱼ and uⱼ = (q−c)ⱼ·stepⱼ,
		// ‖q−c−r̂‖² = ‖q−c‖² − 2(q−c)·lo − 2Σuⱼ·codeⱼ + ‖r̂‖², and
		// Σuⱼ·codeⱼ = 256·Σuⱼ·(codeⱼ>>8) + Σuⱼ·(codeⱼ&255). The scan
		// reads the top 4 bits only, against u in steps of s as int8;
		// the low 8 bits and what that rounding leaves out, rest, are
		// taken at the list's means.
		c := ix.centroids[l*dim : (l+1)*dim]
		lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
		var umax float32
		for j := range st.qc {
			st.qc[j] = q[j] - c[j]
			st.u[j] = float32(st.qc[j] * step[j])
			if a := math.Abs(float64(st.u[j])); a > float64(umax) {
				umax = float32(a) // not max(): its NaN handling costs more than the rest of the loop
			}
		}
		var s float32
		if umax > 0 {
			s = umax / 127
			for j, u := range st.u {
				n := max(-127, min(127, math.Round(float64(u/s))))
				st.uq[j] = int8(n)
				st.rest[j] = u - float32(s*float32(n))
			}
		} else {
			clear(st.uq)
			clear(st.rest)
		}
		base := vec.Dot(st.qc, st.qc) - float32(2*vec.Dot(st.qc, lo)) -
			float32(512*vec.Dot(st.rest, ix.mhi[l*dim:(l+1)*dim])) -
			float32(2*vec.Dot(st.u, ix.mlow[l*dim:(l+1)*dim]))
		s2 := 512 * s
		if cap(st.out) < end-start {
			st.out = make([]int32, end-start)
		}
		out := st.out[:end-start]
		hs := ix.hiStride()
		vec.DotU4I8Batch(st.uq, ix.hi[start*hs:end*hs], out)
		worst := cands.Worst()
		for i, d := range out {
			if sq := base - float32(s2*float32(d)) + ix.rnorms[start+i]; sq <= worst {
				cands.Push(int32(start+i), sq)
				worst = cands.Worst()
			}
		}
	}
	for _, cand := range st.lists.Unsorted() {
		scan(int(cand.ID))
	}
	if scanned < k && probes < ix.lists {
		// The nearest lists hold fewer than k entries (a small index):
		// go on through the others, nearest first. The ranking is a total
		// order, so the first probes of all lists are those just scanned.
		all := vec.NewTopK(ix.lists)
		ix.rankLists(st.dots, all)
		for _, cand := range all.Result()[probes:] {
			if scanned >= k {
				break
			}
			scan(int(cand.ID))
		}
	}
	top := vec.NewTopK(k)
	for _, c := range cands.Unsorted() {
		top.Push(ix.ids[c.ID], ix.refined(q, int(c.ID)))
	}
	return top.Result()
}

// rankLists offers every list to top at its distance from the query up to
// the query's own norm, ‖c‖² − 2·q·c, given dots, the q·c of every list.
func (ix *Index) rankLists(dots []float32, top *vec.TopK) {
	for l, d := range dots {
		top.Push(int32(l), ix.cnorms[l]-float32(2*d))
	}
}

// rerankExtra is how many candidates beyond k the scan hands to the
// re-ranking: enough to hold, nearly always, every entry whose 4-bit
// estimate is within its error of the true k-th's.
const rerankExtra = 64

// refined is the squared distance from q to entry pos with its 12-bit
// residual: within about 10⁻⁴ of the exact distance. Sums run in index
// order without fused operations, so every CPU gets the same bits.
func (ix *Index) refined(q []float32, pos int) float32 {
	dim, hs := ix.dim, ix.hiStride()
	l, _ := slices.BinarySearch(ix.offsets, int32(pos)+1)
	l-- // the list whose range holds pos
	c := ix.centroids[l*dim : (l+1)*dim]
	lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
	hi, low := ix.hi[pos*hs:(pos+1)*hs], ix.low[pos*dim:(pos+1)*dim]
	var s float32
	for j := range dim {
		byt, shift := nibbleAt(j)
		code := int(hi[byt]>>shift&15)<<8 | int(low[j])
		v := lo[j] + float32(step[j]*float32(code))
		d := q[j] - c[j] - v
		s += float32(d * d)
	}
	return s
}
