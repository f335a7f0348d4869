/* units.c — keyword search of work units (工作单位) for the join and change forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "domain/grams.h"
#include "store/store.h"

enum { UNITS_PAGE = 20, UNITS_PAGE_MAX = 50 };

const char *app_region_name(const char *code)
{
	for (int i = 0; i < APP.nregions; i++)
		if (strcmp(APP.regions[i].code, code) == 0)
			return APP.regions[i].name;
	return "";
}

bool app_region_is_district(const char *code)
{
	for (int i = 0; code && i < APP.nregions; i++)
		if (strcmp(APP.regions[i].code, code) == 0)
			return strcmp(APP.regions[i].kind, "district") == 0;
	return false;
}

bool app_region_street_in(const char *street, const char *district)
{
	for (int i = 0; street && district && i < APP.nregions; i++) {
		const region_row *g = &APP.regions[i];
		if (strcmp(g->code, street) == 0)
			return strcmp(g->kind, "district") && strcmp(g->kind, "city") &&
			       strcmp(g->parent_code, district) == 0;
	}
	return false;
}

json_t *render_unit(const unit_row *u)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:b}", "id",
			 (json_int_t)u->id, "name", u->name, "credit_code", u->credit_code,
			 "district", "code", u->district_code, "name",
			 app_region_name(u->district_code), "street", "code", u->street_code,
			 "name", app_region_name(u->street_code), "address", u->address,
			 "has_union", u->has_union);
	json_object_set_new(o, "union", json_null());
	return o;
}

json_t *render_unit_with_union(db_conn *c, const unit_row *u)
{
	json_t *o = render_unit(u);
	org_row org;
	if (u->union_org_id && store_org_get(c, u->union_org_id, &org) == STORE_OK)
		json_object_set_new(o, "union",
				    json_pack("{s:s, s:s}", "code", org.code, "name", org.name));
	return o;
}

void h_units_search(http_request *r)
{
	const char *q = req_query(r, "q");
	json_t *utf8 = q ? json_string(q) : NULL; /* NULL unless q is valid UTF-8 */
	char norm[256];
	if (!utf8 || domain_search_normalise(q, norm, sizeof(norm)) < 0) {
		json_decref(utf8);
		api_fail_msg(r, ERR_INVALID_FIELD, "q", "请输入单位名称关键字（1–50个字）或统一社会信用代码");
		return;
	}
	json_decref(utf8);
	long page, size;
	if (!form_query_long(r, "page", 1, 1, 1000, &page) ||
	    !form_query_long(r, "page_size", UNITS_PAGE, 1, UNITS_PAGE_MAX, &size))
		return;
	unit_row *items = arena_alloc(&r->mem, sizeof(unit_row) * (size_t)size);
	unit_page pg = {.items = items};
	long offset = (page - 1) * size;
	if (offset > UNIT_SEARCH_CAP) {
		api_fail_msg(r, ERR_INVALID_FIELD, "page", "结果过多，请输入更准确的关键字");
		return;
	}
	if (store_unit_search(r->db, norm, (int)offset, (int)size, &pg) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < pg.n; i++)
		json_array_append_new(arr, render_unit_with_union(r->db, &pg.items[i]));
	res_json(r, 200, render_unit_page(&pg, page, size, arr));
}

json_t *render_unit_page(const unit_page *pg, long page, long size, json_t *items)
{
	bool capped = pg->total > UNIT_SEARCH_CAP;
	return json_pack("{s:I, s:b, s:s, s:I, s:I, s:o}", "total",
			 (json_int_t)(capped ? UNIT_SEARCH_CAP : pg->total), "total_capped", capped,
			 "total_text", capped ? "1000+" : "", "page", (json_int_t)page, "page_size",
			 (json_int_t)size, "items", items);
}
