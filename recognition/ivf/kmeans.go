package ivf

import (
	"context"

	"facesnap/recognition/vec"
)

// train runs p.Iterations of Lloyd's k-means on sample (p.TrainPoints
// vectors) and returns p.Lists centroids. It starts from sample vectors
// spread evenly through the (random) sample; a list left empty takes half
// of the largest one. Assignment runs in parallel, while the sums are
// added in sample order in float64, so the result does not depend on
// scheduling.
func train(ctx context.Context, sample []float32, dim int, p Params, meter *progressMeter) ([]float32, error) {
	m, k := len(sample)/dim, p.Lists
	c := make([]float32, k*dim)
	for j := range k {
		i := j * m / k
		copy(c[j*dim:(j+1)*dim], sample[i*dim:(i+1)*dim])
	}
	assign := make([]int32, m)
	sums := make([]float64, k*dim)
	counts := make([]int, k)
	for range p.Iterations {
		cn := norms(c, dim)
		err := parallel(ctx, (m+chunk-1)/chunk, func(ch int) {
			lo, hi := ch*chunk, min((ch+1)*chunk, m)
			dots := make([]float32, k)
			for i := lo; i < hi; i++ {
				assign[i] = nearest(sample[i*dim:(i+1)*dim], c, cn, dots)
			}
			meter.add(int64(hi - lo))
		})
		if err != nil {
			return nil, err
		}
		clear(sums)
		clear(counts)
		for i, l := range assign {
			s, v := sums[int(l)*dim:int(l+1)*dim], sample[i*dim:(i+1)*dim]
			for j := range s {
				s[j] += float64(v[j])
			}
			counts[l]++
		}
		for j := range k {
			if counts[j] == 0 {
				continue
			}
			for d := range dim {
				c[j*dim+d] = float32(sums[j*dim+d] / float64(counts[j]))
			}
		}
		splitEmpty(c, counts, dim)
	}
	return c, nil
}

// splitEmpty gives every empty list (in index order) a copy of the
// largest list's centroid, the two nudged apart by 1/1024 in opposite
// directions, and half of its count.
func splitEmpty(c []float32, counts []int, dim int) {
	for j := range counts {
		if counts[j] > 0 {
			continue
		}
		big := 0
		for l, n := range counts {
			if n > counts[big] {
				big = l
			}
		}
		if counts[big] < 2 {
			return
		}
		cj, cb := c[j*dim:(j+1)*dim], c[big*dim:(big+1)*dim]
		for d := range cj {
			x := cb[d]
			if d%2 == 0 {
				cj[d], cb[d] = x*(1+1.0/1024), x*(1-1.0/1024)
			} else {
				cj[d], cb[d] = x*(1-1.0/1024), x*(1+1.0/1024)
			}
		}
		counts[j] = counts[big] / 2
		counts[big] -= counts[j]
	}
}

// nearest is the index of the centroid nearest to v (ties to the lower
// index): the smallest ‖c‖² − 2·v·c, ‖v‖² being the same for all. dots is
// scratch space of one float per centroid.
func nearest(v, c, cn, dots []float32) int32 {
	vec.DotBatch(v, c, dots)
	best, bd := 0, float32(0)
	for j, d := range dots {
		// The explicit conversion keeps the compiler from fusing the
		// multiply into the subtraction, which would round differently
		// on CPUs with FMA.
		if dist := cn[j] - float32(2*d); j == 0 || dist < bd {
			best, bd = j, dist
		}
	}
	return int32(best)
}
