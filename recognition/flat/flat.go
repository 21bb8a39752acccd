// Package flat is the exact face-descriptor index: every search compares
// the query with every entry (float32, squared euclidean distance in the
// vec kernels). It is the baseline the approximate ivf index is measured
// against, and the index to use for small collections, where scanning
// everything is cheaper than probing lists (see ivf's package comment for
// where the two cross).
//
// Memory is 4·dim bytes an entry (512 for 128 floats): the vectors as
// given, nothing else.
package flat

import (
	"context"
	"fmt"

	"facesnap/recognition/vec"
)

// Builder collects the vectors of an Index.
type Builder struct {
	dim  int
	data []float32
}

// NewBuilder returns a Builder for vectors of dim floats; n is the number
// expected (a hint for allocation).
func NewBuilder(dim, n int) *Builder {
	if dim <= 0 {
		panic(fmt.Sprintf("flat: dimension %d", dim))
	}
	return &Builder{dim: dim, data: make([]float32, 0, dim*max(n, 0))}
}

// Add appends v, which becomes entry Len()-1. v must have the Builder's
// dimension (Add panics otherwise) and be finite: the caller validates
// descriptors, and a NaN would make every distance to it NaN.
func (b *Builder) Add(v []float32) {
	if len(v) != b.dim {
		panic(fmt.Sprintf("flat: Add of %d floats to a %d-dimension index", len(v), b.dim))
	}
	b.data = append(b.data, v...)
}

// Build returns the Index of the vectors added; the Builder must not be
// used afterwards. progress, when not nil, is called once with the count.
func (b *Builder) Build(ctx context.Context, progress func(done, total int64)) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix := &Index{dim: b.dim, data: b.data}
	b.data = nil
	if progress != nil {
		progress(int64(ix.Len()), int64(ix.Len()))
	}
	return ix, nil
}

// Index is an exact index; it is safe for concurrent use.
type Index struct {
	dim  int
	data []float32
}

// Len is the number of entries.
func (ix *Index) Len() int { return len(ix.data) / ix.dim }

// MemoryBytes is what the index holds: its vectors.
func (ix *Index) MemoryBytes() int64 { return int64(cap(ix.data)) * 4 }

// scanRows is how many distances one kernel call computes: 256 rows keep
// the output on the stack and the call overhead negligible.
const scanRows = 256

// Search returns the k entries nearest to q (which has the index's
// dimension), nearest first, ties to the smaller ID; fewer when the index
// holds fewer.
func (ix *Index) Search(q []float32, k int) []vec.Neighbor {
	if len(q) != ix.dim {
		panic(fmt.Sprintf("flat: Search with %d floats in a %d-dimension index", len(q), ix.dim))
	}
	if k <= 0 || ix.Len() == 0 {
		return []vec.Neighbor{}
	}
	top := vec.NewTopK(min(k, ix.Len()))
	var buf [scanRows]float32
	n := ix.Len()
	for lo := 0; lo < n; lo += scanRows {
		out := buf[:min(scanRows, n-lo)]
		vec.L2SquaredBatch(q, ix.data[lo*ix.dim:], out)
		worst := top.Worst()
		for i, d := range out {
			if d <= worst {
				top.Push(int32(lo+i), d)
				worst = top.Worst()
			}
		}
	}
	return top.Result()
}
