//go:build !amd64 || purego

package vec

// Without the amd64 assembly the portable loops do all the work.

const useAsm = false

func dotBatchAsm(q, m *float32, main, stride, rows int, out *float32) {
	panic("dotBatchAsm without assembly")
}

func l2BatchAsm(q, m *float32, main, stride, rows int, out *float32) {
	panic("l2BatchAsm without assembly")
}

func dotU4I8BatchAsm(q *int8, codes *uint8, main, stride, rows int, out *int32) {
	panic("dotU4I8BatchAsm without assembly")
}
