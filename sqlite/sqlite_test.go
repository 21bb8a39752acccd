package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"facesnap"
	"facesnap/sqlite"
	"facesnap/storetest"
)

func open(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) facesnap.Store {
		db := open(t, filepath.Join(t.TempDir(), "facesnap.db"))
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Error(err)
			}
		})
		return db
	})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	t.Run("Reopen", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), "facesnap.db")
		db := open(t, path)
		a := facesnap.Account{Name: "acme", SubscriptionID: "s", ResourceGroup: "rg"}
		c := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}}
		f := facesnap.Face{ID: "f", Feature: []float32{1, 2, 3}}
		must(t, db.AccountCreate(ctx, a))
		must(t, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: c}))
		must(t, db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: f}))
		must(t, db.Close())

		// Reopening runs no migration twice and finds everything.
		db = open(t, path)
		defer db.Close()
		got, err := db.FaceGet(ctx, c.CollectionRef, "", "f")
		must(t, err)
		if got.Seq != 1 || len(got.Feature) != 3 || got.Feature[2] != 3 {
			t.Fatalf("face after reopen: %+v", got)
		}
	})
	t.Run("BadPath", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"", ":memory:", "x.db?mode=ro"} {
			if _, err := sqlite.Open(t.Context(), path); err == nil {
				t.Errorf("Open(%q) succeeded", path)
			}
		}
	})
}

// killEnv makes the test binary the child of TestKill: it writes
// persons to the database the variable names, printing "ack N" after each
// commit, until it is killed.
const killEnv = "FACESNAP_SQLITE_KILL_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(killEnv); path != "" {
		os.Exit(killChild(path))
	}
	os.Exit(m.Run())
}

var killRef = facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindPersonGroup, ID: "group"}

func killChild(path string) int {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for n := 0; ; n++ {
		p := facesnap.Person{ID: fmt.Sprintf("person-%06d", n)}
		if err := db.PersonCreate(ctx, facesnap.PersonCreateParams{Ref: killRef, Person: p}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("ack %d\n", n)
	}
}

// TestKill checks that every write acknowledged before a SIGKILL is there
// after it: the child writes, the parent kills it after enough acks.
func TestKill(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facesnap.db")
	db := open(t, path)
	must(t, db.AccountCreate(ctx, facesnap.Account{Name: killRef.Account}))
	must(t, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: facesnap.Collection{CollectionRef: killRef}}))
	must(t, db.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	last := -1
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "ack "))
		must(t, err)
		last = n
		if n == 500 {
			must(t, cmd.Process.Signal(syscall.SIGKILL))
			break
		}
	}
	// Acks the child printed before the signal landed count too.
	for lines.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "ack "))
		must(t, err)
		last = n
	}
	if err := cmd.Wait(); err == nil || cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}
	if last < 500 {
		t.Fatalf("child stopped after ack %d", last)
	}

	db = open(t, path)
	defer db.Close()
	persons, err := db.PersonList(ctx, facesnap.PersonListParams{Ref: killRef})
	must(t, err)
	if len(persons) < last+1 {
		t.Fatalf("%d persons after the kill, %d were acknowledged", len(persons), last+1)
	}
	for n := 0; n <= last; n++ {
		if want := fmt.Sprintf("person-%06d", n); persons[n].ID != want {
			t.Fatalf("person %d is %s, want %s", n, persons[n].ID, want)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
