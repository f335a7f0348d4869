/* db.h — the database driver interface under the store: a pool of connections, parameterised
 * statements with `?` placeholders, row cursors and transactions. Two drivers implement it:
 * SQLite (db_sqlite.c) and PostgreSQL (db_pg.c). Store modules write their SQL once, in the
 * dialect both engines share, and ask db_dialect() only where the engines differ. */
#ifndef GONGHUI_STORE_DB_H
#define GONGHUI_STORE_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum { DB_SQLITE, DB_POSTGRES } db_kind;

typedef enum { DB_P_NULL, DB_P_INT, DB_P_TEXT, DB_P_BLOB } db_param_type;
typedef struct db_param {
	db_param_type type;
	int64_t i;
	const void *p;
	size_t len;
} db_param;

#define DB_INT(v) ((db_param){DB_P_INT, (int64_t)(v), NULL, 0})
#define DB_BLOB(b, n) ((db_param){DB_P_BLOB, 0, (b), (n)})
#define DB_NULL ((db_param){DB_P_NULL, 0, NULL, 0})
static inline db_param db_text_param(const char *s)
{
	db_param p = {DB_P_NULL, 0, s, 0};
	if (s) {
		p.type = DB_P_TEXT;
		p.len = strlen(s);
	}
	return p;
}
#define DB_TEXT(s) db_text_param(s)
#define DB_ARGS(...)                                                                               \
	(const db_param[]){__VA_ARGS__},                                                           \
		(int)(sizeof((const db_param[]){__VA_ARGS__}) / sizeof(db_param))

enum { DB_OK = 0, DB_ROW = 1, DB_DONE = 2, DB_ERR = -1, DB_CONSTRAINT = -2 };

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_rows db_rows;

/* url: "sqlite:PATH" or "postgres://…". */
int db_open(db **out, const char *url, int connections, char *err, size_t errlen);
void db_close(db *d);
db_kind db_dialect(const db *d);
/* The path or URL the pool connects to. */
const char *db_target(const db *d);
bool db_ping(db *d);

/* Blocks until a connection is free. Every acquire is paired with a release. */
db_conn *db_acquire(db *d);
void db_release(db_conn *c);
db_kind db_conn_dialect(const db_conn *c);

/* Returns DB_OK, DB_CONSTRAINT (unique/foreign key violated) or DB_ERR. */
int db_exec(db_conn *c, const char *sql, const db_param *p, int n);
/* Runs a script of several statements without parameters (migrations). */
int db_exec_script(db_conn *c, const char *sql);
int64_t db_changes(db_conn *c);

/* Opens a cursor; the caller steps it with db_next and always ends it with db_done. One cursor
 * per connection at a time. */
int db_query(db_conn *c, db_rows **rows, const char *sql, const db_param *p, int n);
int db_next(db_rows *r); /* DB_ROW, DB_DONE or DB_ERR */
bool db_isnull(db_rows *r, int col);
int64_t db_int(db_rows *r, int col);
const char *db_text(db_rows *r, int col); /* never NULL: "" for NULL */
/* Column col's text into the fixed buffer dst, cut to cap - 1 bytes ("" for NULL). */
void db_text_into(db_rows *r, int col, char *dst, size_t cap);
const void *db_blob(db_rows *r, int col, size_t *len);
void db_done(db_rows *r);

/* Transactions: write=true takes the write lock up front on SQLite (BEGIN IMMEDIATE). */
int db_begin(db_conn *c, bool write);
int db_commit(db_conn *c);
void db_rollback(db_conn *c);
/* Serialises writers on one key until the transaction ends (PostgreSQL advisory lock; SQLite
 * writers are serialised already). */
int db_lock(db_conn *c, const char *key);
#endif
