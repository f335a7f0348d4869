/* session.c — session start, lookup and end. */
#include "api/session.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "security/crypto.h"
#include "util/clock.h"

const char *session_cookie_name(subject_kind kind)
{
	return kind == SUBJECT_STAFF ? "gh_staff" : "gh_session";
}

bool session_start(http_request *r, subject_kind kind, int64_t subject_id, bool bearer,
		   json_t *body)
{
	char token[CRYPTO_TOKEN_LEN + 1];
	unsigned char hash[CRYPTO_HASH_LEN];
	session_row s = {.kind = kind, .subject_id = subject_id, .bearer = bearer};
	crypto_token(token);
	crypto_token(s.csrf_token);
	crypto_secret_hash(token, hash);
	s.created_at = s.last_seen = clock_now();
	if (store_session_create(r->db, hash, &s, r->client) != STORE_OK)
		return false;
	if (bearer)
		json_object_set_new(body, "token", json_string(token));
	else
		res_cookie(r, session_cookie_name(kind), token, SESSION_ABSOLUTE_S,
			   APP.secure_cookies);
	json_object_set_new(body, "csrf_token", json_string(s.csrf_token));
	memcpy(r->session_hash, hash, sizeof(hash));
	r->has_session = true;
	r->subject_kind = kind;
	r->subject_id = subject_id;
	r->via_bearer = bearer;
	snprintf(r->csrf_token, sizeof(r->csrf_token), "%s", s.csrf_token);
	return true;
}

bool session_resolve(http_request *r, subject_kind kind)
{
	const char *auth = req_header(r, "Authorization");
	const char *token = NULL;
	bool bearer = false;
	if (auth && strncmp(auth, "Bearer ", 7) == 0) {
		token = auth + 7;
		bearer = true;
	} else {
		token = req_cookie(r, session_cookie_name(kind));
	}
	if (!token || strlen(token) != CRYPTO_TOKEN_LEN)
		return false;
	unsigned char hash[CRYPTO_HASH_LEN];
	session_row s;
	session_due due;
	crypto_secret_hash(token, hash);
	store_rc rc = store_session_read(r->db, hash, kind, clock_now(), SESSION_IDLE_S,
					 SESSION_ABSOLUTE_S, &s, &due);
	if (due == SESSION_DUE_DELETE) {
		memcpy(r->session_hash, hash, sizeof(hash));
		r->session_due = due;
	}
	/* A cookie session's token is never accepted as a bearer token and vice versa. */
	if (rc != STORE_OK || s.bearer != bearer)
		return false;
	memcpy(r->session_hash, hash, sizeof(hash));
	r->session_due = due;
	r->has_session = true;
	r->subject_kind = kind;
	r->subject_id = s.subject_id;
	r->via_bearer = bearer;
	snprintf(r->csrf_token, sizeof(r->csrf_token), "%s", s.csrf_token);
	return true;
}

void session_settle(http_request *r)
{
	if (r->session_due == SESSION_DUE_DELETE)
		store_session_delete(r->db, r->session_hash);
	else if (r->session_due == SESSION_DUE_TOUCH)
		store_session_touch(r->db, r->session_hash, clock_now());
	r->session_due = SESSION_DUE_NONE;
}

void session_end(http_request *r)
{
	if (r->has_session)
		store_session_delete(r->db, r->session_hash);
	if (!r->via_bearer)
		res_cookie(r, session_cookie_name((subject_kind)r->subject_kind), "", 0,
			   APP.secure_cookies);
	r->has_session = false;
}
