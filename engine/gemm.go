package engine

import (
	"runtime"
	"sync"
)

// parallelFor splits [0, n) into contiguous chunks, one per available core,
// and runs fn on each concurrently. Chunks smaller than minChunk are not
// worth a goroutine.
func parallelFor(n, minChunk int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if minChunk < 1 {
		minChunk = 1
	}
	if w := n / minChunk; w < workers {
		workers = w
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// Tile sizes of the matrix product. Portable loops: a kTile×nTile block
// of B (256 KB) stays in L2 while rows of A pass over it, and four rows of
// C's nTile columns (4 KB) stay in L1. Assembly kernel: a kTile×16 panel of
// B (16 KB) stays in L1 while the mBlock rows of A (64 KB) pass over it.
const (
	kTile  = 256
	nTile  = 256
	mBlock = 64
)

// gemm computes c = act(a·b + bias), bias broadcast over rows, where a is
// m×k with row stride lda, b is k×n and c is m×n, all row-major. Rows of c
// are shared among the cores, and each block of rows gets its activation
// while it is still in cache.
func gemm(m, n, k int, a []float32, lda int, b, bias, c []float32, act activation) {
	parallelFor(m, 16, func(lo, hi int) {
		gemmRows(lo, hi, n, k, a, lda, b, bias, c, act)
	})
}

func gemmRows(lo, hi, n, k int, a []float32, lda int, b, bias, c []float32, act activation) {
	for i := lo; i < hi; i++ {
		row := c[i*n : i*n+n]
		if bias != nil {
			copy(row, bias[:n])
		} else {
			clear(row)
		}
	}
	if !useAVX2 || k == 0 {
		gemmPortable(lo, hi, 0, n, n, k, a, lda, b, c)
		act.apply(c[lo*n : hi*n])
		return
	}
	rows4 := lo + (hi-lo)/4*4
	cols16 := n / 16 * 16
	// Bounds the kernel relies on, checked once here rather than per call.
	if rows4 > lo && cols16 > 0 {
		_ = a[(rows4-1)*lda+k-1]
		_ = b[(k-1)*n+cols16-1]
		_ = c[(rows4-1)*n+cols16-1]
	}
	for i0 := lo; i0 < rows4; i0 += mBlock {
		i1 := min(i0+mBlock, rows4)
		for k0 := 0; k0 < k; k0 += kTile {
			kn := min(kTile, k-k0)
			for j0 := 0; j0 < cols16; j0 += 16 {
				bp := &b[k0*n+j0]
				for i := i0; i < i1; i += 4 {
					kernel4x16(kn, &a[i*lda+k0], lda, bp, n, &c[i*n+j0], n)
				}
			}
		}
		gemmPortable(i0, i1, cols16, n, n, k, a, lda, b, c)
		act.apply(c[i0*n : i1*n])
	}
	gemmPortable(rows4, hi, 0, n, n, k, a, lda, b, c)
	act.apply(c[rows4*n : hi*n])
}

// gemmPortable adds a·b into rows [lo, hi) and columns [jlo, jhi) of c.
func gemmPortable(lo, hi, jlo, jhi, n, k int, a []float32, lda int, b, c []float32) {
	if lo >= hi || jlo >= jhi {
		return
	}
	for j0 := jlo; j0 < jhi; j0 += nTile {
		j1 := min(j0+nTile, jhi)
		for k0 := 0; k0 < k; k0 += kTile {
			k1 := min(k0+kTile, k)
			i := lo
			// Four rows at a time: each element of B loaded feeds four
			// multiply-adds.
			for ; i+4 <= hi; i += 4 {
				c0 := c[i*n+j0 : i*n+j1]
				c1 := c[(i+1)*n+j0 : (i+1)*n+j1]
				c2 := c[(i+2)*n+j0 : (i+2)*n+j1]
				c3 := c[(i+3)*n+j0 : (i+3)*n+j1]
				a0 := a[i*lda : i*lda+k]
				a1 := a[(i+1)*lda : (i+1)*lda+k]
				a2 := a[(i+2)*lda : (i+2)*lda+k]
				a3 := a[(i+3)*lda : (i+3)*lda+k]
				for kk := k0; kk < k1; kk++ {
					bRow := b[kk*n+j0 : kk*n+j1]
					v0, v1, v2, v3 := a0[kk], a1[kk], a2[kk], a3[kk]
					c0 := c0[:len(bRow)]
					c1 := c1[:len(bRow)]
					c2 := c2[:len(bRow)]
					c3 := c3[:len(bRow)]
					for j, bv := range bRow {
						c0[j] += v0 * bv
						c1[j] += v1 * bv
						c2[j] += v2 * bv
						c3[j] += v3 * bv
					}
				}
			}
			for ; i < hi; i++ {
				ci := c[i*n+j0 : i*n+j1]
				ai := a[i*lda : i*lda+k]
				for kk := k0; kk < k1; kk++ {
					bRow := b[kk*n+j0 : kk*n+j1]
					v := ai[kk]
					ci := ci[:len(bRow)]
					for j, bv := range bRow {
						ci[j] += v * bv
					}
				}
			}
		}
	}
}
