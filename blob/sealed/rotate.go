package sealed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"facesnap"
)

// RotateStats counts what Rotate did.
type RotateStats struct {
	Rewritten int // sealed again under the current key
	Current   int // already under the current key: left alone
	// Refused lists the blobs that failed authentication: left as they
	// are, for an operator to look at, while the others are rotated.
	Refused []string
}

// Rotate seals every blob of the store under the current key: those
// sealed under the previous key and those written before the store had
// a key. A blob already under the current key is left alone, so running
// it again, or after it was stopped, only does what is left; each blob is
// replaced by one atomic Put, so an interrupted run leaves every blob
// readable under one key or the other.
func (s *Store) Rotate(ctx context.Context) (RotateStats, error) {
	var st RotateStats
	keys, err := s.Inner.List(ctx, "")
	if err != nil {
		return st, fmt.Errorf("list store: %w", err)
	}
	// Rotation is the way plaintext blobs are brought in, whatever the
	// store's setting.
	src := *s
	src.AllowPlaintext = true
	for _, key := range keys {
		current, err := s.sealedWithCurrent(ctx, key)
		if errors.Is(err, facesnap.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return st, err
		}
		if current {
			st.Current++
			continue
		}
		err = s.reseal(ctx, &src, key)
		var unauth *Error
		switch {
		case errors.Is(err, facesnap.ErrNotFound):
			continue
		case errors.As(err, &unauth):
			st.Refused = append(st.Refused, key)
			continue
		case err != nil:
			return st, err
		}
		st.Rewritten++
	}
	return st, nil
}

func (s *Store) sealedWithCurrent(ctx context.Context, key string) (bool, error) {
	rc, err := s.Inner.Get(ctx, key)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	hdr := make([]byte, len(magic)+idSize)
	if _, err := io.ReadFull(rc, hdr); err != nil {
		return false, nil // shorter than a header: not sealed
	}
	id := s.Keys.Current().id
	return bytes.Equal(hdr, append([]byte(magic), id[:]...)), nil
}

// reseal reads key through src (any key, or plaintext) and puts it back
// sealed under the current key. Put reads the old blob to its end before
// the new one replaces it, and a blob that fails authentication is not
// rewritten: rotation does not launder a forgery.
func (s *Store) reseal(ctx context.Context, src *Store, key string) error {
	rc, err := src.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("rotate %s: %w", key, err)
	}
	defer rc.Close()
	if err := s.Put(ctx, key, rc); err != nil {
		return fmt.Errorf("rotate %s: %w", key, err)
	}
	return nil
}
