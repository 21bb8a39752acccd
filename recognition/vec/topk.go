package vec

import "slices"

// TopK keeps the k entries of smallest squared distance seen so far. Ties
// go to the smaller ID, so the answer never depends on the order in which
// entries were offered (the ivf package scans lists, not IDs, in order).
type TopK struct {
	k    int
	heap []Neighbor // a max-heap on (Dist, ID): the worst kept entry on top; Dist is squared here
}

// NewTopK returns an empty TopK for k ≥ 0 entries.
func NewTopK(k int) *TopK {
	return &TopK{k: max(k, 0), heap: make([]Neighbor, 0, max(k, 0))}
}

// Reset empties t for reuse with the same k.
func (t *TopK) Reset() { t.heap = t.heap[:0] }

// Worst is the squared distance an entry must beat to be kept, or +Inf
// (as a large float) while fewer than k are kept.
func (t *TopK) Worst() float32 {
	if len(t.heap) < t.k {
		return maxFloat32
	}
	return t.heap[0].Dist
}

const maxFloat32 = 3.4028234663852886e38

func worse(a, b Neighbor) bool {
	return a.Dist > b.Dist || (a.Dist == b.Dist && a.ID > b.ID)
}

// Push offers entry id at squared distance sq.
func (t *TopK) Push(id int32, sq float32) {
	n := Neighbor{ID: id, Dist: sq}
	if len(t.heap) < t.k {
		t.heap = append(t.heap, n)
		t.up(len(t.heap) - 1)
		return
	}
	if t.k == 0 || !worse(t.heap[0], n) {
		return
	}
	t.heap[0] = n
	t.down(0)
}

func (t *TopK) up(i int) {
	h := t.heap
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (t *TopK) down(i int) {
	h := t.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		c := l
		if r := l + 1; r < len(h) && worse(h[r], h[l]) {
			c = r
		}
		if !worse(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// Cap is the k that t keeps.
func (t *TopK) Cap() int { return t.k }

// Unsorted returns the kept entries in no particular order, with their
// squared distances; the slice is t's own, valid until the next Push.
func (t *TopK) Unsorted() []Neighbor { return t.heap }

// Result returns the kept entries nearest first, with euclidean
// distances, in a new slice.
func (t *TopK) Result() []Neighbor {
	out := slices.Clone(t.heap)
	slices.SortFunc(out, func(a, b Neighbor) int {
		if worse(b, a) {
			return -1
		}
		if worse(a, b) {
			return 1
		}
		return 0
	})
	for i := range out {
		out[i].Dist = Dist(out[i].Dist)
	}
	return out
}
