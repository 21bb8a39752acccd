// Package embedmodels carries the face engine's weights inside the binary
// when it is built with -tags embedmodels (scripts/build-embedded), so
// that one file deploys the server. The engine loads weights from a
// directory, so Extract writes them out once, into a directory named for
// their hash; later starts find it complete and reuse it.
package embedmodels

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// ErrNotEmbedded is Extract's error in a binary built without the tag.
var ErrNotEmbedded = errors.New("this binary was built without -tags embedmodels")

// complete marks an extracted directory whose every file was written.
const complete = ".complete"

// Extract writes the embedded weights below parent, in a directory named
// for their hash, and returns that directory.
func Extract(parent string) (string, error) {
	if weights == nil {
		return "", ErrNotEmbedded
	}
	return extract(weights, parent)
}

func extract(fsys fs.FS, parent string) (string, error) {
	files, err := fs.Glob(fsys, "weights/*")
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", errors.New("embedded weights: none (run scripts/build-embedded)")
	}
	sort.Strings(files)
	h := sha256.New()
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(name), len(b))
		h.Write(b)
	}
	dir := filepath.Join(parent, "face-api-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, complete)); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, name := range files {
		if err := writeFile(fsys, name, filepath.Join(dir, filepath.Base(name))); err != nil {
			return "", fmt.Errorf("extract embedded weights: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, complete), nil, 0o644); err != nil {
		return "", err
	}
	return dir, nil
}

// writeFile writes one file through a temporary name, so that a server
// killed mid-way never leaves a truncated file under the real one.
func writeFile(fsys fs.FS, name, dst string) error {
	src, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".part-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
