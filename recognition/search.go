package recognition

import (
	"context"
	"errors"
	"fmt"

	"facesnap"
	"facesnap/collections"
	"facesnap/recognition/vec"
)

// trainedFor returns the trained state a search of a trainable collection
// uses: its last successful training. notFound words a missing collection.
func (s *Service) trainedFor(ctx context.Context, ref facesnap.CollectionRef, notFound func() error) (*trainedState, error) {
	t, err := s.Store.TrainingGet(ctx, ref)
	if errors.Is(err, facesnap.ErrNotFound) {
		s.forget(ref)
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if t.LastSuccessAt.IsZero() {
		if t.Unfinished() {
			return nil, &collections.TrainingNotFinishedError{Kind: ref.Kind, Message: fmt.Sprintf(
				"%s '%s' is under training: wait until its training status is succeeded.", ref.Kind.Phrase(), ref.ID)}
		}
		return nil, notTrained(ref.Kind, ref.ID)
	}
	return s.stateFor(ctx, keyOf(ref, t))
}

// nearest returns the entries nearest to q within maxDist that are still
// in the collection, nearest first, enough of them that want(found)
// reports true, or all there are. It asks the index for more until then:
// deleted faces and faces beyond maxDist do not count. Each entry is
// checked against the store once, however often the search widens.
func (s *Service) nearest(ctx context.Context, st *trainedState, q []float32, maxDist float32, k int, want func([]vec.Neighbor) bool) ([]vec.Neighbor, error) {
	n := st.index.Len()
	present := map[int32]bool{}
	for {
		k = min(k, n)
		found := st.index.Search(q, k)
		exhausted := k == n
		for i, nb := range found {
			if nb.Dist > maxDist {
				found, exhausted = found[:i], true
				break
			}
		}
		found, err := s.live(ctx, st, found, present)
		if err != nil {
			return nil, err
		}
		if exhausted || want(found) {
			return found, nil
		}
		k *= 4
	}
}

// live drops the neighbors whose faces were deleted since the training:
// erasure takes effect at once, trained or not. present remembers what
// the store said of each entry asked about.
func (s *Service) live(ctx context.Context, st *trainedState, ns []vec.Neighbor, present map[int32]bool) ([]vec.Neighbor, error) {
	var ask []string
	for _, nb := range ns {
		if _, known := present[nb.ID]; !known {
			ask = append(ask, st.faceID(nb.ID))
			present[nb.ID] = false
		}
	}
	if len(ask) > 0 {
		existing, err := s.Store.FaceExisting(ctx, st.key.ref, ask)
		if err != nil {
			return nil, err
		}
		still := make(map[string]bool, len(existing))
		for _, id := range existing {
			still[id] = true
		}
		for _, nb := range ns {
			if still[st.faceID(nb.ID)] {
				present[nb.ID] = true
			}
		}
	}
	out := ns[:0:0]
	for _, nb := range ns {
		if present[nb.ID] {
			out = append(out, nb)
		}
	}
	return out, nil
}
