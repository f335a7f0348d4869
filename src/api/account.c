/* account.c — the worker's own account (账号安全): profile, password, bound phone. The
 * password change is shared with staff accounts. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/login.h"
#include "security/crypto.h"
#include "security/password.h"
#include "util/clock.h"

/* Loads the session's own account; responds 401 when it is gone. */
static bool own_account(http_request *r, subject_kind kind, account_row *a)
{
	if (store_account_get(r->db, kind, r->subject_id, a) != STORE_OK) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	return true;
}

void h_account_get(http_request *r)
{
	account_row a;
	if (!own_account(r, SUBJECT_WORKER, &a))
		return;
	jsonw w;
	jsonw_init(&w, 512);
	jsonw_obj(&w);
	jsonw_key(&w, "user");
	write_worker(&w, r, &a);
	jsonw_obj_end(&w);
	res_jsonw(r, 200, &w);
}

/* Old password, new one twice; ends the account's other sessions. */
void login_change_password(http_request *r, subject_kind kind)
{
	static const field_spec spec[] = {
		{"old_password", FIELD_SECRET, true, "原密码"},
		{"new_password", FIELD_SECRET, true, "新密码"},
		{"new_password_confirm", FIELD_SECRET, true, "确认新密码"},
	};
	form_value v[FORM_LEN(spec)];
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !own_account(r, kind, &a))
		return;
	char id_number[32] = "";
	if (kind == SUBJECT_WORKER)
		crypto_field_decrypt(a.id_cipher, a.id_cipher_len, "worker.id_number", id_number,
				     sizeof(id_number));
	if (!login_check_new_password(r, v[1].s, v[2].s, a.phone, *id_number ? id_number : NULL,
				      "new_password", "new_password_confirm"))
		return;
	if (!password_verify(a.password_hash, v[0].s)) {
		api_fail(r, ERR_OLD_PASSWORD, "old_password");
		return;
	}
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(v[1].s, hash) != 0 || db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	int64_t now = clock_now();
	const char *actor = kind == SUBJECT_STAFF ? "staff" : "worker";
	if (store_account_set_password(r->db, kind, a.id, hash, now) != STORE_OK ||
	    store_session_delete_others(r->db, kind, a.id, r->session_hash) != STORE_OK ||
	    store_audit(r->db, actor, a.id, "account.password", NULL, r->client, NULL, now) !=
		    STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void h_account_password(http_request *r)
{
	login_change_password(r, SUBJECT_WORKER);
}

void h_account_phone_code(http_request *r)
{
	static const field_spec spec[] = {{"phone", FIELD_PHONE, true, "新手机号"}};
	form_value v[FORM_LEN(spec)];
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !own_account(r, SUBJECT_WORKER, &a))
		return;
	if (strcmp(a.phone, v[0].s) == 0) {
		api_fail(r, ERR_SAME_PHONE, "phone");
		return;
	}
	codes_send(r, v[0].s, CODE_CHANGE_PHONE, true);
}

void h_account_phone(http_request *r)
{
	static const field_spec spec[] = {
		{"password", FIELD_SECRET, true, "登录密码"},
		{"phone", FIELD_PHONE, true, "新手机号"},
		{"code", FIELD_CODE6, true, "验证码"},
	};
	form_value v[FORM_LEN(spec)];
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !own_account(r, SUBJECT_WORKER, &a))
		return;
	if (strcmp(a.phone, v[1].s) == 0) {
		api_fail(r, ERR_SAME_PHONE, "phone");
		return;
	}
	if (!password_verify(a.password_hash, v[0].s)) {
		api_fail(r, ERR_OLD_PASSWORD, "password");
		return;
	}
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!codes_consume(r, v[1].s, CODE_CHANGE_PHONE, v[2].s)) {
		if (db_commit(r->db) != DB_OK)
			db_rollback(r->db);
		api_fail(r, ERR_CODE_INVALID, "code");
		return;
	}
	int64_t now = clock_now();
	store_rc rc = store_worker_set_phone(r->db, a.id, v[1].s, now);
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		api_fail(r, ERR_PHONE_TAKEN, "phone");
		return;
	}
	if (rc != STORE_OK ||
	    store_audit(r->db, "worker", a.id, "account.phone", NULL, r->client, NULL, now) !=
		    STORE_OK ||
	    !codes_notify(r, a.phone, "您的账号绑定手机号已变更。如非本人操作，请立即通过人工申诉找回账号。") ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	snprintf(a.phone, sizeof(a.phone), "%s", v[1].s);
	res_json(r, 200, json_pack("{s:o}", "user", render_worker(r, &a)));
}
