package recognition

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"facesnap"
)

// queryFaces returns the detected faces that ids name, in order. A face
// that is missing, expired or another account's does not exist for the
// caller: notFound(id) says so, as each operation words it.
func (s *Service) queryFaces(ctx context.Context, acct facesnap.Account, ids []string, notFound func(id string) error) ([]facesnap.DetectedFace, error) {
	now := s.now()
	out := make([]facesnap.DetectedFace, len(ids))
	for i, id := range ids {
		norm, ok := normalUUID(id)
		if !ok {
			return nil, notFound(id)
		}
		f, err := s.Store.DetectedFaceGet(ctx, acct.Name, norm)
		if errors.Is(err, facesnap.ErrNotFound) || (err == nil && !now.Before(f.ExpiresAt)) || (err == nil && len(f.Feature) == 0) {
			return nil, notFound(id)
		}
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// normalUUID is id as ids are stored, lower case; ok is false for an id
// that is not a uuid and so names nothing.
func normalUUID(id string) (string, bool) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return "", false
	}
	return strings.ToLower(id), true
}

// faceNotFound404 is how verify and find-similar answer a faceId that
// names nothing; identify and group answer 400 (faceNotFound400).
func faceNotFound404(id string) error {
	return &facesnap.NotFoundError{Object: facesnap.ObjectFace, Message: fmt.Sprintf("Face '%s' is not found.", id)}
}

func faceNotFound400(id string) error {
	return invalid(reasonFaceNotFound, "Face '%s' is not found.", id)
}

// sameModel checks that faces were all made with one recognition model,
// and with want when it is set.
func sameModel(want string, faces ...facesnap.DetectedFace) error {
	for _, f := range faces {
		if want == "" {
			want = f.RecognitionModel
		}
		if f.RecognitionModel != want {
			return errIncompatibleModel
		}
	}
	return nil
}

// checkFaceIDs checks a list of faceIds: its length and no duplicates.
func checkFaceIDs(field string, ids []string, lo, hi int) error {
	if len(ids) < lo || len(ids) > hi {
		return facesnap.Invalidf("The argument %s is invalid: it must hold between %d and %d face ids, it holds %d.", field, lo, hi, len(ids))
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		k := strings.ToLower(id)
		if seen[k] {
			return facesnap.Invalidf("The argument %s is invalid: face id '%s' is duplicated.", field, id)
		}
		seen[k] = true
	}
	return nil
}
