package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestOpenStore_UnknownURL(t *testing.T) {
	t.Parallel()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: env(nil)}
	err := m.Run(t.Context(), []string{"account", "list", "--db", "mysql://db/facesnap"})
	if code := ExitCode(err); code != exitUsage {
		t.Fatalf("exit code %d (%v), want %d", code, err, exitUsage)
	}
}

// TestAccountCommands_Postgres runs the account commands on PostgreSQL
// when FACESNAP_TEST_POSTGRES_URL names a database (see postgres/).
func TestAccountCommands_Postgres(t *testing.T) {
	t.Parallel()
	base := os.Getenv("FACESNAP_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("FACESNAP_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
	}
	ctx := context.WithoutCancel(t.Context()) // the cleanup needs it too
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "cli_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := u.String()

	// No --data: nothing may be written to the working directory.
	run(t, "account", "add", "--db", db, "--name", "acme")
	if out := run(t, "account", "list", "--db", db); !strings.Contains(out, "acme") {
		t.Errorf("account list printed:\n%s\nwant acme", out)
	}
	if _, err := os.Stat(defaultDataDir); err == nil {
		t.Errorf("%s was created although --db names PostgreSQL", defaultDataDir)
	}
}
