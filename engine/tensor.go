package engine

import (
	"math"
	"sync"
)

// tensor is one image's activations in TensorFlow's NHWC layout with a
// batch of one: element (y, x, ch) is at (y*w+x)*c+ch.
type tensor struct {
	h, w, c int
	data    []float32
}

// newTensor returns a zeroed tensor.
func newTensor(h, w, c int) *tensor {
	t := newTensorDirty(h, w, c)
	clear(t.data)
	return t
}

// newTensorDirty returns a tensor with arbitrary contents, for layers that
// write every element.
func newTensorDirty(h, w, c int) *tensor {
	return &tensor{h: h, w: w, c: c, data: getBuf(h * w * c)}
}

// release hands the tensor's memory back for reuse; t must not be used
// afterwards.
func (t *tensor) release() {
	if t != nil && t.data != nil {
		putBuf(t.data)
		t.data = nil
	}
}

// Activation buffers are recycled by exact length: a network has the same
// shapes on every call, so after the first image no layer allocates, and
// fresh multi-megabyte allocations (page faults and zeroing, 15% of
// detection time) are avoided.
var bufPools sync.Map // int → *sync.Pool of *[]float32

func getBuf(n int) []float32 {
	if p, ok := bufPools.Load(n); ok {
		if b, ok := p.(*sync.Pool).Get().(*[]float32); ok {
			return *b
		}
	}
	return make([]float32, n)
}

func putBuf(b []float32) {
	p, ok := bufPools.Load(len(b))
	if !ok {
		p, _ = bufPools.LoadOrStore(len(b), &sync.Pool{})
	}
	p.(*sync.Pool).Put(&b)
}

// activation applied after a layer's bias.
type activation int

const (
	actNone activation = iota
	actRelu
	actRelu6
	actLeaky // max(x, 0.1x), computed as the reference does
)

// bounds are the activation as a clamp.
func (a activation) bounds() (lo, hi float32) {
	inf := float32(math.Inf(1))
	switch a {
	case actRelu:
		return 0, inf
	case actRelu6:
		return 0, 6
	}
	return -inf, inf
}

func (a activation) apply(s []float32) {
	switch a {
	case actNone:
		return
	case actLeaky:
		// relu(x - 0.1x) + 0.1x, the reference's formula, to its rounding.
		for i, v := range s {
			m := v * tinyLeakyAlpha
			s[i] = max(v-m, 0) + m
		}
		return
	}
	if n := len(s) / 8 * 8; useAVX2 && n > 0 {
		lo, hi := a.bounds()
		clampVec(&s[0], n, lo, hi)
		s = s[n:]
	}
	switch a {
	case actRelu:
		for i, v := range s {
			if v < 0 {
				s[i] = 0
			}
		}
	case actRelu6:
		for i, v := range s {
			if v < 0 {
				s[i] = 0
			} else if v > 6 {
				s[i] = 6
			}
		}
	}
}

// outSize returns the output length and the padding before the first
// element of a convolution or pool along one axis, following TensorFlow's
// SAME (output ceil(in/stride), extra padding after) and VALID rules.
func outSize(in, k, stride int, same bool) (out, padBefore int) {
	if !same {
		return (in-k)/stride + 1, 0
	}
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}

// conv is a 2-D convolution with bias and activation. Its filter is kept
// as TensorFlow stores it, [kh][kw][in][out], which is already the
// (kh*kw*in)×out matrix the im2col product needs.
type conv struct {
	kh, kw, cin, cout int
	stride            int
	same              bool
	w, b              []float32
	act               activation
}

func newConv(f *param, bias []float32, stride int, same bool, act activation) *conv {
	return &conv{kh: f.shape[0], kw: f.shape[1], cin: f.shape[2], cout: f.shape[3],
		stride: stride, same: same, w: f.data, b: bias, act: act}
}

func (l *conv) forward(x *tensor) *tensor {
	oh, pt := outSize(x.h, l.kh, l.stride, l.same)
	ow, pl := outSize(x.w, l.kw, l.stride, l.same)
	out := newTensorDirty(oh, ow, l.cout)
	k := l.kh * l.kw * l.cin
	if l.kh == 1 && l.kw == 1 && l.stride == 1 {
		gemm(oh*ow, l.cout, k, x.data, k, l.w, l.b, out.data, l.act)
	} else {
		cols := im2col(x, l.kh, l.kw, l.stride, oh, ow, pt, pl)
		gemm(oh*ow, l.cout, k, cols, k, l.w, l.b, out.data, l.act)
		putBuf(cols)
	}
	return out
}

// im2col lays out every receptive field as one row, in the filter's
// (ky, kx, ch) order; taps outside the input are zero.
func im2col(x *tensor, kh, kw, stride, oh, ow, pt, pl int) []float32 {
	k := kh * kw * x.c
	cols := getBuf(oh * ow * k)
	clear(cols) // taps in the padding stay zero
	parallelFor(oh, 4, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			for ox := 0; ox < ow; ox++ {
				row := cols[(oy*ow+ox)*k:]
				for ky := 0; ky < kh; ky++ {
					iy := oy*stride + ky - pt
					dst := row[ky*kw*x.c : (ky+1)*kw*x.c]
					if iy < 0 || iy >= x.h {
						continue // already zero
					}
					for kx := 0; kx < kw; kx++ {
						ix := ox*stride + kx - pl
						if ix < 0 || ix >= x.w {
							continue
						}
						copy(dst[kx*x.c:(kx+1)*x.c], x.data[(iy*x.w+ix)*x.c:(iy*x.w+ix+1)*x.c])
					}
				}
			}
		}
	})
	return cols
}

// depthwise is a depthwise 3×3 (or k×k) convolution, SAME padding, then a
// per-channel affine (a folded batch norm, or identity) and activation.
type depthwise struct {
	k, c   int
	stride int
	w      []float32 // [ky][kx][ch]
	scale  []float32
	shift  []float32
	act    activation
}

func newDepthwise(f *param, stride int, scale, shift []float32, act activation) *depthwise {
	c := f.shape[2]
	if scale == nil {
		scale, shift = make([]float32, c), make([]float32, c)
		for i := range scale {
			scale[i] = 1
		}
	}
	return &depthwise{k: f.shape[0], c: c, stride: stride, w: f.data, scale: scale, shift: shift, act: act}
}

func (l *depthwise) forward(x *tensor) *tensor {
	oh, pt := outSize(x.h, l.k, l.stride, true)
	ow, pl := outSize(x.w, l.k, l.stride, true)
	c := x.c
	out := newTensorDirty(oh, ow, c)
	fast := useAVX2 && l.k == 3 && c%8 == 0 && l.act != actLeaky // the kernel clamps
	lo, hi := l.act.bounds()
	parallelFor(oh, 2, func(rlo, rhi int) {
		for oy := rlo; oy < rhi; oy++ {
			iy0 := oy*l.stride - pt
			for ox := 0; ox < ow; ox++ {
				acc := out.data[(oy*ow+ox)*c : (oy*ow+ox+1)*c]
				ix0 := ox*l.stride - pl
				if fast && iy0 >= 0 && iy0+3 <= x.h && ix0 >= 0 && ix0+3 <= x.w {
					dw3x3(&acc[0], &x.data[(iy0*x.w+ix0)*c], &l.w[0], &l.scale[0], &l.shift[0], c, x.w*c, lo, hi)
					continue
				}
				clear(acc)
				for ky := 0; ky < l.k; ky++ {
					iy := oy*l.stride + ky - pt
					if iy < 0 || iy >= x.h {
						continue
					}
					for kx := 0; kx < l.k; kx++ {
						ix := ox*l.stride + kx - pl
						if ix < 0 || ix >= x.w {
							continue
						}
						in := x.data[(iy*x.w+ix)*c : (iy*x.w+ix+1)*c]
						w := l.w[(ky*l.k+kx)*c : (ky*l.k+kx+1)*c]
						in = in[:len(acc)]
						w = w[:len(acc)]
						for ch := range acc {
							acc[ch] += in[ch] * w[ch]
						}
					}
				}
				for ch := range acc {
					acc[ch] = acc[ch]*l.scale[ch] + l.shift[ch]
				}
				l.act.apply(acc)
			}
		}
	})
	return out
}

// add returns a+b elementwise into a new tensor, then applies act.
func addTensors(act activation, ts ...*tensor) *tensor {
	out := newTensorDirty(ts[0].h, ts[0].w, ts[0].c)
	copy(out.data, ts[0].data)
	for _, t := range ts[1:] {
		for i, v := range t.data {
			out.data[i] += v
		}
	}
	act.apply(out.data)
	return out
}

// pool is a VALID max or average pool.
func pool(x *tensor, k, stride int, isMax bool) *tensor {
	oh, _ := outSize(x.h, k, stride, false)
	ow, _ := outSize(x.w, k, stride, false)
	out := newTensor(oh, ow, x.c)
	inv := 1 / float32(k*k)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			acc := out.data[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			if isMax {
				for ch := range acc {
					acc[ch] = float32(math.Inf(-1))
				}
			}
			for ky := 0; ky < k; ky++ {
				for kx := 0; kx < k; kx++ {
					iy, ix := oy*stride+ky, ox*stride+kx
					in := x.data[(iy*x.w+ix)*x.c : (iy*x.w+ix+1)*x.c]
					for ch, v := range in {
						if isMax {
							acc[ch] = max(acc[ch], v)
						} else {
							acc[ch] += v
						}
					}
				}
			}
			if !isMax {
				for ch := range acc {
					acc[ch] *= inv
				}
			}
		}
	}
	return out
}

// foldBatchNorm turns TensorFlow's batchNorm, (x-mean)*gamma/sqrt(var+eps)
// + beta, into one multiply-add per channel.
func foldBatchNorm(mean, variance, gamma, beta []float32, eps float64) (scale, shift []float32) {
	scale = make([]float32, len(mean))
	shift = make([]float32, len(mean))
	for i := range mean {
		s := float64(gamma[i]) / math.Sqrt(float64(variance[i])+eps)
		scale[i] = float32(s)
		shift[i] = float32(float64(beta[i]) - float64(mean[i])*s)
	}
	return scale, shift
}
