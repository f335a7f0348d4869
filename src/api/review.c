/* review.c — the reviewers' console (SPEC §6): the queue of one's own union (org and platform
 * admins: their subtree, read-only), the detail with the applicant's earlier memberships, a
 * logged "show full number", and the decisions: accept (办理中), approve, reject, return.
 * Every decision is audit-logged and the worker gets an SMS for approve, reject and return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "api/login.h"
#include "domain/member.h"
#include "domain/phone.h"
#include "security/crypto.h"
#include "util/clock.h"

enum { QUEUE_PAGE = 20, QUEUE_PAGE_MAX = 100 };

typedef struct reviewer {
	account_row acct;
	bool decides; /* a reviewer decides for its own union; admins look */
} reviewer;

static bool load_reviewer(http_request *r, reviewer *rv)
{
	if (store_account_get(r->db, SUBJECT_STAFF, r->subject_id, &rv->acct) != STORE_OK ||
	    rv->acct.disabled) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	rv->decides = strcmp(rv->acct.role, "reviewer") == 0;
	return true;
}

/* Reviewers see their own union's applications; admins their subtree. Others: 404. */
static bool in_scope(http_request *r, const reviewer *rv, const app_row *a)
{
	if (strcmp(a->status, "draft") == 0 || !a->org_id)
		return false;
	if (rv->decides)
		return a->org_id == rv->acct.org_id;
	bool within = false;
	return store_org_within(r->db, a->org_id, rv->acct.org_id, &within) == STORE_OK && within;
}

static bool load_scoped(http_request *r, reviewer *rv, app_row *a, app_kind *k)
{
	int64_t id;
	if (!load_reviewer(r, rv) || !path_id(r, &id) || !load_app(r, id, a, k))
		return false;
	if (!in_scope(r, rv, a)) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "申请不存在");
		return false;
	}
	return true;
}

static int64_t parse_date(const char *s, bool end_of_day)
{
	int y, m, d;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    m < 1 || m > 12 || y < 2000 || y > 2200 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	/* at 00:00 China Standard Time */
	return (clock_days_from_civil(y, m, d) + (end_of_day ? 1 : 0)) * 86400 - 8 * 3600;
}

void h_review_queue(http_request *r)
{
	reviewer rv;
	if (!load_reviewer(r, &rv))
		return;
	app_queue_filter f = {.org_id = rv.acct.org_id, .subtree = !rv.decides};
	app_status st;
	app_kind k;
	const char *s = req_query(r, "status"), *kind = req_query(r, "kind"), *q = req_query(r, "q");
	if (s && *s) {
		if (!domain_app_status_parse(s, &st) || st == APP_DRAFT) {
			api_fail_msg(r, ERR_INVALID_FIELD, "status", "不支持的状态");
			return;
		}
		f.status = s;
	}
	if (kind && *kind) {
		if (!domain_app_kind_parse(kind, &k)) {
			api_fail_msg(r, ERR_INVALID_FIELD, "kind", "不支持的办事事项");
			return;
		}
		f.kind = kind;
	}
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	if ((from && *from && (f.from = parse_date(from, false)) < 0) ||
	    (to && *to && (f.to = parse_date(to, true)) < 0)) {
		api_fail_msg(r, ERR_INVALID_FIELD, from && f.from < 0 ? "from" : "to",
			     "日期格式应为 YYYY-MM-DD");
		return;
	}
	if (q && *q) {
		json_t *utf8 = json_string(q); /* NULL unless q is valid UTF-8 */
		bool ok = utf8 && form_utf8_len(q) <= 50;
		json_decref(utf8);
		if (!ok) {
			api_fail_msg(r, ERR_INVALID_FIELD, "q", "关键字不超过50个字");
			return;
		}
		f.q = q;
	}
	long page, size;
	if (!form_query_long(r, "page", 1, 1, 100000, &page) ||
	    !form_query_long(r, "page_size", QUEUE_PAGE, 1, QUEUE_PAGE_MAX, &size))
		return;
	app_queue_row *rows = arena_alloc(&r->mem, sizeof(app_queue_row) * (size_t)size);
	int n = 0;
	int64_t total = 0;
	if (store_app_queue(r->db, &f, (int)((page - 1) * size), (int)size, rows, &n, &total) !=
	    STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		app_kind ak = APP_KIND_JOIN;
		app_status as = APP_SUBMITTED;
		domain_app_kind_parse(rows[i].app.kind, &ak);
		domain_app_status_parse(rows[i].app.status, &as);
		char phone[12], at[32] = "";
		domain_phone_mask(rows[i].applicant_phone, phone);
		if (rows[i].app.submitted_at)
			clock_iso8601(rows[i].app.submitted_at, at);
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s}, s:s, "
					 "s:s?}",
					 "id", (json_int_t)rows[i].app.id, "ref", rows[i].app.ref,
					 "kind", rows[i].app.kind, "kind_label",
					 domain_app_kind_label(ak), "status", rows[i].app.status,
					 "status_label", domain_app_status_label(as), "applicant",
					 "name", rows[i].applicant_name, "phone", phone, "org", "name",
					 rows[i].org_name, "submitted_at", at, "handler",
					 rows[i].handler_name[0] ? rows[i].handler_name : NULL));
	}
	res_json(r, 200, json_pack("{s:I, s:I, s:I, s:b, s:o}", "total", (json_int_t)total, "page",
				   (json_int_t)page, "page_size", (json_int_t)size, "can_decide",
				   rv.decides, "items", items));
}

/* May this action be taken on an application of this kind? (A system-made one is never
 * returned to the worker, who cannot edit it.) */
static bool action_fits_kind(const app_row *a, app_action act)
{
	app_kind k;
	return act != ACT_RETURN || !domain_app_kind_parse(a->kind, &k) || !kind_ops(k)->system_only;
}

static json_t *staff_actions(const reviewer *rv, const app_row *a)
{
	static const app_action offered[] = {ACT_ACCEPT, ACT_APPROVE, ACT_REJECT, ACT_RETURN};
	json_t *arr = json_array();
	app_status st, to;
	if (!rv->decides || !domain_app_status_parse(a->status, &st))
		return arr;
	for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++) {
		if (!action_fits_kind(a, offered[i]))
			continue;
		/* Accepting again is how another reviewer takes over; not for the holder. */
		if (offered[i] == ACT_ACCEPT && st == APP_PROCESSING &&
		    a->handler_id == rv->acct.id)
			continue;
		if (domain_app_transition(st, offered[i], &to))
			json_array_append_new(arr,
					      json_string(domain_app_action_name(offered[i])));
	}
	return arr;
}

static json_t *applicant_json(http_request *r, int64_t worker_id)
{
	account_row w;
	if (store_account_get(r->db, SUBJECT_WORKER, worker_id, &w) != STORE_OK)
		return json_null();
	char phone[12];
	domain_phone_mask(w.phone, phone);
	int by = 0, bm = 0, bd = 0, y, m, d;
	sscanf(w.birth_date, "%d-%d-%d", &by, &bm, &bd);
	clock_date(clock_now(), &y, &m, &d);
	int age = y - by - (m < bm || (m == bm && d < bd));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "name", w.name, "phone", phone,
			 "id_number", w.id_masked, "gender", w.gender == 1 ? "男" : "女",
			 "birth_date", w.birth_date, "age", age);
}

static json_t *memberships_json(http_request *r, int64_t worker_id)
{
	membership_row *ms = arena_alloc(&r->mem, sizeof(membership_row) * 16);
	int n = 0;
	json_t *arr = json_array();
	if (store_membership_list(r->db, worker_id, ms, 16, &n) != STORE_OK)
		return arr;
	for (int i = 0; i < n; i++) {
		member_status st = MEMBER_ACTIVE;
		domain_member_status_parse(ms[i].status, &st);
		char joined[32];
		clock_iso8601(ms[i].joined_at + 8 * 3600, joined);
		joined[10] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b}", "member_no",
						     ms[i].member_no, "status_label",
						     domain_member_status_label(st), "org",
						     ms[i].org_name, "joined_at", joined, "current",
						     ms[i].current));
	}
	return arr;
}

void h_review_get(http_request *r)
{
	reviewer rv;
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	if (!load_scoped(r, &rv, a, &k))
		return;
	json_t *o = render_app(r, a, true);
	json_object_set_new(o, "applicant", applicant_json(r, a->worker_id));
	json_object_set_new(o, "memberships", memberships_json(r, a->worker_id));
	json_object_set_new(o, "actions", staff_actions(&rv, a));
	json_object_set_new(o, "can_decide", json_boolean(rv.decides));
	res_json(r, 200, json_pack("{s:o}", "application", o));
}

void h_review_reveal(http_request *r)
{
	reviewer rv;
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	account_row w;
	if (!load_scoped(r, &rv, a, &k))
		return;
	if (!rv.decides) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "只有负责审核的工会审核人员可以查看完整证件号码");
		return;
	}
	char id[32];
	if (store_account_get(r->db, SUBJECT_WORKER, a->worker_id, &w) != STORE_OK ||
	    crypto_field_decrypt(w.id_cipher, w.id_cipher_len, "worker.id_number", id, sizeof(id)) <
		    0 ||
	    store_audit(r->db, "staff", rv.acct.id, "id_number.reveal", a->ref, r->client,
			arena_printf(&r->mem, "worker %lld", (long long)a->worker_id),
			clock_now()) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s}", "id_number", id));
}

/* The reason as the SMS quotes it: at most 60 characters, cut at a character boundary (the
 * whole reason is in 我的办事; a 200-character one would overflow the SMS buffer mid-character). */
static const char *sms_reason(http_request *r, const char *reason)
{
	const unsigned char *p = (const unsigned char *)reason;
	for (int n = 0; *p && n < 60; n++)
		for (p++; (*p & 0xC0) == 0x80; p++)
			;
	if (!*p)
		return reason;
	return arena_printf(&r->mem, "%.*s……", (int)(p - (const unsigned char *)reason), reason);
}

static const char *decision_sms(app_action act, const app_row *a, const char *reason,
				http_request *r)
{
	if (reason)
		reason = sms_reason(r, reason);
	app_kind k = APP_KIND_JOIN;
	domain_app_kind_parse(a->kind, &k);
	switch (act) {
	case ACT_APPROVE:
		return arena_printf(&r->mem, "您的%s（编号%s）已审核通过。", domain_app_kind_label(k), a->ref);
	case ACT_REJECT:
		return arena_printf(&r->mem, "您的申请（编号%s）审核不通过，原因：%s。详情请登录查看“我的办事”。", a->ref, reason);
	case ACT_RETURN:
		return arena_printf(&r->mem, "您的申请（编号%s）已被退回修改，原因：%s。请登录在“我的办事”中修改后重新提交。", a->ref, reason);
	default:
		return NULL;
	}
}

void h_review_decide(http_request *r)
{
	reviewer rv;
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	app_action act;
	const char *name = req_param(r, "action");
	if (!name || !domain_app_action_parse(name, &act) || domain_app_actor_is_worker(act)) {
		api_fail(r, ERR_NOT_FOUND, NULL);
		return;
	}
	static const field_spec spec[] = {
		{"reason", FIELD_TEXT, false, "原因"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !load_scoped(r, &rv, a, &k))
		return;
	json_t *ver = json_object_get(r->json, "version");
	if (!json_is_integer(ver)) {
		api_fail_msg(r, ERR_REQUIRED, "version", "请刷新后重试（缺少版本号）");
		return;
	}
	if (!rv.decides) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "上级工会只能查看，不能审核");
		return;
	}
	if (!action_fits_kind(a, act)) {
		res_error(r, 409, "invalid_state", "系统发起的会员信息认领不能退回，请审核通过或不通过", NULL);
		return;
	}
	const char *reason = v[0].present ? v[0].s : NULL;
	if (domain_app_reason_required(act) &&
	    (!reason || !reason[strspn(reason, " \t\r\n")] || form_utf8_len(reason) > 200)) {
		api_fail_msg(r, ERR_REQUIRED, "reason", "请填写原因（不超过200个字）");
		return;
	}
	if (!domain_app_reason_required(act))
		reason = NULL;
	if (json_integer_value(ver) != a->version) {
		res_error(r, 409, "conflict", "该申请已被其他审核人员处理，请刷新后查看", NULL);
		return;
	}
	app_change ch = {.reason = reason, .handler_id = rv.acct.id};
	store_rc rc = db_begin(r->db, true) == DB_OK ? STORE_OK : STORE_ERR;
	if (rc == STORE_OK)
		rc = app_apply(r, a, act, &ch, "staff", rv.acct.name);
	json_t *data = json_loads(a->data, 0, NULL);
	const char *why = NULL;
	if (rc == STORE_OK && act == ACT_APPROVE && !kind_ops(k)->approve(r, a, data, &why))
		rc = STORE_CONFLICT;
	if (rc == STORE_OK && act == ACT_REJECT && kind_ops(k)->rejected &&
	    !kind_ops(k)->rejected(r, a, data))
		rc = STORE_ERR;
	json_decref(data);
	const char *sms = decision_sms(act, a, reason, r);
	account_row w;
	if (rc == STORE_OK && sms &&
	    (store_account_get(r->db, SUBJECT_WORKER, a->worker_id, &w) != STORE_OK ||
	     !codes_notify(r, w.phone, sms)))
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_audit(r->db, "staff", rv.acct.id,
				 arena_printf(&r->mem, "application.%s", name), a->ref, r->client,
				 reason, clock_now());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT && why)
			res_error(r, 409, "cannot_approve", why, NULL);
		else if (rc == STORE_CONFLICT)
			res_error(r, 409, "conflict", "该申请已被其他审核人员处理，请刷新后查看", NULL);
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (sms && APP.outbox_wake)
		APP.outbox_wake();
	store_app_get(r->db, a->id, a);
	json_t *o = render_app(r, a, true);
	json_object_set_new(o, "actions", staff_actions(&rv, a));
	res_json(r, 200, json_pack("{s:o}", "application", o));
}
