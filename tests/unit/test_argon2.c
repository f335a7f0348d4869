/* test_argon2.c — our Argon2id (security/argon2.c) against RFC 9106's test vector and against
 * libsodium in both directions, with every block function this CPU has; the PHC string parser;
 * password.c's per-thread memory. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "security/argon2.h"
#include "security/password.h"

static const char *const block_impls[] = {"portable", "ssse3", "avx2", "avx512"};

static int setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	return 0;
}

/* Our raw tag, in memory of exactly the size asked for (ASan sees any overrun). */
static void ours(const argon2id_input *in, unsigned char *out, size_t outlen)
{
	size_t need = argon2id_memory_size(in->m_cost, in->lanes);
	assert_true(need > 0);
	void *mem = aligned_alloc(64, need);
	assert_non_null(mem);
	assert_int_equal(argon2id_hash(in, out, outlen, mem, need), 0);
	free(mem);
}

static void rfc9106_vector(void **state)
{
	(void)state;
	/* RFC 9106 §5.3: Argon2id, m = 32 KiB, t = 3, p = 4, secret and associated data. */
	static const unsigned char expect[32] = {
		0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c, 0x08, 0xc0, 0x37,
		0xa3, 0x4a, 0x8b, 0x53, 0xc9, 0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75,
		0xb6, 0x5e, 0xb5, 0x25, 0x20, 0xe9, 0x6b, 0x01, 0xe6, 0x59,
	};
	unsigned char pwd[32], salt[16], secret[8], ad[12], tag[32];
	memset(pwd, 1, sizeof(pwd));
	memset(salt, 2, sizeof(salt));
	memset(secret, 3, sizeof(secret));
	memset(ad, 4, sizeof(ad));
	argon2id_input in = {
		.pwd = pwd, .pwdlen = sizeof(pwd), .salt = salt, .saltlen = sizeof(salt),
		.secret = secret, .secretlen = sizeof(secret), .ad = ad, .adlen = sizeof(ad),
		.t_cost = 3, .m_cost = 32, .lanes = 4,
	};
	int tried = 0;
	for (size_t i = 0; i < sizeof(block_impls) / sizeof(block_impls[0]); i++) {
		if (argon2id_use(block_impls[i]))
			continue;
		memset(tag, 0, sizeof(tag));
		ours(&in, tag, sizeof(tag));
		assert_memory_equal(tag, expect, sizeof(expect));
		tried++;
	}
	assert_true(tried >= 1);
	assert_int_equal(argon2id_use(NULL), 0);
}

/* Raw tags equal libsodium's crypto_pwhash for costs that cover one and several address blocks
 * per segment, a memory cost that is not a multiple of 4 KiB, several passes and tag lengths. */
static void raw_tags_match_libsodium(void **state)
{
	(void)state;
	static const struct {
		uint32_t t, m;
		size_t outlen;
	} cases[] = {
		{1, 8, 32}, {2, 64, 32}, {3, 1023, 16}, {1, 2048, 64}, {4, 300, 33}, {2, 19456, 32},
	};
	unsigned char salt[crypto_pwhash_SALTBYTES], a[64], b[64];
	const char pw[] = "Gonghui2026";
	for (size_t i = 0; i < sizeof(block_impls) / sizeof(block_impls[0]); i++) {
		if (argon2id_use(block_impls[i]))
			continue;
		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			if (cases[k].m > 4096 && strcmp(block_impls[i], "portable") == 0)
				continue; /* slow under the sanitizers; the vector covers it */
			randombytes_buf(salt, sizeof(salt));
			argon2id_input in = {
				.pwd = pw, .pwdlen = strlen(pw), .salt = salt, .saltlen = sizeof(salt),
				.t_cost = cases[k].t, .m_cost = cases[k].m, .lanes = 1,
			};
			ours(&in, a, cases[k].outlen);
			assert_int_equal(crypto_pwhash(b, cases[k].outlen, pw, strlen(pw), salt,
						       cases[k].t, (size_t)cases[k].m * 1024,
						       crypto_pwhash_ALG_ARGON2ID13),
					 0);
			assert_memory_equal(a, b, cases[k].outlen);
		}
	}
	assert_int_equal(argon2id_use(NULL), 0);
}

/* password_hash's strings verify with libsodium and libsodium's with password_verify; a wrong
 * password fails both ways. */
static void strings_verify_both_ways(void **state)
{
	(void)state;
	static const struct {
		unsigned long ops;
		size_t kib;
	} costs[] = {{1, 8}, {2, 64}, {3, 1000}, {2, 19456}};
	const char *pw = "Gonghui2026", *wrong = "Gonghui2027";
	for (size_t k = 0; k < sizeof(costs) / sizeof(costs[0]); k++) {
		char h[PASSWORD_HASH_LEN], s[crypto_pwhash_STRBYTES];
		password_configure(costs[k].ops, costs[k].kib * 1024);
		assert_int_equal(password_hash(pw, h), 0);
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "$argon2id$v=19$m=%zu,t=%lu,p=1$", costs[k].kib,
			 costs[k].ops);
		assert_memory_equal(h, prefix, strlen(prefix));
		assert_int_equal(strlen(h), strlen(prefix) + 22 + 1 + 43); /* 16-byte salt, 32-byte tag */
		assert_int_equal(crypto_pwhash_str_verify(h, pw, strlen(pw)), 0);
		assert_int_not_equal(crypto_pwhash_str_verify(h, wrong, strlen(wrong)), 0);
		assert_int_equal(crypto_pwhash_str_needs_rehash(h, costs[k].ops, costs[k].kib * 1024),
				 0);

		assert_int_equal(crypto_pwhash_str_alg(s, pw, strlen(pw), costs[k].ops,
						       costs[k].kib * 1024,
						       crypto_pwhash_ALG_ARGON2ID13),
				 0);
		assert_true(password_verify(s, pw));
		assert_false(password_verify(s, wrong));
		assert_false(password_verify(s, ""));
		assert_false(password_needs_rehash(s));
	}
	password_release_memory();
}

/* More than one lane: libsodium verifies such strings (it never writes them). */
static void lanes_match_libsodium(void **state)
{
	(void)state;
	const char pw[] = "Gonghui2026";
	for (uint32_t lanes = 2; lanes <= 4; lanes++) {
		argon2id_encoded e = {.t_cost = 2, .m_cost = 256, .lanes = lanes, .saltlen = 16,
				      .taglen = 32};
		randombytes_buf(e.salt, e.saltlen);
		argon2id_input in = {.pwd = pw, .pwdlen = strlen(pw), .salt = e.salt,
				     .saltlen = e.saltlen, .t_cost = e.t_cost, .m_cost = e.m_cost,
				     .lanes = lanes};
		ours(&in, e.tag, e.taglen);
		char s[PASSWORD_HASH_LEN];
		assert_int_equal(argon2id_encode(s, sizeof(s), &e), 0);
		assert_int_equal(crypto_pwhash_str_verify(s, pw, strlen(pw)), 0);
		assert_true(password_verify(s, pw));
		assert_false(password_verify(s, "Gonghui2027"));
	}
}

static void malformed_strings_are_refused(void **state)
{
	(void)state;
	const char *pw = "Gonghui2026";
	char good[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str_alg(good, pw, strlen(pw), 1, 8192,
					       crypto_pwhash_ALG_ARGON2ID13),
			 0);
	argon2id_encoded e;
	assert_int_equal(argon2id_decode(good, &e), 0);
	assert_int_equal(e.m_cost, 8);
	assert_int_equal(e.t_cost, 1);
	assert_int_equal(e.lanes, 1);
	assert_int_equal(e.saltlen, 16);
	assert_int_equal(e.taglen, 32);
	char again[PASSWORD_HASH_LEN];
	assert_int_equal(argon2id_encode(again, sizeof(again), &e), 0);
	assert_string_equal(again, good);
	assert_int_equal(argon2id_encode(again, 20, &e), -1);

	const char *salt_tag = strrchr(good, '$'); /* "$<tag>" */
	char buf[256];
	static const char *const heads[] = {
		"$argon2i$v=19$m=8,t=1,p=1$",	 "$argon2id$v=16$m=8,t=1,p=1$",
		"$argon2id$m=8,t=1,p=1$",	 "$argon2id$v=19$m=08,t=1,p=1$",
		"$argon2id$v=19$m=8,t=0,p=1$",	 "$argon2id$v=19$m=8,t=1,p=0$",
		"$argon2id$v=19$m=8,t=1,p=2$",	 "$argon2id$v=19$m=7,t=1,p=1$",
		"$argon2id$v=19$m=8,t=1$",	 "$argon2id$v=19$m=8,t=1,p=1,x=1$",
		"$argon2id$v=19$m=-8,t=1,p=1$",	 "$argon2id$v=19$m=4194305,t=1,p=1$",
		"$argon2id$v=19$m=8,t=4294967296,p=1$",
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		snprintf(buf, sizeof(buf), "%sAAAAAAAAAAAAAAAAAAAAAA%s", heads[i], salt_tag);
		assert_int_equal(argon2id_decode(buf, &e), -1);
		assert_false(password_verify(buf, pw));
		assert_true(password_needs_rehash(buf));
	}
	const char *head = "$argon2id$v=19$m=8,t=1,p=1$";
	static const char *const tails[] = {
		"",			    /* no salt, no tag */
		"AAAAAAAAAAAAAAAAAAAAAA",   /* no tag */
		"AAAAAAAAAAAAAAAAAAAAAA$",  /* empty tag */
		"AAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 7-byte salt */
		"AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* stray bits */
		"AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* padding */
		"AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAA",		  /* 15-byte tag */
		"AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$", /* trailing */
		"AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
	};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, tails[i]);
		assert_int_equal(argon2id_decode(buf, &e), -1);
		assert_false(password_verify(buf, pw));
	}
	assert_false(password_verify("", pw));
	assert_false(password_verify("not a hash", pw));
	/* A tag that differs in its last byte fails. */
	snprintf(buf, sizeof(buf), "%s", good);
	char *last = buf + strlen(buf) - 1;
	*last = *last == 'A' ? 'Q' : 'A';
	assert_false(password_verify(buf, pw));
}

static void needs_rehash_follows_the_configuration(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_LEN];
	password_configure(1, 64 * 1024);
	assert_int_equal(password_hash("Gonghui2026", h), 0);
	assert_false(password_needs_rehash(h));
	password_configure(2, 64 * 1024);
	assert_true(password_needs_rehash(h));
	password_configure(1, 128 * 1024);
	assert_true(password_needs_rehash(h));
	/* An older hash of a higher cost than configured still verifies (in its own mapping). */
	password_configure(1, 32 * 1024);
	assert_true(password_verify(h, "Gonghui2026"));
	assert_false(password_verify(h, "Gonghui2027"));
	password_release_memory();
}

static const char *thread_hash;

static void *verify_many(void *arg)
{
	for (int i = 0; i < 5; i++)
		if (!password_verify(thread_hash, "Gonghui2026") ||
		    password_verify(thread_hash, "Gonghui2027"))
			return arg;
	return NULL;
}

/* Hashing threads each use their own memory: concurrent checks all give the right answer. */
static void threads_hash_independently(void **state)
{
	(void)state;
	static char h[PASSWORD_HASH_LEN];
	password_configure(1, 256 * 1024);
	assert_int_equal(password_hash("Gonghui2026", h), 0);
	thread_hash = h;
	pthread_t t[4];
	int bad = 0;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, verify_many, &bad), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		assert_null(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc9106_vector),
		cmocka_unit_test(raw_tags_match_libsodium),
		cmocka_unit_test(strings_verify_both_ways),
		cmocka_unit_test(lanes_match_libsodium),
		cmocka_unit_test(malformed_strings_are_refused),
		cmocka_unit_test(needs_rehash_follows_the_configuration),
		cmocka_unit_test(threads_hash_independently),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
