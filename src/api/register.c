/* register.c — the member register (会员名册) within an admin's scope — search by name, phone,
 * full ID number (exact, through the blind index; shown masked), organisation and status, and
 * a masked CSV export (audit-logged) — plus the audit log viewer and the dashboard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "domain/application.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "domain/phone.h"
#include "security/crypto.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/csv.h"

static bool scope_root(http_request *r, int64_t *root, bool *platform, int64_t *staff_id)
{
	account_row s;
	if (store_account_get(r->db, SUBJECT_STAFF, r->subject_id, &s) != STORE_OK || s.disabled) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	*platform = strcmp(s.role, "platform_admin") == 0;
	if (!*platform && strcmp(s.role, "org_admin") != 0) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "该功能只对管理员开放");
		return false;
	}
	*root = s.org_id;
	*staff_id = s.id;
	return true;
}

/* Reads the register's filters from the query; responds on a bad one. */
static bool member_filters(http_request *r, member_filter *f, unsigned char idx[CRYPTO_HASH_LEN])
{
	const char *name = req_query(r, "name"), *phone = req_query(r, "phone");
	const char *id = req_query(r, "id_number"), *status = req_query(r, "status");
	const char *org = req_query(r, "org_id");
	member_status st;
	if (name && *name) {
		if (form_utf8_len(name) > 30) {
			api_fail_msg(r, ERR_INVALID_FIELD, "name", "姓名不超过30个字");
			return false;
		}
		f->name = name;
	}
	if (phone && *phone) {
		if (!domain_phone_valid(phone, strlen(phone))) {
			api_fail_msg(r, ERR_INVALID_FIELD, "phone", "请输入完整的11位手机号");
			return false;
		}
		f->phone = phone;
	}
	if (id && *id) {
		idcard card;
		int y, m, d;
		clock_date(clock_now(), &y, &m, &d);
		if (domain_idcard_parse(id, strlen(id), y, m, d, &card) != IDCARD_OK) {
			api_fail_msg(r, ERR_INVALID_FIELD, "id_number", "请输入完整的18位身份证号");
			return false;
		}
		crypto_blind_index("worker.id_number", card.number, idx);
		f->id_index = idx;
	}
	if (status && *status) {
		if (!domain_member_status_parse(status, &st)) {
			api_fail_msg(r, ERR_INVALID_FIELD, "status", "不支持的会籍状态");
			return false;
		}
		f->status = status;
	}
	if (org && *org) {
		char *end;
		long long v = strtoll(org, &end, 10);
		bool within = false;
		if (*end || v < 1 || store_org_within(r->db, v, f->root, &within) != STORE_OK ||
		    !within) {
			api_fail_msg(r, ERR_INVALID_FIELD, "org_id", "组织不在您的管理范围内");
			return false;
		}
		f->root = v; /* the organisation and everything below it, as the dashboard counts */
	}
	return true;
}

static json_t *render_member(const member_row *m)
{
	member_status st = MEMBER_ACTIVE;
	char phone[12], joined[32];
	domain_member_status_parse(m->status, &st);
	domain_phone_mask(m->phone, phone);
	clock_iso8601(m->joined_at + 8 * 3600, joined);
	joined[10] = '\0';
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s}, s:s}", "member_no",
			 m->member_no, "name", m->name, "phone", phone, "id_number", m->id_masked,
			 "status", m->status, "status_label", domain_member_status_label(st), "org",
			 "id", (json_int_t)m->org_id, "name", m->org_name, "joined_at", joined);
}

void h_admin_members(http_request *r)
{
	member_filter f = {0};
	unsigned char idx[CRYPTO_HASH_LEN];
	bool platform;
	int64_t staff_id;
	if (!scope_root(r, &f.root, &platform, &staff_id) || !member_filters(r, &f, idx))
		return;
	long page;
	if (!form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	enum { SIZE = 20 };
	member_row *rows = arena_alloc(&r->mem, sizeof(member_row) * SIZE);
	int n = 0;
	int64_t total = 0;
	if (store_member_search(r->db, &f, (int)(page - 1) * SIZE, SIZE, rows, &n, &total) !=
	    STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, render_member(&rows[i]));
	res_json(r, 200, json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				   (json_int_t)page, "items", items));
}

void h_admin_members_export(http_request *r)
{
	member_filter f = {0};
	unsigned char idx[CRYPTO_HASH_LEN];
	bool platform;
	int64_t staff_id;
	if (!scope_root(r, &f.root, &platform, &staff_id) || !member_filters(r, &f, idx))
		return;
	enum { BATCH = 1000, MAX_ROWS = 200000 };
	member_row *rows = malloc(sizeof(member_row) * BATCH);
	buf b = {0};
	buf_puts(&b, "\xEF\xBB\xBF会员编号,姓名,手机号,身份证号,会籍状态,所属工会,入会日期\r\n");
	int64_t total = 0, written = 0;
	for (int offset = 0; rows && offset < MAX_ROWS; offset += BATCH) {
		int n = 0;
		if (store_member_search(r->db, &f, offset, BATCH, rows, &n, &total) != STORE_OK) {
			free(rows);
			buf_free(&b);
			api_fail(r, ERR_UNAVAILABLE, NULL);
			return;
		}
		for (int i = 0; i < n; i++) {
			json_t *m = render_member(&rows[i]);
			static const char *const cols[] = {"member_no", "name", "phone", "id_number",
							   "status_label"};
			for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
				csv_write_field(&b, json_string_value(json_object_get(m, cols[k])), false);
			csv_write_field(&b, rows[i].org_name, false);
			csv_write_field(&b, json_string_value(json_object_get(m, "joined_at")), true);
			json_decref(m);
			written++;
		}
		if (n < BATCH)
			break;
	}
	free(rows);
	store_audit(r->db, "staff", staff_id, "members.export", NULL, r->client,
		    arena_printf(&r->mem, "%lld rows", (long long)written), clock_now());
	res_bytes(r, 200, "text/csv; charset=utf-8", b.data ? b.data : calloc(1, 1), b.len);
}

/* A YYYY-MM-DD day (a real date) → its 00:00 China Standard Time, or the next day's when
 * end_of_day; -1 when s is no such date. */
static int64_t parse_day(const char *s, bool end_of_day)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2 ||
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || y < 2000 || y > 2200 ||
	    d < 1 || d > mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	return (clock_days_from_civil(y, m, d) + (end_of_day ? 1 : 0)) * 86400 - 8 * 3600;
}

void h_admin_audit(http_request *r)
{
	int64_t root, staff_id;
	bool platform;
	if (!scope_root(r, &root, &platform, &staff_id))
		return;
	if (!platform) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "审计日志只对平台管理员开放");
		return;
	}
	audit_filter f = {0};
	const char *ak = req_query(r, "actor_kind"), *ac = req_query(r, "action");
	const char *tg = req_query(r, "target"), *from = req_query(r, "from"), *to = req_query(r, "to");
	if (ak && *ak)
		f.actor_kind = ak;
	if (ac && *ac)
		f.action = ac;
	if (tg && *tg)
		f.target = tg;
	if (from && *from && (f.from = parse_day(from, false)) < 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "from", "日期格式应为 YYYY-MM-DD");
		return;
	}
	if (to && *to && (f.to = parse_day(to, true)) < 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "to", "日期格式应为 YYYY-MM-DD");
		return;
	}
	long page;
	if (!form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	enum { SIZE = 50 };
	audit_row *rows = arena_alloc(&r->mem, sizeof(audit_row) * SIZE);
	int n = 0;
	int64_t total = 0;
	if (store_audit_list(r->db, &f, (int)(page - 1) * SIZE, SIZE, rows, &n, &total) !=
	    STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		clock_iso8601(rows[i].at, at);
		json_array_append_new(items,
				      json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
						(json_int_t)rows[i].id, "at", at, "actor_kind",
						rows[i].actor_kind, "actor_id",
						(json_int_t)rows[i].actor_id, "action", rows[i].action,
						"target", rows[i].target, "client", rows[i].client,
						"detail", rows[i].detail));
	}
	res_json(r, 200, json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				   (json_int_t)page, "items", items));
}

/* ---- dashboard ---- */

/* Working days (Monday–Friday, less holidays from ASSETS_DIR/holidays.txt) from day a to day
 * b, both as days since the epoch in China Standard Time. */
static int64_t working_days(int64_t a, int64_t b, const int64_t *holidays, int nh)
{
	int64_t n = 0;
	for (int64_t day = a + 1; day <= b && n < 10000; day++) {
		int weekday = (int)((day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
		if (weekday == 0 || weekday == 6)
			continue;
		bool holiday = false;
		for (int i = 0; i < nh && !holiday; i++)
			holiday = holidays[i] == day;
		n += !holiday;
	}
	return n;
}

static int load_holidays(int64_t *out, int max)
{
	char path[4096], line[64];
	snprintf(path, sizeof(path), "%s/holidays.txt", APP.cfg->assets_dir);
	FILE *f = fopen(path, "r");
	int n = 0, y, m, d;
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%4d-%2d-%2d", &y, &m, &d) == 3)
			out[n++] = clock_days_from_civil(y, m, d);
	fclose(f);
	return n;
}

static json_t *count_array(const count_row *rows, int n, const char *(*label)(const char *))
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "key", rows[i].key, "label",
						   label ? label(rows[i].key) : rows[i].key, "count",
						   (json_int_t)rows[i].n));
	return a;
}

static const char *member_label(const char *key)
{
	member_status st;
	return domain_member_status_parse(key, &st) ? domain_member_status_label(st) : key;
}

static const char *app_label(const char *key)
{
	app_status st;
	return domain_app_status_parse(key, &st) ? domain_app_status_label(st) : key;
}

void h_admin_dashboard(http_request *r)
{
	int64_t root, staff_id;
	bool platform;
	if (!scope_root(r, &root, &platform, &staff_id))
		return;
	enum { MAX = 64, OPEN_MAX = 100000, HOLIDAYS = 400 };
	count_row *by_status = arena_alloc(&r->mem, sizeof(count_row) * MAX);
	count_row *by_org = arena_alloc(&r->mem, sizeof(count_row) * MAX);
	count_row *apps = arena_alloc(&r->mem, sizeof(count_row) * MAX);
	int64_t *open = malloc(sizeof(int64_t) * OPEN_MAX), holidays[HOLIDAYS];
	int ns = 0, no = 0, na = 0, nopen = 0;
	int64_t decided = 0, median = 0, p90 = 0;
	bool ok = open && store_members_by_status(r->db, root, by_status, MAX, &ns) == STORE_OK &&
		  store_members_by_child_org(r->db, root, by_org, MAX, &no) == STORE_OK &&
		  store_apps_by_status(r->db, root, apps, MAX, &na) == STORE_OK &&
		  store_decision_times(r->db, root, &decided, &median, &p90) == STORE_OK &&
		  store_open_submitted(r->db, root, open, OPEN_MAX, &nopen) == STORE_OK;
	if (!ok) {
		free(open);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	int nh = load_holidays(holidays, HOLIDAYS);
	int64_t today = (clock_now() + 8 * 3600) / 86400, overdue = 0;
	for (int i = 0; i < nopen; i++)
		overdue += working_days((open[i] + 8 * 3600) / 86400, today, holidays, nh) > 15;
	free(open);
	res_json(r, 200,
		 json_pack("{s:o, s:o, s:o, s:{s:I, s:f, s:f}, s:I}", "members_by_status",
			   count_array(by_status, ns, member_label), "members_by_org",
			   count_array(by_org, no, NULL), "applications_by_status",
			   count_array(apps, na, app_label), "decision_time", "decided",
			   (json_int_t)decided, "median_hours", (double)median / 3600.0, "p90_hours",
			   (double)p90 / 3600.0, "overdue_15_working_days", (json_int_t)overdue));
}
