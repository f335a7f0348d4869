/* crypto.c — key handling and primitives over libsodium. */
#include "security/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SUBKEY_FIELD = 1, SUBKEY_INDEX = 2, SUBKEY_SECRET = 3, SUBKEY_CHECK = 4 };

static unsigned char key_field[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static unsigned char key_index[crypto_generichash_KEYBYTES];
static unsigned char key_secret[crypto_generichash_KEYBYTES];
static unsigned char key_check[crypto_generichash_KEYBYTES];

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int crypto_keygen(const char *path, char *err, size_t errlen)
{
	unsigned char key[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	crypto_kdf_keygen(key);
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	size_t n = strlen(hex);
	hex[n++] = '\n';
	int rc = write(fd, hex, n) == (ssize_t)n ? 0 : -1;
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) || rc) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}

int crypto_load_key(const char *path, char *err, size_t errlen)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 8] = {0};
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "field key %s: %s (run `gonghui keygen`)", path,
			 strerror(errno));
		return -1;
	}
	size_t n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		hex[--n] = '\0';
	size_t bin_len;
	if (n != 2 * crypto_kdf_KEYBYTES ||
	    sodium_hex2bin(master, sizeof(master), hex, n, NULL, &bin_len, NULL) ||
	    bin_len != sizeof(master)) {
		snprintf(err, errlen, "field key %s: expected %d hex characters", path,
			 2 * crypto_kdf_KEYBYTES);
		return -1;
	}
	crypto_kdf_derive_from_key(key_field, sizeof(key_field), SUBKEY_FIELD, "ghfield1", master);
	crypto_kdf_derive_from_key(key_index, sizeof(key_index), SUBKEY_INDEX, "ghfield1", master);
	crypto_kdf_derive_from_key(key_secret, sizeof(key_secret), SUBKEY_SECRET, "ghfield1",
				   master);
	crypto_kdf_derive_from_key(key_check, sizeof(key_check), SUBKEY_CHECK, "ghfield1", master);
	sodium_memzero(master, sizeof(master));
	sodium_memzero(hex, sizeof(hex));
	return 0;
}

void crypto_key_check_value(char out[65])
{
	static const char label[] = "gonghui field key check v1";
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)label, sizeof(label) - 1,
			   key_check, sizeof(key_check));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

void crypto_field_encrypt(const char *plain, size_t len, const char *ad, unsigned char *out)
{
	unsigned char *nonce = out, *ct = out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, (const unsigned char *)plain, len,
						   (const unsigned char *)ad, strlen(ad), NULL,
						   nonce, key_field);
}

long crypto_field_decrypt(const unsigned char *in, size_t len, const char *ad, char *out,
			  size_t outcap)
{
	if (len < CRYPTO_FIELD_OVERHEAD || len - CRYPTO_FIELD_OVERHEAD + 1 > outcap)
		return -1;
	unsigned long long n;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &n, NULL,
		    in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad,
		    strlen(ad), in, key_field))
		return -1;
	out[n] = '\0';
	return (long)n;
}

static void keyed_hash(const unsigned char *key, const char *domain, const char *value,
		       unsigned char out[CRYPTO_HASH_LEN])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, crypto_generichash_KEYBYTES, CRYPTO_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, out, CRYPTO_HASH_LEN);
}

void crypto_blind_index(const char *domain, const char *value, unsigned char out[CRYPTO_HASH_LEN])
{
	keyed_hash(key_index, domain, value, out);
}

void crypto_secret_hash(const char *secret, unsigned char out[CRYPTO_HASH_LEN])
{
	keyed_hash(key_secret, "secret", secret, out);
}

void crypto_token(char out[CRYPTO_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, CRYPTO_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void crypto_digits(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[n] = '\0';
}

bool crypto_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return la == lb && sodium_memcmp(a, b, la) == 0;
}
