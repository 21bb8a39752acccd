package collections

import (
	"context"
	"errors"
	"fmt"

	"facesnap"
)

// CreateParams are the fields of a new collection.
type CreateParams struct {
	Kind             facesnap.Kind
	ID               string
	Name             string
	UserData         string
	RecognitionModel string // empty: recognition_01
}

// Create creates a collection.
func (s *Service) Create(ctx context.Context, acct facesnap.Account, p CreateParams) error {
	model := p.RecognitionModel
	if model == "" {
		model = facesnap.DefaultRecognitionModel
	}
	params := facesnap.CollectionCreateParams{Collection: facesnap.Collection{
		CollectionRef:    ref(acct, p.Kind, p.ID),
		Name:             p.Name,
		UserData:         p.UserData,
		RecognitionModel: model,
		CreatedAt:        s.now(),
	}, MaxPerAccount: p.Kind.MaxPerAccount()}
	if err := params.Collection.Validate(); err != nil {
		return err
	}
	err := s.Store.CollectionCreate(ctx, params)
	if errors.Is(err, facesnap.ErrQuota) {
		return &facesnap.QuotaError{Message: fmt.Sprintf("Face list number reached subscription level limit: at most %d.", facesnap.MaxFaceListsPerAccount)}
	}
	return err
}

// Get returns a collection.
func (s *Service) Get(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, id string) (facesnap.Collection, error) {
	if err := checkExistingID(kind, id); err != nil {
		return facesnap.Collection{}, err
	}
	return s.Store.CollectionGet(ctx, ref(acct, kind, id))
}

// GetFaceList returns a FaceList with its faces, read together so that
// they agree.
func (s *Service) GetFaceList(ctx context.Context, acct facesnap.Account, id string) (facesnap.Collection, []facesnap.Face, error) {
	if err := checkExistingID(facesnap.KindFaceList, id); err != nil {
		return facesnap.Collection{}, nil, err
	}
	r := ref(acct, facesnap.KindFaceList, id)
	var (
		c     facesnap.Collection
		faces []facesnap.Face
	)
	err := s.Store.InTx(ctx, func(st facesnap.Store) error {
		var err error
		if c, err = st.CollectionGet(ctx, r); err != nil {
			return err
		}
		faces, err = st.FaceList(ctx, facesnap.FaceListParams{Ref: r})
		return err
	})
	if err != nil {
		return facesnap.Collection{}, nil, err
	}
	return c, faces, nil
}

// List lists an account's collections of one kind, sorted by id.
func (s *Service) List(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, page Page) ([]facesnap.Collection, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	page, err := page.check()
	if err != nil {
		return nil, err
	}
	return s.Store.CollectionList(ctx, facesnap.CollectionListParams{Account: acct.Name, Kind: kind, Start: page.Start, Top: page.Top})
}

// errNothingToUpdate answers an update that names no field, as the
// service does.
var errNothingToUpdate = facesnap.Invalidf("Both 'name' and 'userData' are empty.")

// UpdateParams changes the fields that are not nil.
type UpdateParams struct {
	Name     *string
	UserData *string
}

func (p UpdateParams) check() error {
	if p.Name == nil && p.UserData == nil {
		return errNothingToUpdate
	}
	if p.Name != nil {
		if err := facesnap.CheckName(*p.Name); err != nil {
			return err
		}
	}
	if p.UserData != nil {
		if err := facesnap.CheckUserData(*p.UserData, facesnap.MaxUserDataLength); err != nil {
			return err
		}
	}
	return nil
}

// Update changes a collection's name or userData.
func (s *Service) Update(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, id string, p UpdateParams) error {
	if err := checkExistingID(kind, id); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	return s.Store.CollectionUpdate(ctx, facesnap.CollectionUpdateParams{Ref: ref(acct, kind, id), Name: p.Name, UserData: p.UserData})
}

// Delete removes a collection with everything it holds.
func (s *Service) Delete(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, id string) error {
	if err := checkExistingID(kind, id); err != nil {
		return err
	}
	return s.Store.CollectionDelete(ctx, ref(acct, kind, id))
}
