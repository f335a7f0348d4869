/* pool.c — worker threads over a linked job queue guarded by one mutex. */
#include "util/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/alloc.h"

typedef struct job {
	struct job *next;
	pool_fn fn;
	void *arg;
} job;

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	job *head, *tail;
	bool stopping;
	int nthreads;
	pthread_t *threads;
};

static void *worker(void *arg)
{
	pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->ready, &p->lock);
		job *j = p->head;
		if (!j) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		j->fn(j->arg);
		free(j);
	}
}

pool *pool_start(const char *name, int threads)
{
	pool *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->nthreads = threads < 1 ? 1 : threads;
	p->threads = xcalloc((size_t)p->nthreads, sizeof(pthread_t));
	for (int i = 0; i < p->nthreads; i++) {
		pthread_create(&p->threads[i], NULL, worker, p);
		pthread_setname_np(p->threads[i], name);
	}
	return p;
}

void pool_submit(pool *p, pool_fn fn, void *arg)
{
	job *j = xmalloc(sizeof(*j));
	j->next = NULL;
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->lock);
}

void pool_stop(pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->ready);
	free(p->threads);
	free(p);
}
