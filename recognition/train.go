package recognition

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"facesnap"
	"facesnap/collections"
	"facesnap/operations"
)

// TrainWorker returns the worker of facesnap.OperationTrain operations,
// which collections.Service.Train queues.
func (s *Service) TrainWorker() operations.Worker { return trainWorker{s} }

type trainWorker struct{ s *Service }

func (w trainWorker) Work(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	return w.s.train(ctx, op, progress)
}

// Abandon records the failure of a training the runner gave up on, which
// would otherwise stay queued or running for ever and refuse every later
// Train. The last successful training stays searchable.
func (w trainWorker) Abandon(ctx context.Context, op *facesnap.Operation) error {
	var a collections.TrainArgs
	if err := json.Unmarshal(op.Args, &a); err != nil {
		return nil // nothing was started for arguments nobody can read
	}
	r := facesnap.CollectionRef{Account: op.Account, Kind: a.Kind, ID: a.ID}
	return w.s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := st.TrainingGet(ctx, r)
		if errors.Is(err, facesnap.ErrNotFound) || (err == nil && !t.Unfinished()) {
			return nil // the collection is gone, or a later state stands
		}
		if err != nil {
			return err
		}
		t.Status = facesnap.TrainingFailed
		t.Message = "Training failed because of an internal error; train again."
		t.LastActionAt = w.s.now()
		return st.TrainingSet(ctx, r, t)
	})
}

// train builds the search index of the collection's faces so far and, in
// one transaction, records the highest face Seq it holds, which makes
// them searchable. It is safe to redo after a crash: each run reads the
// collection as it is, and nothing is recorded until the index is built.
func (s *Service) train(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	var a collections.TrainArgs
	if err := json.Unmarshal(op.Args, &a); err != nil {
		return operations.Result{}, operations.Fail("invalid training arguments: %v", err)
	}
	if !a.Kind.Valid() || !a.Kind.Trainable() {
		return operations.Result{}, operations.Fail("collection kind %q is not trained", a.Kind)
	}
	r := facesnap.CollectionRef{Account: op.Account, Kind: a.Kind, ID: a.ID}

	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := trainingOf(ctx, st, r)
		if err != nil {
			return err
		}
		t.Status = facesnap.TrainingRunning
		t.LastActionAt = s.now()
		return st.TrainingSet(ctx, r, t)
	})
	if err != nil {
		return operations.Result{}, err
	}

	stats, err := s.Store.CollectionStats(ctx, r)
	if errors.Is(err, facesnap.ErrNotFound) {
		return operations.Result{}, operations.Fail("%s", err.Error())
	}
	if err != nil {
		return operations.Result{}, err
	}
	if msg := emptyMessage(a.Kind, stats); msg != "" {
		return operations.Result{}, s.finishTraining(ctx, r, nil, msg)
	}
	// Faces added from here on wait for the next training.
	progress.Set(0, stats.Faces)
	state, err := s.buildState(ctx, trainedKey{ref: r, seq: stats.MaxSeq}, progress.Set)
	if errors.Is(err, facesnap.ErrNotFound) {
		return operations.Result{}, operations.Fail("%s", err.Error())
	}
	if err != nil {
		return operations.Result{}, err
	}
	progress.Set(stats.Faces, stats.Faces)
	return operations.Result{}, s.finishTraining(ctx, r, state, "")
}

// finishTraining records the end of a training: succeeded with state's
// faces, or failed with failure. A failure is also the operation's.
func (s *Service) finishTraining(ctx context.Context, r facesnap.CollectionRef, state *trainedState, failure string) error {
	var recorded facesnap.Training
	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := trainingOf(ctx, st, r)
		if err != nil {
			return err
		}
		now := s.now()
		t.LastActionAt = now
		if failure != "" {
			t.Status = facesnap.TrainingFailed
			t.Message = failure
		} else {
			t.Status = facesnap.TrainingSucceeded
			t.Message = ""
			t.TrainedSeq = state.key.seq
			t.LastSuccessAt = now
		}
		recorded = t
		return st.TrainingSet(ctx, r, t)
	})
	if err != nil {
		return err
	}
	if failure != "" {
		return operations.Fail("%s", failure)
	}
	state.key = keyOf(r, recorded)
	s.install(state)
	return nil
}

// trainingOf reads the training of a collection that must still exist; a
// collection deleted since Train ends the operation.
func trainingOf(ctx context.Context, st facesnap.Store, r facesnap.CollectionRef) (facesnap.Training, error) {
	t, err := st.TrainingGet(ctx, r)
	if errors.Is(err, facesnap.ErrNotFound) {
		return facesnap.Training{}, operations.Fail("%s", err.Error())
	}
	return t, err
}

// emptyMessage is why training an empty collection fails, as the service
// fails it; empty when the collection can be trained.
func emptyMessage(k facesnap.Kind, stats facesnap.CollectionStats) string {
	switch {
	case k.HasPersons() && stats.Persons == 0:
		return fmt.Sprintf("There is no person in the %s.", strings.ToLower(k.Phrase()))
	case stats.Faces == 0:
		return fmt.Sprintf("There is no persisted face in the %s.", strings.ToLower(k.Phrase()))
	}
	return ""
}
