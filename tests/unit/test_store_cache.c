/* test_store_cache.c — the SQLite driver's statement cache is keyed by the SQL text's address;
 * test builds (no NDEBUG) refuse a hit whose text differs instead of running the cached
 * statement. Runs only where assertions are on (the sanitizer test build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"

#ifndef NDEBUG

static db *open_temp(char *path, size_t len)
{
	snprintf(path, len, "/tmp/gonghui-cache-%ld.db", (long)getpid());
	char url[300], err[200];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	db *d = NULL;
	assert_int_equal(db_open(&d, url, 1, err, sizeof(err)), 0);
	return d;
}

static int64_t select_one(db_conn *c, const char *sql, int *rc)
{
	db_rows *r;
	int64_t v = -1;
	*rc = db_query(c, &r, sql, NULL, 0);
	if (*rc != DB_OK)
		return v;
	if (db_next(r) == DB_ROW)
		v = db_int(r, 0);
	db_done(r);
	return v;
}

static void same_address_other_text_is_refused(void **state)
{
	(void)state;
	char path[128];
	db *d = open_temp(path, sizeof(path));
	db_conn *c = db_acquire(d);
	assert_non_null(c);
	char sql[32];
	int rc;
	snprintf(sql, sizeof(sql), "SELECT 1");
	assert_int_equal(select_one(c, sql, &rc), 1);
	/* The same text again: the cached statement. */
	assert_int_equal(select_one(c, sql, &rc), 1);
	/* Other text in the same buffer: an error, never the answer of "SELECT 1". */
	snprintf(sql, sizeof(sql), "SELECT 2");
	select_one(c, sql, &rc);
	assert_int_not_equal(rc, DB_OK);
	/* A fixed string still works. */
	assert_int_equal(select_one(c, "SELECT 3", &rc), 3);
	db_release(c);
	db_close(d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_address_other_text_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
	puts("statement cache text check is for test builds (NDEBUG is set): skipped");
	return 0;
}
#endif
