/* db_sqlite.c — the embedded SQLite driver: WAL, synchronous=FULL, busy timeout, BEGIN
 * IMMEDIATE for writes, and a per-connection cache of prepared statements keyed by the SQL
 * text's address (store SQL is made of string literals). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_driver.h"
#include "util/alloc.h"
#include "util/log.h"

enum { STMT_CACHE = 512 };

typedef struct sqlite_rows {
	db_rows base;
	sqlite3_stmt *stmt;
} sqlite_rows;

typedef struct sqlite_conn {
	db_conn base;
	sqlite3 *handle;
	sqlite_rows rows;
	const char *keys[STMT_CACHE];
	sqlite3_stmt *stmts[STMT_CACHE];
} sqlite_conn;

static int map_rc(sqlite_conn *c, int rc, const char *sql)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE)
		return DB_OK;
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return DB_CONSTRAINT;
	log_error("sqlite: %s [%d] (in: %.80s)", sqlite3_errmsg(c->handle), rc, sql ? sql : "?");
	return DB_ERR;
}

/* Before SQLite initialises: no allocation statistics, which would put every sqlite3_malloc
 * of every connection behind one global mutex. */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static db_conn *sq_connect(const char *path, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	sqlite3 *h;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite %s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 10000);
	char *msg = NULL;
	if (sqlite3_exec(h,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
			 "PRAGMA mmap_size=1073741824;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite %s: %s", path, msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	sqlite_conn *c = xcalloc(1, sizeof(*c));
	c->base.drv = &db_sqlite_driver;
	c->handle = h;
	c->rows.base.conn = &c->base;
	return &c->base;
}

static void sq_disconnect(db_conn *base)
{
	sqlite_conn *c = (sqlite_conn *)base;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->stmts[i]);
	sqlite3_close(c->handle);
	free(c);
}

static sqlite3_stmt *prepare(sqlite_conn *c, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		size_t slot = (h + i) % STMT_CACHE;
		if (c->keys[slot] == sql) {
#ifndef NDEBUG
			/* The key is the text's address: SQL built at run time in a reused buffer
			 * would find another statement. Test builds refuse instead of running it. */
			if (strcmp(sqlite3_sql(c->stmts[slot]), sql) != 0) {
				log_error("sqlite: statement cache hit with other SQL text at the same "
					  "address (SQL must come from fixed strings)");
				return NULL;
			}
#endif
			return c->stmts[slot];
		}
		if (!c->keys[slot]) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(c->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
					       NULL) != SQLITE_OK) {
				map_rc(c, SQLITE_ERROR, sql);
				return NULL;
			}
			c->keys[slot] = sql;
			c->stmts[slot] = st;
			return st;
		}
	}
	/* Cache full: SQL built at run time would land here; prepare without caching. */
	log_error("sqlite: statement cache full");
	return NULL;
}

static int bind_all(sqlite_conn *c, sqlite3_stmt *st, const db_param *p, int n)
{
	for (int i = 0; i < n; i++) {
		int rc;
		switch (p[i].type) {
		case DB_P_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		case DB_P_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].p, (int)p[i].len, SQLITE_STATIC);
			break;
		case DB_P_BLOB:
			rc = sqlite3_bind_blob(st, i + 1, p[i].p, (int)p[i].len, SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
		}
		if (rc != SQLITE_OK)
			return map_rc(c, rc, sqlite3_sql(st));
	}
	return DB_OK;
}

static int sq_exec(db_conn *base, const char *sql, const db_param *p, int n)
{
	sqlite_conn *c = (sqlite_conn *)base;
	sqlite3_stmt *st = prepare(c, sql);
	if (!st)
		return DB_ERR;
	int rc = bind_all(c, st, p, n);
	if (rc == DB_OK) {
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			;
		rc = map_rc(c, s, sql);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int sq_exec_script(db_conn *base, const char *sql)
{
	sqlite_conn *c = (sqlite_conn *)base;
	char *msg = NULL;
	int rc = sqlite3_exec(c->handle, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERR;
	}
	return DB_OK;
}

static int64_t sq_changes(db_conn *base)
{
	return sqlite3_changes64(((sqlite_conn *)base)->handle);
}

static int sq_query(db_conn *base, db_rows **rows, const char *sql, const db_param *p, int n)
{
	sqlite_conn *c = (sqlite_conn *)base;
	sqlite3_stmt *st = prepare(c, sql);
	if (!st)
		return DB_ERR;
	int rc = bind_all(c, st, p, n);
	if (rc != DB_OK) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return rc;
	}
	c->rows.stmt = st;
	*rows = &c->rows.base;
	return DB_OK;
}

static int sq_next(db_rows *r)
{
	sqlite_rows *sr = (sqlite_rows *)r;
	int rc = sqlite3_step(sr->stmt);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_rc((sqlite_conn *)r->conn, rc, sqlite3_sql(sr->stmt));
}

static bool sq_isnull(db_rows *r, int col)
{
	return sqlite3_column_type(((sqlite_rows *)r)->stmt, col) == SQLITE_NULL;
}

static int64_t sq_int(db_rows *r, int col)
{
	return sqlite3_column_int64(((sqlite_rows *)r)->stmt, col);
}

static const char *sq_text(db_rows *r, int col)
{
	return (const char *)sqlite3_column_text(((sqlite_rows *)r)->stmt, col);
}

static const void *sq_blob(db_rows *r, int col, size_t *len)
{
	sqlite3_stmt *st = ((sqlite_rows *)r)->stmt;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

static void sq_done(db_rows *r)
{
	sqlite_rows *sr = (sqlite_rows *)r;
	if (sr->stmt) {
		sqlite3_reset(sr->stmt);
		sqlite3_clear_bindings(sr->stmt);
		sr->stmt = NULL;
	}
}

static int sq_begin(db_conn *base, bool write)
{
	return sq_exec(base, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, 0);
}

static int sq_lock(db_conn *base, const char *key)
{
	(void)base;
	(void)key;
	return DB_OK; /* BEGIN IMMEDIATE already holds the database's only write lock */
}

static bool sq_healthy(db_conn *base)
{
	return sqlite3_get_autocommit(((sqlite_conn *)base)->handle) != 0;
}

const db_driver db_sqlite_driver = {
	.kind = DB_SQLITE,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.exec_script = sq_exec_script,
	.changes = sq_changes,
	.query = sq_query,
	.next = sq_next,
	.isnull = sq_isnull,
	.col_int = sq_int,
	.col_text = sq_text,
	.col_blob = sq_blob,
	.done = sq_done,
	.begin = sq_begin,
	.lock = sq_lock,
	.healthy = sq_healthy,
};
