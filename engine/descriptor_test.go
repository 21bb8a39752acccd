package engine

import (
	"context"
	"fmt"
	"image"
	"math"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// TestEngine_DescriptorStable checks that a face's descriptor identifies
// it through the changes a re-uploaded photo goes through: a crop around
// the face, mirrored, or rescaled, must stay closer to that face than to
// any other face of the demo set (22 different people). The face is placed
// with Locate at its box carried through the change (as AddFace with a
// targetFace does), so what is tested is the descriptor, not the
// detector's recall on small crops.
func TestEngine_DescriptorStable(t *testing.T) {
	eng := setup(t)
	ctx := context.Background()

	type face struct {
		name string
		img  *Image
		det  Detection
		desc []float32
	}
	var faces []face
	for _, name := range samples {
		img := loadSample(t, name)
		dets, err := eng.Detect(ctx, img)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range dets {
			desc, err := eng.Descriptor(ctx, img, d)
			if err != nil {
				t.Fatal(err)
			}
			faces = append(faces, face{fmt.Sprintf("%s/%d", name, i), img, d, desc})
		}
	}

	variants := []struct {
		name string
		make func(image.Image) image.Image
		box  func(b Box, w int) Box // the face box in the changed image
	}{
		{"crop", func(m image.Image) image.Image { return m }, func(b Box, _ int) Box { return b }},
		{"mirrored", mirror, func(b Box, w int) Box { return Box{float64(w) - b.X - b.Width, b.Y, b.Width, b.Height} }},
		{"half", func(m image.Image) image.Image { return rescale(m, 0.5) }, scaleBox(0.5)},
		{"larger", func(m image.Image) image.Image { return rescale(m, 1.6) }, scaleBox(1.6)},
	}
	for _, f := range faces {
		// The face with a margin of 60% of its size on each side, so the
		// detector sees it as in a portrait.
		b := f.det.Box
		r := image.Rect(int(b.X-0.6*b.Width), int(b.Y-0.6*b.Height), int(b.X+1.6*b.Width), int(b.Y+1.6*b.Height)).
			Intersect(f.img.Bounds())
		crop := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		xdraw.Copy(crop, image.Point{}, f.img, r, xdraw.Src, nil)
		for _, v := range variants {
			t.Run(f.name+"/"+v.name, func(t *testing.T) {
				img := v.make(crop)
				box := v.box(Box{b.X - float64(r.Min.X), b.Y - float64(r.Min.Y), b.Width, b.Height}, r.Dx())
				det, err := eng.Locate(ctx, img, roundRect(box))
				if err != nil {
					t.Fatal(err)
				}
				desc, err := eng.Descriptor(ctx, img, det)
				if err != nil {
					t.Fatal(err)
				}
				self := distance(desc, f.desc)
				nearest, other := math.Inf(1), ""
				for _, g := range faces {
					if g.name == f.name {
						continue
					}
					if d := distance(desc, g.desc); d < nearest {
						nearest, other = d, g.name
					}
				}
				if self >= nearest {
					t.Errorf("distance to itself %.3f, to %s %.3f", self, other, nearest)
				}
			})
		}
	}
}

func scaleBox(f float64) func(Box, int) Box {
	return func(b Box, _ int) Box { return Box{b.X * f, b.Y * f, b.Width * f, b.Height * f} }
}

func distance(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func mirror(m image.Image) image.Image {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(b.Dx()-1-x, y, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func rescale(m image.Image, f float64) image.Image {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*f), int(float64(b.Dy())*f)))
	xdraw.CatmullRom.Scale(out, out.Bounds(), m, b, xdraw.Src, nil)
	return out
}
