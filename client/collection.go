package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// RecognitionModel names the feature extractor a collection is bound to.
type RecognitionModel string

const (
	Recognition01 RecognitionModel = "recognition_01" // the service's default
	Recognition02 RecognitionModel = "recognition_02"
	Recognition03 RecognitionModel = "recognition_03"
	Recognition04 RecognitionModel = "recognition_04"
)

// NameAndUserDataContract is the body that creates a person and that
// updates a collection or person; empty fields are left unchanged.
type NameAndUserDataContract struct {
	Name     string `json:"name,omitempty"`
	UserData string `json:"userData,omitempty"`
}

// MetaDataContract is the body that creates a collection. An empty
// RecognitionModel leaves the choice to the server (recognition_01).
type MetaDataContract struct {
	Name             string           `json:"name,omitempty"`
	UserData         string           `json:"userData,omitempty"`
	RecognitionModel RecognitionModel `json:"recognitionModel,omitempty"`
}

// ListOptions pages through a list of collections. Lists are sorted by id;
// Start is exclusive (the last id of the previous page), Top is at most
// 1000. Zero fields are not sent.
type ListOptions struct {
	Start                  string
	Top                    int
	ReturnRecognitionModel bool
}

// GetOptions tunes a collection Get.
type GetOptions struct {
	ReturnRecognitionModel bool
}

// PageOptions pages through persons and faces, as ListOptions does.
type PageOptions struct {
	Start string
	Top   int
}

func (o PageOptions) query() url.Values {
	q := url.Values{}
	if o.Start != "" {
		q.Set("start", o.Start)
	}
	if o.Top > 0 {
		q.Set("top", strconv.Itoa(o.Top))
	}
	return q
}

func returnRecognitionModel(q url.Values, on bool) url.Values {
	if on {
		q.Set("returnRecognitionModel", "true")
	}
	return q
}

// kind addresses one kind of collection, such as /persongroups.
type kind struct {
	c    *Client
	path string
}

func (k kind) item(id string) string { return k.path + "/" + pathID(id) }

// Collection is the model of a kind of collection.
type Collection interface {
	FaceList | LargeFaceList | PersonGroup | LargePersonGroup
}

// Collections holds the calls every kind of collection has; T is the
// kind's model. Get one from Client.FaceLists, LargeFaceLists,
// PersonGroups or LargePersonGroups.
type Collections[T Collection] struct{ kind }

// Create creates the collection id; its recognition model is fixed then.
func (k Collections[T]) Create(ctx context.Context, id string, body MetaDataContract) error {
	_, err := k.c.call(ctx, request{method: http.MethodPut, path: k.item(id), body: body, want: http.StatusOK}, nil)
	return err
}

// Get returns the collection id.
func (k Collections[T]) Get(ctx context.Context, id string, opts GetOptions) (T, error) {
	var v T
	q := returnRecognitionModel(url.Values{}, opts.ReturnRecognitionModel)
	_, err := k.c.call(ctx, request{method: http.MethodGet, path: k.item(id), query: q, want: http.StatusOK}, &v)
	return v, err
}

// Update changes the name or user data of the collection id.
func (k Collections[T]) Update(ctx context.Context, id string, body NameAndUserDataContract) error {
	_, err := k.c.call(ctx, request{method: http.MethodPatch, path: k.item(id), body: body, want: http.StatusOK}, nil)
	return err
}

// Delete deletes the collection id with its persons and faces.
func (k Collections[T]) Delete(ctx context.Context, id string) error {
	_, err := k.c.call(ctx, request{method: http.MethodDelete, path: k.item(id), want: http.StatusOK}, nil)
	return err
}

// List returns one page of collections.
func (k Collections[T]) List(ctx context.Context, opts ListOptions) ([]T, error) {
	q := returnRecognitionModel(PageOptions{Start: opts.Start, Top: opts.Top}.query(), opts.ReturnRecognitionModel)
	var list []T
	_, err := k.c.call(ctx, request{method: http.MethodGet, path: k.path, query: q, want: http.StatusOK}, &list)
	return list, err
}

// All walks every collection of the kind, a page at a time.
func (k Collections[T]) All(ctx context.Context, opts GetOptions) iter.Seq2[T, error] {
	list := func(ctx context.Context, p PageOptions) ([]T, error) {
		return k.List(ctx, ListOptions{Start: p.Start, Top: p.Top, ReturnRecognitionModel: opts.ReturnRecognitionModel})
	}
	return all(ctx, list, collectionID[T])
}

// collectionID returns the id of any kind of collection.
func collectionID[T Collection](v T) string {
	switch v := any(v).(type) {
	case FaceList:
		return v.FaceListID
	case LargeFaceList:
		return v.LargeFaceListID
	case PersonGroup:
		return v.PersonGroupID
	case LargePersonGroup:
		return v.LargePersonGroupID
	}
	panic("unreachable: T is constrained to the four kinds")
}
