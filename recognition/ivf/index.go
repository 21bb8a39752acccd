package ivf

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"facesnap/recognition/vec"
)

// Index is an approximate index: a coarse quantiser of Lists centroids,
// and for each list the 8-bit codes of its vectors' residuals. It is safe
// for concurrent use.
type Index struct {
	dim, lists, probes int

	centroids []float32 // lists × dim
	cnorms    []float32 // ‖centroid‖², per list
	lo, step  []float32 // lists × dim: residual ≈ lo + step·code, per list and dimension
	mean      []float32 // lists × dim: the mean code, per list and dimension

	offsets []int32 // list l holds entries offsets[l] to offsets[l+1]-1 of:
	ids     []int32 // entry IDs (positions in Add order), ascending within a list
	codes   []uint8 // entries × dim
	fine    []uint8 // entries × fineStride(): 4-bit refinements, two a byte
	rnorms  []float32

	scratch sync.Pool // *searchState
}

// Len is the number of entries.
func (ix *Index) Len() int { return len(ix.ids) }

func (ix *Index) fineStride() int { return (ix.dim + 1) / 2 }

// MemoryBytes is what the built index holds: codes, IDs, residual norms,
// list offsets, centroids and quantiser scales.
func (ix *Index) MemoryBytes() int64 {
	return int64(len(ix.codes)+len(ix.fine)) + 4*int64(len(ix.ids)+len(ix.rnorms)+len(ix.offsets)+
		len(ix.centroids)+len(ix.cnorms)+len(ix.lo)+len(ix.step)+len(ix.mean))
}

// Probes is the number of lists Search scans.
func (ix *Index) Probes() int { return ix.probes }

// Lists is the number of inverted lists.
func (ix *Index) Lists() int { return ix.lists }

type searchState struct {
	dots, qc, w, rest []float32
	wq                []int8
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
	if st == nil || len(st.dots) != ix.lists {
		st = &searchState{
			dots:  make([]float32, ix.lists),
			qc:    make([]float32, ix.dim),
			w:     make([]float32, ix.dim),
			rest:  make([]float32, ix.dim),
			wq:    make([]int8, ix.dim),
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
	for l, d := range st.dots {
		st.lists.Push(int32(l), ix.cnorms[l]-float32(2*d))
	}
	cands := vec.NewTopK(k + rerankExtra) // IDs here are entry positions
	scanned := 0
	scan := func(l int) {
		start, end := int(ix.offsets[l]), int(ix.offsets[l+1])
		if start == end {
			return
		}
		scanned += end - start
		// ‖q−c−r̂‖² = ‖q−c‖² − 2(q−c)·lo − 2Σwⱼ·codeⱼ + ‖r̂‖², wⱼ = (q−c)ⱼ·stepⱼ
		c := ix.centroids[l*dim : (l+1)*dim]
		lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
		var wmax float32
		for j := range st.qc {
			st.qc[j] = q[j] - c[j]
			st.w[j] = float32(st.qc[j] * step[j])
			wmax = max(wmax, st.w[j], -st.w[j])
		}
		// w in steps of s as int8 within ±wScale, for the integer kernel;
		// what that rounding leaves out, rest, is added back against the
		// list's mean code, leaving only rest·(code−mean) unaccounted.
		var s float32
		if wmax > 0 {
			s = wmax / wScale
			for j, w := range st.w {
				n := max(-wScale, min(wScale, math.Round(float64(w/s))))
				st.wq[j] = int8(n)
				st.rest[j] = w - float32(s*float32(n))
			}
		} else {
			clear(st.wq)
			clear(st.rest)
		}
		base := vec.Dot(st.qc, st.qc) - float32(2*vec.Dot(st.qc, lo)) -
			float32(2*vec.Dot(st.rest, ix.mean[l*dim:(l+1)*dim]))
		s2 := 2 * s
		if cap(st.out) < end-start {
			st.out = make([]int32, end-start)
		}
		out := st.out[:end-start]
		vec.DotU8I8Batch(st.wq, ix.codes[start*dim:end*dim], out)
		worst := cands.Worst()
		for i, d := range out {
			if sq := base - float32(s2*float32(d)) + ix.rnorms[start+i]; sq <= worst {
				cands.Push(int32(start+i), sq)
				worst = cands.Worst()
			}
		}
	}
	probed := st.lists.Unsorted()
	for _, cand := range probed {
		scan(int(cand.ID))
	}
	if scanned < k && probes < ix.lists {
		// The nearest lists hold fewer than k entries (a small index):
		// go on through the others, nearest first.
		done := make([]bool, ix.lists)
		for _, cand := range probed {
			done[cand.ID] = true
		}
		rest := vec.NewTopK(ix.lists)
		for l, d := range st.dots {
			if !done[l] {
				rest.Push(int32(l), ix.cnorms[l]-float32(2*d))
			}
		}
		for _, cand := range rest.Result() {
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

// rerankExtra is how many candidates beyond k the scan hands to the
// re-ranking: enough to hold every entry whose scan estimate is within
// its error (the codes' and the int8 weights') of the true k-th.
const rerankExtra = 32

// wScale is the largest int8 weight: with |w| ≤ 64 and codes ≤ 255 no
// pair of products can saturate VPMADDUBSW's int16 (2·64·255 < 32768).
const wScale = 64

// refined is the squared distance from q to entry pos with its 12-bit
// residual (8-bit code and 4-bit refinement): within about 10⁻⁴ of the
// exact distance. Sums run in index order without fused operations, so
// every CPU gets the same bits.
func (ix *Index) refined(q []float32, pos int) float32 {
	dim := ix.dim
	l, _ := slices.BinarySearch(ix.offsets, int32(pos)+1)
	l-- // the list whose range holds pos
	c := ix.centroids[l*dim : (l+1)*dim]
	lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
	code, fine := ix.codes[pos*dim:(pos+1)*dim], ix.fine[pos*ix.fineStride():]
	var s float32
	for j := range dim {
		f := float32(int(fine[j/2]>>(4*(j%2))&15) - 8)
		v := lo[j] + float32(step[j]*(float32(code[j])+f*(1.0/16)))
		d := q[j] - c[j] - v
		s += float32(d * d)
	}
	return s
}
