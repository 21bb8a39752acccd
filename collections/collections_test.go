package collections_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facesnap"
	"facesnap/collections"
	"facesnap/operations"
	"facesnap/recognition"
	"facesnap/sqlite"
)

var (
	acct  = facesnap.Account{Name: "acme", SubscriptionID: "11111111-1111-4111-8111-111111111111", ResourceGroup: "facesnap"}
	other = facesnap.Account{Name: "other", SubscriptionID: "22222222-2222-4222-8222-222222222222", ResourceGroup: "facesnap"}
)

type testBundle struct {
	store *sqlite.DB
	svc   *collections.Service
	// trainer works the trainings that svc queues.
	trainer  *recognition.Service
	fetcher  *fakeFetcher
	notified int
	now      time.Time
}

func (tb *testBundle) Notify() { tb.notified++ }

// fakeFetcher serves images by URL from a map.
type fakeFetcher map[string][]byte

func (f fakeFetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := f[url]; ok {
		return b, nil
	}
	return nil, &facesnap.InvalidError{Reason: facesnap.ReasonInvalidURL, Message: "Failed to download image from the specified URL."}
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "facesnap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, a := range []facesnap.Account{acct, other} {
		if err := db.AccountCreate(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	f := fakeFetcher{"https://example.test/face.png": pngImage(t, 200, 200)}
	tb := &testBundle{store: db, fetcher: &f, now: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)}
	tb.svc = &collections.Service{
		Store:    db,
		Fetcher:  f,
		Notifier: tb,
		Now:      func() time.Time { return tb.now },
	}
	tb.trainer = &recognition.Service{Store: db, Now: func() time.Time { return tb.now }}
	return tb
}

// pngImage returns a noisy PNG, so that it does not compress below the
// 1 KB minimum.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray(x, y, color.Gray{Y: uint8((x*31 + y*17 + x*y) % 251)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

// wantErr checks err against a sentinel (nil: success) and, for an
// InvalidError, its reason.
func wantErr(t *testing.T, err, want error, reason facesnap.Reason) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	var ie *facesnap.InvalidError
	if reason != "" && (!errors.As(err, &ie) || ie.Reason != reason) {
		t.Fatalf("err = %#v, want reason %s", err, reason)
	}
}

func (tb *testBundle) create(t *testing.T, a facesnap.Account, kind facesnap.Kind, id string) {
	t.Helper()
	if err := tb.svc.Create(t.Context(), a, collections.CreateParams{Kind: kind, ID: id, Name: "n"}); err != nil {
		t.Fatal(err)
	}
}

func TestService_Create(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		p      collections.CreateParams
		want   error
		reason facesnap.Reason
	}{
		{name: "OK", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "g-1_a", Name: "n", UserData: "u"}},
		{name: "OKLimits", p: collections.CreateParams{Kind: facesnap.KindLargeFaceList, ID: strings.Repeat("a", 64), Name: strings.Repeat("é", 128), UserData: strings.Repeat("u", 16384), RecognitionModel: "recognition_04"}},
		{name: "ErrExists", p: collections.CreateParams{Kind: facesnap.KindFaceList, ID: "taken", Name: "n"}, want: facesnap.ErrExists},
		{name: "ErrIDUpper", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "Upper", Name: "n"}, want: facesnap.ErrInvalid, reason: facesnap.ReasonBadArgument},
		{name: "ErrIDLong", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: strings.Repeat("a", 65), Name: "n"}, want: facesnap.ErrInvalid},
		{name: "ErrIDEmpty", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "", Name: "n"}, want: facesnap.ErrInvalid},
		{name: "ErrNoName", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "g"}, want: facesnap.ErrInvalid},
		{name: "ErrLongName", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "g", Name: strings.Repeat("n", 129)}, want: facesnap.ErrInvalid},
		{name: "ErrLongUserData", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "g", Name: "n", UserData: strings.Repeat("u", 16385)}, want: facesnap.ErrInvalid},
		{name: "ErrModel", p: collections.CreateParams{Kind: facesnap.KindPersonGroup, ID: "g", Name: "n", RecognitionModel: "recognition_05"}, want: facesnap.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.create(t, acct, facesnap.KindFaceList, "taken")
			err := tb.svc.Create(t.Context(), acct, tt.p)
			wantErr(t, err, tt.want, tt.reason)
			if err != nil {
				return
			}
			c, err := tb.svc.Get(t.Context(), acct, tt.p.Kind, tt.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			model := tt.p.RecognitionModel
			if model == "" {
				model = facesnap.DefaultRecognitionModel
			}
			if c.Name != tt.p.Name || c.UserData != tt.p.UserData || c.RecognitionModel != model || !c.CreatedAt.Equal(tb.now.Truncate(100)) {
				t.Errorf("Get = %+v, want what was created", c)
			}
			// Another account sees nothing.
			if _, err := tb.svc.Get(t.Context(), other, tt.p.Kind, tt.p.ID); !errors.Is(err, facesnap.ErrNotFound) {
				t.Errorf("Get by another account: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestService_FaceListQuota(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for i := range facesnap.MaxFaceListsPerAccount {
		tb.create(t, acct, facesnap.KindFaceList, fmt.Sprintf("fl-%02d", i))
	}
	err := tb.svc.Create(t.Context(), acct, collections.CreateParams{Kind: facesnap.KindFaceList, ID: "one-more", Name: "n"})
	var qe *facesnap.QuotaError
	if !errors.As(err, &qe) || !strings.Contains(qe.Message, "64") {
		t.Fatalf("65th face list: %v, want a QuotaError naming the limit", err)
	}
	// Other kinds and other accounts are not affected.
	tb.create(t, acct, facesnap.KindLargeFaceList, "one-more")
	tb.create(t, other, facesnap.KindFaceList, "one-more")
}

func TestService_UpdateListDelete(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	for _, id := range []string{"c", "a", "b"} {
		tb.create(t, acct, facesnap.KindLargePersonGroup, id)
	}
	t.Run("Update", func(t *testing.T) {
		tests := []struct {
			name string
			p    collections.UpdateParams
			want error
		}{
			{name: "UserDataOnly", p: collections.UpdateParams{UserData: ptr("ud")}},
			{name: "ErrNothing", p: collections.UpdateParams{}, want: facesnap.ErrInvalid},
			{name: "ErrEmptyName", p: collections.UpdateParams{Name: ptr("")}, want: facesnap.ErrInvalid},
			{name: "ErrLongUserData", p: collections.UpdateParams{UserData: ptr(strings.Repeat("u", 16385))}, want: facesnap.ErrInvalid},
		}
		for _, tt := range tests {
			wantErr(t, tb.svc.Update(ctx, acct, facesnap.KindLargePersonGroup, "a", tt.p), tt.want, "")
		}
		c, _ := tb.svc.Get(ctx, acct, facesnap.KindLargePersonGroup, "a")
		if c.Name != "n" || c.UserData != "ud" {
			t.Errorf("after updates: %+v, want name kept and userData set", c)
		}
		wantErr(t, tb.svc.Update(ctx, acct, facesnap.KindLargePersonGroup, "nope", collections.UpdateParams{Name: ptr("x")}), facesnap.ErrNotFound, "")
		wantErr(t, tb.svc.Update(ctx, other, facesnap.KindLargePersonGroup, "a", collections.UpdateParams{Name: ptr("x")}), facesnap.ErrNotFound, "")
	})
	t.Run("List", func(t *testing.T) {
		tests := []struct {
			page collections.Page
			want string
			err  error
		}{
			{page: collections.Page{}, want: "a,b,c"},
			{page: collections.Page{Start: "a", Top: 1}, want: "b"},
			{page: collections.Page{Start: "c"}, want: ""},
			{page: collections.Page{Top: 1001}, err: facesnap.ErrInvalid},
			{page: collections.Page{Top: -1}, err: facesnap.ErrInvalid},
		}
		for _, tt := range tests {
			list, err := tb.svc.List(ctx, acct, facesnap.KindLargePersonGroup, tt.page)
			wantErr(t, err, tt.err, "")
			var ids []string
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			if got := strings.Join(ids, ","); got != tt.want {
				t.Errorf("List(%+v) = %q, want %q", tt.page, got, tt.want)
			}
		}
	})
	t.Run("Delete", func(t *testing.T) {
		wantErr(t, tb.svc.Delete(ctx, other, facesnap.KindLargePersonGroup, "b"), facesnap.ErrNotFound, "")
		wantErr(t, tb.svc.Delete(ctx, acct, facesnap.KindLargePersonGroup, "b"), nil, "")
		wantErr(t, tb.svc.Delete(ctx, acct, facesnap.KindLargePersonGroup, "b"), facesnap.ErrNotFound, "")
		wantErr(t, tb.svc.Delete(ctx, acct, facesnap.KindLargePersonGroup, "Not.Valid"), facesnap.ErrNotFound, "")
	})
}

func TestService_Person(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	tb.create(t, acct, facesnap.KindPersonGroup, "g")
	tests := []struct {
		name string
		p    collections.PersonParams
		want error
	}{
		{name: "OK", p: collections.PersonParams{Name: "p", UserData: "u"}},
		{name: "ErrNoName", p: collections.PersonParams{}, want: facesnap.ErrInvalid},
		{name: "ErrLongUserData", p: collections.PersonParams{Name: "p", UserData: strings.Repeat("u", 16385)}, want: facesnap.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tb.svc.CreatePerson(ctx, acct, facesnap.KindPersonGroup, "g", tt.p)
			wantErr(t, err, tt.want, "")
			if err != nil {
				return
			}
			got, err := tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID)
			if err != nil || got.Name != "p" || got.UserData != "u" || len(got.FaceIDs) != 0 {
				t.Fatalf("GetPerson = %+v, %v", got, err)
			}
			wantErr(t, tb.svc.UpdatePerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID, collections.UpdateParams{Name: ptr("q")}), nil, "")
			got, _ = tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID)
			if got.Name != "q" || got.UserData != "u" {
				t.Errorf("after update: %+v", got)
			}
			_, err = tb.svc.GetPerson(ctx, other, facesnap.KindPersonGroup, "g", p.ID)
			wantErr(t, err, facesnap.ErrNotFound, "")
			wantErr(t, tb.svc.DeletePerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID), nil, "")
			_, err = tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID)
			wantErr(t, err, facesnap.ErrNotFound, "")
		})
	}
	t.Run("ErrBadIDs", func(t *testing.T) {
		_, err := tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", "not-a-uuid")
		var nf *facesnap.NotFoundError
		if !errors.As(err, &nf) || nf.Object != facesnap.ObjectPerson || nf.Message != "Person ID is invalid." {
			t.Errorf("person id not a uuid: %v, want PersonNotFound \"Person ID is invalid.\"", err)
		}
		_, err = tb.svc.CreatePerson(ctx, acct, facesnap.KindPersonGroup, "nope", collections.PersonParams{Name: "p"})
		wantErr(t, err, facesnap.ErrNotFound, "")
	})
	t.Run("UpperCaseIDs", func(t *testing.T) {
		// A uuid names the same person or face in either case.
		p, err := tb.svc.CreatePerson(ctx, acct, facesnap.KindPersonGroup, "g", collections.PersonParams{Name: "p"})
		wantErr(t, err, nil, "")
		up := strings.ToUpper
		f, err := tb.svc.AddFace(ctx, acct, collections.AddFaceParams{Kind: facesnap.KindPersonGroup, CollectionID: "g", PersonID: up(p.ID),
			TargetFace: "0,0,100,100", Image: pngImage(t, 200, 200)})
		wantErr(t, err, nil, "")
		got, err := tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID))
		if err != nil || got.ID != p.ID || len(got.FaceIDs) != 1 || got.FaceIDs[0] != f.ID {
			t.Fatalf("GetPerson(upper case) = %+v, %v; want %s with face %s", got, err, p.ID, f.ID)
		}
		wantErr(t, tb.svc.UpdatePerson(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID), collections.UpdateParams{Name: ptr("q")}), nil, "")
		face, err := tb.svc.GetFace(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID), up(f.ID))
		if err != nil || face.ID != f.ID {
			t.Fatalf("GetFace(upper case) = %+v, %v", face, err)
		}
		wantErr(t, tb.svc.UpdateFace(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID), up(f.ID), ptr("u")), nil, "")
		wantErr(t, tb.svc.DeleteFace(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID), up(f.ID)), nil, "")
		wantErr(t, tb.svc.DeletePerson(ctx, acct, facesnap.KindPersonGroup, "g", up(p.ID)), nil, "")
		_, err = tb.svc.GetPerson(ctx, acct, facesnap.KindPersonGroup, "g", p.ID)
		wantErr(t, err, facesnap.ErrNotFound, "")
	})
}

func TestService_AddFace(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	img := pngImage(t, 200, 200)
	tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
	tb.create(t, acct, facesnap.KindPersonGroup, "g")
	person, err := tb.svc.CreatePerson(ctx, acct, facesnap.KindPersonGroup, "g", collections.PersonParams{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	lfl := func(mod func(*collections.AddFaceParams)) collections.AddFaceParams {
		p := collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", TargetFace: "10,10,100,100", Image: img}
		if mod != nil {
			mod(&p)
		}
		return p
	}
	tests := []struct {
		name   string
		p      collections.AddFaceParams
		want   error
		reason facesnap.Reason
	}{
		{name: "OK", p: lfl(func(p *collections.AddFaceParams) {
			p.UserData = strings.Repeat("f", 1024)
			p.DetectionModel = "detection_03"
		})},
		{name: "OKByURL", p: lfl(func(p *collections.AddFaceParams) {
			p.Image, p.ByURL, p.URL = nil, true, "https://example.test/face.png"
		})},
		{name: "OKPerson", p: collections.AddFaceParams{Kind: facesnap.KindPersonGroup, CollectionID: "g", PersonID: person.ID, TargetFace: "0,0,200,200", Image: img}},
		{name: "ErrNoTargetFace", p: lfl(func(p *collections.AddFaceParams) { p.TargetFace = "" }), want: facesnap.ErrInvalid, reason: facesnap.ReasonBadArgument},
		{name: "ErrTargetFaceOutside", p: lfl(func(p *collections.AddFaceParams) { p.TargetFace = "150,150,100,100" }), want: facesnap.ErrInvalid},
		{name: "ErrTargetFaceMalformed", p: lfl(func(p *collections.AddFaceParams) { p.TargetFace = "1,2,3" }), want: facesnap.ErrInvalid},
		{name: "ErrLongUserData", p: lfl(func(p *collections.AddFaceParams) { p.UserData = strings.Repeat("f", 1025) }), want: facesnap.ErrInvalid},
		{name: "ErrDetectionModel", p: lfl(func(p *collections.AddFaceParams) { p.DetectionModel = "detection_04" }), want: facesnap.ErrInvalid},
		{name: "ErrNotAnImage", p: lfl(func(p *collections.AddFaceParams) { p.Image = bytes.Repeat([]byte("x"), 2048) }), want: facesnap.ErrInvalid},
		{name: "ErrEmptyURL", p: lfl(func(p *collections.AddFaceParams) { p.Image, p.ByURL = nil, true }), want: facesnap.ErrInvalid, reason: facesnap.ReasonInvalidURL},
		{name: "ErrURLFails", p: lfl(func(p *collections.AddFaceParams) { p.Image, p.ByURL, p.URL = nil, true, "https://example.test/404" }), want: facesnap.ErrInvalid, reason: facesnap.ReasonInvalidURL},
		{name: "ErrNoList", p: lfl(func(p *collections.AddFaceParams) { p.CollectionID = "nope" }), want: facesnap.ErrNotFound},
		{name: "ErrNoPerson", p: collections.AddFaceParams{Kind: facesnap.KindPersonGroup, CollectionID: "g", PersonID: "33333333-3333-4333-8333-333333333333", TargetFace: "0,0,200,200", Image: img}, want: facesnap.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tb.svc.AddFace(ctx, acct, tt.p)
			wantErr(t, err, tt.want, tt.reason)
			if err != nil {
				return
			}
			got, err := tb.svc.GetFace(ctx, acct, tt.p.Kind, tt.p.CollectionID, tt.p.PersonID, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			model := tt.p.DetectionModel
			if model == "" {
				model = facesnap.DefaultDetectionModel
			}
			if got.UserData != tt.p.UserData || got.DetectionModel != model || got.Rect.Width == 0 || got.Feature != nil {
				t.Errorf("GetFace = %+v, want what was added", got)
			}
		})
	}
	t.Run("TargetFaceMessage", func(t *testing.T) {
		_, err := tb.svc.AddFace(ctx, acct, lfl(func(p *collections.AddFaceParams) { p.TargetFace = "" }))
		if err == nil || !strings.Contains(err.Error(), "targetFace") || !strings.Contains(err.Error(), "detector") {
			t.Errorf("err = %v, want a message that targetFace is required until the detector lands", err)
		}
	})
	t.Run("PersonQuota", func(t *testing.T) {
		p, err := tb.svc.CreatePerson(ctx, acct, facesnap.KindPersonGroup, "g", collections.PersonParams{Name: "full"})
		if err != nil {
			t.Fatal(err)
		}
		add := collections.AddFaceParams{Kind: facesnap.KindPersonGroup, CollectionID: "g", PersonID: p.ID, TargetFace: "0,0,100,100", Image: img}
		for i := range facesnap.MaxFacesPerPerson {
			if _, err := tb.svc.AddFace(ctx, acct, add); err != nil {
				t.Fatalf("face %d: %v", i+1, err)
			}
		}
		_, err = tb.svc.AddFace(ctx, acct, add)
		var qe *facesnap.QuotaError
		if !errors.As(err, &qe) || !strings.Contains(qe.Message, "248") {
			t.Fatalf("face 249: %v, want a QuotaError naming the limit", err)
		}
	})
}

func TestService_Faces(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := t.Context()
	img := pngImage(t, 200, 200)
	tb.create(t, acct, facesnap.KindFaceList, "fl")
	var ids []string
	for range 3 {
		f, err := tb.svc.AddFace(ctx, acct, collections.AddFaceParams{Kind: facesnap.KindFaceList, CollectionID: "fl", TargetFace: "0,0,100,100", Image: img})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	c, faces, err := tb.svc.GetFaceList(ctx, acct, "fl")
	if err != nil || c.ID != "fl" || len(faces) != 3 {
		t.Fatalf("GetFaceList = %+v, %d faces, %v", c, len(faces), err)
	}
	wantErr(t, tb.svc.UpdateFace(ctx, acct, facesnap.KindFaceList, "fl", "", ids[0], ptr("u")), nil, "")
	wantErr(t, tb.svc.UpdateFace(ctx, acct, facesnap.KindFaceList, "fl", "", ids[0], ptr(strings.Repeat("u", 1025))), facesnap.ErrInvalid, "")
	wantErr(t, tb.svc.DeleteFace(ctx, other, facesnap.KindFaceList, "fl", "", ids[1]), facesnap.ErrNotFound, "")
	wantErr(t, tb.svc.DeleteFace(ctx, acct, facesnap.KindFaceList, "fl", "", ids[1]), nil, "")
	wantErr(t, tb.svc.DeleteFace(ctx, acct, facesnap.KindFaceList, "fl", "", ids[1]), facesnap.ErrNotFound, "")
	wantErr(t, tb.svc.DeleteFace(ctx, acct, facesnap.KindFaceList, "fl", "", "xyz"), facesnap.ErrNotFound, "")
	_, faces, _ = tb.svc.GetFaceList(ctx, acct, "fl")
	if len(faces) != 2 {
		t.Errorf("%d faces after a delete, want 2", len(faces))
	}
}

// runTrain claims the queued training operation and works it, as the
// runner would.
func (tb *testBundle) runTrain(t *testing.T) error {
	t.Helper()
	ctx := t.Context()
	op, err := tb.store.OperationClaim(ctx, facesnap.OperationClaimParams{
		Kinds: []facesnap.OperationKind{facesnap.OperationTrain}, Owner: "test", Now: tb.now, LeaseUntil: tb.now.Add(time.Minute),
	})
	if err != nil {
		t.Fatalf("claim the training operation: %v", err)
	}
	_, err = tb.trainer.TrainWorker().Work(ctx, &op, nopProgress{})
	return err
}

type nopProgress struct{}

func (nopProgress) Set(int64, int64) {}

func TestService_Train(t *testing.T) {
	t.Parallel()
	img := pngImage(t, 200, 200)
	tests := []struct {
		name    string
		kind    facesnap.Kind
		fill    func(t *testing.T, tb *testBundle)
		status  facesnap.TrainingState
		message string
	}{
		{name: "EmptyPersonGroup", kind: facesnap.KindPersonGroup, status: facesnap.TrainingFailed, message: "There is no person in the person group."},
		{name: "PersonWithoutFaces", kind: facesnap.KindLargePersonGroup, status: facesnap.TrainingFailed, message: "There is no persisted face in the large person group.",
			fill: func(t *testing.T, tb *testBundle) {
				if _, err := tb.svc.CreatePerson(t.Context(), acct, facesnap.KindLargePersonGroup, "c", collections.PersonParams{Name: "p"}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "EmptyLargeFaceList", kind: facesnap.KindLargeFaceList, status: facesnap.TrainingFailed, message: "There is no persisted face in the large face list."},
		{name: "LargeFaceList", kind: facesnap.KindLargeFaceList, status: facesnap.TrainingSucceeded,
			fill: func(t *testing.T, tb *testBundle) {
				for range 2 {
					if _, err := tb.svc.AddFace(t.Context(), acct, collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "c", TargetFace: "0,0,100,100", Image: img}); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "PersonGroup", kind: facesnap.KindPersonGroup, status: facesnap.TrainingSucceeded,
			fill: func(t *testing.T, tb *testBundle) {
				p, err := tb.svc.CreatePerson(t.Context(), acct, facesnap.KindPersonGroup, "c", collections.PersonParams{Name: "p"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tb.svc.AddFace(t.Context(), acct, collections.AddFaceParams{Kind: facesnap.KindPersonGroup, CollectionID: "c", PersonID: p.ID, TargetFace: "0,0,100,100", Image: img}); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			ctx := t.Context()
			tb.create(t, acct, tt.kind, "c")
			if tt.fill != nil {
				tt.fill(t, tb)
			}
			var nt *collections.NotTrainedError
			if _, err := tb.svc.TrainingStatus(ctx, acct, tt.kind, "c"); !errors.As(err, &nt) || nt.Code() != string(tt.kind)+"NotTrained" {
				t.Fatalf("status before training: %v, want NotTrainedError", err)
			}
			if err := tb.svc.Train(ctx, acct, tt.kind, "c"); err != nil {
				t.Fatal(err)
			}
			if tb.notified != 1 {
				t.Errorf("runner notified %d times, want 1", tb.notified)
			}
			st, err := tb.svc.TrainingStatus(ctx, acct, tt.kind, "c")
			if err != nil || st.Status != facesnap.TrainingNotStarted || !st.CreatedAt.Equal(tb.now.Truncate(100)) {
				t.Fatalf("status after Train = %+v, %v; want nonstarted, created now", st, err)
			}
			var busy *collections.TrainingNotFinishedError
			if err := tb.svc.Train(ctx, acct, tt.kind, "c"); !errors.As(err, &busy) || !errors.Is(err, facesnap.ErrConflict) || busy.Code() != string(tt.kind)+"TrainingNotFinished" {
				t.Fatalf("Train while queued: %v, want TrainingNotFinishedError", err)
			}
			queued := tb.now
			tb.now = tb.now.Add(time.Second)
			err = tb.runTrain(t)
			if _, failed := operations.AsFail(err); err != nil && !failed {
				t.Fatalf("worker: %v", err)
			}
			st, err = tb.svc.TrainingStatus(ctx, acct, tt.kind, "c")
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != tt.status || st.Message != tt.message || !st.CreatedAt.Equal(queued.Truncate(100)) || !st.LastActionAt.Equal(tb.now.Truncate(100)) {
				t.Errorf("status = %+v, want %s %q", st, tt.status, tt.message)
			}
			stats, _ := tb.store.CollectionStats(ctx, facesnap.CollectionRef{Account: acct.Name, Kind: tt.kind, ID: "c"})
			if tt.status == facesnap.TrainingSucceeded && (st.TrainedSeq != stats.MaxSeq || st.TrainedSeq == 0 || !st.LastSuccessAt.Equal(tb.now.Truncate(100))) {
				t.Errorf("status = %+v, want TrainedSeq %d and lastSuccessfulTraining now", st, stats.MaxSeq)
			}
			// Finished, succeeded or failed: it may be trained again.
			if err := tb.svc.Train(ctx, acct, tt.kind, "c"); err != nil {
				t.Errorf("Train after the last one finished: %v", err)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		wantErr(t, tb.svc.Train(t.Context(), acct, facesnap.KindPersonGroup, "nope"), facesnap.ErrNotFound, "")
		_, err := tb.svc.TrainingStatus(t.Context(), acct, facesnap.KindLargeFaceList, "nope")
		var nt *collections.NotTrainedError
		if !errors.Is(err, facesnap.ErrNotFound) || errors.As(err, &nt) {
			t.Errorf("status of a missing list: %v, want LargeFaceListNotFound", err)
		}
	})
	t.Run("AbandonedFails", func(t *testing.T) {
		// A training the runner gives up on ends failed, so that it can
		// be trained again; a later state is left alone.
		t.Parallel()
		tb := setup(t)
		ctx := t.Context()
		tb.create(t, acct, facesnap.KindLargeFaceList, "c")
		if err := tb.svc.Train(ctx, acct, facesnap.KindLargeFaceList, "c"); err != nil {
			t.Fatal(err)
		}
		op, err := tb.store.OperationClaim(ctx, facesnap.OperationClaimParams{
			Kinds: []facesnap.OperationKind{facesnap.OperationTrain}, Owner: "test", Now: tb.now, LeaseUntil: tb.now.Add(time.Minute),
		})
		if err != nil {
			t.Fatal(err)
		}
		abandon := tb.trainer.TrainWorker().(operations.Abandoner).Abandon
		tb.now = tb.now.Add(time.Second)
		if err := abandon(ctx, &op); err != nil {
			t.Fatal(err)
		}
		st, err := tb.svc.TrainingStatus(ctx, acct, facesnap.KindLargeFaceList, "c")
		if err != nil || st.Status != facesnap.TrainingFailed || st.Message == "" || !st.LastActionAt.Equal(tb.now.Truncate(100)) {
			t.Fatalf("status after Abandon = %+v, %v; want failed now, with a message", st, err)
		}
		if err := tb.svc.Train(ctx, acct, facesnap.KindLargeFaceList, "c"); err != nil {
			t.Fatalf("Train after an abandoned training: %v", err)
		}
		if err := tb.svc.Delete(ctx, acct, facesnap.KindLargeFaceList, "c"); err != nil {
			t.Fatal(err)
		}
		if err := abandon(ctx, &op); err != nil {
			t.Errorf("Abandon after the list was deleted: %v", err)
		}
	})
	t.Run("DeletedWhileQueued", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		tb.create(t, acct, facesnap.KindPersonGroup, "c")
		if err := tb.svc.Train(t.Context(), acct, facesnap.KindPersonGroup, "c"); err != nil {
			t.Fatal(err)
		}
		if err := tb.svc.Delete(t.Context(), acct, facesnap.KindPersonGroup, "c"); err != nil {
			t.Fatal(err)
		}
		if _, failed := operations.AsFail(tb.runTrain(t)); !failed {
			t.Errorf("training a deleted group: want the operation failed")
		}
	})
}
