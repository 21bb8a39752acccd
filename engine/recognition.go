package engine

import (
	"fmt"
	"image"
	"strings"
)

// recognitionInputSize is the square input of the face recognition net.
const recognitionInputSize = 150

// DescriptorSize is the length of a face descriptor.
const DescriptorSize = 128

// scaledConv is the recognition net's convolution: conv + bias, then a
// per-channel scale layer (x*w + b), folded into the filter and bias.
func loadScaledConv(m weightMap, prefix string, stride int, same bool, act activation) (*conv, error) {
	f, err := m.get(prefix+"/conv/filters", 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	cout := f.shape[3]
	b, err := m.get(prefix+"/conv/bias", cout)
	if err != nil {
		return nil, err
	}
	sw, err := m.get(prefix+"/scale/weights", cout)
	if err != nil {
		return nil, err
	}
	sb, err := m.get(prefix+"/scale/biases", cout)
	if err != nil {
		return nil, err
	}
	w := make([]float32, len(f.data))
	for i, v := range f.data {
		w[i] = v * sw.data[i%cout]
	}
	bias := make([]float32, cout)
	for i := range bias {
		bias[i] = b.data[i]*sw.data[i] + sb.data[i]
	}
	folded := &param{shape: f.shape, data: w}
	return newConv(folded, bias, stride, same, act), nil
}

// residual is a pair of 3×3 convolutions with a shortcut. A down block
// starts with a VALID stride-2 convolution; its shortcut is a 2×2 average
// pool, zero-padded in channels when they double.
type residual struct {
	conv1, conv2 *conv
	down         bool
}

func loadResidual(m weightMap, prefix string, down bool) (*residual, error) {
	stride, same := 1, true
	if down {
		stride, same = 2, false
	}
	c1, err := loadScaledConv(m, prefix+"/conv1", stride, same, actRelu)
	if err != nil {
		return nil, err
	}
	c2, err := loadScaledConv(m, prefix+"/conv2", 1, true, actNone)
	if err != nil {
		return nil, err
	}
	return &residual{conv1: c1, conv2: c2, down: down}, nil
}

func (r *residual) forward(x *tensor) *tensor {
	mid := r.conv1.forward(x)
	out := r.conv2.forward(mid)
	mid.release()
	defer out.release()
	if !r.down {
		return addTensors(actRelu, out, x)
	}
	pooled := pool(x, 2, 2, false)
	defer pooled.release()
	// A VALID stride-2 convolution can come out one smaller than the pool:
	// the reference appends a zero row and column to match.
	sum := newTensor(pooled.h, pooled.w, out.c)
	for y := 0; y < sum.h; y++ {
		for xx := 0; xx < sum.w; xx++ {
			d := sum.data[(y*sum.w+xx)*sum.c : (y*sum.w+xx+1)*sum.c]
			if y < out.h && xx < out.w {
				copy(d, out.data[(y*out.w+xx)*out.c:(y*out.w+xx+1)*out.c])
			}
			p := pooled.data[(y*pooled.w+xx)*pooled.c : (y*pooled.w+xx+1)*pooled.c]
			for ch, v := range p {
				d[ch] += v
			}
		}
	}
	actRelu.apply(sum.data)
	return sum
}

// recognitionNet is faceRecognitionNet: a ResNet-34-like network giving a
// 128-dimensional descriptor.
type recognitionNet struct {
	stem   *conv
	blocks []*residual
	fc     []float32 // [256][128]
}

func newRecognitionNet(m weightMap) (*recognitionNet, error) {
	n := &recognitionNet{}
	var err error
	if n.stem, err = loadScaledConv(m, "conv32_down", 2, false, actRelu); err != nil {
		return nil, err
	}
	for _, name := range []string{
		"conv32_1", "conv32_2", "conv32_3",
		"conv64_down", "conv64_1", "conv64_2", "conv64_3",
		"conv128_down", "conv128_1", "conv128_2",
		"conv256_down", "conv256_1", "conv256_2", "conv256_down_out",
	} {
		// conv64_down, conv128_down, conv256_down and conv256_down_out
		// halve the resolution.
		b, err := loadResidual(m, name, strings.Contains(name, "_down"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		n.blocks = append(n.blocks, b)
	}
	fc, err := m.get("fc", 256, DescriptorSize)
	if err != nil {
		return nil, err
	}
	n.fc = fc.data
	return n, nil
}

// descriptor computes the descriptor of the face in the crop r of img.
func (n *recognitionNet) descriptor(img *rgbImage, r image.Rectangle) []float32 {
	out := make([]float32, DescriptorSize)
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return out // the reference's answer for an empty crop
	}
	x := squareInput(img, r, recognitionInputSize, true)
	normalizeMean(x)
	step := func(next *tensor) {
		x.release()
		x = next
	}
	step(n.stem.forward(x))
	step(pool(x, 3, 2, true))
	for _, b := range n.blocks {
		step(b.forward(x))
	}
	defer x.release()
	// Global average, then the projection.
	mean := make([]float32, x.c)
	for p := 0; p < x.h*x.w; p++ {
		for ch := range mean {
			mean[ch] += x.data[p*x.c+ch]
		}
	}
	inv := 1 / float32(x.h*x.w)
	for ch := range mean {
		mean[ch] *= inv
	}
	gemm(1, DescriptorSize, x.c, mean, x.c, n.fc, nil, out, actNone)
	return out
}
