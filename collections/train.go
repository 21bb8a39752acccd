package collections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"facesnap"
	"facesnap/operations"
)

// NotTrainedError answers a training status request for a collection that
// was never trained, as the service does (404 PersonGroupNotTrained and the
// like). It matches facesnap.ErrNotFound.
type NotTrainedError struct {
	Kind    facesnap.Kind
	Message string
}

func (e *NotTrainedError) Error() string        { return e.Message }
func (e *NotTrainedError) Is(target error) bool { return target == facesnap.ErrNotFound }

// Code is the API error code.
func (e *NotTrainedError) Code() string { return string(e.Kind) + "NotTrained" }

// TrainingNotFinishedError refuses a Train while the collection's last
// training is still queued or running, as the service does (409
// PersonGroupTrainingNotFinished and the like). It matches
// facesnap.ErrConflict.
type TrainingNotFinishedError struct {
	Kind    facesnap.Kind
	Message string
}

func (e *TrainingNotFinishedError) Error() string        { return e.Message }
func (e *TrainingNotFinishedError) Is(target error) bool { return target == facesnap.ErrConflict }

// Code is the API error code.
func (e *TrainingNotFinishedError) Code() string { return string(e.Kind) + "TrainingNotFinished" }

func trainingNotFinished(k facesnap.Kind, id string) error {
	return &TrainingNotFinishedError{Kind: k, Message: fmt.Sprintf(
		"%s '%s' is under training: wait until its training status is succeeded or failed, then train it again.", phrase(k), id)}
}

// unfinished reports a training that is queued or running.
func unfinished(t facesnap.Training) bool {
	return t.Status == facesnap.TrainingNotStarted || t.Status == facesnap.TrainingRunning
}

func checkTrainKind(k facesnap.Kind) error {
	if err := checkKind(k); err != nil {
		return err
	}
	if !k.Trainable() {
		return fmt.Errorf("collection kind %q is not trained", k)
	}
	return nil
}

// trainArgs are the stored arguments of a collection.train operation.
type trainArgs struct {
	Kind facesnap.Kind `json:"kind"`
	ID   string        `json:"id"`
}

// Train queues the training of a collection. The training state and the
// operation that does the work are written in one transaction, so a queued
// training is never lost and never reported without work behind it.
func (s *Service) Train(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, id string) error {
	if err := checkTrainKind(kind); err != nil {
		return err
	}
	if err := checkExistingID(kind, id); err != nil {
		return err
	}
	r := ref(acct, kind, id)
	now := s.now()
	args, err := json.Marshal(trainArgs{Kind: kind, ID: id})
	if err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(st facesnap.Store) error {
		// NotFound here is the collection's: a collection never trained
		// has the zero Training.
		t, err := st.TrainingGet(ctx, r)
		if err != nil {
			return err
		}
		if unfinished(t) {
			return trainingNotFinished(kind, id)
		}
		// Keep the last success: what it trained stays searchable until
		// the new training succeeds.
		t.Status = facesnap.TrainingNotStarted
		t.CreatedAt = now
		t.Message = ""
		if err := st.TrainingSet(ctx, r, t); err != nil {
			return err
		}
		return st.OperationCreate(ctx, facesnap.Operation{
			ID:        s.newID(),
			Account:   acct.Name,
			Kind:      facesnap.OperationTrain,
			Args:      args,
			Status:    facesnap.OperationNotStarted,
			CreatedAt: now,
		})
	})
	if err != nil {
		return err
	}
	s.notify()
	return nil
}

// TrainingStatus returns the training state of a collection.
func (s *Service) TrainingStatus(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, id string) (facesnap.Training, error) {
	if err := checkTrainKind(kind); err != nil {
		return facesnap.Training{}, err
	}
	if err := checkExistingID(kind, id); err != nil {
		return facesnap.Training{}, err
	}
	// TrainingGet reports a missing collection as not found and a
	// never-trained one as the zero Training.
	t, err := s.Store.TrainingGet(ctx, ref(acct, kind, id))
	if err != nil {
		return facesnap.Training{}, err
	}
	if t.Status == "" {
		return facesnap.Training{}, &NotTrainedError{Kind: kind, Message: phrase(kind) + " not trained."}
	}
	// The API's createdDateTime is when the collection was created (spec:
	// TrainingStatus.createdDateTime), not when training was requested.
	c, err := s.Store.CollectionGet(ctx, ref(acct, kind, id))
	if err != nil {
		return facesnap.Training{}, err
	}
	t.CreatedAt = c.CreatedAt
	return t, nil
}

// TrainWorker returns the worker of facesnap.OperationTrain operations.
func (s *Service) TrainWorker() operations.Worker { return trainWorker{s} }

type trainWorker struct{ s *Service }

func (w trainWorker) Work(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	return w.s.workTrain(ctx, op, progress)
}

// Abandon records the failure of a training the runner gave up on, which
// would otherwise stay queued or running for ever and refuse every later
// Train.
func (w trainWorker) Abandon(ctx context.Context, op *facesnap.Operation) error {
	var a trainArgs
	if err := json.Unmarshal(op.Args, &a); err != nil {
		return nil // nothing was started for arguments nobody can read
	}
	r := facesnap.CollectionRef{Account: op.Account, Kind: a.Kind, ID: a.ID}
	return w.s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := st.TrainingGet(ctx, r)
		if errors.Is(err, facesnap.ErrNotFound) || (err == nil && !unfinished(t)) {
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

// workTrain trains a collection: it records the highest face Seq, which
// makes the faces added so far searchable. It is safe to redo: each run
// recomputes the state from the collection as it is.
func (s *Service) workTrain(ctx context.Context, op *facesnap.Operation, progress operations.Progress) (operations.Result, error) {
	var a trainArgs
	if err := json.Unmarshal(op.Args, &a); err != nil {
		return operations.Result{}, operations.Fail("invalid training arguments: %v", err)
	}
	if err := checkTrainKind(a.Kind); err != nil {
		return operations.Result{}, operations.Fail("%v", err)
	}
	r := facesnap.CollectionRef{Account: op.Account, Kind: a.Kind, ID: a.ID}

	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := s.trainingOf(ctx, st, r)
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

	var failure string
	err = s.Store.InTx(ctx, func(st facesnap.Store) error {
		t, err := s.trainingOf(ctx, st, r)
		if err != nil {
			return err
		}
		stats, err := st.CollectionStats(ctx, r)
		if err != nil {
			return err
		}
		progress.Set(stats.Faces, stats.Faces)
		now := s.now()
		t.LastActionAt = now
		failure = emptyMessage(a.Kind, stats)
		if failure != "" {
			t.Status = facesnap.TrainingFailed
			t.Message = failure
		} else {
			t.Status = facesnap.TrainingSucceeded
			t.Message = ""
			t.TrainedSeq = stats.MaxSeq
			t.LastSuccessAt = now
		}
		return st.TrainingSet(ctx, r, t)
	})
	if err != nil {
		return operations.Result{}, err
	}
	if failure != "" {
		return operations.Result{}, operations.Fail("%s", failure)
	}
	return operations.Result{}, nil
}

// trainingOf reads the training of a collection that must still exist; a
// collection deleted since Train ends the operation.
func (s *Service) trainingOf(ctx context.Context, st facesnap.Store, r facesnap.CollectionRef) (facesnap.Training, error) {
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
		return fmt.Sprintf("There is no person in the %s.", lowerPhrase(k))
	case stats.Faces == 0:
		return fmt.Sprintf("There is no persisted face in the %s.", lowerPhrase(k))
	}
	return ""
}
