package engine

import (
	"fmt"
	"image"
)

// landmarkInputSize is the square input of the 68-point landmark net.
const landmarkInputSize = 112

// meanRGB is the per-channel mean the reference subtracts before its
// landmark and recognition nets.
var meanRGB = [3]float32{122.782, 117.001, 104.298}

// denseBlock is four convolutions whose outputs are summed densely: each
// layer sees the relu of the sum of all earlier outputs.
type denseBlock struct {
	conv0   *conv      // first block only: a full 3×3 convolution
	sep0    *separable // other blocks: separable, stride 2
	conv1_3 [3]*separable
}

// separable is a depthwise 3×3 followed by a pointwise convolution with
// bias, SAME padding (TensorFlow's separableConv2d).
type separable struct {
	dw *depthwise
	pw *conv
}

func (s *separable) forward(x *tensor) *tensor {
	mid := s.dw.forward(x)
	out := s.pw.forward(mid)
	mid.release()
	return out
}

func loadSeparable(m weightMap, prefix string, stride int) (*separable, error) {
	dw, err := m.get(prefix+"/depthwise_filter", 3, 3, 0, 1)
	if err != nil {
		return nil, err
	}
	pw, err := m.get(prefix+"/pointwise_filter", 1, 1, dw.shape[2], 0)
	if err != nil {
		return nil, err
	}
	b, err := m.get(prefix+"/bias", pw.shape[3])
	if err != nil {
		return nil, err
	}
	return &separable{
		dw: newDepthwise(dw, stride, nil, nil, actNone),
		pw: newConv(pw, b.data, 1, true, actNone),
	}, nil
}

func (d *denseBlock) forward(x *tensor) *tensor {
	var out1 *tensor
	if d.conv0 != nil {
		out1 = d.conv0.forward(x)
	} else {
		out1 = d.sep0.forward(x)
		actRelu.apply(out1.data)
	}
	out2 := d.conv1_3[0].forward(out1)
	in3 := addTensors(actRelu, out1, out2)
	out3 := d.conv1_3[1].forward(in3)
	in4 := addTensors(actRelu, out1, out2, out3)
	out4 := d.conv1_3[2].forward(in4)
	out := addTensors(actRelu, out1, out2, out3, out4)
	for _, t := range []*tensor{out1, out2, in3, out3, in4, out4} {
		t.release()
	}
	return out
}

// landmarkNet is faceLandmark68Net: four dense blocks, a 7×7 average pool
// and a fully connected layer giving 68 (x, y) pairs relative to its input.
type landmarkNet struct {
	dense [4]*denseBlock
	fcW   []float32 // [256][136]
	fcB   []float32
}

func newLandmarkNet(m weightMap) (*landmarkNet, error) {
	n := &landmarkNet{}
	for i := range n.dense {
		p := fmt.Sprintf("dense%d", i)
		d := &denseBlock{}
		var err error
		if i == 0 {
			f, err := m.get(p+"/conv0/filters", 3, 3, 3, 0)
			if err != nil {
				return nil, err
			}
			b, err := m.get(p+"/conv0/bias", f.shape[3])
			if err != nil {
				return nil, err
			}
			d.conv0 = newConv(f, b.data, 2, true, actRelu)
		} else if d.sep0, err = loadSeparable(m, p+"/conv0", 2); err != nil {
			return nil, err
		}
		for j := range d.conv1_3 {
			if d.conv1_3[j], err = loadSeparable(m, fmt.Sprintf("%s/conv%d", p, j+1), 1); err != nil {
				return nil, err
			}
		}
		n.dense[i] = d
	}
	w, err := m.get("fc/weights", 256, 136)
	if err != nil {
		return nil, err
	}
	b, err := m.get("fc/bias", 136)
	if err != nil {
		return nil, err
	}
	n.fcW, n.fcB = w.data, b.data
	return n, nil
}

// normalizeMean subtracts meanRGB and divides by 255, in place.
func normalizeMean(x *tensor) {
	for i := range x.data {
		x.data[i] = (x.data[i] - meanRGB[i%3]) / 255
	}
}

// point is an (x, y) position in image pixels.
type point struct{ x, y float64 }

// landmarks returns the 68 points of the face in the crop r of img, in
// the crop's pixels (the reference's unshifted landmarks).
func (n *landmarkNet) landmarks(img *rgbImage, r image.Rectangle) [68]point {
	x := squareInput(img, r, landmarkInputSize, true)
	normalizeMean(x)
	for _, d := range n.dense {
		next := d.forward(x)
		x.release()
		x = next
	}
	pooled := pool(x, 7, 2, false)
	x.release()
	x = pooled
	defer x.release()
	out := make([]float32, 136)
	gemm(1, 136, 256, x.data, 256, n.fcW, n.fcB, out, actNone)

	// The outputs are relative to the padded square; undo the padding as
	// the reference does, with its half-padding on each side.
	w, h := float64(r.Dx()), float64(r.Dy())
	scale := landmarkInputSize / max(w, h)
	sw, sh := w*scale, h*scale
	var padX, padY float64
	if sw < sh {
		padX = (sh - sw) / 2
	} else if sh < sw {
		padY = (sw - sh) / 2
	}
	var pts [68]point
	for i := range pts {
		rx := (float64(out[2*i])*landmarkInputSize - padX) / sw
		ry := (float64(out[2*i+1])*landmarkInputSize - padY) / sh
		pts[i] = point{rx * w, ry * h}
	}
	return pts
}
