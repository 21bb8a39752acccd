package collections

import (
	"context"
	"errors"
	"fmt"

	"facesnap"
)

func checkPersonKind(k facesnap.Kind) error {
	if !k.HasPersons() {
		return fmt.Errorf("collection kind %q has no persons", k)
	}
	return nil
}

// PersonParams are the fields of a new person.
type PersonParams struct {
	Name     string
	UserData string
}

// CreatePerson adds a person to a PersonGroup or LargePersonGroup.
func (s *Service) CreatePerson(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, groupID string, p PersonParams) (facesnap.Person, error) {
	if err := checkPersonKind(kind); err != nil {
		return facesnap.Person{}, err
	}
	if err := checkExistingID(kind, groupID); err != nil {
		return facesnap.Person{}, err
	}
	if err := facesnap.CheckName(p.Name); err != nil {
		return facesnap.Person{}, err
	}
	if err := facesnap.CheckUserData(p.UserData, facesnap.MaxUserDataLength); err != nil {
		return facesnap.Person{}, err
	}
	person := facesnap.Person{ID: s.newID(), Name: p.Name, UserData: p.UserData, FaceIDs: []string{}}
	err := s.Store.PersonCreate(ctx, facesnap.PersonCreateParams{
		Ref:        ref(acct, kind, groupID),
		Person:     person,
		MaxPersons: kind.MaxPersons(),
	})
	if errors.Is(err, facesnap.ErrQuota) {
		return facesnap.Person{}, &facesnap.QuotaError{Message: fmt.Sprintf("Person number reached %s level limit: at most %d.", lowerPhrase(kind), kind.MaxPersons())}
	}
	if err != nil {
		return facesnap.Person{}, err
	}
	return person, nil
}

// GetPerson returns a person with its face ids.
func (s *Service) GetPerson(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, groupID, personID string) (facesnap.Person, error) {
	personID, err := s.checkPersonRef(kind, groupID, personID)
	if err != nil {
		return facesnap.Person{}, err
	}
	return s.Store.PersonGet(ctx, ref(acct, kind, groupID), personID)
}

// ListPersons lists a group's persons sorted by id.
func (s *Service) ListPersons(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, groupID string, page Page) ([]facesnap.Person, error) {
	if err := checkPersonKind(kind); err != nil {
		return nil, err
	}
	if err := checkExistingID(kind, groupID); err != nil {
		return nil, err
	}
	page, err := page.check()
	if err != nil {
		return nil, err
	}
	return s.Store.PersonList(ctx, facesnap.PersonListParams{Ref: ref(acct, kind, groupID), Start: page.Start, Top: page.Top})
}

// UpdatePerson changes a person's name or userData.
func (s *Service) UpdatePerson(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, groupID, personID string, p UpdateParams) error {
	personID, err := s.checkPersonRef(kind, groupID, personID)
	if err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	return s.Store.PersonUpdate(ctx, facesnap.PersonUpdateParams{Ref: ref(acct, kind, groupID), PersonID: personID, Name: p.Name, UserData: p.UserData})
}

// DeletePerson removes a person and its faces.
func (s *Service) DeletePerson(ctx context.Context, acct facesnap.Account, kind facesnap.Kind, groupID, personID string) error {
	personID, err := s.checkPersonRef(kind, groupID, personID)
	if err != nil {
		return err
	}
	return s.Store.PersonDelete(ctx, ref(acct, kind, groupID), personID)
}

// checkPersonRef checks a person's ids and returns the person id as
// stored.
func (s *Service) checkPersonRef(kind facesnap.Kind, groupID, personID string) (string, error) {
	if err := checkPersonKind(kind); err != nil {
		return "", err
	}
	if err := checkExistingID(kind, groupID); err != nil {
		return "", err
	}
	return checkUUID(facesnap.ObjectPerson, personID)
}
