/* verification.c — 信息核实与登记 on the worker's side (issue 7 item 5): 信息核实 (the member
 * checks the record an offline roster made and confirms it), and three kinds of the application
 * engine: 信息变更 (correction: organisation, join date, member number), 信息登记 (registration:
 * joined offline, in no roster) and 会员信息认领 (claim: made by the system when a roster entry
 * has the account's ID number but another phone). Each is reviewed by the union like any
 * application and shows in 我的办事. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "api/rosters.h"
#include "domain/member.h"
#include "domain/phone.h"
#include "domain/roster.h"
#include "security/crypto.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/clock.h"

#define VERIFY_AGREEMENT_VERSION "2026-11"

static const char correction_agreement[] =
	"会员信息变更承诺书\n\n"
	"一、会员信息（所属工会、入会时间、会员编号）是工会为您提供会员服务、办理会籍业务的依据，"
	"应当真实、准确。\n"
	"二、本申请仅用于更正登记有误或缺失的信息；如因工作单位变动需要转移会籍，请办理会籍变更。\n"
	"三、申请将由您当前所在的工会组织审核，审核人员可能通过电话与您核实情况，或请您提供入会材料。\n"
	"四、我保证所填写的更正内容和情况说明真实、准确，如有不实，愿意承担由此产生的后果。\n\n"
	"点击【同意】即表示您已阅读并同意以上内容，系统将记录同意的时间和版本。";

static const char registration_agreement[] =
	"会员信息登记承诺书\n\n"
	"一、信息登记适用于已经通过线下方式加入工会、但会员信息尚未进入本平台的职工；"
	"从未入会的职工请办理网上入会。\n"
	"二、登记申请将由您所填写的工作单位工会（单位未建会的，由所在镇街工会）核实，"
	"核实通过后您的会籍以所填写的入会日期生效。\n"
	"三、同一时间只能在一个工会组织保留会籍，请勿重复登记或重复入会。\n"
	"四、我保证所填写的入会情况真实、准确，如有不实，愿意承担由此产生的后果。\n\n"
	"点击【同意】即表示您已阅读并同意以上内容，系统将记录同意的时间和版本。";

enum { OLD_MEMBERSHIPS_MAX = 16, EVENTS_MAX = 64 };

bool roster_blocks_of(http_request *r, int64_t worker_id, roster_blocks *b)
{
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	roster_entry_row *es = arena_alloc(&r->mem, sizeof(roster_entry_row) * 8);
	int n = 0;
	memset(b, 0, sizeof(*b));
	store_rc rc1 = store_app_open_of(r->db, worker_id, "registration", open);
	store_rc rc2 = store_app_open_of(r->db, worker_id, "claim", open);
	if (rc1 == STORE_ERR || rc2 == STORE_ERR ||
	    store_roster_entries_of_worker(r->db, worker_id, es, 8, &n) != STORE_OK)
		return false;
	b->open_registration = rc1 == STORE_OK;
	b->open_claim = rc2 == STORE_OK;
	for (int i = 0; i < n; i++)
		b->flagged = b->flagged || strcmp(es[i].status, "flagged") == 0;
	return true;
}

/* ---- shared by the two forms ---- */

static bool bad(http_request *r, const char *field, const char *message)
{
	api_fail_msg(r, ERR_INVALID_FIELD, field, message);
	return false;
}

/* Present and not empty ("" and [] count as not given). */
static bool given(json_t *d, const char *key)
{
	json_t *v = json_object_get(d, key);
	return v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)) &&
	       !(json_is_array(v) && !json_array_size(v));
}

/* A single-line text of at most max characters (absent or empty passes). */
static bool plain_text(json_t *d, const char *key, size_t max)
{
	json_t *v = json_object_get(d, key);
	if (!given(d, key))
		return true;
	if (!json_is_string(v) || form_utf8_len(json_string_value(v)) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)json_string_value(v); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The worker's birth date from the account (the ID number's). */
static bool birth_of(http_request *r, int64_t worker_id, int *y, int *m, int *d)
{
	account_row w;
	return store_account_get(r->db, SUBJECT_WORKER, worker_id, &w) == STORE_OK &&
	       sscanf(w.birth_date, "%d-%d-%d", y, m, d) == 3;
}

/* Checks a join date field (YYYY-MM-DD, not in the future, at 16 or older). */
static bool check_joined_on(http_request *r, json_t *d, int64_t worker_id)
{
	int y, m, dd, by, bm, bd, ty, tm, td;
	json_t *v = json_object_get(d, "joined_on");
	if (!given(d, "joined_on"))
		return true;
	if (!json_is_string(v) || !domain_date_parse(json_string_value(v), false, &y, &m, &dd))
		return bad(r, "data.joined_on", "入会日期格式应为 YYYY-MM-DD");
	clock_date(clock_now(), &ty, &tm, &td);
	const char *why = birth_of(r, worker_id, &by, &bm, &bd)
				  ? domain_joined_on_problem(y, m, dd, by, bm, bd, ty, tm, td)
				  : NULL;
	return why ? bad(r, "data.joined_on", why) : true;
}

/* Who else holds the member number: nobody, or only this membership and its own roster entry. */
static store_rc member_no_free(http_request *r, const char *no, int64_t own_membership,
			       bool *free_)
{
	int64_t mid = 0, eid = 0;
	roster_entry_row e;
	*free_ = false;
	store_rc rc = store_member_no_holders(r->db, no, &mid, &eid);
	if (rc == STORE_NOTFOUND) {
		*free_ = true;
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	if (mid && mid != own_membership)
		return STORE_OK;
	if (eid && (store_roster_entry_get(r->db, eid, &e) != STORE_OK || !own_membership ||
		    e.membership_id != own_membership))
		return STORE_OK;
	*free_ = true;
	return STORE_OK;
}

static bool check_member_no(http_request *r, json_t *d, int64_t own_membership, bool submit)
{
	json_t *v = json_object_get(d, "member_no");
	if (!given(d, "member_no"))
		return true;
	if (!json_is_string(v))
		return bad(r, "data.member_no", domain_member_no_message(MEMBER_NO_FORMAT));
	member_no_status st = domain_member_no_check(json_string_value(v));
	if (st != MEMBER_NO_OK)
		return bad(r, "data.member_no", domain_member_no_message(st));
	bool free_ = true;
	if (submit && member_no_free(r, json_string_value(v), own_membership, &free_) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	return free_ ? true : bad(r, "data.member_no", "该会员编号已被使用，请核对");
}

/* The unit and place fields both forms share: unit_id (picked by 【搜索】) or unit_name, and
 * 区 + 镇街. */
static bool check_place(http_request *r, json_t *d)
{
	json_t *uv = json_object_get(d, "unit_id");
	unit_row u;
	if (given(d, "unit_id") && (!json_is_integer(uv) || json_integer_value(uv) < 1 ||
				    store_unit_get(r->db, json_integer_value(uv), &u) != STORE_OK))
		return bad(r, "data.unit_id", "请通过【搜索】选择工作单位");
	if (given(d, "unit_id"))
		json_object_del(d, "unit_name");
	if (!plain_text(d, "unit_name", 100))
		return bad(r, "data.unit_name", "单位名称不超过100个字");
	json_t *dv = json_object_get(d, "district_code"), *sv = json_object_get(d, "street_code");
	const char *district = json_is_string(dv) ? json_string_value(dv) : NULL;
	if (given(d, "district_code") && !app_region_is_district(district))
		return bad(r, "data.district_code", "请选择工作单位所在区");
	if (given(d, "street_code") &&
	    (!json_is_string(sv) || !app_region_street_in(json_string_value(sv), district)))
		return bad(r, "data.street_code", "请选择所选区下的镇街");
	return true;
}

/* Drops the fields a form does not know: they are not stored. */
static void keep_only(json_t *d, const char *const *known, size_t n)
{
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(d, tmp, key, value)
	{
		bool ok = false;
		for (size_t i = 0; i < n; i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok)
			json_object_del(d, key);
	}
}

/* Answers 422 incomplete when a required field is missing; labels[i] names keys[i]. */
static bool require(http_request *r, json_t *d, const char *const *keys,
		    const char *const *labels, size_t n)
{
	json_t *fields = json_array();
	buf msg = {0};
	buf_puts(&msg, "请填写：");
	for (size_t i = 0; i < n; i++) {
		if (given(d, keys[i]))
			continue;
		if (json_array_size(fields))
			buf_puts(&msg, "、");
		buf_puts(&msg, labels[i]);
		json_array_append_new(fields, json_string(keys[i]));
	}
	bool ok = json_array_size(fields) == 0;
	if (ok)
		json_decref(fields);
	else
		res_json(r, 422, json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "incomplete",
					   "message", msg.data, "fields", fields));
	buf_free(&msg);
	return ok;
}

/* The organisation of a unit and place, as joining routes: the unit's union, else the union of
 * the 镇街. */
/* Where a record of this place belongs (routing.c): the unit's active union, else the street
 * union of 区+镇街 or, when that one was deactivated, its nearest active ancestor. */
static bool org_of_place(http_request *r, json_t *d, int64_t *org_id, int64_t *unit_id)
{
	json_t *uv = json_object_get(d, "unit_id");
	unit_row u;
	*unit_id = 0;
	if (json_is_integer(uv) && store_unit_get(r->db, json_integer_value(uv), &u) == STORE_OK) {
		*unit_id = u.id;
		if ((*org_id = route_unit_union(r, &u)) != 0)
			return true;
	}
	return route_street_union(r, json_string_value(json_object_get(d, "street_code")), org_id);
}

static void place_display(http_request *r, json_t *out, json_t *d)
{
	json_t *uv = json_object_get(d, "unit_id");
	unit_row u;
	json_object_set_new(out, "unit",
			    json_is_integer(uv) && store_unit_get(r->db, json_integer_value(uv),
								  &u) == STORE_OK
				    ? render_unit_with_union(r->db, &u)
				    : json_null());
	const char *dc = json_string_value(json_object_get(d, "district_code"));
	const char *sc = json_string_value(json_object_get(d, "street_code"));
	json_object_set_new(out, "district_name", json_string(dc ? app_region_name(dc) : ""));
	json_object_set_new(out, "street_name", json_string(sc ? app_region_name(sc) : ""));
	int64_t org_id, unit_id;
	org_row o;
	json_object_set_new(out, "org_after",
			    org_of_place(r, d, &org_id, &unit_id) &&
					    store_org_get(r->db, org_id, &o) == STORE_OK
				    ? json_pack("{s:I, s:s}", "id", (json_int_t)o.id, "name", o.name)
				    : json_null());
}

static json_t *membership_json(const membership_row *m)
{
	member_status st = MEMBER_ACTIVE;
	char day[11];
	domain_member_status_parse(m->status, &st);
	roster_date_of(m->joined_at, day);
	return json_pack("{s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s}", "org", "id",
			 (json_int_t)m->org_id, "name", m->org_name, "joined_on", day, "member_no",
			 m->member_no, "status", m->status, "status_label",
			 domain_member_status_label(st), "source", m->source);
}

typedef struct condition {
	const char *key, *label, *reason;
	bool passed;
} condition;

static void respond_eligibility(http_request *r, const condition *c, int n, const app_row *open,
				json_t *membership)
{
	json_t *arr = json_array();
	bool all = true;
	for (int i = 0; i < n; i++) {
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s}", "key", c[i].key, "label",
						     c[i].label, "passed", c[i].passed, "reason",
						     c[i].reason));
		all = all && c[i].passed;
	}
	json_t *o = open ? json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)open->id, "ref",
				     open->ref, "kind", open->kind, "status", open->status)
			 : json_null();
	res_json(r, 200, json_pack("{s:b, s:o, s:o, s:o}", "eligible", all, "conditions", arr,
				   "open_application", o, "membership",
				   membership ? membership : json_null()));
}

/* ---- 信息变更 (correction) ---- */

static const char *const correction_items[] = {"org", "joined_on", "member_no"};
enum { CORRECTION_ITEMS = 3 };

static bool correction_conditions(http_request *r, condition c[2], membership_row *m,
				  bool *member, app_row *open, bool *has_open)
{
	store_rc rc = store_membership_current(r->db, r->subject_id, m);
	store_rc ro = store_app_open_of(r->db, r->subject_id, "correction", open);
	if (rc == STORE_ERR || ro == STORE_ERR)
		return false;
	*member = rc == STORE_OK;
	*has_open = ro == STORE_OK;
	c[0] = (condition){"member", "当前具有有效会籍",
			   *member ? arena_printf(&r->mem, "%s · 会员编号%s", m->org_name, m->member_no)
				   : "您当前没有会籍信息；线下入会但不在系统中的，请办理信息登记",
			   *member};
	c[1] = (condition){"no_open_application", "没有正在办理的信息变更申请",
			   *has_open ? "您已有一份信息变更申请正在办理或待提交，请在“我的办事”中继续办理"
				     : "没有正在办理的信息变更申请",
			   !*has_open};
	return true;
}

static bool correction_eligible(http_request *r, const char **reason)
{
	condition c[2];
	membership_row m;
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool member, has_open;
	if (!correction_conditions(r, c, &m, &member, open, &has_open)) {
		*reason = "服务暂时不可用，请稍后再试";
		return false;
	}
	*reason = !c[0].passed ? c[0].reason : c[1].reason;
	return c[0].passed && c[1].passed;
}

void h_correction_eligibility(http_request *r)
{
	condition c[2];
	membership_row m;
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool member, has_open;
	if (!correction_conditions(r, c, &m, &member, open, &has_open)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	respond_eligibility(r, c, 2, has_open ? open : NULL, member ? membership_json(&m) : NULL);
}

void h_correction_agreement(http_request *r)
{
	app_agreement(r, APP_KIND_CORRECTION);
}

void h_correction_consent(http_request *r)
{
	app_consent(r, APP_KIND_CORRECTION);
}

static bool item_chosen(json_t *d, const char *item)
{
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(d, "items"), i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), item) == 0)
			return true;
	}
	return false;
}

static bool check_items(http_request *r, json_t *d)
{
	json_t *items = json_object_get(d, "items"), *v;
	size_t i;
	if (!items || json_is_null(items))
		return true;
	if (!json_is_array(items) || json_array_size(items) > CORRECTION_ITEMS)
		return bad(r, "data.items", "请选择要变更的项目：所属工会、入会日期、会员编号");
	json_array_foreach(items, i, v)
	{
		bool known = false;
		for (int k = 0; json_is_string(v) && k < CORRECTION_ITEMS; k++)
			known = known || strcmp(json_string_value(v), correction_items[k]) == 0;
		for (size_t j = 0; known && j < i; j++)
			known = !json_equal(json_array_get(items, j), v);
		if (!known)
			return bad(r, "data.items", "变更项目应为 org、joined_on、member_no，且不能重复");
	}
	return true;
}

/* At submit: each chosen item must change something. */
static bool correction_changes(http_request *r, json_t *d, const membership_row *m)
{
	char day[11];
	roster_date_of(m->joined_at, day);
	int64_t org_id = 0, unit_id = 0;
	if (item_chosen(d, "org") && !org_of_place(r, d, &org_id, &unit_id))
		return bad(r, "data.street_code", "找不到所填单位或镇街的工会组织，请检查工作单位所在地");
	if (item_chosen(d, "org") && org_id == m->org_id && unit_id == m->unit_id)
		return bad(r, "data.street_code", "所填单位和所在地对应的工会与当前所属工会相同");
	if (item_chosen(d, "joined_on") &&
	    strcmp(json_string_value(json_object_get(d, "joined_on")), day) == 0)
		return bad(r, "data.joined_on", "入会日期与当前登记的相同");
	if (item_chosen(d, "member_no") &&
	    strcmp(json_string_value(json_object_get(d, "member_no")), m->member_no) == 0)
		return bad(r, "data.member_no", "会员编号与当前登记的相同");
	return true;
}

static bool correction_check(http_request *r, json_t *d, bool submit)
{
	static const char *const known[] = {"items",	   "unit_id",  "unit_name",
					    "district_code", "street_code", "joined_on",
					    "member_no",     "explanation"};
	keep_only(d, known, sizeof(known) / sizeof(known[0]));
	membership_row m;
	bool member = store_membership_current(r->db, r->subject_id, &m) == STORE_OK;
	if (!check_items(r, d))
		return false;
	if (submit) {
		/* The fields of items not chosen are dropped, as 会籍变更 drops 转入单位 for the
		 * reasons without one. */
		if (!item_chosen(d, "org")) {
			static const char *const place[] = {"unit_id", "unit_name", "district_code",
							    "street_code"};
			for (size_t i = 0; i < sizeof(place) / sizeof(place[0]); i++)
				json_object_del(d, place[i]);
		}
		if (!item_chosen(d, "joined_on"))
			json_object_del(d, "joined_on");
		if (!item_chosen(d, "member_no"))
			json_object_del(d, "member_no");
	}
	if (!check_place(r, d) || !check_joined_on(r, d, r->subject_id) ||
	    !check_member_no(r, d, member ? m.id : 0, submit))
		return false;
	if (!plain_text(d, "explanation", 200))
		return bad(r, "data.explanation", "情况说明不超过200个字");
	if (!submit)
		return true;
	if (!member)
		return bad(r, "data.items", "您当前没有有效会籍，不能办理信息变更");
	const char *keys[6], *labels[6];
	size_t n = 0;
	keys[n] = "items";
	labels[n++] = "变更项目";
	if (item_chosen(d, "org")) {
		keys[n] = "district_code";
		labels[n++] = "工作单位所在区";
		keys[n] = "street_code";
		labels[n++] = "工作单位所在镇街";
	}
	if (item_chosen(d, "joined_on")) {
		keys[n] = "joined_on";
		labels[n++] = "入会日期";
	}
	if (item_chosen(d, "member_no")) {
		keys[n] = "member_no";
		labels[n++] = "会员编号";
	}
	keys[n] = "explanation";
	labels[n++] = "情况说明";
	if (!require(r, d, keys, labels, n))
		return false;
	if (form_utf8_len(json_string_value(json_object_get(d, "explanation"))) < 5)
		return bad(r, "data.explanation", "情况说明请写5–200个字");
	if (!correction_changes(r, d, &m))
		return false;
	char day[11];
	roster_date_of(m.joined_at, day);
	json_object_set_new(d, "_current",
			    json_pack("{s:s, s:s, s:s}", "org", m.org_name, "joined_on", day,
				      "member_no", m.member_no));
	return true;
}

static bool correction_route(http_request *r, json_t *d, int64_t *org_id)
{
	membership_row m;
	if (store_membership_current(r->db, r->subject_id, &m) != STORE_OK)
		return false;
	*org_id = m.org_id;
	return true;
}

/* Latest event time of the worker's other (earlier) memberships, and this one's first. */
static bool membership_bounds(http_request *r, const membership_row *m, int64_t *earlier_end,
			      int64_t *recorded)
{
	membership_row *ms = arena_alloc(&r->mem, sizeof(membership_row) * OLD_MEMBERSHIPS_MAX);
	membership_event_row *ev = arena_alloc(&r->mem, sizeof(membership_event_row) * EVENTS_MAX);
	int n = 0, ne = 0;
	*earlier_end = 0;
	*recorded = m->joined_at;
	if (store_membership_list(r->db, m->worker_id, ms, OLD_MEMBERSHIPS_MAX, &n) != STORE_OK)
		return false;
	for (int i = 0; i < n; i++) {
		if (store_membership_events(r->db, ms[i].id, ev, EVENTS_MAX, &ne) != STORE_OK)
			return false;
		for (int j = 0; j < ne; j++) {
			if (ms[i].id != m->id && ev[j].at > *earlier_end)
				*earlier_end = ev[j].at;
			if (ms[i].id == m->id && j == 0)
				*recorded = ev[j].at;
		}
	}
	return true;
}

static bool correction_approve(http_request *r, const app_row *a, json_t *d, const char **why)
{
	membership_row m, n;
	if (store_membership_current(r->db, a->worker_id, &m) != STORE_OK) {
		*why = "申请人当前已没有有效会籍，请作不通过处理";
		return false;
	}
	if (!roster_lock(r))
		return false;
	n = m;
	buf note = {0};
	buf_puts(&note, "信息变更：");
	bool ok = true;
	org_row after;
	if (item_chosen(d, "org")) {
		ok = org_of_place(r, d, &n.org_id, &n.unit_id) &&
		     store_org_get(r->db, n.org_id, &after) == STORE_OK;
		if (ok) {
			snprintf(n.org_name, sizeof(n.org_name), "%s", after.name);
			buf_printf(&note, "所属工会 %s → %s；", m.org_name, after.name);
		} else {
			*why = "所填单位或镇街已没有可归属的工会组织，请退回修改";
		}
	}
	char old_day[11], new_day[11];
	roster_date_of(m.joined_at, old_day);
	int y = 0, mo, dd;
	if (ok && item_chosen(d, "joined_on") &&
	    domain_date_parse(json_string_value(json_object_get(d, "joined_on")), false, &y, &mo,
			      &dd)) {
		int64_t earlier_end, recorded;
		n.joined_at = roster_day_start(y, mo, dd);
		roster_date_of(n.joined_at, new_day);
		ok = membership_bounds(r, &m, &earlier_end, &recorded);
		/* The history stays in order: joined after any earlier membership ended, and not
		 * after the day this membership was recorded. */
		char end_day[11], rec_day[11];
		roster_date_of(earlier_end, end_day);
		roster_date_of(recorded, rec_day);
		if (ok && earlier_end && strcmp(new_day, end_day) < 0) {
			*why = arena_printf(&r->mem, "入会日期不能早于申请人上一段会籍的结束日期（%s）",
					    end_day);
			ok = false;
		} else if (ok && strcmp(new_day, rec_day) > 0) {
			*why = arena_printf(&r->mem, "入会日期不能晚于该会籍在系统中建立的日期（%s）",
					    rec_day);
			ok = false;
		}
		if (ok)
			buf_printf(&note, "入会日期 %s → %s；", old_day, new_day);
	}
	if (ok && item_chosen(d, "member_no")) {
		const char *no = json_string_value(json_object_get(d, "member_no"));
		bool free_ = false;
		ok = no && member_no_free(r, no, m.id, &free_) == STORE_OK && free_;
		if (ok) {
			buf_printf(&note, "会员编号 %s → %s；", m.member_no, no);
			snprintf(n.member_no, sizeof(n.member_no), "%s", no);
		} else {
			*why = "申请的会员编号已被使用，请退回修改";
		}
	}
	int year;
	long long id;
	/* A number the system gave carries the year joined: it follows a corrected year. */
	if (ok && !item_chosen(d, "member_no") && n.joined_at != m.joined_at &&
	    domain_member_no_system(m.member_no, &year, &id) && id == m.id && year != y) {
		snprintf(n.member_no, sizeof(n.member_no), "XM%04d%08lld", y, id);
		buf_printf(&note, "会员编号随入会年份 %s → %s；", m.member_no, n.member_no);
	}
	if (ok)
		ok = store_membership_correct(r->db, &n, a->ref, note.data, clock_now()) == STORE_OK;
	buf_free(&note);
	return ok;
}

static json_t *correction_display(http_request *r, const app_row *a, json_t *d)
{
	static const char *const labels[] = {"所属工会", "入会日期", "会员编号"};
	json_t *out = json_object(), *items = json_array();
	for (int k = 0; k < CORRECTION_ITEMS; k++)
		if (item_chosen(d, correction_items[k]))
			json_array_append_new(items, json_string(labels[k]));
	json_object_set_new(out, "item_labels", items);
	place_display(r, out, d);
	json_t *snap = json_object_get(d, "_current");
	membership_row m;
	char day[11];
	if (json_is_object(snap)) {
		json_object_set(out, "current", snap);
	} else if (store_membership_current(r->db, a->worker_id, &m) == STORE_OK) {
		roster_date_of(m.joined_at, day);
		json_object_set_new(out, "current",
				    json_pack("{s:s, s:s, s:s}", "org", m.org_name, "joined_on", day,
					      "member_no", m.member_no));
	}
	return out;
}

const app_kind_ops correction_ops = {
	.kind = APP_KIND_CORRECTION,
	.agreement_document = "correction_agreement",
	.agreement_version = VERIFY_AGREEMENT_VERSION,
	.agreement_title = "会员信息变更承诺书",
	.agreement_text = correction_agreement,
	.eligible = correction_eligible,
	.check = correction_check,
	.route = correction_route,
	.route_field = "data.items",
	.approve = correction_approve,
	.next_steps = "您的信息变更申请已递交，将由您当前所在的工会组织审核，一般在15个工作日内办理完毕。"
		      "审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度；"
		      "在审核人员受理前，您可以撤回申请并修改后重新提交。",
	.display = correction_display,
};

/* ---- 信息登记 (registration) ---- */

static bool registration_conditions(http_request *r, condition c[2], app_row *open,
				    bool *has_open)
{
	membership_row m;
	roster_blocks b;
	app_row *join = arena_alloc(&r->mem, sizeof(app_row));
	store_rc rc = store_membership_current(r->db, r->subject_id, &m);
	store_rc rj = store_app_open_of(r->db, r->subject_id, "join", join);
	store_rc ro = store_app_open_of(r->db, r->subject_id, "registration", open);
	if (rc == STORE_ERR || rj == STORE_ERR || ro == STORE_ERR ||
	    !roster_blocks_of(r, r->subject_id, &b))
		return false;
	if (ro != STORE_OK && rj == STORE_OK)
		*open = *join;
	*has_open = ro == STORE_OK || rj == STORE_OK;
	bool member = rc == STORE_OK;
	c[0] = (condition){"not_member", "当前没有会籍信息",
			   member ? "您的会籍信息已在系统中，无需登记；如信息有误，请办理信息变更"
			   : b.flagged ? "您的线下入会记录在多个工会组织的名册中重复出现，正由上级工会核实处理"
				       : "系统中没有您的会籍信息",
			   !member && !b.flagged};
	c[1] = (condition){"no_open_application", "没有正在办理的入会、登记或认领申请",
			   ro == STORE_OK ? "您已有一份信息登记申请正在办理或待提交，请在“我的办事”中继续办理"
			   : rj == STORE_OK ? "您已有一份入会申请正在办理或待提交，请在“我的办事”中继续办理"
			   : b.open_claim ? "系统在线下会员名册中找到了您的记录，会员信息认领正在由工会确认"
					  : "没有正在办理的入会、登记或认领申请",
			   !*has_open && !b.open_claim};
	return true;
}

static bool registration_eligible(http_request *r, const char **reason)
{
	condition c[2];
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool has_open;
	if (!registration_conditions(r, c, open, &has_open)) {
		*reason = "服务暂时不可用，请稍后再试";
		return false;
	}
	*reason = !c[0].passed ? c[0].reason : c[1].reason;
	return c[0].passed && c[1].passed;
}

void h_registration_eligibility(http_request *r)
{
	condition c[2];
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool has_open;
	if (!registration_conditions(r, c, open, &has_open)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	respond_eligibility(r, c, 2, has_open ? open : NULL, NULL);
}

void h_registration_agreement(http_request *r)
{
	app_agreement(r, APP_KIND_REGISTRATION);
}

void h_registration_consent(http_request *r)
{
	app_consent(r, APP_KIND_REGISTRATION);
}

static bool registration_check(http_request *r, json_t *d, bool submit)
{
	static const char *const known[] = {"unit_id",	 "unit_name", "district_code",
					    "street_code", "joined_on", "member_no",
					    "explanation"};
	keep_only(d, known, sizeof(known) / sizeof(known[0]));
	if (!check_place(r, d) || !check_joined_on(r, d, r->subject_id) ||
	    !check_member_no(r, d, 0, false))
		return false;
	if (!plain_text(d, "explanation", 200))
		return bad(r, "data.explanation", "情况说明不超过200个字");
	static const char *const keys[] = {"district_code", "street_code", "joined_on"};
	static const char *const labels[] = {"工作单位所在区", "工作单位所在镇街", "入会日期"};
	return !submit || require(r, d, keys, labels, 3);
}

static bool registration_route(http_request *r, json_t *d, int64_t *org_id)
{
	int64_t unit_id;
	return org_of_place(r, d, org_id, &unit_id);
}

static bool registration_approve(http_request *r, const app_row *a, json_t *d, const char **why)
{
	membership_row m;
	roster_blocks b;
	account_row w;
	int y, mo, dd;
	store_rc rc = store_membership_current(r->db, a->worker_id, &m);
	if (rc != STORE_NOTFOUND || !roster_blocks_of(r, a->worker_id, &b)) {
		*why = rc == STORE_OK ? "申请人已有有效会籍，无需登记，请作不通过处理" : NULL;
		return false;
	}
	if (b.flagged) {
		*why = "申请人的线下名册记录存在重复，正在由上级工会处理，请作不通过处理";
		return false;
	}
	if (!roster_lock(r) || store_account_get(r->db, SUBJECT_WORKER, a->worker_id, &w) != STORE_OK ||
	    !domain_date_parse(json_string_value(json_object_get(d, "joined_on")), false, &y, &mo, &dd))
		return false;
	const char *no = json_string_value(json_object_get(d, "member_no"));
	bool free_ = false;
	if (no && member_no_free(r, no, 0, &free_) != STORE_OK)
		return false;
	json_t *uv = json_object_get(d, "unit_id");
	char day[11];
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo, dd);
	membership_new n = {
		.worker_id = a->worker_id, .org_id = a->org_id,
		.unit_id = json_is_integer(uv) ? json_integer_value(uv) : 0,
		.status = domain_member_status_name(MEMBER_ACTIVE), .source = "registration",
		.member_no = no && free_ ? no : NULL, .joined_at = roster_day_start(y, mo, dd),
		.verified_at = clock_now(), .application_ref = a->ref,
		.note = arena_printf(&r->mem, "信息登记：线下入会，入会日期%s%s", day,
				     no && !free_ ? "；所填会员编号已被使用，已分配新编号" : "")};
	rc = store_membership_create(r->db, &n, clock_now(), &m);
	if (rc == STORE_CONFLICT)
		*why = "申请人已有有效会籍，无需登记，请作不通过处理";
	/* A roster entry with the same ID number (a claim refused earlier) now meets a
	 * membership: linked in the same organisation, flagged elsewhere. */
	return rc == STORE_OK && roster_link_worker(r, &w);
}

static json_t *registration_display(http_request *r, const app_row *a, json_t *d)
{
	json_t *out = json_object();
	place_display(r, out, d);
	return out;
}

const app_kind_ops registration_ops = {
	.kind = APP_KIND_REGISTRATION,
	.agreement_document = "registration_agreement",
	.agreement_version = VERIFY_AGREEMENT_VERSION,
	.agreement_title = "会员信息登记承诺书",
	.agreement_text = registration_agreement,
	.eligible = registration_eligible,
	.check = registration_check,
	.route = registration_route,
	.route_field = "data.street_code",
	.approve = registration_approve,
	.next_steps = "您的信息登记申请已递交，将由所填单位的工会（单位未建会的，由所在镇街工会）核实，"
		      "一般在15个工作日内办理完毕。审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度；"
		      "在审核人员受理前，您可以撤回申请并修改后重新提交。",
	.display = registration_display,
};

/* ---- 会员信息认领 (claim): made by the system ---- */

bool claim_open(http_request *r, roster_entry_row *e, const account_row *w)
{
	char request_id[64], digits[9];
	crypto_digits(digits, 8);
	snprintf(request_id, sizeof(request_id), "system-claim-%lld-%s", (long long)e->id, digits);
	json_t *data = json_pack("{s:I}", "entry_id", (json_int_t)e->id);
	char *text = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	app_new n = {.worker_id = w->id, .kind = domain_app_kind_name(APP_KIND_CLAIM),
		     .status = domain_app_status_name(APP_DRAFT), .data = text,
		     .request_id = request_id, .ref_prefix = domain_app_kind_prefix(APP_KIND_CLAIM)};
	int64_t id = 0, now = clock_now();
	/* On the heap, not the arena: an import may open thousands. */
	app_row *a = xcalloc(1, sizeof(app_row));
	store_rc rc = store_app_create(r->db, &n, now, &id);
	free(text);
	app_change ch = {.org_id = e->org_id};
	bool ok = rc == STORE_CONFLICT; /* an open claim already (cannot be another entry's) */
	if (rc == STORE_OK && store_app_get(r->db, id, a) == STORE_OK &&
	    app_apply(r, a, ACT_SUBMIT, &ch, "system", "系统") == STORE_OK) {
		char detail[96];
		snprintf(e->status, sizeof(e->status), "%s", domain_roster_status_name(ROSTER_CLAIM));
		e->worker_id = w->id;
		e->application_id = id;
		snprintf(detail, sizeof(detail), "roster entry %lld, worker %lld", (long long)e->id,
			 (long long)w->id);
		ok = store_roster_entry_set(r->db, e, domain_roster_status_name(ROSTER_UNLINKED),
					    now) == STORE_OK &&
		     store_audit(r->db, "system", 0, "roster.claim", a->ref, r->client, detail, now) ==
			     STORE_OK;
	}
	free(a);
	return ok;
}

bool claim_close(http_request *r, int64_t application_id, const char *reason)
{
	app_row *a = xcalloc(1, sizeof(app_row));
	app_status st;
	app_change ch = {.reason = reason};
	bool ok = !application_id;
	if (application_id && store_app_get(r->db, application_id, a) == STORE_OK)
		ok = !domain_app_status_parse(a->status, &st) || !domain_app_open(st) ||
		     app_apply(r, a, ACT_REJECT, &ch, "system", "系统") == STORE_OK;
	free(a);
	return ok;
}

static bool claim_eligible(http_request *r, const char **reason)
{
	*reason = "会员信息认领由系统发起，不能自行提交";
	return false;
}

static bool claim_check(http_request *r, json_t *d, bool submit)
{
	return bad(r, "kind", "会员信息认领由系统发起，不能自行提交");
}

static bool claim_route(http_request *r, json_t *d, int64_t *org_id)
{
	return false;
}

/* The claim's entry, if it is still the one this application claims. */
static bool claimed_entry(http_request *r, const app_row *a, json_t *d, roster_entry_row *e)
{
	json_t *v = json_object_get(d, "entry_id");
	return json_is_integer(v) &&
	       store_roster_entry_get(r->db, json_integer_value(v), e) == STORE_OK &&
	       strcmp(e->status, domain_roster_status_name(ROSTER_CLAIM)) == 0 &&
	       e->application_id == a->id && e->worker_id == a->worker_id;
}

static bool claim_approve(http_request *r, const app_row *a, json_t *d, const char **why)
{
	roster_entry_row e;
	if (!roster_lock(r))
		return false;
	if (!claimed_entry(r, a, d, &e)) {
		*why = "该名册记录已发生变化（可能已被标记为重复），请作不通过处理";
		return false;
	}
	store_rc rc = roster_membership_from(r, &e, a->worker_id, a->ref,
					     "会员信息认领确认，已与会员名册关联");
	if (rc == STORE_CONFLICT)
		*why = "申请人已有有效会籍，请作不通过处理";
	return rc == STORE_OK;
}

/* 不通过: the entry waits again; this account is not asked to claim it again. */
static bool claim_rejected(http_request *r, const app_row *a, json_t *d)
{
	roster_entry_row e;
	if (!claimed_entry(r, a, d, &e))
		return true;
	snprintf(e.status, sizeof(e.status), "%s", domain_roster_status_name(ROSTER_UNLINKED));
	return store_roster_entry_set(r->db, &e, domain_roster_status_name(ROSTER_CLAIM),
				      clock_now()) != STORE_ERR;
}

static json_t *claim_display(http_request *r, const app_row *a, json_t *d)
{
	json_t *v = json_object_get(d, "entry_id");
	roster_entry_row e;
	if (!json_is_integer(v) || store_roster_entry_get(r->db, json_integer_value(v), &e) != STORE_OK)
		return json_pack("{s:n}", "roster");
	char phone[12];
	domain_phone_mask(e.phone, phone);
	return json_pack("{s:{s:{s:I, s:s}, s:s, s:s, s:s, s:s}}", "roster", "org", "id",
			 (json_int_t)e.org_id, "name", e.org_name, "name", e.name, "joined_on",
			 e.joined_on, "member_no", e.member_no, "phone_masked", phone);
}

const app_kind_ops claim_ops = {
	.kind = APP_KIND_CLAIM,
	.agreement_document = "none",
	.agreement_version = "",
	.agreement_title = "",
	.agreement_text = "",
	.eligible = claim_eligible,
	.check = claim_check,
	.route = claim_route,
	.approve = claim_approve,
	.rejected = claim_rejected,
	.system_only = true,
	.next_steps = "系统在线下会员名册中找到了与您身份证号一致的入会记录，但登记的手机号与您的账号不同，"
		      "已提交该工会组织确认。确认后您的会籍将自动关联，结果将以短信通知您。",
	.display = claim_display,
};

/* ---- 信息核实 ---- */

void h_verification_get(http_request *r)
{
	membership_row m;
	roster_blocks b;
	app_row *open = arena_alloc(&r->mem, sizeof(app_row)), *join = arena_alloc(&r->mem, sizeof(app_row));
	store_rc rc = store_membership_current(r->db, r->subject_id, &m);
	store_rc rj = store_app_open_of(r->db, r->subject_id, "join", join);
	if (rc == STORE_ERR || rj == STORE_ERR || !roster_blocks_of(r, r->subject_id, &b)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool member = rc == STORE_OK;
	const char *state = b.open_claim ? "claim_pending"
			    : b.flagged	 ? "flagged"
			    : !member	 ? "none"
			    : strcmp(m.source, "roster") == 0 && !m.verified_at ? "unverified"
										 : "verified";
	json_t *record = json_null();
	if (member) {
		account_row w;
		record = membership_json(&m);
		if (store_account_get(r->db, SUBJECT_WORKER, r->subject_id, &w) == STORE_OK) {
			json_object_set_new(record, "name", json_string(w.name));
			json_object_set_new(record, "id_masked", json_string(w.id_masked));
		}
	}
	/* The open application of 信息核实与登记, if any: the claim, a registration, a correction. */
	static const char *const kinds[] = {"claim", "registration", "correction"};
	json_t *pending = json_null();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && json_is_null(pending); i++) {
		store_rc ro = store_app_open_of(r->db, r->subject_id, kinds[i], open);
		if (ro == STORE_OK)
			pending = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)open->id, "ref",
					open->ref, "kind", open->kind, "status", open->status);
	}
	bool can_register = !member && rj != STORE_OK && !b.open_registration && !b.open_claim &&
			    !b.flagged;
	res_json(r, 200, json_pack("{s:s, s:o, s:b, s:o}", "state", state, "record", record,
				   "can_register", can_register, "open_application", pending));
}

void h_verification_confirm(http_request *r)
{
	membership_row m;
	roster_blocks b;
	store_rc rc = store_membership_current(r->db, r->subject_id, &m);
	if (rc == STORE_ERR || !roster_blocks_of(r, r->subject_id, &b)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (rc != STORE_OK || b.flagged) {
		res_error(r, 409, "not_eligible",
			  rc != STORE_OK ? "您当前没有需要核实的会籍信息"
					 : "您的线下入会记录正在由上级工会核实处理，暂不能确认",
			  NULL);
		return;
	}
	int64_t now = clock_now();
	rc = db_begin(r->db, true) == DB_OK ? STORE_OK : STORE_ERR;
	if (rc == STORE_OK && !m.verified_at)
		rc = store_membership_verify(r->db, m.id, now);
	if (rc == STORE_OK && !m.verified_at)
		rc = store_audit(r->db, "worker", r->subject_id, "membership.verify", m.member_no,
				 r->client, NULL, now);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	h_verification_get(r);
}
