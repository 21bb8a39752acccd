package client

import (
	"context"
	"net/http"
	"time"
)

// TrainingStatusType is TrainingStatus.status. The spec spells the queued
// state "nonstarted", unlike OperationStatus's "notstarted".
type TrainingStatusType string

const (
	TrainingNonStarted TrainingStatusType = "nonstarted"
	TrainingRunning    TrainingStatusType = "running"
	TrainingSucceeded  TrainingStatusType = "succeeded"
	TrainingFailed     TrainingStatusType = "failed"
)

// TrainingStatus is the state of a collection's training.
type TrainingStatus struct {
	Status          TrainingStatusType `json:"status"`
	CreatedDateTime Time               `json:"createdDateTime"`
	// LastActionDateTime may be null before a successful train.
	LastActionDateTime             Time   `json:"lastActionDateTime,omitzero"`
	LastSuccessfulTrainingDateTime Time   `json:"lastSuccessfulTrainingDateTime,omitzero"`
	Message                        string `json:"message,omitempty"`
}

// Training holds the calls of the kinds that are trained: LargeFaceList,
// PersonGroup and LargePersonGroup.
type Training struct{ kind }

// Train queues the training of the collection id. Poll GetTrainingStatus
// to see it finish.
func (k Training) Train(ctx context.Context, id string) error {
	_, err := k.c.call(ctx, request{method: http.MethodPost, path: k.item(id) + "/train", want: http.StatusAccepted}, nil)
	return err
}

// GetTrainingStatus returns the training status of the collection id.
func (k Training) GetTrainingStatus(ctx context.Context, id string) (TrainingStatus, error) {
	var st TrainingStatus
	_, err := k.c.call(ctx, request{method: http.MethodGet, path: k.item(id) + "/training", want: http.StatusOK}, &st)
	return st, err
}

// WaitTrainingOptions tunes WaitTraining. Zero fields take defaults.
type WaitTrainingOptions struct {
	// Interval is the time between polls (default DefaultMinInterval).
	Interval time.Duration
	// Progress, when set, is called with every status polled, the final
	// one included.
	Progress func(TrainingStatus)
}

// WaitTraining polls the training status of the collection id until it
// is neither queued nor running, or ctx ends, and returns the last
// status. A failed training is a status, not an error: its Message says
// why.
func (k Training) WaitTraining(ctx context.Context, id string, opts WaitTrainingOptions) (TrainingStatus, error) {
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultMinInterval
	}
	for {
		st, err := k.GetTrainingStatus(ctx, id)
		if err != nil {
			return st, err
		}
		if opts.Progress != nil {
			opts.Progress(st)
		}
		if st.Status != TrainingNonStarted && st.Status != TrainingRunning {
			return st, nil
		}
		if err := k.c.sleep(ctx, interval); err != nil {
			return st, err
		}
	}
}
