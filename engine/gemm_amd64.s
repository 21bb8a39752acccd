//go:build !purego

#include "textflag.h"

// func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32)
//
// C[0:4][0:16] += A[0:4][0:k] · B[0:k][0:16], strides in elements; when
// bias is not nil, C's old values are ignored and every row starts from
// bias[0:16] instead. Eight YMM accumulators hold the 4×16 block of C;
// each step broadcasts one element of each A row against two vectors of
// the B row.
TEXT ·kernel4x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	MOVQ bias+56(FP), AX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10

	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13

	TESTQ AX, AX
	JZ    k4loadc
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y1, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y1, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y1, Y7
	JMP     k4start

k4loadc:
	MOVQ    DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	ADDQ    R10, AX
	VMOVUPS (AX), Y2
	VMOVUPS 32(AX), Y3
	ADDQ    R10, AX
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	ADDQ    R10, AX
	VMOVUPS (AX), Y6
	VMOVUPS 32(AX), Y7

k4start:
	TESTQ CX, CX
	JZ    k4store

k4loop:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (R11), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R12), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (R13), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         $4, SI
	ADDQ         $4, R11
	ADDQ         $4, R12
	ADDQ         $4, R13
	ADDQ         R9, DI
	DECQ         CX
	JNZ          k4loop

k4store:
	MOVQ    DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y2, (AX)
	VMOVUPS Y3, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	VZEROUPPER
	RET

// func kernel6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32)
//
// kernel4x16 for six rows: twelve accumulators, so each pair of B vectors
// loaded feeds twelve multiply-adds.
TEXT ·kernel6x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	MOVQ bias+56(FP), AX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10

	TESTQ AX, AX
	JZ    k6loadc
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y1, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y1, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y1, Y7
	VMOVAPS Y0, Y8
	VMOVAPS Y1, Y9
	VMOVAPS Y0, Y10
	VMOVAPS Y1, Y11
	JMP     k6start

k6loadc:
	MOVQ    DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	ADDQ    R10, AX
	VMOVUPS (AX), Y2
	VMOVUPS 32(AX), Y3
	ADDQ    R10, AX
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	ADDQ    R10, AX
	VMOVUPS (AX), Y6
	VMOVUPS 32(AX), Y7
	ADDQ    R10, AX
	VMOVUPS (AX), Y8
	VMOVUPS 32(AX), Y9
	ADDQ    R10, AX
	VMOVUPS (AX), Y10
	VMOVUPS 32(AX), Y11

k6start:
	// A rows: SI, R11, R12, R13, AX, BX.
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	LEAQ (R13)(R8*1), AX
	LEAQ (AX)(R8*1), BX
	TESTQ CX, CX
	JZ    k6store

k6loop:
	VMOVUPS      (DI), Y12
	VMOVUPS      32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R11), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R12), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R13), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (AX), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (BX), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         $4, SI
	ADDQ         $4, R11
	ADDQ         $4, R12
	ADDQ         $4, R13
	ADDQ         $4, AX
	ADDQ         $4, BX
	ADDQ         R9, DI
	DECQ         CX
	JNZ          k6loop

k6store:
	MOVQ    DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y2, (AX)
	VMOVUPS Y3, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y8, (AX)
	VMOVUPS Y9, 32(AX)
	ADDQ    R10, AX
	VMOVUPS Y10, (AX)
	VMOVUPS Y11, 32(AX)
	VZEROUPPER
	RET

// func cpuHasAVX2FMA() bool
//
// AVX2 and FMA in the CPU, and YMM state enabled by the OS (OSXSAVE and
// XCR0 bits 1-2).
TEXT ·cpuHasAVX2FMA(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JLT  no
	MOVL $1, AX
	MOVL $0, CX
	CPUID
	MOVL CX, R8
	ANDL $0x18001000, R8 // FMA (12), OSXSAVE (27), AVX (28)
	CMPL R8, $0x18001000
	JNE  no
	MOVL $0, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	MOVL $0, CX
	CPUID
	ANDL $0x20, BX // AVX2 (5)
	JZ   no
	MOVB $1, ret+0(FP)
no:
	RET

// func dw3x3(out, in, w, scale, shift *float32, c, rowStride int, lo, hi float32)
//
// One output pixel of a 3×3 depthwise convolution whose nine taps are all
// inside the input: in points at the top-left tap, taps are c apart along
// a row and rowStride apart between rows, w is [3][3][c]. The sum is then
// scaled, shifted and clamped to [lo, hi] per channel. c is a multiple of 8.
TEXT ·dw3x3(SB), NOSPLIT, $0-64
	MOVQ         out+0(FP), DI
	MOVQ         in+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         scale+24(FP), R8
	MOVQ         shift+32(FP), R9
	MOVQ         c+40(FP), CX
	MOVQ         rowStride+48(FP), R10
	VBROADCASTSS lo+56(FP), Y14
	VBROADCASTSS hi+60(FP), Y15
	SHLQ         $2, R10
	MOVQ         CX, R11
	SHLQ         $2, R11
	LEAQ         (SI)(R10*1), R12
	LEAQ         (R12)(R10*1), R13
	LEAQ         (DX)(R11*2), AX
	ADDQ         R11, AX
	LEAQ         (AX)(R11*2), BX
	ADDQ         R11, BX
	SHRQ         $3, CX
	JZ           dwdone

dwloop:
	VMOVUPS     (SI), Y0
	VMULPS      (DX), Y0, Y0
	VMOVUPS     (SI)(R11*1), Y1
	VFMADD231PS (DX)(R11*1), Y1, Y0
	VMOVUPS     (SI)(R11*2), Y2
	VFMADD231PS (DX)(R11*2), Y2, Y0
	VMOVUPS     (R12), Y1
	VFMADD231PS (AX), Y1, Y0
	VMOVUPS     (R12)(R11*1), Y2
	VFMADD231PS (AX)(R11*1), Y2, Y0
	VMOVUPS     (R12)(R11*2), Y1
	VFMADD231PS (AX)(R11*2), Y1, Y0
	VMOVUPS     (R13), Y2
	VFMADD231PS (BX), Y2, Y0
	VMOVUPS     (R13)(R11*1), Y1
	VFMADD231PS (BX)(R11*1), Y1, Y0
	VMOVUPS     (R13)(R11*2), Y2
	VFMADD231PS (BX)(R11*2), Y2, Y0
	VMOVUPS     (R8), Y3
	VFMADD213PS (R9), Y3, Y0
	VMAXPS      Y14, Y0, Y0
	VMINPS      Y15, Y0, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, R12
	ADDQ        $32, R13
	ADDQ        $32, DX
	ADDQ        $32, AX
	ADDQ        $32, BX
	ADDQ        $32, R8
	ADDQ        $32, R9
	ADDQ        $32, DI
	DECQ        CX
	JNZ         dwloop

dwdone:
	VZEROUPPER
	RET

// func clampVec(s *float32, n int, lo, hi float32)
//
// s[i] = min(max(s[i], lo), hi) for n elements, n a multiple of 8.
TEXT ·clampVec(SB), NOSPLIT, $0-24
	MOVQ         s+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS lo+16(FP), Y14
	VBROADCASTSS hi+20(FP), Y15
	SHRQ         $3, CX
	JZ           cdone

cloop:
	VMOVUPS (DI), Y0
	VMAXPS  Y14, Y0, Y0
	VMINPS  Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     cloop

cdone:
	VZEROUPPER
	RET
