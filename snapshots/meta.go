package snapshots

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"facesnap"
)

const (
	prefix   = "snapshots/"
	metaName = "meta.json"
	dataName = "data"
)

func metaKey(id string) string { return prefix + id + "/" + metaName }
func dataKey(id string) string { return prefix + id + "/" + dataName }

// maxMetaSize bounds what is read from a meta blob: a scope of 1,000 ids
// and 16 KiB of userData fit with room to spare.
const maxMetaSize = 1 << 20

func (s *Service) readMeta(ctx context.Context, id string) (*facesnap.Snapshot, error) {
	rc, err := s.Blobs.Get(ctx, metaKey(id))
	if errors.Is(err, facesnap.ErrNotFound) {
		return nil, facesnap.NotFound(facesnap.ObjectSnapshot, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read snapshot meta: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMetaSize))
	if err != nil {
		return nil, fmt.Errorf("read snapshot meta: %w", err)
	}
	var snap facesnap.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("decode snapshot meta %s: %w", id, err)
	}
	return &snap, nil
}

func (s *Service) writeMeta(ctx context.Context, snap *facesnap.Snapshot) error {
	b, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	if err := s.Blobs.Put(ctx, metaKey(snap.ID), bytes.NewReader(b)); err != nil {
		return fmt.Errorf("write snapshot meta: %w", err)
	}
	return nil
}

// listMeta reads every snapshot's meta. A meta that is gone (being
// deleted at this moment) is passed over; one that cannot be read or
// decoded is passed over too, logged and counted, so that one damaged
// entry neither hides every account's snapshots nor stops the purge.
func (s *Service) listMeta(ctx context.Context) ([]*facesnap.Snapshot, error) {
	keys, err := s.Blobs.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var out []*facesnap.Snapshot
	for _, k := range keys {
		id, ok := strings.CutSuffix(strings.TrimPrefix(k, prefix), "/"+metaName)
		if !ok || strings.Contains(id, "/") {
			continue
		}
		snap, err := s.readMeta(ctx, id)
		if errors.Is(err, facesnap.ErrNotFound) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.unreadable(ctx, k, err)
			continue
		}
		out = append(out, snap)
	}
	return out, nil
}

// unreadable reports an entry the listing passed over.
func (s *Service) unreadable(ctx context.Context, key string, err error) {
	if s.Unreadable != nil {
		s.Unreadable.Inc()
	}
	if s.Log != nil {
		s.Log.WarnContext(ctx, "snapshot store entry skipped: unreadable", "key", key, "err", err)
	}
}

// remove deletes meta first, so the snapshot stops existing before its
// data goes.
func (s *Service) remove(ctx context.Context, id string) error {
	if err := s.Blobs.Delete(ctx, metaKey(id)); err != nil {
		return fmt.Errorf("delete snapshot meta: %w", err)
	}
	if err := s.Blobs.Delete(ctx, dataKey(id)); err != nil {
		return fmt.Errorf("delete snapshot data: %w", err)
	}
	return nil
}
