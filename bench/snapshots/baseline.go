package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"facesnap"
	"facesnap/bench/internal/benchdb"
	"facesnap/bench/internal/benchserver"
	"facesnap/postgres"
	"facesnap/snapfile"
	"facesnap/sqlite"
)

// baselineArg, as the first argument, makes this program run one baseline
// step (see runBaselineStep) instead of the benchmark.
const baselineArg = "baseline-step"

// The baseline steps, each in a process of its own so that its CPU and
// peak RSS are its own:
const (
	// stepRead reads and verifies a snapshot file, records decoded as an
	// apply decodes them: the least an apply must do with the file.
	stepRead = "read"
	// stepLoad is stepRead plus the store's bulk load of the records into
	// a fresh store of the same kind (same schema), in batches of
	// -bulk-batch records, then publish: no HTTP, no operation, no lease.
	stepLoad = "load"
	// stepDump is the store's dump of the source collection written
	// through the snapfile encoder to a local file, synced: a take
	// without HTTP, operation or snapshot store.
	stepDump = "dump"
)

// figure is what one run of a step cost.
type figure struct {
	wall, cpu time.Duration
	rssMiB    float64
}

func (f figure) String() string {
	return fmt.Sprintf("%.2f s, CPU %.2f s, peak RSS %.0f MiB", f.wall.Seconds(), f.cpu.Seconds(), f.rssMiB)
}

// baseline runs a step in a child process (this program again) and
// measures it from the outside, as the servers are measured.
func baseline(step string, args ...string) (figure, error) {
	self, err := os.Executable()
	if err != nil {
		return figure{}, err
	}
	cmd := exec.Command(self, append([]string{baselineArg, step}, args...)...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		return figure{}, fmt.Errorf("baseline %s: %w", step, err)
	}
	f := figure{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	// Not the child's rusage: Linux carries the parent's high-water mark
	// over fork and exec into it. The child reads its own VmHWM.
	if _, err := fmt.Sscanf(string(out), "peak-rss-mib %g", &f.rssMiB); err != nil {
		return figure{}, fmt.Errorf("baseline %s: no peak RSS in %q", step, out)
	}
	return f, nil
}

// runBaselineStep is the child's side: args are the step and its
// arguments. Once done it prints its peak RSS.
func runBaselineStep(ctx context.Context, args []string) error {
	if err := baselineStep(ctx, args); err != nil {
		return err
	}
	fmt.Printf("peak-rss-mib %g\n", benchserver.PeakRSS(os.Getpid()))
	return nil
}

func baselineStep(ctx context.Context, args []string) error {
	switch {
	case len(args) == 2 && args[0] == stepRead:
		return readStep(args[1])
	case len(args) == 4 && args[0] == stepLoad:
		batch, err := strconv.Atoi(args[3])
		if err != nil || batch < 1 {
			return fmt.Errorf("load: bad batch %q", args[3])
		}
		return loadStep(ctx, args[1], args[2], batch)
	case len(args) == 4 && args[0] == stepDump:
		return dumpStep(ctx, args[1], args[2], args[3])
	}
	return fmt.Errorf("baseline step: bad arguments %q", args)
}

func readStep(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, _, err = snapfile.Verify(f)
	return err
}

// loadStep loads the snapshot file into a fresh store: SQLite in the
// directory target, or a schema of its own in the PostgreSQL database
// target names.
func loadStep(ctx context.Context, file, target string, batchSize int) error {
	db, done, err := benchdb.Fresh(ctx, target, "bench_snap_load")
	if err != nil {
		return err
	}
	defer done()
	acct := facesnap.Account{Name: "bench-load", SubscriptionID: subB}
	if err := db.AccountCreate(ctx, acct); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := snapfile.NewReader(f)
	if err != nil {
		return err
	}
	defer r.Close()
	c, training, _ := r.Collection()
	c.CollectionRef = facesnap.CollectionRef{Account: acct.Name, Kind: c.Kind, ID: "loaded"}
	owner := "bench-load"
	if err := db.CollectionReserve(ctx, facesnap.CollectionReserveParams{Collection: c, Owner: owner}); err != nil {
		return err
	}
	batch := facesnap.CollectionLoadParams{Ref: c.CollectionRef, Owner: owner}
	for {
		rec, err := r.Next()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if rec.Person != nil {
			batch.Persons = append(batch.Persons, *rec.Person)
		} else if rec.Face != nil {
			batch.Faces = append(batch.Faces, *rec.Face)
		}
		if n := len(batch.Persons) + len(batch.Faces); n >= batchSize || (err != nil && n > 0) {
			if err := db.CollectionLoad(ctx, batch); err != nil {
				return err
			}
			batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		}
		if err != nil {
			break
		}
	}
	return db.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: c.CollectionRef, Owner: owner, Training: training})
}

// dumpStep dumps the collection of the store at source (a SQLite file or
// a postgres:// URL) to file through the snapfile encoder, and syncs it.
func dumpStep(ctx context.Context, source, account, file string) error {
	var db facesnap.Store
	var err error
	if benchdb.IsPostgres(source) {
		db, err = postgres.Open(ctx, source)
	} else {
		db, err = sqlite.Open(ctx, source)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := snapfile.NewWriter(bw)
	ref := facesnap.CollectionRef{Account: account, Kind: facesnap.KindLargePersonGroup, ID: group}
	if err := db.CollectionDump(ctx, ref, w); err != nil {
		return err
	}
	if _, err := w.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Sync()
}
