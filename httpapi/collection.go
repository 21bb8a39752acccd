package httpapi

import (
	"net/http"

	"facesnap"
	"facesnap/collections"
)

// kindRoute is how the API spells a collection kind: its path segment and
// the name of its id.
type kindRoute struct {
	Kind  facesnap.Kind
	Path  string // "/persongroups"
	Param string // "personGroupId"
}

var kinds = []kindRoute{
	{facesnap.KindFaceList, "/facelists", "faceListId"},
	{facesnap.KindLargeFaceList, "/largefacelists", "largeFaceListId"},
	{facesnap.KindPersonGroup, "/persongroups", "personGroupId"},
	{facesnap.KindLargePersonGroup, "/largepersongroups", "largePersonGroupId"},
}

func (k kindRoute) item() string { return k.Path + "/{" + k.Param + "}" }

// registerKind registers the routes of one collection kind.
func (s *Server) registerKind(k kindRoute) {
	item := k.item()
	s.handle("GET "+k.Path, s.listCollections(k))
	s.handle("PUT "+item, s.createCollection(k))
	s.handle("GET "+item, s.getCollection(k))
	s.handle("PATCH "+item, s.updateCollection(k))
	s.handle("DELETE "+item, s.deleteCollection(k))

	faces := item + "/persistedfaces"
	face := faces + "/{persistedFaceId}"
	switch k.Kind {
	case facesnap.KindFaceList:
		s.handle("POST "+faces, s.addFace(k, false))
		s.handle("DELETE "+face, s.deleteFace(k, false))
	case facesnap.KindLargeFaceList:
		s.handle("GET "+faces, s.listFaces(k))
		s.handle("POST "+faces, s.addFace(k, false))
		s.handle("GET "+face, s.getFace(k, false))
		s.handle("PATCH "+face, s.updateFace(k, false))
		s.handle("DELETE "+face, s.deleteFace(k, false))
	default:
		s.registerPersons(k)
	}
	if k.Kind.Trainable() {
		s.handle("POST "+item+"/train", s.train(k))
		s.handle("GET "+item+"/training", s.trainingStatus(k))
	}
}

// collectionJSON is FaceList, LargeFaceList, PersonGroup and
// LargePersonGroup on the wire: the id field's name depends on the kind.
type collectionJSON struct {
	FaceListID         string      `json:"faceListId,omitempty"`
	LargeFaceListID    string      `json:"largeFaceListId,omitempty"`
	PersonGroupID      string      `json:"personGroupId,omitempty"`
	LargePersonGroupID string      `json:"largePersonGroupId,omitempty"`
	Name               string      `json:"name"`
	UserData           *string     `json:"userData,omitempty"`
	RecognitionModel   string      `json:"recognitionModel,omitempty"`
	PersistedFaces     *[]faceJSON `json:"persistedFaces,omitempty"`
}

func toCollectionJSON(c facesnap.Collection, withModel bool) collectionJSON {
	out := collectionJSON{Name: c.Name, UserData: optString(c.UserData)}
	switch c.Kind {
	case facesnap.KindFaceList:
		out.FaceListID = c.ID
	case facesnap.KindLargeFaceList:
		out.LargeFaceListID = c.ID
	case facesnap.KindPersonGroup:
		out.PersonGroupID = c.ID
	case facesnap.KindLargePersonGroup:
		out.LargePersonGroupID = c.ID
	}
	if withModel {
		out.RecognitionModel = c.RecognitionModel
	}
	return out
}

// metaDataJSON is MetaDataContract and NameAndUserDataContract: pointers
// tell a field left out (unchanged by PATCH) from an empty one.
type metaDataJSON struct {
	Name             *string `json:"name"`
	UserData         *string `json:"userData,omitempty"`
	RecognitionModel *string `json:"recognitionModel"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// page reads the start and top query parameters.
func page(r *http.Request) (collections.Page, error) {
	top, err := queryInt(r, "top")
	if err != nil {
		return collections.Page{}, err
	}
	return collections.Page{Start: r.URL.Query().Get("start"), Top: top}, nil
}

func (s *Server) listCollections(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		withModel, err := queryBool(r, "returnRecognitionModel")
		if err != nil {
			return err
		}
		p, err := page(r)
		if err != nil {
			return err
		}
		list, err := s.cfg.Collections.List(r.Context(), acct, k.Kind, p)
		if err != nil {
			return err
		}
		out := make([]collectionJSON, len(list))
		for i, c := range list {
			out[i] = toCollectionJSON(c, withModel)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Server) createCollection(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		var body metaDataJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		err := s.cfg.Collections.Create(r.Context(), acct, collections.CreateParams{
			Kind:             k.Kind,
			ID:               r.PathValue(k.Param),
			Name:             deref(body.Name),
			UserData:         deref(body.UserData),
			RecognitionModel: deref(body.RecognitionModel),
		})
		if err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}

func (s *Server) getCollection(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		withModel, err := queryBool(r, "returnRecognitionModel")
		if err != nil {
			return err
		}
		id := r.PathValue(k.Param)
		if k.Kind == facesnap.KindFaceList {
			c, faces, err := s.cfg.Collections.GetFaceList(r.Context(), acct, id)
			if err != nil {
				return err
			}
			out := toCollectionJSON(c, withModel)
			fj := make([]faceJSON, len(faces))
			for i, f := range faces {
				fj[i] = toFaceJSON(f)
			}
			out.PersistedFaces = &fj
			writeJSON(w, http.StatusOK, out)
			return nil
		}
		c, err := s.cfg.Collections.Get(r.Context(), acct, k.Kind, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toCollectionJSON(c, withModel))
		return nil
	}
}

func (s *Server) updateCollection(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		var body metaDataJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		err := s.cfg.Collections.Update(r.Context(), acct, k.Kind, r.PathValue(k.Param),
			collections.UpdateParams{Name: body.Name, UserData: body.UserData})
		if err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}

func (s *Server) deleteCollection(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		if err := s.cfg.Collections.Delete(r.Context(), acct, k.Kind, r.PathValue(k.Param)); err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}
