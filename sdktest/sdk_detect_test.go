package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v1.0/face"
	"github.com/Azure/go-autorest/autorest"
	"github.com/gofrs/uuid"

	"facesnap"
	"facesnap/sdktest/harness"
	"facesnap/sqlite"
)

// The detect tests run the server with the face engine's weights and use
// the demo images scripts/fetch-models puts beside them, with the boxes the
// reference found in engine/testdata/golden. Without them the tests skip,
// except under CI, whose script always fetches them.

// modelsDir is the weights directory as an absolute path: FACESNAP_MODELS
// is relative to the repository root, as the scripts read it.
func modelsDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("FACESNAP_MODELS")
	if d == "" {
		d = filepath.Join(".cache", "face-api")
	}
	if !filepath.IsAbs(d) {
		d = filepath.Join("..", d)
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "ssd_mobilenetv1_model-weights_manifest.json")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("face engine weights not in %s (CI is set): run scripts/fetch-models before the tests", abs)
		}
		t.Skipf("face engine weights not in %s: run scripts/fetch-models first", abs)
	}
	return abs
}

// setupEngine is setup with the face engine loaded.
func setupEngine(t *testing.T, extraArgs ...string) (*testBundle, string) {
	t.Helper()
	dir := modelsDir(t)
	return setup(t, append([]string{"--models", dir}, extraArgs...)...), dir
}

func faceClient(endpoint, key string) face.Client {
	c := face.NewClient(endpoint)
	c.Authorizer = autorest.NewCognitiveServicesAuthorizer(key)
	c.RetryAttempts = 1
	c.RetryDuration = 100 * time.Millisecond
	return c
}

type demoImage struct {
	name          string
	data          []byte
	width, height int
	boxes         []facesnap.Rect // the reference's faces
}

func loadDemo(t *testing.T, dir, name string) demoImage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name+".jpg"))
	if err != nil {
		t.Fatalf("demo image (scripts/fetch-models fetches it): %v", err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "engine", "testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Width, Height int
		Faces         []struct {
			Box struct{ X, Y, Width, Height float64 }
		}
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	d := demoImage{name: name, data: data, width: golden.Width, height: golden.Height}
	for _, f := range golden.Faces {
		d.boxes = append(d.boxes, facesnap.Rect{Left: int(f.Box.X), Top: int(f.Box.Y), Width: int(f.Box.Width), Height: int(f.Box.Height)})
	}
	return d
}

// crop cuts face i out with a margin of half its size, checks no other
// face reaches into the crop, and encodes the crop as a JPEG.
func (d demoImage) crop(t *testing.T, i int) []byte {
	t.Helper()
	src, err := jpeg.Decode(bytes.NewReader(d.data))
	if err != nil {
		t.Fatal(err)
	}
	b := d.boxes[i]
	r := image.Rect(b.Left-b.Width/2, b.Top-b.Height/2, b.Left+b.Width*3/2, b.Top+b.Height*3/2).Intersect(src.Bounds())
	for j, o := range d.boxes {
		if j != i && r.Overlaps(image.Rect(o.Left, o.Top, o.Left+o.Width, o.Top+o.Height)) {
			t.Fatalf("%s: face %d reaches into the crop of face %d", d.name, j, i)
		}
	}
	sub := src.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sub, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rectOf(r *face.Rectangle) facesnap.Rect {
	if r == nil || r.Left == nil || r.Top == nil || r.Width == nil || r.Height == nil {
		return facesnap.Rect{}
	}
	return facesnap.Rect{Left: int(*r.Left), Top: int(*r.Top), Width: int(*r.Width), Height: int(*r.Height)}
}

func iou(a, b facesnap.Rect) float64 {
	ra := image.Rect(a.Left, a.Top, a.Left+a.Width, a.Top+a.Height)
	rb := image.Rect(b.Left, b.Top, b.Left+b.Width, b.Top+b.Height)
	in, un := ra.Intersect(rb), ra.Union(rb)
	if un.Empty() {
		return 0
	}
	return float64(in.Dx()*in.Dy()) / float64(ra.Dx()*ra.Dy()+rb.Dx()*rb.Dy()-in.Dx()*in.Dy())
}

// checkDetected checks a detect answer against the reference's faces: each
// found (IoU at least 0.9; the boxes are the same network's, rounded),
// largest first, inside the image, with a uuid faceId and all 27 landmarks.
func checkDetected(t *testing.T, d demoImage, faces []face.DetectedFace) {
	t.Helper()
	if len(faces) != len(d.boxes) {
		t.Fatalf("%s: %d faces, want the reference's %d", d.name, len(faces), len(d.boxes))
	}
	for i, want := range d.boxes {
		best := 0.0
		for _, f := range faces {
			best = max(best, iou(rectOf(f.FaceRectangle), want))
		}
		if best < 0.9 {
			t.Errorf("%s: reference face %d %+v found with IoU %.2f at best", d.name, i, want, best)
		}
	}
	for i, f := range faces {
		r := rectOf(f.FaceRectangle)
		if r.Width < 36 || r.Height < 36 || r.Left < 0 || r.Top < 0 || r.Left+r.Width > d.width || r.Top+r.Height > d.height {
			t.Errorf("%s: face %d rectangle %+v in a %dx%d image", d.name, i, r, d.width, d.height)
		}
		if i > 0 {
			p := rectOf(faces[i-1].FaceRectangle)
			if p.Width*p.Height < r.Width*r.Height {
				t.Errorf("%s: face %d %+v is larger than face %d %+v, want largest first", d.name, i, r, i-1, p)
			}
		}
		if f.FaceID == nil || f.FaceID.Version() != uuid.V4 {
			t.Errorf("%s: face %d faceId %v, want a v4 uuid", d.name, i, f.FaceID)
		}
		if f.FaceLandmarks == nil {
			t.Errorf("%s: face %d has no landmarks", d.name, i)
			continue
		}
		lm := reflect.ValueOf(*f.FaceLandmarks)
		for j := range lm.NumField() {
			p, _ := lm.Field(j).Interface().(*face.Coordinate)
			name := lm.Type().Field(j).Name
			if p == nil || p.X == nil || p.Y == nil {
				t.Errorf("%s: face %d has no %s", d.name, i, name)
				continue
			}
			// Every point lies on the face, give or take a margin.
			if *p.X < float64(r.Left-r.Width/4) || *p.X > float64(r.Left+r.Width*5/4) ||
				*p.Y < float64(r.Top-r.Height/4) || *p.Y > float64(r.Top+r.Height*5/4) {
				t.Errorf("%s: face %d %s at (%.1f, %.1f), outside %+v", d.name, i, name, *p.X, *p.Y, r)
			}
		}
	}
}

var demoNames = []string{"sample1", "sample2", "sample3", "sample4", "sample5", "sample6"}

func TestDetect_DemoImages(t *testing.T) {
	t.Parallel()
	tb, dir := setupEngine(t, "--allow-private-urls")
	fc := faceClient(tb.srv.Endpoint, tb.a.Key)
	for _, name := range demoNames {
		t.Run(name, func(t *testing.T) {
			ctx := ctxFor(t)
			d := loadDemo(t, dir, name)
			faces, err := fc.DetectWithStream(ctx, rc(d.data), ptr(true), ptr(true), nil, face.Recognition01, ptr(false), face.Detection01)
			must(t, err, "detect "+name)
			if faces.Value == nil {
				t.Fatal("no face list")
			}
			checkDetected(t, d, *faces.Value)
			for i, f := range *faces.Value {
				if f.RecognitionModel != "" {
					t.Errorf("face %d: recognitionModel %q with returnRecognitionModel=false", i, f.RecognitionModel)
				}
			}
		})
	}
	t.Run("ByURL", func(t *testing.T) {
		ctx := ctxFor(t)
		d := loadDemo(t, dir, "sample3")
		url := harness.ServeImage(t, d.data, "image/jpeg")
		faces, err := fc.DetectWithURL(ctx, face.ImageURL{URL: &url}, ptr(true), ptr(true), nil, face.Recognition01, ptr(true), face.Detection01)
		must(t, err, "detect by URL")
		checkDetected(t, d, *faces.Value)
		for i, f := range *faces.Value {
			if f.RecognitionModel != face.Recognition01 {
				t.Errorf("face %d: recognitionModel %q with returnRecognitionModel=true, want recognition_01", i, f.RecognitionModel)
			}
		}
	})
	t.Run("NoFaceID", func(t *testing.T) {
		ctx := ctxFor(t)
		d := loadDemo(t, dir, "sample2")
		faces, err := fc.DetectWithStream(ctx, rc(d.data), ptr(false), ptr(false), nil, "", nil, "")
		must(t, err, "detect without faceIds")
		for i, f := range *faces.Value {
			if f.FaceID != nil || f.FaceLandmarks != nil {
				t.Errorf("face %d: faceId %v, landmarks %v, want neither", i, f.FaceID, f.FaceLandmarks)
			}
		}
	})
	t.Run("Attributes", func(t *testing.T) {
		ctx := ctxFor(t)
		d := loadDemo(t, dir, "sample2")
		_, err := fc.DetectWithStream(ctx, rc(d.data), ptr(true), ptr(false), []face.AttributeType{face.AttributeTypeAge}, "", nil, "")
		expectAPIError(t, err, "detect with attributes", http.StatusBadRequest, "BadArgument")
	})
}

// TestDetect_NoWeights: a server without weights still serves collections
// and answers detect with a clear 501, which the clients do not retry.
func TestDetect_NoWeights(t *testing.T) {
	t.Parallel()
	tb := setup(t, "--models", t.TempDir())
	ctx := ctxFor(t)
	fc := faceClient(tb.srv.Endpoint, tb.a.Key)
	_, err := fc.DetectWithStream(ctx, rc(harness.JPEG(t, 200, 200, 3)), ptr(true), nil, nil, "", nil, "")
	expectAPIError(t, err, "detect without weights", http.StatusNotImplemented, "NotImplemented")
	h := holderKinds[1].make(t, ctx, tb.A, "no-weights")
	_, err = h.addStream(ctx, harness.PNG(t, 200, 200, 4), "", nil)
	expectAPIError(t, err, "add a face without targetFace or weights", http.StatusBadRequest, "BadArgument")
	_, err = h.addStream(ctx, harness.PNG(t, 200, 200, 4), "", target)
	must(t, err, "add a face with targetFace and no weights")
}

// TestAddFace_Detects adds faces to every holder kind without targetFace
// (a crop with one face: persisted where detect finds it, with a
// descriptor), the group picture without targetFace (400 InvalidImage, as
// the service answers) and with it (persisted as framed).
func TestAddFace_Detects(t *testing.T) {
	t.Parallel()
	tb, dir := setupEngine(t)
	ctx := ctxFor(t)
	fc := faceClient(tb.srv.Endpoint, tb.a.Key)
	d := loadDemo(t, dir, "sample1")
	single := d.crop(t, 0)
	found, err := fc.DetectWithStream(ctx, rc(single), ptr(false), ptr(false), nil, "", nil, "")
	must(t, err, "detect on the crop")
	if found.Value == nil || len(*found.Value) != 1 {
		t.Fatalf("detect on the crop: %v faces, want 1", found.Value)
	}
	cropRect := rectOf((*found.Value)[0].FaceRectangle)
	b := d.boxes[1]
	framed := facesnap.Rect{Left: b.Left, Top: b.Top, Width: b.Width, Height: b.Height}

	type added struct {
		kind string
		id   uuid.UUID
		want facesnap.Rect
	}
	var all []added
	for _, hk := range holderKinds {
		h := hk.make(t, ctx, tb.A, "detect-"+lower(hk.name))
		f, err := h.addStream(ctx, single, "crop", nil)
		must(t, err, hk.name+": add the crop without targetFace")
		all = append(all, added{hk.name, *f.PersistedFaceID, cropRect})

		_, err = h.addStream(ctx, d.data, "", nil)
		expectAPIError(t, err, hk.name+": add a group picture without targetFace", http.StatusBadRequest, "InvalidImage")

		f, err = h.addStream(ctx, d.data, "framed", []int32{int32(framed.Left), int32(framed.Top), int32(framed.Width), int32(framed.Height)})
		must(t, err, hk.name+": add a group picture with targetFace")
		all = append(all, added{hk.name, *f.PersistedFaceID, framed})

		// A targetFace must frame exactly one face.
		_, err = h.addStream(ctx, d.data, "", []int32{10, 10, 150, 150})
		expectAPIError(t, err, hk.name+": add with a targetFace on the background", http.StatusBadRequest, "InvalidImage")
		b0 := d.boxes[0]
		_, err = h.addStream(ctx, d.data, "", []int32{int32(b0.Left), int32(min(b0.Top, b.Top)), int32(b.Left + b.Width - b0.Left),
			int32(max(b0.Top+b0.Height, b.Top+b.Height) - min(b0.Top, b.Top))})
		expectAPIError(t, err, hk.name+": add with a targetFace around two faces", http.StatusBadRequest, "InvalidImage")

		fs, err := h.faces(ctx)
		must(t, err, hk.name+": faces")
		if len(fs) != 2 {
			t.Errorf("%s: %d faces after two adds and three refused", hk.name, len(fs))
		}
	}

	// What a face keeps is not on the wire: read it from the stopped
	// server's database.
	tb.srv.Stop()
	db := openStopped(t, tb.srv)
	faces := facesByID(t, db)
	for _, a := range all {
		f, ok := faces[a.id.String()]
		if !ok {
			t.Errorf("%s: face %s not stored", a.kind, a.id)
			continue
		}
		if f.Rect != a.want {
			t.Errorf("%s: face %s stored at %+v, want %+v", a.kind, a.id, f.Rect, a.want)
		}
		if len(f.Feature) != 128 {
			t.Errorf("%s: face %s has a %d-value feature, want 128", a.kind, a.id, len(f.Feature))
		}
	}
}

// TestAddFace_SnapshotCarriesFeatures takes a snapshot of a LargeFaceList
// whose faces have descriptors and applies it to another account: the
// copies have the same rectangles and features.
func TestAddFace_SnapshotCarriesFeatures(t *testing.T) {
	t.Parallel()
	sb := setupSnap(t, harness.Options{ExtraArgs: []string{"--models", modelsDir(t)}})
	ctx := ctxFor(t)
	d := loadDemo(t, modelsDir(t), "sample4")
	_, err := sb.A.LargeFaceList.Create(ctx, "src", face.MetaDataContract{Name: ptr("src")})
	must(t, err, "create")
	for i, b := range d.boxes {
		_, err := sb.A.LargeFaceList.AddFaceFromStream(ctx, "src", rc(d.data), fmt.Sprint(i), []int32{int32(b.Left), int32(b.Top), int32(b.Width), int32(b.Height)}, "")
		must(t, err, "add face")
	}
	_, err = sb.A.LargeFaceList.Train(ctx, "src")
	must(t, err, "train")
	waitTrained(t, ctx, func() (face.TrainingStatus, error) { return sb.A.LargeFaceList.GetTrainingStatus(ctx, "src") })
	snap := takeAndWait(t, ctx, sb.A, face.SnapshotObjectTypeLargeFaceList, "src", []uuid.UUID{subOf(sb.b)}, "")
	applyAndWait(t, ctx, sb.B, snapKindOf(face.SnapshotObjectTypeLargeFaceList), snap, "dst")

	sb.srv.Stop()
	db := openStopped(t, sb.srv)
	src := listFaces(t, db, sb.a.Subscription, "src")
	dst := listFaces(t, db, sb.b.Subscription, "dst")
	if len(src) != len(d.boxes) || len(dst) != len(src) {
		t.Fatalf("%d faces in the source, %d in the copy, want %d", len(src), len(dst), len(d.boxes))
	}
	for i := range src {
		if len(src[i].Feature) != 128 {
			t.Errorf("source face %d has a %d-value feature", i, len(src[i].Feature))
		}
		if src[i].Rect != dst[i].Rect || !reflect.DeepEqual(src[i].Feature, dst[i].Feature) {
			t.Errorf("face %d: copy %+v %v, source %+v %v", i, dst[i].Rect, clip(dst[i].Feature), src[i].Rect, clip(src[i].Feature))
		}
	}
}

func openStopped(t *testing.T, srv *harness.Server) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctxFor(t), filepath.Join(srv.DataDir(), "facesnap.db"))
	if err != nil {
		t.Fatalf("open the stopped server's database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// facesByID reads every face of every collection in db.
func facesByID(t *testing.T, db *sqlite.DB) map[string]facesnap.Face {
	t.Helper()
	ctx := ctxFor(t)
	out := map[string]facesnap.Face{}
	accts, err := db.AccountList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		for _, k := range facesnap.Kinds {
			cs, err := db.CollectionList(ctx, facesnap.CollectionListParams{Account: a.Name, Kind: k})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				err := db.CollectionDump(ctx, c.CollectionRef, faceSink(func(f facesnap.Face) { out[f.ID] = f }))
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return out
}

// listFaces returns the faces of an account's LargeFaceList, in the order
// they were added.
func listFaces(t *testing.T, db *sqlite.DB, subscription, id string) []facesnap.Face {
	t.Helper()
	ctx := ctxFor(t)
	accts, err := db.AccountList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []facesnap.Face
	for _, a := range accts {
		if a.SubscriptionID != subscription {
			continue
		}
		ref := facesnap.CollectionRef{Account: a.Name, Kind: facesnap.KindLargeFaceList, ID: id}
		if err := db.CollectionDump(ctx, ref, faceSink(func(f facesnap.Face) { out = append(out, f) })); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// faceSink is a DumpSink that only wants the faces.
type faceSink func(facesnap.Face)

func (faceSink) Collection(facesnap.Collection, facesnap.Training, facesnap.CollectionStats) error {
	return nil
}
func (faceSink) Person(facesnap.Person) error { return nil }
func (s faceSink) Face(f facesnap.Face) error { s(f); return nil }
