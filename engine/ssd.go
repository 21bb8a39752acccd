package engine

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// ssdInputSize is the square input of SSD MobileNet v1 as the reference
// runs it.
const ssdInputSize = 512

// ssdBNEpsilon is the batch-norm epsilon of the reference's depthwise layers
// (0.001 as a float32).
const ssdBNEpsilon = 0.0010000000474974513

// ssdIoUThreshold is the reference's non-maximum suppression threshold.
const ssdIoUThreshold = 0.5

// ssdMobilenet is the face detector: a MobileNet v1 body, an SSD head with
// six box predictors, and fixed anchors.
type ssdMobilenet struct {
	conv0 *conv
	pairs [13]struct {
		dw *depthwise
		pw *conv
	}
	extra   [8]*conv // prediction layer convs 0..7
	heads   [6]ssdHead
	anchors []float32 // [n][4]
}

func newSSDMobilenet(m weightMap) (*ssdMobilenet, error) {
	n := &ssdMobilenet{}
	pointwise := func(prefix string, idx, stride int) (*conv, error) {
		f, err := m.get(fmt.Sprintf("%s/Conv2d_%d_pointwise/weights", prefix, idx), 0, 0, 0, 0)
		if err != nil {
			return nil, err
		}
		b, err := m.get(fmt.Sprintf("%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, idx), f.shape[3])
		if err != nil {
			return nil, err
		}
		return newConv(f, b.data, stride, true, actRelu6), nil
	}
	var err error
	if n.conv0, err = pointwise("MobilenetV1", 0, 2); err != nil {
		return nil, err
	}
	for i := range n.pairs {
		idx := i + 1
		p := fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise/", idx)
		f, err := m.get(p+"depthwise_weights", 3, 3, 0, 1)
		if err != nil {
			return nil, err
		}
		c := f.shape[2]
		var bn [4]*param
		for j, name := range []string{"BatchNorm/gamma", "BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance"} {
			if bn[j], err = m.get(p+name, c); err != nil {
				return nil, err
			}
		}
		stride := 1
		switch idx {
		case 2, 4, 6, 12:
			stride = 2
		}
		scale, shift := foldBatchNorm(bn[2].data, bn[3].data, bn[0].data, bn[1].data, ssdBNEpsilon)
		n.pairs[i].dw = newDepthwise(f, stride, scale, shift, actRelu6)
		if n.pairs[i].pw, err = pointwise("MobilenetV1", idx, 1); err != nil {
			return nil, err
		}
	}
	for i := range n.extra {
		if n.extra[i], err = pointwise("Prediction", i, 1+i%2); err != nil {
			return nil, err
		}
	}
	for i := range n.heads {
		var ws, bs [2]*param
		for j, kind := range []string{"BoxEncodingPredictor", "ClassPredictor"} {
			p := fmt.Sprintf("Prediction/BoxPredictor_%d/%s/", i, kind)
			if ws[j], err = m.get(p+"weights", 1, 1, 0, 0); err != nil {
				return nil, err
			}
			if bs[j], err = m.get(p+"biases", ws[j].shape[3]); err != nil {
				return nil, err
			}
		}
		if ws[1].shape[2] != ws[0].shape[2] {
			return nil, fmt.Errorf("box predictor %d: box and class inputs differ", i)
		}
		n.heads[i] = newSSDHead(ws[0], bs[0], ws[1], bs[1])
	}
	a, err := m.get("Output/extra_dim", 1, 0, 4)
	if err != nil {
		return nil, err
	}
	n.anchors = a.data
	return n, nil
}

// ssdHead is one box predictor: the box-encoding and class 1×1
// convolutions over the same features, run as one product whose columns
// are padded to a multiple of 16 so that the fast kernel takes all of it
// (apart, their 12 and 9 columns went to the portable loop).
type ssdHead struct {
	conv       *conv
	nBox, nCls int
}

func newSSDHead(bw, bb, cw, cb *param) ssdHead {
	cin, nBox, nCls := bw.shape[2], bw.shape[3], cw.shape[3]
	width := (nBox + nCls + 15) / 16 * 16
	w := make([]float32, cin*width)
	bias := make([]float32, width)
	for k := 0; k < cin; k++ {
		copy(w[k*width:], bw.data[k*nBox:(k+1)*nBox])
		copy(w[k*width+nBox:], cw.data[k*nCls:(k+1)*nCls])
	}
	copy(bias, bb.data)
	copy(bias[nBox:], cb.data)
	return ssdHead{
		conv: newConv(&param{shape: []int{1, 1, cin, width}, data: w}, bias, 1, true, actNone),
		nBox: nBox, nCls: nCls,
	}
}

// forward appends the head's box encodings and class logits, per position
// in (y, x, anchor) order as the reference reshapes them.
func (h ssdHead) forward(x *tensor, enc, cls []float32) ([]float32, []float32) {
	out := h.conv.forward(x)
	for p := 0; p < out.h*out.w; p++ {
		row := out.data[p*out.c:]
		enc = append(enc, row[:h.nBox]...)
		cls = append(cls, row[h.nBox:h.nBox+h.nCls]...)
	}
	out.release()
	return enc, cls
}

// ssdBox is a candidate in the network's relative coordinates, as the
// reference orders them: ymin, xmin, ymax, xmax of the padded square.
type ssdBox [4]float32

// forward runs the network on a 512×512 input (values 0..255) and returns
// every anchor's decoded box and face score.
func (n *ssdMobilenet) forward(x *tensor) ([]ssdBox, []float32) {
	for i := range x.data {
		x.data[i] = x.data[i]/127.5 - 1
	}
	out := n.conv0.forward(x)
	var conv11 *tensor
	for i, p := range n.pairs {
		mid := p.dw.forward(out)
		if i+1 != 12 { // conv11's output is kept for the head
			out.release()
		}
		out = p.pw.forward(mid)
		mid.release()
		if i+1 == 11 {
			conv11 = out
		}
	}
	feats := [6]*tensor{conv11, out}
	c := out
	for i, l := range n.extra {
		next := l.forward(c)
		if i%2 == 1 { // conv1, conv3, conv5, conv7 feed the head
			c.release() // conv0, conv2, ...: used only by the next layer
			feats[2+i/2] = next
		}
		c = next
	}
	var enc, cls []float32
	for i, f := range feats {
		enc, cls = n.heads[i].forward(f, enc, cls)
		f.release()
	}
	count := len(n.anchors) / 4
	boxes := make([]ssdBox, count)
	scores := make([]float32, count)
	for i := range boxes {
		a := n.anchors[4*i : 4*i+4]
		p := enc[4*i : 4*i+4]
		sizeY, sizeX := a[2]-a[0], a[3]-a[1]
		cy, cx := a[0]+sizeY/2, a[1]+sizeX/2
		hy := float32(math.Exp(float64(p[2]/5))) * sizeY / 2
		hx := float32(math.Exp(float64(p[3]/5))) * sizeX / 2
		y := p[0]/10*sizeY + cy
		xx := p[1]/10*sizeX + cx
		boxes[i] = ssdBox{y - hy, xx - hx, y + hy, xx + hx}
		// Class 1 of (background, face).
		scores[i] = float32(1 / (1 + math.Exp(-float64(cls[3*i+1]))))
	}
	return boxes, scores
}

// ssdIoU is the reference's overlap of two candidates (corners taken in
// either order).
func ssdIoU(a, b ssdBox) float32 {
	ay0, ax0, ay1, ax1 := min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])
	by0, bx0, by1, bx1 := min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])
	areaA := (ay1 - ay0) * (ax1 - ax0)
	areaB := (by1 - by0) * (bx1 - bx0)
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	inter := max(min(ay1, by1)-max(ay0, by0), 0) * max(min(ax1, bx1)-max(ax0, bx0), 0)
	return inter / (areaA + areaB - inter)
}

// nonMaxSuppression keeps, by falling score, candidates above minScore that
// overlap no kept one by more than the IoU threshold.
func nonMaxSuppression(boxes []ssdBox, scores []float32, maxResults int, minScore float32) []int {
	var cand []int
	for i, s := range scores {
		if s > minScore {
			cand = append(cand, i)
		}
	}
	sort.SliceStable(cand, func(i, j int) bool { return scores[cand[i]] > scores[cand[j]] })
	var kept []int
	for _, c := range cand {
		if len(kept) >= maxResults {
			break
		}
		ok := true
		for j := len(kept) - 1; j >= 0; j-- {
			if ssdIoU(boxes[c], boxes[kept[j]]) > ssdIoUThreshold {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, c)
		}
	}
	return kept
}

// rawDetection is a face box in image pixels with fractional coordinates,
// as the reference's FaceDetection.box holds it.
type rawDetection struct {
	x, y, w, h float64
	score      float32
}

// detect finds faces in img: the image is padded at the right or bottom to
// a square, scaled to 512, and boxes come back in image pixels.
func (n *ssdMobilenet) detect(img *rgbImage, minScore float32, maxResults int) []rawDetection {
	in := squareInput(img, image.Rect(0, 0, img.w, img.h), ssdInputSize, false)
	boxes, scores := n.forward(in)
	idx := nonMaxSuppression(boxes, scores, maxResults, minScore)

	// The boxes are relative to the padded square; the reference rescales
	// them by input/reshaped size, the reshaped size being rounded.
	scale := float64(ssdInputSize) / float64(max(img.w, img.h))
	padX := float64(ssdInputSize) / jsRound(float64(img.w)*scale)
	padY := float64(ssdInputSize) / jsRound(float64(img.h)*scale)
	var dets []rawDetection
	for _, i := range idx {
		b := boxes[i]
		top := math.Max(0, float64(b[0])) * padY
		bottom := math.Min(1, float64(b[2])) * padY
		left := math.Max(0, float64(b[1])) * padX
		right := math.Min(1, float64(b[3])) * padX
		dets = append(dets, rawDetection{
			x: left * float64(img.w), y: top * float64(img.h),
			w: (right - left) * float64(img.w), h: (bottom - top) * float64(img.h),
			score: scores[i],
		})
	}
	return dets
}
