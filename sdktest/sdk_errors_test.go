package sdktest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"

	"facesnap/sdktest/harness"
)

// TestErrors_WrongKey: a key that belongs to no account gets 401 on every
// kind, and the body still carries the service's error shape.
func TestErrors_WrongKey(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	_, err := tb.A.PersonGroup.Create(ctx, "mine", face.MetaDataContract{Name: ptr("mine")})
	must(t, err, "create with the right key")

	bad := newClients(tb.srv.Endpoint, harness.NewAccount().Key)
	_, err = bad.PersonGroup.Get(ctx, "mine", nil)
	expectAPIError(t, err, "get with a wrong key", http.StatusUnauthorized)
	_, err = bad.PersonGroup.List(ctx, "", nil, nil)
	expectAPIError(t, err, "list with a wrong key", http.StatusUnauthorized)
	_, err = bad.FaceList.Create(ctx, "x", face.MetaDataContract{Name: ptr("x")})
	expectAPIError(t, err, "create with a wrong key", http.StatusUnauthorized)
	_, err = bad.LargeFaceList.Delete(ctx, "x")
	expectAPIError(t, err, "delete with a wrong key", http.StatusUnauthorized)
	_, err = bad.LargePersonGroup.Train(ctx, "x")
	expectAPIError(t, err, "train with a wrong key", http.StatusUnauthorized)

	// A key of the right account with one character changed is still wrong.
	k := []byte(tb.a.Key)
	k[len(k)-1] ^= 1
	_, err = newClients(tb.srv.Endpoint, string(k)).PersonGroup.Get(ctx, "mine", nil)
	expectAPIError(t, err, "get with a near-miss key", http.StatusUnauthorized)
}

// TestErrors_FaceListQuota: 64 face lists per account, the 65th is refused
// with 403 QuotaExceeded, and other accounts are unaffected.
func TestErrors_FaceListQuota(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	for i := 0; i < 64; i++ {
		_, err := tb.A.FaceList.Create(ctx, fmt.Sprintf("fl-%02d", i), face.MetaDataContract{Name: ptr("n")})
		must(t, err, fmt.Sprintf("create face list %d of 64", i+1))
	}
	_, err := tb.A.FaceList.Create(ctx, "fl-64", face.MetaDataContract{Name: ptr("n")})
	expectAPIError(t, err, "create the 65th face list", http.StatusForbidden, "QuotaExceeded")
	_, err = tb.A.FaceList.Get(ctx, "fl-64", nil)
	expectAPIError(t, err, "the refused face list", http.StatusNotFound, "FaceListNotFound")
	l, err := tb.A.FaceList.List(ctx, nil)
	must(t, err, "list")
	if l.Value == nil || len(*l.Value) != 64 {
		t.Errorf("list has %d face lists, want 64", len(*l.Value))
	}
	_, err = tb.B.FaceList.Create(ctx, "fl-64", face.MetaDataContract{Name: ptr("n")})
	must(t, err, "another account's first face list")
	// Deleting one frees a slot.
	_, err = tb.A.FaceList.Delete(ctx, "fl-00")
	must(t, err, "delete one")
	_, err = tb.A.FaceList.Create(ctx, "fl-64", face.MetaDataContract{Name: ptr("n")})
	must(t, err, "create after freeing a slot")
}

// TestErrors_PersonFaceQuota: a person holds at most 248 faces.
func TestErrors_PersonFaceQuota(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	c := tb.A.LargePersonGroupPerson
	_, err := tb.A.LargePersonGroup.Create(ctx, "many", face.MetaDataContract{Name: ptr("many")})
	must(t, err, "create group")
	p, err := c.Create(ctx, "many", face.NameAndUserDataContract{Name: ptr("p")})
	must(t, err, "create person")
	img := harness.PNG(t, 48, 48, 50)
	for i := 0; i < 248; i++ {
		_, err := c.AddFaceFromStream(ctx, "many", *p.PersonID, rc(img), "", []int32{0, 0, 40, 40}, "")
		must(t, err, fmt.Sprintf("add face %d of 248", i+1))
	}
	_, err = c.AddFaceFromStream(ctx, "many", *p.PersonID, rc(img), "", []int32{0, 0, 40, 40}, "")
	expectAPIError(t, err, "add the 249th face to a person", http.StatusForbidden, "QuotaExceeded")
	got, err := c.Get(ctx, "many", *p.PersonID)
	must(t, err, "get person")
	if n := len(*got.PersistedFaceIds); n != 248 {
		t.Errorf("person has %d faces, want 248", n)
	}
}

// TestErrors_IDLimits: ids at the documented limits work.
func TestErrors_IDLimits(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	long := "a-_0" + fmt.Sprintf("%060d", 7) // 64 characters, every allowed class
	for _, k := range kinds {
		_, err := k.create(ctx, tb.A, long, face.MetaDataContract{Name: ptr("n")})
		must(t, err, k.name+": create with a 64-character id")
		got, err := k.get(ctx, tb.A, long, false)
		must(t, err, k.name+": get with a 64-character id")
		if got.ID != long {
			t.Errorf("%s: id %q, want %q", k.name, got.ID, long)
		}
	}
}

// TestErrors_FaceListFaceQuota: a FaceList holds at most 1,000 faces.
func TestErrors_FaceListFaceQuota(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := ctxFor(t)
	c := tb.A.FaceList
	_, err := c.Create(ctx, "full", face.MetaDataContract{Name: ptr("full")})
	must(t, err, "create")
	img := harness.PNG(t, 48, 48, 51)
	for i := 0; i < 1000; i++ {
		_, err := c.AddFaceFromStream(ctx, "full", rc(img), "", []int32{0, 0, 40, 40}, "")
		must(t, err, fmt.Sprintf("add face %d of 1000", i+1))
	}
	_, err = c.AddFaceFromStream(ctx, "full", rc(img), "", []int32{0, 0, 40, 40}, "")
	expectAPIError(t, err, "add the 1001st face to a face list", http.StatusForbidden, "QuotaExceeded")
	l, err := c.Get(ctx, "full", nil)
	must(t, err, "get")
	if n := len(*l.PersistedFaces); n != 1000 {
		t.Errorf("face list has %d faces, want 1000", n)
	}
}
