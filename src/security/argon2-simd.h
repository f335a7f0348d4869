/* argon2-simd.h — the parts of Argon2's G that argon2-ssse3.c, argon2-avx2.c and
 * argon2-avx512.c share, written over the vector operations each of them defines before
 * including this: vec, VLOAD, VSTORE (unaligned), VADD (64-bit lanes), VMUL (product of the low
 * 32-bit halves), VXOR, ROTR32, ROTR24, ROTR16, ROTR63; for ROUNDS2 (256- and 512-bit vectors)
 * ROTATE(x, k0, k1, k2, k3) (words k0..k3 of each 256 bits, in that order); and for permute_columns (256- and 512-bit vectors) SWAP_PAIRS (swap the words
 * of each 128-bit lane), BLEND(x, y, m) (the 64-bit lanes of m from y) with WORDS_02, WORDS_13
 * (lanes 0 and 2, 1 and 3 of each 256 bits) and COLUMN_STRIDE (vectors from a row to the next). */
#ifndef GONGHUI_SECURITY_ARGON2_SIMD_H
#define GONGHUI_SECURITY_ARGON2_SIMD_H
#include <stdbool.h>

#include "security/argon2-block.h"

/* BLAKE2b's addition with Argon2's multiplication of the low halves. */
static inline vec blamka(vec x, vec y)
{
	vec z = VMUL(x, y);
	return VADD(VADD(x, y), VADD(z, z));
}

/* BLAKE2b's G on two independent sets of columns, step by step interleaved: one G is a chain
 * of dependent instructions, and two give the CPU work for its idle cycles. */
#define GB2(a, b, c, d, e, f, g, h)             \
	do {                                    \
		a = blamka(a, b);               \
		e = blamka(e, f);               \
		d = ROTR32(VXOR(d, a));         \
		h = ROTR32(VXOR(h, e));         \
		c = blamka(c, d);               \
		g = blamka(g, h);               \
		b = ROTR24(VXOR(b, c));         \
		f = ROTR24(VXOR(f, g));         \
		a = blamka(a, b);               \
		e = blamka(e, f);               \
		d = ROTR16(VXOR(d, a));         \
		h = ROTR16(VXOR(h, e));         \
		c = blamka(c, d);               \
		g = blamka(g, h);               \
		b = ROTR63(VXOR(b, c));         \
		f = ROTR63(VXOR(f, g));         \
	} while (0)

#ifdef ROTATE
/* The diagonals as columns: b becomes v5 v6 v7 v4, c v10 v11 v8 v9, d v15 v12 v13 v14. */
#define DIAGONALIZE(b, c, d) \
	(b = ROTATE(b, 1, 2, 3, 0), c = ROTATE(c, 2, 3, 0, 1), d = ROTATE(d, 3, 0, 1, 2))
#define UNDIAGONALIZE(b, c, d) \
	(b = ROTATE(b, 3, 0, 1, 2), c = ROTATE(c, 2, 3, 0, 1), d = ROTATE(d, 1, 2, 3, 0))

/* P on two independent sets of 16 words, each held as a (v0..v3), b, c, d (v12..v15) in four
 * vectors: G on the columns, then on the diagonals turned into columns. */
#define ROUNDS2(a, b, c, d, e, f, g, h)              \
	do {                                         \
		GB2(a, b, c, d, e, f, g, h);         \
		DIAGONALIZE(b, c, d);                \
		DIAGONALIZE(f, g, h);                \
		GB2(a, b, c, d, e, f, g, h);         \
		UNDIAGONALIZE(b, c, d);              \
		UNDIAGONALIZE(f, g, h);              \
	} while (0)
#endif

#ifdef SWAP_PAIRS
/* P on the columns whose word pairs lie in w[0], w[S], …, w[7S] (S = COLUMN_STRIDE): w[rS] holds
 * row r's pairs of two columns per 256 bits, which are that column's v(2r), v(2r+1). The column
 * step's G take rows (0 2 4 6) and (1 3 5 7); the diagonals (v0 v5 v10 v15), (v1 v6 v11 v12)
 * take rows 0, 2|3, 5, 7|6 and (v2 v7 v8 v13), (v3 v4 v9 v14) rows 1, 3|2, 4, 6|7, regrouped
 * with blends and pair swaps. */
static inline void permute_columns(vec *w)
{
	enum { S = COLUMN_STRIDE };
	vec x0 = w[0], x1 = w[S], x2 = w[2 * S], x3 = w[3 * S];
	vec x4 = w[4 * S], x5 = w[5 * S], x6 = w[6 * S], x7 = w[7 * S];
	GB2(x0, x2, x4, x6, x1, x3, x5, x7);
	vec b1 = SWAP_PAIRS(BLEND(x2, x3, WORDS_02));
	vec d1 = SWAP_PAIRS(BLEND(x6, x7, WORDS_13));
	vec b2 = SWAP_PAIRS(BLEND(x2, x3, WORDS_13));
	vec d2 = SWAP_PAIRS(BLEND(x6, x7, WORDS_02));
	GB2(x0, b1, x5, d1, x1, b2, x4, d2);
	b1 = SWAP_PAIRS(b1);
	b2 = SWAP_PAIRS(b2);
	d1 = SWAP_PAIRS(d1);
	d2 = SWAP_PAIRS(d2);
	w[0] = x0;
	w[S] = x1;
	w[2 * S] = BLEND(b1, b2, WORDS_02);
	w[3 * S] = BLEND(b1, b2, WORDS_13);
	w[4 * S] = x4;
	w[5 * S] = x5;
	w[6 * S] = BLEND(d1, d2, WORDS_13);
	w[7 * S] = BLEND(d1, d2, WORDS_02);
}
#endif

/* A block function: next = (prev ^ ref) ^ P(prev ^ ref), also ^ next when with_xor, where
 * permute_block applies P to the rows and then the columns of the vectors given. */
static inline void fill_block(const argon2_block *prev, const argon2_block *ref,
			      argon2_block *next, bool with_xor, void (*permute_block)(vec *r))
{
	enum { N = sizeof(argon2_block) / sizeof(vec) };
	vec r[N], t[N];
	const vec *p = (const vec *)prev->v, *q = (const vec *)ref->v;
	vec *n = (vec *)next->v;
	for (int i = 0; i < N; i++) {
		r[i] = VXOR(VLOAD(p + i), VLOAD(q + i));
		t[i] = with_xor ? VXOR(r[i], VLOAD(n + i)) : r[i];
	}
	permute_block(r);
	for (int i = 0; i < N; i++)
		VSTORE(n + i, VXOR(t[i], r[i]));
}
#endif
