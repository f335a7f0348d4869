/* admin.c — the back office beyond reviewing (SPEC §1, §2, §7): the organisation tree
 * (browse, create, rename, move, deactivate after its members and open applications have gone
 * somewhere), staff accounts (create, disable, re-scope, reset the password by SMS), the member
 * register (search within scope, masked CSV export), the audit log and the dashboard.
 * Scope: a platform admin sees everything below its organisation (the city), an org admin its
 * subtree; reviewers have no business here (403). Every change is audit-logged. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/admin.h"
#include "api/app.h"
#include "api/codes.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/grams.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "domain/phone.h"
#include "domain/unit.h"
#include "security/crypto.h"
#include "security/password.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/utf8.h"

bool admin_load(http_request *r, admin *a)
{
	if (store_account_get(r->db, SUBJECT_STAFF, r->subject_id, &a->acct) != STORE_OK ||
	    a->acct.disabled) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	a->platform = strcmp(a->acct.role, "platform_admin") == 0;
	if (!a->platform && strcmp(a->acct.role, "org_admin") != 0) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "该功能只对管理员开放");
		return false;
	}
	return true;
}

bool admin_org_in_scope(http_request *r, const admin *a, int64_t org_id, org_row *out)
{
	bool within = false;
	if (org_id < 1 || store_org_get(r->db, org_id, out) != STORE_OK ||
	    store_org_within(r->db, org_id, a->acct.org_id, &within) != STORE_OK || !within) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "组织不存在或不在您的管理范围内");
		return false;
	}
	return true;
}

bool admin_audit(http_request *r, const admin *a, const char *action, const char *target,
		  const char *detail)
{
	return store_audit(r->db, "staff", a->acct.id, action, target, r->client, detail,
			   clock_now()) == STORE_OK;
}

json_t *admin_render_org(const org_node *n)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:I}", "id", (json_int_t)n->org.id, "code",
			 n->org.code, "name", n->org.name, "kind", n->org.kind, "active",
			 n->org.active, "children", (json_int_t)n->children, "members",
			 (json_int_t)n->members);
}

static json_t *render_parent(const org_row *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)o->id, "code", o->code,
			 "name", o->name, "kind", o->kind, "active", o->active);
}

/* ?q=: grassroots unions of the subtree by a part of their name (the 关联工会 picker, where a
 * street can have thousands of unions). */
static void orgs_search(http_request *r, const org_row *root)
{
	enum { MAX = 50 };
	const char *q = req_query(r, "q"), *kind = req_query(r, "kind");
	char norm[256];
	if (!utf8_valid(q) || domain_search_normalise(q, norm, sizeof(norm)) < 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "q", "请输入工会名称中的字词（1–50个字）");
		return;
	}
	if (kind && strcmp(kind, "grassroots") != 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "kind", "按名称只能搜索基层工会（kind=grassroots）");
		return;
	}
	org_hit *hits = arena_alloc(&r->mem, sizeof(org_hit) * (MAX + 1));
	int n = 0;
	org_row up;
	if (strcmp(root->kind, "grassroots") == 0) {
		/* An admin of one grassroots union: the subtree is the union itself. */
		char name[sizeof(root->name)];
		for (size_t i = 0; i < sizeof(name); i++)
			name[i] = (char)((unsigned char)root->name[i] < 0x80 ? tolower(root->name[i])
									   : root->name[i]);
		if (strstr(name, norm)) {
			hits[n].org = *root;
			hits[n].parent_name[0] = '\0';
			if (store_org_get(r->db, root->parent_id, &up) == STORE_OK)
				snprintf(hits[n].parent_name, sizeof(hits[n].parent_name), "%s", up.name);
			n++;
		}
	} else if (store_org_search(r->db, root->id, norm, hits, MAX + 1, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n && i < MAX; i++)
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:s}", "id",
					 (json_int_t)hits[i].org.id, "code", hits[i].org.code, "name",
					 hits[i].org.name, "kind", hits[i].org.kind, "active",
					 hits[i].org.active, "parent_id",
					 (json_int_t)hits[i].org.parent_id, "parent_name",
					 hits[i].parent_name));
	res_json(r, 200, json_pack("{s:o, s:o, s:b}", "parent", render_parent(root), "items", items,
				   "more", n > MAX));
}

void h_admin_orgs(http_request *r)
{
	admin a;
	long parent;
	if (!admin_load(r, &a) || !form_query_long(r, "parent_id", 0, 0, 1L << 52, &parent))
		return;
	org_row root;
	if (!admin_org_in_scope(r, &a, parent ? parent : a.acct.org_id, &root))
		return;
	if (req_query(r, "q")) {
		orgs_search(r, &root);
		return;
	}
	enum { MAX = 500 };
	org_node *nodes = arena_alloc(&r->mem, sizeof(org_node) * MAX);
	int n = 0;
	if (store_org_children(r->db, root.id, nodes, MAX, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, admin_render_org(&nodes[i]));
	res_json(r, 200, json_pack("{s:o, s:o}", "parent", render_parent(&root), "items", items));
}

bool admin_org_name_ok(http_request *r, const char *name)
{
	size_t n = form_utf8_len(name);
	if (n < 2 || n > 60 || domain_text_padded(name)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "name", "组织名称应为2–60个字，首尾不能是空格");
		return false;
	}
	return true;
}

bool admin_body_id(http_request *r, const char *field, const char *message, bool *present,
		    int64_t *id)
{
	json_t *v = json_object_get(r->json, field);
	*present = v && !json_is_null(v);
	*id = 0;
	if (!*present)
		return true;
	if (!json_is_integer(v)) {
		api_fail_msg(r, ERR_INVALID_FIELD, field, message);
		return false;
	}
	*id = json_integer_value(v);
	return true;
}

char *admin_clip(char *s, size_t max)
{
	size_t cut = strlen(s);
	if (cut > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		s[cut] = '\0';
	}
	return s;
}

store_rc admin_org_insert(http_request *r, org_row *o, int64_t *id)
{
	store_rc rc = STORE_CONFLICT;
	for (int tries = 0; rc == STORE_CONFLICT && tries < 5; tries++) {
		char digits[11];
		crypto_digits(digits, 10);
		snprintf(o->code, sizeof(o->code), "G%s", digits);
		rc = store_org_create(r->db, o, clock_now(), id);
	}
	return rc;
}

void h_admin_org_create(http_request *r)
{
	static const field_spec spec[] = {{"name", FIELD_TEXT, true, "组织名称"},
					  {"kind", FIELD_TEXT, true, "组织类型"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	org_row parent;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !admin_load(r, &a) ||
	    !admin_org_name_ok(r, v[0].s))
		return;
	json_t *pid = json_object_get(r->json, "parent_id");
	if (!json_is_integer(pid)) {
		api_fail_msg(r, ERR_REQUIRED, "parent_id", "请选择上级组织");
		return;
	}
	if (!admin_org_in_scope(r, &a, json_integer_value(pid), &parent))
		return;
	if (strcmp(v[1].s, "grassroots") && strcmp(v[1].s, "street")) {
		api_fail_msg(r, ERR_INVALID_FIELD, "kind", "组织类型应为基层工会或镇街（园区、联合）工会");
		return;
	}
	if (!parent.active || strcmp(parent.kind, "grassroots") == 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "parent_id", "该组织下不能再建下级工会");
		return;
	}
	org_row o = {.parent_id = parent.id};
	snprintf(o.name, sizeof(o.name), "%s", v[0].s);
	snprintf(o.kind, sizeof(o.kind), "%s", v[1].s);
	snprintf(o.region_code, sizeof(o.region_code), "%s", parent.region_code);
	int64_t id = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (admin_org_insert(r, &o, &id) != STORE_OK ||
	    !admin_audit(r, &a, "org.create", o.code, o.name) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	org_node n = {.org = o};
	n.org.id = id;
	n.org.active = true;
	res_json(r, 201, json_pack("{s:o}", "org", admin_render_org(&n)));
}

void h_admin_org_update(http_request *r)
{
	static const field_spec spec[] = {{"name", FIELD_TEXT, false, "组织名称"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	org_row o, parent;
	int64_t id;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !admin_load(r, &a) || !path_id(r, &id) ||
	    !admin_org_in_scope(r, &a, id, &o))
		return;
	/* An org admin's own organisation belongs to the level above (it cannot move or
	 * deactivate it either): the platform renames it. */
	if (v[0].present && id == a.acct.org_id && !a.platform) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "本级组织由上级管理员维护");
		return;
	}
	if (v[0].present && !admin_org_name_ok(r, v[0].s))
		return;
	int64_t new_parent = 0, pid;
	bool move;
	if (!admin_body_id(r, "parent_id", "上级组织应为组织编号", &move, &pid))
		return;
	if (move) {
		bool below = false;
		if (!admin_org_in_scope(r, &a, pid, &parent))
			return;
		new_parent = parent.id;
		/* Not the scope's own root, not into itself or its own subtree, not under a
		 * grassroots union. */
		if (id == a.acct.org_id ||
		    store_org_within(r->db, parent.id, id, &below) != STORE_OK || below ||
		    strcmp(parent.kind, "grassroots") == 0 || !parent.active) {
			api_fail_msg(r, ERR_INVALID_FIELD, "parent_id", "不能移动到该组织下");
			return;
		}
	}
	if (db_begin(r->db, true) != DB_OK ||
	    store_org_update(r->db, id, v[0].present ? v[0].s : NULL, new_parent) != STORE_OK ||
	    !admin_audit(r, &a, new_parent ? "org.move" : "org.rename", o.code,
		   v[0].present ? v[0].s : NULL) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	org_node n = {0};
	store_org_get(r->db, id, &n.org);
	res_json(r, 200, json_pack("{s:o}", "org", admin_render_org(&n)));
}

void h_admin_org_deactivate(http_request *r)
{
	admin a;
	org_row o, target;
	int64_t id, members = 0, open = 0, children = 0;
	if (!admin_load(r, &a) || !path_id(r, &id) || !admin_org_in_scope(r, &a, id, &o))
		return;
	if (id == a.acct.org_id || !o.active) {
		res_error(r, 409, "conflict", "该组织不能停用（本级组织或已停用）", NULL);
		return;
	}
	if (store_org_load(r->db, id, &members, &open, &children) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (children) {
		res_error(r, 409, "has_children",
			  arena_printf(&r->mem, "该组织还有%lld个下级组织，请先停用或移走它们",
				       (long long)children),
			  NULL);
		return;
	}
	int64_t to;
	bool has_to;
	if (!admin_body_id(r, "move_to", "接收组织应为组织编号", &has_to, &to))
		return;
	if ((members || open) && !has_to) {
		/* The page says where they must go first. */
		json_t *e = json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", "must_move", "message",
				      arena_printf(&r->mem,
						   "停用前请选择接收组织：该组织现有%lld名会员和%lld件正在办理的申请将转入接收组织",
						   (long long)members, (long long)open),
				      "field", "move_to", "members", (json_int_t)members,
				      "open_applications", (json_int_t)open);
		res_json(r, 409, json_pack("{s:o}", "error", e));
		return;
	}
	int64_t move_to = 0;
	if (has_to) {
		if (!admin_org_in_scope(r, &a, to, &target))
			return;
		if (target.id == id || !target.active) {
			api_fail_msg(r, ERR_INVALID_FIELD, "move_to", "请选择另一个在用的组织");
			return;
		}
		move_to = target.id;
	}
	char *note = admin_clip(
		arena_printf(&r->mem, "%s停用，会籍转入%s", o.name, move_to ? target.name : ""), 255);
	if (db_begin(r->db, true) != DB_OK ||
	    store_org_deactivate(r->db, id, move_to, note, clock_now()) != STORE_OK ||
	    !admin_audit(r, &a, "org.deactivate", o.code,
		   move_to ? arena_printf(&r->mem, "moved to %s", target.code) : NULL) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s, s:I, s:I}", "status", "ok", "moved_members",
				   (json_int_t)members, "moved_applications", (json_int_t)open));
}

/* ---- staff accounts ---- */

static const char *role_label(const char *role)
{
	return strcmp(role, "platform_admin") == 0 ? "平台管理员"
	       : strcmp(role, "org_admin") == 0	   ? "组织管理员"
						   : "审核人员";
}

static bool role_allowed(http_request *r, const admin *a, const char *role)
{
	bool known = !strcmp(role, "reviewer") || !strcmp(role, "org_admin") ||
		     !strcmp(role, "platform_admin");
	if (!known) {
		api_fail_msg(r, ERR_INVALID_FIELD, "role", "角色应为审核人员、组织管理员或平台管理员");
		return false;
	}
	/* An org admin manages reviewers below it; only platform admins make admins. */
	if (!a->platform && strcmp(role, "reviewer") != 0) {
		api_fail_msg(r, ERR_FORBIDDEN, "role", "组织管理员只能管理审核人员");
		return false;
	}
	return true;
}

/* Sends a new random password to the staff phone; the response never carries it. */
static bool send_password(http_request *r, const char *phone, const char *text_fmt, char *hash)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char pw[13];
	for (int i = 0; i < 12; i++)
		pw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	pw[0] = 'G';
	pw[5] = (char)('2' + randombytes_uniform(8));
	pw[12] = '\0';
	bool ok = password_hash(pw, hash) == 0 &&
		  codes_notify(r, phone, arena_printf(&r->mem, text_fmt, pw));
	sodium_memzero(pw, sizeof(pw));
	return ok;
}

static json_t *render_staff_row(const staff_row *s)
{
	char phone[12];
	domain_phone_mask(s->phone, phone);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:I, s:s}, s:b}", "id", (json_int_t)s->id,
			 "name", s->name, "phone", phone, "role", s->role, "role_label",
			 role_label(s->role), "org", "id", (json_int_t)s->org_id, "name", s->org_name,
			 "disabled", s->disabled);
}

void h_admin_staff_list(http_request *r)
{
	admin a;
	long page;
	if (!admin_load(r, &a) || !form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	enum { SIZE = 50 };
	staff_row *rows = arena_alloc(&r->mem, sizeof(staff_row) * SIZE);
	int n = 0;
	int64_t total = 0;
	if (store_staff_list(r->db, a.acct.org_id, (int)(page - 1) * SIZE, SIZE, rows, &n, &total) !=
	    STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, render_staff_row(&rows[i]));
	res_json(r, 200, json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				   (json_int_t)page, "items", items));
}

void h_admin_staff_create(http_request *r)
{
	static const field_spec spec[] = {{"phone", FIELD_PHONE, true, "手机号"},
					  {"name", FIELD_NAME, true, "姓名"},
					  {"role", FIELD_TEXT, true, "角色"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	org_row org;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !admin_load(r, &a) ||
	    !role_allowed(r, &a, v[2].s))
		return;
	json_t *oid = json_object_get(r->json, "org_id");
	if (!json_is_integer(oid)) {
		api_fail_msg(r, ERR_REQUIRED, "org_id", "请选择所属组织");
		return;
	}
	if (!admin_org_in_scope(r, &a, json_integer_value(oid), &org))
		return;
	char hash[PASSWORD_HASH_LEN];
	int64_t id = 0;
	if (db_begin(r->db, true) != DB_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	staff_new s = {v[0].s, v[1].s, v[2].s, NULL, org.id};
	bool sent = send_password(r, v[0].s,
				  "您的工会工作人员账号已开通，登录手机号为本机号码，初始密码：%s。请登录后台后立即修改密码。",
				  hash);
	s.password_hash = hash;
	store_rc rc = sent ? store_staff_create(r->db, &s, clock_now(), &id) : STORE_ERR;
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		res_error(r, 409, "phone_taken", "该手机号已开通工作人员账号", "phone");
		return;
	}
	if (rc != STORE_OK ||
	    !admin_audit(r, &a, "staff.create", arena_printf(&r->mem, "staff:%lld", (long long)id), v[2].s) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	staff_row row = {.id = id, .org_id = org.id};
	snprintf(row.phone, sizeof(row.phone), "%s", v[0].s);
	snprintf(row.name, sizeof(row.name), "%s", v[1].s);
	snprintf(row.role, sizeof(row.role), "%s", v[2].s);
	snprintf(row.org_name, sizeof(row.org_name), "%s", org.name);
	res_json(r, 201, json_pack("{s:o, s:s}", "staff", render_staff_row(&row), "message",
				   "账号已开通，初始密码已通过短信发送到该手机"));
}

/* Loads a staff account within the admin's scope that the admin may manage. One outside the
 * scope answers as one that does not exist. */
static bool managed_staff(http_request *r, const admin *a, account_row *s)
{
	int64_t id;
	bool within = false;
	if (!path_id(r, &id))
		return false;
	if (store_account_get(r->db, SUBJECT_STAFF, id, s) != STORE_OK ||
	    store_org_within(r->db, s->org_id, a->acct.org_id, &within) != STORE_OK || !within) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "工作人员不存在");
		return false;
	}
	if (s->id == a->acct.id) {
		api_fail_msg(r, ERR_FORBIDDEN, NULL, "不能修改自己的角色或状态");
		return false;
	}
	return role_allowed(r, a, s->role);
}

void h_admin_staff_update(http_request *r)
{
	static const field_spec spec[] = {{"role", FIELD_TEXT, false, "角色"},
					  {"disabled", FIELD_BOOL, false, "停用"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	account_row s;
	org_row org;
	if (!form_parse(r, spec, FORM_LEN(spec), v) || !admin_load(r, &a) ||
	    !managed_staff(r, &a, &s))
		return;
	if (v[0].present && !role_allowed(r, &a, v[0].s))
		return;
	int64_t new_org = 0, oid;
	bool rescope;
	if (!admin_body_id(r, "org_id", "所属组织应为组织编号", &rescope, &oid))
		return;
	if (rescope) {
		if (!admin_org_in_scope(r, &a, oid, &org))
			return;
		new_org = org.id;
	}
	int disabled = v[1].present ? v[1].b : -1;
	if (db_begin(r->db, true) != DB_OK ||
	    store_staff_update(r->db, s.id, v[0].present ? v[0].s : NULL, new_org, disabled) !=
		    STORE_OK ||
	    (disabled == 1 &&
	     store_session_delete_others(r->db, SUBJECT_STAFF, s.id, NULL) != STORE_OK) ||
	    !admin_audit(r, &a, "staff.update", arena_printf(&r->mem, "staff:%lld", (long long)s.id),
		   arena_printf(&r->mem, "role=%s org=%lld disabled=%d",
				v[0].present ? v[0].s : "-", (long long)new_org, disabled)) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void h_admin_staff_reset(http_request *r)
{
	admin a;
	account_row s;
	char hash[PASSWORD_HASH_LEN];
	if (!admin_load(r, &a) || !managed_staff(r, &a, &s))
		return;
	if (db_begin(r->db, true) != DB_OK ||
	    !send_password(r, s.phone, "您的工会工作人员账号密码已重置，新密码：%s。请登录后台后立即修改密码。",
			   hash) ||
	    store_account_set_password(r->db, SUBJECT_STAFF, s.id, hash, clock_now()) != STORE_OK ||
	    store_session_delete_others(r->db, SUBJECT_STAFF, s.id, NULL) != STORE_OK ||
	    !admin_audit(r, &a, "staff.password_reset",
		   arena_printf(&r->mem, "staff:%lld", (long long)s.id), NULL) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (APP.outbox_wake)
		APP.outbox_wake();
	res_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "message",
				   "新密码已通过短信发送到该工作人员的手机"));
}
