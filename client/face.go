package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
)

// DetectionModel names the face detector used when adding a face.
type DetectionModel string

const (
	Detection01 DetectionModel = "detection_01" // the service's default
	Detection02 DetectionModel = "detection_02"
	Detection03 DetectionModel = "detection_03"
)

// PersistedFace is a face stored in a face list or for a person.
type PersistedFace struct {
	PersistedFaceID string `json:"persistedFaceId"`
	UserData        string `json:"userData,omitempty"`
}

// UpdateFaceRequest is the body that updates a persisted face.
type UpdateFaceRequest struct {
	UserData string `json:"userData,omitempty"`
}

// FaceRectangle is the targetFace of an add: the one face to take from an
// image with several.
type FaceRectangle struct {
	Left, Top, Width, Height int
}

// AddFaceOptions tunes adding a face. Zero fields are not sent.
type AddFaceOptions struct {
	UserData string // at most 1 KB
	// TargetFace picks the face when the image holds several.
	TargetFace     *FaceRectangle
	DetectionModel DetectionModel
}

func (o AddFaceOptions) query() url.Values {
	q := url.Values{}
	if o.UserData != "" {
		q.Set("userData", o.UserData)
	}
	if r := o.TargetFace; r != nil {
		q.Set("targetFace", fmt.Sprintf("%d,%d,%d,%d", r.Left, r.Top, r.Width, r.Height))
	}
	if o.DetectionModel != "" {
		q.Set("detectionModel", string(o.DetectionModel))
	}
	return q
}

// ImageURL is the JSON body that names an image by URL.
type ImageURL struct {
	URL string `json:"url"`
}

// Faces are the calls on the persisted faces of a person, and of a large
// face list through LargeFaceListFaces.
type Faces struct {
	c    *Client
	path string // …/persistedfaces
}

// Add detects the face in an image (JPEG, PNG, GIF, BMP; 1 KB to 6 MB),
// streamed as application/octet-stream, and stores it. An image that is
// also an io.Seeker (*os.File, *bytes.Reader) is sent with its length and
// can be retried.
func (f Faces) Add(ctx context.Context, image io.Reader, opts AddFaceOptions) (PersistedFace, error) {
	if image == nil {
		return PersistedFace{}, errors.New("add face: nil image")
	}
	var v PersistedFace
	_, err := f.c.call(ctx, request{method: http.MethodPost, path: f.path, query: opts.query(), stream: image, want: http.StatusOK}, &v)
	return v, err
}

// AddURL stores the face of the image at imageURL, which the server fetches.
func (f Faces) AddURL(ctx context.Context, imageURL string, opts AddFaceOptions) (PersistedFace, error) {
	var v PersistedFace
	_, err := f.c.call(ctx, request{method: http.MethodPost, path: f.path, query: opts.query(), body: ImageURL{imageURL}, want: http.StatusOK}, &v)
	return v, err
}

// Get returns a persisted face.
func (f Faces) Get(ctx context.Context, persistedFaceID string) (PersistedFace, error) {
	var v PersistedFace
	_, err := f.c.call(ctx, request{method: http.MethodGet, path: f.item(persistedFaceID), want: http.StatusOK}, &v)
	return v, err
}

// Update changes a face's user data.
func (f Faces) Update(ctx context.Context, persistedFaceID string, body UpdateFaceRequest) error {
	_, err := f.c.call(ctx, request{method: http.MethodPatch, path: f.item(persistedFaceID), body: body, want: http.StatusOK}, nil)
	return err
}

// Delete deletes a face.
func (f Faces) Delete(ctx context.Context, persistedFaceID string) error {
	_, err := f.c.call(ctx, request{method: http.MethodDelete, path: f.item(persistedFaceID), want: http.StatusOK}, nil)
	return err
}

func (f Faces) item(id string) string { return f.path + "/" + pathID(id) }

// LargeFaceListFaces are the calls on the faces of a large face list,
// which alone can be listed.
type LargeFaceListFaces struct{ Faces }

// List returns one page of faces, sorted by id.
func (f LargeFaceListFaces) List(ctx context.Context, opts PageOptions) ([]PersistedFace, error) {
	var list []PersistedFace
	_, err := f.c.call(ctx, request{method: http.MethodGet, path: f.path, query: opts.query(), want: http.StatusOK}, &list)
	return list, err
}

// All walks every face, a page at a time.
func (f LargeFaceListFaces) All(ctx context.Context) iter.Seq2[PersistedFace, error] {
	return all(ctx, f.List, func(v PersistedFace) string { return v.PersistedFaceID })
}

// FaceListFaces are the calls on the faces of a face list, which are only
// added and deleted: FaceLists().Get returns them.
type FaceListFaces struct{ f Faces }

// Add is Faces.Add.
func (l FaceListFaces) Add(ctx context.Context, image io.Reader, opts AddFaceOptions) (PersistedFace, error) {
	return l.f.Add(ctx, image, opts)
}

// AddURL is Faces.AddURL.
func (l FaceListFaces) AddURL(ctx context.Context, imageURL string, opts AddFaceOptions) (PersistedFace, error) {
	return l.f.AddURL(ctx, imageURL, opts)
}

// Delete is Faces.Delete.
func (l FaceListFaces) Delete(ctx context.Context, persistedFaceID string) error {
	return l.f.Delete(ctx, persistedFaceID)
}
