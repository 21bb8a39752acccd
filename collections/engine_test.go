package collections_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"facesnap"
	"facesnap/collections"
	"facesnap/engine"
	"facesnap/engine/enginetest"
)

// sample returns a demo image and the face boxes the reference found in it.
func sample(t *testing.T, name string) ([]byte, []facesnap.Rect) {
	t.Helper()
	data := enginetest.DemoImage(t, name+".jpg")
	raw, err := os.ReadFile(filepath.Join("..", "engine", "testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Faces []struct {
			Box struct{ X, Y, Width, Height float64 } `json:"box"`
		} `json:"faces"`
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	var boxes []facesnap.Rect
	for _, f := range golden.Faces {
		boxes = append(boxes, facesnap.Rect{Left: int(f.Box.X), Top: int(f.Box.Y), Width: int(f.Box.Width), Height: int(f.Box.Height)})
	}
	return data, boxes
}

// cropFace cuts the i-th face out of a demo image with a margin of half its
// size around it, checks that no other face reaches into the crop, and
// returns the crop as a JPEG and the face's box within it.
func cropFace(t *testing.T, data []byte, boxes []facesnap.Rect, i int) ([]byte, facesnap.Rect) {
	t.Helper()
	src, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := boxes[i]
	crop := image.Rect(b.Left-b.Width/2, b.Top-b.Height/2, b.Left+b.Width*3/2, b.Top+b.Height*3/2).Intersect(src.Bounds())
	for j, o := range boxes {
		if j != i && crop.Overlaps(image.Rect(o.Left, o.Top, o.Left+o.Width, o.Top+o.Height)) {
			t.Fatalf("face %d reaches into the crop of face %d", j, i)
		}
	}
	sub := src.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(crop)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sub, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), facesnap.Rect{Left: b.Left - crop.Min.X, Top: b.Top - crop.Min.Y, Width: b.Width, Height: b.Height}
}

// near reports whether two rectangles overlap by at least half their
// union: the same face. The detector's box of a face shifts with the
// picture around it (it sees the image squeezed to 512×512), so a crop's
// box is not the group picture's.
func near(a, b facesnap.Rect) bool {
	ra := image.Rect(a.Left, a.Top, a.Left+a.Width, a.Top+a.Height)
	rb := image.Rect(b.Left, b.Top, b.Left+b.Width, b.Top+b.Height)
	in, un := ra.Intersect(rb), ra.Union(rb)
	return float64(in.Dx()*in.Dy()) >= 0.5*float64(un.Dx()*un.Dy())
}

func TestService_AddFaceDetects(t *testing.T) {
	t.Parallel()
	eng := enginetest.Engine(t)
	tb := setup(t)
	tb.svc.Engine = eng
	ctx := t.Context()
	tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
	multi, boxes := sample(t, "sample1")
	single, want := cropFace(t, multi, boxes, 0)
	add := func(img []byte, target string) (facesnap.Face, error) {
		return tb.svc.AddFace(ctx, acct, collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", Image: img, TargetFace: target})
	}
	check := func(t *testing.T, f facesnap.Face, rect facesnap.Rect) {
		t.Helper()
		got, err := tb.svc.GetFace(ctx, acct, facesnap.KindLargeFaceList, "lfl", "", f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Rect, rect) {
			t.Errorf("persisted rectangle %+v, want about %+v", got.Rect, rect)
		}
		if len(got.Feature) != engine.DescriptorSize {
			t.Errorf("persisted feature has %d values, want %d", len(got.Feature), engine.DescriptorSize)
		}
	}

	t.Run("OneFace", func(t *testing.T) {
		f, err := add(single, "")
		wantErr(t, err, nil, "")
		check(t, f, want)
		img, _, err := image.Decode(bytes.NewReader(single))
		if err != nil {
			t.Fatal(err)
		}
		dets, err := eng.Detect(ctx, img)
		if err != nil || len(dets) != 1 {
			t.Fatalf("Detect on the crop: %d faces, %v", len(dets), err)
		}
		if f.Rect != dets[0].Rect {
			t.Errorf("rect = %+v, want the detector's %+v", f.Rect, dets[0].Rect)
		}
	})
	t.Run("ErrSeveralFaces", func(t *testing.T) {
		_, err := add(multi, "")
		wantErr(t, err, facesnap.ErrInvalid, facesnap.ReasonInvalidImage)
		if err != collections.ErrSeveralFaces {
			t.Errorf("err = %v, want %v", err, collections.ErrSeveralFaces)
		}
	})
	t.Run("ErrNoFace", func(t *testing.T) {
		_, err := add(pngImage(t, 200, 200), "")
		if err != collections.ErrNoFace {
			t.Errorf("err = %v, want %v", err, collections.ErrNoFace)
		}
	})
	t.Run("TargetFaceInGroup", func(t *testing.T) {
		b := boxes[1]
		target := facesnap.Rect{Left: b.Left, Top: b.Top, Width: b.Width, Height: b.Height}
		f, err := add(multi, formatRect(target))
		wantErr(t, err, nil, "")
		check(t, f, target)
		if f.Rect != target {
			t.Errorf("rect = %+v, want the targetFace %+v", f.Rect, target)
		}
	})
	t.Run("TargetFaceFramesOneFace", func(t *testing.T) {
		// The rectangle must hold exactly one face, as the service
		// requires; a loose frame around one face is fine.
		b0, b1 := boxes[0], boxes[1]
		loose := facesnap.Rect{Left: b0.Left - b0.Width/5, Top: b0.Top - b0.Height/5, Width: b0.Width * 7 / 5, Height: b0.Height * 7 / 5}
		both := facesnap.Rect{Left: b0.Left, Top: min(b0.Top, b1.Top), Width: b1.Left + b1.Width - b0.Left,
			Height: max(b0.Top+b0.Height, b1.Top+b1.Height) - min(b0.Top, b1.Top)}
		tests := []struct {
			name   string
			img    []byte
			target facesnap.Rect
			want   error
		}{
			{"Loose", multi, loose, nil},
			{"Background", multi, facesnap.Rect{Left: 10, Top: 10, Width: 150, Height: 150}, collections.ErrNoFaceInTarget},
			{"TwoFaces", multi, both, collections.ErrSeveralFacesInTarget},
			{"NoFaceAtAll", pngImage(t, 200, 200), facesnap.Rect{Left: 20, Top: 20, Width: 120, Height: 120}, collections.ErrNoFaceInTarget},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := add(tt.img, formatRect(tt.target))
				if err != tt.want {
					t.Fatalf("add with targetFace %+v: %v, want %v", tt.target, err, tt.want)
				}
			})
		}
	})
	t.Run("SameFaceCloser", func(t *testing.T) {
		// The crop's descriptor is the descriptor of that face in the
		// group picture, not of another one.
		a, err := add(single, "")
		wantErr(t, err, nil, "")
		same, err := add(multi, formatRect(boxes[0]))
		wantErr(t, err, nil, "")
		other, err := add(multi, formatRect(boxes[2]))
		wantErr(t, err, nil, "")
		if d1, d2 := dist(a.Feature, same.Feature), dist(a.Feature, other.Feature); d1 >= d2 {
			t.Errorf("crop is %.3f from its own face and %.3f from another", d1, d2)
		}
	})
}

func formatRect(r facesnap.Rect) string {
	b, _ := json.Marshal([]int{r.Left, r.Top, r.Width, r.Height})
	return string(b[1 : len(b)-1])
}

func dist(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return s
}

// Every face of the demo images, framed by the reference's box, is taken
// as the one face of its targetFace.
func TestService_AddFaceTargetsEveryDemoFace(t *testing.T) {
	t.Parallel()
	eng := enginetest.Engine(t)
	tb := setup(t)
	tb.svc.Engine = eng
	tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("sample%d", i)
		data, boxes := sample(t, name)
		for j, b := range boxes {
			_, err := tb.svc.AddFace(t.Context(), acct, collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", Image: data, TargetFace: formatRect(b)})
			if err != nil {
				t.Errorf("%s face %d at %+v: %v", name, j, b, err)
			}
		}
	}
}
