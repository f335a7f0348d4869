/* admin.h — what every back-office administration area shares (admin.c, rosters.c): the
 * session's admin, its scope (its organisation's subtree) and the audit log. */
#ifndef GONGHUI_API_ADMIN_H
#define GONGHUI_API_ADMIN_H
#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "store/store.h"

typedef struct admin {
	account_row acct;
	bool platform;
} admin;

/* The session's staff account, which must be an org or platform admin: reviewers answer 403. */
bool admin_load(http_request *r, admin *a);
/* Is org within the admin's subtree? Outside (or missing) answers 404, as if it did not exist. */
bool admin_org_in_scope(http_request *r, const admin *a, int64_t org_id, org_row *out);
/* Audit-logs an action of the admin. */
bool admin_audit(http_request *r, const admin *a, const char *action, const char *target,
		 const char *detail);
#endif
