/* login.h — what worker and staff logins share: the per-address failure cap, the account
 * lockout, constant work for unknown usernames, rehash on login, the session. */
#ifndef GONGHUI_API_LOGIN_H
#define GONGHUI_API_LOGIN_H
#include <jansson.h>
#include <stdbool.h>

#include "http/request.h"
#include "store/store.h"

typedef json_t *(*render_fn)(http_request *r, const account_row *a);

/* True when the client address has used up its failed logins for the hour (responds 429). */
bool login_client_blocked(http_request *r);
/* The password step: the per-address cap, the lockout, the password (constant work when a is
 * NULL: the username matched no account) and the failure count. Responds and returns false
 * on failure; on success rehash holds the password's new hash when its cost changed, else "". */
bool login_check_password(http_request *r, const account_row *a, const char *password,
			  char rehash[PASSWORD_HASH_LEN]);
/* a is NULL when the username matched no account. Responds in every case. */
void login_password(http_request *r, subject_kind kind, const account_row *a, const char *password,
		    bool bearer, render_fn render, const char *render_key);
/* Inside the caller's transaction: starts the session and answers 200 with
 * {"status":"ok", render_key: render(a), "csrf_token", "token"?}. Returns false on failure. */
bool login_succeed(http_request *r, const account_row *a, bool bearer, render_fn render,
		   const char *render_key, const char *how);

/* Checks a new password against the policy and its confirmation; responds on failure. */
bool login_check_new_password(http_request *r, const char *pw, const char *confirm,
			      const char *phone, const char *id_number, const char *field,
			      const char *confirm_field);

/* Old password + new twice for the session's own account (worker or staff); ends the
 * account's other sessions. Responds in every case. */
void login_change_password(http_request *r, subject_kind kind);

/* The worker as the sites show it (phone and ID number masked, membership, open 入会
 * application): written by write_worker on the hot reads (GET /account, GET /session);
 * render_worker gives the same object as a jansson value for answers built with jansson. */
void write_worker(jsonw *w, http_request *r, const account_row *a);
json_t *render_worker(http_request *r, const account_row *a);
json_t *render_staff(http_request *r, const account_row *a);
#endif
