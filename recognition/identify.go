package recognition

import (
	"cmp"
	"context"
	"slices"

	"facesnap"
	"facesnap/recognition/vec"
)

// Identify's limits, as the service documents them.
const (
	MaxIdentifyFaces      = 10
	MaxIdentifyCandidates = 5
)

// IdentifyParams is an identify request: faces and exactly one group.
type IdentifyParams struct {
	FaceIDs            []string
	PersonGroupID      string
	LargePersonGroupID string
	// MaxCandidates is maxNumOfCandidatesReturned; nil means 1.
	MaxCandidates *int
	// ConfidenceThreshold; nil means DefaultIdentifyThreshold.
	ConfidenceThreshold *float64
}

// groupRef is the group a request names by exactly one of its two ids.
func groupRef(account, personGroupID, largePersonGroupID string) (facesnap.CollectionRef, error) {
	switch {
	case personGroupID != "" && largePersonGroupID != "":
		return facesnap.CollectionRef{}, invalid(reasonBothGroupIDs, "Only one of personGroupId and largePersonGroupId can be given.")
	case personGroupID != "":
		return facesnap.CollectionRef{Account: account, Kind: facesnap.KindPersonGroup, ID: personGroupID}, nil
	case largePersonGroupID != "":
		return facesnap.CollectionRef{Account: account, Kind: facesnap.KindLargePersonGroup, ID: largePersonGroupID}, nil
	}
	return facesnap.CollectionRef{}, invalid(reasonNoGroupID, "Either personGroupId or largePersonGroupId must be given.")
}

// Candidate is a person a face may be.
type Candidate struct {
	PersonID   string
	Confidence float64
}

// IdentifyResult is the answer for one face: its candidates, most
// confident first, none when nobody matches.
type IdentifyResult struct {
	FaceID     string
	Candidates []Candidate
}

func (p *IdentifyParams) check(account string) (facesnap.CollectionRef, int, float64, error) {
	if err := checkFaceIDs("faceIds", p.FaceIDs, 1, MaxIdentifyFaces); err != nil {
		return facesnap.CollectionRef{}, 0, 0, err
	}
	ref, err := groupRef(account, p.PersonGroupID, p.LargePersonGroupID)
	if err != nil {
		return ref, 0, 0, err
	}
	maxCandidates := 1
	if p.MaxCandidates != nil {
		maxCandidates = *p.MaxCandidates
	}
	if maxCandidates < 1 || maxCandidates > MaxIdentifyCandidates {
		return ref, 0, 0, facesnap.Invalidf("The argument maxNumOfCandidatesReturned is invalid: the valid range is between 1 and %d.", MaxIdentifyCandidates)
	}
	threshold := DefaultIdentifyThreshold
	if p.ConfidenceThreshold != nil {
		threshold = *p.ConfidenceThreshold
	}
	if !(threshold >= 0 && threshold <= 1) {
		return ref, 0, 0, facesnap.Invalidf("The argument confidenceThreshold is invalid: the valid range is between 0 and 1.")
	}
	return ref, maxCandidates, threshold, nil
}

// Identify finds, for each face, the persons of a trained group it most
// likely is.
func (s *Service) Identify(ctx context.Context, acct facesnap.Account, p IdentifyParams) ([]IdentifyResult, error) {
	ref, maxCandidates, threshold, err := p.check(acct.Name)
	if err != nil {
		return nil, err
	}
	if !facesnap.ValidID(ref.ID) {
		return nil, groupNotFound(ref.Kind, ref.ID)
	}
	st, err := s.trainedFor(ctx, ref, func() error { return groupNotFound(ref.Kind, ref.ID) })
	if err != nil {
		return nil, err
	}
	faces, err := s.queryFaces(ctx, acct, p.FaceIDs, faceNotFound400)
	if err != nil {
		return nil, err
	}
	if err := sameModel(st.recognitionModel, faces...); err != nil {
		return nil, err
	}
	maxDist := distanceFor(threshold)
	out := make([]IdentifyResult, len(faces))
	for i, f := range faces {
		// A person may have many faces near the query: ask for enough
		// faces to find maxCandidates persons.
		found, err := s.nearest(ctx, st, f.Feature, maxDist, 16*maxCandidates, func(ns []vec.Neighbor) bool {
			return len(persons(st, ns, threshold, maxCandidates)) >= maxCandidates
		})
		if err != nil {
			return nil, err
		}
		out[i] = IdentifyResult{FaceID: p.FaceIDs[i], Candidates: persons(st, found, threshold, maxCandidates)}
	}
	return out, nil
}

// persons turns face neighbors into person candidates: a person is as
// close as its closest face. At most max of them, at least threshold
// confident.
func persons(st *trainedState, ns []vec.Neighbor, threshold float64, max int) []Candidate {
	best := map[int32]float32{}
	for _, nb := range ns {
		p := st.personOf[nb.ID]
		if d, ok := best[p]; !ok || nb.Dist < d {
			best[p] = nb.Dist
		}
	}
	out := make([]Candidate, 0, len(best))
	for p, d := range best {
		if c := Confidence(d); c >= threshold {
			out = append(out, Candidate{PersonID: st.persons[p].String(), Confidence: c})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(a.PersonID, b.PersonID)
	})
	return out[:min(max, len(out))]
}
