package sdktest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
)

// collection is the part every collection kind shares, read back through
// that kind's own client and model.
type collection struct {
	ID       string
	Name     string
	UserData string
	Model    face.RecognitionModel
}

// kind adapts one collection kind's official client to a common shape so
// that the same lifecycle runs on all four.
type kind struct {
	name     string
	notFound string // error code for a missing collection
	exists   string // error code for a duplicate create
	paged    bool   // List takes start/top
	create   func(ctx context.Context, c clients, id string, body face.MetaDataContract) (autorest.Response, error)
	get      func(ctx context.Context, c clients, id string, rrm bool) (collection, error)
	update   func(ctx context.Context, c clients, id string, body face.NameAndUserDataContract) (autorest.Response, error)
	list     func(ctx context.Context, c clients, start string, top *int32, rrm bool) ([]collection, error)
	del      func(ctx context.Context, c clients, id string) (autorest.Response, error)
}

var kinds = []kind{
	{
		name: "FaceList", notFound: "FaceListNotFound", exists: "FaceListExists",
		create: func(ctx context.Context, c clients, id string, b face.MetaDataContract) (autorest.Response, error) {
			return c.FaceList.Create(ctx, id, b)
		},
		get: func(ctx context.Context, c clients, id string, rrm bool) (collection, error) {
			r, err := c.FaceList.Get(ctx, id, &rrm)
			return collection{deref(r.FaceListID), deref(r.Name), deref(r.UserData), r.RecognitionModel}, err
		},
		update: func(ctx context.Context, c clients, id string, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.FaceList.Update(ctx, id, b)
		},
		list: func(ctx context.Context, c clients, _ string, _ *int32, rrm bool) ([]collection, error) {
			r, err := c.FaceList.List(ctx, &rrm)
			var out []collection
			if r.Value != nil {
				for _, v := range *r.Value {
					out = append(out, collection{deref(v.FaceListID), deref(v.Name), deref(v.UserData), v.RecognitionModel})
				}
			}
			return out, err
		},
		del: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.FaceList.Delete(ctx, id)
		},
	},
	{
		name: "LargeFaceList", notFound: "LargeFaceListNotFound", exists: "LargeFaceListExists",
		create: func(ctx context.Context, c clients, id string, b face.MetaDataContract) (autorest.Response, error) {
			return c.LargeFaceList.Create(ctx, id, b)
		},
		get: func(ctx context.Context, c clients, id string, rrm bool) (collection, error) {
			r, err := c.LargeFaceList.Get(ctx, id, &rrm)
			return collection{deref(r.LargeFaceListID), deref(r.Name), deref(r.UserData), r.RecognitionModel}, err
		},
		update: func(ctx context.Context, c clients, id string, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.LargeFaceList.Update(ctx, id, b)
		},
		list: func(ctx context.Context, c clients, _ string, _ *int32, rrm bool) ([]collection, error) {
			r, err := c.LargeFaceList.List(ctx, &rrm)
			var out []collection
			if r.Value != nil {
				for _, v := range *r.Value {
					out = append(out, collection{deref(v.LargeFaceListID), deref(v.Name), deref(v.UserData), v.RecognitionModel})
				}
			}
			return out, err
		},
		del: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.LargeFaceList.Delete(ctx, id)
		},
	},
	{
		name: "PersonGroup", notFound: "PersonGroupNotFound", exists: "PersonGroupExists", paged: true,
		create: func(ctx context.Context, c clients, id string, b face.MetaDataContract) (autorest.Response, error) {
			return c.PersonGroup.Create(ctx, id, b)
		},
		get: func(ctx context.Context, c clients, id string, rrm bool) (collection, error) {
			r, err := c.PersonGroup.Get(ctx, id, &rrm)
			return collection{deref(r.PersonGroupID), deref(r.Name), deref(r.UserData), r.RecognitionModel}, err
		},
		update: func(ctx context.Context, c clients, id string, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.PersonGroup.Update(ctx, id, b)
		},
		list: func(ctx context.Context, c clients, start string, top *int32, rrm bool) ([]collection, error) {
			r, err := c.PersonGroup.List(ctx, start, top, &rrm)
			var out []collection
			if r.Value != nil {
				for _, v := range *r.Value {
					out = append(out, collection{deref(v.PersonGroupID), deref(v.Name), deref(v.UserData), v.RecognitionModel})
				}
			}
			return out, err
		},
		del: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.PersonGroup.Delete(ctx, id)
		},
	},
	{
		name: "LargePersonGroup", notFound: "LargePersonGroupNotFound", exists: "LargePersonGroupExists", paged: true,
		create: func(ctx context.Context, c clients, id string, b face.MetaDataContract) (autorest.Response, error) {
			return c.LargePersonGroup.Create(ctx, id, b)
		},
		get: func(ctx context.Context, c clients, id string, rrm bool) (collection, error) {
			r, err := c.LargePersonGroup.Get(ctx, id, &rrm)
			return collection{deref(r.LargePersonGroupID), deref(r.Name), deref(r.UserData), r.RecognitionModel}, err
		},
		update: func(ctx context.Context, c clients, id string, b face.NameAndUserDataContract) (autorest.Response, error) {
			return c.LargePersonGroup.Update(ctx, id, b)
		},
		list: func(ctx context.Context, c clients, start string, top *int32, rrm bool) ([]collection, error) {
			r, err := c.LargePersonGroup.List(ctx, start, top, &rrm)
			var out []collection
			if r.Value != nil {
				for _, v := range *r.Value {
					out = append(out, collection{deref(v.LargePersonGroupID), deref(v.Name), deref(v.UserData), v.RecognitionModel})
				}
			}
			return out, err
		},
		del: func(ctx context.Context, c clients, id string) (autorest.Response, error) {
			return c.LargePersonGroup.Delete(ctx, id)
		},
	},
}

func ids(cs []collection) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// TestCollections_Lifecycle runs create, get, update, list and delete on
// every collection kind through its official client.
func TestCollections_Lifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx := ctxFor(t)
			c := tb.A
			id := "life-" + lower(k.name)

			r, err := k.create(ctx, c, id, face.MetaDataContract{Name: ptr("Original name"), UserData: ptr("original user data"), RecognitionModel: recognition03})
			must(t, err, "create")
			expectStatus(t, r, "create", http.StatusOK)

			got, err := k.get(ctx, c, id, false)
			must(t, err, "get")
			want := collection{ID: id, Name: "Original name", UserData: "original user data"}
			if got != want {
				t.Errorf("get = %+v, want %+v (recognitionModel omitted without returnRecognitionModel)", got, want)
			}
			got, err = k.get(ctx, c, id, true)
			must(t, err, "get returnRecognitionModel=true")
			if got.Model != recognition03 {
				t.Errorf("get returnRecognitionModel=true: recognitionModel %q, want %q", got.Model, recognition03)
			}

			// PATCH leaves omitted fields as they were.
			r, err = k.update(ctx, c, id, face.NameAndUserDataContract{Name: ptr("New name")})
			must(t, err, "update name only")
			expectStatus(t, r, "update", http.StatusOK)
			got, err = k.get(ctx, c, id, false)
			must(t, err, "get after name update")
			if got.Name != "New name" || got.UserData != "original user data" {
				t.Errorf("after PATCH {name}: %+v, want name changed and userData kept", got)
			}
			_, err = k.update(ctx, c, id, face.NameAndUserDataContract{UserData: ptr("new user data")})
			must(t, err, "update userData only")
			got, err = k.get(ctx, c, id, true)
			must(t, err, "get after userData update")
			if got.Name != "New name" || got.UserData != "new user data" || got.Model != recognition03 {
				t.Errorf("after PATCH {userData}: %+v, want name kept, userData changed, model kept", got)
			}

			list, err := k.list(ctx, c, "", nil, false)
			must(t, err, "list")
			i := slices.IndexFunc(list, func(x collection) bool { return x.ID == id })
			if i < 0 {
				t.Fatalf("list %v lacks %s", ids(list), id)
			}
			if list[i].Name != "New name" || list[i].UserData != "new user data" || list[i].Model != "" {
				t.Errorf("list entry %+v, want name/userData as updated and no recognitionModel", list[i])
			}
			list, err = k.list(ctx, c, "", nil, true)
			must(t, err, "list returnRecognitionModel=true")
			if i := slices.IndexFunc(list, func(x collection) bool { return x.ID == id }); i < 0 || list[i].Model != recognition03 {
				t.Errorf("list returnRecognitionModel=true: %+v, want %s with %s", list, id, recognition03)
			}

			_, err = k.create(ctx, c, id, face.MetaDataContract{Name: ptr("again")})
			expectAPIError(t, err, "create duplicate", http.StatusConflict, k.exists)

			r, err = k.del(ctx, c, id)
			must(t, err, "delete")
			expectStatus(t, r, "delete", http.StatusOK)
			_, err = k.get(ctx, c, id, false)
			expectAPIError(t, err, "get after delete", http.StatusNotFound, k.notFound)
			_, err = k.update(ctx, c, id, face.NameAndUserDataContract{Name: ptr("x")})
			expectAPIError(t, err, "update after delete", http.StatusNotFound, k.notFound)
			_, err = k.del(ctx, c, id)
			expectAPIError(t, err, "delete twice", http.StatusNotFound, k.notFound)
			list, err = k.list(ctx, c, "", nil, false)
			must(t, err, "list after delete")
			if slices.Contains(ids(list), id) {
				t.Errorf("list after delete still has %s: %v", id, ids(list))
			}

			// The id is free again after delete.
			_, err = k.create(ctx, c, id, face.MetaDataContract{Name: ptr("reborn")})
			must(t, err, "create again after delete")
		})
	}
}

// TestCollections_DefaultsAndModels checks create with nothing but a name,
// and every recognition model the newer clients send.
func TestCollections_DefaultsAndModels(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	models := []face.RecognitionModel{face.Recognition01, face.Recognition02, recognition03, recognition04}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx := ctxFor(t)
			id := "plain-" + lower(k.name)
			_, err := k.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr("only a name")})
			must(t, err, "create with only a name")
			got, err := k.get(ctx, tb.A, id, true)
			must(t, err, "get")
			if got.Name != "only a name" || got.Model != face.Recognition01 {
				t.Errorf("get = %+v, want name kept and recognitionModel recognition_01 by default", got)
			}
			if got.UserData != "<nil>" && got.UserData != "" {
				t.Errorf("userData = %q, want absent", got.UserData)
			}
			for _, m := range models {
				id := fmt.Sprintf("model-%s-%s", lower(k.name), m)
				_, err := k.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr(string(m)), RecognitionModel: m})
				must(t, err, "create with "+string(m))
				got, err := k.get(ctx, tb.A, id, true)
				must(t, err, "get "+string(m))
				if got.Model != m {
					t.Errorf("%s: recognitionModel %q, want %q", id, got.Model, m)
				}
			}
		})
	}
}

// TestCollections_ListPaging checks start (exclusive) and top, sorted by id,
// on the kinds whose List takes them.
func TestCollections_ListPaging(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, k := range kinds {
		if !k.paged {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			ctx := ctxFor(t)
			// Created out of order: the list must come back sorted.
			created := []string{"page-03", "page-01", "page-05", "page-02", "page-04"}
			for _, id := range created {
				_, err := k.create(ctx, tb.A, id, face.MetaDataContract{Name: ptr(id)})
				must(t, err, "create "+id)
			}
			all, err := k.list(ctx, tb.A, "", nil, false)
			must(t, err, "list all")
			if want := []string{"page-01", "page-02", "page-03", "page-04", "page-05"}; !slices.Equal(ids(all), want) {
				t.Errorf("list = %v, want %v", ids(all), want)
			}
			first, err := k.list(ctx, tb.A, "", ptr[int32](2), false)
			must(t, err, "list top=2")
			if want := []string{"page-01", "page-02"}; !slices.Equal(ids(first), want) {
				t.Errorf("top=2: %v, want %v", ids(first), want)
			}
			next, err := k.list(ctx, tb.A, "page-02", ptr[int32](2), false)
			must(t, err, "list start=page-02 top=2")
			if want := []string{"page-03", "page-04"}; !slices.Equal(ids(next), want) {
				t.Errorf("start=page-02 top=2: %v, want %v (start is exclusive)", ids(next), want)
			}
			last, err := k.list(ctx, tb.A, "page-04", ptr[int32](1000), false)
			must(t, err, "list start=page-04")
			if want := []string{"page-05"}; !slices.Equal(ids(last), want) {
				t.Errorf("start=page-04: %v, want %v", ids(last), want)
			}
			// start need not be an existing id.
			mid, err := k.list(ctx, tb.A, "page-025", nil, false)
			must(t, err, "list start=page-025")
			if want := []string{"page-03", "page-04", "page-05"}; !slices.Equal(ids(mid), want) {
				t.Errorf("start=page-025: %v, want %v", ids(mid), want)
			}
			end, err := k.list(ctx, tb.A, "page-05", nil, false)
			must(t, err, "list start=page-05")
			if len(end) != 0 {
				t.Errorf("start past the end: %v, want empty", ids(end))
			}
		})
	}
}

// TestCollections_ListEmpty checks that an account with nothing lists [].
func TestCollections_ListEmpty(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			got, err := k.list(ctxFor(t), tb.B, "", nil, false)
			must(t, err, "list")
			if len(got) != 0 {
				t.Errorf("list = %v, want empty", ids(got))
			}
		})
	}
}
