// Package recognition answers who a face is: identify, verify, find-similar
// and group, on the faces that detect keeps under faceIds and on the
// collections as they were last trained. Training (the train worker) builds
// the search index of a collection; every node builds the same index from
// the same trained faces, so any node answers from the trained state
// without training again, and a snapshot's copy, which carries the trained
// face sequence, answers at once.
//
// What a search sees: the faces with Seq ≤ Training.TrainedSeq, less those
// deleted since. Deletions take effect at once (face data is biometric):
// every candidate is checked against the store before it is answered.
package recognition

import (
	"log/slog"
	"sync"
	"time"

	"facesnap"
)

// Service implements the recognition operations on a Store.
type Service struct {
	Store  facesnap.Store
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NewIndex returns the builder of an index of about n descriptors;
	// default NewIndexBuilder.
	NewIndex func(n int) IndexBuilder
	// MemoryBudget bounds what the node holds of trained collections
	// (bytes; 0: no bound): past it the least recently searched are
	// dropped, to be built again from the store when next searched.
	MemoryBudget int64

	mu      sync.Mutex
	trained map[facesnap.CollectionRef]*trainedState
	loading map[trainedKey]*load
}

func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(100 * time.Nanosecond)
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) newIndex(n int) IndexBuilder {
	if s.NewIndex != nil {
		return s.NewIndex(n)
	}
	return NewIndexBuilder(n)
}
