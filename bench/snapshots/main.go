// Command snapshots measures snapshot take and apply on real server
// processes: it builds a LargePersonGroup directly in a source deployment's
// store, starts two `facesnap serve` processes (source and target regions
// sharing one snapshot store), times a take in the first and an apply in
// the second through the HTTP API, and reads each server's peak RSS
// (VmHWM) from /proc.
//
//	go run ./bench/snapshots -persons 100000 -faces 10
//
// With -db postgres://… each region is a schema of its own in that
// database (created for the run, dropped after) and the source is built
// through the PostgreSQL store; -store s3://BUCKET?endpoint=…&region=…
// (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) puts the shared
// snapshot store in a bucket:
//
//	go run ./bench/snapshots -persons 100000 -faces 10 -db "$FACESNAP_TEST_POSTGRES_URL" -store "$FACESNAP_TEST_S3_URL"
//
// Unless -baseline=false, the take and the apply are followed by their
// baselines, each in a child process (this program again) measured for
// wall time, CPU and its own peak RSS, and the ratios are printed: the
// store's dump through the snapfile encoder into a local file (a take
// without HTTP, operation or snapshot store); the snapshot file's read
// and verify alone; and the store's bulk load of the file's records into
// a fresh store of the same kind, -bulk-batch records a call (an apply
// without HTTP, operation or the apply's batch limit). The apply
// baselines need a directory snapshot store (no -store s3://…).
//
// See BENCHMARKS.md for figures.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"facesnap"
	"facesnap/bench/internal/benchdb"
	"facesnap/bench/internal/benchgroup"
	"facesnap/bench/internal/benchserver"
	"facesnap/postgres"
	"facesnap/sqlite"
)

// modelsDir is -models.
var modelsDir string

// dbBase and storeURL are -db and -store.
var dbBase, storeURL string

// withBaselines and bulkBatch are -baseline and -bulk-batch.
var (
	withBaselines bool
	bulkBatch     int
)

const (
	keyA  = "benchkeysource000000000000000000"
	keyB  = "benchkeytarget000000000000000000"
	subA  = "11111111-1111-1111-1111-111111111111"
	subB  = "22222222-2222-2222-2222-222222222222"
	group = "bench"
)

func main() {
	persons := flag.Int("persons", 10000, "persons in the LargePersonGroup")
	faces := flag.Int("faces", 10, "faces per person")
	bin := flag.String("bin", "", "facesnap binary (default: build it)")
	dir := flag.String("dir", "", "work directory (default: a temporary one, removed after)")
	flag.StringVar(&modelsDir, "models", "", "face engine weights for the servers (default: none, so the servers start without the engine, whose weights take no part in take and apply but add to RSS)")
	flag.StringVar(&dbBase, "db", "", "PostgreSQL database (postgres://…) for both regions, each in a schema of its own; default: SQLite in each region's data directory")
	flag.StringVar(&storeURL, "store", "", "snapshot store shared by the regions: a directory or s3://BUCKET?endpoint=…&region=…; default: a directory in the work directory")
	flag.BoolVar(&withBaselines, "baseline", true, "after the take and the apply, run their baselines in the same run: the snapshot file's read and verify alone, the store's bulk load of its records, the store's dump to a local file")
	flag.IntVar(&bulkBatch, "bulk-batch", 100000, "records per CollectionLoad call in the bulk-load baseline")
	flag.Parse()
	if len(os.Args) > 1 && os.Args[1] == baselineArg {
		if err := runBaselineStep(context.Background(), os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "snapshots baseline:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), *persons, *faces, *bin, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "snapshots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, persons, faces int, bin, dir string) error {
	dir, bin, cleanup, err := benchserver.Workspace(dir, bin, "facesnap-bench-")
	if err != nil {
		return err
	}
	defer cleanup()
	dataA, dataB, store := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "store")
	if storeURL != "" {
		store = storeURL
	}
	var dbA, dbB string // the regions' --db; empty: SQLite
	if dbBase != "" {
		if !benchdb.IsPostgres(dbBase) {
			return fmt.Errorf("-db: want a postgres:// URL")
		}
		var dropA, dropB func()
		var err error
		if dbA, dropA, err = benchdb.Schema(ctx, dbBase, "bench_snap_source"); err != nil {
			return err
		}
		defer dropA()
		if dbB, dropB, err = benchdb.Schema(ctx, dbBase, "bench_snap_target"); err != nil {
			return err
		}
		defer dropB()
	}
	for _, d := range []string{dataA, dataB, filepath.Join(dir, "store")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	t0 := time.Now()
	account, err := populate(ctx, bin, dataA, dbA, persons, faces)
	if err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	fmt.Printf("built %d persons x %d faces in %v\n", persons, faces, time.Since(t0).Round(time.Millisecond))

	a, err := start(bin, dataA, dbA, store, keyA+"="+subA)
	if err != nil {
		return err
	}
	defer a.Stop()
	b, err := start(bin, dataB, dbB, store, keyB+"="+subB)
	if err != nil {
		return err
	}
	defer b.Stop()

	body := fmt.Sprintf(`{"type":"LargePersonGroup","objectId":%q,"applyScope":[%q]}`, group, subB)
	cpuA := benchserver.CPU(a.Pid)
	takeTime, loc, err := operate(ctx, a.Endpoint, keyA, "/snapshots", body)
	if err != nil {
		return fmt.Errorf("take: %w", err)
	}
	cpuA = benchserver.CPU(a.Pid) - cpuA
	snapID := strings.TrimPrefix(loc, "/snapshots/")
	cpuB := benchserver.CPU(b.Pid)
	applyTime, _, err := operate(ctx, b.Endpoint, keyB, "/snapshots/"+snapID+"/apply", `{"objectId":"applied"}`)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	cpuB = benchserver.CPU(b.Pid) - cpuB
	rssA, rssB := benchserver.PeakRSS(a.Pid), benchserver.PeakRSS(b.Pid)
	size := "n/a" // an S3 store's object is not looked at
	if fi, err := os.Stat(filepath.Join(store, "snapshots", snapID, "data")); err == nil {
		size = fmt.Sprintf("%.1f MiB", float64(fi.Size())/(1<<20))
	}
	// CPU is the server process's user+system time over the operation
	// (polls included, a few ms): on a shared machine it moves much less
	// than wall time.
	fmt.Printf("| persons | faces | snapshot size | take | take CPU | take peak RSS | apply | apply CPU | apply peak RSS |\n")
	fmt.Printf("| %d | %d | %s | %.2f s | %.2f s | %.0f MiB | %.2f s | %.2f s | %.0f MiB |\n",
		persons, persons*faces, size, takeTime.Seconds(), cpuA.Seconds(), rssA,
		applyTime.Seconds(), cpuB.Seconds(), rssB)
	if !withBaselines {
		return nil
	}
	a.Stop()
	b.Stop() // the servers sit idle, but the baselines get the machine alone
	return baselines(filepath.Join(store, "snapshots", snapID, "data"), dir, dataA, dbA, account,
		figure{wall: takeTime, cpu: cpuA, rssMiB: rssA}, figure{wall: applyTime, cpu: cpuB, rssMiB: rssB})
}

// baselines runs the take's and the apply's baselines and prints them
// beside the server's figures, with the ratios.
func baselines(file, dir, dataA, dbA, account string, take, apply figure) error {
	source, target := filepath.Join(dataA, "facesnap.db"), filepath.Join(dir, "bulk")
	if dbA != "" {
		source, target = dbA, dbBase
	}
	dump, err := baseline(stepDump, source, account, filepath.Join(dir, "dump.snap"))
	if err != nil {
		return err
	}
	fmt.Printf("take:  %v\ndump baseline (store dump + snapfile write + fsync, no HTTP): %v\n", take, dump)
	fmt.Printf("take / dump: wall %.2fx, CPU %.2fx\n", ratio(take.wall, dump.wall), ratio(take.cpu, dump.cpu))
	if _, err := os.Stat(file); err != nil {
		fmt.Println("apply baselines skipped: they read the snapshot file from a directory snapshot store")
		return nil
	}
	read, err := baseline(stepRead, file)
	if err != nil {
		return err
	}
	load, err := baseline(stepLoad, file, target, strconv.Itoa(bulkBatch))
	if err != nil {
		return err
	}
	fmt.Printf("apply: %v\nread baseline (snapfile read + verify): %v\nbulk-load baseline (read + CollectionLoad of %d records a call + publish): %v\n",
		apply, read, bulkBatch, load)
	fmt.Printf("apply / bulk load: wall %.2fx, CPU %.2fx; apply / read: wall %.2fx\n",
		ratio(apply.wall, load.wall), ratio(apply.cpu, load.cpu), ratio(apply.wall, read.wall))
	return nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// populate creates the account and a LargePersonGroup of synthetic persons
// and faces (128-float features, userData) through the store's bulk path:
// the SQLite database in data, or the PostgreSQL one at dbURL.
func populate(ctx context.Context, bin, data, dbURL string, persons, faces int) (string, error) {
	// The account is created by the server itself from FACESNAP_ACCOUNTS:
	// start and stop it once so its name is the one the server derives.
	s, err := start(bin, data, dbURL, filepath.Join(data, "unused-store"), keyA+"="+subA)
	if err != nil {
		return "", err
	}
	s.Stop()
	var db facesnap.Store
	if dbURL != "" {
		db, err = postgres.Open(ctx, dbURL)
	} else {
		db, err = sqlite.Open(ctx, filepath.Join(data, "facesnap.db"))
	}
	if err != nil {
		return "", err
	}
	defer db.Close()
	accts, err := db.AccountList(ctx)
	if err != nil || len(accts) != 1 {
		return "", fmt.Errorf("want one account, got %d (%v)", len(accts), err)
	}
	ref := facesnap.CollectionRef{Account: accts[0].Name, Kind: facesnap.KindLargePersonGroup, ID: group}
	rng := rand.New(rand.NewPCG(1, 2))
	_, err = benchgroup.Load(ctx, db, ref, persons, faces, true, func(int, int) (facesnap.Rect, []float32) {
		return facesnap.Rect{Left: rng.IntN(500), Top: rng.IntN(500), Width: 100 + rng.IntN(100), Height: 100 + rng.IntN(100)}, feature(rng)
	})
	return ref.Account, err
}

// feature is a unit-length 128-float descriptor, as a face engine makes.
func feature(rng *rand.Rand) []float32 {
	f := make([]float32, 128)
	var norm float64
	for i := range f {
		v := rng.NormFloat64()
		f[i] = float32(v)
		norm += v * v
	}
	n := float32(1 / math.Sqrt(norm))
	for i := range f {
		f[i] *= n
	}
	return f
}

// start runs a server of one region.
func start(bin, data, dbURL, store, accounts string) (*benchserver.Server, error) {
	models := modelsDir
	if models == "" {
		models = filepath.Join(data, "no-models")
	}
	args := []string{"--data", data, "--snapshot-store", store, "--models", models}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	return benchserver.Start(bin, accounts, args...)
}

// operate POSTs a take or apply and polls the operation until it ends. The
// time runs from the request to the first poll that sees it finished
// (polls every 100 ms).
func operate(ctx context.Context, endpoint, key, path, body string) (time.Duration, string, error) {
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/face/v1.0"+path, strings.NewReader(body))
	req.Header.Set("Ocp-Apim-Subscription-Key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return 0, "", fmt.Errorf("status %s", resp.Status)
	}
	opPath := resp.Header.Get("Operation-Location")
	for i := 0; i < 36000; i++ { // an hour at most
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/face/v1.0"+opPath, nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		var st struct {
			Status, ResourceLocation, Message string
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return 0, "", err
		}
		switch st.Status {
		case "succeeded":
			return time.Since(start), st.ResourceLocation, nil
		case "failed":
			return 0, "", fmt.Errorf("operation failed: %s", st.Message)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, "", errors.New("operation did not finish in an hour")
}
