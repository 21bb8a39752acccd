package recognition

import (
	"math"
	"slices"
	"testing"
)

// point is a 2-d vector padded to the descriptor length.
func point(x, y float32) []float32 {
	v := make([]float32, 128)
	v[0], v[1] = x, y
	return v
}

func TestCluster(t *testing.T) {
	tests := []struct {
		name string
		vecs [][]float32
		want [][]int
	}{
		{"TwoPeopleAndAStranger", [][]float32{point(0, 0), point(5, 5), point(0.1, 0), point(9, 0), point(5, 5.2), point(0, 0.2)},
			[][]int{{0, 2, 5}, {1, 4}, {3}}},
		{"AllApart", [][]float32{point(0, 0), point(1, 0), point(2, 0)}, [][]int{{0}, {1}, {2}}},
		// A chain of look-alikes at most 0.45 apart: single linkage would
		// join all five; average linkage keeps the ends apart.
		{"ChainIsNotOnePerson", [][]float32{point(0, 0), point(0.3, 0), point(0.75, 0), point(1.05, 0), point(1.5, 0)},
			[][]int{{0, 1}, {2, 3}, {4}}},
		{"Identical", [][]float32{point(1, 1), point(1, 1)}, [][]int{{0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cluster(tt.vecs, MatchDistance)
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("cluster = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConfidence(t *testing.T) {
	if c := Confidence(MatchDistance); math.Abs(c-0.5) > 1e-6 {
		t.Errorf("Confidence(MatchDistance) = %v, want 0.5", c)
	}
	prev := 1.0
	for d := float32(0); d < 2; d += 0.05 {
		c := Confidence(d)
		if c > prev || c < 0 || c > 1 {
			t.Fatalf("Confidence(%v) = %v after %v: not decreasing in [0, 1]", d, c, prev)
		}
		prev = c
		if c > 1e-6 && c < 1-1e-6 {
			if back := distanceFor(c); math.Abs(float64(back-d)) > 1e-4 {
				t.Errorf("distanceFor(Confidence(%v)) = %v", d, back)
			}
		}
	}
	if !math.IsInf(float64(distanceFor(0)), 1) || distanceFor(1) != 0 {
		t.Errorf("distanceFor(0) = %v, distanceFor(1) = %v; want +Inf and 0", distanceFor(0), distanceFor(1))
	}
}
