package httpapi

import (
	"net/http"

	"facesnap"
	"facesnap/collections"
)

func (s *Server) registerPersons(k kindRoute) {
	persons := k.item() + "/persons"
	person := persons + "/{personId}"
	faces := person + "/persistedfaces"
	face := faces + "/{persistedFaceId}"
	s.handle("GET "+persons, s.listPersons(k))
	s.handle("POST "+persons, s.createPerson(k))
	s.handle("GET "+person, s.getPerson(k))
	s.handle("PATCH "+person, s.updatePerson(k))
	s.handle("DELETE "+person, s.deletePerson(k))
	s.handle("POST "+faces, s.addFace(k, true))
	s.handle("GET "+face, s.getFace(k, true))
	s.handle("PATCH "+face, s.updateFace(k, true))
	s.handle("DELETE "+face, s.deleteFace(k, true))
}

// personJSON is Person on the wire; persistedFaceIds is always an array.
type personJSON struct {
	PersonID         string   `json:"personId"`
	Name             string   `json:"name"`
	UserData         *string  `json:"userData,omitempty"`
	PersistedFaceIDs []string `json:"persistedFaceIds"`
}

func toPersonJSON(p facesnap.Person) personJSON {
	ids := p.FaceIDs
	if ids == nil {
		ids = []string{}
	}
	return personJSON{PersonID: p.ID, Name: p.Name, UserData: optString(p.UserData), PersistedFaceIDs: ids}
}

// createdPersonJSON is the answer to a new person: its id only.
type createdPersonJSON struct {
	PersonID string `json:"personId"`
}

func (s *Server) listPersons(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		p, err := page(r)
		if err != nil {
			return err
		}
		list, err := s.cfg.Collections.ListPersons(r.Context(), acct, k.Kind, r.PathValue(k.Param), p)
		if err != nil {
			return err
		}
		out := make([]personJSON, len(list))
		for i, p := range list {
			out[i] = toPersonJSON(p)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Server) createPerson(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		var body metaDataJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		p, err := s.cfg.Collections.CreatePerson(r.Context(), acct, k.Kind, r.PathValue(k.Param),
			collections.PersonParams{Name: deref(body.Name), UserData: deref(body.UserData)})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, createdPersonJSON{PersonID: p.ID})
		return nil
	}
}

func (s *Server) getPerson(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		p, err := s.cfg.Collections.GetPerson(r.Context(), acct, k.Kind, r.PathValue(k.Param), r.PathValue("personId"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toPersonJSON(p))
		return nil
	}
}

func (s *Server) updatePerson(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		var body metaDataJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		err := s.cfg.Collections.UpdatePerson(r.Context(), acct, k.Kind, r.PathValue(k.Param), r.PathValue("personId"),
			collections.UpdateParams{Name: body.Name, UserData: body.UserData})
		if err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}

func (s *Server) deletePerson(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		if err := s.cfg.Collections.DeletePerson(r.Context(), acct, k.Kind, r.PathValue(k.Param), r.PathValue("personId")); err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}
