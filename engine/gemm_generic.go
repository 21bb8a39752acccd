//go:build !amd64 || purego

package engine

// Without the amd64 assembly the portable loops do all the work.

const useAVX2 = false

func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32) {
	panic("kernel4x16 without assembly")
}

func kernel6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32) {
	panic("kernel6x16 without assembly")
}

func dw3x3(out, in, w, scale, shift *float32, c, rowStride int, lo, hi float32) {
	panic("dw3x3 without assembly")
}

func clampVec(s *float32, n int, lo, hi float32) { panic("clampVec without assembly") }
