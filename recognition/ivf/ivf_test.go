package ivf

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"facesnap/internal/synth"
	"facesnap/recognition/flat"
	"facesnap/recognition/vec"
)

// faces returns persons×perPerson enrolled faces, and queries: new faces
// of enrolled persons and (one in five) faces of persons never enrolled.
func faces(seed uint64, persons, perPerson, queries int) (enrolled, qs [][]float32) {
	const dim = 128
	m := synth.New(seed, dim)
	ps := make([]synth.Person, persons)
	for i := range ps {
		ps[i] = m.Person()
		for range perPerson {
			v := make([]float32, dim)
			m.Face(ps[i], v)
			enrolled = append(enrolled, v)
		}
	}
	r := rand.New(rand.NewPCG(seed, 99))
	for i := range queries {
		p := ps[r.IntN(persons)]
		if i%5 == 0 {
			p = m.Person()
		}
		v := make([]float32, dim)
		m.Face(p, v)
		qs = append(qs, v)
	}
	return enrolled, qs
}

func buildIVF(t *testing.T, vs [][]float32, p Params) *Index {
	t.Helper()
	b := NewBuilderParams(128, len(vs), p)
	for _, v := range vs {
		b.Add(v)
	}
	ix, err := b.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestIndex_RecallAgainstFlat(t *testing.T) {
	t.Parallel()
	enrolled, queries := faces(1, 2000, 10, 1000)
	fb := flat.NewBuilder(128, len(enrolled))
	for _, v := range enrolled {
		fb.Add(v)
	}
	exact, err := fb.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := buildIVF(t, enrolled, Params{})
	if per := float64(ix.MemoryBytes()) / float64(ix.Len()); per > 250 {
		t.Errorf("%.0f bytes a face, want at most 250", per)
	}
	agree := 0
	var maxErr float64
	for _, q := range queries {
		want, got := exact.Search(q, 1), ix.Search(q, 1)
		if got[0].ID == want[0].ID {
			agree++
			maxErr = max(maxErr, math.Abs(float64(got[0].Dist-want[0].Dist)))
		}
	}
	recall := float64(agree) / float64(len(queries))
	t.Logf("top-1 agreement %.4f with %d lists, %d probes; largest distance error %.5f", recall, ix.Lists(), ix.Probes(), maxErr)
	if recall < 0.993 {
		t.Errorf("top-1 agreement with the exact search %.4f, want ≥ 0.993", recall)
	}
	if maxErr > 0.005 {
		t.Errorf("distance off by up to %.5f, want ≤ 0.005", maxErr)
	}
}

// The 4-bit scan only picks the candidates that the 12-bit codes rank:
// it must nearly always keep the entry that scoring every entry of the
// probed lists with the 12-bit codes would put first, unenrolled
// queries (whose nearest has many close rivals) included.
func TestIndex_ScanKeepsNearest(t *testing.T) {
	t.Parallel()
	enrolled, queries := faces(7, 2000, 10, 1000)
	ix := buildIVF(t, enrolled, Params{})
	missed := 0
	for _, q := range queries {
		got := ix.Search(q, 1)
		want := vec.NewTopK(1)
		for _, l := range nearestLists(ix, q, ix.Probes()) {
			for pos := ix.offsets[l]; pos < ix.offsets[l+1]; pos++ {
				want.Push(ix.ids[pos], ix.refined(q, int(pos)))
			}
		}
		if w := want.Result(); got[0] != w[0] {
			missed++
		}
	}
	rate := float64(missed) / float64(len(queries))
	t.Logf("the scan lost the 12-bit nearest for %d of %d queries", missed, len(queries))
	if rate > 0.002 {
		t.Errorf("the scan lost the 12-bit nearest for %.2f%% of queries, want ≤ 0.2%%", 100*rate)
	}
}

// nearestLists is the probes lists whose centroids are nearest to q, as
// Search ranks them.
func nearestLists(ix *Index, q []float32, probes int) []int32 {
	dots := make([]float32, ix.lists)
	vec.DotBatch(q, ix.centroids, dots)
	top := vec.NewTopK(probes)
	ix.rankLists(dots, top)
	var ls []int32
	for _, n := range top.Result() {
		ls = append(ls, n.ID)
	}
	return ls
}

// Two builds of the same vectors are identical, and so are their answers,
// whatever the scheduling of the build's goroutines.
func TestBuilder_Deterministic(t *testing.T) {
	t.Parallel()
	enrolled, queries := faces(2, 500, 8, 50)
	p := Params{Lists: 40, Probes: 6}
	a, b := buildIVF(t, enrolled, p), buildIVF(t, enrolled, p)
	for _, f := range []struct {
		name string
		x, y any
	}{
		{"centroids", a.centroids, b.centroids}, {"lo", a.lo, b.lo}, {"step", a.step, b.step}, {"mhi", a.mhi, b.mhi}, {"mlow", a.mlow, b.mlow},
		{"offsets", a.offsets, b.offsets}, {"ids", a.ids, b.ids}, {"hi", a.hi, b.hi}, {"low", a.low, b.low}, {"rnorms", a.rnorms, b.rnorms},
	} {
		if !reflect.DeepEqual(f.x, f.y) {
			t.Errorf("two builds differ in %s", f.name)
		}
	}
	for _, q := range queries {
		if x, y := a.Search(q, 10), b.Search(q, 10); !slices.Equal(x, y) {
			t.Fatalf("two builds answer %v and %v", x, y)
		}
	}
	// Other data gives another sample, so the seed does come from the data.
	other, _ := faces(3, 500, 8, 0)
	if c := buildIVF(t, other, p); reflect.DeepEqual(c.centroids, a.centroids) {
		t.Error("different data gave the same centroids")
	}
}

func TestIndex_Edges(t *testing.T) {
	t.Parallel()
	one := make([]float32, 128)
	one[0] = 0.5
	two := make([]float32, 128)
	two[1] = 1
	q := make([]float32, 128)
	tests := []struct {
		name string
		vs   [][]float32
		k    int
		want []int32
	}{
		{"Empty", nil, 3, []int32{}},
		{"One", [][]float32{one}, 1, []int32{0}},
		{"KAboveLen", [][]float32{two, one}, 10, []int32{1, 0}},
		{"ZeroK", [][]float32{one}, 0, []int32{}},
		{"Duplicates", [][]float32{two, two, two, one}, 3, []int32{3, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := buildIVF(t, tt.vs, Params{})
			if ix.Len() != len(tt.vs) {
				t.Errorf("Len = %d, want %d", ix.Len(), len(tt.vs))
			}
			got := ix.Search(q, tt.k)
			ids := make([]int32, len(got))
			for i, n := range got {
				ids[i] = n.ID
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Search IDs = %v, want %v (%v)", ids, tt.want, got)
			}
		})
	}
}

func TestBuilder_BuildCancelled(t *testing.T) {
	t.Parallel()
	enrolled, _ := faces(4, 200, 5, 0)
	ctx, cancel := context.WithCancel(context.Background())
	b := NewBuilderParams(128, len(enrolled), Params{Lists: 20})
	for _, v := range enrolled {
		b.Add(v)
	}
	var calls int
	_, err := b.Build(ctx, func(done, total int64) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
		cancel()
	})
	if !errors.Is(err, context.Canceled) || calls == 0 {
		t.Fatalf("Build = %v after %d progress calls, want context.Canceled", err, calls)
	}
}

func TestBuilder_Progress(t *testing.T) {
	t.Parallel()
	enrolled, _ := faces(5, 300, 5, 0)
	b := NewBuilder(128, len(enrolled))
	for _, v := range enrolled {
		b.Add(v)
	}
	var last, total int64
	if _, err := b.Build(context.Background(), func(d, t int64) { last, total = d, t }); err != nil {
		t.Fatal(err)
	}
	if last != total || total == 0 {
		t.Errorf("last progress %d of %d, want all done", last, total)
	}
}

func TestHalf(t *testing.T) {
	t.Parallel()
	// Every finite half float survives the round trip.
	for h := range 1 << 16 {
		if h&0x7c00 == 0x7c00 {
			continue
		}
		if got := toHalf(fromHalf(uint16(h))); got != uint16(h) {
			t.Fatalf("toHalf(fromHalf(%#04x)) = %#04x", h, got)
		}
	}
	tests := []struct {
		in   float32
		want uint16
	}{
		{1, 0x3c00}, {-2, 0xc000}, {0.5, 0x3800}, {65504, 0x7bff}, {1e6, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {5.960464477539063e-08, 0x0001}, {1e-9, 0},
		{1 + 1.0/2048, 0x3c00}, // halfway: ties to even
		{1 + 3.0/2048, 0x3c02},
	}
	for _, tt := range tests {
		if got := toHalf(tt.in); got != tt.want {
			t.Errorf("toHalf(%v) = %#04x, want %#04x", tt.in, got, tt.want)
		}
	}
	// Rounding is to the nearest.
	r := rand.New(rand.NewPCG(1, 1))
	for range 10000 {
		x := float32(r.NormFloat64() * 0.2)
		h := toHalf(x)
		d := math.Abs(float64(fromHalf(h) - x))
		for _, n := range []uint16{h - 1, h + 1} {
			if nd := math.Abs(float64(fromHalf(n) - x)); nd < d {
				t.Fatalf("toHalf(%v) = %v, but %v is nearer", x, fromHalf(h), fromHalf(n))
			}
		}
	}
}

// BenchmarkIndex_Search is one query at a time against 100,000 faces
// with the default parameters (bench/identify measures 1,000,000).
func BenchmarkIndex_Search(b *testing.B) {
	enrolled, queries := faces(6, 10000, 10, 256)
	ix := NewBuilder(128, len(enrolled))
	for _, v := range enrolled {
		ix.Add(v)
	}
	idx, err := ix.Build(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		idx.Search(queries[i%len(queries)], 1)
		i++
	}
}
