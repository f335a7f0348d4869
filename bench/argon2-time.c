/* argon2-time.c — time the Argon2id password check at the server's cost, as the login path does
 * it (crypto_pwhash_str_verify on a hash made with crypto_pwhash_str_alg).
 *   argon2-time OPS MEM_KIB N            → "MIN MEDIAN": seconds of one check, N checks after a
 *                                           warm-up, one at a time
 *   argon2-time OPS MEM_KIB N THREADS    → "RATE": checks per second when THREADS threads of one
 *                                           process check N times each (the server's hash pool)
 * Built by bench/http.sh in a temporary directory: cc -O2 argon2-time.c -lsodium -lpthread */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char pw[] = "Bench2026pass";
static char hash[crypto_pwhash_STRBYTES];
static int n;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void *checker(void *arg)
{
	(void)arg;
	for (int i = 0; i < n; i++)
		if (crypto_pwhash_str_verify(hash, pw, sizeof(pw) - 1) != 0)
			abort();
	return NULL;
}

int main(int argc, char **argv)
{
	if ((argc != 4 && argc != 5) || sodium_init() < 0)
		return 2;
	unsigned long long ops = strtoull(argv[1], NULL, 10);
	size_t mem = (size_t)strtoull(argv[2], NULL, 10) * 1024;
	n = atoi(argv[3]);
	int threads = argc == 5 ? atoi(argv[4]) : 0;
	if (n < 1 || n > 1000 || threads < 0 || threads > 64)
		return 2;
	if (crypto_pwhash_str_alg(hash, pw, sizeof(pw) - 1, ops, mem, crypto_pwhash_ALG_ARGON2ID13))
		return 1;
	if (crypto_pwhash_str_verify(hash, pw, sizeof(pw) - 1) != 0) /* warm-up */
		return 1;
	if (threads) {
		pthread_t t[64];
		double a = now();
		for (int i = 0; i < threads; i++)
			pthread_create(&t[i], NULL, checker, NULL);
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		printf("%.2f\n", (double)threads * n / (now() - a));
		return 0;
	}
	double *t = calloc((size_t)n, sizeof(double));
	for (int i = 0; i < n; i++) {
		double a = now();
		if (crypto_pwhash_str_verify(hash, pw, sizeof(pw) - 1) != 0)
			return 1;
		t[i] = now() - a;
	}
	qsort(t, (size_t)n, sizeof(double), cmp);
	printf("%.6f %.6f\n", t[0], t[n / 2]);
	free(t);
	return 0;
}
