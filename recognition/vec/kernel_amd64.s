//go:build !purego

#include "textflag.h"

// Four YMM sums (Y0-Y3) take elements i mod 32 in groups of eight; each
// product is rounded before it is added (VMULPS then VADDPS, no FMA) so
// that the portable loops in portable.go give the very same bits.

// REDUCE leaves ((Y0+Y1)+(Y2+Y3)) summed across its lanes in X0.
#define REDUCE \
	VADDPS       Y1, Y0, Y0 \
	VADDPS       Y3, Y2, Y2 \
	VADDPS       Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VHADDPS      X0, X0, X0 \
	VHADDPS      X0, X0, X0

#define ZERO \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3

// func dotBatchAsm(q, m *float32, main, stride, rows int, out *float32)
TEXT ·dotBatchAsm(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ main+16(FP), CX
	MOVQ stride+24(FP), R8
	MOVQ rows+32(FP), R9
	MOVQ out+40(FP), DX
	SHLQ $2, R8

dotrow:
	TESTQ R9, R9
	JZ    dotdone
	ZERO
	XORQ  AX, AX

dotloop:
	VMOVUPS (SI)(AX*4), Y4
	VMULPS  (DI)(AX*4), Y4, Y4
	VADDPS  Y4, Y0, Y0
	VMOVUPS 32(SI)(AX*4), Y5
	VMULPS  32(DI)(AX*4), Y5, Y5
	VADDPS  Y5, Y1, Y1
	VMOVUPS 64(SI)(AX*4), Y6
	VMULPS  64(DI)(AX*4), Y6, Y6
	VADDPS  Y6, Y2, Y2
	VMOVUPS 96(SI)(AX*4), Y7
	VMULPS  96(DI)(AX*4), Y7, Y7
	VADDPS  Y7, Y3, Y3
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     dotloop

	REDUCE
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	ADDQ   R8, DI
	DECQ   R9
	JMP    dotrow

dotdone:
	VZEROUPPER
	RET

// func l2BatchAsm(q, m *float32, main, stride, rows int, out *float32)
TEXT ·l2BatchAsm(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ main+16(FP), CX
	MOVQ stride+24(FP), R8
	MOVQ rows+32(FP), R9
	MOVQ out+40(FP), DX
	SHLQ $2, R8

l2row:
	TESTQ R9, R9
	JZ    l2done
	ZERO
	XORQ  AX, AX

l2loop:
	VMOVUPS (SI)(AX*4), Y4
	VSUBPS  (DI)(AX*4), Y4, Y4
	VMULPS  Y4, Y4, Y4
	VADDPS  Y4, Y0, Y0
	VMOVUPS 32(SI)(AX*4), Y5
	VSUBPS  32(DI)(AX*4), Y5, Y5
	VMULPS  Y5, Y5, Y5
	VADDPS  Y5, Y1, Y1
	VMOVUPS 64(SI)(AX*4), Y6
	VSUBPS  64(DI)(AX*4), Y6, Y6
	VMULPS  Y6, Y6, Y6
	VADDPS  Y6, Y2, Y2
	VMOVUPS 96(SI)(AX*4), Y7
	VSUBPS  96(DI)(AX*4), Y7, Y7
	VMULPS  Y7, Y7, Y7
	VADDPS  Y7, Y3, Y3
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     l2loop

	REDUCE
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	ADDQ   R8, DI
	DECQ   R9
	JMP    l2row

l2done:
	VZEROUPPER
	RET

// func dotU4I8BatchAsm(q *int8, codes *uint8, main, stride, rows int, out *int32)
//
// Four rows at a time, one int32 sum register each (Y0-Y3); each 32
// bytes of a row are 64 codes: the low
// nibbles (AND 0x0f) go with query bytes 64b..64b+31, the high ones
// (shift, AND) with 64b+32..64b+63. VPMADDUBSW multiplies unsigned
// codes by signed query bytes and adds neighbouring products to int16;
// two such sums, at most 4·15·128, fit int16, so nothing saturates.
// VPMADDWD by ones widens to int32; three VPHADDD and one 128-bit add
// leave the four rows' sums in X0.
TEXT ·dotU4I8BatchAsm(SB), NOSPLIT, $0-48
	MOVQ         q+0(FP), SI
	MOVQ         codes+8(FP), DI
	MOVQ         main+16(FP), CX
	MOVQ         stride+24(FP), R8
	MOVQ         rows+32(FP), R9
	MOVQ         out+40(FP), DX
	VPCMPEQW     Y15, Y15, Y15
	VPSRLW       $15, Y15, Y15 // sixteen int16 ones
	MOVL         $0x0f0f0f0f, AX
	MOVL         AX, X14
	VPBROADCASTD X14, Y14      // the nibble mask

u4group:
	TESTQ R9, R9
	JZ    u4done
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	LEAQ  (DI)(R8*1), R10
	LEAQ  (DI)(R8*2), R11
	LEAQ  (R10)(R8*2), R12
	XORQ  AX, AX

u4loop:
	VMOVDQU (SI)(AX*2), Y12
	VMOVDQU 32(SI)(AX*2), Y13

#define U4ROW(ptr, acc) \
	VMOVDQU    (ptr)(AX*1), Y5 \
	VPSRLW     $4, Y5, Y6 \
	VPAND      Y14, Y5, Y5 \
	VPAND      Y14, Y6, Y6 \
	VPMADDUBSW Y12, Y5, Y5 \
	VPMADDUBSW Y13, Y6, Y6 \
	VPADDW     Y6, Y5, Y5 \
	VPMADDWD   Y15, Y5, Y5 \
	VPADDD     Y5, acc, acc

	U4ROW(DI, Y0)
	U4ROW(R10, Y1)
	U4ROW(R11, Y2)
	U4ROW(R12, Y3)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  u4loop

	VPHADDD      Y1, Y0, Y0
	VPHADDD      Y3, Y2, Y2
	VPHADDD      Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD       X1, X0, X0
	VMOVDQU      X0, (DX)
	ADDQ         $16, DX
	LEAQ         (DI)(R8*4), DI
	SUBQ         $4, R9
	JMP          u4group

u4done:
	VZEROUPPER
	RET
