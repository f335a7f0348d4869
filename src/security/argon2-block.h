/* argon2-block.h — inside Argon2id (argon2.c): the 1 KiB block and the compression function G
 * in its builds (portable C, SSSE3, AVX2, AVX-512F; the SIMD files are compiled with their -m flag
 * and called only when the CPU has it). */
#ifndef GONGHUI_SECURITY_ARGON2_BLOCK_H
#define GONGHUI_SECURITY_ARGON2_BLOCK_H
#include <stdbool.h>
#include <stdint.h>

enum { ARGON2_BLOCK_WORDS = 128 };

typedef struct {
	_Alignas(64) uint64_t v[ARGON2_BLOCK_WORDS];
} argon2_block;

/* next = G(prev, ref), or next ^= G(prev, ref) when with_xor (passes after the first).
 * next may be the same block as ref. */
typedef void (*argon2_fill_fn)(const argon2_block *prev, const argon2_block *ref,
			       argon2_block *next, bool with_xor);

void argon2_fill_portable(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
			  bool with_xor);
#if defined(__x86_64__) || defined(__i386__)
#define ARGON2_X86 1
void argon2_fill_ssse3(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
		       bool with_xor);
void argon2_fill_avx2(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
		      bool with_xor);
void argon2_fill_avx512(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
			bool with_xor);
#endif
#endif
