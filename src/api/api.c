/* api.c — the route table and the pipeline: test-only gate, Origin, JSON body, session,
 * CSRF, handler. */
#include "api/api.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/session.h"
#include "security/crypto.h"
#include "util/alloc.h"
#include "util/utf8.h"

app APP;

static const route routes[] = {
	{"GET", "/api/v1/session", h_session_get,
	 ROUTE_WORKER | ROUTE_SESSION_OPTIONAL | ROUTE_READ, 0},
	{"POST", "/api/v1/auth/sms-code", h_sms_code, 0, 0},
	{"POST", "/api/v1/auth/sms-login", h_sms_login, 0, 0},
	{"POST", "/api/v1/auth/register", h_register, ROUTE_HASH, 0},
	{"POST", "/api/v1/auth/password-login", h_password_login, ROUTE_HASH, 0},
	{"POST", "/api/v1/auth/logout", h_logout, ROUTE_WORKER, 0},
	{"GET", "/api/v1/account", h_account_get, ROUTE_WORKER | ROUTE_READ, 0},
	{"POST", "/api/v1/account/password", h_account_password, ROUTE_WORKER | ROUTE_HASH, 0},
	{"POST", "/api/v1/account/phone/sms-code", h_account_phone_code, ROUTE_WORKER, 0},
	{"POST", "/api/v1/account/phone", h_account_phone, ROUTE_WORKER | ROUTE_HASH, 0},
	{"GET", "/api/v1/admin/session", h_staff_session_get, ROUTE_STAFF | ROUTE_SESSION_OPTIONAL,
	 0},
	{"POST", "/api/v1/admin/auth/login", h_staff_login, ROUTE_HASH, 0},
	{"POST", "/api/v1/admin/auth/login/verify", h_staff_login_verify, 0, 0},
	{"POST", "/api/v1/admin/auth/login/resend", h_staff_login_resend, 0, 0},
	{"POST", "/api/v1/admin/auth/logout", h_staff_logout, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/account/password", h_staff_password, ROUTE_STAFF | ROUTE_HASH, 0},
	{"POST", "/api/v1/captcha", h_captcha_new, 0, 0},
	{"POST", "/api/v1/recover/start", h_recover_start, 0, 0},
	{"POST", "/api/v1/recover/phone/sms-code", h_recover_phone_code, 0, 0},
	{"POST", "/api/v1/recover/phone/reset", h_recover_phone_reset, ROUTE_HASH, 0},
	{"POST", "/api/v1/recover/email", h_recover_email, 0, 0},
	{"POST", "/api/v1/recover/email/reset", h_recover_email_reset, ROUTE_HASH, 0},
	{"POST", "/api/v1/recover/appeal/sms-code", h_recover_appeal_code, 0, 0},
	{"POST", "/api/v1/recover/appeal", h_recover_appeal, 0, API_BODY_UPLOAD},
	{"POST", "/api/v1/account/email", h_account_email, ROUTE_WORKER | ROUTE_HASH, 0},
	{"POST", "/api/v1/account/email/verify", h_account_email_verify, 0, 0},
	{"GET", "/api/v1/admin/appeals", h_appeals_list, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/appeals/:id", h_appeal_get, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/appeals/:id/photos/:n", h_appeal_photo, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/appeals/:id/:action", h_appeal_decide, ROUTE_STAFF | ROUTE_HASH, 0},
	{"GET", "/api/v1/admin/orgs", h_admin_orgs, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/orgs", h_admin_org_create, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/orgs/:id/deactivate", h_admin_org_deactivate, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/orgs/:id", h_admin_org_update, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/units", h_admin_units, ROUTE_STAFF | ROUTE_READ, 0},
	{"POST", "/api/v1/admin/units", h_admin_unit_create, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/units/import", h_admin_units_import, ROUTE_STAFF, API_BODY_IMPORT},
	{"POST", "/api/v1/admin/units/:id/found-union", h_admin_unit_found_union, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/units/:id/link-union", h_admin_unit_link_union, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/units/:id", h_admin_unit_update, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/staff", h_admin_staff_list, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/staff", h_admin_staff_create, ROUTE_STAFF | ROUTE_HASH, 0},
	{"POST", "/api/v1/admin/staff/:id/reset-password", h_admin_staff_reset,
	 ROUTE_STAFF | ROUTE_HASH, 0},
	{"POST", "/api/v1/admin/staff/:id", h_admin_staff_update, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/members", h_admin_members, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/members/export", h_admin_members_export, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/audit", h_admin_audit, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/dashboard", h_admin_dashboard, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/rosters", h_admin_roster_import, ROUTE_STAFF, API_BODY_IMPORT},
	{"GET", "/api/v1/admin/rosters", h_admin_rosters, ROUTE_STAFF | ROUTE_READ, 0},
	{"GET", "/api/v1/admin/rosters/export", h_admin_rosters_export, ROUTE_STAFF, 0},
	{"GET", "/api/v1/admin/roster-conflicts", h_admin_roster_conflicts, ROUTE_STAFF | ROUTE_READ,
	 0},
	{"POST", "/api/v1/admin/roster-conflicts/:id/resolve", h_admin_roster_conflict_resolve,
	 ROUTE_STAFF, 0},
	{"GET", "/api/v1/regions", h_regions, 0, 0},
	{"GET", "/api/v1/units", h_units_search, ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/membership", h_membership_get, ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/join/eligibility", h_join_eligibility, ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/join/agreement", h_join_agreement, 0, 0},
	{"POST", "/api/v1/join/consent", h_join_consent, ROUTE_WORKER, 0},
	{"GET", "/api/v1/join/options", h_join_options, 0, 0},
	{"GET", "/api/v1/transfer/eligibility", h_transfer_eligibility, ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/transfer/agreement", h_transfer_agreement, 0, 0},
	{"POST", "/api/v1/transfer/consent", h_transfer_consent, ROUTE_WORKER, 0},
	{"GET", "/api/v1/verification", h_verification_get, ROUTE_WORKER | ROUTE_READ, 0},
	{"POST", "/api/v1/verification/confirm", h_verification_confirm, ROUTE_WORKER, 0},
	{"GET", "/api/v1/correction/eligibility", h_correction_eligibility, ROUTE_WORKER | ROUTE_READ,
	 0},
	{"GET", "/api/v1/correction/agreement", h_correction_agreement, 0, 0},
	{"POST", "/api/v1/correction/consent", h_correction_consent, ROUTE_WORKER, 0},
	{"GET", "/api/v1/registration/eligibility", h_registration_eligibility,
	 ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/registration/agreement", h_registration_agreement, 0, 0},
	{"POST", "/api/v1/registration/consent", h_registration_consent, ROUTE_WORKER, 0},
	{"POST", "/api/v1/applications", h_app_create, ROUTE_WORKER, 0},
	{"GET", "/api/v1/applications/:id", h_app_get, ROUTE_WORKER | ROUTE_READ, 0},
	{"PUT", "/api/v1/applications/:id", h_app_update, ROUTE_WORKER, 0},
	{"POST", "/api/v1/applications/:id/withdraw", h_app_withdraw, ROUTE_WORKER, 0},
	{"DELETE", "/api/v1/applications/:id", h_app_delete, ROUTE_WORKER, 0},
	{"GET", "/api/v1/affairs", h_affairs, ROUTE_WORKER | ROUTE_READ, 0},
	{"GET", "/api/v1/admin/applications", h_review_queue, ROUTE_STAFF | ROUTE_READ, 0},
	{"GET", "/api/v1/admin/applications/:id", h_review_get, ROUTE_STAFF | ROUTE_READ, 0},
	{"POST", "/api/v1/admin/applications/:id/reveal-id", h_review_reveal, ROUTE_STAFF, 0},
	{"POST", "/api/v1/admin/applications/:id/:action", h_review_decide, ROUTE_STAFF, 0},
	{"GET", "/api/v1/privacy-notice", h_privacy_notice, 0, 0},
	{"POST", "/api/v1/test/clock", h_test_clock, ROUTE_TEST, 0},
};

/* Matches pattern against path; ":name" segments capture into r->params. */
static bool path_match(http_request *r, const char *pattern, const char *path)
{
	r->nparams = 0;
	while (*pattern && *path) {
		if (*pattern == ':') {
			const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
			size_t pn = pe ? (size_t)(pe - pattern) : strlen(pattern);
			size_t sn = se ? (size_t)(se - path) : strlen(path);
			if (sn == 0 || r->nparams >= HTTP_MAX_PARAMS)
				return false;
			r->params[r->nparams].key = arena_strndup(&r->mem, pattern + 1, pn - 1);
			r->params[r->nparams].value = arena_strndup(&r->mem, path, sn);
			r->nparams++;
			pattern += pn;
			path += sn;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return !*pattern && !*path;
}

const route *api_match(http_request *r, bool *wrong_method)
{
	*wrong_method = false;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!path_match(r, routes[i].pattern, r->path))
			continue;
		if (strcmp(routes[i].method, r->method) == 0) {
			r->route = &routes[i];
			return &routes[i];
		}
		*wrong_method = true;
	}
	return NULL;
}

api_dispatch api_dispatch_for(const route *rt)
{
	return rt->flags & ROUTE_HASH ? API_HASHERS : API_WORKERS;
}

static bool origin_allowed(const char *origin)
{
	for (int i = 0; i < APP.norigins; i++)
		if (strcmp(origin, APP.origins[i]) == 0)
			return true;
	return false;
}

static bool parse_body(http_request *r)
{
	if (r->is_get) {
		r->json = json_object();
		return true;
	}
	if (r->body.len == 0) {
		r->json = json_object();
		return true;
	}
	json_error_t err;
	r->json = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!r->json || !json_is_object(r->json)) {
		api_fail(r, ERR_INVALID_JSON, NULL);
		return false;
	}
	return true;
}

/* The session and, for a cookie on a state-changing request, the CSRF token; answers and
 * returns false when the route may not run. The session's own writes wait until the read
 * transaction (if one is open) ends. */
static bool authorized(http_request *r, const route *rt, const char *origin, bool read_tx)
{
	if (!(rt->flags & (ROUTE_WORKER | ROUTE_STAFF)))
		return true;
	subject_kind kind = rt->flags & ROUTE_STAFF ? SUBJECT_STAFF : SUBJECT_WORKER;
	bool found = session_resolve(r, kind);
	if (!read_tx)
		session_settle(r);
	if (!found && !(rt->flags & ROUTE_SESSION_OPTIONAL)) {
		api_fail(r, ERR_UNAUTHENTICATED, NULL);
		return false;
	}
	if (r->has_session && !r->via_bearer && !r->is_get) {
		/* A cookie rides along on any request: demand proof it is ours. */
		const char *csrf = req_header(r, "X-CSRF-Token");
		if (!origin) {
			api_fail(r, ERR_ORIGIN, NULL);
			return false;
		}
		if (!csrf || !crypto_equal(csrf, r->csrf_token)) {
			api_fail(r, ERR_CSRF, NULL);
			return false;
		}
	}
	return true;
}

static void run_checked(http_request *r)
{
	const route *rt = r->route;
	if ((rt->flags & ROUTE_TEST) && APP.cfg->mode != MODE_TEST) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "请求的接口不存在");
		return;
	}
	if (r->bad_text) {
		api_fail_msg(r, ERR_INVALID_FIELD, NULL, "请求参数含有无效字符");
		return;
	}
	/* Query strings and path segments have not been through the JSON parser's UTF-8 check. */
	for (int i = 0; i < r->nquery; i++)
		if (!utf8_valid(r->query[i].value)) {
			api_fail_msg(r, ERR_INVALID_FIELD, r->query[i].key, "参数含有无效字符");
			return;
		}
	if (!utf8_valid(r->path)) {
		api_fail(r, ERR_NOT_FOUND, NULL);
		return;
	}
	const char *origin = req_header(r, "Origin");
	if (!r->is_get && origin && !origin_allowed(origin)) {
		api_fail(r, ERR_ORIGIN, NULL);
		return;
	}
	if (!parse_body(r))
		return;
	/* One read transaction instead of one per statement, the session lookup included: on
	 * SQLite each statement otherwise takes and drops the WAL read lock (fcntl calls);
	 * PostgreSQL would pay round trips. */
	bool read_tx = (rt->flags & ROUTE_READ) && db_conn_dialect(r->db) == DB_SQLITE &&
		       db_begin(r->db, false) == DB_OK;
	if (authorized(r, rt, origin, read_tx))
		rt->fn(r);
	if (read_tx) {
		db_rollback(r->db);
		session_settle(r);
	}
}

void api_run(http_request *r)
{
	r->db = db_acquire(APP.db);
	if (!r->db) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	run_checked(r);
	db_release(r->db);
	r->db = NULL;
	if (!r->status)
		api_fail(r, ERR_INTERNAL, NULL);
}

int app_init(const config *cfg, db *d)
{
	memset(&APP, 0, sizeof(APP));
	APP.cfg = cfg;
	APP.db = d;
	db_conn *c = db_acquire(d);
	APP.regions = xcalloc(1024, sizeof(region_row));
	if (!c || store_regions_list(c, APP.regions, 1024, &APP.nregions) != STORE_OK) {
		db_release(c);
		return -1;
	}
	db_release(c);
	APP.secure_cookies = strncasecmp(cfg->base_url, "https://", 8) == 0;
	/* The base URL's origin (scheme://host[:port], no path). */
	const char *start = strstr(cfg->base_url, "://");
	const char *slash = start ? strchr(start + 3, '/') : NULL;
	size_t n = slash ? (size_t)(slash - cfg->base_url) : strlen(cfg->base_url);
	snprintf(APP.origins[APP.norigins++], sizeof(APP.origins[0]), "%.*s", (int)n,
		 cfg->base_url);
	if (cfg->mode != MODE_PROD) {
		/* In development the listen address answers under either loopback name. */
		const char *colon = strrchr(cfg->listen, ':');
		const char *port = colon ? colon + 1 : "80";
		snprintf(APP.origins[APP.norigins++], sizeof(APP.origins[0]), "http://127.0.0.1:%s",
			 port);
		snprintf(APP.origins[APP.norigins++], sizeof(APP.origins[0]), "http://localhost:%s",
			 port);
	}
	return 0;
}
