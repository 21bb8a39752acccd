package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"facesnap"
	"facesnap/collections"
	"facesnap/faceimage"
)

// maxImageBody caps an image body: the API's 6 MB limit plus slack, so
// that faceimage can tell an image that is slightly too big (with the
// service's message) while a huge body is refused without reading it.
const maxImageBody = faceimage.MaxImageBytes + 64<<10

// faceJSON is PersistedFace on the wire.
type faceJSON struct {
	PersistedFaceID string  `json:"persistedFaceId"`
	UserData        *string `json:"userData,omitempty"`
}

func toFaceJSON(f facesnap.Face) faceJSON {
	return faceJSON{PersistedFaceID: f.ID, UserData: optString(f.UserData)}
}

// addedFaceJSON is the answer to add-face: the new id only.
type addedFaceJSON struct {
	PersistedFaceID string `json:"persistedFaceId"`
}

// urlJSON is ImageUrl, the JSON body of add-face.
type urlJSON struct {
	URL *string `json:"url"`
}

// updateFaceJSON is UpdateFaceRequest.
type updateFaceJSON struct {
	UserData *string `json:"userData,omitempty"`
}

func personID(r *http.Request, person bool) string {
	if !person {
		return ""
	}
	return r.PathValue("personId")
}

func (s *Server) addFace(k kindRoute, person bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		q := r.URL.Query()
		p := collections.AddFaceParams{
			Kind:           k.Kind,
			CollectionID:   r.PathValue(k.Param),
			PersonID:       personID(r, person),
			UserData:       q.Get("userData"),
			TargetFace:     q.Get("targetFace"),
			DetectionModel: q.Get("detectionModel"),
		}
		var err error
		if p.Image, p.ByURL, p.URL, err = imageBody(w, r); err != nil {
			return err
		}
		f, err := s.cfg.Collections.AddFace(r.Context(), acct, p)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, addedFaceJSON{PersistedFaceID: f.ID})
		return nil
	}
}

// imageBody reads the image of an add-face or detect request: the bytes
// of an octet-stream body, or the url of a JSON one (byURL).
func imageBody(w http.ResponseWriter, r *http.Request) (data []byte, byURL bool, url string, err error) {
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	switch {
	case mt == "application/octet-stream":
		data, err = readImage(w, r)
		return data, false, "", err
	case isJSON(ct):
		var body urlJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return nil, false, "", err
		}
		return nil, true, deref(body.URL), nil
	}
	return nil, false, "", errMediaType
}

// readImage reads an image body of at most maxImageBody bytes.
func readImage(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxImageBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, faceimage.ErrTooBig
	}
	return data, err
}

func (s *Server) listFaces(k kindRoute) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		p, err := page(r)
		if err != nil {
			return err
		}
		faces, err := s.cfg.Collections.ListFaces(r.Context(), acct, k.Kind, r.PathValue(k.Param), p)
		if err != nil {
			return err
		}
		out := make([]faceJSON, len(faces))
		for i, f := range faces {
			out[i] = toFaceJSON(f)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Server) getFace(k kindRoute, person bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		f, err := s.cfg.Collections.GetFace(r.Context(), acct, k.Kind, r.PathValue(k.Param), personID(r, person), r.PathValue("persistedFaceId"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toFaceJSON(f))
		return nil
	}
}

func (s *Server) updateFace(k kindRoute, person bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		var body updateFaceJSON
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		err := s.cfg.Collections.UpdateFace(r.Context(), acct, k.Kind, r.PathValue(k.Param), personID(r, person), r.PathValue("persistedFaceId"), body.UserData)
		if err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}

func (s *Server) deleteFace(k kindRoute, person bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, acct facesnap.Account) error {
		err := s.cfg.Collections.DeleteFace(r.Context(), acct, k.Kind, r.PathValue(k.Param), personID(r, person), r.PathValue("persistedFaceId"))
		if err != nil {
			return err
		}
		writeEmpty(w, http.StatusOK)
		return nil
	}
}
