/* public.c — reference data anyone may read (regions, the privacy notice) and the test-mode
 * clock. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "store/store.h"
#include "util/clock.h"

enum { MAX_REGIONS = 1024 };

void h_regions(http_request *r)
{
	region_row *rows = arena_alloc(&r->mem, sizeof(region_row) * MAX_REGIONS);
	int n = 0;
	if (store_regions_list(r->db, rows, MAX_REGIONS, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *districts = json_array(), *streets = NULL;
	const char *district = "";
	for (int i = 0; i < n; i++) {
		const region_row *rg = &rows[i];
		if (strcmp(rg->kind, "district") == 0) {
			streets = json_array();
			district = rg->code;
			json_array_append_new(districts,
					      json_pack("{s:s, s:s, s:o}", "code", rg->code, "name",
							rg->name, "streets", streets));
		} else if (streets && strcmp(rg->parent_code, district) == 0) {
			json_array_append_new(streets,
					      json_pack("{s:s, s:s, s:s}", "code", rg->code, "name",
							rg->name, "kind", rg->kind));
		}
	}
	res_json(r, 200, json_pack("{s:o}", "districts", districts));
}

void h_privacy_notice(http_request *r)
{
	res_json(r, 200, json_pack("{s:s, s:s, s:s}", "version", PRIVACY_NOTICE_VERSION, "title",
				   "隐私政策", "text", APP.privacy_text ? APP.privacy_text : ""));
}

void h_test_clock(http_request *r)
{
	json_t *adv = json_object_get(r->json, "advance");
	if (!json_is_integer(adv) || json_integer_value(adv) < 0 ||
	    json_integer_value(adv) > 400 * 86400) {
		api_fail_msg(r, ERR_INVALID_FIELD, "advance", "advance 应为不超过400天的非负秒数");
		return;
	}
	clock_advance(json_integer_value(adv));
	res_json(r, 200, json_pack("{s:I}", "now", (json_int_t)clock_now()));
}
