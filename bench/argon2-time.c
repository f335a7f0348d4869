/* argon2-time.c — time one Argon2id password check at the server's cost, as the login path does
 * it (crypto_pwhash_str_verify on a hash made with crypto_pwhash_str_alg).
 * usage: argon2-time OPS MEM_KIB N   → prints "MIN MEDIAN" seconds of N checks after a warm-up.
 * Built by bench/http.sh in a temporary directory: cc -O2 argon2-time.c -lsodium */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4 || sodium_init() < 0)
		return 2;
	unsigned long long ops = strtoull(argv[1], NULL, 10);
	size_t mem = (size_t)strtoull(argv[2], NULL, 10) * 1024;
	int n = atoi(argv[3]);
	if (n < 1 || n > 1000)
		return 2;
	static const char pw[] = "Bench2026pass";
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(hash, pw, sizeof(pw) - 1, ops, mem, crypto_pwhash_ALG_ARGON2ID13))
		return 1;
	double *t = calloc((size_t)n, sizeof(double));
	for (int i = -1; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (crypto_pwhash_str_verify(hash, pw, sizeof(pw) - 1) != 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (i >= 0)
			t[i] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	}
	qsort(t, (size_t)n, sizeof(double), cmp);
	printf("%.6f %.6f\n", t[0], t[n / 2]);
	free(t);
	return 0;
}
