package engine

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// Settings of the tiny face detector, as the reference's TinyFaceDetector
// and TinyYolov2Options define them.
const (
	DefaultTinyInputSize      = 416
	DefaultTinyScoreThreshold = 0.5
	tinyIoUThreshold          = 0.4
	tinyLeakyAlpha            = 0.10000000149011612 // 0.1 as a float32
)

var (
	tinyMeanRGB = [3]float32{117.001, 114.697, 97.404}
	tinyAnchors = [5][2]float64{
		{1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061},
		{4.266906, 5.178857}, {9.041765, 10.66308},
	}
)

// tinyDetector is the reference's TinyFaceDetector: a Tiny YOLO v2 with
// separable convolutions, 5 anchors, one class.
type tinyDetector struct {
	conv0 *conv
	seps  [5]*separable // conv1..conv5; the published model has no conv6/7
	conv8 *conv
}

func newTinyDetector(m weightMap) (*tinyDetector, error) {
	n := &tinyDetector{}
	f, err := m.get("conv0/filters", 3, 3, 3, 0)
	if err != nil {
		return nil, err
	}
	b, err := m.get("conv0/bias", f.shape[3])
	if err != nil {
		return nil, err
	}
	n.conv0 = newConv(f, b.data, 1, false, actLeaky)
	for i := range n.seps {
		if n.seps[i], err = loadSeparable(m, fmt.Sprintf("conv%d", i+1), 1); err != nil {
			return nil, err
		}
		n.seps[i].pw.act = actLeaky
	}
	if f, err = m.get("conv8/filters", 1, 1, 0, 5*len(tinyAnchors)); err != nil {
		return nil, err
	}
	if b, err = m.get("conv8/bias", f.shape[3]); err != nil {
		return nil, err
	}
	n.conv8 = newConv(f, b.data, 1, false, actNone)
	return n, nil
}

// maxPoolSame is a 2×2 max pool with TensorFlow's SAME padding: taps in
// the padding are ignored.
func maxPoolSame(x *tensor, stride int) *tensor {
	oh, pt := outSize(x.h, 2, stride, true)
	ow, pl := outSize(x.w, 2, stride, true)
	out := newTensorDirty(oh, ow, x.c)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			acc := out.data[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			for ch := range acc {
				acc[ch] = float32(math.Inf(-1))
			}
			for ky := 0; ky < 2; ky++ {
				for kx := 0; kx < 2; kx++ {
					iy, ix := oy*stride+ky-pt, ox*stride+kx-pl
					if iy < 0 || iy >= x.h || ix < 0 || ix >= x.w {
						continue
					}
					for ch, v := range x.data[(iy*x.w+ix)*x.c : (iy*x.w+ix+1)*x.c] {
						acc[ch] = max(acc[ch], v)
					}
				}
			}
		}
	}
	return out
}

// detect finds faces with the tiny detector at the given input size (a
// multiple of 32).
func (n *tinyDetector) detect(img *rgbImage, inputSize int, minScore float32) []rawDetection {
	x := squareInput(img, image.Rect(0, 0, img.w, img.h), inputSize, false)
	for i := range x.data {
		x.data[i] = (x.data[i] - tinyMeanRGB[i%3]) / 255
	}
	step := func(next *tensor) {
		x.release()
		x = next
	}
	step(n.conv0.forward(x))
	step(maxPoolSame(x, 2))
	for i, s := range n.seps {
		step(s.forward(x))
		stride := 2
		if i == len(n.seps)-1 {
			stride = 1
		}
		step(maxPoolSame(x, stride))
	}
	step(n.conv8.forward(x))
	defer x.release()

	// Boxes are relative to the image inside the padded square; the
	// reference corrects by square/reshaped size, the reshaped size rounded.
	scale := float64(inputSize) / float64(max(img.w, img.h))
	rw, rh := jsRound(float64(img.w)*scale), jsRound(float64(img.h)*scale)
	side := math.Max(rw, rh)
	corrX, corrY := side/rw, side/rh
	cells := x.h
	type cand struct {
		x0, y0, x1, y1 float64
		score          float64
	}
	var cands []cand
	sigmoid := func(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }
	for row := 0; row < cells; row++ {
		for col := 0; col < cells; col++ {
			for a, anchor := range tinyAnchors {
				e := x.data[(row*x.w+col)*x.c+5*a:]
				score := sigmoid(e[4])
				if score <= float64(minScore) {
					continue
				}
				cx := (float64(col) + sigmoid(e[0])) / float64(cells) * corrX
				cy := (float64(row) + sigmoid(e[1])) / float64(cells) * corrY
				w := math.Exp(float64(e[2])) * anchor[0] / float64(cells) * corrX
				h := math.Exp(float64(e[3])) * anchor[1] / float64(cells) * corrY
				cands = append(cands, cand{cx - w/2, cy - h/2, cx - w/2 + w, cy - h/2 + h, score})
			}
		}
	}

	// The reference's greedy suppression: highest score first (of equal
	// scores, the later candidate), dropping overlaps above the threshold.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return cands[order[i]].score < cands[order[j]].score })
	var dets []rawDetection
	for len(order) > 0 {
		cur := cands[order[len(order)-1]]
		order = order[:len(order)-1]
		dets = append(dets, rawDetection{
			x: cur.x0 * float64(img.w), y: cur.y0 * float64(img.h),
			w: (cur.x1 - cur.x0) * float64(img.w), h: (cur.y1 - cur.y0) * float64(img.h),
			score: float32(cur.score),
		})
		kept := order[:0]
		for _, i := range order {
			c := cands[i]
			iw := math.Max(0, math.Min(cur.x1, c.x1)-math.Max(cur.x0, c.x0))
			ih := math.Max(0, math.Min(cur.y1, c.y1)-math.Max(cur.y0, c.y0))
			inter := iw * ih
			union := (cur.x1-cur.x0)*(cur.y1-cur.y0) + (c.x1-c.x0)*(c.y1-c.y0) - inter
			if inter/union <= tinyIoUThreshold {
				kept = append(kept, i)
			}
		}
		order = kept
	}
	return dets
}
