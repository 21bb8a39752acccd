package engine

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"facesnap"
)

func TestToRGB(t *testing.T) {
	t.Parallel()
	r := image.Rect(3, 5, 13, 12) // bounds not at the origin
	pal := color.Palette{color.RGBA{10, 20, 30, 255}, color.RGBA{200, 100, 0, 255}, color.NRGBA{255, 255, 255, 128}}
	images := map[string]image.Image{
		"RGBA":     image.NewRGBA(r),
		"NRGBA":    image.NewNRGBA(r),
		"Gray":     image.NewGray(r),
		"Paletted": image.NewPaletted(r, pal),
		"YCbCr":    image.NewYCbCr(r, image.YCbCrSubsampleRatio420),
		"CMYK":     image.NewCMYK(r),
	}
	for name, img := range images {
		// Fill with a pattern through the generic Set, then compare with
		// what At reports, premultiplied.
		if d, ok := img.(draw.Image); ok {
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					d.Set(x, y, color.NRGBA{uint8(x * 20), uint8(y * 15), uint8(x * y), uint8(100 + x*10)})
				}
			}
		} else {
			yc := img.(*image.YCbCr)
			for i := range yc.Y {
				yc.Y[i] = uint8(i * 7)
			}
			for i := range yc.Cb {
				yc.Cb[i], yc.Cr[i] = uint8(i*13), uint8(255-i*5)
			}
		}
		got := toRGB(img)
		if got.w != r.Dx() || got.h != r.Dy() {
			t.Fatalf("%s: size %dx%d", name, got.w, got.h)
		}
		for y := 0; y < got.h; y++ {
			for x := 0; x < got.w; x++ {
				wr, wg, wb, _ := img.At(r.Min.X+x, r.Min.Y+y).RGBA()
				i := 3 * (y*got.w + x)
				if got.pix[i] != uint8(wr>>8) || got.pix[i+1] != uint8(wg>>8) || got.pix[i+2] != uint8(wb>>8) {
					t.Fatalf("%s: (%d,%d) = %v, want %v %v %v", name, x, y, got.pix[i:i+3], wr>>8, wg>>8, wb>>8)
				}
			}
		}
	}
}

// TestEngine_OddImages runs the whole pipeline on images no detector
// expects: nothing may panic, and a descriptor of nothing is an error.
func TestEngine_OddImages(t *testing.T) {
	eng := setup(t)
	ctx := context.Background()
	for name, size := range map[string]image.Point{"1x1": {1, 1}, "1x300": {1, 300}, "700x2": {700, 2}, "64x64": {64, 64}} {
		img := image.NewGray(image.Rectangle{Max: size})
		dets, err := eng.Detect(ctx, img)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(dets) != 0 {
			t.Errorf("%s: %d faces in a blank image", name, len(dets))
		}
		det, err := eng.Locate(ctx, img, facesnapRect(0, 0, size.X, size.Y))
		if err != nil {
			t.Errorf("%s: Locate: %v", name, err)
			continue
		}
		if _, err := eng.Descriptor(ctx, img, det); err != nil && err != ErrEmptyFace {
			t.Errorf("%s: Descriptor: %v", name, err)
		}
	}
	if _, err := eng.Locate(ctx, image.NewGray(image.Rect(0, 0, 10, 10)), facesnapRect(20, 20, 5, 5)); err != ErrEmptyFace {
		t.Errorf("Locate outside the image: err = %v, want ErrEmptyFace", err)
	}
	if _, err := eng.Descriptor(ctx, image.NewGray(image.Rect(0, 0, 10, 10)), Detection{}); err != ErrEmptyFace {
		t.Errorf("Descriptor of a zero Detection: err = %v, want ErrEmptyFace", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := eng.Detect(canceled, image.NewGray(image.Rect(0, 0, 10, 10))); err != context.Canceled {
		t.Errorf("Detect with a cancelled context: err = %v", err)
	}
}

func facesnapRect(l, t, w, h int) facesnap.Rect {
	return facesnap.Rect{Left: l, Top: t, Width: w, Height: h}
}
