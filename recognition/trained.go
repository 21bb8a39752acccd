package recognition

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"facesnap"
)

// trainedKey names one trained state of a collection: the faces it holds
// are those with Seq ≤ seq, as of the training that succeeded at success
// (Unix nanoseconds, so that keys compare by value; 0 for a FaceList,
// which is searched as it is).
type trainedKey struct {
	ref     facesnap.CollectionRef
	seq     int64
	success int64
}

func keyOf(ref facesnap.CollectionRef, t facesnap.Training) trainedKey {
	return trainedKey{ref: ref, seq: t.TrainedSeq, success: unixNano(t.LastSuccessAt)}
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// trainedState is a collection's search index and the ids of its entries,
// by entry position.
type trainedState struct {
	key              trainedKey
	recognitionModel string
	index            Index
	faces            []uuid.UUID
	// personOf is the entry's person, an index into persons; lists have
	// no persons.
	personOf []int32
	persons  []uuid.UUID
	// used is when a search last used the state (unix nanoseconds).
	used atomic.Int64
}

func (st *trainedState) touch() { st.used.Store(time.Now().UnixNano()) }

// faceID is the persisted face id of entry i.
func (st *trainedState) faceID(i int32) string { return st.faces[i].String() }

// memoryBytes is what the state holds: the index and the id tables.
func (st *trainedState) memoryBytes() int64 {
	return st.index.MemoryBytes() + int64(len(st.faces))*16 + int64(len(st.personOf))*4 + int64(len(st.persons))*16
}

// load is one build of a trained state that callers wait for.
type load struct {
	done  chan struct{}
	state *trainedState
	err   error
}

// stateFor returns the trained state t names, building it from the store
// when this node does not have it (another node trained, the node
// restarted, or a snapshot brought the collection). Concurrent callers
// share one build.
func (s *Service) stateFor(ctx context.Context, key trainedKey) (*trainedState, error) {
	ref := key.ref
	s.mu.Lock()
	if st := s.trained[ref]; st != nil && st.key == key {
		s.mu.Unlock()
		st.touch()
		return st, nil
	}
	l := s.loading[key]
	if l == nil {
		l = &load{done: make(chan struct{})}
		if s.loading == nil {
			s.loading = make(map[trainedKey]*load)
		}
		s.loading[key] = l
		// The build outlives a caller that gives up: the next one uses it.
		go s.build(context.WithoutCancel(ctx), key, l)
	}
	s.mu.Unlock()
	select {
	case <-l.done:
		return l.state, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Service) build(ctx context.Context, key trainedKey, l *load) {
	start := time.Now()
	st, err := s.buildState(ctx, key, nil)
	if err == nil {
		s.install(st)
		s.log().Info("trained state loaded", "account", key.ref.Account, "kind", key.ref.Kind, "id", key.ref.ID,
			"faces", len(st.faces), "memory_bytes", st.memoryBytes(), "duration_ms", time.Since(start).Milliseconds())
	}
	s.mu.Lock()
	delete(s.loading, key)
	s.mu.Unlock()
	l.state, l.err = st, err
	close(l.done)
}

func (s *Service) install(st *trainedState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trained == nil {
		s.trained = make(map[facesnap.CollectionRef]*trainedState)
	}
	if old := s.trained[st.key.ref]; old != nil && old.key.newer(st.key) {
		return // a newer training is already here
	}
	st.touch()
	s.trained[st.key.ref] = st
	s.evict(st)
}

// newer reports whether k names a later state of the collection than o.
func (k trainedKey) newer(o trainedKey) bool {
	if k.success != o.success {
		return k.success > o.success
	}
	return k.seq > o.seq
}

// evict drops the least recently used states, but keep, while the states
// this node holds are over MemoryBudget. An evicted state is built again
// from the store when it is next searched.
func (s *Service) evict(keep *trainedState) {
	if s.MemoryBudget <= 0 {
		return
	}
	var total int64
	for _, st := range s.trained {
		total += st.memoryBytes()
	}
	for total > s.MemoryBudget {
		var oldest *trainedState
		for _, st := range s.trained {
			if st != keep && (oldest == nil || st.used.Load() < oldest.used.Load()) {
				oldest = st
			}
		}
		if oldest == nil {
			return
		}
		delete(s.trained, oldest.key.ref)
		total -= oldest.memoryBytes()
		s.log().Info("trained state evicted", "account", oldest.key.ref.Account, "kind", oldest.key.ref.Kind,
			"id", oldest.key.ref.ID, "memory_bytes", oldest.memoryBytes())
	}
}

// forget drops what this node holds of a collection, e.g. once it is gone.
func (s *Service) forget(ref facesnap.CollectionRef) {
	s.mu.Lock()
	delete(s.trained, ref)
	s.mu.Unlock()
}

// buildState reads a collection in one consistent view and indexes the
// faces of key's trained state: those with Seq ≤ key.seq. Faces deleted
// since the training are not there to index; those deleted later are
// filtered out by every search (live).
//
// progress, when set, hears of the work in faces, counted in two halves of
// equal weight: reading the faces, then building the index.
func (s *Service) buildState(ctx context.Context, key trainedKey, progress func(done, total int64)) (*trainedState, error) {
	if progress == nil {
		progress = func(int64, int64) {}
	}
	sink := &indexSink{s: s, seq: key.seq, personIdx: map[string]int32{}, progress: progress}
	if err := s.Store.CollectionDump(ctx, key.ref, sink); err != nil {
		return nil, err
	}
	read := int64(len(sink.faces))
	ix, err := sink.builder.Build(ctx, func(done, total int64) {
		if total > 0 {
			progress(read/2+done*read/(2*total), read)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return &trainedState{
		key:              key,
		recognitionModel: sink.collection.RecognitionModel,
		index:            ix,
		faces:            sink.faces,
		personOf:         sink.personOf,
		persons:          sink.persons,
	}, nil
}

// indexSink receives a collection dump and adds its trained faces to an
// index builder, in Seq order (the dump's), so that every node adds them
// in the same order.
type indexSink struct {
	s          *Service
	seq        int64
	collection facesnap.Collection
	builder    IndexBuilder
	faces      []uuid.UUID
	personOf   []int32
	persons    []uuid.UUID
	personIdx  map[string]int32
	progress   func(done, total int64)
	total      int64
}

func (k *indexSink) Collection(c facesnap.Collection, t facesnap.Training, stats facesnap.CollectionStats) error {
	k.collection = c
	k.total = stats.Faces
	n := int(min(stats.Faces, int64(facesnap.MaxFacesPerLargeFaceList)))
	k.builder = k.s.newIndex(n)
	k.faces = make([]uuid.UUID, 0, n)
	if c.Kind.HasPersons() {
		k.personOf = make([]int32, 0, n)
	}
	return nil
}

func (k *indexSink) Person(p facesnap.Person) error {
	id, err := uuid.Parse(p.ID)
	if err != nil {
		return fmt.Errorf("person id %q: %w", p.ID, err)
	}
	k.personIdx[p.ID] = int32(len(k.persons))
	k.persons = append(k.persons, id)
	return nil
}

func (k *indexSink) Face(f facesnap.Face) error {
	if f.Seq > k.seq || len(f.Feature) == 0 {
		return nil // added after the training, or stored without a descriptor
	}
	id, err := uuid.Parse(f.ID)
	if err != nil {
		return fmt.Errorf("face id %q: %w", f.ID, err)
	}
	if k.collection.Kind.HasPersons() {
		p, ok := k.personIdx[f.PersonID]
		if !ok {
			return fmt.Errorf("face %s: person %s is not in the dump", f.ID, f.PersonID)
		}
		k.personOf = append(k.personOf, p)
	}
	k.faces = append(k.faces, id)
	k.builder.Add(f.Feature)
	if n := int64(len(k.faces)); n%4096 == 0 {
		k.progress(n/2, max(k.total, n))
	}
	return nil
}

// MemoryBytes is what the node holds of trained collections' search
// states, indexes and id tables (a gauge in /metrics).
func (s *Service) MemoryBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, st := range s.trained {
		n += st.memoryBytes()
	}
	return n
}

// Faces is how many faces the node's search states hold.
func (s *Service) Faces() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, st := range s.trained {
		n += int64(len(st.faces))
	}
	return n
}
