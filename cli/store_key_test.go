package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facesnap"
	"facesnap/blob/sealed"
)

func newStoreKey() string {
	k := make([]byte, sealed.KeySize)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

func sealedWith(t *testing.T, inner facesnap.BlobStore, keys ...string) *sealed.Store {
	t.Helper()
	kr, err := sealed.ParseKeys(strings.Join(keys, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return &sealed.Store{Inner: inner, Keys: kr}
}

func readBlob(t *testing.T, s facesnap.BlobStore, key string) string {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

// TestStoreRotateKey runs facesnap store rotate-key on a store holding a
// blob in clear and one under the old key, with the keys from a file and
// from the environment, on a directory and on S3 when there is one.
func TestStoreRotateKey(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) string{
		"Dir": func(t *testing.T) string { return filepath.Join(t.TempDir(), "store") },
		"S3":  s3StoreURL,
	}
	for name, newSpec := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			spec := newSpec(t)
			inner, err := openBlobStore(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			oldKey, newKey := newStoreKey(), newStoreKey()
			big := bytes.Repeat([]byte("descriptor"), 20000) // several chunks
			if err := inner.Put(ctx, "snapshots/x/meta.json", strings.NewReader(`{"id":"x"}`)); err != nil {
				t.Fatal(err)
			}
			if err := sealedWith(t, inner, oldKey).Put(ctx, "snapshots/x/data", bytes.NewReader(big)); err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(keyFile, []byte(newKey+"\n"+oldKey+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}

			out := run(t, "store", "rotate-key", "--snapshot-store", spec, "--store-key-file", keyFile)
			if !strings.Contains(out, "sealed 2 blobs") || !strings.Contains(out, "0 already") {
				t.Fatalf("first run: %s", out)
			}
			onlyNew := sealedWith(t, inner, newKey)
			if got := readBlob(t, onlyNew, "snapshots/x/meta.json"); got != `{"id":"x"}` {
				t.Fatalf("meta after rotation: %q", got)
			}
			if got := readBlob(t, onlyNew, "snapshots/x/data"); got != string(big) {
				t.Fatalf("data after rotation: %d bytes", len(got))
			}

			// Again, keys from the environment: nothing left to do.
			var stdout, stderr bytes.Buffer
			m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: env(map[string]string{envStoreKeys: newKey + "," + oldKey})}
			if err := m.Run(ctx, []string{"store", "rotate-key", "--snapshot-store", spec}); err != nil {
				t.Fatalf("second run: %v\n%s", err, stderr.String())
			}
			if !strings.Contains(stdout.String(), "sealed 0 blobs") || !strings.Contains(stdout.String(), "2 already") {
				t.Fatalf("second run: %s", stdout.String())
			}
		})
	}
}

func TestStoreRotateKey_Errors(t *testing.T) {
	t.Parallel()
	store := filepath.Join(t.TempDir(), "store")
	badFile := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(badFile, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"NoKey", nil, nil, "needs a key"},
		{"BadFile", []string{"--store-key-file", badFile}, nil, "--store-key-file"},
		{"MissingFile", []string{"--store-key-file", badFile + ".none"}, nil, "--store-key-file"},
		{"BadEnv", nil, map[string]string{envStoreKeys: "c2hvcnQ="}, envStoreKeys},
	} {
		var stdout, stderr bytes.Buffer
		m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: env(tc.env)}
		err := m.Run(t.Context(), append([]string{"store", "rotate-key", "--snapshot-store", store}, tc.args...))
		if err == nil || !strings.Contains(err.Error(), tc.want) || ExitCode(err) != 2 {
			t.Errorf("%s: err = %v (exit %d), want a usage error naming %q", tc.name, err, ExitCode(err), tc.want)
		}
	}
}
