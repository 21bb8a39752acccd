// Command api measures the Face API's hot paths on a real server process:
// it builds facesnap, starts `facesnap serve` on loopback with one
// account, creates a PersonGroup of -persons persons (-faces faces each),
// then
//
//   - GET person: -clients concurrent keep-alive connections read the
//     group's persons round robin, -gets requests in all (at most
//     -time); it reports requests/s, p50 and p99 latency;
//   - enrolment: -enrol-clients concurrent connections each create a
//     person in a second PersonGroup and add one face to it (a small
//     JPEG made in memory, with targetFace), -enrol enrolments in all (at
//     most -time); it reports enrolments/s and the latency of one.
//
// For each phase it also reports the CPU time the server process and this
// load generator used, per request: on a machine shared with other work,
// wall-clock throughput moves with the load, CPU per request much less.
//
// The client is a minimal HTTP/1.1 keep-alive client on raw connections
// (fixed request bytes, Content-Length bodies), because it shares the
// cores with the server: net/http's client costs several times the CPU.
//
//	go run ./bench/api
//	go run ./bench/api -gets 400000 -clients 64 -enrol 8000
//
// With -db postgres://… the server keeps its state there, in a schema of
// its own created for the run and dropped after; -nodes N (with -db)
// starts N servers on that schema and spreads the connections over them
// round robin, their CPU summed:
//
//	go run ./bench/api -db "$FACESNAP_TEST_POSTGRES_URL" -nodes 2 -enrol 0
//
// Unless -baseline=false, each phase is followed by its baseline, in the
// same run with the same load generator, and the ratio is printed:
//
//   - GET person against a minimal net/http server (this program run
//     again as a child process) that answers the same route and key
//     header with the very bytes facesnap answered, with no store, no
//     account lookup and no logs or metrics;
//   - enrolment against the store's calls of an enrolment (PersonCreate,
//     PersonGet, FaceAdd) made from as many goroutines in a fresh store
//     of the same kind, with no HTTP.
//
// See BENCHMARKS.md ("API throughput" and "Throughput against
// baselines") for figures.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"facesnap/bench/internal/benchdb"
	"facesnap/bench/internal/benchserver"
	"facesnap/internal/cputime"
)

const (
	key    = "benchapikey00000000000000000000000"
	sub    = "33333333-3333-3333-3333-333333333333"
	prefix = "/face/v1.0"
)

type options struct {
	persons, faces  int
	gets, clients   int
	enrol, eclients int
	limit           time.Duration
	bin, dir        string
	models          string
	wrk             time.Duration
	wrkThreads      int
	db              string
	nodes           int
	baseline        bool
}

func main() {
	var o options
	flag.IntVar(&o.persons, "persons", 1000, "persons in the PersonGroup read by GET")
	flag.IntVar(&o.faces, "faces", 2, "faces per person in that group")
	flag.IntVar(&o.gets, "gets", 200000, "GET person requests in all (0: no GET phase)")
	flag.IntVar(&o.clients, "clients", 64, "concurrent keep-alive connections for GET")
	flag.IntVar(&o.enrol, "enrol", 5000, "enrolments (create person + add face) in all; at most 10000 (a PersonGroup's limit); 0: no enrolment phase")
	flag.IntVar(&o.eclients, "enrol-clients", 16, "concurrent connections for enrolment")
	flag.DurationVar(&o.limit, "time", time.Minute, "upper bound of each phase's duration")
	flag.DurationVar(&o.wrk, "wrk", 0, "also run the GET phase with wrk (on PATH) for this long, -clients connections; 0: not")
	flag.IntVar(&o.wrkThreads, "wrk-threads", 1, "wrk's threads")
	flag.StringVar(&o.bin, "bin", "", "facesnap binary (default: build it)")
	flag.StringVar(&o.dir, "dir", "", "work directory (default: a temporary one, removed after)")
	flag.StringVar(&o.models, "models", "", "face engine weights for the server (default: none, so add-face keeps the targetFace rectangle and computes no descriptor, which with weights costs tens of ms of CPU a face)")
	flag.StringVar(&o.db, "db", "", "PostgreSQL database (postgres://…) for the servers' state, in a schema of its own; default: SQLite in the data directory")
	flag.IntVar(&o.nodes, "nodes", 1, "servers on the -db database; connections go to them round robin")
	flag.BoolVar(&o.baseline, "baseline", true, "after each phase, run its baseline in the same run: GET against a minimal net/http server replaying facesnap's answers, enrolment as the store's calls alone")
	flag.Parse()
	if len(os.Args) == 3 && os.Args[1] == baselineArg {
		if err := serveBaseline(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "api baseline:", err)
			os.Exit(1)
		}
		return
	}
	o.enrol = min(o.enrol, 10000)
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	dir, bin, cleanup, err := benchserver.Workspace(o.dir, o.bin, "facesnap-api-bench-")
	if err != nil {
		return err
	}
	defer cleanup()
	o.dir, o.bin = dir, bin
	dbURL := ""
	switch {
	case o.db != "" && !benchdb.IsPostgres(o.db):
		return errors.New("-db: want a postgres:// URL")
	case o.db != "":
		u, drop, err := benchdb.Schema(ctx, o.db, "bench_api")
		if err != nil {
			return err
		}
		defer drop()
		dbURL = u
	case o.nodes != 1:
		return errors.New("-nodes: more than one server needs -db")
	}
	if o.nodes < 1 {
		return errors.New("-nodes: at least 1")
	}
	var addrs []string
	var pids []int
	var srv *benchserver.Server // the first node: setup and wrk go there
	for i := range o.nodes {
		data := filepath.Join(o.dir, "data")
		if i > 0 {
			data = filepath.Join(o.dir, fmt.Sprintf("data-%d", i+1))
		}
		s, err := start(o.bin, data, o.models, dbURL)
		if err != nil {
			return err
		}
		defer s.Stop()
		if srv == nil {
			srv = s
		}
		addrs = append(addrs, strings.TrimPrefix(s.Endpoint, "http://"))
		pids = append(pids, s.Pid)
	}
	addr := addrs[0]
	img := benchJPEG()
	if o.models != "" {
		// With the engine, a face must be where targetFace says.
		var err error
		if img, err = demoFace(o.models); err != nil {
			return err
		}
	}

	// Set up through the same client, 16 connections.
	t0 := time.Now()
	ids, err := populate(addr, o, img)
	if err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	fmt.Printf("created PersonGroup of %d persons x %d faces in %v (JPEG %d bytes)\n",
		o.persons, o.faces, time.Since(t0).Round(time.Millisecond), len(img.data))

	reqs := make([][]byte, len(ids))
	for i, id := range ids {
		reqs[i] = request("GET", "/persongroups/bench/persons/"+id, "", nil)
	}
	var next atomic.Int64
	get := phase{name: "GET person", n: o.gets, clients: o.clients, limit: o.limit,
		do: func(c *conn) error {
			i := next.Add(1)
			status, _, err := c.roundTrip(reqs[int(i)%len(reqs)])
			return expect(status, err, 200)
		}}
	if o.gets > 0 {
		got, err := get.run(addrs, pids)
		if err != nil {
			return err
		}
		if o.baseline {
			if err := getBaseline(o, addr, ids, reqs, got); err != nil {
				return err
			}
		}
	}
	if o.wrk > 0 {
		if err := runWrk(o, srv, ids); err != nil {
			return err
		}
	}
	if o.enrol <= 0 {
		return nil
	}
	if err := put(addr, "/persongroups/enrol", `{"name":"enrolment"}`); err != nil {
		return err
	}
	var seq atomic.Int64
	enrol := phase{name: "enrolment", n: o.enrol, clients: o.eclients, limit: o.limit,
		do: func(c *conn) error {
			_, err := enrolOne(c, "enrol", fmt.Sprintf("person %d", seq.Add(1)), img)
			return err
		}}
	got, err := enrol.run(addrs, pids)
	if err != nil || !o.baseline {
		return err
	}
	base, err := storeEnrol(ctx, o)
	if err != nil {
		return err
	}
	ratio("enrolment against the store alone", got, base)
	return nil
}

// getBaseline runs the GET phase again, the same load generator and
// requests, against a minimal net/http server that replays facesnap's
// answers, and prints the ratio of got to it.
func getBaseline(o options, addr string, ids []string, reqs [][]byte, got result) error {
	answers, err := captureAnswers(addr, ids, reqs)
	if err != nil {
		return err
	}
	bs, err := startBaseline(o.dir, answers)
	if err != nil {
		return err
	}
	defer bs.Stop()
	var next atomic.Int64
	p := phase{name: "GET person, baseline net/http", n: o.gets, clients: o.clients, limit: o.limit,
		do: func(c *conn) error {
			i := next.Add(1)
			status, _, err := c.roundTrip(reqs[int(i)%len(reqs)])
			return expect(status, err, 200)
		}}
	base, err := p.run([]string{strings.TrimPrefix(bs.Endpoint, "http://")}, []int{bs.Pid})
	if err != nil {
		return err
	}
	ratio("GET person against the net/http baseline", got, base)
	return nil
}

// runWrk runs the GET phase with wrk: a Lua script sends the key and
// reads the persons round robin. wrk stops after o.wrk.
func runWrk(o options, srv *benchserver.Server, ids []string) error {
	var lua strings.Builder
	lua.WriteString("local paths = {\n")
	for _, id := range ids {
		fmt.Fprintf(&lua, "  %q,\n", prefix+"/persongroups/bench/persons/"+id)
	}
	fmt.Fprintf(&lua, `}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Ocp-Apim-Subscription-Key"] = %q})
end
`, key)
	script := filepath.Join(o.dir, "get.lua")
	if err := os.WriteFile(script, []byte(lua.String()), 0o644); err != nil {
		return err
	}
	cpu0 := benchserver.CPU(srv.Pid)
	cmd := exec.Command("wrk", "-t", strconv.Itoa(o.wrkThreads), "-c", strconv.Itoa(o.clients),
		"-d", fmt.Sprintf("%ds", max(1, int(o.wrk.Seconds()))), "--latency", "-s", script, srv.Endpoint)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %w\n%s", err, out)
	}
	cpu := benchserver.CPU(srv.Pid) - cpu0
	var p50, p99, rps string
	var n int64
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "50%":
			p50 = f[1]
		case len(f) == 2 && f[0] == "99%":
			p99 = f[1]
		case len(f) == 2 && f[0] == "Requests/sec:":
			rps = f[1]
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, _ = strconv.ParseInt(f[0], 10, 64)
		case strings.Contains(line, "Non-2xx") || strings.Contains(line, "Socket errors"):
			return fmt.Errorf("wrk: %s", strings.TrimSpace(line))
		}
	}
	if n == 0 {
		return fmt.Errorf("wrk: no requests counted in\n%s", out)
	}
	fmt.Printf("GET person (wrk, %d thread(s)): %d in %v, %d connections: %s/s, p50 %s, p99 %s; CPU per op: server %.1f µs\n",
		o.wrkThreads, n, o.wrk, o.clients, rps, p50, p99, float64(cpu.Microseconds())/float64(n))
	return nil
}

// populate creates the GET group and its persons and faces, returning the
// person ids.
func populate(addr string, o options, img faceImage) ([]string, error) {
	if err := put(addr, "/persongroups/bench", `{"name":"benchmark","userData":"GET person benchmark"}`); err != nil {
		return nil, err
	}
	ids := make([]string, o.persons)
	var next atomic.Int64
	p := phase{n: o.persons, clients: 16, limit: 10 * time.Minute, quiet: true,
		do: func(c *conn) error {
			i := int(next.Add(1) - 1)
			id, err := enrolOne(c, "bench", fmt.Sprintf("person %d", i), img)
			if err != nil {
				return err
			}
			for f := 1; f < o.faces; f++ {
				if err := addFace(c, "bench", id, img); err != nil {
					return err
				}
			}
			ids[i] = id
			return nil
		}}
	if _, err := p.run([]string{addr}, nil); err != nil {
		return nil, err
	}
	if slices.Contains(ids, "") {
		return nil, errors.New("not every person was created")
	}
	return ids, nil
}

// enrolOne creates a person with one face and returns its id.
func enrolOne(c *conn, group, name string, img faceImage) (string, error) {
	status, body, err := c.roundTrip(request("POST", "/persongroups/"+group+"/persons", "application/json",
		[]byte(`{"name":`+strconv.Quote(name)+`,"userData":"enrolled by bench/api"}`)))
	if err := expect(status, err, 200); err != nil {
		return "", fmt.Errorf("create person: %w (%s)", err, body)
	}
	var p struct{ PersonID string }
	if err := json.Unmarshal(body, &p); err != nil || p.PersonID == "" {
		return "", fmt.Errorf("create person: answer %q", body)
	}
	return p.PersonID, addFace(c, group, p.PersonID, img)
}

func addFace(c *conn, group, person string, img faceImage) error {
	status, body, err := c.roundTrip(request("POST",
		"/persongroups/"+group+"/persons/"+person+"/persistedfaces?targetFace="+img.target+"&userData="+url.QueryEscape("camera=front"),
		"application/octet-stream", img.data))
	if err := expect(status, err, 200); err != nil {
		return fmt.Errorf("add face: %w (%s)", err, body)
	}
	return nil
}

func put(addr, path, body string) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	status, answer, err := c.roundTrip(request("PUT", path, "application/json", []byte(body)))
	if err := expect(status, err, 200); err != nil {
		return fmt.Errorf("PUT %s: %w (%s)", path, err, answer)
	}
	return nil
}

func expect(status int, err error, want int) error {
	if err != nil {
		return err
	}
	if status != want {
		return fmt.Errorf("status %d", status)
	}
	return nil
}

// faceImage is an image to enrol and its targetFace.
type faceImage struct {
	data   []byte
	target string
}

// benchJPEG is a 64x64 JPEG of at least 1 KB (the API's minimum), with
// texture so that it compresses no smaller, and a targetFace in it.
func benchJPEG() faceImage {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			v := uint8((x*x + 3*y*y + 7*x*y) % 251)
			img.Set(x, y, color.RGBA{v, uint8(x * 4), uint8(y * 4), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	if b.Len() < 1<<10 {
		panic(fmt.Sprintf("bench JPEG is %d bytes, under 1 KB", b.Len()))
	}
	return faceImage{data: b.Bytes(), target: "8,8,48,48"}
}

// demoFace is the first face of the face-api package's sample1.jpg
// (scripts/fetch-models puts it beside the weights), cut out with a
// margin: a server with the engine refuses a targetFace without a face.
func demoFace(models string) (faceImage, error) {
	f, err := os.Open(filepath.Join(models, "sample1.jpg"))
	if err != nil {
		return faceImage{}, fmt.Errorf("-models: the demo image: %w", err)
	}
	defer f.Close()
	src, err := jpeg.Decode(f)
	if err != nil {
		return faceImage{}, fmt.Errorf("-models: sample1.jpg: %w", err)
	}
	// The face's box, as engine/testdata/golden/sample1.json has it.
	face := image.Rect(413, 355, 413+177, 355+238)
	crop := image.Rect(face.Min.X-face.Dx()/2, face.Min.Y-face.Dy()/2, face.Max.X+face.Dx()/2, face.Max.Y+face.Dy()/2).Intersect(src.Bounds())
	dst := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(dst, dst.Bounds(), src, crop.Min, draw.Src)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, dst, &jpeg.Options{Quality: 90}); err != nil {
		return faceImage{}, err
	}
	r := face.Sub(crop.Min)
	return faceImage{data: b.Bytes(), target: fmt.Sprintf("%d,%d,%d,%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy())}, nil
}

// phase runs do n times on clients connections, or until limit passes,
// and reports throughput, latency percentiles and CPU per request.
type phase struct {
	name    string
	n       int
	clients int
	limit   time.Duration
	quiet   bool
	do      func(*conn) error
}

// run spreads the connections over addrs round robin; the server CPU is
// that of all pids.
func (p phase) run(addrs []string, pids []int) (result, error) {
	serverCPU := func() (d time.Duration) {
		for _, pid := range pids {
			d += benchserver.CPU(pid)
		}
		return d
	}
	conns := make([]*conn, p.clients)
	for i := range conns {
		c, err := dial(addrs[i%len(addrs)])
		if err != nil {
			return result{}, err
		}
		defer c.Close()
		conns[i] = c
	}
	var issued atomic.Int64
	lat := make([][]time.Duration, p.clients)
	errs := make([]error, p.clients)
	deadline := time.Now().Add(p.limit)
	srvCPU0, cliCPU0 := serverCPU(), cputime.Self()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			for issued.Add(1) <= int64(p.n) {
				t := time.Now()
				if t.After(deadline) {
					return
				}
				if err := p.do(c); err != nil {
					errs[i] = err
					return
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	srvCPU, cliCPU := serverCPU()-srvCPU0, cputime.Self()-cliCPU0
	if err := errors.Join(errs...); err != nil {
		return result{}, fmt.Errorf("%s: %w", p.name, err)
	}
	r := phaseResult{name: p.name, lat: lat, elapsed: elapsed, clients: p.clients, servers: len(addrs), srvCPU: srvCPU, cliCPU: cliCPU}
	if p.quiet {
		return result{}, nil
	}
	if len(slices.Concat(lat...)) == 0 {
		return result{}, fmt.Errorf("%s: no request finished in %v", p.name, p.limit)
	}
	return r.report(), nil
}

// phaseResult is what a phase measured.
type phaseResult struct {
	name           string
	lat            [][]time.Duration // per connection or goroutine
	elapsed        time.Duration
	clients        int
	servers        int // 0: no server process (a store-only baseline)
	srvCPU, cliCPU time.Duration
}

// result is a phase's throughput and server CPU per operation.
type result struct {
	rate   float64       // operations/s
	cpuOp  time.Duration // server (or store-only process) CPU per operation
	cliCPU time.Duration // load generator's CPU per operation
}

// report prints the phase's line and returns its figures.
func (r phaseResult) report() result {
	all := slices.Concat(r.lat...)
	slices.Sort(all)
	n := len(all)
	if n == 0 {
		return result{}
	}
	pct := func(q float64) time.Duration { return all[min(n-1, int(q*float64(n)))] }
	res := result{rate: float64(n) / r.elapsed.Seconds(), cpuOp: r.srvCPU / time.Duration(n), cliCPU: r.cliCPU / time.Duration(n)}
	where := fmt.Sprintf("%d connections to %d server(s)", r.clients, r.servers)
	cpu := fmt.Sprintf("server %.1f µs, client %.1f µs", us(res.cpuOp), us(res.cliCPU))
	if r.servers == 0 {
		where = fmt.Sprintf("%d goroutines, no HTTP", r.clients)
		cpu = fmt.Sprintf("process %.1f µs", us(res.cpuOp))
	}
	fmt.Printf("%s: %d in %.2f s, %s: %.0f/s, p50 %v, p99 %v; CPU per op: %s\n",
		r.name, n, r.elapsed.Seconds(), where, res.rate,
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), cpu)
	return res
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// ratio prints facesnap's figures against a baseline's of the same run.
func ratio(what string, got, base result) {
	fmt.Printf("%s: facesnap/baseline throughput %.2f; CPU per op %.1f µs against %.1f µs (%.2fx)\n",
		what, got.rate/base.rate, us(got.cpuOp), us(base.cpuOp), float64(got.cpuOp)/float64(base.cpuOp))
}

// conn is one keep-alive HTTP/1.1 connection.
type conn struct {
	net.Conn
	r      *bufio.Reader
	header http.Header // when not nil, roundTrip adds the answer's headers
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, r: bufio.NewReaderSize(c, 16<<10)}, nil
}

// request is the bytes of one request with the account's key.
func request(method, path, contentType string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s%s HTTP/1.1\r\nHost: bench\r\nOcp-Apim-Subscription-Key: %s\r\n", method, prefix, path, key)
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", contentType)
	}
	if body != nil || method != "GET" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// roundTrip writes req and reads the answer: status line, headers, and a
// body of Content-Length bytes (the server sends one on every answer).
func (c *conn) roundTrip(req []byte) (int, []byte, error) {
	if err := c.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return 0, nil, err
	}
	if _, err := c.Write(req); err != nil {
		return 0, nil, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(h) <= 2 {
			break
		}
		name, v, ok := bytes.Cut(h, []byte(":"))
		if ok && c.header != nil {
			c.header.Add(string(name), string(bytes.TrimSpace(v)))
		}
		if ok && strings.EqualFold(string(name), "Content-Length") {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return 0, nil, fmt.Errorf("bad Content-Length %q", v)
			}
		}
	}
	if length < 0 {
		return 0, nil, errors.New("answer without Content-Length")
	}
	body := make([]byte, length)
	_, err = io.ReadFull(c.r, body)
	return status, body, err
}

// start runs one node.
func start(bin, data, models, dbURL string) (*benchserver.Server, error) {
	if models == "" {
		models = filepath.Join(data, "no-models")
	}
	args := []string{"--data", data, "--models", models}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	return benchserver.Start(bin, key+"="+sub, args...)
}
