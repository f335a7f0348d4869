/* test_security.c — keys, field encryption, blind index, tokens, codes, password hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "security/crypto.h"
#include "security/password.h"

static char keyfile[64];

static int setup(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(crypto_init(), 0);
	snprintf(keyfile, sizeof(keyfile), "/tmp/gonghui-unit-key-%d", (int)getpid());
	unlink(keyfile);
	assert_int_equal(crypto_keygen(keyfile, err, sizeof(err)), 0);
	assert_int_equal(crypto_load_key(keyfile, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(keyfile);
	return 0;
}

static void keyfile_is_private_and_not_overwritten(void **state)
{
	(void)state;
	struct stat st;
	char err[256];
	assert_int_equal(stat(keyfile, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypto_keygen(keyfile, err, sizeof(err)), -1);
}

static void field_encryption_round_trip(void **state)
{
	(void)state;
	const char *id = "35020319900101123X";
	unsigned char a[18 + CRYPTO_FIELD_OVERHEAD], b[18 + CRYPTO_FIELD_OVERHEAD];
	char out[64];
	crypto_field_encrypt(id, 18, "worker.id_number", a);
	crypto_field_encrypt(id, 18, "worker.id_number", b);
	assert_memory_not_equal(a, b, sizeof(a)); /* random nonces */
	assert_null(memmem(a, sizeof(a), "3502031990", 10));
	assert_int_equal(crypto_field_decrypt(a, sizeof(a), "worker.id_number", out, sizeof(out)),
			 18);
	assert_string_equal(out, id);
	/* Another field's associated data, or a flipped bit, does not decrypt. */
	assert_int_equal(crypto_field_decrypt(a, sizeof(a), "other.field", out, sizeof(out)), -1);
	a[30] ^= 1;
	assert_int_equal(crypto_field_decrypt(a, sizeof(a), "worker.id_number", out, sizeof(out)),
			 -1);
	assert_int_equal(crypto_field_decrypt(a, 10, "worker.id_number", out, sizeof(out)), -1);
}

static void blind_index_is_keyed_and_deterministic(void **state)
{
	(void)state;
	unsigned char a[CRYPTO_HASH_LEN], b[CRYPTO_HASH_LEN], c[CRYPTO_HASH_LEN];
	crypto_blind_index("worker.id_number", "35020319900101123X", a);
	crypto_blind_index("worker.id_number", "35020319900101123X", b);
	crypto_blind_index("worker.id_number", "350203199001011231", c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	/* Under another key the same value indexes differently. */
	char other[80], err[256];
	snprintf(other, sizeof(other), "%s.other", keyfile);
	unlink(other);
	assert_int_equal(crypto_keygen(other, err, sizeof(err)), 0);
	char check1[65], check2[65];
	crypto_key_check_value(check1);
	assert_int_equal(crypto_load_key(other, err, sizeof(err)), 0);
	crypto_key_check_value(check2);
	crypto_blind_index("worker.id_number", "35020319900101123X", c);
	assert_memory_not_equal(a, c, sizeof(a));
	assert_string_not_equal(check1, check2);
	unlink(other);
	assert_int_equal(crypto_load_key(keyfile, err, sizeof(err)), 0);
}

static void tokens_are_256_bit_base64url(void **state)
{
	(void)state;
	char a[CRYPTO_TOKEN_LEN + 1], b[CRYPTO_TOKEN_LEN + 1];
	crypto_token(a);
	crypto_token(b);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 43);
	assert_string_not_equal(a, b);
	unsigned char ha[CRYPTO_HASH_LEN], hb[CRYPTO_HASH_LEN];
	crypto_secret_hash(a, ha);
	crypto_secret_hash(b, hb);
	assert_memory_not_equal(ha, hb, sizeof(ha));
	assert_true(crypto_equal(a, a));
	assert_false(crypto_equal(a, b));
	assert_false(crypto_equal("abc", "abcd"));
}

static void codes_are_six_uniform_digits(void **state)
{
	(void)state;
	int counts[10] = {0};
	for (int i = 0; i < 20000; i++) {
		char code[8];
		crypto_digits(code, 6);
		assert_int_equal(strlen(code), 6);
		assert_int_equal(strspn(code, "0123456789"), 6);
		for (int j = 0; j < 6; j++)
			counts[code[j] - '0']++;
	}
	/* 120000 digits: each should appear about 12000 times. */
	for (int d = 0; d < 10; d++) {
		assert_in_range(counts[d], 11000, 13000);
	}
}

static void password_hashes(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_LEN], h2[PASSWORD_HASH_LEN];
	password_configure(1, 64 * 1024);
	assert_int_equal(password_hash("Gonghui2026", h), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_true(password_verify(h, "Gonghui2026"));
	assert_false(password_verify(h, "Gonghui2027"));
	assert_false(password_needs_rehash(h));
	password_configure(2, 128 * 1024);
	assert_true(password_needs_rehash(h)); /* parameters changed: rehash on next login */
	assert_int_equal(password_hash("Gonghui2026", h2), 0);
	assert_string_not_equal(h, h2);
	assert_true(password_verify(h, "Gonghui2026"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyfile_is_private_and_not_overwritten),
		cmocka_unit_test(field_encryption_round_trip),
		cmocka_unit_test(blind_index_is_keyed_and_deterministic),
		cmocka_unit_test(tokens_are_256_bit_base64url),
		cmocka_unit_test(codes_are_six_uniform_digits),
		cmocka_unit_test(password_hashes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
