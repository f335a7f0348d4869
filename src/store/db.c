/* db.c — connection pool and dispatch to the chosen driver. */
#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/db_driver.h"
#include "util/alloc.h"
#include "util/log.h"

struct db {
	const db_driver *drv;
	char *target;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	db_conn **idle;
	int nidle, size, opened;
};

int db_open(db **out, const char *url, int connections, char *err, size_t errlen)
{
	const db_driver *drv;
	const char *target;
	if (strncmp(url, "sqlite:", 7) == 0) {
		drv = &db_sqlite_driver;
		target = url + 7;
	} else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		drv = &db_pg_driver;
		target = url;
	} else {
		snprintf(err, errlen, "GONGHUI_DB must start with sqlite: or postgres://");
		return -1;
	}
	db_conn *first = drv->connect(target, err, errlen);
	if (!first)
		return -1;
	db *d = xcalloc(1, sizeof(*d));
	d->drv = drv;
	d->target = xstrdup(target);
	d->size = connections < 1 ? 1 : connections;
	d->idle = xcalloc((size_t)d->size, sizeof(db_conn *));
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->freed, NULL);
	first->pool = d;
	d->idle[d->nidle++] = first;
	d->opened = 1;
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	while (d->nidle < d->opened)
		pthread_cond_wait(&d->freed, &d->lock);
	for (int i = 0; i < d->nidle; i++)
		d->drv->disconnect(d->idle[i]);
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->freed);
	free(d->idle);
	free(d->target);
	free(d);
}

db_kind db_dialect(const db *d)
{
	return d->drv->kind;
}

const char *db_target(const db *d)
{
	return d->target;
}

db_kind db_conn_dialect(const db_conn *c)
{
	return c->drv->kind;
}

db_conn *db_acquire(db *d)
{
	pthread_mutex_lock(&d->lock);
	for (;;) {
		if (d->nidle > 0) {
			db_conn *c = d->idle[--d->nidle];
			pthread_mutex_unlock(&d->lock);
			return c;
		}
		if (d->opened < d->size) {
			d->opened++;
			pthread_mutex_unlock(&d->lock);
			char err[256];
			db_conn *c = d->drv->connect(d->target, err, sizeof(err));
			if (c) {
				c->pool = d;
				return c;
			}
			log_error("database connect failed: %s", err);
			pthread_mutex_lock(&d->lock);
			d->opened--;
			pthread_mutex_unlock(&d->lock);
			return NULL;
		}
		pthread_cond_wait(&d->freed, &d->lock);
	}
}

void db_release(db_conn *c)
{
	if (!c)
		return;
	db *d = c->pool;
	if (c->in_tx) {
		db_rollback(c);
	}
	bool keep = d->drv->healthy(c);
	pthread_mutex_lock(&d->lock);
	if (keep) {
		d->idle[d->nidle++] = c;
	} else {
		d->opened--;
	}
	pthread_cond_signal(&d->freed);
	pthread_mutex_unlock(&d->lock);
	if (!keep)
		d->drv->disconnect(c);
}

bool db_ping(db *d)
{
	db_conn *c = db_acquire(d);
	if (!c)
		return false;
	db_rows *r;
	bool ok = db_query(c, &r, "SELECT 1", NULL, 0) == DB_OK && db_next(r) == DB_ROW;
	if (ok || r)
		db_done(r);
	db_release(c);
	return ok;
}

int db_exec(db_conn *c, const char *sql, const db_param *p, int n)
{
	return c->drv->exec(c, sql, p, n);
}

int db_exec_script(db_conn *c, const char *sql)
{
	return c->drv->exec_script(c, sql);
}

int64_t db_changes(db_conn *c)
{
	return c->drv->changes(c);
}

int db_query(db_conn *c, db_rows **rows, const char *sql, const db_param *p, int n)
{
	*rows = NULL;
	return c->drv->query(c, rows, sql, p, n);
}

int db_next(db_rows *r)
{
	return r->conn->drv->next(r);
}

bool db_isnull(db_rows *r, int col)
{
	return r->conn->drv->isnull(r, col);
}

int64_t db_int(db_rows *r, int col)
{
	return r->conn->drv->col_int(r, col);
}

const char *db_text(db_rows *r, int col)
{
	const char *s = r->conn->drv->col_text(r, col);
	return s ? s : "";
}

void db_text_into(db_rows *r, int col, char *dst, size_t cap)
{
	snprintf(dst, cap, "%s", db_text(r, col));
}

const void *db_blob(db_rows *r, int col, size_t *len)
{
	return r->conn->drv->col_blob(r, col, len);
}

void db_done(db_rows *r)
{
	if (r)
		r->conn->drv->done(r);
}

int db_begin(db_conn *c, bool write)
{
	int rc = c->drv->begin(c, write);
	if (rc == DB_OK)
		c->in_tx = 1;
	return rc;
}

int db_commit(db_conn *c)
{
	int rc = c->drv->exec(c, "COMMIT", NULL, 0);
	if (rc != DB_OK)
		db_rollback(c);
	c->in_tx = 0;
	return rc;
}

void db_rollback(db_conn *c)
{
	c->drv->exec(c, "ROLLBACK", NULL, 0);
	c->in_tx = 0;
}

int db_lock(db_conn *c, const char *key)
{
	return c->drv->lock(c, key);
}
