package faceattr

import (
	"image"
	"image/color"

	"facesnap"
)

// grayReader reads luminance (0-255, BT.601) fast from the image types the
// decoders and the engine produce, and through At from any other.
type grayReader struct {
	img image.Image
	y   *image.YCbCr
	rgb *image.RGBA
	g   *image.Gray
}

func newGrayReader(img image.Image) grayReader {
	r := grayReader{img: img}
	switch p := img.(type) {
	case *image.YCbCr:
		r.y = p
	case *image.RGBA:
		r.rgb = p
	case *image.Gray:
		r.g = p
	}
	return r
}

func (r grayReader) at(x, y int) float64 {
	switch {
	case r.y != nil:
		return float64(r.y.Y[r.y.YOffset(x, y)])
	case r.rgb != nil:
		i := r.rgb.PixOffset(x, y)
		p := r.rgb.Pix[i : i+3 : i+3]
		return 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
	case r.g != nil:
		return float64(r.g.Pix[r.g.PixOffset(x, y)])
	}
	return float64(color.GrayModel.Convert(r.img.At(x, y)).(color.Gray).Y)
}

// gridSize is the side of the face resampled for blur and exposure: the
// same size whatever the face's, so that a small face, enlarged, reads as
// blurred as it is for recognition. It is about the 150 px the descriptor
// network reads.
const gridSize = 128

// faceGrid resamples the face's rectangle, clipped to the image, to
// gridSize² luminance values, each the mean of up to 4×4 samples of its
// cell. It returns nil for a rectangle outside the image.
func faceGrid(img image.Image, r facesnap.Rect) []float64 {
	b := image.Rect(r.Left, r.Top, r.Left+r.Width, r.Top+r.Height).Intersect(img.Bounds())
	if b.Empty() {
		return nil
	}
	gr := newGrayReader(img)
	w, h := float64(b.Dx()), float64(b.Dy())
	sub := max(1, min(4, b.Dx()/gridSize))
	grid := make([]float64, gridSize*gridSize)
	for j := range gridSize {
		for i := range gridSize {
			var sum float64
			for sy := range sub {
				y := b.Min.Y + int((float64(j)+(float64(sy)+0.5)/float64(sub))*h/gridSize)
				for sx := range sub {
					x := b.Min.X + int((float64(i)+(float64(sx)+0.5)/float64(sub))*w/gridSize)
					sum += gr.at(min(x, b.Max.X-1), min(y, b.Max.Y-1))
				}
			}
			grid[j*gridSize+i] = sum / float64(sub*sub)
		}
	}
	return grid
}

// Blur thresholds: the service's bands of blur's value.
const blurLow, blurHigh = 0.25, 0.75

// sharpRef is the sharpness (see blurOf) at which blur's value is
// one half: calibrated on frontal portraits blurred by a Gaussian of a
// known width (see the tests). Unblurred, the faces of the demo and
// labelled photos measure 2 to 6 times sharpRef.
const sharpRef = 0.0227

// blurOf rates how blurred the face whose faceGrid is g is, 0 sharp to 1
// blurred, and its level Low, Medium or High. Sharpness is the variance of
// the Laplacian of the face resampled to gridSize², over the variance of the face's
// luminance, so that contrast does not count as sharpness; blur's value is
// 1/(1+(sharpness/sharpRef)²): Low beyond 1.7 sharpRef, High below 0.58.
func blurOf(g []float64) Rated {
	if g == nil {
		return Rated{Level: "High", Value: 1}
	}
	var lap, lap2 float64
	n := 0
	for y := 1; y < gridSize-1; y++ {
		for x := 1; x < gridSize-1; x++ {
			i := y*gridSize + x
			l := g[i-1] + g[i+1] + g[i-gridSize] + g[i+gridSize] - 4*g[i]
			lap += l
			lap2 += l * l
			n++
		}
	}
	lapVar := lap2/float64(n) - (lap/float64(n))*(lap/float64(n))
	_, v := meanVar(g)
	if v < 1 {
		return Rated{Level: "High", Value: 1} // a flat patch has no detail at all
	}
	s := lapVar / v / sharpRef
	value := clamp01(1 / (1 + s*s))
	return Rated{Level: level(value, blurLow, blurHigh, [3]string{"Low", "Medium", "High"}), Value: round2(value)}
}

// Exposure thresholds: the service's bands of exposure's value.
const exposureUnder, exposureOver = 0.25, 0.75

// exposureOf rates the exposure of the face whose faceGrid is g, 0 dark to
// 1 bright, and its level UnderExposure, GoodExposure or OverExposure: the
// median luminance of the central part of the face (the middle 60% of the box each way, which
// is skin, eyes and mouth, not hair or background), over 255.
func exposureOf(g []float64) Rated {
	if g == nil {
		return Rated{Level: "UnderExposure", Value: 0}
	}
	var hist [256]int
	lo, hi := gridSize/5, gridSize-gridSize/5
	n := 0
	for y := lo; y < hi; y++ {
		for x := lo; x < hi; x++ {
			hist[int(max(0, min(255, g[y*gridSize+x])))]++
			n++
		}
	}
	median, seen := 0, 0
	for v, c := range hist {
		if seen += c; 2*seen >= n {
			median = v
			break
		}
	}
	value := float64(median) / 255
	return Rated{Level: level(value, exposureUnder, exposureOver, [3]string{"UnderExposure", "GoodExposure", "OverExposure"}), Value: round2(value)}
}

// Noise thresholds: the service's bands of noise's value.
const noiseLow, noiseHigh = 0.3, 0.7

// noiseRef is the noise's standard deviation, in grey levels, that
// noise's value calls 1.
const noiseRef = 20

// noiseWindow bounds the part of a large face that noise reads: the noise
// of a picture is the same all over, and a window keeps the cost flat.
const noiseWindow = 256

// MeasureNoise rates the face's pixel noise, 0 clean to 1 noisy, and its
// level Low, Medium or High. It reads the face at the picture's own
// resolution (resampling would average the noise away) and estimates the
// noise's standard deviation by Immerkær's method: the mean absolute
// response to a mask that cancels smooth gradients and edges to first
// order, times √(π/2)/6. The value is that deviation over noiseRef.
func MeasureNoise(img image.Image, r facesnap.Rect) Rated {
	b := image.Rect(r.Left, r.Top, r.Left+r.Width, r.Top+r.Height).Intersect(img.Bounds())
	if c := b.Min.Add(b.Size().Div(2)); b.Dx() > noiseWindow || b.Dy() > noiseWindow {
		half := image.Pt(min(b.Dx(), noiseWindow)/2, min(b.Dy(), noiseWindow)/2)
		b = image.Rectangle{c.Sub(half), c.Add(half)}
	}
	if b.Dx() < 3 || b.Dy() < 3 {
		return Rated{Level: "Low", Value: 0}
	}
	gr := newGrayReader(img)
	w, h := b.Dx(), b.Dy()
	px := make([]float64, w*h)
	for y := range h {
		for x := range w {
			px[y*w+x] = gr.at(b.Min.X+x, b.Min.Y+y)
		}
	}
	var sum float64
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			m := px[i-w-1] - 2*px[i-w] + px[i-w+1] -
				2*px[i-1] + 4*px[i] - 2*px[i+1] +
				px[i+w-1] - 2*px[i+w] + px[i+w+1]
			if m < 0 {
				m = -m
			}
			sum += m
		}
	}
	const sqrtHalfPi = 1.2533141373155003
	sigma := sqrtHalfPi * sum / (6 * float64((w-2)*(h-2)))
	value := clamp01(sigma / noiseRef)
	return Rated{Level: level(value, noiseLow, noiseHigh, [3]string{"Low", "Medium", "High"}), Value: round2(value)}
}

func meanVar(v []float64) (mean, variance float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(v))
}

// round2 keeps two decimals, as the service shows these values.
func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }
