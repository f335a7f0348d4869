/* pool.h — a fixed set of worker threads taking jobs from one FIFO queue. Used for the work
 * that must not stall libmicrohttpd's threads: Argon2 and database round trips. */
#ifndef GONGHUI_UTIL_POOL_H
#define GONGHUI_UTIL_POOL_H

typedef struct pool pool;
typedef void (*pool_fn)(void *arg);

pool *pool_start(const char *name, int threads);
void pool_submit(pool *p, pool_fn fn, void *arg);
/* Runs every queued job, then joins the threads and frees the pool. */
void pool_stop(pool *p);
#endif
