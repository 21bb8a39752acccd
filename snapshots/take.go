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

// TakeWorker runs snapshot.take operations.
type TakeWorker struct{ *Service }

// Work copies the source collection to the snapshot store. A redo writes
// the same snapshot id again, replacing what an interrupted attempt left.
func (w TakeWorker) Work(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	var args takeArgs
	if err := json.Unmarshal(op.Args, &args); err != nil {
		return operations.Result{}, operations.Fail("Invalid take operation arguments.")
	}
	// Before the upload: a failure here must not cost a redo of it.
	acct, err := w.Store.AccountGet(ctx, op.Account)
	if err != nil {
		return operations.Result{}, fmt.Errorf("take: source account: %w", err)
	}
	sum, err := w.writeData(ctx, args, progress)
	if errors.Is(err, facesnap.ErrNotFound) {
		_ = w.Blobs.Delete(ctx, dataKey(args.SnapshotID))
		w.releaseSnapshot(ctx, op.Account, args.SnapshotID)
		return operations.Result{}, operations.Fail("Take failed: the source %s '%s' does not exist.", args.Source.Kind, args.Source.ID)
	}
	if err != nil {
		return operations.Result{}, err
	}
	snap := w.newSnapshot(args.SnapshotID, acct, args.Source.Kind, args.Source.ID, args.ApplyScope, args.UserData, sum)
	if err := w.writeMeta(ctx, snap); err != nil {
		return operations.Result{}, err
	}
	return operations.Result{ResourceLocation: "/snapshots/" + snap.ID}, nil
}

// Abandon removes what a take the runner gave up on may have uploaded.
func (w TakeWorker) Abandon(ctx context.Context, op *facesnap.Operation) error {
	var args takeArgs
	if err := json.Unmarshal(op.Args, &args); err != nil {
		return nil
	}
	w.releaseSnapshot(ctx, op.Account, args.SnapshotID)
	return w.Blobs.Delete(ctx, dataKey(args.SnapshotID))
}

// writeData streams a consistent dump of the source through the snapfile
// encoder into the blob store, never holding the collection in memory.
func (w TakeWorker) writeData(ctx context.Context, args takeArgs, progress operations.Progress) (snapfile.Summary, error) {
	pr, pw := io.Pipe()
	type result struct {
		sum snapfile.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		fw := snapfile.NewWriter(pw)
		sink := &countingSink{DumpSink: fw, progress: progress}
		err := w.Store.CollectionDump(ctx, args.Source, sink)
		sum, cerr := fw.Close()
		if err == nil {
			err = cerr
		}
		pw.CloseWithError(err) // nil closes cleanly
		done <- result{sum, err}
	}()
	putErr := w.Blobs.Put(ctx, dataKey(args.SnapshotID), pr)
	pr.CloseWithError(errors.New("snapshot upload ended")) // unblocks the writer if Put stopped early
	res := <-done
	if res.err != nil {
		return snapfile.Summary{}, res.err
	}
	if putErr != nil {
		return snapfile.Summary{}, fmt.Errorf("upload snapshot data: %w", putErr)
	}
	return res.sum, nil
}

// countingSink reports progress as items pass to the encoder.
type countingSink struct {
	facesnap.DumpSink
	progress    operations.Progress
	done, total int64
}

func (s *countingSink) Collection(c facesnap.Collection, t facesnap.Training, st facesnap.CollectionStats) error {
	s.total = st.Persons + st.Faces
	s.progress.Set(0, s.total)
	return s.DumpSink.Collection(c, settled(t), st)
}

// settled is the training a snapshot carries. A training queued or running
// at take time is not part of the copy (nothing would ever finish it
// there): the copy keeps the last successful training, or none.
func settled(t facesnap.Training) facesnap.Training {
	if t.Status != facesnap.TrainingNotStarted && t.Status != facesnap.TrainingRunning {
		return t
	}
	if t.LastSuccessAt.IsZero() {
		return facesnap.Training{}
	}
	t.Status = facesnap.TrainingSucceeded
	t.LastActionAt = t.LastSuccessAt
	t.Message = ""
	return t
}

func (s *countingSink) Person(p facesnap.Person) error {
	s.done++
	s.progress.Set(s.done, s.total)
	return s.DumpSink.Person(p)
}

func (s *countingSink) Face(f facesnap.Face) error {
	s.done++
	s.progress.Set(s.done, s.total)
	return s.DumpSink.Face(f)
}
