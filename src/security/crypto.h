/* crypto.h — libsodium-based secrets: the field key (SPEC §7), field encryption of ID numbers
 * (XChaCha20-Poly1305), the keyed blind index (BLAKE2b), random tokens and SMS codes, and the
 * keyed hashes under which tokens and codes are stored. */
#ifndef GONGHUI_SECURITY_CRYPTO_H
#define GONGHUI_SECURITY_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CRYPTO_HASH_LEN = 32,  /* stored hash of a token, code or blind index */
	CRYPTO_TOKEN_LEN = 43, /* base64url of 256 random bits, no padding */
	CRYPTO_FIELD_OVERHEAD = 24 + 16,
};

int crypto_init(void);
/* Writes a new random key file (mode 0600); refuses to overwrite. Returns 0 or -1. */
int crypto_keygen(const char *path, char *err, size_t errlen);
/* Loads the key file and derives the subkeys. Returns 0 or -1 with err. */
int crypto_load_key(const char *path, char *err, size_t errlen);
/* Hex fingerprint of the loaded key (not the key), stored in the database to detect a node
 * started with the wrong key. out holds 65 bytes. */
void crypto_key_check_value(char out[65]);

/* out holds len + CRYPTO_FIELD_OVERHEAD bytes: nonce || ciphertext. ad binds the field name. */
void crypto_field_encrypt(const char *plain, size_t len, const char *ad, unsigned char *out);
/* Returns the plaintext length, or -1 when the ciphertext is forged or the key wrong. */
long crypto_field_decrypt(const unsigned char *in, size_t len, const char *ad, char *out,
			  size_t outcap);
/* Keyed BLAKE2b of a normalised value under a per-field domain. */
void crypto_blind_index(const char *domain, const char *value, unsigned char out[CRYPTO_HASH_LEN]);
/* Keyed hash of a token or code, for storage. */
void crypto_secret_hash(const char *secret, unsigned char out[CRYPTO_HASH_LEN]);
/* 256-bit random token, base64url, NUL-terminated (44 bytes). */
void crypto_token(char out[CRYPTO_TOKEN_LEN + 1]);
/* n random decimal digits from the CSPRNG (n < 16). */
void crypto_digits(char *out, int n);
bool crypto_equal(const char *a, const char *b);
#endif
