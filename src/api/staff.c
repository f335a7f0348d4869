/* staff.c — back-office (/admin) login for staff accounts (工作人员): the password, then an SMS
 * code to the staff phone (the second factor); logout and password change. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/login.h"
#include "api/session.h"
#include "domain/phone.h"
#include "security/crypto.h"
#include "util/clock.h"

void h_staff_session_get(http_request *r)
{
	account_row a;
	if (!r->has_session || store_account_get(r->db, SUBJECT_STAFF, r->subject_id, &a) != STORE_OK ||
	    a.disabled) {
		res_json(r, 200, json_pack("{s:b, s:n, s:n}", "authenticated", 0, "csrf_token",
					   "staff"));
		return;
	}
	res_json(r, 200, json_pack("{s:b, s:s, s:o}", "authenticated", 1, "csrf_token",
				   r->csrf_token, "staff", render_staff(r, &a)));
}

/* The second factor (SPEC §3 sessions, issue 7): a right password makes no session but a
 * challenge — 256 random bits, only their keyed hash stored, bound to the staff member, one
 * use, expiring with its SMS code, ended by the 5th wrong code — and an SMS code to the staff
 * phone. The challenge and the code together make the session. */
static void challenge_hash(const char *token, unsigned char out[CRYPTO_HASH_LEN])
{
	char material[160];
	snprintf(material, sizeof(material), "staff-login:%s", token);
	crypto_secret_hash(material, out);
}

void h_staff_login(http_request *r)
{
	static const field_spec spec[] = {
		{"phone", FIELD_PHONE, true, "手机号"},
		{"password", FIELD_SECRET, true, "密码"},
		/* accepted and unused: the session kind is chosen at verify */
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	account_row a;
	bool found = store_account_by_phone(r->db, SUBJECT_STAFF, v[0].s, &a) == STORE_OK;
	char rehash[PASSWORD_HASH_LEN];
	if (!login_check_password(r, found ? &a : NULL, v[1].s, rehash))
		return;
	char token[CRYPTO_TOKEN_LEN + 1];
	unsigned char hash[CRYPTO_HASH_LEN];
	crypto_token(token);
	challenge_hash(token, hash);
	int64_t now = clock_now(), retry = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_rc rc = *rehash ? store_account_set_password(r->db, SUBJECT_STAFF, a.id, rehash, now)
			      : STORE_OK;
	if (rc == STORE_OK)
		rc = store_account_login_ok(r->db, SUBJECT_STAFF, a.id);
	if (rc == STORE_OK)
		rc = codes_issue(r, a.phone, CODE_STAFF_LOGIN, true, &retry);
	if (rc == STORE_OK)
		rc = store_staff_challenge_create(r->db, hash, a.id, now, SMS_CODE_TTL_S);
	if (rc == STORE_OK)
		rc = store_audit(r->db, "staff", a.id, "login.password_ok", NULL, r->client, NULL,
				 now);
	if (!codes_sent(r, rc, retry))
		return;
	char phone[12];
	domain_phone_mask(a.phone, phone);
	res_json(r, 200, json_pack("{s:s, s:s, s:s, s:i}", "second_factor", "sms", "challenge",
				   token, "phone_masked", phone, "resend_after", CODE_RESEND_S));
}

/* Inside the caller's write transaction: the staff member behind a live challenge, who may
 * still log in. Otherwise ends the transaction, responds and returns false. */
static bool challenge_staff(http_request *r, const unsigned char hash[CRYPTO_HASH_LEN],
			    account_row *a)
{
	int64_t now = clock_now(), id = 0;
	store_rc rc = store_staff_challenge_get(r->db, hash, now, &id);
	if (rc == STORE_OK)
		rc = store_account_get(r->db, SUBJECT_STAFF, id, a);
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc == STORE_ERR)
			api_fail(r, ERR_UNAVAILABLE, NULL);
		else
			api_fail(r, ERR_CHALLENGE_EXPIRED, "challenge");
		return false;
	}
	if (a->disabled) {
		/* Disabled between the steps: the answer a password login gets now. */
		bool ended = store_staff_challenge_end(r->db, hash) == STORE_OK &&
			     db_commit(r->db) == DB_OK;
		if (!ended)
			db_rollback(r->db);
		api_fail(r, ended ? ERR_INVALID_CREDENTIALS : ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (a->locked_until > now) {
		db_rollback(r->db);
		api_fail_retry(r, ERR_ACCOUNT_LOCKED, a->locked_until - now);
		return false;
	}
	return true;
}

/* Parses {"challenge", …} with spec, opens a write transaction and loads the challenge's staff
 * member; responds and returns false otherwise. */
static bool open_challenge(http_request *r, const field_spec *spec, int n, form_value *v,
			   unsigned char hash[CRYPTO_HASH_LEN], account_row *a)
{
	if (!form_parse(r, spec, n, v))
		return false;
	challenge_hash(v[0].s, hash);
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	return challenge_staff(r, hash, a);
}

void h_staff_login_verify(http_request *r)
{
	static const field_spec spec[] = {
		{"challenge", FIELD_TOKEN, true, "登录验证"},
		{"code", FIELD_CODE6, true, "验证码"},
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	unsigned char hash[CRYPTO_HASH_LEN];
	account_row a;
	if (login_client_blocked(r) || !open_challenge(r, spec, FORM_LEN(spec), v, hash, &a))
		return;
	int64_t now = clock_now();
	if (!codes_consume(r, a.phone, CODE_STAFF_LOGIN, v[1].s)) {
		/* A wrong code counts for the challenge and for the address's failed logins (not
		 * for the account's password lockout); committed before answering. */
		bool ended = false;
		bool ok = store_staff_challenge_wrong(r->db, hash, SMS_CODE_MAX_TRIES, &ended) ==
				  STORE_OK &&
			  store_login_failure_add(r->db, r->client, now) == STORE_OK &&
			  store_audit(r->db, "staff", a.id, "login.2fa_failed", NULL, r->client,
				      ended ? "challenge ended" : NULL, now) == STORE_OK &&
			  db_commit(r->db) == DB_OK;
		if (!ok) {
			db_rollback(r->db);
			api_fail(r, ERR_UNAVAILABLE, NULL);
		} else if (ended) {
			api_fail_msg(r, ERR_CHALLENGE_EXPIRED, "challenge",
				     "验证码错误次数过多，请重新输入密码登录");
		} else {
			api_fail(r, ERR_CODE_INVALID, "code");
		}
		return;
	}
	store_rc rc = store_staff_challenge_use(r->db, hash, now);
	if (rc == STORE_NOTFOUND) { /* another request used it meanwhile */
		db_rollback(r->db);
		api_fail(r, ERR_CHALLENGE_EXPIRED, "challenge");
		return;
	}
	bool bearer = v[2].present && strcmp(v[2].s, "app") == 0;
	if (rc != STORE_OK || !login_succeed(r, &a, bearer, render_staff, "staff", "login.2fa") ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		r->nset_cookies = 0;
		api_fail(r, ERR_UNAVAILABLE, NULL);
	}
}

void h_staff_login_resend(http_request *r)
{
	static const field_spec spec[] = {{"challenge", FIELD_TOKEN, true, "登录验证"}};
	form_value v[FORM_LEN(spec)];
	unsigned char hash[CRYPTO_HASH_LEN];
	account_row a;
	int64_t retry = 0;
	if (!open_challenge(r, spec, FORM_LEN(spec), v, hash, &a))
		return;
	store_rc rc = codes_issue(r, a.phone, CODE_STAFF_LOGIN, true, &retry);
	if (rc == STORE_OK)
		rc = store_staff_challenge_extend(r->db, hash, clock_now(), SMS_CODE_TTL_S);
	if (rc == STORE_NOTFOUND) {
		db_rollback(r->db);
		api_fail(r, ERR_CHALLENGE_EXPIRED, "challenge");
		return;
	}
	if (codes_sent(r, rc, retry))
		codes_answer_sent(r);
}

void h_staff_logout(http_request *r)
{
	store_audit(r->db, "staff", r->subject_id, "logout", NULL, r->client, NULL, clock_now());
	session_end(r);
	res_json(r, 204, NULL);
}

void h_staff_password(http_request *r)
{
	login_change_password(r, SUBJECT_STAFF);
}
