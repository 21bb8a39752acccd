package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/bench/internal/benchdb"
	"facesnap/bench/internal/benchserver"
	"facesnap/internal/cputime"
)

// baselineArg, as the first argument, makes this program the GET
// baseline server instead of the benchmark: see serveBaseline.
const baselineArg = "baseline-http"

// answer is one response facesnap gave, as the baseline replays it.
type answer struct {
	Header http.Header
	Body   []byte
}

// captureAnswers asks facesnap for each person once and keeps what it
// answered (headers but Date, which net/http writes itself, and body).
func captureAnswers(addr string, ids []string, reqs [][]byte) (map[string]answer, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	out := make(map[string]answer, len(ids))
	for i, id := range ids {
		c.header = http.Header{}
		status, body, err := c.roundTrip(reqs[i])
		if err := expect(status, err, 200); err != nil {
			return nil, fmt.Errorf("capture GET person: %w", err)
		}
		c.header.Del("Date")
		out[id] = answer{Header: c.header, Body: body}
	}
	return out, nil
}

// startBaseline runs this program again as the GET baseline server,
// replaying answers: a separate process, so that its CPU is counted as
// the server's is.
func startBaseline(dir string, answers map[string]answer) (*benchserver.Server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "baseline-answers.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	return benchserver.StartCommand(exec.Command(self, baselineArg, file))
}

// serveBaseline is the least a server can do for GET person: net/http,
// the same route and key header, and facesnap's answer bytes from memory
// (no store, no account lookup, no JSON encoding, no logs or metrics).
func serveBaseline(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var answers map[string]answer
	if err := json.Unmarshal(b, &answers); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/persongroups/{group}/persons/{person}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Ocp-Apim-Subscription-Key") != key {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		a, ok := answers[r.PathValue("person")]
		if !ok || r.PathValue("group") != "bench" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range a.Header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(a.Body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("facesnap listening on http://%s\n", ln.Addr())
	return (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

// storeEnrol is the enrolment baseline: the store calls one enrolment
// makes (PersonCreate; then AddFace's PersonGet and FaceAdd), with the
// same parameters, from o.eclients goroutines, in a fresh store of the
// same kind as the server's, with no HTTP in between. CPU is this
// process's, which does nothing else meanwhile.
func storeEnrol(ctx context.Context, o options) (result, error) {
	target := o.db // run has refused a -db that is not postgres://
	if target == "" {
		target = filepath.Join(o.dir, "store-baseline")
	}
	db, done, err := benchdb.Fresh(ctx, target, "bench_api_store")
	if err != nil {
		return result{}, err
	}
	defer done()
	acct := facesnap.Account{Name: "bench", SubscriptionID: sub}
	if err := db.AccountCreate(ctx, acct); err != nil {
		return result{}, err
	}
	ref := facesnap.CollectionRef{Account: acct.Name, Kind: facesnap.KindPersonGroup, ID: "enrol"}
	if err := db.CollectionCreate(ctx, facesnap.CollectionCreateParams{
		Collection: facesnap.Collection{CollectionRef: ref, Name: "enrolment",
			RecognitionModel: facesnap.DefaultRecognitionModel, CreatedAt: time.Now().UTC()},
		MaxPerAccount: facesnap.KindPersonGroup.MaxPerAccount(),
	}); err != nil {
		return result{}, err
	}
	var issued atomic.Int64
	lat := make([][]time.Duration, o.eclients)
	errs := make([]error, o.eclients)
	cpu0, start := cputime.Self(), time.Now()
	var wg sync.WaitGroup
	for i := range o.eclients {
		wg.Go(func() {
			for n := issued.Add(1); n <= int64(o.enrol); n = issued.Add(1) {
				t := time.Now()
				if err := enrolStore(ctx, db, ref, n); err != nil {
					errs[i] = err
					return
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cputime.Self()-cpu0
	if err := errors.Join(errs...); err != nil {
		return result{}, fmt.Errorf("store-only enrolment: %w", err)
	}
	return phaseResult{name: "enrolment, store only", lat: lat, elapsed: elapsed, clients: o.eclients, srvCPU: cpu}.report(), nil
}

// enrolStore is one enrolment's store calls, as collections.Service makes
// them for POST persons and POST persistedfaces with targetFace.
func enrolStore(ctx context.Context, db facesnap.Store, ref facesnap.CollectionRef, n int64) error {
	p := facesnap.Person{ID: uuid.NewString(), Name: fmt.Sprintf("person %d", n), UserData: "enrolled by bench/api", FaceIDs: []string{}}
	if err := db.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: ref, Person: p, MaxPersons: facesnap.MaxPersonsPerGroup}); err != nil {
		return err
	}
	if _, err := db.PersonGet(ctx, ref, p.ID); err != nil {
		return err
	}
	return db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: ref, MaxFaces: facesnap.MaxFacesPerPerson, Face: facesnap.Face{
		ID: uuid.NewString(), PersonID: p.ID, UserData: "camera=front",
		Rect:           facesnap.Rect{Left: 8, Top: 8, Width: 48, Height: 48},
		DetectionModel: facesnap.DefaultDetectionModel, CreatedAt: time.Now().UTC(),
	}})
}
