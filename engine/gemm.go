package engine

import (
	"runtime"
	"sync"
)

// parallelFor splits [0, n) into contiguous chunks, one per available core,
// and runs fn on each concurrently. Chunks smaller than minChunk are not
// worth a goroutine.
func parallelFor(n, minChunk int, fn func(lo, hi int)) {
	parallelForAligned(n, minChunk, 1, fn)
}

// parallelForAligned is parallelFor with chunk sizes a multiple of align
// (but the last).
func parallelForAligned(n, minChunk, align int, fn func(lo, hi int)) {
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
	chunk = (chunk + align - 1) / align * align
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
	mBlock = 60 // a multiple of 6: only a last block ends in four rows
)

// gemm computes c = act(a·b + bias), bias broadcast over rows, where a is
// m×k with row stride lda, b is k×n and c is m×n, all row-major. Rows of c
// are shared among the cores, and each block of rows gets its activation
// while it is still in cache.
func gemm(m, n, k int, a []float32, lda int, b, bias, c []float32, act activation) {
	// Chunks of whole groups of six rows leave the fewest rows to the
	// padded tail.
	parallelForAligned(m, 16, 6, func(lo, hi int) {
		gemmRows(lo, hi, n, k, a, lda, b, bias, c, act)
	})
}

// zeroBias starts kernel blocks of a product without bias.
var zeroBias [16]float32

func gemmRows(lo, hi, n, k int, a []float32, lda int, b, bias, c []float32, act activation) {
	initRows := func(lo, hi, jlo int) {
		for i := lo; i < hi; i++ {
			row := c[i*n+jlo : i*n+n]
			if bias != nil {
				copy(row, bias[jlo:n])
			} else {
				clear(row)
			}
		}
	}
	if !useAVX2 || k == 0 {
		initRows(lo, hi, 0)
		gemmPortable(lo, hi, 0, n, n, k, a, lda, b, c)
		act.apply(c[lo*n : hi*n])
		return
	}
	// Rows in groups of six, then at most one group of four, for the
	// kernels; the rest, and columns past the last multiple of 16, by the
	// portable loops.
	rowsK := lo + (hi-lo)/6*6
	if hi-rowsK >= 4 {
		rowsK += 4
	}
	cols16 := n / 16 * 16
	// Bounds the kernels rely on, checked once here rather than per call.
	if rowsK > lo && cols16 > 0 {
		_ = a[(rowsK-1)*lda+k-1]
		_ = b[(k-1)*n+cols16-1]
		_ = c[(rowsK-1)*n+cols16-1]
		if bias != nil {
			_ = bias[cols16-1]
		}
	}
	for i0 := lo; i0 < rowsK; i0 += mBlock {
		i1 := min(i0+mBlock, rowsK)
		initRows(i0, i1, cols16)
		for k0 := 0; k0 < k; k0 += kTile {
			kn := min(kTile, k-k0)
			for j0 := 0; j0 < cols16; j0 += 16 {
				bp := &b[k0*n+j0]
				// The first slice of k starts C from the bias instead of
				// reading it: no separate pass to initialise C.
				var init *float32
				if k0 == 0 {
					init = &zeroBias[0]
					if bias != nil {
						init = &bias[j0]
					}
				}
				i := i0
				for ; i+6 <= i1; i += 6 {
					kernel6x16(kn, &a[i*lda+k0], lda, bp, n, &c[i*n+j0], n, init)
				}
				for ; i+4 <= i1; i += 4 {
					kernel4x16(kn, &a[i*lda+k0], lda, bp, n, &c[i*n+j0], n, init)
				}
			}
		}
		gemmPortable(i0, i1, cols16, n, n, k, a, lda, b, c)
		act.apply(c[i0*n : i1*n])
	}
	if rowsK < hi {
		gemmTail(rowsK, hi, n, k, a, lda, b, bias, c)
		act.apply(c[rowsK*n : hi*n])
	}
}

// gemmTail computes the last one to three rows through the four-row
// kernel, on copies padded with zero rows: a single row in the portable
// loop costs as much as dozens in the kernel, and every layer has such a
// tail (the fully connected layers are nothing but one).
func gemmTail(lo, hi, n, k int, a []float32, lda int, b, bias, c []float32) {
	cols16 := n / 16 * 16
	rows := hi - lo
	ta := getBuf(4 * k)
	tc := getBuf(4 * n)
	defer putBuf(ta)
	defer putBuf(tc)
	clear(ta)
	for r := 0; r < rows; r++ {
		copy(ta[r*k:(r+1)*k], a[(lo+r)*lda:(lo+r)*lda+k])
	}
	for i := 0; i < 4; i++ {
		row := tc[i*n+cols16 : i*n+n]
		if bias != nil {
			copy(row, bias[cols16:n])
		} else {
			clear(row)
		}
	}
	for k0 := 0; k0 < k; k0 += kTile {
		kn := min(kTile, k-k0)
		for j0 := 0; j0 < cols16; j0 += 16 {
			var init *float32
			if k0 == 0 {
				init = &zeroBias[0]
				if bias != nil {
					init = &bias[j0]
				}
			}
			kernel4x16(kn, &ta[k0], k, &b[k0*n+j0], n, &tc[j0], n, init)
		}
	}
	gemmPortable(0, rows, cols16, n, n, k, ta, k, b, tc)
	copy(c[lo*n:hi*n], tc[:rows*n])
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
