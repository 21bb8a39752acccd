package dir_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facesnap"
	"facesnap/blob/dir"
	"facesnap/blobtest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	blobtest.Exercise(t, func(t *testing.T) facesnap.BlobStore {
		s, err := dir.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func setup(t *testing.T) (*dir.Store, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "blobs")
	s, err := dir.New(root)
	if err != nil {
		t.Fatal(err)
	}
	return s, root
}

func TestNew_NotADirectory(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := dir.New(file); err == nil {
		t.Fatal("New on a file: no error")
	}
}

// A Put interrupted by a crash leaves its temporary file; it is never a
// blob.
func TestStore_InterruptedPut(t *testing.T) {
	t.Parallel()
	s, root := setup(t)
	ctx := context.Background()
	if err := s.Put(ctx, "snapshots/a/data", strings.NewReader("whole")); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(root, "snapshots", "a", ".facesnap-tmp-12345")
	if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := s.List(ctx, "")
	if err != nil || len(keys) != 1 || keys[0] != "snapshots/a/data" {
		t.Fatalf("List = %q, %v", keys, err)
	}
	if _, err := s.Get(ctx, "snapshots/a/.facesnap-tmp-12345"); err == nil {
		t.Fatal("Get of a temporary file: no error")
	}
	// The directory holding the temporary file stays until it is gone.
	if err := s.Delete(ctx, "snapshots/a/data"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("temporary file of another writer removed: %v", err)
	}
}

func TestStore_DeleteRemovesEmptyDirectories(t *testing.T) {
	t.Parallel()
	s, root := setup(t)
	ctx := context.Background()
	for _, k := range []string{"snapshots/a/data", "snapshots/a/meta.json", "snapshots/b/data"} {
		if err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"snapshots/a/data", "snapshots/a/meta.json"} {
		if err := s.Delete(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "snapshots", "a")); !os.IsNotExist(err) {
		t.Fatalf("empty directory left: %v", err)
	}
	if err := s.Delete(ctx, "snapshots/b/data"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != 0 {
		t.Fatalf("root holds %v, %v; want it empty and present", entries, err)
	}
}

// Two stores on one directory stand for two deployments sharing it.
func TestStore_SharedDirectory(t *testing.T) {
	t.Parallel()
	a, root := setup(t)
	b, err := dir.New(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Put(ctx, "snapshots/x/data", strings.NewReader("from a")); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Get(ctx, "snapshots/x/data")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if err := b.Delete(ctx, "snapshots/x/data"); err != nil {
		t.Fatal(err)
	}
	if keys, err := a.List(ctx, ""); err != nil || len(keys) != 0 {
		t.Fatalf("List = %q, %v", keys, err)
	}
}

// TestStore_Private checks that what the store creates is its user's
// alone (CreateTemp's 0600 and 0700 directories), whatever the umask: the
// blobs hold biometric data.
func TestStore_Private(t *testing.T) {
	t.Parallel()
	s, root := setup(t)
	if err := s.Put(context.Background(), "a/b/k", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{
		root: 0o700, filepath.Join(root, "a"): 0o700, filepath.Join(root, "a", "b"): 0o700,
		filepath.Join(root, "a", "b", "k"): 0o600,
	} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

func TestStore_RemoveStale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	s, err := dir.New(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "snapshots/a/data", strings.NewReader("kept")); err != nil {
		t.Fatal(err)
	}
	// Two temporary files of killed Puts: one old, one still recent.
	old := filepath.Join(root, "snapshots", "b", ".facesnap-tmp-1")
	fresh := filepath.Join(root, "snapshots", "a", ".facesnap-tmp-2")
	for _, p := range []string{old, fresh} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	n, err := s.RemoveStale(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("RemoveStale = %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(filepath.Dir(old)); !os.IsNotExist(err) {
		t.Errorf("emptied directory kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("recent temporary file removed: %v", err)
	}
	if keys, _ := s.List(ctx, "snapshots/"); len(keys) != 1 {
		t.Errorf("blobs after RemoveStale: %v", keys)
	}
}
