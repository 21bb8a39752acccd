package sdktest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/gofrs/uuid"

	"facesnap/sdktest/harness"
)

// holder adapts whatever holds persisted faces (a FaceList, a
// LargeFaceList, a person of either group kind) to one shape. get and
// update are nil where the official client has no such call (FaceList).
type holder struct {
	addStream func(ctx context.Context, img []byte, userData string, target []int32) (face.PersistedFace, error)
	addURL    func(ctx context.Context, url, userData string, target []int32) (face.PersistedFace, error)
	get       func(ctx context.Context, id uuid.UUID) (face.PersistedFace, error)
	update    func(ctx context.Context, id uuid.UUID, userData string) (autorest.Response, error)
	del       func(ctx context.Context, id uuid.UUID) (autorest.Response, error)
	// faces lists the faces as the parent object shows them; userData is
	// only there for FaceList and LargeFaceList.
	faces func(ctx context.Context) ([]face.PersistedFace, error)
	// parentNotFound is the code when the parent object is missing.
	parentNotFound string
}

type holderKind struct {
	name string
	// make creates a fresh parent named id in account c.
	make func(t *testing.T, ctx context.Context, c clients, id string) holder
}

func rc(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

var holderKinds = []holderKind{
	{name: "FaceList", make: func(t *testing.T, ctx context.Context, c clients, id string) holder {
		_, err := c.FaceList.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create face list")
		return holder{
			addStream: func(ctx context.Context, img []byte, ud string, tf []int32) (face.PersistedFace, error) {
				return c.FaceList.AddFaceFromStream(ctx, id, rc(img), ud, tf, "")
			},
			addURL: func(ctx context.Context, url, ud string, tf []int32) (face.PersistedFace, error) {
				return c.FaceList.AddFaceFromURL(ctx, id, face.ImageURL{URL: &url}, ud, tf, "")
			},
			del: func(ctx context.Context, fid uuid.UUID) (autorest.Response, error) {
				return c.FaceList.DeleteFace(ctx, id, fid)
			},
			faces: func(ctx context.Context) ([]face.PersistedFace, error) {
				l, err := c.FaceList.Get(ctx, id, nil)
				if l.PersistedFaces == nil {
					return nil, err
				}
				return *l.PersistedFaces, err
			},
			parentNotFound: "FaceListNotFound",
		}
	}},
	{name: "LargeFaceList", make: func(t *testing.T, ctx context.Context, c clients, id string) holder {
		_, err := c.LargeFaceList.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create large face list")
		return holder{
			addStream: func(ctx context.Context, img []byte, ud string, tf []int32) (face.PersistedFace, error) {
				return c.LargeFaceList.AddFaceFromStream(ctx, id, rc(img), ud, tf, "")
			},
			addURL: func(ctx context.Context, url, ud string, tf []int32) (face.PersistedFace, error) {
				return c.LargeFaceList.AddFaceFromURL(ctx, id, face.ImageURL{URL: &url}, ud, tf, "")
			},
			get: func(ctx context.Context, fid uuid.UUID) (face.PersistedFace, error) {
				return c.LargeFaceList.GetFace(ctx, id, fid)
			},
			update: func(ctx context.Context, fid uuid.UUID, ud string) (autorest.Response, error) {
				return c.LargeFaceList.UpdateFace(ctx, id, fid, face.UpdateFaceRequest{UserData: &ud})
			},
			del: func(ctx context.Context, fid uuid.UUID) (autorest.Response, error) {
				return c.LargeFaceList.DeleteFace(ctx, id, fid)
			},
			faces: func(ctx context.Context) ([]face.PersistedFace, error) {
				l, err := c.LargeFaceList.ListFaces(ctx, id, "", nil)
				if l.Value == nil {
					return nil, err
				}
				return *l.Value, err
			},
			parentNotFound: "LargeFaceListNotFound",
		}
	}},
	{name: "PersonGroupPerson", make: func(t *testing.T, ctx context.Context, c clients, id string) holder {
		_, err := c.PersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create person group")
		p, err := c.PersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr("someone")})
		must(t, err, "create person")
		pid := *p.PersonID
		return holder{
			addStream: func(ctx context.Context, img []byte, ud string, tf []int32) (face.PersistedFace, error) {
				return c.PersonGroupPerson.AddFaceFromStream(ctx, id, pid, rc(img), ud, tf, "")
			},
			addURL: func(ctx context.Context, url, ud string, tf []int32) (face.PersistedFace, error) {
				return c.PersonGroupPerson.AddFaceFromURL(ctx, id, pid, face.ImageURL{URL: &url}, ud, tf, "")
			},
			get: func(ctx context.Context, fid uuid.UUID) (face.PersistedFace, error) {
				return c.PersonGroupPerson.GetFace(ctx, id, pid, fid)
			},
			update: func(ctx context.Context, fid uuid.UUID, ud string) (autorest.Response, error) {
				return c.PersonGroupPerson.UpdateFace(ctx, id, pid, fid, face.UpdateFaceRequest{UserData: &ud})
			},
			del: func(ctx context.Context, fid uuid.UUID) (autorest.Response, error) {
				return c.PersonGroupPerson.DeleteFace(ctx, id, pid, fid)
			},
			faces: func(ctx context.Context) ([]face.PersistedFace, error) {
				p, err := c.PersonGroupPerson.Get(ctx, id, pid)
				return personFaces(p), err
			},
			parentNotFound: "PersonNotFound",
		}
	}},
	{name: "LargePersonGroupPerson", make: func(t *testing.T, ctx context.Context, c clients, id string) holder {
		_, err := c.LargePersonGroup.Create(ctx, id, face.MetaDataContract{Name: ptr(id)})
		must(t, err, "create large person group")
		p, err := c.LargePersonGroupPerson.Create(ctx, id, face.NameAndUserDataContract{Name: ptr("someone")})
		must(t, err, "create person")
		pid := *p.PersonID
		return holder{
			addStream: func(ctx context.Context, img []byte, ud string, tf []int32) (face.PersistedFace, error) {
				return c.LargePersonGroupPerson.AddFaceFromStream(ctx, id, pid, rc(img), ud, tf, "")
			},
			addURL: func(ctx context.Context, url, ud string, tf []int32) (face.PersistedFace, error) {
				return c.LargePersonGroupPerson.AddFaceFromURL(ctx, id, pid, face.ImageURL{URL: &url}, ud, tf, "")
			},
			get: func(ctx context.Context, fid uuid.UUID) (face.PersistedFace, error) {
				return c.LargePersonGroupPerson.GetFace(ctx, id, pid, fid)
			},
			update: func(ctx context.Context, fid uuid.UUID, ud string) (autorest.Response, error) {
				return c.LargePersonGroupPerson.UpdateFace(ctx, id, pid, fid, face.UpdateFaceRequest{UserData: &ud})
			},
			del: func(ctx context.Context, fid uuid.UUID) (autorest.Response, error) {
				return c.LargePersonGroupPerson.DeleteFace(ctx, id, pid, fid)
			},
			faces: func(ctx context.Context) ([]face.PersistedFace, error) {
				p, err := c.LargePersonGroupPerson.Get(ctx, id, pid)
				return personFaces(p), err
			},
			parentNotFound: "PersonNotFound",
		}
	}},
}

func personFaces(p face.Person) []face.PersistedFace {
	if p.PersistedFaceIds == nil {
		return nil
	}
	out := make([]face.PersistedFace, len(*p.PersistedFaceIds))
	for i := range *p.PersistedFaceIds {
		out[i].PersistedFaceID = &(*p.PersistedFaceIds)[i]
	}
	return out
}

func faceIDs(fs []face.PersistedFace) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		if f.PersistedFaceID != nil {
			out[i] = f.PersistedFaceID.String()
		}
	}
	slices.Sort(out)
	return out
}

func sortedIDs(ids ...uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	slices.Sort(out)
	return out
}

// target is a face rectangle inside the 200×200 test images.
var target = []int32{10, 20, 100, 110}

// TestFaces_Stream adds faces from an octet-stream body to every kind of
// face holder, then reads, updates and deletes them.
func TestFaces_Stream(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, hk := range holderKinds {
		t.Run(hk.name, func(t *testing.T) {
			ctx := ctxFor(t)
			h := hk.make(t, ctx, tb.A, "stream-"+lower(hk.name))

			f1, err := h.addStream(ctx, harness.JPEG(t, 200, 200, 1), "first face ü&=?", target)
			must(t, err, "add JPEG face with userData")
			if f1.PersistedFaceID == nil || *f1.PersistedFaceID == uuid.Nil {
				t.Fatalf("add face returned no persistedFaceId")
			}
			if f1.Response.StatusCode != http.StatusOK {
				t.Errorf("add face: HTTP %d, want 200", f1.Response.StatusCode)
			}
			f2, err := h.addStream(ctx, harness.PNG(t, 200, 200, 2), "", target)
			must(t, err, "add PNG face without userData")
			f3, err := h.addStream(ctx, harness.GIF(t, 200, 200, 3), "gif", target)
			must(t, err, "add GIF face")
			f4, err := h.addStream(ctx, harness.BMP(t, 200, 200, 4), "bmp", target)
			must(t, err, "add BMP face")
			id1, id2 := *f1.PersistedFaceID, *f2.PersistedFaceID

			fs, err := h.faces(ctx)
			must(t, err, "faces of the holder")
			if want := sortedIDs(id1, id2, *f3.PersistedFaceID, *f4.PersistedFaceID); !slices.Equal(faceIDs(fs), want) {
				t.Errorf("holder shows faces %v, want %v", faceIDs(fs), want)
			}
			if hk.name == "FaceList" || hk.name == "LargeFaceList" {
				for _, f := range fs {
					if *f.PersistedFaceID == id1 && deref(f.UserData) != "first face ü&=?" {
						t.Errorf("listed face userData = %s, want the percent-decoded original", deref(f.UserData))
					}
				}
			}

			if h.get != nil {
				got, err := h.get(ctx, id1)
				must(t, err, "get face")
				if got.PersistedFaceID == nil || *got.PersistedFaceID != id1 || deref(got.UserData) != "first face ü&=?" {
					t.Errorf("get face = %v %s, want %s with its userData", got.PersistedFaceID, deref(got.UserData), id1)
				}
				r, err := h.update(ctx, id1, "updated")
				must(t, err, "update face")
				expectStatus(t, r, "update face", http.StatusOK)
				got, err = h.get(ctx, id1)
				must(t, err, "get face after update")
				if deref(got.UserData) != "updated" {
					t.Errorf("face userData after update = %s, want updated", deref(got.UserData))
				}
				got, err = h.get(ctx, id2)
				must(t, err, "get face without userData")
				if got.UserData != nil && *got.UserData != "" {
					t.Errorf("face added without userData has userData %q", *got.UserData)
				}
			}

			r, err := h.del(ctx, id1)
			must(t, err, "delete face")
			expectStatus(t, r, "delete face", http.StatusOK)
			fs, err = h.faces(ctx)
			must(t, err, "faces after delete")
			if slices.Contains(faceIDs(fs), id1.String()) || !slices.Contains(faceIDs(fs), id2.String()) {
				t.Errorf("after deleting %s the holder shows %v", id1, faceIDs(fs))
			}
			_, err = h.del(ctx, id1)
			expectAPIError(t, err, "delete face twice", http.StatusNotFound, "PersistedFaceNotFound")
			if h.get != nil {
				_, err = h.get(ctx, id1)
				expectAPIError(t, err, "get deleted face", http.StatusNotFound, "PersistedFaceNotFound")
				_, err = h.update(ctx, id1, "x")
				expectAPIError(t, err, "update deleted face", http.StatusNotFound, "PersistedFaceNotFound")
				_, err = h.get(ctx, uuid.Must(uuid.NewV4()))
				expectAPIError(t, err, "get unknown face", http.StatusNotFound, "PersistedFaceNotFound")
			}
		})
	}
}

// TestFaces_URL adds faces from a {"url"} body served on loopback, which
// only a server started with --allow-private-urls fetches.
func TestFaces_URL(t *testing.T) {
	t.Parallel()
	tb := setup(t, "--allow-private-urls")
	url := harness.ServeImage(t, harness.JPEG(t, 200, 200, 7), "image/jpeg")
	for _, hk := range holderKinds {
		t.Run(hk.name, func(t *testing.T) {
			ctx := ctxFor(t)
			h := hk.make(t, ctx, tb.A, "url-"+lower(hk.name))
			f, err := h.addURL(ctx, url, "from a url", target)
			must(t, err, "add face from URL")
			if f.PersistedFaceID == nil {
				t.Fatal("no persistedFaceId")
			}
			fs, err := h.faces(ctx)
			must(t, err, "faces")
			if !slices.Equal(faceIDs(fs), sortedIDs(*f.PersistedFaceID)) {
				t.Errorf("holder shows %v, want [%s]", faceIDs(fs), f.PersistedFaceID)
			}
			if h.get != nil {
				got, err := h.get(ctx, *f.PersistedFaceID)
				must(t, err, "get face")
				if deref(got.UserData) != "from a url" {
					t.Errorf("userData = %s, want from a url", deref(got.UserData))
				}
			}
			_, err = h.addURL(ctx, url[:len(url)-len("/image")]+"/missing", "", target)
			expectAPIError(t, err, "add face from a URL that answers 404", http.StatusBadRequest, "InvalidURL")
			_, err = h.addURL(ctx, "not a url", "", target)
			expectAPIError(t, err, "add face from a malformed URL", http.StatusBadRequest, "InvalidURL")
		})
	}
}

// TestFaces_URLPolicy checks that by default the server refuses to fetch
// from loopback: a server that fetches any URL opens its own network.
func TestFaces_URLPolicy(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	url := harness.ServeImage(t, harness.JPEG(t, 200, 200, 8), "image/jpeg")
	h := holderKinds[1].make(t, ctx, tb.A, "policy")
	_, err := h.addURL(ctx, url, "", target)
	expectAPIError(t, err, "add face from a loopback URL without --allow-private-urls", http.StatusBadRequest, "InvalidURL")
	fs, err := h.faces(ctx)
	must(t, err, "faces")
	if len(fs) != 0 {
		t.Errorf("refused add left faces %v", faceIDs(fs))
	}
}

// TestFaces_BadInput covers what the client lets through and the server
// must refuse: not an image, too small, too large, no or bad targetFace,
// and a missing parent.
func TestFaces_BadInput(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, hk := range holderKinds {
		t.Run(hk.name, func(t *testing.T) {
			ctx := ctxFor(t)
			h := hk.make(t, ctx, tb.A, "bad-"+lower(hk.name))
			notImage := bytes.Repeat([]byte("this is not an image. "), 100)
			_, err := h.addStream(ctx, notImage, "", target)
			expectAPIError(t, err, "add a text file as a face", http.StatusBadRequest, "InvalidImage")

			png := harness.PNG(t, 200, 200, 9)
			_, err = h.addStream(ctx, png[:len(png)/2], "", target)
			expectAPIError(t, err, "add a truncated PNG", http.StatusBadRequest, "InvalidImage")

			_, err = h.addStream(ctx, png[:900], "", target)
			expectAPIError(t, err, "add an image under 1 KB", http.StatusBadRequest, "InvalidImageSize")

			// Without a detector targetFace is required; once the detector
			// lands, noise has no face in it. Either way: 400.
			_, err = h.addStream(ctx, png, "", nil)
			expectAPIError(t, err, "add a face without targetFace", http.StatusBadRequest, "BadArgument", "InvalidImage")

			_, err = h.addStream(ctx, png, "", []int32{150, 150, 100, 100})
			expectAPIError(t, err, "targetFace outside the image", http.StatusBadRequest)
			_, err = h.addStream(ctx, png, "", []int32{10, 10, 20, 20})
			expectAPIError(t, err, "targetFace under 36×36", http.StatusBadRequest)

			fs, err := h.faces(ctx)
			must(t, err, "faces")
			if len(fs) != 0 {
				t.Errorf("refused adds left faces %v", faceIDs(fs))
			}
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		ctx := ctxFor(t)
		h := holderKinds[1].make(t, ctx, tb.A, "too-large")
		big := harness.PNG(t, 1500, 1500, 10) // noise PNG: over 6 MB
		if len(big) <= 6<<20 {
			t.Fatalf("test image is only %d bytes", len(big))
		}
		_, err := h.addStream(ctx, big, "", target)
		expectAPIError(t, err, "add an image over 6 MB", http.StatusBadRequest, "InvalidImageSize")
	})
	t.Run("MissingParent", func(t *testing.T) {
		ctx := ctxFor(t)
		png := harness.PNG(t, 200, 200, 11)
		_, err := tb.A.FaceList.AddFaceFromStream(ctx, "nope", rc(png), "", target, "")
		expectAPIError(t, err, "add to a missing face list", http.StatusNotFound, "FaceListNotFound")
		_, err = tb.A.LargeFaceList.AddFaceFromStream(ctx, "nope", rc(png), "", target, "")
		expectAPIError(t, err, "add to a missing large face list", http.StatusNotFound, "LargeFaceListNotFound")
		_, err = tb.A.PersonGroupPerson.AddFaceFromStream(ctx, "nope", uuid.Must(uuid.NewV4()), rc(png), "", target, "")
		expectAPIError(t, err, "add to a person of a missing group", http.StatusNotFound, "PersonGroupNotFound")
		_, err = tb.A.LargePersonGroup.Create(ctx, "lpg", face.MetaDataContract{Name: ptr("x")})
		must(t, err, "create lpg")
		_, err = tb.A.LargePersonGroupPerson.AddFaceFromStream(ctx, "lpg", uuid.Must(uuid.NewV4()), rc(png), "", target, "")
		expectAPIError(t, err, "add to a missing person", http.StatusNotFound, "PersonNotFound")
	})
}

// TestFaces_LargeFaceListPaging checks start/top on a LargeFaceList's faces.
func TestFaces_LargeFaceListPaging(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	c := tb.A.LargeFaceList
	_, err := c.Create(ctx, "paged-faces", face.MetaDataContract{Name: ptr("paged")})
	must(t, err, "create")
	img := harness.PNG(t, 64, 64, 12)
	var all []uuid.UUID
	for i := 0; i < 6; i++ {
		f, err := c.AddFaceFromStream(ctx, "paged-faces", rc(img), "", []int32{0, 0, 40, 40}, "")
		must(t, err, "add face")
		all = append(all, *f.PersistedFaceID)
	}
	want := sortedIDs(all...)
	l, err := c.ListFaces(ctx, "paged-faces", "", nil)
	must(t, err, "list faces")
	if got := faceIDs(*l.Value); !slices.Equal(got, want) {
		t.Errorf("list = %v, want %v", got, want)
	}
	// The list must come sorted by id, not merely contain them.
	var order []string
	for _, f := range *l.Value {
		order = append(order, f.PersistedFaceID.String())
	}
	if !slices.IsSorted(order) {
		t.Errorf("faces not sorted by persistedFaceId: %v", order)
	}
	l, err = c.ListFaces(ctx, "paged-faces", "", ptr[int32](2))
	must(t, err, "list top=2")
	if got := faceIDs(*l.Value); !slices.Equal(got, want[:2]) {
		t.Errorf("top=2: %v, want %v", got, want[:2])
	}
	l, err = c.ListFaces(ctx, "paged-faces", want[1], ptr[int32](3))
	must(t, err, "list start=2nd top=3")
	if got := faceIDs(*l.Value); !slices.Equal(got, want[2:5]) {
		t.Errorf("start=%s top=3: %v, want %v", want[1], got, want[2:5])
	}
	l, err = c.ListFaces(ctx, "paged-faces", want[5], nil)
	must(t, err, "list start=last")
	if l.Value == nil || len(*l.Value) != 0 {
		t.Errorf("start=last: %v, want []", l.Value)
	}
}
