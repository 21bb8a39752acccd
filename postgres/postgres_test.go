package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"facesnap"
	"facesnap/postgres"
	"facesnap/storetest"
)

// urlEnv names the database the tests use, for example
// postgres://postgres@127.0.0.1:5432/facesnap_test?sslmode=disable. Each
// test works in a schema of its own there, dropped when it ends.
const urlEnv = "FACESNAP_TEST_POSTGRES_URL"

// testURL returns a URL whose search_path is a new, empty schema, or
// skips the test when urlEnv is not set.
func testURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(urlEnv)
	if base == "" {
		t.Skipf("%s is not set: no PostgreSQL to test against", urlEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", urlEnv, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)

	ctx := context.WithoutCancel(t.Context())
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", urlEnv, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	// Registered before the stores' cleanups, so it runs after them.
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, url string, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	testURL(t) // skips the whole suite at once when there is no database
	storetest.Exercise(t, func(t *testing.T) facesnap.Store {
		return open(t, testURL(t), postgres.WithMaxConns(4))
	})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	t.Run("Reopen", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		url := testURL(t)
		db := open(t, url)
		a := facesnap.Account{Name: "acme", SubscriptionID: "s", ResourceGroup: "rg"}
		c := facesnap.Collection{CollectionRef: facesnap.CollectionRef{Account: "acme", Kind: facesnap.KindLargeFaceList, ID: "list"}}
		f := facesnap.Face{ID: "f", Feature: []float32{1, 2, 3}}
		must(t, db.AccountCreate(ctx, a))
		must(t, db.CollectionCreate(ctx, facesnap.CollectionCreateParams{Collection: c}))
		must(t, db.FaceAdd(ctx, facesnap.FaceAddParams{Ref: c.CollectionRef, Face: f}))
		must(t, db.Close())

		// Reopening runs no migration twice and finds everything.
		db = open(t, url)
		got, err := db.FaceGet(ctx, c.CollectionRef, "", "f")
		must(t, err)
		if got.Seq != 1 || len(got.Feature) != 3 || got.Feature[2] != 3 {
			t.Fatalf("face after reopen: %+v", got)
		}
	})
	t.Run("BadURL", func(t *testing.T) {
		t.Parallel()
		if _, err := postgres.Open(t.Context(), "postgres://%zz"); err == nil {
			t.Error("Open of a malformed URL succeeded")
		}
	})
	t.Run("PoolTooSmall", func(t *testing.T) {
		t.Parallel()
		if _, err := postgres.Open(t.Context(), testURL(t), postgres.WithMaxConns(1)); err == nil {
			t.Error("Open with a pool of one connection succeeded")
		}
	})
	t.Run("NoSchema", func(t *testing.T) {
		t.Parallel()
		u, err := url.Parse(testURL(t))
		must(t, err)
		q := u.Query()
		q.Set("search_path", "no_such_schema")
		u.RawQuery = q.Encode()
		if _, err := postgres.Open(t.Context(), u.String()); err == nil {
			t.Error("Open with a missing schema succeeded")
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
