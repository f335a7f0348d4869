/* argon2-avx2.c — Argon2's compression function G with 256-bit vectors (compiled with -mavx2;
 * argon2.c calls it only on CPUs that have AVX2). A block is 32 vectors of four words: row r is
 * vectors 4r..4r+3 (a, b, c, d of its 16 words). Columns go two at a time (argon2-simd.h): vector
 * 4r+k holds row r's word pairs of columns 2k and 2k+1. */
#include "security/argon2-block.h"

#ifdef ARGON2_X86
#include <immintrin.h>

typedef __m256i vec;
#define VLOAD(p) _mm256_loadu_si256(p)
#define VSTORE(p, x) _mm256_storeu_si256((p), (x))
#define VADD _mm256_add_epi64
#define VMUL _mm256_mul_epu32
#define VXOR _mm256_xor_si256
#define ROTR32(x) _mm256_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define ROTR24(x)                                                                          \
	_mm256_shuffle_epi8((x), _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, \
						  8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, \
						  12, 13, 14, 15, 8, 9, 10))
#define ROTR16(x)                                                                          \
	_mm256_shuffle_epi8((x), _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, \
						  15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, \
						  11, 12, 13, 14, 15, 8, 9))
#define ROTR63(x) _mm256_xor_si256(_mm256_srli_epi64((x), 63), _mm256_add_epi64((x), (x)))
#define SWAP_PAIRS(x) _mm256_shuffle_epi32((x), _MM_SHUFFLE(1, 0, 3, 2))
#define BLEND(x, y, m) _mm256_blend_epi32((x), (y), (m))
enum { WORDS_02 = 0x33, WORDS_13 = 0xCC, COLUMN_STRIDE = 4 }; /* 32-bit blend masks */
#define ROTATE(x, k0, k1, k2, k3) _mm256_permute4x64_epi64((x), _MM_SHUFFLE(k3, k2, k1, k0))
#include "security/argon2-simd.h"

/* P on two rows, w[0..3] and x[0..3]: a = v0..v3, b = v4..v7, c = v8..v11, d = v12..v15. */
static inline void permute_rows(vec *w, vec *x)
{
	vec a = w[0], b = w[1], c = w[2], d = w[3];
	vec e = x[0], f = x[1], g = x[2], h = x[3];
	ROUNDS2(a, b, c, d, e, f, g, h);
	w[0] = a, w[1] = b, w[2] = c, w[3] = d;
	x[0] = e, x[1] = f, x[2] = g, x[3] = h;
}

static void permute_block(vec *r)
{
	for (int i = 0; i < 4; i++)
		permute_rows(r + 8 * i, r + 8 * i + 4);
	for (int k = 0; k < 4; k++)
		permute_columns(r + k);
}

void argon2_fill_avx2(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
		      bool with_xor)
{
	fill_block(prev, ref, next, with_xor, permute_block);
}
#endif
