/* auth.c — worker login and registration (登录与注册): SMS login, 信息完善, password login,
 * logout, and the session probe the sites start with. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/login.h"
#include "api/session.h"
#include "domain/idcard.h"
#include "domain/password_policy.h"
#include "domain/phone.h"
#include "security/crypto.h"
#include "security/password.h"
#include "util/clock.h"

static bool wants_bearer(const form_value *client)
{
	return client->present && strcmp(client->s, "app") == 0;
}

void h_session_get(http_request *r)
{
	account_row a;
	bool in = r->has_session &&
		  store_account_get(r->db, SUBJECT_WORKER, r->subject_id, &a) == STORE_OK;
	jsonw w;
	jsonw_init(&w, 512);
	jsonw_obj(&w);
	jsonw_kv_bool(&w, "authenticated", in);
	jsonw_kv_str_or_null(&w, "csrf_token", in ? r->csrf_token : NULL);
	jsonw_key(&w, "user");
	if (in)
		write_worker(&w, r, &a);
	else
		jsonw_null(&w);
	jsonw_obj_end(&w);
	res_jsonw(r, 200, &w);
}

void h_sms_code(http_request *r)
{
	static const field_spec spec[] = {
		{"phone", FIELD_PHONE, true, "手机号"},
		{"purpose", FIELD_TEXT, false, "用途"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (v[1].present && strcmp(v[1].s, CODE_LOGIN) != 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "purpose", "不支持的验证码用途");
		return;
	}
	/* Unknown phones get a code too: SMS login is how a worker registers. */
	codes_send(r, v[0].s, CODE_LOGIN, true);
}

void h_sms_login(http_request *r)
{
	static const field_spec spec[] = {
		{"phone", FIELD_PHONE, true, "手机号"},
		{"code", FIELD_CODE6, true, "验证码"},
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!codes_consume(r, v[0].s, CODE_LOGIN, v[1].s)) {
		/* The wrong try must count: commit it before answering. */
		if (db_commit(r->db) != DB_OK)
			db_rollback(r->db);
		api_fail(r, ERR_CODE_INVALID, "code");
		return;
	}
	account_row a;
	store_rc rc = store_account_by_phone(r->db, SUBJECT_WORKER, v[0].s, &a);
	bool ok = false;
	if (rc == STORE_OK) {
		ok = login_succeed(r, &a, wants_bearer(&v[2]), render_worker, "user", "login.sms");
	} else if (rc == STORE_NOTFOUND) {
		char token[CRYPTO_TOKEN_LEN + 1];
		unsigned char hash[CRYPTO_HASH_LEN];
		crypto_token(token);
		crypto_secret_hash(token, hash);
		ok = store_phone_proof_create(r->db, hash, v[0].s, "register",
					      clock_now() + PHONE_PROOF_TTL_S) == STORE_OK;
		if (ok)
			res_json(r, 200, json_pack("{s:s, s:s}", "status", "profile_required",
						   "registration_token", token));
	}
	if (!ok || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		r->nset_cookies = 0;
		api_fail(r, ERR_UNAVAILABLE, NULL);
	}
}

/* Parses and checks the ID number against today's date; responds on failure. */
static bool parse_id(http_request *r, const char *s, idcard *out)
{
	int y, m, d;
	clock_date(clock_now(), &y, &m, &d);
	idcard_status st = domain_idcard_parse(s, strlen(s), y, m, d, out);
	if (st != IDCARD_OK) {
		api_fail_msg(r, ERR_INVALID_FIELD, "id_number", domain_idcard_message(st));
		return false;
	}
	return true;
}

typedef struct registration {
	const char *phone, *name, *password_hash;
	idcard id;
} registration;

/* Inside a write transaction: creates the worker, records consent, starts the session. */
static store_rc register_worker(http_request *r, const registration *g, bool bearer,
				api_error *why)
{
	unsigned char index[CRYPTO_HASH_LEN], cipher[18 + CRYPTO_FIELD_OVERHEAD];
	char masked[19], birth[11];
	int64_t now = clock_now(), id = 0;
	crypto_blind_index("worker.id_number", g->id.number, index);
	crypto_field_encrypt(g->id.number, 18, "worker.id_number", cipher);
	domain_idcard_mask(g->id.number, masked);
	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", g->id.birth_year, g->id.birth_month,
		 g->id.birth_day);
	worker_new w = {.phone = g->phone,
			.name = g->name,
			.id_masked = masked,
			.birth_date = birth,
			.password_hash = g->password_hash,
			.id_cipher = cipher,
			.id_cipher_len = sizeof(cipher),
			.id_index = index,
			.gender = g->id.male ? 1 : 2};
	store_rc rc = store_worker_create(r->db, &w, now, &id);
	if (rc == STORE_CONFLICT) {
		account_row other;
		*why = store_worker_by_id_index(r->db, index, &other) == STORE_OK ? ERR_ID_TAKEN
										   : ERR_PHONE_TAKEN;
		return rc;
	}
	account_row a;
	if (rc == STORE_OK)
		rc = store_consent_add(r->db, SUBJECT_WORKER, id, "privacy", PRIVACY_NOTICE_VERSION,
				       r->client, now);
	if (rc == STORE_OK)
		rc = store_audit(r->db, "worker", id, "account.register", NULL, r->client, NULL,
				 now);
	if (rc == STORE_OK)
		rc = store_account_get(r->db, SUBJECT_WORKER, id, &a);
	if (rc == STORE_OK && !login_succeed(r, &a, bearer, render_worker, "user", "login.register"))
		rc = STORE_ERR;
	*why = ERR_UNAVAILABLE;
	return rc;
}

void h_register(http_request *r)
{
	static const field_spec spec[] = {
		{"registration_token", FIELD_TOKEN, true, "注册凭证"},
		{"name", FIELD_NAME, true, "姓名"},
		{"id_number", FIELD_IDNUMBER, true, "身份证号"},
		{"password", FIELD_SECRET, true, "密码"},
		{"password_confirm", FIELD_SECRET, true, "确认密码"},
		{"privacy_consent", FIELD_BOOL, false, "隐私政策同意"},
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	registration g = {0};
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !parse_id(r, v[2].s, &g.id))
		return;
	if (!v[5].b) {
		api_fail(r, ERR_CONSENT_REQUIRED, "privacy_consent");
		return;
	}
	unsigned char proof[CRYPTO_HASH_LEN], index[CRYPTO_HASH_LEN];
	char phone[16];
	account_row other;
	crypto_secret_hash(v[0].s, proof);
	if (store_phone_proof_peek(r->db, proof, "register", clock_now(), phone) != STORE_OK) {
		api_fail(r, ERR_TOKEN_INVALID, "registration_token");
		return;
	}
	if (!login_check_new_password(r, v[3].s, v[4].s, phone, g.id.number, "password",
				"password_confirm"))
		return;
	crypto_blind_index("worker.id_number", g.id.number, index);
	if (store_worker_by_id_index(r->db, index, &other) == STORE_OK) {
		api_fail(r, ERR_ID_TAKEN, "id_number");
		return;
	}
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(v[3].s, hash) != 0) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	g.phone = phone;
	g.name = v[1].s;
	g.password_hash = hash;
	api_error why = ERR_UNAVAILABLE;
	store_rc rc = db_begin(r->db, true) == DB_OK ? STORE_OK : STORE_ERR;
	if (rc == STORE_OK &&
	    store_phone_proof_consume(r->db, proof, "register", clock_now(), phone) != STORE_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_TOKEN_INVALID, "registration_token");
		return;
	}
	if (rc == STORE_OK)
		rc = register_worker(r, &g, wants_bearer(&v[6]), &why);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		r->nset_cookies = 0;
		api_fail(r, why, why == ERR_ID_TAKEN ? "id_number" : NULL);
		return;
	}
	r->status = 201;
}

/* Finds the worker by phone or ID number; returns false when none matches. */
static bool find_by_username(http_request *r, const char *username, account_row *a)
{
	if (domain_phone_valid(username, strlen(username)))
		return store_account_by_phone(r->db, SUBJECT_WORKER, username, a) == STORE_OK;
	idcard id;
	int y, m, d;
	clock_date(clock_now(), &y, &m, &d);
	if (domain_idcard_parse(username, strlen(username), y, m, d, &id) != IDCARD_OK)
		return false;
	unsigned char index[CRYPTO_HASH_LEN];
	crypto_blind_index("worker.id_number", id.number, index);
	return store_worker_by_id_index(r->db, index, a) == STORE_OK;
}

void h_password_login(http_request *r)
{
	static const field_spec spec[] = {
		{"username", FIELD_USERNAME, true, "证件号码或手机号码"},
		{"password", FIELD_SECRET, true, "密码"},
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	account_row a;
	bool found = find_by_username(r, v[0].s, &a);
	login_password(r, SUBJECT_WORKER, found ? &a : NULL, v[1].s, wants_bearer(&v[2]),
		       render_worker, "user");
}

void h_logout(http_request *r)
{
	store_audit(r->db, "worker", r->subject_id, "logout", NULL, r->client, NULL, clock_now());
	session_end(r);
	res_json(r, 204, NULL);
}
