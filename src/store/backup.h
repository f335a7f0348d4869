/* backup.h — online backup of the embedded database (PostgreSQL: use pg_dump, see README). */
#ifndef GONGHUI_STORE_BACKUP_H
#define GONGHUI_STORE_BACKUP_H
#include <stddef.h>

#include "store/db.h"

/* Copies a live SQLite database to target with the online backup API. 0 or -1 with err. */
int store_backup(db *d, const char *target, char *err, size_t errlen);
#endif
