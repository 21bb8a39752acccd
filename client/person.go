package client

import (
	"context"
	"iter"
	"net/http"
)

// Person is a person of a person group or large person group.
type Person struct {
	PersonID string `json:"personId"`
	Name     string `json:"name,omitempty"`
	UserData string `json:"userData,omitempty"`
	// PersistedFaceIDs keeps an empty list apart from a missing one, so
	// that a person without faces round-trips as the server sent it.
	PersistedFaceIDs []string `json:"persistedFaceIds,omitzero"`
}

// Persons are the calls on the persons of one group.
type Persons struct {
	c    *Client
	path string // …/{groupId}/persons
}

func persons(k kind, groupID string) Persons { return Persons{k.c, k.item(groupID) + "/persons"} }

// Create creates a person and returns it with its new PersonID.
func (p Persons) Create(ctx context.Context, body NameAndUserDataContract) (Person, error) {
	var v Person
	_, err := p.c.call(ctx, request{method: http.MethodPost, path: p.path, body: body, want: http.StatusOK}, &v)
	return v, err
}

// Get returns a person.
func (p Persons) Get(ctx context.Context, personID string) (Person, error) {
	var v Person
	_, err := p.c.call(ctx, request{method: http.MethodGet, path: p.item(personID), want: http.StatusOK}, &v)
	return v, err
}

// List returns one page of persons, sorted by id.
func (p Persons) List(ctx context.Context, opts PageOptions) ([]Person, error) {
	var list []Person
	_, err := p.c.call(ctx, request{method: http.MethodGet, path: p.path, query: opts.query(), want: http.StatusOK}, &list)
	return list, err
}

// Update changes a person's name or user data.
func (p Persons) Update(ctx context.Context, personID string, body NameAndUserDataContract) error {
	_, err := p.c.call(ctx, request{method: http.MethodPatch, path: p.item(personID), body: body, want: http.StatusOK}, nil)
	return err
}

// Delete deletes a person and its faces.
func (p Persons) Delete(ctx context.Context, personID string) error {
	_, err := p.c.call(ctx, request{method: http.MethodDelete, path: p.item(personID), want: http.StatusOK}, nil)
	return err
}

// All walks every person, a page at a time.
func (p Persons) All(ctx context.Context) iter.Seq2[Person, error] {
	return all(ctx, p.List, func(v Person) string { return v.PersonID })
}

// Faces returns the calls on a person's faces.
func (p Persons) Faces(personID string) Faces {
	return Faces{p.c, p.item(personID) + "/persistedfaces"}
}

func (p Persons) item(personID string) string { return p.path + "/" + pathID(personID) }
