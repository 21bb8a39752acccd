package recognition

import (
	"context"
	"errors"
	"math"

	"facesnap"
)

// VerifyParams is a verify request: two faces (FaceID1, FaceID2), or a
// face and a person of exactly one group.
type VerifyParams struct {
	FaceID1, FaceID2   string
	FaceID, PersonID   string
	PersonGroupID      string
	LargePersonGroupID string
}

// VerifyResult says whether two faces, or a face and a person, are the
// same person: IsIdentical exactly when Confidence ≥ 0.5.
type VerifyResult struct {
	IsIdentical bool
	Confidence  float64
}

func verdict(d float32) VerifyResult {
	c := Confidence(d)
	return VerifyResult{IsIdentical: c >= 0.5, Confidence: c}
}

// Verify compares two faces, or a face with a person's faces.
func (s *Service) Verify(ctx context.Context, acct facesnap.Account, p VerifyParams) (VerifyResult, error) {
	if p.FaceID1 != "" || p.FaceID2 != "" {
		return s.verifyFaces(ctx, acct, p)
	}
	return s.verifyPerson(ctx, acct, p)
}

func (s *Service) verifyFaces(ctx context.Context, acct facesnap.Account, p VerifyParams) (VerifyResult, error) {
	if p.FaceID1 == "" || p.FaceID2 == "" {
		return VerifyResult{}, facesnap.Invalidf("Both faceId1 and faceId2 are required.")
	}
	faces, err := s.queryFaces(ctx, acct, []string{p.FaceID1, p.FaceID2}, faceNotFound404)
	if err != nil {
		return VerifyResult{}, err
	}
	if err := sameModel("", faces...); err != nil {
		return VerifyResult{}, err
	}
	return verdict(distance(faces[0].Feature, faces[1].Feature)), nil
}

func (s *Service) verifyPerson(ctx context.Context, acct facesnap.Account, p VerifyParams) (VerifyResult, error) {
	if p.FaceID == "" {
		return VerifyResult{}, facesnap.Invalidf("Either faceId1 and faceId2, or faceId and personId, are required.")
	}
	if p.PersonID == "" {
		return VerifyResult{}, facesnap.Invalidf("The argument personId is required with faceId.")
	}
	ref, err := groupRef(acct.Name, p.PersonGroupID, p.LargePersonGroupID)
	if err != nil {
		return VerifyResult{}, err
	}
	if !facesnap.ValidID(ref.ID) {
		return VerifyResult{}, facesnap.NotFound(facesnap.ObjectOf(ref.Kind), ref.ID)
	}
	personID, ok := normalUUID(p.PersonID)
	if !ok {
		return VerifyResult{}, facesnap.NotFound(facesnap.ObjectPerson, p.PersonID)
	}
	faces, err := s.queryFaces(ctx, acct, []string{p.FaceID}, faceNotFound404)
	if err != nil {
		return VerifyResult{}, err
	}
	c, err := s.Store.CollectionGet(ctx, ref)
	if err != nil {
		return VerifyResult{}, err
	}
	if err := sameModel(c.RecognitionModel, faces...); err != nil {
		return VerifyResult{}, err
	}
	// A person's faces are compared as they are now: verify needs no
	// training, as the service's does not.
	person, err := s.Store.PersonGet(ctx, ref, personID)
	if err != nil {
		return VerifyResult{}, err
	}
	best := float32(math.Inf(1))
	described := 0
	for _, id := range person.FaceIDs {
		f, err := s.Store.FaceGet(ctx, ref, personID, id)
		if errors.Is(err, facesnap.ErrNotFound) {
			continue // deleted since the person was read
		}
		if err != nil {
			return VerifyResult{}, err
		}
		if len(f.Feature) == 0 {
			continue
		}
		described++
		best = min(best, distance(faces[0].Feature, f.Feature))
	}
	if described == 0 {
		return VerifyResult{}, &facesnap.NotFoundError{Object: facesnap.ObjectPersistedFace,
			Message: "Person '" + p.PersonID + "' has no persisted face to verify against."}
	}
	return verdict(best), nil
}
