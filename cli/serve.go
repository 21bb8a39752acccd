package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"facesnap"
	"facesnap/accounts"
	"facesnap/collections"
	"facesnap/faceimage"
	"facesnap/httpapi"
	"facesnap/operations"
	"facesnap/recognition"
	"facesnap/snapshots"
)

type serveOptions struct {
	listen           string
	dataDir          string
	db               string
	snapshotStore    string
	allowPrivateURLs bool
	rateLimit        float64
	logLevel         string
	snapshotTTL      time.Duration
	quota            snapshotQuota
	workers          int
	operationLease   time.Duration
	searchMemoryMiB  int64
	searchIndex      string
	models           string
	limits           httpapi.Limits
	idleTimeout      time.Duration
	maxConnections   int
	storeKeys        storeKeyOptions
}

// defaultMaxImportBytes caps an import body. The largest legal snapshot
// is not a useful bound (a LargePersonGroup of 1,000,000 persons with 248
// faces each is ~130 GB at the 540 B a face measured in BENCHMARKS.md);
// 16 GiB holds a LargeFaceList at its 1,000,000 faces many times over and
// a LargePersonGroup of ~30 million faces. Raise it for larger.
const defaultMaxImportBytes = 16 << 30

// shutdownTimeout bounds how long in-flight requests may take to finish
// after SIGTERM.
const shutdownTimeout = 30 * time.Second

func (m *Main) serveCommand() *cobra.Command {
	var (
		o      serveOptions
		config string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the Face API under /face/v1.0",
		Long: `Serve the Face API under /face/v1.0.

--config FILE reads the flags from a TOML file whose keys are the flag
names, such as listen = "127.0.0.1:8080", workers = 4 or
snapshot-ttl = "72h"; flags given on the command line override it.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config != "" {
				if err := loadServeConfig(config, cmd.Flags()); err != nil {
					return err
				}
			}
			return m.serve(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&config, "config", "", "TOML file of serve's flags (keys: the flag names); flags override it")
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on; port 0 picks a free one")
	f.StringVar(&o.dataDir, "data", defaultDataDir, "data directory (database "+dbFile+")")
	f.StringVar(&o.db, "db", "", dbUsage)
	f.StringVar(&o.snapshotStore, "snapshot-store", "", "snapshot store shared by deployments: a directory, or s3://BUCKET?endpoint=URL&region=R (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); default DATA/snapshots")
	addStoreKeyFlags(f, &o.storeKeys)
	f.BoolVar(&o.allowPrivateURLs, "allow-private-urls", false, "let image URLs reach loopback and private addresses (tests, private deployments)")
	f.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second allowed to each account; 0 means no limit")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.DurationVar(&o.snapshotTTL, "snapshot-ttl", 48*time.Hour, "how long a snapshot lives after it is taken")
	f.IntVar(&o.workers, "workers", 2, "operations (take, apply, train) run at once; more stay queued")
	f.StringVar(&o.models, "models", "", modelsUsage)
	f.DurationVar(&o.operationLease, "operation-lease", 10*time.Second, "how long a killed server's running operation waits before another takes it over")
	f.StringVar(&o.searchIndex, "search-index", "auto", "auto (exact scan up to 50,000 faces, an inverted-file index above) or exact (always the exact scan: the benchmarks' baseline)")
	f.Int64Var(&o.searchMemoryMiB, "search-memory", 4096, "MiB of trained collections' search indexes a node keeps; past it the least recently searched are dropped and rebuilt from the store on their next search (0: no bound)")
	f.DurationVar(&o.limits.BodyGrace, "body-timeout", 30*time.Second, "how long a request body may take beyond what --body-min-rate allows; 0 means no limit")
	f.Int64Var(&o.limits.BodyMinRate, "body-min-rate", 32<<10, "bytes per second a request body must arrive at, on average, after --body-timeout")
	f.DurationVar(&o.idleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	f.IntVar(&o.maxConnections, "max-connections", 1024, "connections served at once; more wait to be accepted; 0 means no limit")
	f.IntVar(&o.limits.InFlightPerAccount, "max-in-flight-per-account", 64, "requests of one account served at once; more are answered 429; 0 means no limit")
	f.IntVar(&o.limits.AuthFailuresPerMinute, "auth-failures-per-minute", 30, "failed authentications allowed per client address (IPv6: per /64) a minute; past it 429; 0 means no limit")
	f.Int64Var(&o.limits.MaxImportBytes, "max-import-bytes", defaultMaxImportBytes, "largest snapshot import body, in bytes; 0 means no limit")
	f.IntVar(&o.quota.snapshots, "max-snapshots-per-account", 100, "snapshots one account may hold (taken, imported or being taken) until they expire; past it 403 QuotaExceeded; 0 means no limit")
	f.IntVar(&o.quota.takes, "max-takes-per-day", 100, "takes and imports one account may start in 24 h, as on the service's S0 tier; 0 means no limit")
	f.IntVar(&o.quota.applies, "max-applies-per-day", 100, "applies one account may start in 24 h, as on the service's S0 tier; 0 means no limit")
	return cmd
}

func (m *Main) serve(ctx context.Context, o serveOptions) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return usageErrorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	if o.rateLimit < 0 {
		return usageErrorf("--rate-limit must not be negative")
	}
	if o.snapshotStore == "" {
		o.snapshotStore = filepath.Join(o.dataDir, "snapshots")
	}
	log := slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: level}))

	db, err := openStore(ctx, o.db, o.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()

	secret, err := m.keySecret()
	if err != nil {
		return err
	}
	if secret == nil {
		log.Info("keys are stored as SHA-256 hashes; set " + envKeySecret + " to key them with a secret the database does not hold")
	}
	acc := &accounts.Service{Store: db, Secret: secret, Log: log.With("component", "accounts")}
	if err := acc.Provision(ctx, m.Getenv("FACESNAP_ACCOUNTS")); err != nil {
		return err
	}
	if list, err := acc.List(ctx); err != nil {
		return err
	} else if len(list) == 0 {
		where := "--data " + o.dataDir
		if o.db != "" {
			where = "--db URL" // not the URL itself: it may hold a password
		}
		fmt.Fprintf(m.Stderr, "facesnap: no account yet; create one and get its key with:\n  %s account add %s\n", selfCommand(), where)
	}

	eng, err := loadEngine(m.modelsDir(o.models), log)
	if err != nil {
		return fmt.Errorf("--models: %w", err)
	}

	blobs, err := m.openSnapshotStore(ctx, o.snapshotStore, o.storeKeys, log)
	if err != nil {
		return fmt.Errorf("snapshot store: %w", err)
	}
	runner := operations.NewRunner(db, operations.RunnerConfig{
		Concurrency: o.workers,
		Lease:       o.operationLease,
		Logger:      log.With("component", "operations"),
	})
	unreadable := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "facesnap_snapshot_store_unreadable_total",
		Help: "Snapshot store entries that a listing or purge skipped because their meta could not be read or decoded.",
	})
	snaps := &snapshots.Service{Store: db, Blobs: blobs, Notifier: runner, TTL: o.snapshotTTL,
		Log: log.With("component", "snapshots"), Unreadable: unreadable,
		MaxSnapshots: o.quota.snapshots, MaxTakesPerDay: o.quota.takes, MaxAppliesPerDay: o.quota.applies}
	coll := &collections.Service{
		Store:    db,
		Fetcher:  faceimage.NewFetcher(faceimage.FetcherOptions{AllowPrivate: o.allowPrivateURLs}),
		Notifier: runner,
		Engine:   eng,
	}
	recog := &recognition.Service{Store: db, Logger: log.With("component", "recognition"), MemoryBudget: o.searchMemoryMiB << 20}
	switch o.searchIndex {
	case "auto":
	case "exact":
		recog.NewIndex = recognition.NewExactBuilder
	default:
		return usageErrorf("--search-index: %q is not auto or exact", o.searchIndex)
	}
	if err := registerWorkers(runner, recog, snaps); err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "facesnap_search_index_bytes",
			Help: "Memory held by the trained collections' search indexes and their id tables on this node."},
			func() float64 { return float64(recog.MemoryBytes()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "facesnap_search_index_faces",
			Help: "Faces held by the trained collections' search indexes on this node."},
			func() float64 { return float64(recog.Faces()) }),
		unreadable)
	var ready atomic.Bool
	api := httpapi.New(httpapi.Config{
		Accounts:    acc,
		Collections: coll,
		Recognition: recog,
		Snapshots:   snaps,
		Operations:  &operations.Service{Store: db},
		Logger:      log,
		Registry:    reg,
		RateLimit:   o.rateLimit,
		Ready:       ready.Load,
		Limits:      o.limits,
	})

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	ln = httpapi.LimitListener(ln, o.maxConnections)
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       o.idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	// The runner stops after the server: requests in flight may still
	// enqueue work, which the next start picks up anyway.
	runCtx, stopRunner := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	// On PostgreSQL an enqueue also wakes the other nodes' runners (wake.go).
	snaps.Notifier = wakeAcrossNodes(runCtx, &wg, db, runner, log.With("component", "operations"))
	coll.Notifier = snaps.Notifier
	wg.Go(func() {
		if err := runner.Run(runCtx); err != nil {
			log.Error("operations runner stopped", "err", err)
		}
	})
	wg.Go(func() {
		snaps.RunPurger(runCtx, snapshotPurgeInterval(o.snapshotTTL), log.With("component", "snapshots"))
	})
	wg.Go(func() {
		coll.RunDetectedFacePurger(runCtx, detectedFacePurgeInterval, log.With("component", "detect"))
	})
	defer func() {
		stopRunner()
		wg.Wait()
	}()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	ready.Store(true)
	// The one line on stdout: scripts and the SDK tests parse it.
	fmt.Fprintf(m.Stdout, "facesnap listening on http://%s\n", ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "data", o.dataDir)

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	ready.Store(false)
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// registerWorkers registers a worker for every operation kind.
func registerWorkers(r *operations.Runner, recog *recognition.Service, snaps *snapshots.Service) error {
	return errors.Join(
		r.Register(facesnap.OperationTrain, recog.TrainWorker()),
		r.Register(facesnap.OperationSnapshotTake, snapshots.TakeWorker{Service: snaps}),
		r.Register(facesnap.OperationSnapshotApply, snapshots.ApplyWorker{Service: snaps}),
	)
}

// snapshotPurgeInterval looks for expired snapshots often enough that
// one outlives its TTL by at most a tenth of it (and by at most an hour).
func snapshotPurgeInterval(ttl time.Duration) time.Duration {
	return min(max(ttl/10, time.Second), time.Hour)
}

// selfCommand is how the user can run this binary again: "go run
// ./cmd/facesnap" for a binary that go run built (it lives in a go-build
// temporary directory and is gone afterwards), else "facesnap" when that
// is this binary on the PATH, else the path it was started by.
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil {
		return "facesnap"
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run ./cmd/facesnap"
	}
	if onPath, err := exec.LookPath("facesnap"); err == nil {
		if a, err := filepath.EvalSymlinks(onPath); err == nil {
			if b, err := filepath.EvalSymlinks(exe); err == nil && a == b {
				return "facesnap"
			}
		}
	}
	return os.Args[0]
}

// snapshotQuota is serve's per-account snapshot limits (snapshots.Service).
type snapshotQuota struct{ snapshots, takes, applies int }
