//go:build !purego

package engine

// The matrix product's inner block runs in AVX2/FMA assembly when the CPU
// has it: the scalar Go loop reaches ~2 GFLOP/s per core, far below what
// the networks need to beat the reference's SIMD wasm.

//go:noescape
func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32)

//go:noescape
func kernel6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32)

func cpuHasAVX2FMA() bool

var useAVX2 = cpuHasAVX2FMA()

//go:noescape
func dw3x3(out, in, w, scale, shift *float32, c, rowStride int, lo, hi float32)

//go:noescape
func clampVec(s *float32, n int, lo, hi float32)
