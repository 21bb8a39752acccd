package collections_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"

	"facesnap"
	"facesnap/collections"
	"facesnap/engine/enginetest"
)

// withOrientation returns a JPEG of upright as a camera stores a picture
// taken turned a quarter: pixels turned a quarter counter-clockwise, and
// EXIF orientation 6 saying to turn them clockwise for display.
func withOrientation(t *testing.T, upright []byte) []byte {
	t.Helper()
	src, err := jpeg.Decode(bytes.NewReader(upright))
	if err != nil {
		t.Fatal(err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	turned := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			turned.Set(y, w-1-x, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, turned, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// APP1 "Exif": a big-endian TIFF header and one IFD entry, tag 0x0112
	// (orientation), SHORT, count 1, value 6.
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
	payload := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(payload)+2))
	app1 = append(app1, payload...)
	data := enc.Bytes()
	return append(append(append([]byte{}, data[:2]...), app1...), data[2:]...)
}

func TestService_AddFaceOrientation(t *testing.T) {
	t.Parallel()
	eng := enginetest.Engine(t)
	tb := setup(t)
	tb.svc.Engine = eng
	ctx := t.Context()
	tb.create(t, acct, facesnap.KindLargeFaceList, "lfl")
	multi, boxes := sample(t, "sample1")
	upright, want := cropFace(t, multi, boxes, 0)
	turned := withOrientation(t, upright)
	add := func(target string) (facesnap.Face, error) {
		return tb.svc.AddFace(ctx, acct, collections.AddFaceParams{Kind: facesnap.KindLargeFaceList, CollectionID: "lfl", Image: turned, TargetFace: target})
	}

	t.Run("Detects", func(t *testing.T) {
		// The face is found where it is in the picture as shown.
		f, err := add("")
		wantErr(t, err, nil, "")
		if !near(f.Rect, want) {
			t.Errorf("rect = %+v, want about %+v (upright coordinates)", f.Rect, want)
		}
	})
	t.Run("TargetFaceUpright", func(t *testing.T) {
		// A rectangle around the face down to the bottom of the upright
		// picture, which the stored (turned) pixels are too short for.
		img, err := jpeg.Decode(bytes.NewReader(upright))
		if err != nil {
			t.Fatal(err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if h <= w {
			t.Fatalf("crop is %dx%d; the test needs it taller than wide", w, h)
		}
		target := facesnap.Rect{Left: want.Left, Top: want.Top, Width: want.Width, Height: h - want.Top}
		if target.Top+target.Height <= w {
			t.Fatalf("target %+v fits the stored pixels (%d high): it tests nothing", target, w)
		}
		f, err := add(formatRect(target))
		wantErr(t, err, nil, "")
		if f.Rect != target {
			t.Errorf("rect = %+v, want %+v", f.Rect, target)
		}
	})
}
