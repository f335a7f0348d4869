/* migrate.h — versioned schema migrations, one list for both engines. */
#ifndef GONGHUI_STORE_MIGRATE_H
#define GONGHUI_STORE_MIGRATE_H
#include "store/db.h"

/* Applies every migration not yet applied; idempotent, safe with several nodes starting at
 * once. Returns 0 or -1. */
int store_migrate(db *d);
/* Highest applied version, or -1 on error. */
int store_schema_version(db *d);
#endif
