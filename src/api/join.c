/* join.c — 网上入会 (joining, SPEC §4): 条件检查, the 入会申请书 agreement and consent, the
 * form's rules, routing to the reviewing union, and what approval creates. The shared steps
 * (drafts, submit, withdraw, review) are in applications.c and review.c. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/member.h"
#include "util/buf.h"
#include "util/clock.h"

#define JOIN_AGREEMENT_VERSION "2026-11"

static const char join_agreement[] =
	"我自愿加入中华全国总工会，申请成为工会会员。\n\n"
	"一、我以工资收入为主要生活来源（或与用人单位建立劳动关系），自愿申请加入工会组织。\n"
	"二、我承认并遵守《中国工会章程》，拥护中国共产党的领导，认同工会的性质和任务。\n"
	"三、我愿意执行工会的决议，维护工会的团结统一，积极参加工会组织的各项活动。\n"
	"四、我愿意按照规定按时交纳会费。\n"
	"五、我了解：入会后依法享有工会会员的各项权利，同时履行会员义务；会籍随劳动（工作）"
	"关系变动而转移，同一时间只能在一个工会组织中保留会籍。\n"
	"六、我保证所填写的信息真实、准确、完整，并同意工会组织为办理入会和会员管理使用这些信息。\n\n"
	"点击【同意】即表示您已阅读并同意以上内容，系统将记录同意的时间和版本。";

static bool worker_age(http_request *r, int *age)
{
	account_row a;
	if (store_account_get(r->db, SUBJECT_WORKER, r->subject_id, &a) != STORE_OK)
		return false;
	int by, bm, bd, y, m, d;
	if (sscanf(a.birth_date, "%d-%d-%d", &by, &bm, &bd) != 3)
		return false;
	clock_date(clock_now(), &y, &m, &d);
	*age = y - by - (m < bm || (m == bm && d < bd));
	return true;
}

/* Gathers the facts of 条件检查; open receives the open join application if any. */
static bool join_facts_of(http_request *r, join_facts *f, app_row *open, bool *has_open)
{
	membership_row m;
	memset(f, 0, sizeof(*f));
	f->profile_complete = worker_age(r, &f->age);
	store_rc rc = store_membership_current(r->db, r->subject_id, &m);
	if (rc == STORE_ERR)
		return false;
	f->current_member = rc == STORE_OK;
	rc = store_app_open_of(r->db, r->subject_id, "join", open);
	if (rc == STORE_ERR)
		return false;
	*has_open = f->open_application = rc == STORE_OK;
	roster_blocks b;
	if (!roster_blocks_of(r, r->subject_id, &b))
		return false;
	f->open_registration = b.open_registration;
	f->open_claim = b.open_claim;
	f->roster_flagged = b.flagged;
	return true;
}

bool join_eligible(http_request *r, const char **reason)
{
	join_facts f;
	join_condition conds[JOIN_CONDITIONS];
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool has_open;
	if (!join_facts_of(r, &f, open, &has_open)) {
		*reason = "服务暂时不可用，请稍后再试";
		return false;
	}
	if (domain_join_eligibility(&f, conds))
		return true;
	for (int i = 0; i < JOIN_CONDITIONS; i++)
		if (!conds[i].passed) {
			*reason = conds[i].reason;
			break;
		}
	return false;
}

void h_join_eligibility(http_request *r)
{
	join_facts f;
	join_condition conds[JOIN_CONDITIONS];
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool has_open;
	if (!join_facts_of(r, &f, open, &has_open)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool ok = domain_join_eligibility(&f, conds);
	json_t *arr = json_array();
	for (int i = 0; i < JOIN_CONDITIONS; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s}", "key", conds[i].key,
						     "label", conds[i].label, "passed",
						     conds[i].passed, "reason", conds[i].reason));
	json_t *o = has_open ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)open->id, "ref",
					 open->ref, "status", open->status)
			     : json_null();
	res_json(r, 200, json_pack("{s:b, s:o, s:o}", "eligible", ok, "conditions", arr,
				   "open_application", o));
}

void h_join_agreement(http_request *r)
{
	app_agreement(r, APP_KIND_JOIN);
}

void h_join_consent(http_request *r)
{
	app_consent(r, APP_KIND_JOIN);
}

static json_t *option_array(const char *const *list)
{
	json_t *a = json_array();
	for (; *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

void h_join_options(http_request *r)
{
	res_json(r, 200, json_pack("{s:o, s:o, s:o}", "ethnicities", option_array(domain_ethnicities),
				   "educations", option_array(domain_educations),
				   "political_statuses", option_array(domain_political_statuses)));
}

void h_membership_get(http_request *r)
{
	membership_row *ms = arena_alloc(&r->mem, sizeof(membership_row) * 32);
	int n = 0;
	if (store_membership_list(r->db, r->subject_id, ms, 32, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *current = json_null(), *history = json_array();
	for (int i = 0; i < n; i++) {
		member_status st = MEMBER_ACTIVE;
		domain_member_status_parse(ms[i].status, &st);
		char joined[32];
		clock_iso8601(ms[i].joined_at + 8 * 3600, joined);
		joined[10] = '\0';
		membership_event_row ev[32];
		int ne = 0;
		store_membership_events(r->db, ms[i].id, ev, 32, &ne);
		json_t *events = json_array();
		for (int j = 0; j < ne; j++) {
			member_status es = MEMBER_ACTIVE;
			domain_member_status_parse(ev[j].status, &es);
			char at[32];
			clock_iso8601(ev[j].at, at);
			json_array_append_new(events,
					      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", at,
							"status", ev[j].status, "status_label",
							domain_member_status_label(es), "org",
							ev[j].org_name, "application_ref",
							ev[j].application_ref, "note", ev[j].note));
		}
		json_t *m = json_pack("{s:s, s:s, s:s, s:{s:I, s:s}, s:s, s:b, s:o}", "member_no",
				      ms[i].member_no, "status", ms[i].status, "status_label",
				      domain_member_status_label(st), "org", "id",
				      (json_int_t)ms[i].org_id, "name", ms[i].org_name, "joined_at",
				      joined, "current", ms[i].current, "events", events);
		if (ms[i].current && json_is_null(current))
			current = json_incref(m);
		json_array_append_new(history, m);
	}
	res_json(r, 200, json_pack("{s:o, s:o}", "membership", current, "history", history));
}

/* ---- the join form ---- */

static bool text_ok(json_t *v, size_t max_chars)
{
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || form_utf8_len(s) > max_chars)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool region_is(const char *code, const char *kind_district, const char *parent)
{
	for (int i = 0; i < APP.nregions; i++) {
		const region_row *g = &APP.regions[i];
		if (strcmp(g->code, code) != 0)
			continue;
		if (kind_district)
			return strcmp(g->kind, "district") == 0;
		return strcmp(g->kind, "district") != 0 && strcmp(g->kind, "city") != 0 &&
		       (!parent || strcmp(g->parent_code, parent) == 0);
	}
	return false;
}

static bool bad(http_request *r, const char *field, const char *message)
{
	api_fail_msg(r, ERR_INVALID_FIELD, field, message);
	return false;
}

static const struct {
	const char *key, *label;
} required_fields[] = {
	{"residence", "现居住地"},
	{"employment", "工作单位"},
	{"unit_id", "工作单位"},
	{"work_district", "工作单位所在区"},
	{"work_street", "工作单位所在镇街"},
};

/* Format checks; returns false after responding. */
static bool join_formats(http_request *r, json_t *d)
{
	json_t *v;
	if ((v = json_object_get(d, "residence")) && !json_is_null(v) && !text_ok(v, 100))
		return bad(r, "data.residence", "现居住地不超过100个字");
	v = json_object_get(d, "employment");
	const char *emp = json_is_string(v) ? json_string_value(v) : NULL;
	if (v && !json_is_null(v) && (!emp || (strcmp(emp, "unit") && strcmp(emp, "none"))))
		return bad(r, "data.employment", "请选择“有工作单位”或“无固定工作单位/灵活就业”");
	if ((v = json_object_get(d, "unit_id")) && !json_is_null(v)) {
		unit_row u;
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    store_unit_get(r->db, json_integer_value(v), &u) != STORE_OK)
			return bad(r, "data.unit_id", "请通过【搜索】选择工作单位");
	}
	v = json_object_get(d, "work_district");
	const char *district = json_is_string(v) ? json_string_value(v) : NULL;
	if (v && !json_is_null(v) && (!district || !region_is(district, "d", NULL)))
		return bad(r, "data.work_district", "请选择工作单位所在区");
	v = json_object_get(d, "work_street");
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || !region_is(json_string_value(v), NULL, district)))
		return bad(r, "data.work_street", "请选择所选区下的镇街");
	static const struct {
		const char *key, *message;
		const char *const *list;
	} options[] = {
		{"ethnicity", "请从列表中选择民族", domain_ethnicities},
		{"education", "请从列表中选择学历", domain_educations},
		{"political_status", "请从列表中选择政治面貌", domain_political_statuses},
	};
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		v = json_object_get(d, options[i].key);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			continue;
		if (!json_is_string(v) || !domain_option_valid(options[i].list, json_string_value(v)))
			return bad(r, arena_printf(&r->mem, "data.%s", options[i].key),
				   options[i].message);
	}
	if ((v = json_object_get(d, "position")) && !json_is_null(v) && !text_ok(v, 50))
		return bad(r, "data.position", "职务/岗位不超过50个字");
	return true;
}

static bool present(json_t *d, const char *key)
{
	json_t *v = json_object_get(d, key);
	return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v));
}

static bool join_check(http_request *r, json_t *d, bool submit)
{
	static const char *const known[] = {"residence", "employment", "unit_id", "work_district",
					    "work_street", "ethnicity", "education",
					    "political_status", "position"};
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(d, tmp, key, value)
	{
		bool ok = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok)
			json_object_del(d, key); /* unknown fields are not stored */
	}
	if (!join_formats(r, d))
		return false;
	json_t *emp = json_object_get(d, "employment");
	if (json_is_string(emp) && strcmp(json_string_value(emp), "none") == 0)
		json_object_del(d, "unit_id");
	if (!submit)
		return true;
	json_t *fields = json_array();
	buf msg = {0};
	buf_puts(&msg, "请填写：");
	for (size_t i = 0; i < sizeof(required_fields) / sizeof(required_fields[0]); i++) {
		const char *k = required_fields[i].key;
		if (strcmp(k, "unit_id") == 0 &&
		    !(json_is_string(emp) && strcmp(json_string_value(emp), "unit") == 0))
			continue;
		if (present(d, k))
			continue;
		if (json_array_size(fields))
			buf_puts(&msg, "、");
		buf_puts(&msg, required_fields[i].label);
		json_array_append_new(fields, json_string(k));
	}
	if (json_array_size(fields) == 0) {
		json_decref(fields);
		buf_free(&msg);
		return true;
	}
	res_json(r, 422,
		 json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "incomplete", "message", msg.data,
			   "fields", fields));
	buf_free(&msg);
	return false;
}

static bool join_route(http_request *r, json_t *d, int64_t *org_id)
{
	json_t *unit = json_object_get(d, "unit_id");
	if (json_is_integer(unit)) {
		unit_row u;
		if (store_unit_get(r->db, json_integer_value(unit), &u) != STORE_OK)
			return false;
		if ((*org_id = route_unit_union(r, &u)))
			return true;
	}
	/* No unit, or a unit without an (active) union: the street/town/zone union of
	 * 工作单位所在地. */
	return route_street_union(r, json_string_value(json_object_get(d, "work_street")), org_id);
}

static bool join_approve(http_request *r, const app_row *a, json_t *d, const char **why)
{
	membership_row m;
	json_t *unit = json_object_get(d, "unit_id");
	membership_new n = {.worker_id = a->worker_id, .org_id = a->org_id,
			    .unit_id = json_is_integer(unit) ? json_integer_value(unit) : 0,
			    .status = domain_member_status_name(MEMBER_ACTIVE), .source = "online",
			    .application_ref = a->ref, .note = "入会"};
	store_rc rc = store_membership_create(r->db, &n, clock_now(), &m);
	if (rc == STORE_CONFLICT) /* e.g. linked to an offline roster since it was filed */
		*why = "申请人已有有效会籍（可能已通过线下名册关联），无需再入会，请作不通过处理";
	return rc == STORE_OK;
}

static json_t *join_display(http_request *r, const app_row *a, json_t *d)
{
	json_t *out = json_object();
	account_row w; /* 性别 and 出生日期 of the join form come from the applicant's ID number */
	if (store_account_get(r->db, SUBJECT_WORKER, a->worker_id, &w) == STORE_OK) {
		json_object_set_new(out, "gender", json_string(w.gender == 1 ? "男" : "女"));
		json_object_set_new(out, "birth_date", json_string(w.birth_date));
	}
	json_t *unit = json_object_get(d, "unit_id");
	unit_row u;
	if (json_is_integer(unit) && store_unit_get(r->db, json_integer_value(unit), &u) == STORE_OK)
		json_object_set_new(out, "unit", render_unit_with_union(r->db, &u));
	else
		json_object_set_new(out, "unit", json_null());
	const char *dc = json_string_value(json_object_get(d, "work_district"));
	const char *sc = json_string_value(json_object_get(d, "work_street"));
	json_object_set_new(out, "work_district_name", json_string(dc ? app_region_name(dc) : ""));
	json_object_set_new(out, "work_street_name", json_string(sc ? app_region_name(sc) : ""));
	return out;
}

const app_kind_ops join_ops = {
	.kind = APP_KIND_JOIN,
	.agreement_document = "join_agreement",
	.agreement_version = JOIN_AGREEMENT_VERSION,
	.agreement_title = "中华全国总工会入会申请书",
	.agreement_text = join_agreement,
	.eligible = join_eligible,
	.check = join_check,
	.route = join_route,
	.approve = join_approve,
	.next_steps = "您的入会申请已递交，将由所属工会组织审核，一般在15个工作日内办理完毕。"
		      "审核结果将以短信通知您，您也可以在“我的办事”中随时查看办理进度；"
		      "在审核人员受理前，您可以撤回申请并修改后重新提交。",
	.display = join_display,
};
