/* recover.c — 忘记密码 (SPEC §3): the image captcha, 【下一步】 from a username, and the three
 * ways behind 【立即找回】 — phone (SMS code to the bound phone), e-mail (a reset link with the
 * token in the URL fragment) and 人工申诉 (an appeal with ID-card photos that a platform admin
 * decides). The pages after 【下一步】 behave the same whether or not the username exists.
 * Also the e-mail binding of the personal centre. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/login.h"
#include "domain/idcard.h"
#include "domain/phone.h"
#include "security/captcha.h"
#include "security/crypto.h"
#include "security/password.h"
#include "util/clock.h"

enum {
	CAPTCHA_TTL_S = 5 * 60,
	CAPTCHAS_PER_CLIENT_HOUR = 100,
	RECOVERY_TTL_S = 30 * 60,
	RESET_LINK_TTL_S = 30 * 60,
	EMAIL_VERIFY_TTL_S = 24 * 3600,
	PHOTO_MAX = 5 * 1024 * 1024,
	PHOTOS_MAX = 2,
};

static void captcha_hashes(const char *id, const char *answer, unsigned char idh[CRYPTO_HASH_LEN],
			   unsigned char ah[CRYPTO_HASH_LEN])
{
	char material[160];
	snprintf(material, sizeof(material), "captcha:%s", id);
	crypto_secret_hash(material, idh);
	snprintf(material, sizeof(material), "captcha-answer:%s:%s", id, answer);
	crypto_secret_hash(material, ah);
}

/* Test mode only: the answer goes to DATA_DIR/captcha.jsonl for browser tests. */
static void captcha_test_hook(const char *id, const char *answer)
{
	if (APP.cfg->mode != MODE_TEST)
		return;
	char path[4096], at[32], line[256];
	clock_iso8601(clock_now(), at);
	snprintf(path, sizeof(path), "%s/captcha.jsonl", APP.cfg->data_dir);
	snprintf(line, sizeof(line), "{\"id\":\"%s\",\"answer\":\"%s\",\"at\":\"%s\"}\n", id, answer,
		 at);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ssize_t w = write(fd, line, strlen(line));
		(void)w;
		close(fd);
	}
}

void h_captcha_new(http_request *r)
{
	int64_t n = 0, now = clock_now();
	if (store_captcha_count(r->db, r->client, now - 3600, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (n >= CAPTCHAS_PER_CLIENT_HOUR) {
		api_fail_retry(r, ERR_RATE_LIMITED, 600);
		return;
	}
	char id[CRYPTO_TOKEN_LEN + 1], answer[CAPTCHA_CHARS + 1];
	unsigned char idh[CRYPTO_HASH_LEN], ah[CRYPTO_HASH_LEN];
	void *png = NULL;
	int len = 0;
	crypto_token(id);
	captcha_answer(answer);
	captcha_hashes(id, answer, idh, ah);
	if (captcha_render(answer, &png, &len) ||
	    store_captcha_create(r->db, idh, ah, r->client, now, CAPTCHA_TTL_S) != STORE_OK) {
		if (png)
			captcha_free(png);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	size_t b64len = sodium_base64_ENCODED_LEN((size_t)len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(&r->mem, b64len + 32);
	memcpy(b64, "data:image/png;base64,", 22);
	sodium_bin2base64(b64 + 22, b64len, png, (size_t)len, sodium_base64_VARIANT_ORIGINAL);
	captcha_free(png);
	captcha_test_hook(id, answer);
	res_json(r, 201, json_pack("{s:s, s:s, s:i}", "captcha_id", id, "image", b64, "expires_in",
				   CAPTCHA_TTL_S));
}

/* Checks and uses up the captcha (one use, right or wrong); responds on failure. */
static bool captcha_passes(http_request *r, const char *id, const char *typed)
{
	char answer[16];
	unsigned char idh[CRYPTO_HASH_LEN], ah[CRYPTO_HASH_LEN];
	bool ok = false;
	captcha_normalise(typed, answer, sizeof(answer));
	captcha_hashes(id, answer, idh, ah);
	if (store_captcha_consume(r->db, idh, ah, clock_now(), &ok) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (!ok)
		res_error(r, 400, "captcha_invalid", "图片验证码错误或已失效，请点击图片刷新后重新输入",
			  "captcha");
	return ok;
}

/* Finds the worker named by an ID number, phone or verified e-mail. */
static bool find_worker(http_request *r, const char *username, account_row *a)
{
	size_t n = strlen(username);
	if (domain_phone_valid(username, n))
		return store_account_by_phone(r->db, SUBJECT_WORKER, username, a) == STORE_OK;
	if (strchr(username, '@'))
		return store_worker_by_email(r->db, username, a) == STORE_OK;
	idcard id;
	int y, m, d;
	clock_date(clock_now(), &y, &m, &d);
	if (domain_idcard_parse(username, n, y, m, d, &id) != IDCARD_OK)
		return false;
	unsigned char idx[CRYPTO_HASH_LEN];
	crypto_blind_index("worker.id_number", id.number, idx);
	return store_worker_by_id_index(r->db, idx, a) == STORE_OK;
}

/* A username that matches nobody gets a stable stand-in, kept as a negative worker_id in the
 * recovery row, so that the send limits of the next pages count per username just as they count
 * per phone and per e-mail address for real accounts, and answer alike: -(the number) for a
 * phone (its limits are the phone's own, as for login codes), otherwise -(2^40 + 40 bits of a
 * keyed hash of the username). */
#define NOBODY_HASHED (INT64_C(1) << 40)

static int64_t nobody_id(const char *username)
{
	size_t n = strlen(username);
	if (domain_phone_valid(username, n))
		return -strtoll(username, NULL, 10);
	char material[300];
	idcard id;
	int y, m, d;
	clock_date(clock_now(), &y, &m, &d);
	if (domain_idcard_parse(username, n, y, m, d, &id) == IDCARD_OK)
		snprintf(material, sizeof(material), "recover-nobody:%s", id.number);
	else
		snprintf(material, sizeof(material), "recover-nobody:%s", username);
	unsigned char h[CRYPTO_HASH_LEN];
	crypto_secret_hash(material, h);
	int64_t v = 0;
	for (int i = 0; i < 5; i++)
		v = v << 8 | h[i];
	return -(NOBODY_HASHED + v);
}

/* The key the send limits count under when there is no account phone / verified e-mail:
 * channel "r" (SMS) or "m" (mail). */
static const char *limit_key(http_request *r, int64_t wid, const char *channel)
{
	if (wid > 0)
		return arena_printf(&r->mem, "%s:w%lld", channel, (long long)wid);
	if (-wid < NOBODY_HASHED && strcmp(channel, "r") == 0)
		return arena_printf(&r->mem, "%lld", (long long)-wid);
	return arena_printf(&r->mem, "%s:%llx", channel, (unsigned long long)-wid);
}

void h_recover_start(http_request *r)
{
	static const field_spec spec[] = {
		{"username", FIELD_TEXT, true, "用户名"},
		{"captcha_id", FIELD_TOKEN, true, "图片验证码"},
		{"captcha", FIELD_TEXT, true, "图片验证码"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (strlen(v[0].s) > 254) {
		api_fail_msg(r, ERR_INVALID_FIELD, "username", "请输入证件号码、手机号码或邮箱地址");
		return;
	}
	if (!captcha_passes(r, v[1].s, v[2].s))
		return;
	account_row a;
	bool found = find_worker(r, v[0].s, &a);
	char token[CRYPTO_TOKEN_LEN + 1];
	unsigned char hash[CRYPTO_HASH_LEN];
	crypto_token(token);
	crypto_secret_hash(token, hash);
	/* The same row and the same answer for a username that matches nobody. */
	if (store_recovery_create(r->db, hash, found ? a.id : nobody_id(v[0].s), clock_now(),
				  RECOVERY_TTL_S) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s, s:[s,s,s], s:i}", "recovery_token", token, "methods",
				   "phone", "email", "appeal", "expires_in", RECOVERY_TTL_S));
}

/* The worker behind a recovery token (≤ 0 for nobody); responds when the token is dead. */
static bool recovery_worker(http_request *r, const char *token, int64_t *worker_id)
{
	unsigned char hash[CRYPTO_HASH_LEN];
	crypto_secret_hash(token, hash);
	store_rc rc = store_recovery_get(r->db, hash, clock_now(), worker_id);
	if (rc == STORE_OK)
		return true;
	if (rc == STORE_ERR)
		api_fail(r, ERR_UNAVAILABLE, NULL);
	else
		res_error(r, 400, "recovery_expired", "找回密码已超时，请返回重新填写用户名",
			  "recovery_token");
	return false;
}

void h_recover_phone_code(http_request *r)
{
	static const field_spec spec[] = {
		{"recovery_token", FIELD_TOKEN, true, "找回凭证"},
		{"captcha_id", FIELD_TOKEN, true, "图片验证码"},
		{"captcha", FIELD_TEXT, true, "图片验证码"},
	};
	form_value v[FORM_LEN(spec)];
	int64_t wid = 0;
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !recovery_worker(r, v[0].s, &wid) ||
	    !captcha_passes(r, v[1].s, v[2].s))
		return;
	bool known = wid > 0 && store_account_get(r->db, SUBJECT_WORKER, wid, &a) == STORE_OK;
	codes_send(r, known ? a.phone : limit_key(r, wid, "r"), CODE_RESET, known);
}

/* Sets a new password: clears the lockout, ends every session, audit-logs. In a transaction. */
static bool apply_reset(http_request *r, int64_t worker_id, const char *hash, const char *how)
{
	int64_t now = clock_now();
	return store_account_set_password(r->db, SUBJECT_WORKER, worker_id, hash, now) == STORE_OK &&
	       store_session_delete_others(r->db, SUBJECT_WORKER, worker_id, NULL) == STORE_OK &&
	       store_recovery_delete_for(r->db, worker_id) == STORE_OK &&
	       store_audit(r->db, "worker", worker_id, how, NULL, r->client, NULL, now) == STORE_OK;
}

/* Policy check against the account's own phone and ID number; responds on failure. */
static bool new_password_ok(http_request *r, const account_row *a, const char *pw,
			    const char *confirm)
{
	char id[32] = "";
	if (a)
		crypto_field_decrypt(a->id_cipher, a->id_cipher_len, "worker.id_number", id,
				     sizeof(id));
	return login_check_new_password(r, pw, confirm, a ? a->phone : NULL, *id ? id : NULL,
					"new_password", "new_password_confirm");
}

void h_recover_phone_reset(http_request *r)
{
	static const field_spec spec[] = {
		{"recovery_token", FIELD_TOKEN, true, "找回凭证"},
		{"code", FIELD_CODE6, true, "短信验证码"},
		{"new_password", FIELD_SECRET, true, "新密码"},
		{"new_password_confirm", FIELD_SECRET, true, "确认新密码"},
	};
	form_value v[FORM_LEN(spec)];
	int64_t wid = 0;
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !recovery_worker(r, v[0].s, &wid))
		return;
	bool known = wid > 0 && store_account_get(r->db, SUBJECT_WORKER, wid, &a) == STORE_OK;
	/* The general rules first; the account's own phone and ID number only once the code is
	 * right (the code then stays unused), so that the answer tells nothing about who exists. */
	if (!new_password_ok(r, NULL, v[2].s, v[3].s))
		return;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool ok = codes_consume(r, known ? a.phone : "nobody", CODE_RESET, v[1].s);
	if (ok && known && !new_password_ok(r, &a, v[2].s, v[3].s)) {
		db_rollback(r->db);
		return;
	}
	if (db_commit(r->db) != DB_OK)
		db_rollback(r->db);
	if (!ok || !known) {
		api_fail(r, ERR_CODE_INVALID, "code");
		return;
	}
	char hash[PASSWORD_HASH_LEN];
	if (password_hash(v[2].s, hash) || db_begin(r->db, true) != DB_OK ||
	    !apply_reset(r, a.id, hash, "password.reset.phone") || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* The reset page on the site the request came from (phones get the H5 page). */
static const char *link_base(http_request *r)
{
	const char *ua = req_header(r, "User-Agent");
	bool phone = ua && (strstr(ua, "iPhone") || strstr(ua, "Android") || strstr(ua, "Mobile") ||
			    strstr(ua, "MicroMessenger"));
	return arena_printf(&r->mem, "%s/%s", APP.cfg->base_url, phone ? "h5" : "pc");
}

/* Queues a mail with a one-use link; the token is only ever in the URL fragment. */
static bool send_link(http_request *r, int64_t worker_id, const char *email, const char *purpose,
		      int64_t ttl, const char *subject, const char *page, const char *text)
{
	char token[CRYPTO_TOKEN_LEN + 1];
	unsigned char hash[CRYPTO_HASH_LEN];
	crypto_token(token);
	crypto_secret_hash(token, hash);
	int64_t now = clock_now();
	const char *body = arena_printf(&r->mem, "%s\n\n%s/%s#token=%s\n\n%s", text, link_base(r),
					page, token,
					"如果这不是您本人的操作，请忽略本邮件，您的账号不会有任何变化。\n"
					"厦门市智慧工会服务平台");
	return store_mail_token_create(r->db, hash, worker_id, purpose, email, now, ttl) ==
		       STORE_OK &&
	       store_outbox_add(r->db, "mail", email, subject, body, true, now) == STORE_OK;
}

void h_recover_email(http_request *r)
{
	static const field_spec spec[] = {{"recovery_token", FIELD_TOKEN, true, "找回凭证"}};
	static const sms_limits mail_limits = {60, 5, 10, 20};
	form_value v[FORM_LEN(spec)];
	int64_t wid = 0, retry = 0;
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !recovery_worker(r, v[0].s, &wid))
		return;
	bool known = wid > 0 && store_account_get(r->db, SUBJECT_WORKER, wid, &a) == STORE_OK &&
		     *a.email;
	const char *key = known ? arena_printf(&r->mem, "mail:%s", a.email) : limit_key(r, wid, "m");
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_rc rc = store_sms_send_record(r->db, key, r->client, clock_now(), &mail_limits, &retry);
	if (rc == STORE_LIMITED) {
		db_rollback(r->db);
		api_fail_retry(r, ERR_RATE_LIMITED, retry);
		return;
	}
	if (rc == STORE_OK && known &&
	    !send_link(r, a.id, a.email, "reset", RESET_LINK_TTL_S, "重置您的登录密码", "reset",
		       "您正在找回厦门市智慧工会服务平台的登录密码。请在30分钟内打开下面的链接设置新密码（链接只能使用一次）："))
		rc = STORE_ERR;
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (known && APP.outbox_wake)
		APP.outbox_wake();
	res_json(r, 202, json_pack("{s:b, s:s}", "sent", 1, "message",
				   "如果该账号已绑定邮箱，重置密码的链接已发送到该邮箱，请在30分钟内查收"));
}

/* Uses a mail token; responds with why when it cannot. */
static bool take_mail_token(http_request *r, const char *token, const char *purpose,
			    int64_t *worker_id, char email[256])
{
	unsigned char hash[CRYPTO_HASH_LEN];
	mail_token_state st = MAIL_TOKEN_UNKNOWN;
	crypto_secret_hash(token, hash);
	if (store_mail_token_consume(r->db, hash, purpose, clock_now(), &st, worker_id, email) !=
	    STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (st == MAIL_TOKEN_USED)
		res_error(r, 400, "token_used", "该链接已使用过，如需再次操作请重新申请", "token");
	else if (st == MAIL_TOKEN_EXPIRED)
		res_error(r, 400, "token_expired", "该链接已过期，请重新申请", "token");
	else if (st == MAIL_TOKEN_UNKNOWN)
		res_error(r, 400, "token_invalid", "链接无效，请检查是否完整复制了邮件中的链接", "token");
	return st == MAIL_TOKEN_OK;
}

void h_recover_email_reset(http_request *r)
{
	static const field_spec spec[] = {
		{"token", FIELD_TOKEN, true, "重置链接"},
		{"new_password", FIELD_SECRET, true, "新密码"},
		{"new_password_confirm", FIELD_SECRET, true, "确认新密码"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	/* The policy is checked before the link is used up, so a weak password can be retried. */
	if (!login_check_new_password(r, v[1].s, v[2].s, NULL, NULL, "new_password",
				      "new_password_confirm"))
		return;
	int64_t wid = 0;
	char email[256];
	account_row a;
	char hash[PASSWORD_HASH_LEN];
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!take_mail_token(r, v[0].s, "reset", &wid, email)) {
		db_rollback(r->db);
		return;
	}
	db_rollback(r->db); /* checked; used for real below, after the slow hash */
	if (store_account_get(r->db, SUBJECT_WORKER, wid, &a) != STORE_OK ||
	    !new_password_ok(r, &a, v[1].s, v[2].s))
		return;
	if (password_hash(v[1].s, hash) || db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!take_mail_token(r, v[0].s, "reset", &wid, email)) {
		db_rollback(r->db);
		return;
	}
	if (!apply_reset(r, wid, hash, "password.reset.email") || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void h_recover_appeal_code(http_request *r)
{
	static const field_spec spec[] = {
		{"phone", FIELD_PHONE, true, "新手机号"},
		{"captcha_id", FIELD_TOKEN, true, "图片验证码"},
		{"captcha", FIELD_TEXT, true, "图片验证码"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !captcha_passes(r, v[1].s, v[2].s))
		return;
	codes_send(r, v[0].s, CODE_APPEAL, true);
}

/* Decodes and checks one photo: JPEG or PNG by its content, at most 5 MB. */
static bool photo_decode(http_request *r, json_t *p, int n, unsigned char **data, size_t *len,
			 const char **mime)
{
	const char *field = arena_printf(&r->mem, "photos[%d]", n);
	const char *b64 = json_string_value(json_object_get(p, "data"));
	const char *type = json_string_value(json_object_get(p, "type"));
	if (!json_is_object(p) || !b64 || !type) {
		api_fail_msg(r, ERR_INVALID_FIELD, field, "证件照片格式不正确");
		return false;
	}
	const char *comma = strncmp(b64, "data:", 5) == 0 ? strchr(b64, ',') : NULL;
	if (comma)
		b64 = comma + 1;
	size_t cap = strlen(b64) / 4 * 3 + 3;
	if (cap > PHOTO_MAX + 16) {
		res_error(r, 413, "photo_too_large", "每张证件照片不能超过5MB", field);
		return false;
	}
	*data = arena_alloc(&r->mem, cap);
	if (sodium_base642bin(*data, cap, b64, strlen(b64), "\r\n", len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, field, "证件照片编码不正确");
		return false;
	}
	if (*len > PHOTO_MAX) {
		res_error(r, 413, "photo_too_large", "每张证件照片不能超过5MB", field);
		return false;
	}
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff};
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
	bool is_jpeg = *len > sizeof(jpeg) && memcmp(*data, jpeg, sizeof(jpeg)) == 0;
	bool is_png = *len > sizeof(png) && memcmp(*data, png, sizeof(png)) == 0;
	*mime = is_jpeg ? "image/jpeg" : is_png ? "image/png" : NULL;
	/* What the file says it is must be what it is. */
	if (!*mime || strcmp(type, *mime) != 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, field, "证件照片只支持JPEG或PNG图片");
		return false;
	}
	return true;
}

void h_recover_appeal(http_request *r)
{
	static const field_spec spec[] = {
		{"name", FIELD_NAME, true, "姓名"},
		{"id_number", FIELD_IDNUMBER, true, "身份证号"},
		{"phone", FIELD_PHONE, true, "新手机号"},
		{"code", FIELD_CODE6, true, "短信验证码"},
		{"reason", FIELD_TEXT, true, "申诉原因"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	idcard id;
	int y, m, d;
	clock_date(clock_now(), &y, &m, &d);
	idcard_status ist = domain_idcard_parse(v[1].s, strlen(v[1].s), y, m, d, &id);
	if (ist != IDCARD_OK) {
		api_fail_msg(r, ERR_INVALID_FIELD, "id_number", domain_idcard_message(ist));
		return;
	}
	if (form_utf8_len(v[4].s) > 300) {
		api_fail_msg(r, ERR_INVALID_FIELD, "reason", "申诉原因不超过300个字");
		return;
	}
	json_t *photos = json_object_get(r->json, "photos");
	if (photos && !json_is_null(photos) &&
	    (!json_is_array(photos) || json_array_size(photos) > PHOTOS_MAX)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "photos", "最多上传两张证件照片");
		return;
	}
	size_t nphotos = json_is_array(photos) ? json_array_size(photos) : 0;
	unsigned char *data[PHOTOS_MAX];
	size_t len[PHOTOS_MAX];
	const char *mime[PHOTOS_MAX];
	for (size_t i = 0; i < nphotos; i++)
		if (!photo_decode(r, json_array_get(photos, i), (int)i, &data[i], &len[i], &mime[i]))
			return;
	unsigned char cipher[18 + CRYPTO_FIELD_OVERHEAD], idx[CRYPTO_HASH_LEN];
	char masked[19], ref[32];
	crypto_field_encrypt(id.number, 18, "appeal.id_number", cipher);
	crypto_blind_index("worker.id_number", id.number, idx);
	domain_idcard_mask(id.number, masked);
	appeal_new a = {.name = v[0].s, .id_masked = masked, .phone = v[2].s, .reason = v[4].s,
			.client = r->client, .id_cipher = cipher, .id_index = idx,
			.id_cipher_len = sizeof(cipher)};
	int64_t appeal_id = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!codes_consume(r, v[2].s, CODE_APPEAL, v[3].s)) {
		if (db_commit(r->db) != DB_OK)
			db_rollback(r->db);
		api_fail(r, ERR_CODE_INVALID, "code");
		return;
	}
	store_rc rc = store_appeal_create(r->db, &a, clock_now(), &appeal_id, ref);
	for (size_t i = 0; rc == STORE_OK && i < nphotos; i++)
		rc = store_appeal_photo_add(r->db, appeal_id, (int)i + 1, mime[i], data[i], len[i]);
	if (rc == STORE_OK)
		rc = store_audit(r->db, "public", 0, "appeal.create", ref, r->client, NULL, clock_now());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 201, json_pack("{s:s, s:s, s:s}", "status", "pending", "ref", ref, "message",
				   "申诉已提交，后台管理员审核后会以短信通知您审核结果"));
}

/* ---- e-mail binding (personal centre) ---- */

static bool email_valid(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 6 || n > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[1] == '.' || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
		    *p == ';' || *p == '\\' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

void h_account_email(http_request *r)
{
	static const field_spec spec[] = {
		{"email", FIELD_TEXT, true, "邮箱地址"},
		{"password", FIELD_SECRET, true, "登录密码"},
	};
	form_value v[FORM_LEN(spec)];
	account_row a;
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (!email_valid(v[0].s)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "email", "请输入正确的邮箱地址");
		return;
	}
	if (store_account_get(r->db, SUBJECT_WORKER, r->subject_id, &a) != STORE_OK) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return;
	}
	if (!password_verify(a.password_hash, v[1].s)) {
		api_fail(r, ERR_OLD_PASSWORD, "password");
		return;
	}
	if (db_begin(r->db, true) != DB_OK ||
	    !send_link(r, a.id, v[0].s, "email_verify", EMAIL_VERIFY_TTL_S, "请验证您的邮箱地址",
		       "verify-email",
		       "您正在为厦门市智慧工会服务平台账号绑定此邮箱。请在24小时内打开下面的链接完成验证：") ||
	    store_audit(r->db, "worker", a.id, "account.email.request", NULL, r->client, NULL,
			clock_now()) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	res_json(r, 202, json_pack("{s:b, s:s}", "sent", 1, "message",
				   "验证邮件已发送，请在24小时内打开邮件中的链接完成绑定"));
}

void h_account_email_verify(http_request *r)
{
	static const field_spec spec[] = {{"token", FIELD_TOKEN, true, "验证链接"}};
	form_value v[FORM_LEN(spec)];
	int64_t wid = 0;
	char email[256];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!take_mail_token(r, v[0].s, "email_verify", &wid, email)) {
		db_rollback(r->db);
		return;
	}
	store_rc rc = store_worker_set_email(r->db, wid, email, clock_now());
	if (rc == STORE_OK)
		rc = store_audit(r->db, "worker", wid, "account.email.verified", NULL, r->client, NULL,
				 clock_now());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			res_error(r, 409, "email_taken", "该邮箱已绑定其他账号", "email");
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "email", email));
}
