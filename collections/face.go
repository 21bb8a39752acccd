package collections

import (
	"context"
	"errors"
	"fmt"

	"facesnap"
	"facesnap/faceimage"
)

// ErrTargetFaceRequired answers an add-face without targetFace on a server
// without the face engine's weights: it cannot find the face itself, and
// the client can still frame it.
var ErrTargetFaceRequired = facesnap.Invalidf("Parameter targetFace is required: this server has no face detector loaded (its operator runs scripts/fetch-models and starts it with --models), so give the face rectangle as targetFace=left,top,width,height.")

// AddFaceParams describe a face to persist. The image comes from Image, or
// from URL when ByURL is set; it is only read, never stored.
type AddFaceParams struct {
	Kind           facesnap.Kind
	CollectionID   string
	PersonID       string // for PersonGroup and LargePersonGroup
	UserData       string
	TargetFace     string // "left,top,width,height"
	DetectionModel string // empty: detection_01
	Image          []byte
	ByURL          bool
	URL            string
}

func maxFaces(k facesnap.Kind) (int, string) {
	per := "person"
	if !k.HasPersons() {
		per = lowerPhrase(k)
	}
	return k.MaxFaces(), per
}

// AddFace persists a face of an image on a list or a person: its rectangle,
// descriptor, detection model and userData. Without targetFace the image
// must hold exactly one face, which the engine finds. Without an Engine a
// targetFace is required and the face gets no descriptor.
func (s *Service) AddFace(ctx context.Context, acct facesnap.Account, p AddFaceParams) (facesnap.Face, error) {
	personID, err := s.checkFaceOwner(p.Kind, p.CollectionID, p.PersonID)
	if err != nil {
		return facesnap.Face{}, err
	}
	p.PersonID = personID
	if err := facesnap.CheckUserData(p.UserData, facesnap.MaxFaceUserDataLength); err != nil {
		return facesnap.Face{}, err
	}
	model, err := DetectionModel(p.DetectionModel)
	if err != nil {
		return facesnap.Face{}, err
	}
	var target *facesnap.Rect
	if p.TargetFace != "" {
		rect, err := faceimage.ParseRect(p.TargetFace)
		if err != nil {
			return facesnap.Face{}, err
		}
		target = &rect
	} else if s.Engine == nil {
		return facesnap.Face{}, ErrTargetFaceRequired
	}
	r := ref(acct, p.Kind, p.CollectionID)
	// Refuse a missing list or person before fetching or decoding
	// anything: it is cheap, and the service answers 404 first.
	if p.Kind.HasPersons() {
		_, err = s.Store.PersonGet(ctx, r, p.PersonID)
	} else {
		_, err = s.Store.CollectionGet(ctx, r)
	}
	if err != nil {
		return facesnap.Face{}, err
	}
	data, err := s.imageData(ctx, p.Image, p.ByURL, p.URL)
	if err != nil {
		return facesnap.Face{}, err
	}
	img, err := faceimage.Decode(data)
	if err != nil {
		return facesnap.Face{}, err
	}
	pic := newUpright(img, data)
	var rect facesnap.Rect
	var feature []float32
	if target != nil {
		if err := pic.checkFace(*target); err != nil {
			return facesnap.Face{}, err
		}
		rect = *target
	}
	// The engine runs outside any transaction: it costs tens of
	// milliseconds a face, which no lock should be held for.
	if s.Engine != nil {
		if rect, feature, err = s.describeFace(ctx, pic, target); err != nil {
			return facesnap.Face{}, err
		}
	}
	face := facesnap.Face{
		ID:             s.newID(),
		PersonID:       p.PersonID,
		UserData:       p.UserData,
		Rect:           rect,
		DetectionModel: model,
		Feature:        feature,
		CreatedAt:      s.now(),
	}
	// The rule every stored face meets, snapshots' included; the engine's
	// output breaking it is a bug to surface, not to store.
	if err := face.Validate(p.Kind); err != nil {
		return facesnap.Face{}, fmt.Errorf("new face breaks the stored-face rules: %v", err)
	}
	limit, per := maxFaces(p.Kind)
	err = s.Store.FaceAdd(ctx, facesnap.FaceAddParams{Ref: r, Face: face, MaxFaces: limit})
	if errors.Is(err, facesnap.ErrQuota) {
		return facesnap.Face{}, &facesnap.QuotaError{Message: fmt.Sprintf("Persisted face number reached limit: at most %d per %s.", limit, per)}
	}
	if err != nil {
		return facesnap.Face{}, err
	}
	return face, nil
}

// GetFace returns a persisted face of a list or of a person.
func (s *Service) GetFace(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, collectionID, personID, faceID string) (facesnap.Face, error) {
	personID, faceID, err := s.checkFaceRef(kind, collectionID, personID, faceID)
	if err != nil {
		return facesnap.Face{}, err
	}
	return s.Store.FaceGet(ctx, ref(acct, kind, collectionID), personID, faceID)
}

// ListFaces lists a LargeFaceList's faces sorted by id.
func (s *Service) ListFaces(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, collectionID string, page Page) ([]facesnap.Face, error) {
	if err := checkExistingID(kind, collectionID); err != nil {
		return nil, err
	}
	if kind.HasPersons() {
		return nil, fmt.Errorf("list faces of %s: faces belong to persons", kind)
	}
	page, err := page.check()
	if err != nil {
		return nil, err
	}
	return s.Store.FaceList(ctx, facesnap.FaceListParams{Ref: ref(acct, kind, collectionID), Start: page.Start, Top: page.Top})
}

// UpdateFace changes a face's userData. A nil userData changes nothing.
func (s *Service) UpdateFace(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, collectionID, personID, faceID string, userData *string) error {
	personID, faceID, err := s.checkFaceRef(kind, collectionID, personID, faceID)
	if err != nil {
		return err
	}
	r := ref(acct, kind, collectionID)
	if userData == nil {
		_, err := s.Store.FaceGet(ctx, r, personID, faceID)
		return err
	}
	if err := facesnap.CheckUserData(*userData, facesnap.MaxFaceUserDataLength); err != nil {
		return err
	}
	return s.Store.FaceUpdate(ctx, facesnap.FaceUpdateParams{Ref: r, PersonID: personID, FaceID: faceID, UserData: *userData})
}

// DeleteFace removes a persisted face.
func (s *Service) DeleteFace(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, collectionID, personID, faceID string) error {
	personID, faceID, err := s.checkFaceRef(kind, collectionID, personID, faceID)
	if err != nil {
		return err
	}
	return s.Store.FaceDelete(ctx, ref(acct, kind, collectionID), personID, faceID)
}

// checkFaceOwner checks the ids of the list or person a face belongs to.
// It returns the person id as stored.
func (s *Service) checkFaceOwner(kind facesnap.Kind, collectionID, personID string) (string, error) {
	if err := checkExistingID(kind, collectionID); err != nil {
		return "", err
	}
	if kind.HasPersons() {
		return checkUUID(facesnap.ObjectPerson, personID)
	}
	if personID != "" {
		return "", fmt.Errorf("faces of %s belong to no person", kind)
	}
	return "", nil
}

// checkFaceRef checks a face's ids and returns the person and face ids as
// stored.
func (s *Service) checkFaceRef(kind facesnap.Kind, collectionID, personID, faceID string) (string, string, error) {
	personID, err := s.checkFaceOwner(kind, collectionID, personID)
	if err != nil {
		return "", "", err
	}
	faceID, err = checkUUID(facesnap.ObjectPersistedFace, faceID)
	return personID, faceID, err
}
