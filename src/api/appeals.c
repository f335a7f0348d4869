/* appeals.c — the appeal queue (人工申诉) in the back office, for platform admins only: view an
 * appeal and its ID-card photos, approve (the account with that ID number moves to the new
 * phone; its sessions end; SMS to the new phone) or reject with a reason (SMS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/phone.h"
#include "security/crypto.h"
#include "security/password.h"
#include "util/clock.h"

static bool platform_admin(http_request *r, account_row *staff)
{
	if (store_account_get(r->db, SUBJECT_STAFF, r->subject_id, staff) != STORE_OK ||
	    staff->disabled) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	if (strcmp(staff->role, "platform_admin") != 0) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "人工申诉只由平台管理员处理");
		return false;
	}
	return true;
}

static const char *status_label(const char *s)
{
	return strcmp(s, "pending") == 0 ? "待审核" : strcmp(s, "approved") == 0 ? "已通过" : "未通过";
}

static json_t *render_appeal(const appeal_row *a, bool detail)
{
	char phone[12], at[32], decided[32] = "";
	domain_phone_mask(a->phone, phone);
	clock_iso8601(a->created_at, at);
	if (a->decided_at)
		clock_iso8601(a->decided_at, decided);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "id",
			      (json_int_t)a->id, "ref", a->ref, "name", a->name, "id_number",
			      a->id_masked, "phone", phone, "status", a->status, "status_label",
			      status_label(a->status), "created_at", at, "photos", a->photos);
	if (detail) {
		json_object_set_new(o, "reason", json_string(a->reason));
		json_object_set_new(o, "decision_reason",
				    a->decision_reason[0] ? json_string(a->decision_reason)
							  : json_null());
		json_object_set_new(o, "decided_at", *decided ? json_string(decided) : json_null());
	}
	return o;
}

void h_appeals_list(http_request *r)
{
	account_row staff;
	if (!platform_admin(r, &staff))
		return;
	const char *st = req_query(r, "status");
	if (st && *st && strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "rejected")) {
		api_fail_msg(r, ERR_INVALID_FIELD, "status", "status 应为 pending、approved 或 rejected");
		return;
	}
	long page;
	if (!form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	enum { SIZE = 20 };
	appeal_row *rows = arena_alloc(&r->mem, sizeof(appeal_row) * SIZE);
	int n = 0;
	int64_t total = 0;
	if (store_appeal_list(r->db, st && *st ? st : NULL, (int)(page - 1) * SIZE, SIZE, rows, &n,
			      &total) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, render_appeal(&rows[i], false));
	res_json(r, 200, json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				   (json_int_t)page, "items", items));
}

static bool load_appeal(http_request *r, appeal_row *a)
{
	int64_t id;
	if (!path_id(r, &id))
		return false;
	store_rc rc = store_appeal_get(r->db, id, a);
	if (rc != STORE_OK) {
		if (rc == STORE_ERR)
			api_fail(r, ERR_UNAVAILABLE, NULL);
		else
			api_fail_msg(r, ERR_NOT_FOUND, NULL, "申诉不存在");
		return false;
	}
	return true;
}

void h_appeal_get(http_request *r)
{
	account_row staff;
	appeal_row *a = arena_alloc(&r->mem, sizeof(appeal_row));
	if (!platform_admin(r, &staff) || !load_appeal(r, a))
		return;
	json_t *o = render_appeal(a, true);
	/* Whether the ID number belongs to a registered account, and whose phone it has now. */
	account_row w;
	if (store_worker_by_id_index(r->db, a->id_index, &w) == STORE_OK) {
		char phone[12];
		domain_phone_mask(w.phone, phone);
		json_object_set_new(o, "account",
				    json_pack("{s:s, s:s}", "name", w.name, "phone", phone));
	} else {
		json_object_set_new(o, "account", json_null());
	}
	res_json(r, 200, json_pack("{s:o}", "appeal", o));
}

void h_appeal_photo(http_request *r)
{
	account_row staff;
	appeal_row *a = arena_alloc(&r->mem, sizeof(appeal_row));
	if (!platform_admin(r, &staff) || !load_appeal(r, a))
		return;
	const char *ns = req_param(r, "n");
	int n = ns && (ns[0] == '1' || ns[0] == '2') && !ns[1] ? ns[0] - '0' : 0;
	char mime[32];
	void *data = NULL;
	size_t len = 0;
	store_rc rc = n ? store_appeal_photo(r->db, a->id, n, mime, &data, &len) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "照片不存在或已按规定删除");
		return;
	}
	store_audit(r->db, "staff", staff.id, "appeal.photo.view", a->ref, r->client, NULL,
		    clock_now());
	res_bytes(r, 200, mime, data, len);
}

void h_appeal_decide(http_request *r)
{
	static const field_spec spec[] = {{"reason", FIELD_TEXT, false, "原因"}};
	form_value v[FORM_LEN(spec)];
	account_row staff, w;
	appeal_row *a = arena_alloc(&r->mem, sizeof(appeal_row));
	const char *action = req_param(r, "action");
	bool approve = action && strcmp(action, "approve") == 0;
	if (!action || (!approve && strcmp(action, "reject") != 0)) {
		api_fail(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !platform_admin(r, &staff) ||
	    !load_appeal(r, a))
		return;
	if (!approve && (!v[0].present || form_utf8_len(v[0].s) > 200)) {
		api_fail_msg(r, ERR_REQUIRED, "reason", "请填写不通过的原因（不超过200个字）");
		return;
	}
	if (strcmp(a->status, "pending") != 0) {
		res_error(r, 409, "conflict", "该申诉已处理，请刷新后查看", NULL);
		return;
	}
	int64_t now = clock_now(), wid = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_rc rc = STORE_OK;
	const char *sms;
	if (approve) {
		if (store_worker_by_id_index(r->db, a->id_index, &w) != STORE_OK) {
			db_rollback(r->db);
			res_error(r, 409, "no_account",
				  "该身份证号尚未注册账号，申诉人可直接用新手机号短信登录注册，请驳回本申诉",
				  NULL);
			return;
		}
		wid = w.id;
		rc = store_worker_set_phone(r->db, w.id, a->phone, now);
		if (rc == STORE_CONFLICT) {
			db_rollback(r->db);
			res_error(r, 409, "phone_taken",
				  "新手机号已绑定其他账号，请驳回并告知申诉人先处理该手机号", NULL);
			return;
		}
		/* Whoever held the account loses its password and e-mail: the appellant logs in by
		 * SMS with the new phone and sets a password through 忘记密码. */
		char unusable[PASSWORD_HASH_LEN], secret[CRYPTO_TOKEN_LEN + 1];
		crypto_token(secret);
		if (rc == STORE_OK && password_hash(secret, unusable) != 0)
			rc = STORE_ERR;
		if (rc == STORE_OK)
			rc = store_worker_reset_credentials(r->db, w.id, unusable, now);
		if (rc == STORE_OK)
			rc = store_session_delete_others(r->db, SUBJECT_WORKER, w.id, NULL);
		sms = arena_printf(&r->mem,
				   "您的人工申诉（编号%s）已通过，账号已绑定本手机号。请使用短信验证码登录，或通过忘记密码重新设置密码。",
				   a->ref);
	} else {
		sms = arena_printf(&r->mem, "您的人工申诉（编号%s）未通过，原因：%s。", a->ref,
				   v[0].s);
	}
	if (rc == STORE_OK)
		rc = store_appeal_decide(r->db, a->id, approve ? "approved" : "rejected",
					 approve ? NULL : v[0].s, wid, staff.id, now);
	if (rc == STORE_OK && !codes_notify(r, a->phone, sms))
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_audit(r->db, "staff", staff.id, approve ? "appeal.approve" : "appeal.reject",
				 a->ref, r->client, approve ? NULL : v[0].s, now);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			res_error(r, 409, "conflict", "该申诉已处理，请刷新后查看", NULL);
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	store_appeal_get(r->db, a->id, a);
	res_json(r, 200, json_pack("{s:o}", "appeal", render_appeal(a, true)));
}
