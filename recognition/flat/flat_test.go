package flat

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"facesnap/recognition/vec"
)

func build(t *testing.T, vs [][]float32) *Index {
	t.Helper()
	b := NewBuilder(len(vs[0]), len(vs))
	for _, v := range vs {
		b.Add(v)
	}
	ix, err := b.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestIndex_Search(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	const dim, n = 128, 3000
	vs := make([][]float32, n)
	for i := range vs {
		vs[i] = make([]float32, dim)
		for j := range vs[i] {
			vs[i][j] = float32(r.NormFloat64() * 0.1)
		}
	}
	ix := build(t, vs)
	if ix.Len() != n || ix.MemoryBytes() != n*dim*4 {
		t.Fatalf("Len %d, MemoryBytes %d", ix.Len(), ix.MemoryBytes())
	}
	for qi := range 20 {
		q := vs[qi*97]
		// The answer a plain float64 sort gives.
		type cand struct {
			id int32
			d  float64
		}
		all := make([]cand, n)
		for i, v := range vs {
			var s float64
			for j := range v {
				s += float64(q[j]-v[j]) * float64(q[j]-v[j])
			}
			all[i] = cand{int32(i), math.Sqrt(s)}
		}
		sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
		got := ix.Search(q, 5)
		if len(got) != 5 {
			t.Fatalf("got %d neighbours, want 5", len(got))
		}
		for i, g := range got {
			if g.ID != all[i].id || math.Abs(float64(g.Dist)-all[i].d) > 1e-5 {
				t.Fatalf("query %d neighbour %d = %+v, want %+v", qi, i, g, all[i])
			}
		}
	}
}

func TestIndex_Edges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		vs   [][]float32
		k    int
		want []vec.Neighbor
	}{
		{"Empty", nil, 3, []vec.Neighbor{}},
		{"One", [][]float32{{3, 4}}, 1, []vec.Neighbor{{ID: 0, Dist: 5}}},
		{"KAboveLen", [][]float32{{0, 1}, {0, 2}}, 10, []vec.Neighbor{{ID: 0, Dist: 1}, {ID: 1, Dist: 2}}},
		{"ZeroK", [][]float32{{0, 1}}, 0, []vec.Neighbor{}},
		{"TiesToSmallerID", [][]float32{{0, 1}, {1, 0}, {0, 1}}, 2, []vec.Neighbor{{ID: 0, Dist: 1}, {ID: 1, Dist: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder(2, len(tt.vs))
			for _, v := range tt.vs {
				b.Add(v)
			}
			ix, err := b.Build(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := ix.Search([]float32{0, 0}, tt.k); !slices.Equal(got, tt.want) {
				t.Errorf("Search = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuilder_BuildCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := NewBuilder(2, 1)
	b.Add([]float32{1, 2})
	if _, err := b.Build(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Build = %v, want context.Canceled", err)
	}
}
