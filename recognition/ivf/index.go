package ivf

import (
	"fmt"
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

	offsets []int32 // list l holds entries offsets[l] to offsets[l+1]-1 of:
	ids     []int32 // entry IDs (positions in Add order), ascending within a list
	codes   []uint8 // entries × dim
	rnorms  []float32

	scratch sync.Pool // *searchState
}

// Len is the number of entries.
func (ix *Index) Len() int { return len(ix.ids) }

// MemoryBytes is what the built index holds: codes, IDs, residual norms,
// list offsets, centroids and quantiser scales.
func (ix *Index) MemoryBytes() int64 {
	return int64(len(ix.codes)) + 4*int64(len(ix.ids)+len(ix.rnorms)+len(ix.offsets)+
		len(ix.centroids)+len(ix.cnorms)+len(ix.lo)+len(ix.step))
}

// Probes is the number of lists Search scans.
func (ix *Index) Probes() int { return ix.probes }

// Lists is the number of inverted lists.
func (ix *Index) Lists() int { return ix.lists }

type searchState struct {
	dots, qc, w, out []float32
	lists            *vec.TopK
}

// Search returns about the k entries nearest to q (which has the index's
// dimension), nearest first, ties to the smaller ID: the nearest among
// the entries of the Probes() lists whose centroids are nearest to q,
// with distances from the 8-bit codes (within about 10⁻³ of the exact).
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
	top := vec.NewTopK(k)
	for _, cand := range st.lists.Unsorted() {
		l := int(cand.ID)
		start, end := int(ix.offsets[l]), int(ix.offsets[l+1])
		if start == end {
			continue
		}
		// ‖q−c−r̂‖² = ‖q−c‖² − 2(q−c)·lo − 2Σ(q−c)ⱼ·stepⱼ·codeⱼ + ‖r̂‖²
		c := ix.centroids[l*dim : (l+1)*dim]
		lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
		for j := range st.qc {
			st.qc[j] = q[j] - c[j]
			st.w[j] = float32(st.qc[j] * step[j])
		}
		base := vec.Dot(st.qc, st.qc) - float32(2*vec.Dot(st.qc, lo))
		if cap(st.out) < end-start {
			st.out = make([]float32, end-start)
		}
		out := st.out[:end-start]
		vec.DotU8Batch(st.w, ix.codes[start*dim:end*dim], out)
		worst := top.Worst()
		for i, d := range out {
			if sq := base - float32(2*d) + ix.rnorms[start+i]; sq <= worst {
				top.Push(ix.ids[start+i], sq)
				worst = top.Worst()
			}
		}
	}
	return top.Result()
}
