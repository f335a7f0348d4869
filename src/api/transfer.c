/* transfer.c — 会籍变更 (membership change, SPEC §5): 条件检查 with the reasons that fit the
 * member's status, the 会籍关系变更提醒 agreement, the form's rules (转入单位 and its place
 * only for the two reasons that move to another unit), routing by the reason's reviewer, and
 * the effect of approval on the membership, kept as history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/transfer.h"
#include "util/clock.h"

#define TRANSFER_AGREEMENT_VERSION "2026-11"

static const char transfer_agreement[] =
	"工会会员会籍关系变更提醒\n\n"
	"一、会员的会籍随劳动（工作）关系走：劳动（工作）关系发生变化时，应及时将会籍转入新单位工会；"
	"新单位尚未建立工会的，会籍暂由所在地的镇（街道）、园区工会管理。\n"
	"二、同一时间只能在一个工会组织保留会籍，不能重复入会。\n"
	"三、会籍转出后，原工会不再为您提供会员服务，您将在新的工会组织享受会员权利、履行会员义务。\n"
	"四、下岗待岗、失业、企业破产、退休、服兵役期间可以保留会籍，保留会籍期间免交会费。\n"
	"五、个人要求退会或被开除会籍后，会籍终止；今后如需重新入会，可再次申请。\n"
	"六、请如实选择变更原因、填写转入单位，信息不实的申请将不予通过。\n\n"
	"点击【同意】即表示您已阅读并知晓以上内容，系统将记录同意的时间和版本。";

/* The worker's current membership; responds when there is none (unless quiet). */
static bool current_membership(http_request *r, membership_row *m, member_status *st)
{
	if (store_membership_current(r->db, r->subject_id, m) != STORE_OK)
		return false;
	return domain_member_status_parse(m->status, st);
}

static bool transfer_eligible(http_request *r, const char **reason)
{
	membership_row m;
	member_status st;
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	if (!current_membership(r, &m, &st)) {
		*reason = "您当前没有有效会籍，请先办理网上入会";
		return false;
	}
	if (store_app_open_of(r->db, r->subject_id, "transfer", open) == STORE_OK) {
		*reason = "您已有一份会籍变更申请正在办理或待提交，请在“我的办事”中继续办理";
		return false;
	}
	return true;
}

static json_t *reasons_json(bool has_member, member_status st)
{
	json_t *arr = json_array();
	for (int i = 0; i < REASON_COUNT; i++) {
		const transfer_rule *rule = domain_transfer_rule((transfer_reason)i);
		const char *why = "您当前没有有效会籍，不能办理会籍变更";
		bool ok = has_member && domain_transfer_allowed((transfer_reason)i, st, &why);
		const char *unit_rule = rule->unit == UNIT_WITH_UNION	   ? "with_union"
					: rule->unit == UNIT_WITHOUT_UNION ? "without_union"
									   : NULL;
		/* why and unit_rule are null (not left out) when there is none. */
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:b, s:o, s:b, s:o}", "key", rule->key,
				       "label", rule->label, "explanation", rule->explanation,
				       "allowed", ok, "why", ok ? json_null() : json_string(why),
				       "needs_unit", rule->unit != UNIT_NONE, "unit_rule",
				       unit_rule ? json_string(unit_rule) : json_null()));
	}
	return arr;
}

void h_transfer_eligibility(http_request *r)
{
	membership_row m;
	member_status st = MEMBER_ACTIVE;
	app_row *open = arena_alloc(&r->mem, sizeof(app_row));
	bool member = current_membership(r, &m, &st);
	bool has_open = store_app_open_of(r->db, r->subject_id, "transfer", open) == STORE_OK;
	json_t *conds = json_array();
	json_array_append_new(conds, json_pack("{s:s, s:s, s:b, s:s}", "key", "member", "label",
					       "当前具有有效会籍", "passed", member, "reason",
					       member ? arena_printf(&r->mem, "%s · %s", m.org_name,
								     domain_member_status_label(st))
						      : "您当前没有有效会籍，请先办理网上入会"));
	json_array_append_new(conds, json_pack("{s:s, s:s, s:b, s:s}", "key", "no_open_application",
					       "label", "没有正在办理的会籍变更申请", "passed",
					       !has_open, "reason",
					       has_open ? "您已有一份会籍变更申请正在办理或待提交，请在“我的办事”中继续办理"
							: "没有正在办理的会籍变更申请"));
	json_t *o = has_open ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)open->id, "ref",
					 open->ref, "status", open->status)
			     : json_null();
	json_t *mj = member ? json_pack("{s:s, s:s, s:s, s:{s:I, s:s}}", "member_no", m.member_no,
					"status", m.status, "status_label",
					domain_member_status_label(st), "org", "id",
					(json_int_t)m.org_id, "name", m.org_name)
			    : json_null();
	res_json(r, 200, json_pack("{s:b, s:o, s:o, s:o, s:o}", "eligible", member && !has_open,
				   "conditions", conds, "reasons", reasons_json(member, st),
				   "membership", mj, "open_application", o));
}

void h_transfer_agreement(http_request *r)
{
	app_agreement(r, APP_KIND_TRANSFER);
}

void h_transfer_consent(http_request *r)
{
	app_consent(r, APP_KIND_TRANSFER);
}

static bool bad(http_request *r, const char *field, const char *message)
{
	api_fail_msg(r, ERR_INVALID_FIELD, field, message);
	return false;
}

static bool present(json_t *d, const char *key)
{
	json_t *v = json_object_get(d, key);
	return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v));
}

static bool transfer_check(http_request *r, json_t *d, bool submit)
{
	static const char *const known[] = {"reason", "unit_id", "unit_district", "unit_street"};
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(d, tmp, key, value)
	{
		bool ok = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok)
			json_object_del(d, key);
	}
	transfer_reason reason = REASON_LABOR_CHANGE;
	json_t *rv = json_object_get(d, "reason");
	bool has_reason = present(d, "reason");
	if (has_reason && (!json_is_string(rv) ||
			   !domain_transfer_reason_parse(json_string_value(rv), &reason)))
		return bad(r, "data.reason", "请从列表中选择变更原因");
	const transfer_rule *rule = domain_transfer_rule(reason);
	membership_row m;
	if (has_reason) {
		member_status st;
		const char *why = NULL;
		if (!current_membership(r, &m, &st))
			return bad(r, "data.reason", "您当前没有有效会籍，不能办理会籍变更");
		if (!domain_transfer_allowed(reason, st, &why))
			return bad(r, "data.reason", why);
		if (rule->unit == UNIT_NONE) {
			/* 转入单位 is asked only for the two reasons that move to another unit. */
			json_object_del(d, "unit_id");
			json_object_del(d, "unit_district");
			json_object_del(d, "unit_street");
		}
	}
	/* The unit's format is checked even before a reason is chosen (as for joining). */
	json_t *uv = json_object_get(d, "unit_id");
	if (uv && !json_is_null(uv)) {
		unit_row u;
		if (!json_is_integer(uv) ||
		    store_unit_get(r->db, json_integer_value(uv), &u) != STORE_OK)
			return bad(r, "data.unit_id", "请通过【搜索】选择转入单位");
		if (has_reason) {
			if (rule->unit == UNIT_WITH_UNION && (!u.has_union || !u.union_org_id))
				return bad(r, "data.unit_id",
					   "该单位尚未建会，请选择变更原因“转入单位未建会”");
			if (rule->unit == UNIT_WITH_UNION && u.union_org_id == m.org_id)
				return bad(r, "data.unit_id", "转入单位与当前所在工会相同，无需变更");
			if (rule->unit == UNIT_WITHOUT_UNION && u.has_union)
				return bad(r, "data.unit_id",
					   "该单位已建会，请选择变更原因“劳动（工作）关系发生变化”");
		}
	}
	json_t *dv = json_object_get(d, "unit_district"), *sv = json_object_get(d, "unit_street");
	const char *district = json_is_string(dv) ? json_string_value(dv) : NULL;
	if (dv && !json_is_null(dv) && (!district || !app_region_is_district(district)))
		return bad(r, "data.unit_district", "请选择转入单位所在区");
	if (sv && !json_is_null(sv) &&
	    (!json_is_string(sv) || !app_region_street_in(json_string_value(sv), district)))
		return bad(r, "data.unit_street", "请选择所选区下的镇街");
	if (!submit)
		return true;
	/* The membership as it is when the change is filed: the review console shows it beside
	 * the requested change, even after approval has changed the membership. */
	membership_row cur;
	member_status cst;
	if (current_membership(r, &cur, &cst))
		json_object_set_new(d, "_current",
				    json_pack("{s:s, s:s, s:s}", "member_no", cur.member_no,
					      "status_label", domain_member_status_label(cst), "org",
					      cur.org_name));
	static const struct {
		const char *key, *label;
		bool unit_only;
	} required[] = {{"reason", "变更原因", false},
			{"unit_id", "转入单位", true},
			{"unit_district", "转入单位所在区", true},
			{"unit_street", "转入单位所在镇街", true}};
	json_t *fields = json_array();
	char msg[256] = "请填写：";
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (required[i].unit_only && (!has_reason || rule->unit == UNIT_NONE))
			continue;
		if (present(d, required[i].key))
			continue;
		if (json_array_size(fields))
			strncat(msg, "、", sizeof(msg) - strlen(msg) - 1);
		strncat(msg, required[i].label, sizeof(msg) - strlen(msg) - 1);
		json_array_append_new(fields, json_string(required[i].key));
	}
	if (!json_array_size(fields)) {
		json_decref(fields);
		return true;
	}
	res_json(r, 422, json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "incomplete", "message",
				   msg, "fields", fields));
	return false;
}

static bool transfer_route(http_request *r, json_t *d, int64_t *org_id)
{
	transfer_reason reason;
	membership_row m;
	member_status st;
	if (!domain_transfer_reason_parse(json_string_value(json_object_get(d, "reason")), &reason) ||
	    !current_membership(r, &m, &st))
		return false;
	const transfer_rule *rule = domain_transfer_rule(reason);
	const char *street = json_string_value(json_object_get(d, "unit_street"));
	unit_row u;
	switch (rule->reviewer) {
	case REVIEW_RECEIVING_UNION:
		if (store_unit_get(r->db, json_integer_value(json_object_get(d, "unit_id")), &u) !=
		    STORE_OK)
			return false;
		/* A receiving union deactivated meanwhile: the unit's street union decides. */
		if ((*org_id = route_unit_union(r, &u)))
			return true;
		return route_street_union(r, street, org_id);
	case REVIEW_TARGET_STREET:
		return route_street_union(r, street, org_id);
	case REVIEW_CURRENT_OR_PARENT: /* the current union, or above it if it no longer exists */
	case REVIEW_CURRENT_UNION:
		return route_active(r, m.org_id, org_id);
	}
	return false;
}

/* The street/town union that manages a member whose enterprise went bankrupt. */
static int64_t old_unit_street_org(http_request *r, const membership_row *m)
{
	unit_row u;
	int64_t id = 0;
	if (m->unit_id && store_unit_get(r->db, m->unit_id, &u) == STORE_OK &&
	    route_street_union(r, u.street_code, &id))
		return id;
	org_row cur;
	if (store_org_get(r->db, m->org_id, &cur) == STORE_OK)
		return strcmp(cur.kind, "grassroots") == 0 && cur.parent_id ? cur.parent_id : cur.id;
	return m->org_id;
}

static bool transfer_approve(http_request *r, const app_row *a, json_t *d, const char **refusal)
{
	transfer_reason reason;
	membership_row m;
	if (!domain_transfer_reason_parse(json_string_value(json_object_get(d, "reason")), &reason) ||
	    store_membership_current(r->db, a->worker_id, &m) != STORE_OK)
		return false;
	member_status st;
	const char *why;
	if (!domain_member_status_parse(m.status, &st) || !domain_transfer_allowed(reason, st, &why))
		return false; /* the membership changed since the application was made */
	const transfer_rule *rule = domain_transfer_rule(reason);
	int64_t org = m.org_id, unit = m.unit_id;
	json_t *uv = json_object_get(d, "unit_id");
	unit_row u;
	switch (rule->org) {
	case ORG_NEW_UNIT_UNION:
		if (store_unit_get(r->db, json_integer_value(uv), &u) != STORE_OK || !u.union_org_id)
			return false;
		org = u.union_org_id;
		unit = u.id;
		break;
	case ORG_TARGET_STREET:
		if (!route_street_union(r, json_string_value(json_object_get(d, "unit_street")), &org))
			return false;
		unit = json_integer_value(uv);
		break;
	case ORG_OLD_UNIT_STREET:
		org = old_unit_street_org(r, &m);
		break;
	case ORG_SAME:
		break;
	}
	int64_t now = clock_now();
	if (store_membership_change(r->db, m.id, domain_member_status_name(rule->result), org, unit,
				    domain_member_current(rule->result), a->ref, rule->label,
				    now) != STORE_OK)
		return false;
	if (rule->notify_parent) {
		org_row cur;
		if (store_org_get(r->db, m.org_id, &cur) == STORE_OK && cur.parent_id &&
		    store_org_notice_add(r->db, cur.parent_id,
					 arena_printf(&r->mem, "%s的会员（会员编号%s）因犯罪被开除会籍",
						      cur.name, m.member_no),
					 a->ref, now) != STORE_OK)
			return false;
	}
	return true;
}

static json_t *transfer_display(http_request *r, const app_row *a, json_t *d)
{
	json_t *out = json_object();
	transfer_reason reason;
	const char *key = json_string_value(json_object_get(d, "reason"));
	if (key && domain_transfer_reason_parse(key, &reason))
		json_object_set_new(out, "reason_label",
				    json_string(domain_transfer_rule(reason)->label));
	json_t *uv = json_object_get(d, "unit_id");
	unit_row u;
	json_object_set_new(out, "unit",
			    json_is_integer(uv) && store_unit_get(r->db, json_integer_value(uv),
								  &u) == STORE_OK
				    ? render_unit_with_union(r->db, &u)
				    : json_null());
	const char *dc = json_string_value(json_object_get(d, "unit_district"));
	const char *sc = json_string_value(json_object_get(d, "unit_street"));
	json_object_set_new(out, "unit_district_name", json_string(dc ? app_region_name(dc) : ""));
	json_object_set_new(out, "unit_street_name", json_string(sc ? app_region_name(sc) : ""));
	/* The applicant's membership beside the requested change: as filed, else as it is now. */
	json_t *snap = json_object_get(d, "_current");
	if (json_is_object(snap)) {
		json_object_set(out, "current", snap);
		return out;
	}
	membership_row m;
	member_status st;
	if (store_membership_current(r->db, a->worker_id, &m) == STORE_OK &&
	    domain_member_status_parse(m.status, &st))
		json_object_set_new(out, "current",
				    json_pack("{s:s, s:s, s:s}", "member_no", m.member_no,
					      "status_label", domain_member_status_label(st), "org",
					      m.org_name));
	return out;
}

const app_kind_ops transfer_ops = {
	.kind = APP_KIND_TRANSFER,
	.agreement_document = "transfer_agreement",
	.agreement_version = TRANSFER_AGREEMENT_VERSION,
	.agreement_title = "工会会员会籍关系变更提醒",
	.agreement_text = transfer_agreement,
	.eligible = transfer_eligible,
	.check = transfer_check,
	.route = transfer_route,
	.approve = transfer_approve,
	.next_steps = "您的会籍变更申请已递交，将由负责的工会组织审核，一般在15个工作日内办理完毕。"
		      "审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度；"
		      "在审核人员受理前，您可以撤回申请并修改后重新提交。",
	.display = transfer_display,
};
