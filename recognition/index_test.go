package recognition

import (
	"testing"

	"facesnap/internal/synth"
	"facesnap/recognition/flat"
	"facesnap/recognition/ivf"
)

// TestNewIndexBuilder: past FlatLimit faces the default index is the
// approximate one, chosen on the faces added (not the hint), and its
// nearest faces agree with the exact search's.
func TestNewIndexBuilder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-face index")
	}
	m := synth.New(7, DescriptorSize)
	var persons []synth.Person
	for range 5000 {
		persons = append(persons, m.Person())
	}
	for _, tt := range []struct {
		name  string
		n     int
		exact bool
	}{{"Small", 2000, true}, {"PastFlatLimit", FlatLimit + 1000, false}} {
		t.Run(tt.name, func(t *testing.T) {
			b, exact := NewIndexBuilder(10), flat.NewBuilder(DescriptorSize, tt.n)
			v := make([]float32, DescriptorSize)
			for i := range tt.n {
				m.Face(persons[i%len(persons)], v)
				b.Add(v)
				exact.Add(v)
			}
			ix, err := b.Build(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, isFlat := ix.(*flat.Index); isFlat != tt.exact {
				t.Fatalf("index %T for %d faces", ix, tt.n)
			}
			if _, isIVF := ix.(*ivf.Index); isIVF == tt.exact {
				t.Fatalf("index %T for %d faces", ix, tt.n)
			}
			want, _ := exact.Build(t.Context(), nil)
			agree := 0
			const queries = 200
			for i := range queries {
				m.Face(persons[i], v)
				if ix.Search(v, 1)[0].ID == want.Search(v, 1)[0].ID {
					agree++
				}
			}
			if agree < queries*97/100 {
				t.Errorf("top-1 agrees with the exact search for %d of %d queries", agree, queries)
			}
		})
	}
}
