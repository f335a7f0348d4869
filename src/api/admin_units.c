/* admin_units.c — 单位管理 in the back office (SPEC §2): list and search the units of the
 * admin's scope, add one, edit it, 建会 (found its grassroots union), link it to an existing
 * union (a 联合工会 holds several units) or unlink it, and import a CSV of units, checked
 * line by line and written all or nothing. Scope: an org admin has the units whose street's
 * union or own union is in its subtree, a platform admin every unit; reviewers 403; a unit
 * outside the scope answers 404. Every change is audit-logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/admin.h"
#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/creditcode.h"
#include "domain/grams.h"
#include "domain/unit.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/utf8.h"

enum {
	UNITS_PAGE = 20,
	UNITS_PAGE_MAX = 50,
	IMPORT_MAX_ROWS = 5000,
	IMPORT_MAX_ERRORS = 200, /* listed; error_count has them all */
	IMPORT_PREVIEW = 200,    /* rows shown back */
};

/* ---- regions (the table loaded at start) ---- */

static bool is_street(const region_row *g)
{
	return strcmp(g->kind, "district") != 0 && strcmp(g->kind, "city") != 0;
}

/* A district by code or by name. */
static const region_row *district_find(const char *s)
{
	for (int i = 0; i < APP.nregions; i++) {
		const region_row *g = &APP.regions[i];
		if (strcmp(g->kind, "district") == 0 && (!strcmp(g->code, s) || !strcmp(g->name, s)))
			return g;
	}
	return NULL;
}

/* A 镇街 by code or name; of the district when a name is used in several. */
static const region_row *street_find(const char *s, const char *district)
{
	const region_row *any = NULL;
	for (int i = 0; i < APP.nregions; i++) {
		const region_row *g = &APP.regions[i];
		if (!is_street(g) || (strcmp(g->code, s) && strcmp(g->name, s)))
			continue;
		if (district && strcmp(g->parent_code, district) == 0)
			return g;
		if (!any)
			any = g;
	}
	return any;
}

/* Is the street's union in the admin's scope? */
static bool street_in_scope(http_request *r, const admin *a, const char *street, bool *ok)
{
	org_row o;
	*ok = a->platform;
	if (a->platform)
		return true;
	store_rc rc = store_org_by_code(r->db, street, &o);
	if (rc == STORE_NOTFOUND)
		return true;
	return rc == STORE_OK && store_org_within(r->db, o.id, a->acct.org_id, ok) == STORE_OK;
}

/* ---- rendering and loading ---- */

static json_t *render_admin_unit(http_request *r, const unit_row *u)
{
	json_t *o = render_unit(u);
	org_row g;
	if (u->union_org_id && store_org_get(r->db, u->union_org_id, &g) == STORE_OK)
		json_object_set_new(o, "union",
				    json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)g.id, "code",
					      g.code, "name", g.name, "active", g.active));
	return o;
}

/* The unit of the path, within the admin's scope (404 otherwise). */
static bool unit_load(http_request *r, const admin *a, unit_row *u)
{
	int64_t id;
	bool within = a->platform;
	if (!path_id(r, &id))
		return false;
	store_rc rc = store_unit_get(r->db, id, u);
	if (rc == STORE_OK && !a->platform &&
	    store_unit_within(r->db, u, a->acct.org_id, &within) != STORE_OK)
		rc = STORE_ERR;
	if (rc == STORE_ERR) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (rc != STORE_OK || !within) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "单位不存在或不在您的管理范围内");
		return false;
	}
	return true;
}

static char *unit_target(http_request *r, int64_t id)
{
	return arena_printf(&r->mem, "unit:%lld", (long long)id);
}

static char *unit_detail(http_request *r, const unit_row *u, const char *more)
{
	return admin_clip(arena_printf(&r->mem, "%s %s%s%s", u->credit_code, u->name,
				       more ? " " : "", more ? more : ""),
			  255);
}

/* ---- list and search ---- */

static bool has_union_param(http_request *r, int *out)
{
	const char *s = req_query(r, "has_union");
	*out = -1;
	if (!s || !*s)
		return true;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		*out = 0;
	else {
		api_fail_msg(r, ERR_INVALID_FIELD, "has_union", "是否建会应为 true 或 false");
		return false;
	}
	return true;
}

void h_admin_units(http_request *r)
{
	admin a;
	unit_filter f = {.has_union = -1};
	long page, size;
	if (!admin_load(r, &a) || !has_union_param(r, &f.has_union) ||
	    !form_query_long(r, "page", 1, 1, 1000, &page) ||
	    !form_query_long(r, "page_size", UNITS_PAGE, 1, UNITS_PAGE_MAX, &size))
		return;
	f.scope_root = a.platform ? 0 : a.acct.org_id;
	const char *q = req_query(r, "q"), *d = req_query(r, "district_code");
	const char *s = req_query(r, "street_code");
	char norm[256];
	if (q && *q && domain_search_normalise(q, norm, sizeof(norm)) < 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "q", "请输入单位名称关键字（1–50个字）或统一社会信用代码");
		return;
	}
	if (d && *d) {
		const region_row *g = district_find(d);
		if (!g || strcmp(g->code, d)) {
			api_fail_msg(r, ERR_INVALID_FIELD, "district_code", "请选择区");
			return;
		}
		f.district_code = d;
	}
	if (s && *s) {
		const region_row *g = street_find(s, f.district_code);
		if (!g || strcmp(g->code, s) || (f.district_code && strcmp(g->parent_code, d))) {
			api_fail_msg(r, ERR_INVALID_FIELD, "street_code", "请选择所选区下的镇街");
			return;
		}
		f.street_code = s;
	}
	long offset = (page - 1) * size;
	if (offset > UNIT_SEARCH_CAP) {
		api_fail_msg(r, ERR_INVALID_FIELD, "page", "结果过多，请输入关键字或选择区、镇街缩小范围");
		return;
	}
	unit_page pg = {.items = arena_alloc(&r->mem, sizeof(unit_row) * (size_t)size)};
	if (store_unit_search_filtered(r->db, q && *q ? norm : NULL, &f, (int)offset, (int)size,
				       &pg) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < pg.n; i++)
		json_array_append_new(items, render_admin_unit(r, &pg.items[i]));
	res_json(r, 200, render_unit_page(&pg, page, size, items));
}

/* ---- create and edit ---- */

static bool name_ok(http_request *r, const char *name)
{
	if (!domain_unit_name_valid(name)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "name", "单位名称应为2–100个字，首尾不能是空格");
		return false;
	}
	return true;
}

static bool address_ok(http_request *r, const char *address)
{
	if (!domain_unit_address_valid(address)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "address", "地址不超过200个字，首尾不能是空格");
		return false;
	}
	return true;
}

/* The district and street codes of a form: the street within the district, both in scope. */
static bool place_ok(http_request *r, const admin *a, const char *district, const char *street)
{
	const region_row *d = district_find(district), *s = street_find(street, district);
	if (!d || strcmp(d->code, district)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "district_code", "请选择所在区");
		return false;
	}
	if (!s || strcmp(s->code, street) || strcmp(s->parent_code, district)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "street_code", "请选择所选区下的镇街");
		return false;
	}
	bool ok;
	if (!street_in_scope(r, a, street, &ok)) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	if (!ok) {
		api_fail_msg(r, ERR_FORBIDDEN, "street_code", "所选镇街不在您的管理范围内");
		return false;
	}
	return true;
}

/* Begins a write under the lock that serialises the writers of units (and their grams) across
 * nodes; responds 503 and returns false when it cannot. */
static bool begin_units(http_request *r)
{
	if (db_begin(r->db, true) == DB_OK && db_lock(r->db, "gonghui.units") == DB_OK)
		return true;
	db_rollback(r->db);
	api_fail(r, ERR_UNAVAILABLE, NULL);
	return false;
}

static void fail_write(http_request *r)
{
	db_rollback(r->db);
	api_fail(r, ERR_UNAVAILABLE, NULL);
}

void h_admin_unit_create(http_request *r)
{
	static const field_spec spec[] = {{"name", FIELD_TEXT, true, "单位名称"},
					  {"credit_code", FIELD_TEXT, true, "统一社会信用代码"},
					  {"district_code", FIELD_TEXT, true, "所在区"},
					  {"street_code", FIELD_TEXT, true, "所在镇街"},
					  {"address", FIELD_TEXT, false, "地址"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	if (!admin_load(r, &a) || !form_parse(r, spec, FORM_LEN(spec), v) || !name_ok(r, v[0].s))
		return;
	char *code = arena_strdup(&r->mem, v[1].s);
	domain_credit_code_upcase(code);
	if (!domain_credit_code_valid(code, strlen(code))) {
		api_fail_msg(r, ERR_INVALID_FIELD, "credit_code",
			     "统一社会信用代码应为18位，且校验位正确（GB 32100）");
		return;
	}
	const char *address = v[4].present ? v[4].s : "";
	if (!address_ok(r, address) || !place_ok(r, &a, v[2].s, v[3].s))
		return;
	unit_new u = {.name = v[0].s, .credit_code = code, .district_code = v[2].s,
		      .street_code = v[3].s, .address = address};
	int64_t id = 0;
	if (!begin_units(r))
		return;
	store_rc rc = store_unit_create(r->db, &u, clock_now(), &id);
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		res_error(r, 409, "credit_code_taken", "该统一社会信用代码的单位已登记", "credit_code");
		return;
	}
	unit_row row;
	if (rc != STORE_OK || store_unit_get(r->db, id, &row) != STORE_OK ||
	    !admin_audit(r, &a, "unit.create", unit_target(r, id), unit_detail(r, &row, NULL)) ||
	    db_commit(r->db) != DB_OK) {
		fail_write(r);
		return;
	}
	res_json(r, 201, json_pack("{s:o}", "unit", render_admin_unit(r, &row)));
}

void h_admin_unit_update(http_request *r)
{
	static const field_spec spec[] = {{"name", FIELD_TEXT, false, "单位名称"},
					  {"address", FIELD_TEXT, false, "地址"},
					  {"district_code", FIELD_TEXT, false, "所在区"},
					  {"street_code", FIELD_TEXT, false, "所在镇街"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	unit_row u;
	if (!admin_load(r, &a) || !unit_load(r, &a, &u))
		return;
	if (json_object_get(r->json, "credit_code")) {
		api_fail_msg(r, ERR_INVALID_FIELD, "credit_code", "统一社会信用代码不能修改");
		return;
	}
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (v[0].present && !name_ok(r, v[0].s))
		return;
	/* An empty address clears it. */
	json_t *av = json_object_get(r->json, "address");
	const char *address = v[1].present ? v[1].s : json_is_string(av) ? "" : u.address;
	if (!address_ok(r, address))
		return;
	/* A street alone keeps to its own district; a district alone must still hold the street. */
	const char *street = v[3].present ? v[3].s : u.street_code;
	const char *district = v[2].present ? v[2].s : u.district_code;
	if (v[3].present && !v[2].present) {
		const region_row *s = street_find(street, NULL);
		district = s && !strcmp(s->code, street) ? s->parent_code : "";
	}
	bool moved = strcmp(street, u.street_code) || strcmp(district, u.district_code);
	if (moved && !place_ok(r, &a, district, street))
		return;
	unit_row next = u;
	snprintf(next.name, sizeof(next.name), "%s", v[0].present ? v[0].s : u.name);
	snprintf(next.address, sizeof(next.address), "%s", address);
	snprintf(next.district_code, sizeof(next.district_code), "%s", district);
	snprintf(next.street_code, sizeof(next.street_code), "%s", street);
	char *changes = arena_printf(&r->mem, "%s%s%s", strcmp(next.name, u.name) ? "name " : "",
				     strcmp(next.address, u.address) ? "address " : "",
				     moved ? "place" : "");
	if (!*changes) {
		res_json(r, 200, json_pack("{s:o}", "unit", render_admin_unit(r, &u)));
		return;
	}
	if (!begin_units(r))
		return;
	if (store_unit_update(r->db, &next) != STORE_OK ||
	    !admin_audit(r, &a, "unit.update", unit_target(r, u.id),
			 unit_detail(r, &next, changes)) ||
	    db_commit(r->db) != DB_OK) {
		fail_write(r);
		return;
	}
	res_json(r, 200, json_pack("{s:o}", "unit", render_admin_unit(r, &next)));
}

/* ---- 建会 and linking ---- */

/* The organisations that hold the unit's members while it has no union (SPEC §5): its street
 * union and, if that was deactivated, the one that took over. */
static int held_by(http_request *r, const unit_row *u, int64_t ids[2])
{
	org_row street, active;
	int n = 0;
	if (store_org_by_code(r->db, u->street_code, &street) != STORE_OK)
		return 0;
	ids[n++] = street.id;
	if (!street.active && store_org_active_ancestor(r->db, street.id, &active) == STORE_OK)
		ids[n++] = active.id;
	return n;
}

/* Begins the write and reads the unit again under the lock (of two changes at once the second
 * sees the first); held gets who keeps its members while it has no union. */
static bool relock_unit(http_request *r, unit_row *u, int64_t held[2], int *nheld)
{
	*nheld = held_by(r, u, held);
	if (!begin_units(r))
		return false;
	if (store_unit_get(r->db, u->id, u) != STORE_OK) {
		fail_write(r);
		return false;
	}
	return true;
}

static json_t *render_new_org(const org_row *o)
{
	org_node n = {.org = *o};
	return admin_render_org(&n);
}

void h_admin_unit_found_union(http_request *r)
{
	static const field_spec spec[] = {{"name", FIELD_TEXT, false, "工会名称"}};
	form_value v[FORM_LEN(spec)];
	admin a;
	unit_row u;
	if (!admin_load(r, &a) || !unit_load(r, &a, &u) || !form_parse(r, spec, FORM_LEN(spec), v))
		return;
	org_row o = {0}, street, parent;
	snprintf(o.name, sizeof(o.name), "%s", v[0].present ? v[0].s : arena_printf(&r->mem, "%s工会", u.name));
	if (!admin_org_name_ok(r, o.name))
		return;
	/* Under the unit's street union, or whoever took over from it; within the scope. */
	bool within = a.platform;
	if (store_org_by_code(r->db, u.street_code, &street) != STORE_OK ||
	    store_org_active_ancestor(r->db, street.id, &parent) != STORE_OK ||
	    (!a.platform &&
	     store_org_within(r->db, parent.id, a.acct.org_id, &within) != STORE_OK) ||
	    !within) {
		res_error(r, 409, "no_street_union",
			  "该单位所在镇街没有可用的工会组织，请先在组织架构中处理", NULL);
		return;
	}
	o.parent_id = parent.id;
	snprintf(o.kind, sizeof(o.kind), "grassroots");
	snprintf(o.region_code, sizeof(o.region_code), "%s", u.street_code);
	int64_t ids[2], moved = 0, oid = 0;
	int nheld;
	if (!relock_unit(r, &u, ids, &nheld))
		return;
	if (u.union_org_id) {
		db_rollback(r->db);
		res_error(r, 409, "has_union", "该单位已建会", NULL);
		return;
	}
	const char *note = admin_clip(arena_printf(&r->mem, "单位建会，会籍转入%s", o.name), 255);
	if (admin_org_insert(r, &o, &oid) != STORE_OK ||
	    store_unit_set_union(r->db, u.id, oid) != STORE_OK ||
	    store_membership_adopt(r->db, u.id, ids, nheld, oid, note, clock_now(), &moved) !=
		    STORE_OK ||
	    !admin_audit(r, &a, "unit.found_union", unit_target(r, u.id),
			 unit_detail(r, &u, o.code)) ||
	    db_commit(r->db) != DB_OK) {
		fail_write(r);
		return;
	}
	o.id = oid;
	o.active = true;
	u.union_org_id = oid;
	u.has_union = true;
	res_json(r, 201, json_pack("{s:o, s:o, s:I}", "unit", render_admin_unit(r, &u), "org",
				   render_new_org(&o), "moved_members", (json_int_t)moved));
}

/* Refuses (409) to take the unit from its union while members came through it: they would be
 * left in a union their unit no longer belongs to. */
static bool union_releasable(http_request *r, const unit_row *u)
{
	int64_t n = 0;
	org_row old;
	if (store_membership_count_at(r->db, u->union_org_id, u->id, &n) != STORE_OK ||
	    store_org_get(r->db, u->union_org_id, &old) != STORE_OK) {
		fail_write(r);
		return false;
	}
	if (n) {
		db_rollback(r->db);
		res_error(r, 409, "members_attached",
			  arena_printf(&r->mem,
				       "%s还有%lld名经该单位入会的会员，不能取消或更换关联；请先为他们办理会籍变更",
				       old.name, (long long)n),
			  "org_id");
		return false;
	}
	return true;
}

void h_admin_unit_link_union(http_request *r)
{
	admin a;
	unit_row u;
	org_row target = {0};
	bool link;
	int64_t org_id;
	if (!admin_load(r, &a) || !unit_load(r, &a, &u))
		return;
	if (!json_object_get(r->json, "org_id")) {
		api_fail_msg(r, ERR_REQUIRED, "org_id", "请选择要关联的工会，或传 null 取消关联");
		return;
	}
	if (!admin_body_id(r, "org_id", "工会应为组织编号", &link, &org_id))
		return;
	if (link) {
		if (!admin_org_in_scope(r, &a, org_id, &target))
			return;
		if (strcmp(target.kind, "grassroots") || !target.active) {
			api_fail_msg(r, ERR_INVALID_FIELD, "org_id", "请选择一个在用的基层工会");
			return;
		}
	}
	if (u.union_org_id == target.id) { /* already so */
		res_json(r, 200, json_pack("{s:o, s:I}", "unit", render_admin_unit(r, &u),
					   "moved_members", (json_int_t)0));
		return;
	}
	int64_t ids[2], moved = 0;
	int nheld;
	if (!relock_unit(r, &u, ids, &nheld))
		return;
	if (u.union_org_id && u.union_org_id != target.id && !union_releasable(r, &u))
		return;
	const char *note =
		admin_clip(arena_printf(&r->mem, "单位关联工会，会籍转入%s", target.name), 255);
	if (store_unit_set_union(r->db, u.id, target.id) != STORE_OK ||
	    (link && store_membership_adopt(r->db, u.id, ids, nheld, target.id, note, clock_now(),
					    &moved) != STORE_OK) ||
	    !admin_audit(r, &a, link ? "unit.link_union" : "unit.unlink_union",
			 unit_target(r, u.id), unit_detail(r, &u, link ? target.code : NULL)) ||
	    db_commit(r->db) != DB_OK) {
		fail_write(r);
		return;
	}
	u.union_org_id = target.id;
	u.has_union = link;
	res_json(r, 200, json_pack("{s:o, s:I}", "unit", render_admin_unit(r, &u), "moved_members",
				   (json_int_t)moved));
}

/* ---- CSV import ---- */

typedef enum { COL_NAME, COL_CODE, COL_DISTRICT, COL_STREET, COL_ADDRESS, NCOLS } import_col;

static const struct {
	const char *label, *field, *aliases[3];
	bool required;
} import_cols[NCOLS] = {
	[COL_NAME] = {"单位名称", "name", {"名称", "name"}, true},
	[COL_CODE] = {"统一社会信用代码", "credit_code", {"信用代码", "credit_code"}, true},
	[COL_DISTRICT] = {"所在区", "district_code", {"区", "district", "district_code"}, true},
	[COL_STREET] = {"所在镇街", "street_code", {"镇街", "street", "street_code"}, true},
	[COL_ADDRESS] = {"地址", "address", {"address"}, false},
};

typedef struct import_row {
	int line;
	const char *name, *code, *address;
	const region_row *district, *street;
	const char *district_text, *street_text; /* as written, for the preview */
	const char *error;			 /* NULL: valid */
} import_row;

/* Credit codes seen in the file → the line they were first on (open addressing). */
typedef struct seen_codes {
	struct {
		const char *code;
		int line;
	} *slot;
	size_t cap;
} seen_codes;

static int seen_add(seen_codes *s, const char *code, int line)
{
	unsigned long h = 5381;
	for (const char *p = code; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (size_t i = h % s->cap;; i = (i + 1) % s->cap) {
		if (!s->slot[i].code) {
			s->slot[i].code = code;
			s->slot[i].line = line;
			return 0;
		}
		if (strcmp(s->slot[i].code, code) == 0)
			return s->slot[i].line;
	}
}

typedef struct import_state {
	http_request *r;
	const admin *a;
	int col[NCOLS]; /* column index of each field, -1 when absent */
	import_row *rows;
	int nrows, valid;
	json_t *errors;
	int nerrors;
	seen_codes seen;
	const char *scope_ok[128], *scope_no[128]; /* streets already checked */
	int nok, nno;
} import_state;

static void import_error(import_state *st, int line, const char *field, const char *message)
{
	if (st->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	json_t *e = json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", message);
	json_object_set_new(e, "field", field ? json_string(field) : json_null());
	json_array_append_new(st->errors, e);
}

/* A cell's text as written, cut for messages. */
static const char *shown(http_request *r, const char *s)
{
	return admin_clip(arena_strdup(&r->mem, s), 60);
}

static bool import_header(import_state *st, const csv_row *row)
{
	for (int k = 0; k < NCOLS; k++)
		st->col[k] = -1;
	for (int i = 0; i < row->n; i++) {
		char *h = domain_text_trim(arena_strdup(&st->r->mem, row->field[i]));
		int found = -1;
		for (int k = 0; k < NCOLS && found < 0; k++) {
			if (!strcmp(h, import_cols[k].label))
				found = k;
			for (int j = 0; j < 3 && found < 0 && import_cols[k].aliases[j]; j++)
				if (!strcmp(h, import_cols[k].aliases[j]))
					found = k;
		}
		if (found < 0 && !*h && i == row->n - 1)
			continue; /* a trailing comma */
		if (found < 0 || st->col[found] >= 0) {
			import_error(st, row->line, NULL,
				     arena_printf(&st->r->mem,
						  "表头第%d列“%s”%s；表头应为：单位名称,统一社会信用代码,所在区,所在镇街,地址",
						  i + 1, shown(st->r, h), found < 0 ? "无法识别" : "重复"));
			return false;
		}
		st->col[found] = i;
	}
	for (int k = 0; k < NCOLS; k++)
		if (import_cols[k].required && st->col[k] < 0) {
			import_error(st, row->line, NULL,
				     arena_printf(&st->r->mem,
						  "表头缺少“%s”列；表头应为：单位名称,统一社会信用代码,所在区,所在镇街,地址",
						  import_cols[k].label));
			return false;
		}
	return true;
}

static bool import_scope(import_state *st, const char *street, bool *ok)
{
	for (int i = 0; i < st->nok; i++)
		if (st->scope_ok[i] == street)
			return *ok = true;
	for (int i = 0; i < st->nno; i++)
		if (st->scope_no[i] == street) {
			*ok = false;
			return true;
		}
	if (!street_in_scope(st->r, st->a, street, ok))
		return false;
	if (*ok && st->nok < 128)
		st->scope_ok[st->nok++] = street;
	else if (!*ok && st->nno < 128)
		st->scope_no[st->nno++] = street;
	return true;
}

static char *cell(import_state *st, const csv_row *row, import_col k)
{
	int i = st->col[k];
	return domain_text_trim(arena_strdup(&st->r->mem, i >= 0 && i < row->n ? row->field[i] : ""));
}

/* Checks one record into *out; the first problem becomes its error. Returns false only when
 * the database fails. */
static bool import_check(import_state *st, const csv_row *row, import_row *out)
{
	http_request *r = st->r;
	*out = (import_row){.line = row->line};
	out->name = cell(st, row, COL_NAME);
	char *code = cell(st, row, COL_CODE);
	domain_credit_code_upcase(code);
	out->code = code;
	out->district_text = cell(st, row, COL_DISTRICT);
	out->street_text = cell(st, row, COL_STREET);
	out->address = cell(st, row, COL_ADDRESS);
	/* Looked up first: the preview shows what they are even on a line with another error. */
	out->district = district_find(out->district_text);
	out->street = street_find(out->street_text, out->district ? out->district->code : NULL);
	const char *field = NULL, *msg = NULL;
	if (!domain_unit_name_valid(out->name)) {
		field = "name";
		msg = "单位名称应为2–100个字";
	} else if (!domain_credit_code_valid(code, strlen(code))) {
		field = "credit_code";
		msg = *code ? arena_printf(&r->mem, "统一社会信用代码“%s”无效（应为18位且校验位正确）",
					   shown(r, code))
			    : "请填写统一社会信用代码";
	} else if (!out->district) {
		field = "district_code";
		msg = *out->district_text
			      ? arena_printf(&r->mem, "所在区“%s”不存在", shown(r, out->district_text))
			      : "请填写所在区";
	} else if (!out->street) {
		field = "street_code";
		msg = *out->street_text
			      ? arena_printf(&r->mem, "所在镇街“%s”不存在", shown(r, out->street_text))
			      : "请填写所在镇街";
	} else if (strcmp(out->street->parent_code, out->district->code)) {
		field = "street_code";
		msg = arena_printf(&r->mem, "所在镇街“%s”不属于%s", out->street->name,
				   out->district->name);
	} else if (!domain_unit_address_valid(out->address)) {
		field = "address";
		msg = "地址不超过200个字，且不能含控制字符";
	}
	int first = 0;
	if (!msg && (first = seen_add(&st->seen, out->code, row->line))) {
		field = "credit_code";
		msg = arena_printf(&r->mem, "统一社会信用代码%s与第%d行重复", out->code, first);
	}
	if (!msg) {
		unit_row existing;
		bool ok;
		store_rc rc = store_unit_by_code(r->db, out->code, &existing);
		if (rc == STORE_ERR || !import_scope(st, out->street->code, &ok))
			return false;
		if (rc == STORE_OK) {
			field = "credit_code";
			msg = arena_printf(&r->mem, "统一社会信用代码%s已登记（%s）", out->code,
					   shown(r, existing.name));
		} else if (!ok) {
			field = "street_code";
			msg = arena_printf(&r->mem, "%s不在您的管理范围内", out->street->name);
		}
	}
	out->error = msg;
	if (msg)
		import_error(st, row->line, field, msg);
	return true;
}

/* Reads the whole file into st; false when the database fails. */
static bool import_read(import_state *st, const char *csv, size_t len)
{
	csv_reader *rd = arena_alloc(&st->r->mem, sizeof(*rd));
	memset(rd, 0, sizeof(*rd));
	rd->f = fmemopen((void *)csv, len, "r");
	if (!rd->f)
		return false;
	csv_row row;
	int rc;
	bool ok = true, header = false;
	while (ok && (rc = csv_read(rd, &row)) == 1) {
		bool blank = true;
		for (int i = 0; i < row.n; i++)
			blank = blank && !*domain_text_trim(row.field[i]);
		if (!header) {
			if (blank)
				continue;
			header = true;
			if (!import_header(st, &row))
				break;
			continue;
		}
		if (blank)
			continue;
		if (st->nrows >= IMPORT_MAX_ROWS) {
			import_error(st, row.line, NULL,
				     arena_printf(&st->r->mem, "一次最多导入%d个单位，请分批导入",
						  IMPORT_MAX_ROWS));
			break;
		}
		import_row *out = &st->rows[st->nrows++];
		ok = import_check(st, &row, out);
		st->valid += ok && !out->error;
	}
	if (ok && rc < 0)
		import_error(st, row.line, NULL,
			     "CSV格式错误（引号不匹配、列数过多或行过长），请用Excel另存为“CSV UTF-8”后重试");
	if (ok && !header)
		import_error(st, 1, NULL, "文件是空的：第1行应为表头 单位名称,统一社会信用代码,所在区,所在镇街,地址");
	fclose(rd->f);
	return ok;
}

static json_t *region_json(const region_row *g, const char *text)
{
	return json_pack("{s:s, s:s}", "code", g ? g->code : "", "name", g ? g->name : text);
}

static json_t *import_body(const import_state *st, bool dry_run, int imported)
{
	json_t *items = json_array();
	for (int i = 0; i < st->nrows && i < IMPORT_PREVIEW; i++) {
		const import_row *w = &st->rows[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:b}", "line",
				      (json_int_t)w->line, "name", w->name, "credit_code", w->code,
				      "district", region_json(w->district, w->district_text),
				      "street", region_json(w->street, w->street_text), "address",
				      w->address, "ok", !w->error);
		json_object_set_new(o, "error", w->error ? json_string(w->error) : json_null());
		json_array_append_new(items, o);
	}
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:O, s:o}", "dry_run", dry_run, "rows",
			 (json_int_t)st->nrows, "valid", (json_int_t)st->valid, "imported",
			 (json_int_t)imported, "error_count", (json_int_t)st->nerrors, "errors",
			 st->errors, "items", items);
}

void h_admin_units_import(http_request *r)
{
	admin a;
	if (!admin_load(r, &a))
		return;
	json_t *cv = json_object_get(r->json, "csv"), *dv = json_object_get(r->json, "dry_run");
	if (!json_is_string(cv) || !json_string_length(cv)) {
		api_fail_msg(r, cv && !json_is_null(cv) && !json_is_string(cv) ? ERR_INVALID_FIELD
										: ERR_REQUIRED,
			     "csv", "请选择要导入的CSV文件（UTF-8编码）");
		return;
	}
	if (dv && !json_is_boolean(dv)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "dry_run", "dry_run 应为 true 或 false");
		return;
	}
	const char *csv = json_string_value(cv);
	size_t len = json_string_length(cv);
	if (strlen(csv) != len) {
		api_fail_msg(r, ERR_INVALID_FIELD, "csv", "文件含有无效字符（NUL），请确认是CSV文本文件");
		return;
	}
	bool dry = json_is_true(dv);
	import_state st = {.r = r, .a = &a, .errors = json_array()};
	st.rows = arena_alloc(&r->mem, sizeof(import_row) * IMPORT_MAX_ROWS);
	st.seen.cap = IMPORT_MAX_ROWS * 2 + 1;
	st.seen.slot = arena_alloc(&r->mem, sizeof(*st.seen.slot) * st.seen.cap);
	memset(st.seen.slot, 0, sizeof(*st.seen.slot) * st.seen.cap);
	/* A real import checks under the units lock: what was checked is what is written. */
	if (!dry && !begin_units(r)) {
		json_decref(st.errors);
		return;
	}
	if (!import_read(&st, csv, len)) {
		json_decref(st.errors);
		if (!dry)
			db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (!dry && !st.nerrors && !st.nrows) {
		json_decref(st.errors);
		db_rollback(r->db);
		res_error(r, 422, "import_empty", "文件中没有可导入的单位（只有表头）", "csv");
		return;
	}
	if (dry || st.nerrors) {
		if (!dry)
			db_rollback(r->db);
		json_t *body = import_body(&st, dry, 0);
		json_decref(st.errors);
		if (dry) {
			res_json(r, 200, body);
			return;
		}
		res_json(r, 422,
			 json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "import_invalid",
				   "message",
				   arena_printf(&r->mem, "导入文件有%d处错误，未导入任何单位；请修改后重新预览",
						st.nerrors),
				   "details", body));
		return;
	}
	unit_new *units = arena_alloc(&r->mem, sizeof(unit_new) * (size_t)st.nrows);
	for (int i = 0; i < st.nrows; i++) {
		const import_row *w = &st.rows[i];
		units[i] = (unit_new){.name = w->name, .credit_code = w->code,
				      .district_code = w->district->code,
				      .street_code = w->street->code, .address = w->address};
	}
	if (store_units_create(r->db, units, st.nrows, clock_now()) != STORE_OK ||
	    !admin_audit(r, &a, "unit.import", "units",
			 arena_printf(&r->mem, "imported %d units", st.nrows)) ||
	    db_commit(r->db) != DB_OK) {
		json_decref(st.errors);
		fail_write(r);
		return;
	}
	json_t *body = import_body(&st, false, st.nrows);
	json_decref(st.errors);
	res_json(r, 201, body);
}
