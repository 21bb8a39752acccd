package recognition

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"facesnap"
	"facesnap/recognition/vec"
)

// Find-similar's limits and modes, as the service documents them.
const (
	MaxSimilarCandidates     = 1000
	DefaultSimilarCandidates = 20
	MaxSimilarFaceIDs        = 1000

	ModeMatchPerson = "matchPerson"
	ModeMatchFace   = "matchFace"
)

// FindSimilarParams is a find-similar request: a face, and exactly one of
// a face list, a large face list or a list of faceIds to search.
type FindSimilarParams struct {
	FaceID          string
	FaceListID      string
	LargeFaceListID string
	FaceIDs         []string
	// MaxCandidates is maxNumOfCandidatesReturned; nil means 20.
	MaxCandidates *int
	// Mode is matchPerson (default: only faces likely of the same person)
	// or matchFace (the nearest faces, however far).
	Mode string
}

// Similar is a face like the query: a persisted face of the list
// (PersistedFaceID) or one of the faceIds (FaceID).
type Similar struct {
	FaceID          string
	PersistedFaceID string
	Confidence      float64
}

func (p *FindSimilarParams) check() (max int, minConfidence float64, err error) {
	given := 0
	for _, set := range []bool{p.FaceListID != "", p.LargeFaceListID != "", p.FaceIDs != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return 0, 0, facesnap.Invalidf("Exactly one of faceListId, largeFaceListId and faceIds must be given.")
	}
	if p.FaceID == "" {
		return 0, 0, facesnap.Invalidf("The argument faceId is required.")
	}
	if p.FaceIDs != nil {
		if err := checkFaceIDs("faceIds", p.FaceIDs, 1, MaxSimilarFaceIDs); err != nil {
			return 0, 0, err
		}
	}
	max = DefaultSimilarCandidates
	if p.MaxCandidates != nil {
		max = *p.MaxCandidates
	}
	if max < 1 || max > MaxSimilarCandidates {
		return 0, 0, facesnap.Invalidf("The argument maxNumOfCandidatesReturned is invalid: the valid range is between 1 and %d.", MaxSimilarCandidates)
	}
	switch p.Mode {
	case "", ModeMatchPerson:
		minConfidence = DefaultIdentifyThreshold
	case ModeMatchFace:
	default:
		return 0, 0, facesnap.Invalidf("The argument mode is invalid: it must be %s or %s.", ModeMatchPerson, ModeMatchFace)
	}
	return max, minConfidence, nil
}

// FindSimilar finds the faces most like a face, most similar first.
func (s *Service) FindSimilar(ctx context.Context, acct facesnap.Account, p FindSimilarParams) ([]Similar, error) {
	max, minConfidence, err := p.check()
	if err != nil {
		return nil, err
	}
	query, err := s.queryFaces(ctx, acct, []string{p.FaceID}, faceNotFound404)
	if err != nil {
		return nil, err
	}
	q := query[0]
	if p.FaceIDs != nil {
		return s.similarFaces(ctx, acct, q, p.FaceIDs, max, minConfidence)
	}
	var st *trainedState
	if p.FaceListID != "" {
		st, err = s.faceListState(ctx, facesnap.CollectionRef{Account: acct.Name, Kind: facesnap.KindFaceList, ID: p.FaceListID})
	} else {
		ref := facesnap.CollectionRef{Account: acct.Name, Kind: facesnap.KindLargeFaceList, ID: p.LargeFaceListID}
		if !facesnap.ValidID(ref.ID) {
			return nil, groupNotFound(ref.Kind, ref.ID)
		}
		st, err = s.trainedFor(ctx, ref, func() error { return groupNotFound(ref.Kind, ref.ID) })
	}
	if err != nil {
		return nil, err
	}
	if err := sameModel(st.recognitionModel, q); err != nil {
		return nil, err
	}
	found, err := s.nearest(ctx, st, q.Feature, distanceFor(minConfidence), max, func(ns []vec.Neighbor) bool { return len(ns) >= max })
	if err != nil {
		return nil, err
	}
	out := make([]Similar, min(max, len(found)))
	for i := range out {
		out[i] = Similar{PersistedFaceID: st.faceID(found[i].ID), Confidence: Confidence(found[i].Dist)}
	}
	return out, nil
}

// faceListState is a FaceList's search index: a FaceList needs no
// training, so its state is its faces so far, rebuilt when one is added.
func (s *Service) faceListState(ctx context.Context, ref facesnap.CollectionRef) (*trainedState, error) {
	notFound := func() error { return groupNotFound(ref.Kind, ref.ID) }
	if !facesnap.ValidID(ref.ID) {
		return nil, notFound()
	}
	stats, err := s.Store.CollectionStats(ctx, ref)
	if errors.Is(err, facesnap.ErrNotFound) {
		s.forget(ref)
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if stats.Faces == 0 {
		return nil, invalid(reasonFaceListNotReady, "Face list '%s' is empty: add faces to it first.", ref.ID)
	}
	return s.stateFor(ctx, trainedKey{ref: ref, seq: stats.MaxSeq})
}

// similarFaces ranks the faces that ids name by their likeness to q.
func (s *Service) similarFaces(ctx context.Context, acct facesnap.Account, q facesnap.DetectedFace, ids []string, max int, minConfidence float64) ([]Similar, error) {
	faces, err := s.queryFaces(ctx, acct, ids, faceNotFound404)
	if err != nil {
		return nil, err
	}
	if err := sameModel(q.RecognitionModel, faces...); err != nil {
		return nil, err
	}
	var out []Similar
	for i, f := range faces {
		if c := Confidence(distance(q.Feature, f.Feature)); c >= minConfidence {
			out = append(out, Similar{FaceID: ids[i], Confidence: c})
		}
	}
	slices.SortStableFunc(out, func(a, b Similar) int { return cmp.Compare(b.Confidence, a.Confidence) })
	return out[:min(max, len(out))], nil
}
