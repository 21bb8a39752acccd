package ivf

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"facesnap/recognition/vec"
)

// Params are the index's tuning knobs; a zero field takes its value from
// DefaultParams for the number of vectors built.
type Params struct {
	Lists       int // inverted lists, i.e. k-means centroids
	Probes      int // lists Search scans
	TrainPoints int // vectors k-means trains on (a sample of the whole)
	Iterations  int // k-means iterations
}

// DefaultParams are the parameters for an index of n vectors: about
// 2·√n lists (2,000 for 1,000,000 faces, about 500 faces a list), a
// quarter of them probed (the top-1 matched the exact search's for 99.3%
// of queries at 1,000,000 faces; BENCHMARKS.md, "Search index"), 64
// training vectors a list and 8 iterations.
func DefaultParams(n int) Params {
	lists := max(1, min(int(2*math.Sqrt(float64(n))), 4096))
	return Params{
		Lists:       lists,
		Probes:      (lists + 3) / 4,
		TrainPoints: 64 * lists,
		Iterations:  8,
	}
}

func (p Params) withDefaults(n int) Params {
	d := DefaultParams(n)
	if p.Lists <= 0 {
		p.Lists = d.Lists
	}
	if p.Probes <= 0 {
		p.Probes = d.Probes
	}
	if p.TrainPoints <= 0 {
		p.TrainPoints = max(d.TrainPoints, 64*p.Lists)
	}
	if p.Iterations <= 0 {
		p.Iterations = d.Iterations
	}
	p.Lists = max(1, min(p.Lists, n))
	p.Probes = max(1, min(p.Probes, p.Lists))
	p.TrainPoints = max(p.Lists, min(p.TrainPoints, n))
	return p
}

// Builder collects the vectors of an Index, as half floats (2·dim bytes
// a vector until Build).
type Builder struct {
	dim    int
	params Params
	data   []uint16
}

// NewBuilder returns a Builder for vectors of dim floats with the default
// parameters; n is the number expected (a hint for allocation).
func NewBuilder(dim, n int) *Builder { return NewBuilderParams(dim, n, Params{}) }

// NewBuilderParams is NewBuilder with explicit parameters.
func NewBuilderParams(dim, n int, p Params) *Builder {
	if dim <= 0 {
		panic(fmt.Sprintf("ivf: dimension %d", dim))
	}
	return &Builder{dim: dim, params: p, data: make([]uint16, 0, dim*max(n, 0))}
}

// Add appends v, which becomes entry Len()-1. v must have the Builder's
// dimension (Add panics otherwise) and be finite, with components below
// 65,504 in magnitude (half-float range): the caller validates
// descriptors, whose components stay well below 2.
func (b *Builder) Add(v []float32) {
	if len(v) != b.dim {
		panic(fmt.Sprintf("ivf: Add of %d floats to a %d-dimension index", len(v), b.dim))
	}
	for _, x := range v {
		b.data = append(b.data, toHalf(x))
	}
}

// chunk is the unit of parallel work in Build, in vectors.
const chunk = 1024

// Build trains the coarse quantiser and encodes every vector; the
// Builder must not be used afterwards. It uses every core, stops with
// ctx's error once ctx is done, and calls progress (when not nil) as
// work completes. The same vectors added in the same order give the same
// index, bit for bit, on any machine (see the package comment).
func (b *Builder) Build(ctx context.Context, progress func(done, total int64)) (*Index, error) {
	dim := b.dim
	n := len(b.data) / dim
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		if progress != nil {
			progress(0, 0)
		}
		return &Index{dim: dim, offsets: []int32{0}, probes: 1}, nil
	}
	p := b.params.withDefaults(n)
	meter := &progressMeter{fn: progress, total: int64(p.Iterations*p.TrainPoints + 2*n)}

	sample := b.sample(p.TrainPoints)
	centroids, err := train(ctx, sample, dim, p, meter)
	if err != nil {
		return nil, err
	}
	ix := &Index{dim: dim, lists: p.Lists, probes: p.Probes, centroids: centroids}
	ix.cnorms = norms(centroids, dim)

	assign, err := b.assign(ctx, ix, meter)
	if err != nil {
		return nil, err
	}
	if err := b.encode(ctx, ix, assign, meter); err != nil {
		return nil, err
	}
	b.data = nil
	return ix, nil
}

// seed is a hash of the data (FNV-1a over the half floats), so the
// "random" sample is the same wherever the same vectors are built.
func (b *Builder) seed() uint64 {
	h := uint64(14695981039346656037)
	for _, w := range b.data {
		h = (h ^ uint64(w)) * 1099511628211
	}
	return h
}

// sample returns m of the vectors, chosen at random with a seed from the
// data, decoded to float32, in ID order.
func (b *Builder) sample(m int) []float32 {
	n := len(b.data) / b.dim
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	s := b.seed()
	r := rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
	for i := range m {
		j := i + r.IntN(n-i)
		ids[i], ids[j] = ids[j], ids[i]
	}
	picked := ids[:m]
	slices.Sort(picked)
	out := make([]float32, m*b.dim)
	for i, id := range picked {
		b.decode(int(id), out[i*b.dim:(i+1)*b.dim])
	}
	return out
}

func (b *Builder) decode(id int, dst []float32) {
	for j, h := range b.data[id*b.dim : (id+1)*b.dim] {
		dst[j] = fromHalf(h)
	}
}

// assign returns each vector's nearest centroid.
func (b *Builder) assign(ctx context.Context, ix *Index, meter *progressMeter) ([]int32, error) {
	n := len(b.data) / b.dim
	assign := make([]int32, n)
	err := parallel(ctx, (n+chunk-1)/chunk, func(c int) {
		lo, hi := c*chunk, min((c+1)*chunk, n)
		v := make([]float32, b.dim)
		dots := make([]float32, ix.lists)
		for i := lo; i < hi; i++ {
			b.decode(i, v)
			assign[i] = nearest(v, ix.centroids, ix.cnorms, dots)
		}
		meter.add(int64(hi - lo))
	})
	return assign, err
}

// encode groups the vectors by list (in ID order within a list) and
// stores each as 12-bit codes of its residual from the list's centroid,
// on a per-list, per-dimension scale from the list's own minimum and
// maximum: the top 4 bits packed for the scan, the low 8 apart for the
// re-ranking.
func (b *Builder) encode(ctx context.Context, ix *Index, assign []int32, meter *progressMeter) error {
	dim, n := b.dim, len(assign)
	ix.offsets = make([]int32, ix.lists+1)
	for _, l := range assign {
		ix.offsets[l+1]++
	}
	for l := range ix.lists {
		ix.offsets[l+1] += ix.offsets[l]
	}
	ix.ids = make([]int32, n)
	fill := slices.Clone(ix.offsets[:ix.lists])
	for id, l := range assign {
		ix.ids[fill[l]] = int32(id)
		fill[l]++
	}
	hs := ix.hiStride()
	ix.hi = make([]uint8, n*hs)
	ix.low = make([]uint8, n*dim)
	ix.rnorms = make([]float32, n)
	ix.lo = make([]float32, ix.lists*dim)
	ix.step = make([]float32, ix.lists*dim)
	ix.mhi = make([]float32, ix.lists*dim)
	ix.mlow = make([]float32, ix.lists*dim)
	return parallel(ctx, ix.lists, func(l int) {
		start, end := int(ix.offsets[l]), int(ix.offsets[l+1])
		if start == end {
			return
		}
		c := ix.centroids[l*dim : (l+1)*dim]
		res := make([]float32, (end-start)*dim)
		for i := start; i < end; i++ {
			r := res[(i-start)*dim : (i-start+1)*dim]
			b.decode(int(ix.ids[i]), r)
			for j := range r {
				r[j] -= c[j]
			}
		}
		lo, step := ix.lo[l*dim:(l+1)*dim], ix.step[l*dim:(l+1)*dim]
		hi := make([]float32, dim)
		copy(lo, res[:dim])
		copy(hi, res[:dim])
		for i := dim; i < len(res); i++ {
			lo[i%dim] = min(lo[i%dim], res[i])
			hi[i%dim] = max(hi[i%dim], res[i])
		}
		for j := range step {
			step[j] = (hi[j] - lo[j]) / codeMax
		}
		deq := make([]float32, dim)
		sumHi, sumLow := make([]int, dim), make([]int, dim)
		for i := start; i < end; i++ {
			r := res[(i-start)*dim : (i-start+1)*dim]
			for j, x := range r {
				q := 0
				if step[j] > 0 {
					q = int(max(0, min(codeMax, math.Round(float64((x-lo[j])/step[j])))))
				}
				byt, shift := nibbleAt(j)
				ix.hi[i*hs+byt] |= uint8(q>>8) << shift
				ix.low[i*dim+j] = uint8(q)
				sumHi[j] += q >> 8
				sumLow[j] += q & 255
				deq[j] = lo[j] + float32(step[j]*float32(q))
			}
			ix.rnorms[i] = vec.Dot(deq, deq)
		}
		for j := range dim {
			ix.mhi[l*dim+j] = float32(float64(sumHi[j]) / float64(end-start))
			ix.mlow[l*dim+j] = float32(float64(sumLow[j]) / float64(end-start))
		}
		meter.add(int64(end - start))
	})
}

// codeMax is the largest 12-bit code.
const codeMax = 1<<12 - 1

// nibbleAt is where the top 4 bits of dimension j's code go in an
// entry's packed row: the byte and the shift, in vec.DotU4I8Batch's order.
func nibbleAt(j int) (byt int, shift uint) {
	b, k := j/vec.NibbleBlock, j%vec.NibbleBlock
	return b*vec.NibbleBlock/2 + k%(vec.NibbleBlock/2), uint(4 * (k / (vec.NibbleBlock / 2)))
}

func norms(m []float32, dim int) []float32 {
	out := make([]float32, len(m)/dim)
	for i := range out {
		r := m[i*dim : (i+1)*dim]
		out[i] = vec.Dot(r, r)
	}
	return out
}
