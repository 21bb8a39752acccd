package snapshots

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Purge removes the snapshots that have expired. Any deployment sharing the
// store may run it; removing a snapshot twice is harmless.
func (s *Service) Purge(ctx context.Context) (int, error) {
	all, err := s.listMeta(ctx)
	if err != nil {
		return 0, err
	}
	// One snapshot that cannot be removed does not keep the others'
	// expired data: purge goes on and reports the failures together.
	n := 0
	var errs []error
	for _, snap := range all {
		if !s.expired(snap) {
			continue
		}
		if err := s.remove(ctx, snap.ID); err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("purge %s: %w", snap.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// staleUploads is a BlobStore that leaves the temporary files of
// interrupted uploads behind (blob/dir after a kill -9) and can remove
// them.
type staleUploads interface {
	RemoveStale(ctx context.Context, olderThan time.Duration) (int, error)
}

// staleAfter is how long an upload's temporary file must have been left
// unwritten before it counts as abandoned: a live take writes every few
// milliseconds.
const staleAfter = time.Hour

// RunPurger purges expired snapshots, and abandoned uploads where the
// store has them, every interval until ctx is done.
func (s *Service) RunPurger(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.Purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("snapshot purge failed", "err", err)
		case n > 0:
			log.Info("purged expired snapshots", "count", n)
		}
		if su, ok := s.Blobs.(staleUploads); ok {
			if n, err := su.RemoveStale(ctx, staleAfter); err != nil && ctx.Err() == nil {
				log.Error("removing abandoned uploads failed", "err", err)
			} else if n > 0 {
				log.Info("removed abandoned uploads", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
