/* admin.h — what the back office's administration handlers share (admin.c, admin_units.c):
 * the admin behind the session and its scope, the audit log, integer id fields. */
#ifndef GONGHUI_API_ADMIN_H
#define GONGHUI_API_ADMIN_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "store/store.h"

typedef struct admin {
	account_row acct; /* acct.org_id is the root of the admin's scope */
	bool platform;
} admin;

/* The session's staff account, which must be an org or platform admin (reviewers: 403). */
bool admin_load(http_request *r, admin *a);
/* Is org within the admin's subtree? Outside answers 404, as if it did not exist. */
bool admin_org_in_scope(http_request *r, const admin *a, int64_t org_id, org_row *out);
bool admin_audit(http_request *r, const admin *a, const char *action, const char *target,
		 const char *detail);
/* An integer id field of the body: absent or null → *present false; anything but an integer
 * answers 400 naming the field. */
bool admin_body_id(http_request *r, const char *field, const char *message, bool *present,
		   int64_t *id);
/* Creates the organisation o (parent, name, kind, region filled in) with a fresh code
 * G + 10 digits, written to o->code. Inside the caller's transaction. */
store_rc admin_org_insert(http_request *r, org_row *o, int64_t *id);
json_t *admin_render_org(const org_node *n);
/* An organisation's name: 2–60 characters, no space at either end (400 on field "name"). */
bool admin_org_name_ok(http_request *r, const char *name);
/* Cuts s in place to at most max bytes without splitting a UTF-8 character (audit details). */
char *admin_clip(char *s, size_t max);
#endif
