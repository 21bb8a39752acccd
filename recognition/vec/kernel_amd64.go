//go:build !purego

package vec

import "golang.org/x/sys/cpu"

// AVX2 for the integer kernel; the float ones need only AVX.
var useAsm = cpu.X86.HasAVX2

// Each kernel handles the first main (a multiple of 32) floats of each
// row; rows are stride elements apart.

//go:noescape
func dotBatchAsm(q, m *float32, main, stride, rows int, out *float32)

//go:noescape
func l2BatchAsm(q, m *float32, main, stride, rows int, out *float32)

// dotU4I8BatchAsm handles rows of stride bytes, of which the first main
// (a multiple of 32) are packed nibbles, four rows at a time; rows is a
// multiple of 4.
//
//go:noescape
func dotU4I8BatchAsm(q *int8, codes *uint8, main, stride, rows int, out *int32)
