package recognition

import (
	"context"
	"math"
	"slices"

	"facesnap/recognition/vec"
)

// Index searches the descriptors of one collection as trained. Entries are
// named by their position in the order they were added to the builder, so
// the index holds no ids of its own: the Service keeps them beside it.
type Index interface {
	// Search returns the k entries nearest to q, nearest first.
	Search(q []float32, k int) []vec.Neighbor
	Len() int
	// MemoryBytes is what the built index holds.
	MemoryBytes() int64
}

// IndexBuilder collects descriptors and builds an Index from them. Build
// must be deterministic: every node builds the same trained state from the
// same faces in the same order and must give the same answers.
type IndexBuilder interface {
	Add(v []float32)
	Build(ctx context.Context, progress func(done, total int64)) (Index, error)
}

// exactBuilder is the exact brute-force search, for tests and until a
// faster index is wired in.
type exactBuilder struct{ vecs [][]float32 }

func (b *exactBuilder) Add(v []float32) { b.vecs = append(b.vecs, slices.Clone(v)) }

func (b *exactBuilder) Build(ctx context.Context, progress func(done, total int64)) (Index, error) {
	return exactIndex(b.vecs), ctx.Err()
}

type exactIndex [][]float32

func (ix exactIndex) Len() int { return len(ix) }

func (ix exactIndex) MemoryBytes() int64 {
	var n int64
	for _, v := range ix {
		n += int64(4*len(v)) + 24
	}
	return n
}

func (ix exactIndex) Search(q []float32, k int) []vec.Neighbor {
	out := make([]vec.Neighbor, len(ix))
	for i, v := range ix {
		out[i] = vec.Neighbor{ID: int32(i), Dist: distance(q, v)}
	}
	slices.SortFunc(out, func(a, b vec.Neighbor) int {
		if a.Dist != b.Dist {
			if a.Dist < b.Dist {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	return out[:min(k, len(out))]
}

// distance is the euclidean distance between two descriptors.
func distance(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return float32(math.Sqrt(float64(s)))
}
