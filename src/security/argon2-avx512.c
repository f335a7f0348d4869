/* argon2-avx512.c — Argon2's compression function G with 512-bit vectors (compiled with
 * -mavx512f; argon2.c calls it only on CPUs that have AVX-512F). A block is 16 vectors of eight
 * words, row r being vectors 2r, 2r+1. Rows go two to a vector (one per 256-bit half, gathered
 * with 128-bit shuffles); columns four at a time (argon2-simd.h), since vector 2r (2r+1) holds
 * row r's word pairs of columns 0–3 (4–7). */
#include "security/argon2-block.h"

#ifdef ARGON2_X86
#include <immintrin.h>

typedef __m512i vec;
#define VLOAD(p) _mm512_loadu_si512(p)
#define VSTORE(p, x) _mm512_storeu_si512((p), (x))
#define VADD _mm512_add_epi64
#define VMUL _mm512_mul_epu32
#define VXOR _mm512_xor_si512
#define ROTR32(x) _mm512_ror_epi64((x), 32)
#define ROTR24(x) _mm512_ror_epi64((x), 24)
#define ROTR16(x) _mm512_ror_epi64((x), 16)
#define ROTR63(x) _mm512_ror_epi64((x), 63)
#define SWAP_PAIRS(x) _mm512_shuffle_epi32((x), (_MM_PERM_ENUM)_MM_SHUFFLE(1, 0, 3, 2))
#define BLEND(x, y, m) _mm512_mask_blend_epi64((__mmask8)(m), (x), (y))
enum { WORDS_02 = 0x55, WORDS_13 = 0xAA, COLUMN_STRIDE = 2 }; /* 64-bit blend masks */
/* Within each 256-bit half (one row of the pair). */
#define ROTATE(x, k0, k1, k2, k3) _mm512_permutex_epi64((x), _MM_SHUFFLE(k3, k2, k1, k0))
#include "security/argon2-simd.h"

/* 256-bit halves: LOW(x, y) = (low half of x, low half of y), HIGH likewise. */
#define LOW(x, y) _mm512_shuffle_i64x2((x), (y), _MM_SHUFFLE(1, 0, 1, 0))
#define HIGH(x, y) _mm512_shuffle_i64x2((x), (y), _MM_SHUFFLE(3, 2, 3, 2))

/* P on rows 2i, 2i+1 (w[0..3]) and 2i+2, 2i+3 (w[4..7]). */
static inline void permute_rows(vec *w)
{
	vec a = LOW(w[0], w[2]), b = HIGH(w[0], w[2]);
	vec c = LOW(w[1], w[3]), d = HIGH(w[1], w[3]);
	vec e = LOW(w[4], w[6]), f = HIGH(w[4], w[6]);
	vec g = LOW(w[5], w[7]), h = HIGH(w[5], w[7]);
	ROUNDS2(a, b, c, d, e, f, g, h);
	w[0] = LOW(a, b), w[2] = HIGH(a, b);
	w[1] = LOW(c, d), w[3] = HIGH(c, d);
	w[4] = LOW(e, f), w[6] = HIGH(e, f);
	w[5] = LOW(g, h), w[7] = HIGH(g, h);
}

static void permute_block(vec *r)
{
	permute_rows(r);
	permute_rows(r + 8);
	permute_columns(r);
	permute_columns(r + 1);
}

void argon2_fill_avx512(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
			bool with_xor)
{
	fill_block(prev, ref, next, with_xor, permute_block);
}
#endif
