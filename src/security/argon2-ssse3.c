/* argon2-ssse3.c — Argon2's compression function G with 128-bit vectors (compiled with -mssse3;
 * argon2.c calls it only on CPUs that have SSSE3). A block is 64 vectors of two words; row r is
 * vectors 8r..8r+7 and column c is vectors c, c+8, …, c+56, both in the same layout, so rows and
 * columns go through the same permutation. */
#include "security/argon2-block.h"

#ifdef ARGON2_X86
#include <tmmintrin.h>

typedef __m128i vec;
#define VLOAD _mm_loadu_si128
#define VSTORE _mm_storeu_si128
#define VADD _mm_add_epi64
#define VMUL _mm_mul_epu32
#define VXOR _mm_xor_si128
#define ROTR32(x) _mm_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define ROTR24(x) \
	_mm_shuffle_epi8((x), _mm_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10))
#define ROTR16(x) \
	_mm_shuffle_epi8((x), _mm_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9))
#define ROTR63(x) _mm_xor_si128(_mm_srli_epi64((x), 63), _mm_add_epi64((x), (x)))
#include "security/argon2-simd.h"

/* P on 16 words v0..v15 held as (a0 = v0 v1, a1 = v2 v3, b0 = v4 v5, …, d1 = v14 v15), the
 * vectors w[0], w[s], …, w[7s]. */
static inline void permute(vec *w, int s)
{
	vec a0 = w[0], a1 = w[s], b0 = w[2 * s], b1 = w[3 * s];
	vec c0 = w[4 * s], c1 = w[5 * s], d0 = w[6 * s], d1 = w[7 * s];
	GB2(a0, b0, c0, d0, a1, b1, c1, d1);
	/* Diagonals: (v0 v5 v10 v15), (v1 v6 v11 v12), (v2 v7 v8 v13), (v3 v4 v9 v14). */
	vec tb0 = _mm_alignr_epi8(b1, b0, 8), tb1 = _mm_alignr_epi8(b0, b1, 8);
	vec td0 = _mm_alignr_epi8(d0, d1, 8), td1 = _mm_alignr_epi8(d1, d0, 8);
	GB2(a0, tb0, c1, td0, a1, tb1, c0, td1);
	w[0] = a0;
	w[s] = a1;
	w[2 * s] = _mm_alignr_epi8(tb0, tb1, 8);
	w[3 * s] = _mm_alignr_epi8(tb1, tb0, 8);
	w[4 * s] = c0;
	w[5 * s] = c1;
	w[6 * s] = _mm_alignr_epi8(td1, td0, 8);
	w[7 * s] = _mm_alignr_epi8(td0, td1, 8);
}

static void permute_block(vec *r)
{
	for (int i = 0; i < 8; i++)
		permute(r + 8 * i, 1);
	for (int i = 0; i < 8; i++)
		permute(r + i, 8);
}

void argon2_fill_ssse3(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
		       bool with_xor)
{
	fill_block(prev, ref, next, with_xor, permute_block);
}
#endif
