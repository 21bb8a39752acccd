package synth

import (
	"math"
	"sort"
	"testing"

	"facesnap/recognition/vec"
)

// The distances must look like real descriptors' (see the package
// comment), or the index figures measured on them mean little.
func TestModel_Distances(t *testing.T) {
	t.Parallel()
	const dim, persons = 128, 400
	m := New(1, dim)
	var same, diff, norms []float64
	prev := make([]float32, dim)
	for i := range persons {
		p := m.Person()
		a, b := make([]float32, dim), make([]float32, dim)
		m.Face(p, a)
		m.Face(p, b)
		same = append(same, math.Sqrt(float64(vec.L2Squared(a, b))))
		norms = append(norms, math.Sqrt(float64(vec.Dot(a, a))))
		if i > 0 {
			diff = append(diff, math.Sqrt(float64(vec.L2Squared(a, prev))))
		}
		copy(prev, b)
	}
	tests := []struct {
		name         string
		d            []float64
		p10lo, p90hi float64
	}{
		{"SamePerson", same, 0.3, 0.65},
		{"DifferentPersons", diff, 0.5, 0.95},
		{"Norms", norms, 0.9, 1.3},
	}
	for _, tt := range tests {
		sort.Float64s(tt.d)
		p10, p90 := tt.d[len(tt.d)/10], tt.d[len(tt.d)*9/10]
		t.Logf("%s: p10 %.3f, median %.3f, p90 %.3f", tt.name, p10, tt.d[len(tt.d)/2], p90)
		if p10 < tt.p10lo || p90 > tt.p90hi {
			t.Errorf("%s: p10 %.3f, p90 %.3f outside [%.2f, %.2f]", tt.name, p10, p90, tt.p10lo, tt.p90hi)
		}
	}
}
