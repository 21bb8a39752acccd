package snapfile

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"facesnap"
)

// gen makes realistic snapshot contents, the same for the same seed:
// uuid ids, unit-length 128-float features drawn from a normal
// distribution (what face engines produce), short user data on some.
type gen struct {
	rng *rand.Rand
	t0  time.Time
}

func newGen(seed uint64) *gen {
	return &gen{rng: rand.New(rand.NewPCG(seed, 1)), t0: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (g *gen) uuid() string {
	a, b := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, 0x8000|b>>48&0x3fff, b&0xffffffffffff)
}

func (g *gen) feature(n int) []float32 {
	f := make([]float32, n)
	var sum float64
	for i := range f {
		v := g.rng.NormFloat64()
		f[i] = float32(v)
		sum += v * v
	}
	norm := float32(1 / math.Sqrt(sum))
	for i := range f {
		f[i] *= norm
	}
	return f
}

func (g *gen) face(seq int64, personID string) facesnap.Face {
	f := facesnap.Face{
		ID:             g.uuid(),
		PersonID:       personID,
		Rect:           facesnap.Rect{Left: g.rng.IntN(2000), Top: g.rng.IntN(2000), Width: 80 + g.rng.IntN(400), Height: 80 + g.rng.IntN(400)},
		DetectionModel: facesnap.DefaultDetectionModel,
		Feature:        g.feature(128),
		Seq:            seq,
		CreatedAt:      g.t0.Add(time.Duration(seq) * 37 * time.Millisecond),
	}
	if g.rng.IntN(4) == 0 {
		f.UserData = fmt.Sprintf(`{"camera":"gate-%d","score":0.%03d}`, g.rng.IntN(40), g.rng.IntN(1000))
	}
	return f
}

func (g *gen) person() facesnap.Person {
	return facesnap.Person{ID: g.uuid(), Name: fmt.Sprintf("employee %06d", g.rng.IntN(1000000)), UserData: "dept=eng"}
}

func (g *gen) collection(kind facesnap.Kind) (facesnap.Collection, facesnap.Training) {
	return facesnap.Collection{
			CollectionRef:    facesnap.CollectionRef{Account: "acme", Kind: kind, ID: "staff-2026"},
			Name:             "Staff",
			UserData:         "badge photos",
			RecognitionModel: "recognition_04",
			CreatedAt:        g.t0,
		}, facesnap.Training{
			Status:        facesnap.TrainingSucceeded,
			CreatedAt:     g.t0.Add(time.Hour),
			LastActionAt:  g.t0.Add(time.Hour + time.Minute),
			LastSuccessAt: g.t0.Add(time.Hour + time.Minute),
		}
}
