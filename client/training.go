package client

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
	CreatedDateTime Time `json:"createdDateTime"`
	// LastActionDateTime may be null before a successful train.
	LastActionDateTime             Time               `json:"lastActionDateTime,omitzero"`
	LastSuccessfulTrainingDateTime Time               `json:"lastSuccessfulTrainingDateTime,omitzero"`
	Message                        string             `json:"message,omitempty"`
	Status                         TrainingStatusType `json:"status"`
}
