/* backup.c — SQLite online backup, page by page, while the server keeps running. */
#include "store/backup.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int store_backup(db *d, const char *target, char *err, size_t errlen)
{
	if (db_dialect(d) != DB_SQLITE) {
		snprintf(err, errlen, "for PostgreSQL use pg_dump (see README)");
		return -1;
	}
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(db_target(d), &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(target, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (b) {
			do {
				rc = sqlite3_backup_step(b, 256);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(50);
			} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			sqlite3_backup_finish(b);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		} else {
			rc = sqlite3_errcode(dst);
		}
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s", sqlite3_errstr(rc));
	sqlite3_close(dst);
	sqlite3_close(src);
	return rc == SQLITE_OK ? 0 : -1;
}
