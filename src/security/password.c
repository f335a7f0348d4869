/* password.c — Argon2id password hashes (security/argon2.c), in the PHC strings libsodium's
 * crypto_pwhash_str writes. Callers run them on the hash pool (one hash per core). Each hashing
 * thread keeps one buffer for the Argon2 memory, mapped once with transparent huge pages and
 * unmapped when the thread exits: mapping and populating 19 MiB of small pages for every hash,
 * as crypto_pwhash does, cost more than half of a hash's time and did not scale across cores. */
#include "security/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "security/argon2.h"

enum {
	SALT_LEN = 16, /* as crypto_pwhash_str */
	TAG_LEN = 32,
	LANES = 1,
	HUGE_PAGE = 2 * 1024 * 1024,
};

static unsigned long pw_ops = 2;
static size_t pw_mem = 19u * 1024 * 1024;
static char dummy_hash[PASSWORD_HASH_LEN];

/* ---- per-thread Argon2 memory ------------------------------------------------------------- */

typedef struct {
	void *base;
	size_t size;
} hash_memory;

static pthread_key_t memory_key;
static pthread_once_t memory_once = PTHREAD_ONCE_INIT;

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* Anonymous memory, 2 MiB aligned when it is that large so that huge pages can back it; kept
 * out of core dumps. NULL if the mapping fails. */
static void *memory_map(size_t size)
{
	size_t align = size >= HUGE_PAGE ? HUGE_PAGE : 0;
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (align) {
		size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
		if (head)
			munmap(p, head);
		if (align - head)
			munmap(p + head + size, align - head);
		p += head;
		(void)madvise(p, size, MADV_HUGEPAGE); /* a hint: THP may be off */
	}
	(void)madvise(p, size, MADV_DONTDUMP);
	return p;
}

static void memory_free(void *m)
{
	hash_memory *h = m;
	munmap(h->base, h->size);
	free(h);
}

static void memory_key_create(void)
{
	if (pthread_key_create(&memory_key, memory_free))
		abort();
}

/* The size a thread's buffer gets: enough for the configured cost, in whole huge pages. */
static size_t memory_configured_size(void)
{
	size_t n = argon2id_memory_size((uint32_t)(pw_mem / 1024), LANES);
	return round_up(n, n >= HUGE_PAGE ? HUGE_PAGE : 4096);
}

/* This thread's buffer if it holds `need` bytes (making or growing it up to the configured
 * size); NULL for a hash that needs more than the configuration (an old hash of a higher cost:
 * it gets a mapping of its own) or if out of memory. */
static void *memory_for(size_t need)
{
	pthread_once(&memory_once, memory_key_create);
	hash_memory *h = pthread_getspecific(memory_key);
	if (h && h->size >= need)
		return h->base;
	size_t size = memory_configured_size();
	if (need > size)
		return NULL;
	void *base = memory_map(size);
	if (!base)
		return NULL;
	if (h) {
		munmap(h->base, h->size);
	} else if (!(h = malloc(sizeof(*h))) || pthread_setspecific(memory_key, h)) {
		free(h);
		munmap(base, size);
		return NULL;
	}
	h->base = base;
	h->size = size;
	return base;
}

void password_release_memory(void)
{
	pthread_once(&memory_once, memory_key_create);
	hash_memory *h = pthread_getspecific(memory_key);
	if (h) {
		pthread_setspecific(memory_key, NULL);
		memory_free(h);
	}
}

/* ---- hashing ------------------------------------------------------------------------------ */

/* The tag of pw under e's costs and salt, e->taglen bytes. 0 or -1. */
static int compute(const argon2id_encoded *e, const char *pw, unsigned char *tag)
{
	argon2id_input in = {
		.pwd = pw,
		.pwdlen = strlen(pw),
		.salt = e->salt,
		.saltlen = e->saltlen,
		.t_cost = e->t_cost,
		.m_cost = e->m_cost,
		.lanes = e->lanes,
	};
	size_t need = argon2id_memory_size(e->m_cost, e->lanes);
	if (!need)
		return -1;
	void *mem = memory_for(need), *own = NULL;
	if (!mem && !(mem = own = memory_map(need)))
		return -1;
	int rc = argon2id_hash(&in, tag, e->taglen, mem, need);
	/* The memory keeps the last pass's blocks until the next hash. After two passes or more,
	 * reproducing any of them costs a guesser at least a whole pass; after one, block j costs
	 * only j blocks (block 0 is H' of the password), so that memory is zeroed. */
	if (e->t_cost == 1 && !own)
		sodium_memzero(mem, need);
	if (own)
		munmap(own, need);
	return rc;
}

void password_configure(unsigned long ops, size_t mem_bytes)
{
	pw_ops = ops;
	pw_mem = mem_bytes;
	password_hash("not a real password 0", dummy_hash);
	password_release_memory(); /* this is not a hashing thread */
}

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	argon2id_encoded e = {
		.t_cost = (uint32_t)pw_ops,
		.m_cost = (uint32_t)(pw_mem / 1024),
		.lanes = LANES,
		.saltlen = SALT_LEN,
		.taglen = TAG_LEN,
	};
	randombytes_buf(e.salt, e.saltlen);
	int rc = compute(&e, pw, e.tag) || argon2id_encode(out, PASSWORD_HASH_LEN, &e) ? -1 : 0;
	sodium_memzero(&e, sizeof(e));
	return rc;
}

bool password_verify(const char *hash, const char *pw)
{
	argon2id_encoded e;
	unsigned char tag[ARGON2ID_TAG_MAX];
	bool ok = argon2id_decode(hash, &e) == 0 && compute(&e, pw, tag) == 0 &&
		  sodium_memcmp(tag, e.tag, e.taglen) == 0;
	sodium_memzero(tag, sizeof(tag));
	return ok;
}

bool password_needs_rehash(const char *hash)
{
	argon2id_encoded e;
	return argon2id_decode(hash, &e) != 0 || e.t_cost != pw_ops ||
	       e.m_cost != pw_mem / 1024 || e.lanes != LANES;
}

void password_verify_dummy(const char *pw)
{
	(void)password_verify(dummy_hash, pw);
}
