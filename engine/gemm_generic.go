//go:build !amd64 || purego

package engine

// Without the amd64 assembly the portable loops do all the work.

const useKernel4x16 = false

func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int) {
	panic("kernel4x16 without assembly")
}
