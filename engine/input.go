package engine

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
)

// rgbImage is an image's pixels as 8-bit RGB, row by row: what the
// reference feeds the networks (an int32 [h, w, 3] tensor).
type rgbImage struct {
	w, h int
	pix  []uint8
}

// toRGB converts any image to rgbImage. Alpha is dropped (colours are
// taken premultiplied, as drawing over black would show them).
func toRGB(img image.Image) *rgbImage {
	switch img.(type) {
	case *image.YCbCr, *image.RGBA:
	default:
		// PNG's NRGBA and Gray, GIF's Paletted and the rest: image/draw
		// converts them to RGBA far faster than a call to At per pixel.
		b := img.Bounds()
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
		img = rgba
	}
	b := img.Bounds()
	out := &rgbImage{w: b.Dx(), h: b.Dy(), pix: make([]uint8, 3*b.Dx()*b.Dy())}
	switch src := img.(type) {
	case *image.YCbCr:
		parallelFor(out.h, 16, func(lo, hi int) {
			for y := lo; y < hi; y++ {
				d := out.pix[3*y*out.w:]
				for x := 0; x < out.w; x++ {
					yi := src.YOffset(b.Min.X+x, b.Min.Y+y)
					ci := src.COffset(b.Min.X+x, b.Min.Y+y)
					r, g, bl := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
					d[3*x], d[3*x+1], d[3*x+2] = r, g, bl
				}
			}
		})
	case *image.RGBA:
		for y := 0; y < out.h; y++ {
			s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			d := out.pix[3*y*out.w:]
			for x := 0; x < out.w; x++ {
				d[3*x], d[3*x+1], d[3*x+2] = s[4*x], s[4*x+1], s[4*x+2]
			}
		}
	}
	return out
}

// jsRound is JavaScript's Math.round: halves round up.
func jsRound(v float64) float64 { return math.Floor(v + 0.5) }

// squareInput builds a network input the way the reference does with
// NetInput.toBatchTensor: the crop r of img (already inside the image) is
// padded with zeros to a square (padToSquare: the padding all after the
// image, or split with the rounded half after it when center is set), then
// resized to size×size by bilinear sampling at src = dst*in/out
// (resizeBilinear without align-corners or half-pixel centres). The padded
// square is never materialised: samples that fall in the padding are zero.
func squareInput(img *rgbImage, r image.Rectangle, size int, center bool) *tensor {
	cw, ch := r.Dx(), r.Dy()
	side := max(cw, ch)
	diff := side - min(cw, ch)
	before := 0
	if center {
		before = diff - int(jsRound(float64(diff)*0.5))
	}
	offX, offY := 0, 0 // where the crop starts inside the padded square
	if ch > cw {
		offX = before
	} else if cw > ch {
		offY = before
	}
	ratio := float64(side) / float64(size)

	// Per output column: the two source columns and the weight between them.
	type tap struct {
		i0, i1 int // column in the crop, -1 for padding
		frac   float32
	}
	taps := func(off, extent int) []tap {
		t := make([]tap, size)
		for o := range t {
			src := ratio * float64(o)
			lo := max(0, int(math.Floor(src)))
			hi := min(side-1, int(math.Ceil(src)))
			i0, i1 := lo-off, hi-off
			if i0 < 0 || i0 >= extent {
				i0 = -1
			}
			if i1 < 0 || i1 >= extent {
				i1 = -1
			}
			t[o] = tap{i0, i1, float32(src - float64(lo))}
		}
		return t
	}
	cols := taps(offX, cw)
	rows := taps(offY, ch)

	out := newTensorDirty(size, size, 3)
	px := func(y, x int) (float32, float32, float32) {
		if y < 0 || x < 0 {
			return 0, 0, 0
		}
		i := 3 * ((r.Min.Y+y)*img.w + r.Min.X + x)
		return float32(img.pix[i]), float32(img.pix[i+1]), float32(img.pix[i+2])
	}
	parallelFor(size, 16, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			ry := rows[oy]
			for ox := 0; ox < size; ox++ {
				cx := cols[ox]
				tlR, tlG, tlB := px(ry.i0, cx.i0)
				trR, trG, trB := px(ry.i0, cx.i1)
				blR, blG, blB := px(ry.i1, cx.i0)
				brR, brG, brB := px(ry.i1, cx.i1)
				d := out.data[3*(oy*size+ox):]
				d[0] = bilerp(tlR, trR, blR, brR, cx.frac, ry.frac)
				d[1] = bilerp(tlG, trG, blG, brG, cx.frac, ry.frac)
				d[2] = bilerp(tlB, trB, blB, brB, cx.frac, ry.frac)
			}
		}
	})
	return out
}

// bilerp interpolates in the reference's order: along the row, then
// between rows.
func bilerp(tl, tr, bl, br, fx, fy float32) float32 {
	top := tl + (tr-tl)*fx
	bottom := bl + (br-bl)*fx
	return top + (bottom-top)*fy
}

// WritePPM writes the pixels the networks see as a binary PPM (P6).
// scripts/gen-golden feeds these to the reference implementation, so that
// both sides start from identical pixels whatever JPEG decoder each has.
func (img *Image) WritePPM(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "P6\n%d %d\n255\n", img.rgb.w, img.rgb.h); err != nil {
		return err
	}
	_, err := w.Write(img.rgb.pix)
	return err
}
