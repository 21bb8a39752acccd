package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"facesnap/blob/s3"
	"facesnap/client"
)

// s3StoreURL returns a URL under a fresh prefix of the test bucket
// FACESNAP_TEST_S3_URL names (scripts/start-s3 starts one), or skips.
func s3StoreURL(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("FACESNAP_TEST_S3_URL")
	if raw == "" {
		t.Skip("FACESNAP_TEST_S3_URL is not set: start an S3-compatible server with `eval \"$(scripts/start-s3)\"`")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("FACESNAP_TEST_S3_URL: %v", err)
	}
	var r [6]byte
	rand.Read(r[:])
	u.Path = strings.TrimSuffix(u.Path, "/") + "/facesnap-test/cli-" + hex.EncodeToString(r[:])
	return u.String()
}

// startS3Server is startServer for a server whose --snapshot-store is an
// s3:// URL: it passes on the AWS keys, which startServer's environment
// leaves out.
func startS3Server(t *testing.T, accounts, store string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), cliBin, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--snapshot-store", store)
	cmd.Env = []string{
		"FACESNAP_ACCOUNTS=" + accounts,
		"AWS_ACCESS_KEY_ID=" + os.Getenv("AWS_ACCESS_KEY_ID"),
		"AWS_SECRET_ACCESS_KEY=" + os.Getenv("AWS_SECRET_ACCESS_KEY"),
	}
	endpoint, _ := runServer(t, cmd)
	return endpoint
}

// Two regions, each with its own database, share one S3 bucket: a
// collection taken in one is applied in the other, and the snapshot the
// migration deletes is gone from the bucket.
func TestCLI_MigrateRegionsS3(t *testing.T) {
	t.Parallel()
	store := s3StoreURL(t)
	west := startS3Server(t, keyA+"="+subA, store)
	east := startS3Server(t, keyB+"="+subB, store)
	want := seedPersons(t, faceEnv(west, keyA), "LargePersonGroup", "team")

	r := cli(t, nil, "migrate", "--from-endpoint", west, "--from-key", keyA,
		"--to-endpoint", east, "--to-key", keyB, "--to-subscription", subB,
		"--type", "LargePersonGroup", "--id", "team", "--to-id", "team-east", "--output", "json")
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var res migrateResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("migrate -o json: %v\n%s", err, r.stdout)
	}
	if !res.SnapshotDeleted {
		t.Errorf("migrate result %+v: snapshot not deleted", res)
	}
	if got := countOn(t, east, keyB, client.SnapshotLargePersonGroup, "team-east"); got != want {
		t.Errorf("east has %+v, want %+v", got, want)
	}
	if r := cli(t, faceEnv(east, keyB), "snapshot", "get", res.SnapshotID); r.code == 0 {
		t.Errorf("deleted snapshot still readable in the other region:\n%s", r.stdout)
	}
	bucket, err := s3.Open(t.Context(), store)
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := bucket.List(t.Context(), ""); err != nil || len(keys) != 0 {
		t.Errorf("the bucket holds %q, %v after the snapshot's delete; want nothing", keys, err)
	}
}
