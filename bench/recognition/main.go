// Command recognition measures identify through a real server on a large
// trained LargePersonGroup: training time, search memory, identify latency
// and throughput, and how often the top candidate is the one an exact
// search gives. The baseline is the same server on the same data with
// --search-index exact, in the same run.
//
//	go run ./bench/recognition -persons 100000 -faces 10
//
// Descriptors are synthetic (internal/synth: persons as centres, faces as
// noise around them, at the distances the face engine's descriptors show);
// queries are new faces of enrolled persons and, a fifth of them, of
// persons never enrolled. The group is written through the store's bulk
// path before the server starts; the server then trains it (POST train).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/bench/internal/benchgroup"
	"facesnap/bench/internal/benchserver"
	"facesnap/bench/internal/benchstat"
	"facesnap/internal/synth"
	"facesnap/sqlite"
)

const (
	key   = "0123456789abcdef0123456789abcdef"
	sub   = "11111111-1111-4111-8111-111111111111"
	group = "bench"
	dim   = 128
)

type options struct {
	persons, faces, queries, clients int
	unenrolled                       float64
	duration                         time.Duration
	bin, dir                         string
}

func main() {
	var o options
	flag.IntVar(&o.persons, "persons", 100000, "persons in the LargePersonGroup")
	flag.IntVar(&o.faces, "faces", 10, "faces per person")
	flag.IntVar(&o.queries, "queries", 1000, "query faces (one identify each)")
	flag.Float64Var(&o.unenrolled, "unenrolled", 0.2, "share of queries of persons never enrolled")
	flag.IntVar(&o.clients, "clients", 4, "concurrent clients for the throughput run")
	flag.DurationVar(&o.duration, "time", 10*time.Second, "length of each throughput run")
	flag.StringVar(&o.bin, "bin", "", "facesnap binary (default: build it)")
	flag.StringVar(&o.dir, "dir", "", "work directory (default: a temporary one, removed after)")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "recognition:", err)
		os.Exit(1)
	}
}

// query is one detected face to identify, and who it is ("" for a person
// never enrolled).
type query struct {
	faceID, person string
}

func run(ctx context.Context, o options) error {
	dir, bin, cleanup, err := benchserver.Workspace(o.dir, o.bin, "facesnap-bench-recognition-")
	if err != nil {
		return err
	}
	defer cleanup()
	o.dir, o.bin = dir, bin
	fmt.Printf("machine: %s, %d faces (%d persons x %d), load %s\n", benchstat.CPUModel(), o.persons*o.faces, o.persons, o.faces, benchstat.Load())
	data := filepath.Join(o.dir, "data")
	t0 := time.Now()
	queries, err := populate(ctx, o, data)
	if err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	fmt.Printf("populated in %v\n", time.Since(t0).Round(time.Millisecond))

	auto, err := start(o.bin, data, "auto")
	if err != nil {
		return err
	}
	train, err := trainGroup(ctx, auto)
	if err != nil {
		auto.Stop()
		return fmt.Errorf("train: %w", err)
	}
	ivfRun, err := measure(ctx, o, auto, queries, true)
	auto.Stop()
	if err != nil {
		return err
	}
	exact, err := start(o.bin, data, "exact")
	if err != nil {
		return err
	}
	defer exact.Stop()
	exactRun, err := measure(ctx, o, exact, queries, false)
	if err != nil {
		return err
	}

	agree, right, wrong := 0, 0, 0
	for i, q := range queries {
		if ivfRun.top[i] == exactRun.top[i] {
			agree++
		}
		if q.person != "" && ivfRun.top[i] == q.person {
			right++
		}
		if q.person == "" && ivfRun.identified[i] {
			wrong++
		}
	}
	enrolled := len(queries) - countUnenrolled(queries)
	fmt.Printf("training: %.1f s wall, %.1f s server CPU, peak RSS %.0f MiB; search memory %.0f bytes/face (%.0f MiB)\n",
		train.wall.Seconds(), train.cpu.Seconds(), train.rss, train.bytes/float64(o.persons*o.faces), train.bytes/(1<<20))
	fmt.Printf("top candidate as the exact search's: %d/%d (%.1f%%); enrolled persons on top %d/%d; never-enrolled identified at the default threshold %d/%d\n",
		agree, len(queries), 100*float64(agree)/float64(len(queries)), right, enrolled, wrong, len(queries)-enrolled)
	fmt.Printf("| index | first identify (cold) | p50 | p99 | identifies/s (%d clients) | server CPU per identify |\n|---|---|---|---|---|---|\n", o.clients)
	for _, r := range []struct {
		name string
		m    measured
	}{{"auto", ivfRun}, {"exact (baseline)", exactRun}} {
		fmt.Printf("| %s | %s | %s | %s | %.0f | %s |\n", r.name, benchstat.Ms(r.m.cold),
			benchstat.Ms(r.m.p50), benchstat.Ms(r.m.p99), r.m.rate, benchstat.Ms(r.m.cpuPer))
	}
	fmt.Printf("ratios (auto / exact): p50 %.2f, p99 %.2f, throughput %.1fx\n",
		float64(ivfRun.p50)/float64(exactRun.p50), float64(ivfRun.p99)/float64(exactRun.p99), ivfRun.rate/exactRun.rate)
	return nil
}

func countUnenrolled(qs []query) (n int) {
	for _, q := range qs {
		if q.person == "" {
			n++
		}
	}
	return n
}

// populate creates the account (by starting the server once), the group
// and the query faces in the SQLite database of data.
func populate(ctx context.Context, o options, data string) ([]query, error) {
	s, err := start(o.bin, data, "auto")
	if err != nil {
		return nil, err
	}
	s.Stop()
	db, err := sqlite.Open(ctx, filepath.Join(data, "facesnap.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	accts, err := db.AccountList(ctx)
	if err != nil || len(accts) != 1 {
		return nil, fmt.Errorf("want one account, got %d (%v)", len(accts), err)
	}
	m := synth.New(1, dim)
	persons := make([]synth.Person, o.persons)
	for i := range persons {
		persons[i] = m.Person()
	}
	ref := facesnap.CollectionRef{Account: accts[0].Name, Kind: facesnap.KindLargePersonGroup, ID: group}
	ids, err := benchgroup.Load(ctx, db, ref, o.persons, o.faces, false, func(p, f int) (facesnap.Rect, []float32) {
		v := make([]float32, dim)
		m.Face(persons[p], v)
		return facesnap.Rect{Left: 10 * f, Top: 20, Width: 120, Height: 150}, v
	})
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	var qs []query
	var faces []facesnap.DetectedFace
	for i := range o.queries {
		q := query{faceID: uuid.NewString()}
		v := make([]float32, dim)
		if float64(i%100) < 100*o.unenrolled {
			m.Face(m.Person(), v)
		} else {
			p := (i * 7919) % o.persons
			m.Face(persons[p], v)
			q.person = ids[p]
		}
		qs = append(qs, q)
		faces = append(faces, facesnap.DetectedFace{ID: q.faceID, Account: accts[0].Name, Rect: facesnap.Rect{Width: 120, Height: 150},
			DetectionModel: facesnap.DefaultDetectionModel, RecognitionModel: facesnap.DefaultRecognitionModel,
			Feature: v, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)})
	}
	return qs, db.DetectedFaceCreate(ctx, faces)
}

func start(bin, data, index string) (*benchserver.Server, error) {
	return benchserver.Start(bin, key+"="+sub, "--data", data, "--models", filepath.Join(data, "no-models"),
		"--search-index", index, "--search-memory", "0")
}

type trained struct {
	wall, cpu time.Duration
	rss       float64 // MiB, the server's peak so far
	bytes     float64 // facesnap_search_index_bytes after training
}

// trainGroup trains the group and waits for its success, polling every
// 100 ms.
func trainGroup(ctx context.Context, s *benchserver.Server) (trained, error) {
	var t trained
	cpu0, t0 := benchserver.CPU(s.Pid), time.Now()
	if _, err := call(ctx, s, http.MethodPost, "/largepersongroups/"+group+"/train", ""); err != nil {
		return t, err
	}
	for {
		body, err := call(ctx, s, http.MethodGet, "/largepersongroups/"+group+"/training", "")
		if err != nil {
			return t, err
		}
		var st struct{ Status, Message string }
		if err := json.Unmarshal(body, &st); err != nil {
			return t, err
		}
		if st.Status == "succeeded" {
			break
		}
		if st.Status == "failed" {
			return t, fmt.Errorf("training failed: %s", st.Message)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.wall, t.cpu, t.rss = time.Since(t0), benchserver.CPU(s.Pid)-cpu0, benchserver.PeakRSS(s.Pid)
	b, err := metric(ctx, s, "facesnap_search_index_bytes")
	t.bytes = b
	return t, err
}

type measured struct {
	cold, p50, p99, cpuPer time.Duration
	rate                   float64
	top                    []string // top candidate per query at threshold 0
	identified             []bool   // any candidate at the default threshold
}

// measure identifies every query once at threshold 0 (the nearest
// person, for agreement and latency) and, with atDefault, once at the
// default threshold; then it runs clients concurrent identifies for
// o.duration.
func measure(ctx context.Context, o options, s *benchserver.Server, qs []query, atDefault bool) (measured, error) {
	var m measured
	t0 := time.Now()
	if _, err := identify(ctx, s, qs[0].faceID, "0"); err != nil { // builds the index on a cold node
		return m, err
	}
	m.cold = time.Since(t0)
	lat := make([]time.Duration, len(qs))
	m.top, m.identified = make([]string, len(qs)), make([]bool, len(qs))
	for i, q := range qs {
		t := time.Now()
		top, err := identify(ctx, s, q.faceID, "0")
		lat[i] = time.Since(t)
		if err != nil {
			return m, err
		}
		m.top[i] = top
		if !atDefault {
			continue
		}
		top, err = identify(ctx, s, q.faceID, "")
		if err != nil {
			return m, err
		}
		m.identified[i] = top != ""
	}
	m.p50, m.p99 = benchstat.Percentile(lat, 50), benchstat.Percentile(lat, 99)

	var n atomic.Int64
	var failed atomic.Value
	cpu0, start := benchserver.CPU(s.Pid), time.Now()
	var wg sync.WaitGroup
	for c := range o.clients {
		wg.Go(func() {
			for i := c; time.Since(start) < o.duration; i += o.clients {
				if _, err := identify(ctx, s, qs[i%len(qs)].faceID, ""); err != nil {
					failed.Store(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return m, err
	}
	elapsed, cpu := time.Since(start), benchserver.CPU(s.Pid)-cpu0
	m.rate = float64(n.Load()) / elapsed.Seconds()
	m.cpuPer = cpu / time.Duration(max(n.Load(), 1))
	return m, nil
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// identify answers the top candidate of one face ("" for none); threshold
// "" leaves the server's default.
func identify(ctx context.Context, s *benchserver.Server, faceID, threshold string) (string, error) {
	body := `{"faceIds":["` + faceID + `"],"largePersonGroupId":"` + group + `"`
	if threshold != "" {
		body += `,"confidenceThreshold":` + threshold
	}
	b, err := call(ctx, s, http.MethodPost, "/identify", body+"}")
	if err != nil {
		return "", err
	}
	var res []struct {
		Candidates []struct{ PersonID string } `json:"candidates"`
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res) != 1 {
		return "", fmt.Errorf("identify answer %q: %v", b, err)
	}
	if len(res[0].Candidates) == 0 {
		return "", nil
	}
	return res[0].Candidates[0].PersonID, nil
}

func call(ctx context.Context, s *benchserver.Server, method, path, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+"/face/v1.0"+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s %s", method, path, resp.Status, b)
	}
	return b, nil
}

// metric reads one gauge from the server's /metrics.
func metric(ctx context.Context, s *benchserver.Server, name string) (float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/metrics", nil)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte(name+" ")); ok {
			return strconv.ParseFloat(string(v), 64)
		}
	}
	return 0, fmt.Errorf("no %s in /metrics", name)
}
