package client

import (
	"context"
	"net/http"
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
