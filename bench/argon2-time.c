/* argon2-time.c — time the Argon2id password check at the server's cost. Built with the server
 * (target argon2-time in CMakeLists.txt, linked to the same library), so "ours" is exactly the
 * server's password_verify, block function included.
 *   argon2-time OPS MEM_KIB N           → "MIN MEDIAN": seconds of one check, N checks after a
 *                                         warm-up, one at a time (what bench/http.sh's bound uses)
 *   argon2-time OPS MEM_KIB N THREADS   → "RATE": checks per second when THREADS threads of one
 *                                         process check N times each after a warm-up each
 *   argon2-time --with IMPL OPS MEM_KIB N [THREADS]   the same with another implementation
 *   argon2-time --block                 → the block function the server picks on this CPU
 *   argon2-time --compare OPS MEM_KIB N → a table of every implementation: one thread (min and
 *                                         median ms, checks/s) and two threads at once (checks/s)
 * Implementations: "ours" (password_verify, the block function this CPU picks), "ours-avx2",
 * "ours-ssse3", "ours-portable" (ours with that block function forced), "libsodium"
 * (crypto_pwhash_str_verify, which maps and unmaps its memory for every check) and "libsodium-premapped" (the same, with
 * libsodium's mmap/munmap of that memory answered from one buffer per thread, mapped and touched
 * once with huge pages as ours: libsodium's own Argon2 without the page work, for comparison
 * only — the server never runs it). Every check verifies one hash made by crypto_pwhash_str. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "security/argon2.h"
#include "security/password.h"

enum { MAX_THREADS = 64, HUGE_PAGE = 2 * 1024 * 1024 };

typedef enum { OURS, LIBSODIUM, LIBSODIUM_PREMAPPED } engine;

static const struct {
	const char *name, *block; /* block: the block function ours is forced to */
	engine e;
} impls[] = {
	{"ours", NULL, OURS},
	{"ours-avx2", "avx2", OURS},
	{"ours-ssse3", "ssse3", OURS},
	{"ours-portable", "portable", OURS},
	{"libsodium", NULL, LIBSODIUM},
	{"libsodium-premapped", NULL, LIBSODIUM_PREMAPPED},
};

static const char pw[] = "Bench2026pass";
static char hash[crypto_pwhash_STRBYTES];
static size_t argon_mem;
static int n_checks;
static engine current;
static pthread_barrier_t start_line;

/* ---- libsodium-premapped: its Argon2 memory from a reused buffer ------------------------- */

static _Thread_local int premapped;
static _Thread_local char *cache;
static _Thread_local size_t cache_len;

static void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

/* This program's mmap and munmap take the place of libc's for libsodium's calls. Only the
 * threads that run libsodium-premapped use the cache, and only for an anonymous mapping of at
 * least the Argon2 memory. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!premapped || addr || fd != -1 || len < argon_mem)
		return sys_mmap(addr, len, prot, flags, fd, off);
	if (cache && cache_len == len)
		return cache;
	char *p = sys_mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return p;
	p += (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	madvise(p, len, MADV_HUGEPAGE);
	memset(p, 1, len);
	cache = p;
	cache_len = len;
	return p;
}

int munmap(void *addr, size_t len)
{
	if (premapped && addr == cache)
		return 0;
	return (int)syscall(SYS_munmap, addr, len);
}

/* ---- timing ------------------------------------------------------------------------------- */

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

static void check(void)
{
	bool ok = current == OURS ? password_verify(hash, pw)
				  : crypto_pwhash_str_verify(hash, pw, sizeof(pw) - 1) == 0;
	if (!ok)
		abort();
}

static void *checker(void *arg)
{
	premapped = current == LIBSODIUM_PREMAPPED;
	check(); /* warm-up: ours maps this thread's memory here, once */
	pthread_barrier_wait(&start_line);
	for (int i = 0; i < n_checks; i++)
		check();
	return arg;
}

/* Checks per second of `threads` threads at once. */
static double rate(int threads)
{
	pthread_t t[MAX_THREADS];
	pthread_barrier_init(&start_line, NULL, (unsigned)threads + 1);
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, checker, NULL);
	pthread_barrier_wait(&start_line);
	double a = now();
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double elapsed = now() - a;
	pthread_barrier_destroy(&start_line);
	return (double)threads * n_checks / elapsed;
}

/* The fastest and the median of n_checks single checks on this thread, in seconds. */
static void single(double *min, double *median)
{
	premapped = current == LIBSODIUM_PREMAPPED;
	check();
	double *t = calloc((size_t)n_checks, sizeof(double));
	for (int i = 0; i < n_checks; i++) {
		double a = now();
		check();
		t[i] = now() - a;
	}
	qsort(t, (size_t)n_checks, sizeof(double), cmp);
	*min = t[0];
	*median = t[n_checks / 2];
	free(t);
	premapped = 0;
}

static int use(const char *name)
{
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if (strcmp(impls[i].name, name) == 0) {
			current = impls[i].e;
			return current == OURS ? argon2id_use(impls[i].block) : 0;
		}
	return -1;
}

static void compare(void)
{
	printf("%-22s %-9s %9s %9s %10s %10s\n", "implementation", "block", "min ms", "median ms",
	       "1 thr /s", "2 thr /s");
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		if (use(impls[i].name))
			continue;
		double min, median;
		single(&min, &median);
		double two = rate(2);
		printf("%-22s %-9s %9.2f %9.2f %10.1f %10.1f\n", impls[i].name,
		       current == OURS ? argon2id_impl() : "-", min * 1e3, median * 1e3, 1 / median,
		       two);
	}
}

int main(int argc, char **argv)
{
	const char *with = "ours";
	bool table = false;
	int a = 1;
	if (argc == 2 && strcmp(argv[1], "--block") == 0) {
		puts(argon2id_impl());
		return 0;
	}
	if (a < argc && strcmp(argv[a], "--compare") == 0) {
		table = true;
		a++;
	} else if (a + 1 < argc && strcmp(argv[a], "--with") == 0) {
		with = argv[a + 1];
		a += 2;
	}
	if (argc - a < 3 || argc - a > 4 || (table && argc - a != 3) || sodium_init() < 0)
		return 2;
	unsigned long ops = strtoul(argv[a], NULL, 10);
	argon_mem = (size_t)strtoull(argv[a + 1], NULL, 10) * 1024;
	n_checks = atoi(argv[a + 2]);
	int threads = argc - a == 4 ? atoi(argv[a + 3]) : 0;
	if (n_checks < 1 || n_checks > 1000 || threads < 0 || threads > MAX_THREADS)
		return 2;
	password_configure(ops, argon_mem);
	if (crypto_pwhash_str_alg(hash, pw, sizeof(pw) - 1, ops, argon_mem,
				  crypto_pwhash_ALG_ARGON2ID13))
		return 1;
	if (table) {
		compare();
		return 0;
	}
	if (use(with)) {
		fprintf(stderr, "argon2-time: no implementation %s on this CPU\n", with);
		return 2;
	}
	if (threads) {
		printf("%.2f\n", rate(threads));
		return 0;
	}
	double min, median;
	single(&min, &median);
	printf("%.6f %.6f\n", min, median);
	return 0;
}
