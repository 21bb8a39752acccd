package facesnap

import "time"

// OperationStatus is the OperationStatus.status value of the API.
type OperationStatus string

const (
	OperationNotStarted OperationStatus = "notstarted"
	OperationRunning    OperationStatus = "running"
	OperationSucceeded  OperationStatus = "succeeded"
	OperationFailed     OperationStatus = "failed"
)

// Finished reports whether s is a terminal status.
func (s OperationStatus) Finished() bool {
	return s == OperationSucceeded || s == OperationFailed
}

// OperationKind names the work an operation does. Kinds are stored, so a
// kind's string never changes.
type OperationKind string

const (
	OperationSnapshotTake  OperationKind = "snapshot.take"
	OperationSnapshotApply OperationKind = "snapshot.apply"
	OperationTrain         OperationKind = "collection.train"
)

// Operation is a durable, asynchronous task: taking or applying a snapshot,
// or training a collection. Only snapshot operations are visible through
// the API's /operations.
type Operation struct {
	ID      string // uuid
	Account string // Account.Name of the caller that started it
	Kind    OperationKind
	// Args are the worker's arguments, JSON encoded by the worker's package.
	Args []byte

	Status           OperationStatus
	CreatedAt        time.Time
	LastActionAt     time.Time // zero until the operation has started
	ResourceLocation string    // set on success
	Message          string    // set on failure

	// Progress, in items (persons and faces). Total is zero until known.
	Done, Total int64

	// Attempt counts the times a worker claimed the operation.
	Attempt int
	// LeaseOwner and LeaseUntil say which runner works on it and until when
	// the claim holds without a heartbeat. A running operation whose lease
	// has expired belongs to a runner that died; another runner takes it.
	LeaseOwner string
	LeaseUntil time.Time
	// FinishedAt is when the operation reached a terminal status.
	FinishedAt time.Time
}
