/* db_driver.h — what a database driver provides to db.c. Private to src/store. */
#ifndef GONGHUI_STORE_DB_DRIVER_H
#define GONGHUI_STORE_DB_DRIVER_H
#include "store/db.h"

typedef struct db_driver {
	db_kind kind;
	db_conn *(*connect)(const char *target, char *err, size_t errlen);
	void (*disconnect)(db_conn *c);
	int (*exec)(db_conn *c, const char *sql, const db_param *p, int n);
	int (*exec_script)(db_conn *c, const char *sql);
	int64_t (*changes)(db_conn *c);
	int (*query)(db_conn *c, db_rows **rows, const char *sql, const db_param *p, int n);
	int (*next)(db_rows *r);
	bool (*isnull)(db_rows *r, int col);
	int64_t (*col_int)(db_rows *r, int col);
	const char *(*col_text)(db_rows *r, int col);
	const void *(*col_blob)(db_rows *r, int col, size_t *len);
	void (*done)(db_rows *r);
	int (*begin)(db_conn *c, bool write);
	int (*lock)(db_conn *c, const char *key);
	bool (*healthy)(db_conn *c);
} db_driver;

/* Every driver's connection starts with this header. */
struct db_conn {
	const db_driver *drv;
	db *pool;
	int in_tx;
};

/* Every driver's cursor starts with this header. */
struct db_rows {
	db_conn *conn;
};

extern const db_driver db_sqlite_driver;
extern const db_driver db_pg_driver;
#endif
