/* login.c — password login for both kinds of account, and how accounts are shown. */
#include "api/login.h"

#include <stdio.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/rosters.h"
#include "api/session.h"
#include "domain/password_policy.h"
#include "domain/phone.h"
#include "security/password.h"
#include "util/clock.h"
#include "util/log.h"

void write_worker(jsonw *w, http_request *r, const account_row *a)
{
	char phone[12];
	membership_row m;
	app_item open;
	domain_phone_mask(a->phone, phone);
	bool member = store_membership_current(r->db, a->id, &m) == STORE_OK;
	bool join_open = store_app_open_item(r->db, &r->mem, a->id, "join", &open) == STORE_OK;
	jsonw_obj(w);
	jsonw_kv_int(w, "id", a->id);
	jsonw_kv_str(w, "name", a->name);
	jsonw_kv_str(w, "phone", phone);
	jsonw_kv_str(w, "id_number", a->id_masked);
	jsonw_kv_str(w, "gender", a->gender == 1 ? "男" : "女");
	jsonw_kv_str(w, "birth_date", a->birth_date);
	jsonw_kv_str_or_null(w, "email", *a->email ? a->email : NULL);
	jsonw_kv_bool(w, "is_member", member);
	jsonw_key(w, "join_open");
	if (join_open) {
		jsonw_obj(w);
		jsonw_kv_int(w, "id", open.id);
		jsonw_kv_str(w, "ref", open.ref);
		jsonw_kv_str(w, "status", open.status);
		jsonw_obj_end(w);
	} else {
		jsonw_null(w);
	}
	jsonw_obj_end(w);
}

json_t *render_worker(http_request *r, const account_row *a)
{
	jsonw w;
	jsonw_init(&w, 512);
	write_worker(&w, r, a);
	json_t *user = json_loadb(w.out.data, w.out.len, 0, NULL);
	jsonw_free(&w);
	return user;
}

json_t *render_staff(http_request *r, const account_row *a)
{
	char phone[12];
	org_row org = {0};
	domain_phone_mask(a->phone, phone);
	store_org_get(r->db, a->org_id, &org);
	return json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s, s:s}}", "id", (json_int_t)a->id,
			 "name", a->name, "phone", phone, "role", a->role, "org", "id",
			 (json_int_t)org.id, "code", org.code, "name", org.name);
}

bool login_client_blocked(http_request *r)
{
	int64_t n = 0;
	if (store_login_failures_count(r->db, r->client, clock_now() - 3600, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return true;
	}
	if (n >= LOGIN_FAILURES_PER_CLIENT_HOUR) {
		api_fail_retry(r, ERR_RATE_LIMITED, 3600);
		return true;
	}
	return false;
}

bool login_succeed(http_request *r, const account_row *a, bool bearer, render_fn render,
		   const char *render_key, const char *how)
{
	json_t *body = json_pack("{s:s}", "status", "ok");
	/* A worker meets the offline roster at every login (SMS, 信息完善, password). */
	if ((a->kind == SUBJECT_WORKER && !roster_link_worker(r, a)) ||
	    !session_start(r, a->kind, a->id, bearer, body) ||
	    store_account_login_ok(r->db, a->kind, a->id) != STORE_OK ||
	    store_audit(r->db, a->kind == SUBJECT_STAFF ? "staff" : "worker", a->id, how, NULL,
			r->client, NULL, clock_now()) != STORE_OK) {
		json_decref(body);
		return false;
	}
	json_object_set_new(body, render_key, render(r, a));
	res_json(r, 200, body);
	return true;
}

static void record_failure(http_request *r, const account_row *a)
{
	bool locked = false;
	int64_t now = clock_now();
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_rc rc = store_login_failure_add(r->db, r->client, now);
	if (rc == STORE_OK && a)
		rc = store_account_login_failed(r->db, a->kind, a->id, LOGIN_LOCK_AFTER, now,
						LOGIN_LOCK_S, &locked);
	if (rc == STORE_OK && a)
		rc = store_audit(r->db, a->kind == SUBJECT_STAFF ? "staff" : "worker", a->id,
				 locked ? "login.locked" : "login.failed", NULL, r->client, NULL,
				 now);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (locked)
		api_fail_retry(r, ERR_ACCOUNT_LOCKED, LOGIN_LOCK_S);
	else
		api_fail(r, ERR_INVALID_CREDENTIALS, NULL);
}

bool login_check_password(http_request *r, const account_row *a, const char *password,
			  char rehash[PASSWORD_HASH_LEN])
{
	int64_t now = clock_now();
	rehash[0] = '\0';
	if (login_client_blocked(r))
		return false;
	if (a && a->locked_until > now) {
		api_fail_retry(r, ERR_ACCOUNT_LOCKED, a->locked_until - now);
		return false;
	}
	bool ok;
	if (a && !a->disabled) {
		ok = password_verify(a->password_hash, password);
	} else {
		password_verify_dummy(password); /* the same work whether or not the account exists */
		ok = false;
	}
	if (!ok) {
		record_failure(r, a && !a->disabled ? a : NULL);
		return false;
	}
	if (password_needs_rehash(a->password_hash) && password_hash(password, rehash) != 0)
		rehash[0] = '\0';
	return true;
}

void login_password(http_request *r, subject_kind kind, const account_row *a, const char *password,
		    bool bearer, render_fn render, const char *render_key)
{
	char rehash[PASSWORD_HASH_LEN];
	if (!login_check_password(r, a, password, rehash))
		return;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool done = (!*rehash || store_account_set_password(r->db, kind, a->id, rehash,
							    clock_now()) == STORE_OK) &&
		    login_succeed(r, a, bearer, render, render_key, "login.password");
	if (!done || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		r->nset_cookies = 0;
		api_fail(r, ERR_UNAVAILABLE, NULL);
	}
}

/* Checks the new password against the policy and its confirmation; responds on failure. */
bool login_check_new_password(http_request *r, const char *pw, const char *confirm,
			      const char *phone, const char *id_number, const char *field,
			      const char *confirm_field)
{
	password_status ps = domain_password_check(pw, strlen(pw), phone, id_number);
	if (ps != PASSWORD_OK) {
		api_fail_msg(r, ERR_INVALID_FIELD, field, domain_password_message(ps));
		return false;
	}
	if (strcmp(pw, confirm) != 0) {
		api_fail(r, ERR_PASSWORD_MISMATCH, confirm_field);
		return false;
	}
	return true;
}
