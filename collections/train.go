package collections

import (
	"context"
	"encoding/json"
	"fmt"

	"facesnap"
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
		"%s '%s' is under training: wait until its training status is succeeded or failed, then train it again.", k.Phrase(), id)}
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

// TrainArgs are the stored arguments of a collection.train operation,
// which recognition's train worker does.
type TrainArgs struct {
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
	args, err := json.Marshal(TrainArgs{Kind: kind, ID: id})
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
		if t.Unfinished() {
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
		return facesnap.Training{}, &NotTrainedError{Kind: kind, Message: kind.Phrase() + " not trained."}
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
