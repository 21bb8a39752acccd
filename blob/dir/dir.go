// Package dir is a facesnap.BlobStore on a directory, local or shared
// (NFS and the like) by several deployments.
//
// A blob is a file at its key's path under the root. Put writes a
// temporary file beside it, syncs it, renames it into place and syncs the
// directories, so a reader, in this process or another, sees a whole blob
// or none, and a crash leaves at most a temporary file, which List never
// shows. Nothing relies on an in-process lock: every step is one the
// file system makes atomic for all processes.
//
// Keys map to paths, so one key cannot be both a blob and a directory of
// others ("a" and "a/b"): the second Put fails. Keys starting a segment
// with ".facesnap-tmp-" are refused, being the temporary files' names.
package dir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"facesnap"
	"facesnap/blob/internal/blobkey"
)

// Store keeps blobs under a root directory.
type Store struct {
	root string
}

var _ facesnap.BlobStore = (*Store)(nil)

// New returns a Store on root, creating the directory if needed.
func New(root string) (*Store, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob dir %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("blob dir: %w", err)
	}
	return &Store{root: abs}, nil
}

// Put stores r under key, replacing any blob there once r is read to its
// end. If r or ctx fails first, the key keeps what it had.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (err error) {
	path, err := s.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := s.createTemp(dir)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	// The rename, and any directory created for it, last only once the
	// directories holding them are synced.
	for d := dir; ; d = filepath.Dir(d) {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		if d == s.root {
			return nil
		}
	}
}

// createTemp creates a temporary file in dir, creating dir first. Another
// process's Delete may remove dir, once empty, between the two steps, so
// a missing directory is retried.
func (s *Store) createTemp(dir string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, blobkey.TempPrefix+"*")
		if err == nil || !errors.Is(err, fs.ErrNotExist) || attempt == 10 {
			return f, err
		}
	}
}

// Get opens the blob under key.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	path, err := s.path(key)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if vanished(err) {
		return nil, blobkey.NotFound(key)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() { // a directory: a prefix of other keys
		f.Close()
		return nil, blobkey.NotFound(key)
	}
	return f, nil
}

// Delete removes the blob under key and the directories it leaves empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	path, err := s.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	if vanished(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if fi.IsDir() { // not a blob
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	s.pruneEmpty(filepath.Dir(path))
	return nil
}

// pruneEmpty removes dir and its parents below the root while they are
// empty. Removing a directory fails while it holds anything, a blob or
// another process's temporary file, which makes this safe without a
// lock; the first failure ends it.
func (s *Store) pruneEmpty(dir string) {
	for d := dir; d != s.root; d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			return
		}
	}
}

// vanished reports an error of a path that does not exist (any more):
// another process may delete blobs at any time.
func vanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// List returns the keys that start with prefix, sorted. Prefix need not
// end at a slash: "snapshots/ab" lists "snapshots/abc/data".
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	if err := blobkey.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	// Walk only the directory the prefix names in full.
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = filepath.Join(s.root, filepath.FromSlash(prefix[:i]))
	}
	var keys []string
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// Gone since it was listed: another process deleted it.
			if vanished(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), blobkey.TempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(s.root, path)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	// The walk orders "a/b" before "a-c"; keys sort as strings.
	slices.Sort(keys)
	return keys, nil
}

// path checks key (blobkey.Check) and returns its file.
func (s *Store) path(key string) (string, error) {
	if err := blobkey.Check(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a directory; their renames are as
	// durable as they get.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
