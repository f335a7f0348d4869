/* codes.c — SMS codes: 6 CSPRNG digits, hashed with their phone and purpose, 5 minutes. */
#include "api/codes.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "security/crypto.h"
#include "store/store.h"
#include "util/clock.h"

static const sms_limits limits = {
	.interval_s = CODE_RESEND_S, .per_hour = 5, .per_day = 10, .per_client_hour = 20};
/* A staff login code goes out only after the right password. A reviewer logs in again after
 * every 30 idle minutes, so a day allows more; and the per-address cap must not stop a union
 * office behind one address (the failed-login cap guards the password step): staff sends count
 * under their own address key and neither use up nor meet the workers' cap. */
static const sms_limits staff_limits = {
	.interval_s = CODE_RESEND_S, .per_hour = 5, .per_day = 20, .per_client_hour = 100};

static void code_hash(const char *purpose, const char *phone, const char *code,
		      unsigned char out[CRYPTO_HASH_LEN])
{
	char material[96];
	snprintf(material, sizeof(material), "sms:%s:%s:%s", purpose, phone, code);
	crypto_secret_hash(material, out);
}

static const char *purpose_text(const char *purpose)
{
	if (strcmp(purpose, CODE_CHANGE_PHONE) == 0)
		return "更换绑定手机";
	if (strcmp(purpose, CODE_RESET) == 0)
		return "找回密码";
	if (strcmp(purpose, CODE_APPEAL) == 0)
		return "人工申诉";
	if (strcmp(purpose, CODE_STAFF_LOGIN) == 0)
		return "后台登录";
	return "登录";
}

store_rc codes_issue(http_request *r, const char *phone, const char *purpose, bool deliver,
		     int64_t *retry_after)
{
	int64_t now = clock_now();
	bool staff = strcmp(purpose, CODE_STAFF_LOGIN) == 0;
	const char *client = staff ? arena_printf(&r->mem, "staff:%s", r->client) : r->client;
	store_rc rc = store_sms_send_record(r->db, phone, client, now,
					    staff ? &staff_limits : &limits, retry_after);
	if (rc != STORE_OK || !deliver)
		return rc;
	char code[8], text[256];
	unsigned char hash[CRYPTO_HASH_LEN];
	crypto_digits(code, 6);
	code_hash(purpose, phone, code, hash);
	snprintf(text, sizeof(text),
		 "【%s】您的%s验证码为%s，5分钟内有效。请勿泄露给他人，工作人员不会向您索要验证码。",
		 APP.cfg->sms_sign, purpose_text(purpose), code);
	rc = store_sms_code_create(r->db, phone, purpose, hash, now, SMS_CODE_TTL_S);
	if (rc == STORE_OK)
		rc = store_outbox_add(r->db, "sms", phone, "", text, true, now);
	return rc;
}

bool codes_sent(http_request *r, store_rc rc, int64_t retry_after)
{
	if (rc == STORE_LIMITED) {
		db_rollback(r->db);
		api_fail_retry(r, ERR_SMS_RATE_LIMITED, retry_after);
		return false;
	}
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	return true;
}

void codes_send(http_request *r, const char *phone, const char *purpose, bool deliver)
{
	int64_t retry = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_rc rc = codes_issue(r, phone, purpose, deliver, &retry);
	if (codes_sent(r, rc, retry))
		codes_answer_sent(r);
}

void codes_answer_sent(http_request *r)
{
	res_json(r, 202, json_pack("{s:b, s:i}", "sent", 1, "resend_after", CODE_RESEND_S));
}

bool codes_consume(http_request *r, const char *phone, const char *purpose, const char *code)
{
	unsigned char hash[CRYPTO_HASH_LEN];
	code_hash(purpose, phone, code, hash);
	return store_sms_code_consume(r->db, phone, purpose, hash, clock_now(),
				      SMS_CODE_MAX_TRIES) == STORE_OK;
}

bool codes_notify(http_request *r, const char *phone, const char *text)
{
	const char *full = arena_printf(&r->mem, "【%s】%s", APP.cfg->sms_sign, text);
	return store_outbox_add(r->db, "sms", phone, "", full, false, clock_now()) == STORE_OK;
}
