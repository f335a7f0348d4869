/* session.h — login sessions for the API: a 256-bit token in an HttpOnly cookie (browsers) or
 * a bearer token (APP clients); only its keyed hash is stored. */
#ifndef GONGHUI_API_SESSION_H
#define GONGHUI_API_SESSION_H
#include <jansson.h>
#include <stdbool.h>

#include "http/request.h"
#include "store/store.h"

/* Inside the caller's transaction: creates the session and either sets the cookie or adds
 * "token" to body; always adds "csrf_token". Returns false on a storage error. */
bool session_start(http_request *r, subject_kind kind, int64_t subject_id, bool bearer,
		   json_t *body);
/* Looks up the request's session of that kind (bearer header first, then cookie) and fills
 * r->subject_*; false when there is none or it expired. Only reads (it may run inside the
 * request's read transaction): the write it leaves due, if any, is session_settle's. */
bool session_resolve(http_request *r, subject_kind kind);
/* Outside any read transaction: deletes the expired session or refreshes last_seen when
 * session_resolve found that due (at most once a minute per session). */
void session_settle(http_request *r);
/* Deletes the current session and clears the cookie. */
void session_end(http_request *r);
const char *session_cookie_name(subject_kind kind);
#endif
