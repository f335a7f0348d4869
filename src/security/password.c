/* password.c — Argon2id hashing. Callers run it on the hash pool (one hash per core). */
#include "security/password.h"

#include <sodium.h>
#include <string.h>

static unsigned long pw_ops = 2;
static size_t pw_mem = 19u * 1024 * 1024;
static char dummy_hash[PASSWORD_HASH_LEN];

void password_configure(unsigned long ops, size_t mem_bytes)
{
	pw_ops = ops;
	pw_mem = mem_bytes;
	password_hash("not a real password 0", dummy_hash);
}

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	return crypto_pwhash_str_alg(out, pw, strlen(pw), pw_ops, pw_mem,
				     crypto_pwhash_ALG_ARGON2ID13);
}

bool password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, pw_ops, pw_mem) != 0;
}

void password_verify_dummy(const char *pw)
{
	(void)password_verify(dummy_hash, pw);
}
