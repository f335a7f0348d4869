/* db_pg.c — the PostgreSQL driver (libpq): `?` placeholders become $n, each statement is
 * prepared once per connection (keyed by the SQL text's address), results are read as text,
 * bytea decoded from hex. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_driver.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"

/* PG_MAX_PARAMS on the stack, up to PostgreSQL's own limit on the heap. */
enum { PG_CACHE = 512, PG_MAX_PARAMS = 64, PG_LIMIT_PARAMS = 65535 };
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25 };

typedef struct pg_rows {
	db_rows base;
	PGresult *res;
	int row, nrows;
	unsigned char *blob; /* decoded bytea of the last db_blob call */
} pg_rows;

typedef struct pg_conn {
	db_conn base;
	PGconn *handle;
	pg_rows rows;
	int64_t changes;
	int broken;
	const char *keys[PG_CACHE];
#ifndef NDEBUG
	char *texts[PG_CACHE]; /* copies of the keys' text, checked on every hit */
#endif
	int nprepared;
} pg_conn;

static db_conn *pg_connect(const char *url, char *err, size_t errlen)
{
	PGconn *h = PQconnectdb(url);
	if (PQstatus(h) != CONNECTION_OK) {
		snprintf(err, errlen, "postgres: %s", PQerrorMessage(h));
		PQfinish(h);
		return NULL;
	}
	/* Generic plans: the store's statements are run many times with parameters whose
	 * selectivity the planner misjudges on the first custom plans (e.g. unit search). */
	PGresult *r = PQexec(h, "SET client_min_messages = warning; SET TIME ZONE 'UTC'; "
				"SET plan_cache_mode = force_generic_plan");
	PQclear(r);
	pg_conn *c = xcalloc(1, sizeof(*c));
	c->base.drv = &db_pg_driver;
	c->handle = h;
	c->rows.base.conn = &c->base;
	return &c->base;
}

static void pg_disconnect(db_conn *base)
{
	pg_conn *c = (pg_conn *)base;
	PQfinish(c->handle);
#ifndef NDEBUG
	for (int i = 0; i < PG_CACHE; i++)
		free(c->texts[i]);
#endif
	free(c);
}

/* Rewrites `?` outside string literals as $1, $2, … */
static char *translate(const char *sql)
{
	buf b = {0};
	int n = 0, quoted = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted)
			buf_printf(&b, "$%d", ++n);
		else
			buf_append(&b, p, 1);
	}
	return b.data ? b.data : xstrdup("");
}

static int result_rc(pg_conn *c, PGresult *r, const char *sql)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		const char *n = PQcmdTuples(r);
		c->changes = n && *n ? strtoll(n, NULL, 10) : 0;
		return DB_OK;
	}
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (state && strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (PQstatus(c->handle) != CONNECTION_OK)
		c->broken = 1;
	log_error("postgres: %s (in: %.80s)", PQresultErrorMessage(r), sql);
	return DB_ERR;
}

/* Returns the prepared statement's index, preparing it on first use; -1 on error. */
static int prepared(pg_conn *c, const char *sql, const db_param *p, int n)
{
	size_t h = ((uintptr_t)sql >> 3) % PG_CACHE;
	size_t slot = h;
	for (size_t i = 0; i < PG_CACHE; i++) {
		slot = (h + i) % PG_CACHE;
		if (c->keys[slot] == sql) {
#ifndef NDEBUG
			/* As in db_sqlite.c: the same address with other text is a bug, refused. */
			if (strcmp(c->texts[slot], sql) != 0) {
				log_error("postgres: statement cache hit with other SQL text at the "
					  "same address (SQL must come from fixed strings)");
				return -1;
			}
#endif
			return (int)slot;
		}
		if (!c->keys[slot])
			break;
	}
	if (c->keys[slot]) {
		log_error("postgres: statement cache full");
		return -1;
	}
	Oid small[PG_MAX_PARAMS], *types = n > PG_MAX_PARAMS ? xcalloc((size_t)n, sizeof(Oid)) : small;
	for (int i = 0; i < n; i++)
		types[i] = p[i].type == DB_P_INT    ? OID_INT8
			   : p[i].type == DB_P_TEXT ? OID_TEXT
			   : p[i].type == DB_P_BLOB ? OID_BYTEA
						    : 0;
	char name[16], *text = translate(sql);
	snprintf(name, sizeof(name), "g%zu", slot);
	PGresult *r = PQprepare(c->handle, name, text, n, types);
	if (types != small)
		free(types);
	int rc = result_rc(c, r, sql);
	PQclear(r);
	free(text);
	if (rc != DB_OK)
		return -1;
	c->keys[slot] = sql;
#ifndef NDEBUG
	c->texts[slot] = xstrdup(sql);
#endif
	return (int)slot;
}

static PGresult *run(pg_conn *c, const char *sql, const db_param *p, int n)
{
	if (n > PG_LIMIT_PARAMS)
		return NULL;
	int idx = prepared(c, sql, p, n);
	if (idx < 0)
		return NULL;
	/* Most statements fit on the stack; the roster import's multi-row ones take the heap. */
	const char *small_values[PG_MAX_PARAMS], **values = small_values;
	int small_lengths[PG_MAX_PARAMS], small_formats[PG_MAX_PARAMS], *lengths = small_lengths,
					 *formats = small_formats;
	char small_ints[PG_MAX_PARAMS][24], (*ints)[24] = small_ints;
	if (n > PG_MAX_PARAMS) {
		values = xcalloc((size_t)n, sizeof(*values));
		lengths = xcalloc((size_t)n, sizeof(int));
		formats = xcalloc((size_t)n, sizeof(int));
		ints = xcalloc((size_t)n, sizeof(*ints));
	}
	for (int i = 0; i < n; i++) {
		formats[i] = 0;
		lengths[i] = 0;
		switch (p[i].type) {
		case DB_P_INT:
			snprintf(ints[i], sizeof(ints[i]), "%lld", (long long)p[i].i);
			values[i] = ints[i];
			break;
		case DB_P_TEXT:
			values[i] = p[i].p;
			break;
		case DB_P_BLOB:
			values[i] = p[i].p;
			lengths[i] = (int)p[i].len;
			formats[i] = 1;
			break;
		default:
			values[i] = NULL;
		}
	}
	char name[16];
	snprintf(name, sizeof(name), "g%d", idx);
	PGresult *r = PQexecPrepared(c->handle, name, n, values, lengths, formats, 0);
	if (values != small_values) {
		free(values);
		free(lengths);
		free(formats);
		free(ints);
	}
	return r;
}

static int pg_exec(db_conn *base, const char *sql, const db_param *p, int n)
{
	pg_conn *c = (pg_conn *)base;
	PGresult *r = run(c, sql, p, n);
	if (!r) {
		if (PQstatus(c->handle) != CONNECTION_OK)
			c->broken = 1;
		return DB_ERR;
	}
	int rc = result_rc(c, r, sql);
	PQclear(r);
	return rc;
}

static int pg_exec_script(db_conn *base, const char *sql)
{
	pg_conn *c = (pg_conn *)base;
	PGresult *r = PQexec(c->handle, sql);
	int rc = result_rc(c, r, "script");
	PQclear(r);
	return rc;
}

static int64_t pg_changes(db_conn *base)
{
	return ((pg_conn *)base)->changes;
}

static int pg_query(db_conn *base, db_rows **rows, const char *sql, const db_param *p, int n)
{
	pg_conn *c = (pg_conn *)base;
	PGresult *r = run(c, sql, p, n);
	if (!r)
		return DB_ERR;
	int rc = result_rc(c, r, sql);
	if (rc != DB_OK) {
		PQclear(r);
		return rc;
	}
	c->rows.res = r;
	c->rows.row = -1;
	c->rows.nrows = PQntuples(r);
	*rows = &c->rows.base;
	return DB_OK;
}

static int pg_next(db_rows *r)
{
	pg_rows *pr = (pg_rows *)r;
	return ++pr->row < pr->nrows ? DB_ROW : DB_DONE;
}

static bool pg_isnull(db_rows *r, int col)
{
	pg_rows *pr = (pg_rows *)r;
	return PQgetisnull(pr->res, pr->row, col);
}

static const char *pg_text(db_rows *r, int col)
{
	pg_rows *pr = (pg_rows *)r;
	return PQgetisnull(pr->res, pr->row, col) ? NULL : PQgetvalue(pr->res, pr->row, col);
}

static int64_t pg_int(db_rows *r, int col)
{
	const char *s = pg_text(r, col);
	if (!s)
		return 0;
	if (*s == 't' || *s == 'f') /* booleans from expressions such as EXISTS */
		return *s == 't';
	return strtoll(s, NULL, 10);
}

static const void *pg_blob(db_rows *r, int col, size_t *len)
{
	pg_rows *pr = (pg_rows *)r;
	PQfreemem(pr->blob);
	pr->blob = NULL;
	*len = 0;
	const char *s = pg_text(r, col);
	if (!s)
		return NULL;
	pr->blob = PQunescapeBytea((const unsigned char *)s, len);
	return pr->blob;
}

static void pg_done(db_rows *r)
{
	pg_rows *pr = (pg_rows *)r;
	PQclear(pr->res);
	pr->res = NULL;
	PQfreemem(pr->blob);
	pr->blob = NULL;
}

static int pg_begin(db_conn *base, bool write)
{
	(void)write;
	return pg_exec(base, "BEGIN", NULL, 0);
}

static int pg_lock(db_conn *base, const char *key)
{
	return pg_exec(base, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
		       DB_ARGS(DB_TEXT(key)));
}

static bool pg_healthy(db_conn *base)
{
	pg_conn *c = (pg_conn *)base;
	return !c->broken && PQstatus(c->handle) == CONNECTION_OK &&
	       PQtransactionStatus(c->handle) == PQTRANS_IDLE;
}

const db_driver db_pg_driver = {
	.kind = DB_POSTGRES,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.exec_script = pg_exec_script,
	.changes = pg_changes,
	.query = pg_query,
	.next = pg_next,
	.isnull = pg_isnull,
	.col_int = pg_int,
	.col_text = pg_text,
	.col_blob = pg_blob,
	.done = pg_done,
	.begin = pg_begin,
	.lock = pg_lock,
	.healthy = pg_healthy,
};
