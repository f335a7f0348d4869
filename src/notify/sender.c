/* sender.c — the outbox sender: wakes when a request queues a message (or every second, for
 * messages queued by other nodes), claims due rows with a lease, delivers, marks each sent or
 * schedules a retry with backoff. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "notify/notify.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"

enum { BATCH = 32, LEASE_S = 60 };

static const config *cfg;
static db *database;
static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool pending, stopping, running;

static notify_send_fn provider_for(const char *channel)
{
	if (strcmp(channel, "sms") == 0)
		return strcmp(cfg->sms_provider, "http") == 0 ? notify_sms_http : notify_sms_dev;
	if (strcmp(channel, "mail") == 0)
		return strcmp(cfg->mail_provider, "smtp") == 0 ? notify_mail_smtp : notify_mail_dev;
	return NULL;
}

static int64_t backoff(int attempts)
{
	int64_t s = 5;
	for (int i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s > 3600 ? 3600 : s;
}

static void deliver(db_conn *c, outbox_item *it)
{
	char err[256] = "";
	notify_send_fn fn = provider_for(it->channel);
	notify_message m = {it->id, it->recipient, it->subject, it->body};
	int rc = fn ? fn(cfg, &m, err, sizeof(err)) : -1;
	if (!fn)
		snprintf(err, sizeof(err), "no provider for channel %s", it->channel);
	if (rc == 0) {
		store_outbox_sent(c, it->id, clock_now());
		return;
	}
	log_warn("outbox message %lld (%s) not delivered: %s; attempt %d", (long long)it->id,
		 it->channel, err, it->attempts);
	store_outbox_retry(c, it->id, clock_now() + backoff(it->attempts), err);
}

/* Delivers one batch; returns how many were claimed. */
static int run_once(void)
{
	db_conn *c = db_acquire(database);
	if (!c)
		return 0;
	outbox_item items[BATCH];
	int n = 0;
	if (store_outbox_claim(c, clock_now(), LEASE_S, items, BATCH, &n) == STORE_OK)
		for (int i = 0; i < n; i++)
			deliver(c, &items[i]);
	outbox_items_free(items, n);
	db_release(c);
	return n;
}

static void *sender_main(void *arg)
{
	(void)arg;
	for (;;) {
		while (run_once() == BATCH)
			;
		pthread_mutex_lock(&lock);
		if (!pending && !stopping) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&wake, &lock, &ts);
		}
		bool stop = stopping;
		pending = false;
		pthread_mutex_unlock(&lock);
		if (stop) {
			run_once();
			return NULL;
		}
	}
}

void notify_start(const config *c, db *d)
{
	cfg = c;
	database = d;
	stopping = false;
	pthread_create(&thread, NULL, sender_main, NULL);
	pthread_setname_np(thread, "gh-sender");
	running = true;
}

void notify_wake(void)
{
	pthread_mutex_lock(&lock);
	pending = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

void notify_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
}
