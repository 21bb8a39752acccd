package dir

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"facesnap/blob/internal/blobkey"
)

// RemoveStale deletes the temporary files of Puts that died (a process
// killed mid-upload) and have not been written for olderThan. A live Put
// keeps writing its file, so its modification time stays recent. It
// returns how many files it removed.
func (s *Store) RemoveStale(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	n := 0
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if vanished(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(d.Name(), blobkey.TempPrefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			return nil
		}
		if err := os.Remove(path); err == nil {
			n++
			s.pruneEmpty(filepath.Dir(path)) // as Delete does
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("remove stale temporary files: %w", err)
	}
	return n, nil
}
