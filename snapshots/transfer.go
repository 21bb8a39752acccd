package snapshots

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"facesnap"
	"facesnap/snapfile"
)

// Export opens the data of a snapshot the caller may see: the portable,
// checksummed file that Import takes back.
func (s *Service) Export(ctx context.Context, acct facesnap.Account, id string) (*facesnap.Snapshot, io.ReadCloser, error) {
	snap, err := s.Get(ctx, acct, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Blobs.Get(ctx, dataKey(snap.ID))
	if errors.Is(err, facesnap.ErrNotFound) {
		return nil, nil, facesnap.NotFound(facesnap.ObjectSnapshot, id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open snapshot data: %w", err)
	}
	return snap, rc, nil
}

// ImportParams are the metadata of an imported snapshot; the data itself
// says what collection it holds.
type ImportParams struct {
	ApplyScope []string // default: the caller's own subscription
	UserData   string
}

// Import stores an exported snapshot file as a new snapshot of the caller.
// The file is verified while it streams into the store; a damaged one is
// refused and leaves nothing behind.
func (s *Service) Import(ctx context.Context, acct facesnap.Account, r io.Reader, p ImportParams) (*facesnap.Snapshot, error) {
	scope := p.ApplyScope
	if len(scope) == 0 {
		scope = []string{acct.SubscriptionID}
	}
	scope, err := normalizeScope(scope)
	if err != nil {
		return nil, err
	}
	if err := checkUserData(p.UserData); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	// The import counts as a take of the day and holds a snapshot slot
	// from now; a refused file gives the slot back, not the take.
	err = s.Store.InTx(ctx, func(tx facesnap.Store) error {
		return s.useTake(ctx, tx, acct, id, id, s.now())
	})
	if err != nil {
		return nil, err
	}
	stored := false
	defer func() {
		if !stored {
			s.releaseSnapshot(ctx, acct.Name, id)
		}
	}()

	// The body goes to the blob store and, through a pipe, to a verifier
	// reading it at the same time: one pass, bounded memory.
	pr, pw := io.Pipe()
	type verdict struct {
		c   facesnap.Collection
		sum snapfile.Summary
		err error
	}
	checked := make(chan verdict, 1)
	go func() {
		var v verdict
		if v.c, v.sum, v.err = verify(pr); v.err != nil {
			pr.CloseWithError(v.err)
		} else {
			// Drain what follows the trailer so the writer side never
			// blocks; the reader has already refused trailing bytes.
			_, _ = io.Copy(io.Discard, pr)
		}
		checked <- v
	}()
	body := &readErr{r: r}
	putErr := s.Blobs.Put(ctx, dataKey(id), io.TeeReader(body, pw))
	pw.Close()
	v := <-checked
	if v.err != nil || putErr != nil {
		_ = s.Blobs.Delete(context.WithoutCancel(ctx), dataKey(id))
	}
	// The body itself failing (too large, too slow, cut) is what the
	// caller must hear of, not the truncated file it leaves the verifier.
	if body.err != nil {
		return nil, fmt.Errorf("read imported snapshot: %w", body.err)
	}
	if v.err != nil {
		var inv *invalidError
		if errors.As(v.err, &inv) {
			return nil, facesnap.Invalidf("The snapshot file holds what the API refuses: %v.", v.err)
		}
		if errors.Is(v.err, snapfile.ErrCorrupt) || errors.Is(v.err, snapfile.ErrVersion) {
			return nil, facesnap.Invalidf("The snapshot file is damaged or not a snapshot file: %v.", v.err)
		}
		return nil, fmt.Errorf("verify imported snapshot: %w", v.err)
	}
	if putErr != nil {
		return nil, fmt.Errorf("store imported snapshot: %w", putErr)
	}
	snap := s.newSnapshot(id, acct, v.c.Kind, v.c.ID, scope, p.UserData, v.sum)
	if err := s.writeMeta(ctx, snap); err != nil {
		_ = s.Blobs.Delete(context.WithoutCancel(ctx), dataKey(id))
		return nil, err
	}
	stored = true
	return snap, nil
}

// readErr remembers the error its reader returned, io.EOF aside.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}
