/* argon2.c — Argon2id as RFC 9106 specifies it (version 0x13, type 2), computed in memory the
 * caller owns, so that a hashing thread can keep one mapped buffer instead of mapping and
 * populating megabytes per hash; and the PHC string format libsodium reads and writes. */
#include "security/argon2.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "security/argon2-block.h"

enum {
	SYNC_POINTS = 4,
	ADDRESSES_PER_BLOCK = ARGON2_BLOCK_WORDS,
	ARGON2_VERSION = 0x13,
	ARGON2_TYPE_ID = 2,
	BLOCK_BYTES = ARGON2_BLOCK_WORDS * 8,
	PREHASH_BYTES = 64,
};

/* ---- the compression function G in portable C ---------------------------------------------- */

static uint64_t rotr64(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

/* BLAKE2b's addition with Argon2's multiplication of the low halves. */
static uint64_t blamka(uint64_t x, uint64_t y)
{
	return x + y + 2 * (uint64_t)(uint32_t)x * (uint32_t)y;
}

static void gb(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d)
{
	*a = blamka(*a, *b);
	*d = rotr64(*d ^ *a, 32);
	*c = blamka(*c, *d);
	*b = rotr64(*b ^ *c, 24);
	*a = blamka(*a, *b);
	*d = rotr64(*d ^ *a, 16);
	*c = blamka(*c, *d);
	*b = rotr64(*b ^ *c, 63);
}

/* The permutation P on 16 words at r[idx[0]], …, r[idx[15]]. */
static void permute(uint64_t *r, const unsigned idx[16])
{
	uint64_t v[16];
	for (int i = 0; i < 16; i++)
		v[i] = r[idx[i]];
	for (int i = 0; i < 4; i++)
		gb(&v[i], &v[i + 4], &v[i + 8], &v[i + 12]);
	gb(&v[0], &v[5], &v[10], &v[15]);
	gb(&v[1], &v[6], &v[11], &v[12]);
	gb(&v[2], &v[7], &v[8], &v[13]);
	gb(&v[3], &v[4], &v[9], &v[14]);
	for (int i = 0; i < 16; i++)
		r[idx[i]] = v[i];
}

void argon2_fill_portable(const argon2_block *prev, const argon2_block *ref, argon2_block *next,
			  bool with_xor)
{
	uint64_t r[ARGON2_BLOCK_WORDS], t[ARGON2_BLOCK_WORDS];
	for (int i = 0; i < ARGON2_BLOCK_WORDS; i++) {
		r[i] = prev->v[i] ^ ref->v[i];
		t[i] = with_xor ? r[i] ^ next->v[i] : r[i];
	}
	unsigned idx[16];
	for (unsigned row = 0; row < 8; row++) { /* rows: 16 consecutive words */
		for (unsigned k = 0; k < 16; k++)
			idx[k] = 16 * row + k;
		permute(r, idx);
	}
	for (unsigned col = 0; col < 8; col++) { /* columns: word pairs 2col, 2col+1 of each row */
		for (unsigned k = 0; k < 16; k++)
			idx[k] = 16 * (k / 2) + 2 * col + k % 2;
		permute(r, idx);
	}
	for (int i = 0; i < ARGON2_BLOCK_WORDS; i++)
		next->v[i] = t[i] ^ r[i];
}

/* ---- choosing the block function ---------------------------------------------------------- */

static const struct {
	const char *name;
	argon2_fill_fn fn;
} impls[] = {
#ifdef ARGON2_X86
	{"avx512", argon2_fill_avx512},
	{"avx2", argon2_fill_avx2},
	{"ssse3", argon2_fill_ssse3},
#endif
	{"portable", argon2_fill_portable},
};

static int impl_current = -1;
static pthread_once_t impl_once = PTHREAD_ONCE_INIT;

static bool impl_supported(const char *name)
{
#ifdef ARGON2_X86
	__builtin_cpu_init();
	if (strcmp(name, "avx512") == 0)
		return __builtin_cpu_supports("avx512f");
	if (strcmp(name, "avx2") == 0)
		return __builtin_cpu_supports("avx2");
	if (strcmp(name, "ssse3") == 0)
		return __builtin_cpu_supports("ssse3");
#endif
	return strcmp(name, "portable") == 0;
}

static void impl_pick(void)
{
	int n = (int)(sizeof(impls) / sizeof(impls[0]));
	for (impl_current = 0; impl_current < n - 1; impl_current++)
		if (impl_supported(impls[impl_current].name))
			break;
}

const char *argon2id_impl(void)
{
	pthread_once(&impl_once, impl_pick);
	return impls[impl_current].name;
}

int argon2id_use(const char *impl)
{
	pthread_once(&impl_once, impl_pick);
	if (!impl) {
		impl_pick();
		return 0;
	}
	for (int i = 0; i < (int)(sizeof(impls) / sizeof(impls[0])); i++)
		if (strcmp(impls[i].name, impl) == 0 && impl_supported(impl)) {
			impl_current = i;
			return 0;
		}
	return -1;
}

/* ---- H0, H' and the memory ---------------------------------------------------------------- */

static void store32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)x;
	p[1] = (unsigned char)(x >> 8);
	p[2] = (unsigned char)(x >> 16);
	p[3] = (unsigned char)(x >> 24);
}

static void hash_u32(crypto_generichash_blake2b_state *st, uint32_t x)
{
	unsigned char b[4];
	store32(b, x);
	crypto_generichash_blake2b_update(st, b, sizeof(b));
}

/* A length-prefixed input of H0. */
static void hash_field(crypto_generichash_blake2b_state *st, const void *p, size_t len)
{
	hash_u32(st, (uint32_t)len);
	if (len)
		crypto_generichash_blake2b_update(st, p, len);
}

static void initial_hash(unsigned char h0[PREHASH_BYTES], const argon2id_input *in,
			 size_t outlen)
{
	crypto_generichash_blake2b_state st;
	crypto_generichash_blake2b_init(&st, NULL, 0, PREHASH_BYTES);
	hash_u32(&st, in->lanes);
	hash_u32(&st, (uint32_t)outlen);
	hash_u32(&st, in->m_cost);
	hash_u32(&st, in->t_cost);
	hash_u32(&st, ARGON2_VERSION);
	hash_u32(&st, ARGON2_TYPE_ID);
	hash_field(&st, in->pwd, in->pwdlen);
	hash_field(&st, in->salt, in->saltlen);
	hash_field(&st, in->secret, in->secretlen);
	hash_field(&st, in->ad, in->adlen);
	crypto_generichash_blake2b_final(&st, h0, PREHASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* H' (RFC 9106 §3.3): BLAKE2b of any output length from 16 bytes up. */
static void hash_long(unsigned char *out, size_t outlen, const unsigned char *in, size_t inlen)
{
	crypto_generichash_blake2b_state st;
	unsigned char prefix[4], v[64], w[64];
	store32(prefix, (uint32_t)outlen);
	size_t first = outlen <= 64 ? outlen : 64;
	crypto_generichash_blake2b_init(&st, NULL, 0, first);
	crypto_generichash_blake2b_update(&st, prefix, sizeof(prefix));
	crypto_generichash_blake2b_update(&st, in, inlen);
	if (outlen <= 64) {
		crypto_generichash_blake2b_final(&st, out, outlen);
	} else {
		crypto_generichash_blake2b_final(&st, v, sizeof(v));
		memcpy(out, v, 32);
		out += 32;
		size_t left = outlen - 32;
		while (left > 64) {
			crypto_generichash_blake2b(w, sizeof(w), v, sizeof(v), NULL, 0);
			memcpy(v, w, sizeof(v));
			memcpy(out, v, 32);
			out += 32;
			left -= 32;
		}
		crypto_generichash_blake2b(out, left, v, sizeof(v), NULL, 0);
	}
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(v, sizeof(v));
	sodium_memzero(w, sizeof(w));
}

static void load_block(argon2_block *b, const unsigned char *p)
{
	for (int i = 0; i < ARGON2_BLOCK_WORDS; i++, p += 8) {
		uint64_t x = 0;
		for (int k = 7; k >= 0; k--)
			x = x << 8 | p[k];
		b->v[i] = x;
	}
}

static void store_block(unsigned char *p, const argon2_block *b)
{
	for (int i = 0; i < ARGON2_BLOCK_WORDS; i++)
		for (int k = 0; k < 8; k++)
			*p++ = (unsigned char)(b->v[i] >> (8 * k));
}

/* ---- filling the memory ------------------------------------------------------------------- */

typedef struct {
	argon2_block *mem;
	uint32_t passes, lanes, blocks, lane_len, seg_len;
	argon2_fill_fn fill;
} instance;

/* The next block of pseudo-random reference indices for data-independent addressing. */
static void next_addresses(const instance *s, argon2_block *addr, argon2_block *input,
			   const argon2_block *zero)
{
	input->v[6]++;
	s->fill(zero, input, addr, false);
	s->fill(zero, addr, addr, false);
}

/* RFC 9106 §3.4.1.2: the reference block's index within its lane. */
static uint32_t ref_index(const instance *s, uint32_t pass, uint32_t slice, uint32_t i,
			  uint32_t j1, bool same_lane)
{
	uint32_t area;
	if (pass == 0 && slice == 0)
		area = i - 1;
	else if (pass == 0)
		area = same_lane ? slice * s->seg_len + i - 1 : slice * s->seg_len - (i == 0);
	else
		area = same_lane ? s->lane_len - s->seg_len + i - 1
				 : s->lane_len - s->seg_len - (i == 0);
	uint64_t x = (uint64_t)j1 * j1 >> 32;
	uint32_t rel = area - 1 - (uint32_t)((uint64_t)area * x >> 32);
	uint32_t start = pass != 0 && slice != SYNC_POINTS - 1 ? (slice + 1) * s->seg_len : 0;
	return (start + rel) % s->lane_len;
}

static void fill_segment(const instance *s, uint32_t pass, uint32_t lane, uint32_t slice)
{
	/* Argon2id: Argon2i's data-independent addressing for the first half of the first pass. */
	bool independent = pass == 0 && slice < SYNC_POINTS / 2;
	argon2_block addr, input, zero;
	if (independent) {
		memset(&zero, 0, sizeof(zero));
		memset(&input, 0, sizeof(input));
		input.v[0] = pass;
		input.v[1] = lane;
		input.v[2] = slice;
		input.v[3] = s->blocks;
		input.v[4] = s->passes;
		input.v[5] = ARGON2_TYPE_ID;
	}
	uint32_t start = pass == 0 && slice == 0 ? 2 : 0; /* blocks 0 and 1 come from H' */
	argon2_block *lane_mem = s->mem + (size_t)lane * s->lane_len;
	for (uint32_t i = start; i < s->seg_len; i++) {
		uint32_t cur = slice * s->seg_len + i;
		uint32_t prev = cur == 0 ? s->lane_len - 1 : cur - 1;
		uint64_t rnd;
		if (independent) {
			if (i == start || i % ADDRESSES_PER_BLOCK == 0)
				next_addresses(s, &addr, &input, &zero);
			rnd = addr.v[i % ADDRESSES_PER_BLOCK];
		} else {
			rnd = lane_mem[prev].v[0];
		}
		/* The next block's old contents (read in later passes, written in all): with two
		 * hashing threads their memory outgrows the shared cache, and this gained ~10 %. */
		if (cur + 1 < s->lane_len)
			for (int k = 0; k < BLOCK_BYTES; k += 64)
				__builtin_prefetch((const char *)&lane_mem[cur + 1] + k, 1);
		uint32_t ref_lane = pass == 0 && slice == 0 ? lane : (uint32_t)(rnd >> 32) % s->lanes;
		uint32_t ref = ref_index(s, pass, slice, i, (uint32_t)rnd, ref_lane == lane);
		s->fill(&lane_mem[prev], &s->mem[(size_t)ref_lane * s->lane_len + ref], &lane_mem[cur],
			pass != 0);
	}
}

size_t argon2id_memory_size(uint32_t m_cost, uint32_t lanes)
{
	if (lanes < 1 || lanes > ARGON2ID_LANES_MAX || m_cost < 8 * lanes ||
	    m_cost > ARGON2ID_MEMORY_MAX_KIB)
		return 0;
	return (size_t)(m_cost / (4 * lanes) * 4 * lanes) * BLOCK_BYTES;
}

int argon2id_hash(const argon2id_input *in, void *out, size_t outlen, void *memory,
		  size_t memory_size)
{
	size_t need = argon2id_memory_size(in->m_cost, in->lanes);
	if (!need || memory_size < need || ((uintptr_t)memory & 63) || in->t_cost < 1 ||
	    outlen < ARGON2ID_TAG_MIN || outlen > ARGON2ID_TAG_MAX ||
	    in->saltlen < ARGON2ID_SALT_MIN || in->pwdlen > UINT32_MAX ||
	    in->saltlen > UINT32_MAX || in->secretlen > UINT32_MAX || in->adlen > UINT32_MAX)
		return -1;
	pthread_once(&impl_once, impl_pick);
	instance s = {
		.mem = memory,
		.passes = in->t_cost,
		.lanes = in->lanes,
		.blocks = (uint32_t)(need / BLOCK_BYTES),
		.fill = impls[impl_current].fn,
	};
	s.lane_len = s.blocks / s.lanes;
	s.seg_len = s.lane_len / SYNC_POINTS;

	unsigned char seed[PREHASH_BYTES + 8], bytes[BLOCK_BYTES];
	initial_hash(seed, in, outlen);
	for (uint32_t lane = 0; lane < s.lanes; lane++)
		for (uint32_t k = 0; k < 2; k++) { /* B[lane][k] = H'(H0 || k || lane) */
			store32(seed + PREHASH_BYTES, k);
			store32(seed + PREHASH_BYTES + 4, lane);
			hash_long(bytes, sizeof(bytes), seed, sizeof(seed));
			load_block(&s.mem[(size_t)lane * s.lane_len + k], bytes);
		}
	for (uint32_t pass = 0; pass < s.passes; pass++)
		for (uint32_t slice = 0; slice < SYNC_POINTS; slice++)
			for (uint32_t lane = 0; lane < s.lanes; lane++)
				fill_segment(&s, pass, lane, slice);

	argon2_block last = s.mem[s.lane_len - 1];
	for (uint32_t lane = 1; lane < s.lanes; lane++)
		for (int i = 0; i < ARGON2_BLOCK_WORDS; i++)
			last.v[i] ^= s.mem[(size_t)lane * s.lane_len + s.lane_len - 1].v[i];
	store_block(bytes, &last);
	hash_long(out, outlen, bytes, sizeof(bytes));
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(bytes, sizeof(bytes));
	sodium_memzero(&last, sizeof(last));
	return 0;
}

/* ---- the PHC string ----------------------------------------------------------------------- */

static const char prefix[] = "$argon2id$v=19$m=";

/* A decimal without sign or leading zeros, at most max; returns the end or NULL. */
static const char *parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return NULL;
	}
	if (p == s || (*s == '0' && p != s + 1))
		return NULL;
	*out = (uint32_t)v;
	return p;
}

/* Unpadded standard base64 up to the next non-base64 character; returns the end or NULL. */
static const char *parse_b64(const char *s, unsigned char *out, size_t min, size_t max,
			     size_t *len)
{
	const char *end;
	if (sodium_base642bin(out, max, s, strlen(s), NULL, len, &end,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
	    *len < min)
		return NULL;
	return end;
}

int argon2id_decode(const char *s, argon2id_encoded *e)
{
	memset(e, 0, sizeof(*e));
	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	s += sizeof(prefix) - 1;
	if (!(s = parse_u32(s, ARGON2ID_MEMORY_MAX_KIB, &e->m_cost)) || strncmp(s, ",t=", 3) ||
	    !(s = parse_u32(s + 3, UINT32_MAX, &e->t_cost)) || strncmp(s, ",p=", 3) ||
	    !(s = parse_u32(s + 3, ARGON2ID_LANES_MAX, &e->lanes)) || *s != '$' ||
	    !(s = parse_b64(s + 1, e->salt, ARGON2ID_SALT_MIN, sizeof(e->salt), &e->saltlen)) ||
	    *s != '$' ||
	    !(s = parse_b64(s + 1, e->tag, ARGON2ID_TAG_MIN, sizeof(e->tag), &e->taglen)) || *s ||
	    e->t_cost < 1 || !argon2id_memory_size(e->m_cost, e->lanes))
		return -1;
	return 0;
}

int argon2id_encode(char *out, size_t size, const argon2id_encoded *e)
{
	char salt[sodium_base64_ENCODED_LEN(ARGON2ID_SALT_MAX,
					    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char tag[sodium_base64_ENCODED_LEN(ARGON2ID_TAG_MAX,
					   sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	if (e->saltlen > sizeof(e->salt) || e->taglen > sizeof(e->tag))
		return -1;
	sodium_bin2base64(salt, sizeof(salt), e->salt, e->saltlen,
			  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64(tag, sizeof(tag), e->tag, e->taglen,
			  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	int n = snprintf(out, size, "%s%u,t=%u,p=%u$%s$%s", prefix, (unsigned)e->m_cost,
			 (unsigned)e->t_cost, (unsigned)e->lanes, salt, tag);
	return n > 0 && (size_t)n < size ? 0 : -1;
}
