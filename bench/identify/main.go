// Command identify measures the face-descriptor indexes behind identify
// and find-similar at scale: it makes -faces synthetic descriptors of
// -persons persons (internal/synth: same-person and
// different-person distances like the face engine's), indexes the same
// data with the exact flat index (the baseline) and the ivf index, and
// reports for each
//
//   - build time (wall and CPU, so the use of both cores shows) and bytes
//     per face of the built index;
//
//   - single-query latency p50/p99 over -queries held-out queries (new
//     faces of enrolled persons, and -unenrolled of them of persons never
//     enrolled), one searcher;
//
//   - throughput with -searchers concurrent searchers (for -time), and
//     the CPU time a search took then (which other work on a shared
//     machine stretches less than wall time);
//
//   - for ivf, at each -probes setting, how often its top-1 is the exact
//     search's, and the ratios to the baseline.
//
//     go run ./bench/identify -faces 1000000 -persons 100000
//
// See BENCHMARKS.md ("Search index (identify at 1,000,000 faces)").
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"facesnap/bench/internal/benchstat"
	"facesnap/internal/cputime"
	"facesnap/internal/synth"
	"facesnap/recognition/flat"
	"facesnap/recognition/ivf"
	"facesnap/recognition/vec"
)

const dim = 128

type options struct {
	faces, persons, queries int
	unenrolled              float64
	probes                  []int
	lists                   int
	searchers               int
	limit                   time.Duration
	seed                    uint64
}

func main() {
	var o options
	var probes string
	flag.IntVar(&o.faces, "faces", 1_000_000, "enrolled faces")
	flag.IntVar(&o.persons, "persons", 100_000, "enrolled persons (faces are spread evenly over them)")
	flag.IntVar(&o.queries, "queries", 1000, "held-out queries")
	flag.Float64Var(&o.unenrolled, "unenrolled", 0.2, "fraction of queries of persons never enrolled")
	flag.StringVar(&probes, "probes", "", "comma-separated ivf probe counts to measure (default: the index's own, and around it)")
	flag.IntVar(&o.lists, "lists", 0, "ivf lists (0: ivf.DefaultParams)")
	flag.IntVar(&o.searchers, "searchers", 2, "concurrent searchers for the throughput figure")
	flag.DurationVar(&o.limit, "time", 3*time.Second, "how long each throughput measurement runs")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the synthetic data")
	flag.Parse()
	for _, f := range strings.Split(probes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil || p <= 0 {
			fmt.Fprintf(os.Stderr, "identify: bad -probes %q\n", f)
			os.Exit(2)
		}
		o.probes = append(o.probes, p)
	}
	if o.faces <= 0 || o.persons <= 0 || o.queries <= 0 || o.searchers <= 0 {
		fmt.Fprintln(os.Stderr, "identify: -faces, -persons, -queries and -searchers must be positive")
		os.Exit(2)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "identify:", err)
		os.Exit(1)
	}
}

// searcher is what both indexes offer.
type searcher interface {
	Search(q []float32, k int) []vec.Neighbor
}

func run(ctx context.Context, o options) error {
	fmt.Printf("CPU: %s, %d cores (GOMAXPROCS %d), %s/%s, %s\n",
		benchstat.CPUModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	m := synth.New(o.seed, dim)
	persons := make([]synth.Person, o.persons)
	for i := range persons {
		persons[i] = m.Person()
	}
	fb := flat.NewBuilder(dim, o.faces)
	ib := ivf.NewBuilderParams(dim, o.faces, ivf.Params{Lists: o.lists})
	v := make([]float32, dim)
	for i := range o.faces {
		m.Face(persons[i%o.persons], v)
		fb.Add(v)
		ib.Add(v)
	}
	queries := make([][]float32, o.queries)
	r := rand.New(rand.NewPCG(o.seed, 7))
	unenrolled := 0
	for i := range queries {
		p := persons[r.IntN(o.persons)]
		if float64(i) < o.unenrolled*float64(o.queries) {
			p = m.Person()
			unenrolled++
		}
		queries[i] = make([]float32, dim)
		m.Face(p, queries[i])
	}
	fmt.Printf("data: %d faces of %d persons, %d queries (%d of persons never enrolled)\n",
		o.faces, o.persons, o.queries, unenrolled)
	printDistances(m)

	flatStart := time.Now()
	fix, err := fb.Build(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("flat build: %v wall\n", time.Since(flatStart).Round(time.Millisecond))

	wall, cpu := time.Now(), cputime.Self()
	iix, err := ib.Build(ctx, nil)
	if err != nil {
		return err
	}
	buildWall, buildCPU := time.Since(wall), cputime.Self()-cpu
	fmt.Printf("ivf build: %.1f s wall, %.1f s CPU (%.2f cores), %d lists, default probes %d\n",
		buildWall.Seconds(), buildCPU.Seconds(), buildCPU.Seconds()/buildWall.Seconds(), iix.Lists(), iix.Probes())
	fb, ib = nil, nil
	runtime.GC()

	exact := make([]int32, len(queries))
	flatLat := latencies(queries, func(i int, q []float32) { exact[i] = fix.Search(q, 1)[0].ID })
	flatTput, flatCPU := throughput(fix, queries, o.searchers, o.limit)

	probes := o.probes
	if len(probes) == 0 {
		d := iix.Probes()
		probes = []int{max(1, d/2), d, 2 * d}
	}
	fmt.Println()
	fmt.Printf("| index | build s | bytes/face | p50 | p99 | %d searchers /s | CPU/search | top-1 = exact (enrolled only) | p50 vs flat | throughput vs flat |\n", o.searchers)
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	flatP50, flatP99 := benchstat.Percentile(flatLat, 50), benchstat.Percentile(flatLat, 99)
	fmt.Printf("| flat (exact) | %.1f | %.0f | %s | %s | %.0f | %s | 100%% (100%%) | 1 | 1 |\n", 0.0,
		float64(fix.MemoryBytes())/float64(fix.Len()), benchstat.Ms(flatP50), benchstat.Ms(flatP99), flatTput, benchstat.Ms(flatCPU))
	for _, p := range probes {
		s := probed{iix, p}
		agree, agreeEnrolled := 0, 0
		lat := latencies(queries, func(i int, q []float32) {
			if s.Search(q, 1)[0].ID == exact[i] {
				agree++
				if i >= unenrolled {
					agreeEnrolled++
				}
			}
		})
		tput, cpu := throughput(s, queries, o.searchers, o.limit)
		p50, p99 := benchstat.Percentile(lat, 50), benchstat.Percentile(lat, 99)
		fmt.Printf("| ivf, %d lists, %d probes | %.1f | %.0f | %s | %s | %.0f | %s | %.1f%% (%.1f%%) | %.0f× faster | %.0f× |\n",
			iix.Lists(), p, buildWall.Seconds(), float64(iix.MemoryBytes())/float64(iix.Len()),
			benchstat.Ms(p50), benchstat.Ms(p99), tput, benchstat.Ms(cpu), 100*float64(agree)/float64(len(queries)),
			100*float64(agreeEnrolled)/float64(len(queries)-unenrolled),
			float64(flatP50)/float64(p50), tput/flatTput)
	}
	return nil
}

type probed struct {
	ix     *ivf.Index
	probes int
}

func (p probed) Search(q []float32, k int) []vec.Neighbor { return p.ix.SearchProbes(q, k, p.probes) }

// latencies runs fn on every query, one at a time, and returns the times.
func latencies(queries [][]float32, fn func(i int, q []float32)) []time.Duration {
	out := make([]time.Duration, len(queries))
	for i, q := range queries {
		t := time.Now()
		fn(i, q)
		out[i] = time.Since(t)
	}
	return out
}

// throughput is searches per second with n searchers cycling through the
// queries for about limit (and at least one pass each), and the process's
// CPU time per search meanwhile.
func throughput(s searcher, queries [][]float32, n int, limit time.Duration) (perSec float64, cpu time.Duration) {
	var count atomic.Int64
	start, cpu0 := time.Now(), cputime.Self()
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			for i := w; ; i += n {
				s.Search(queries[i%len(queries)], 1)
				count.Add(1)
				if time.Since(start) > limit && i >= len(queries) {
					return
				}
			}
		})
	}
	wg.Wait()
	c := count.Load()
	return float64(c) / time.Since(start).Seconds(), (cputime.Self() - cpu0) / time.Duration(c)
}

// printDistances shows that the synthetic data looks like descriptors.
func printDistances(m *synth.Model) {
	var same, diff []float64
	a, b := make([]float32, dim), make([]float32, dim)
	prev := m.Person()
	for range 2000 {
		p := m.Person()
		m.Face(p, a)
		m.Face(p, b)
		same = append(same, math.Sqrt(float64(vec.L2Squared(a, b))))
		m.Face(prev, b)
		diff = append(diff, math.Sqrt(float64(vec.L2Squared(a, b))))
		prev = p
	}
	q := func(d []float64) string {
		slices.Sort(d)
		return fmt.Sprintf("p1 %.2f, p50 %.2f, p99 %.2f", d[len(d)/100], d[len(d)/2], d[len(d)*99/100])
	}
	fmt.Printf("distances: same person %s; different persons %s\n", q(same), q(diff))
}
