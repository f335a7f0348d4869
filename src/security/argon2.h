/* argon2.h — Argon2id (RFC 9106, version 0x13) in memory the caller provides, and its PHC string
 * encoding ($argon2id$v=19$m=…,t=…,p=…$salt$tag, as libsodium's crypto_pwhash_str writes it).
 * H and H' are libsodium's BLAKE2b; the block function is picked once at run time (AVX2, SSSE3 or
 * portable C). Lanes are computed one after the other, on the calling thread. */
#ifndef GONGHUI_SECURITY_ARGON2_H
#define GONGHUI_SECURITY_ARGON2_H
#include <stddef.h>
#include <stdint.h>

enum {
	ARGON2ID_SALT_MIN = 8,
	ARGON2ID_SALT_MAX = 64,
	ARGON2ID_TAG_MIN = 16,
	ARGON2ID_TAG_MAX = 64,
	ARGON2ID_LANES_MAX = 16,
	ARGON2ID_MEMORY_MAX_KIB = 4194304, /* the largest GONGHUI_ARGON2_MEM_KIB */
};

typedef struct {
	const void *pwd, *salt, *secret, *ad;
	size_t pwdlen, saltlen, secretlen, adlen;
	uint32_t t_cost, m_cost /* KiB */, lanes;
} argon2id_input;

/* Bytes of working memory a hash of these costs needs; 0 if the costs are out of range. */
size_t argon2id_memory_size(uint32_t m_cost, uint32_t lanes);
/* Writes the tag (ARGON2ID_TAG_MIN..ARGON2ID_TAG_MAX bytes) to out, working in `memory`
 * (64-byte aligned, at least argon2id_memory_size bytes; its contents are not wiped).
 * 0, or -1 if a parameter is out of range. */
int argon2id_hash(const argon2id_input *in, void *out, size_t outlen, void *memory,
		  size_t memory_size);

/* The decoded fields of an encoded hash. */
typedef struct {
	uint32_t t_cost, m_cost, lanes;
	size_t saltlen, taglen;
	unsigned char salt[ARGON2ID_SALT_MAX], tag[ARGON2ID_TAG_MAX];
} argon2id_encoded;

/* Parses "$argon2id$v=19$m=M,t=T,p=P$SALT$TAG" (unpadded base64). 0, or -1 if malformed or out
 * of range. */
int argon2id_decode(const char *s, argon2id_encoded *e);
/* Writes the string for e; 0, or -1 if it does not fit in size bytes. */
int argon2id_encode(char *out, size_t size, const argon2id_encoded *e);

/* The block function in use: "avx512", "avx2", "ssse3" or "portable". */
const char *argon2id_impl(void);
/* Switches to the named block function, or with NULL back to the best this CPU has (tests and
 * benchmarks); -1 if this CPU lacks it. Not to be called while another thread hashes. */
int argon2id_use(const char *impl);
#endif
