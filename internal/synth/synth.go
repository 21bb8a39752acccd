// Package synth makes descriptor-like vectors for the index tests and
// benchmark, where a million real faces are not at hand: every person is a
// centre, every face of a person that centre plus noise.
//
// The numbers are set so that the distances look like the face engine's
// 128-float descriptors: all descriptors share a common mean (norm 0.95;
// descriptors are not centred, their norms run 0.9-1.3), persons spread
// around it with a decaying spectrum (variance of dimension i ∝
// 1/(1+i/8), so a few directions dominate, as in real embeddings), and a
// face is its person's centre plus isotropic noise whose size varies from
// person to person. Two faces of one person then lie about 0.35-0.6
// apart, faces of two persons about 0.55-0.9 (the benchmark prints the
// percentiles it got).
package synth

import (
	"math"
	"math/rand/v2"
)

// Model draws persons and faces; the same seed gives the same sequence.
type Model struct {
	dim    int
	mean   []float32
	spread []float32 // standard deviation of the centres, per dimension
	r      *rand.Rand
}

// Person is one synthetic identity.
type Person struct {
	Centre []float32
	Noise  float32 // per-dimension standard deviation of its faces
}

const (
	meanNorm   = 0.95
	spreadNorm = 0.38  // RMS distance of a centre from the mean
	noise      = 0.028 // per dimension: faces of one person √(2·128)·0.028 ≈ 0.45 apart
)

// New returns a Model of dim-float descriptors.
func New(seed uint64, dim int) *Model {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	m := &Model{dim: dim, mean: make([]float32, dim), spread: make([]float32, dim), r: r}
	var mn, sn float64
	for i := range dim {
		m.mean[i] = float32(r.NormFloat64())
		mn += float64(m.mean[i]) * float64(m.mean[i])
		v := 1 / (1 + float64(i)/8)
		m.spread[i] = float32(math.Sqrt(v))
		sn += v
	}
	for i := range dim {
		m.mean[i] *= float32(meanNorm / math.Sqrt(mn))
		m.spread[i] *= float32(spreadNorm / math.Sqrt(sn))
	}
	return m
}

// Person draws a new person.
func (m *Model) Person() Person {
	p := Person{Centre: make([]float32, m.dim), Noise: noise * float32(0.75+0.5*m.r.Float64())}
	for i := range p.Centre {
		p.Centre[i] = m.mean[i] + m.spread[i]*float32(m.r.NormFloat64())
	}
	return p
}

// Face fills dst (dim floats) with a new face of p.
func (m *Model) Face(p Person, dst []float32) {
	for i := range dst {
		dst[i] = p.Centre[i] + p.Noise*float32(m.r.NormFloat64())
	}
}
