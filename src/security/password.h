/* password.h — Argon2id password hashes (security/argon2.c; the strings libsodium's
 * crypto_pwhash_str writes and reads), parameters from the config (SPEC §3). */
#ifndef GONGHUI_SECURITY_PASSWORD_H
#define GONGHUI_SECURITY_PASSWORD_H
#include <stdbool.h>
#include <stddef.h>

enum { PASSWORD_HASH_LEN = 128 };

/* Sets the cost; also computes the dummy hash used for unknown usernames. */
void password_configure(unsigned long ops, size_t mem_bytes);
/* Returns 0, or -1 if out of memory. */
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);
bool password_verify(const char *hash, const char *pw);
bool password_needs_rehash(const char *hash);
/* Spends the same work as a verification, for usernames that do not exist. */
void password_verify_dummy(const char *pw);
/* A thread that hashes keeps its Argon2 memory (the configured cost, e.g. 19 MiB) until it exits;
 * a thread that will not hash again can give it back sooner with this. */
void password_release_memory(void);
#endif
