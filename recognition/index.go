package recognition

import (
	"context"

	"facesnap/recognition/flat"
	"facesnap/recognition/ivf"
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

// FlatLimit is the size below which a collection is searched exactly:
// there the exact scan is as fast as the approximate index (measured with
// bench/identify: about 1.3 ms at 50,000 faces) and needs no k-means.
const FlatLimit = 50_000

// NewIndexBuilder is the default index of about n descriptors: the exact
// scan up to FlatLimit faces, the inverted-file index above. The choice is
// made on the faces actually added, not on the hint n, so that every node
// that indexes the same trained faces builds the same index.
func NewIndexBuilder(n int) IndexBuilder { return &autoBuilder{hint: n} }

// autoBuilder keeps the descriptors itself until they pass FlatLimit,
// then hands them to an ivf builder, which takes the rest.
type autoBuilder struct {
	hint  int
	small []float32
	large *ivf.Builder
}

func (b *autoBuilder) Add(v []float32) {
	if b.large != nil {
		b.large.Add(v)
		return
	}
	b.small = append(b.small, v...)
	if len(b.small)/DescriptorSize > FlatLimit {
		b.large = ivf.NewBuilder(DescriptorSize, max(b.hint, FlatLimit+1))
		for i := 0; i < len(b.small); i += DescriptorSize {
			b.large.Add(b.small[i : i+DescriptorSize])
		}
		b.small = nil
	}
}

func (b *autoBuilder) Build(ctx context.Context, progress func(done, total int64)) (Index, error) {
	if b.large != nil {
		return ivfBuilder{b.large}.Build(ctx, progress)
	}
	fb := flat.NewBuilder(DescriptorSize, len(b.small)/DescriptorSize)
	for i := 0; i < len(b.small); i += DescriptorSize {
		fb.Add(b.small[i : i+DescriptorSize])
	}
	b.small = nil
	return flatBuilder{fb}.Build(ctx, progress)
}

// NewExactBuilder is the exact scan whatever the size: the baseline of
// the benchmarks (--search-index exact).
func NewExactBuilder(n int) IndexBuilder { return flatBuilder{flat.NewBuilder(DescriptorSize, n)} }

// DescriptorSize is the length of the face engine's descriptors.
const DescriptorSize = 128

// The builders return their concrete index; these adapt them to Index.
type (
	flatBuilder struct{ *flat.Builder }
	ivfBuilder  struct{ *ivf.Builder }
)

func (b flatBuilder) Build(ctx context.Context, progress func(done, total int64)) (Index, error) {
	return asIndex(b.Builder.Build(ctx, progress))
}

func (b ivfBuilder) Build(ctx context.Context, progress func(done, total int64)) (Index, error) {
	return asIndex(b.Builder.Build(ctx, progress))
}

// asIndex keeps a nil Index nil: a typed nil pointer in the interface
// would not be.
func asIndex[T Index](ix T, err error) (Index, error) {
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// distance is the euclidean distance between two descriptors.
func distance(a, b []float32) float32 { return vec.Dist(vec.L2Squared(a, b)) }
