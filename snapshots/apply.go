package snapshots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"facesnap"
	"facesnap/operations"
	"facesnap/snapfile"
)

// ApplyWorker runs snapshot.apply operations.
type ApplyWorker struct{ *Service }

// applyBatch is how many persons and faces go into one load transaction:
// large enough to amortise a commit, small enough to keep memory flat
// (about 10 MB of records) and to hold the store's write lock for well
// under a second. A face's index entries land on pages all over the
// collection's indexes (its ids are random), and each commit writes every
// page it touched: 10,000 records a commit wrote fewer pages per face
// than 2,000 and cut an apply's CPU by about a quarter (BENCHMARKS.md,
// "Snapshot take and apply").
const applyBatch = 10000

// Work loads the snapshot into the reserved, hidden target and publishes it
// once the data has been read to its verified end. Every attempt starts by
// discarding what an earlier one loaded, so a redo after a crash is clean.
func (w ApplyWorker) Work(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	var args applyArgs
	if err := json.Unmarshal(op.Args, &args); err != nil {
		return operations.Result{}, operations.Fail("Invalid apply operation arguments.")
	}
	err := w.load(ctx, op.ID, args, progress)
	if err == nil {
		return operations.Result{ResourceLocation: resourcePath(args.Target)}, nil
	}
	if _, failed := operations.AsFail(err); failed {
		// Nothing of a failed apply may stay, not even the reservation.
		if derr := w.Store.CollectionDiscard(context.WithoutCancel(ctx), args.Target, op.ID); derr != nil {
			return operations.Result{}, fmt.Errorf("discard failed apply: %w", derr)
		}
	}
	return operations.Result{}, err
}

// Abandon removes the hidden target of an apply the runner gave up on.
func (w ApplyWorker) Abandon(ctx context.Context, op *facesnap.Operation) error {
	var args applyArgs
	if err := json.Unmarshal(op.Args, &args); err != nil {
		return nil // nothing was reserved under arguments nobody can read
	}
	return w.Store.CollectionDiscard(ctx, args.Target, op.ID)
}

func (w ApplyWorker) load(ctx context.Context, owner string, args applyArgs, progress operations.Progress) error {
	snap, err := w.readMeta(ctx, args.SnapshotID)
	if errors.Is(err, facesnap.ErrNotFound) || (err == nil && w.expired(snap)) {
		return operations.Fail("Apply failed: snapshot %s does not exist or has expired.", args.SnapshotID)
	}
	if unauthentic(err) {
		return notAuthentic(args.SnapshotID, err)
	}
	if err != nil {
		return err
	}
	// The scope may have been narrowed since the apply was queued: what
	// counts is the scope when the data is copied.
	acct, err := w.Store.AccountGet(ctx, args.Target.Account)
	if errors.Is(err, facesnap.ErrNotFound) {
		return operations.Fail("Apply failed: account %s no longer exists.", args.Target.Account)
	}
	if err != nil {
		return fmt.Errorf("read applying account: %w", err)
	}
	if !snap.InScope(acct) {
		return operations.Fail("Apply failed: subscription %s is no longer in the applyScope of snapshot %s.", acct.SubscriptionID, snap.ID)
	}
	rc, err := w.Blobs.Get(ctx, dataKey(snap.ID))
	if errors.Is(err, facesnap.ErrNotFound) {
		return operations.Fail("Apply failed: the data of snapshot %s is missing.", snap.ID)
	}
	if unauthentic(err) {
		return notAuthentic(snap.ID, err)
	}
	if err != nil {
		return fmt.Errorf("open snapshot data: %w", err)
	}
	defer rc.Close()

	r, err := snapfile.NewReader(rc)
	if err != nil {
		return corrupted(snap.ID, err)
	}
	defer r.Close()
	c, training, stats := r.Collection()
	if c.Kind != snap.Type {
		return operations.Fail("Apply failed: snapshot %s is corrupted: it holds a %s, not a %s.", snap.ID, c.Kind, snap.Type)
	}
	check, err := newRecordCheck(c, training)
	if err != nil {
		return corrupted(snap.ID, err)
	}
	// A training queued or running in the file would never finish here
	// (and would answer every later train 409): it is applied as the
	// last result it records, as take writes it.
	training = settled(training)
	total := stats.Persons + stats.Faces
	progress.Set(0, total)

	target := c
	target.CollectionRef = args.Target
	err = w.Store.InTx(ctx, func(tx facesnap.Store) error {
		// Replace the placeholder reservation (and whatever an earlier
		// attempt loaded) with one that has the snapshot's metadata.
		if err := tx.CollectionDiscard(ctx, args.Target, owner); err != nil {
			return err
		}
		return tx.CollectionReserve(ctx, facesnap.CollectionReserveParams{
			Collection: target, Owner: owner, MaxPerAccount: target.Kind.MaxPerAccount(),
		})
	})
	if msg := reserveFailure(err, args.Target); msg != "" {
		return operations.Fail("%s", msg)
	}
	if err != nil {
		return fmt.Errorf("reserve target: %w", err)
	}

	var batch facesnap.CollectionLoadParams
	batch.Ref, batch.Owner = args.Target, owner
	var done int64
	flush := func() error {
		if len(batch.Persons)+len(batch.Faces) == 0 {
			return nil
		}
		err := w.Store.CollectionLoad(ctx, batch)
		// A duplicate face id or sequence number breaks the store's keys;
		// it is the file's fault, and a retry would meet it again.
		var exists *facesnap.ExistsError
		if errors.As(err, &exists) {
			return corrupted(snap.ID, invalid("a key twice", errors.New(exists.Message)))
		}
		if err != nil {
			return fmt.Errorf("load target: %w", err)
		}
		done += int64(len(batch.Persons) + len(batch.Faces))
		progress.Set(done, total)
		batch.Persons, batch.Faces = batch.Persons[:0], batch.Faces[:0]
		return nil
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return corrupted(snap.ID, err)
		}
		if err := check.check(rec); err != nil {
			return corrupted(snap.ID, err)
		}
		switch {
		case rec.Person != nil:
			batch.Persons = append(batch.Persons, *rec.Person)
		case rec.Face != nil:
			batch.Faces = append(batch.Faces, *rec.Face)
		}
		if len(batch.Persons)+len(batch.Faces) >= applyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	// The file is whole (Next checked its trailer); it must also be the
	// file that was taken, not another well-formed one put in its place.
	if got := r.Summary().SHA256; got != snap.SHA256 {
		return operations.Fail("Apply failed: snapshot %s is corrupted: its checksum does not match the one recorded at take.", snap.ID)
	}
	return w.Store.CollectionPublish(ctx, facesnap.CollectionPublishParams{Ref: args.Target, Owner: owner, Training: training})
}

// notAuthentic fails an apply whose snapshot fails authentication: a
// retry would read the same bytes with the same keys.
func notAuthentic(id string, err error) error {
	return operations.Fail("Apply failed: snapshot %s cannot be authenticated with this deployment's snapshot store key (sealed with another key, or tampered with): %v.", id, err)
}

func corrupted(id string, err error) error {
	var inv *invalidError
	switch {
	case unauthentic(err):
		return notAuthentic(id, err)
	case errors.As(err, &inv):
		return operations.Fail("Apply failed: snapshot %s is invalid: %v.", id, err)
	case errors.Is(err, snapfile.ErrCorrupt):
		return operations.Fail("Apply failed: snapshot %s is corrupted: %v.", id, err)
	case errors.Is(err, snapfile.ErrVersion):
		return operations.Fail("Apply failed: snapshot %s was written in a format this facesnap does not read (taken by a newer version?): %v.", id, err)
	}
	return fmt.Errorf("read snapshot data: %w", err)
}

// resourcePath is where the applied target is read, as the API's
// resourceLocation gives it.
func resourcePath(ref facesnap.CollectionRef) string {
	switch ref.Kind {
	case facesnap.KindFaceList:
		return "/facelists/" + ref.ID
	case facesnap.KindLargeFaceList:
		return "/largefacelists/" + ref.ID
	case facesnap.KindPersonGroup:
		return "/persongroups/" + ref.ID
	default:
		return "/largepersongroups/" + ref.ID
	}
}
