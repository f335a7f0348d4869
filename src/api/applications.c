/* applications.c — the application engine's worker side (SPEC §6): create (暂存/提交, with a
 * request id so a retried submit never files twice), read with its timeline, edit and submit
 * again, withdraw while 已递交, delete a draft, and 我的办事's tabs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/idcard.h"
#include "util/clock.h"

enum { TIMELINE_MAX = 64, AFFAIRS_PAGE = 10, AFFAIRS_PAGE_MAX = 50 };

const app_kind_ops *kind_ops(app_kind k)
{
	static const app_kind_ops *const table[APP_KIND_COUNT] = {
		[APP_KIND_JOIN] = &join_ops,
		[APP_KIND_TRANSFER] = &transfer_ops,
		[APP_KIND_CORRECTION] = &correction_ops,
		[APP_KIND_REGISTRATION] = &registration_ops,
		[APP_KIND_CLAIM] = &claim_ops,
	};
	return k >= 0 && k < APP_KIND_COUNT ? table[k] : NULL;
}

void app_agreement(http_request *r, app_kind k)
{
	const app_kind_ops *ops = kind_ops(k);
	res_json(r, 200, json_pack("{s:s, s:s, s:s}", "version", ops->agreement_version, "title",
				   ops->agreement_title, "text", ops->agreement_text));
}

void app_consent(http_request *r, app_kind k)
{
	static const field_spec spec[] = {{"version", FIELD_TEXT, true, "协议版本"}};
	form_value v[FORM_LEN(spec)];
	const app_kind_ops *ops = kind_ops(k);
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (strcmp(v[0].s, ops->agreement_version) != 0) {
		api_fail_msg(r, ERR_INVALID_FIELD, "version",
			     arena_printf(&r->mem, "《%s》已更新，请刷新后重新阅读", ops->agreement_title));
		return;
	}
	const char *reason = NULL;
	if (!ops->eligible(r, &reason)) {
		res_error(r, 409, "not_eligible", reason, NULL);
		return;
	}
	int64_t id;
	if (store_consent_record(r->db, SUBJECT_WORKER, r->subject_id, ops->agreement_document,
				 ops->agreement_version, r->client, clock_now(), &id) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, 201, json_pack("{s:I}", "consent_id", (json_int_t)id));
}

bool path_id(http_request *r, int64_t *id)
{
	const char *s = req_param(r, "id");
	char *end;
	/* Digits only: strtoll alone would accept " 1", "+1". */
	bool digits = s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 16;
	long long v = digits ? strtoll(s, &end, 10) : 0;
	if (!digits || v < 1) {
		api_fail(r, ERR_NOT_FOUND, NULL);
		return false;
	}
	*id = v;
	return true;
}

bool load_app(http_request *r, int64_t id, app_row *a, app_kind *kind)
{
	store_rc rc = store_app_get(r->db, id, a);
	if (rc != STORE_OK || !domain_app_kind_parse(a->kind, kind)) {
		if (rc == STORE_ERR)
			api_fail(r, ERR_UNAVAILABLE, NULL);
		else
			api_fail_msg(r, ERR_NOT_FOUND, NULL, "申请不存在");
		return false;
	}
	return true;
}

/* Loads the worker's own application: another worker's id answers 404, as a missing one. */
static bool load_own(http_request *r, app_row *a, app_kind *kind)
{
	int64_t id;
	if (!path_id(r, &id) || !load_app(r, id, a, kind))
		return false;
	if (a->worker_id != r->subject_id) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "申请不存在");
		return false;
	}
	return true;
}

static void iso(int64_t t, char out[32])
{
	if (t)
		clock_iso8601(t, out);
	else
		out[0] = '\0';
}

static json_t *iso_or_null(int64_t t)
{
	char s[32];
	iso(t, s);
	return t ? json_string(s) : json_null();
}

enum { WORKER_ACTIONS_MAX = 4 };

/* The names of what the worker may do next at status st (nothing on a kind only the system
 * files); returns how many. */
static int worker_action_names(const app_kind_ops *ops, app_status st,
			       const char *names[WORKER_ACTIONS_MAX])
{
	static const struct {
		app_action a;
		const char *name;
	} offered[WORKER_ACTIONS_MAX] = {{ACT_SAVE, "edit"},
					 {ACT_SUBMIT, "submit"},
					 {ACT_WITHDRAW, "withdraw"},
					 {ACT_DELETE, "delete"}};
	int n = 0;
	app_status to;
	for (int i = 0; ops && !ops->system_only && i < WORKER_ACTIONS_MAX; i++)
		if (domain_app_transition(st, offered[i].a, &to))
			names[n++] = offered[i].name;
	return n;
}

static json_t *worker_actions(const app_kind_ops *ops, app_status st)
{
	const char *names[WORKER_ACTIONS_MAX];
	int n = worker_action_names(ops, st, names);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

static json_t *timeline(http_request *r, int64_t id)
{
	app_event *ev = arena_alloc(&r->mem, sizeof(app_event) * TIMELINE_MAX);
	int n = 0;
	json_t *arr = json_array();
	if (store_app_events(r->db, id, ev, TIMELINE_MAX, &n) != STORE_OK)
		return arr;
	for (int i = 0; i < n; i++) {
		char at[32];
		iso(ev[i].at, at);
		app_status st = APP_DRAFT;
		domain_app_status_parse(ev[i].to_status, &st);
		const char *actor = strcmp(ev[i].actor_kind, "staff") == 0
					    ? arena_printf(&r->mem, "审核人员 %s", ev[i].actor_name)
					: strcmp(ev[i].actor_kind, "system") == 0 ? "系统"
										  : "本人";
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s*}", "at", at,
						"actor", actor, "action", ev[i].action, "label",
						domain_app_action_label_of(ev[i].action), "status",
						ev[i].to_status, "status_label",
						domain_app_status_label(st), "note",
						ev[i].note[0] ? ev[i].note : NULL));
	}
	return arr;
}

json_t *render_app(http_request *r, const app_row *a, bool staff)
{
	app_kind k = APP_KIND_JOIN;
	app_status st = APP_DRAFT;
	domain_app_kind_parse(a->kind, &k);
	domain_app_status_parse(a->status, &st);
	const app_kind_ops *ops = kind_ops(k);
	json_t *data = json_loads(a->data, 0, NULL);
	if (!data)
		data = json_object();
	org_row org;
	json_t *o = a->org_id && store_org_get(r->db, a->org_id, &org) == STORE_OK
			    ? json_pack("{s:I, s:s}", "id", (json_int_t)org.id, "name", org.name)
			    : json_null();
	/* Keys starting with "_" are the server's own notes (e.g. the membership as filed): they
	 * feed display, not the form. */
	json_t *shown = json_deep_copy(data);
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(shown, tmp, key, value)
	{
		if (key[0] == '_')
			json_object_del(shown, key);
	}
	json_t *disp = ops && ops->display ? ops->display(r, a, data) : json_object();
	json_decref(data);
	json_t *out = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s?, s:o, s:o, s:o, s:i, s:o}", "id",
		(json_int_t)a->id, "ref", a->ref, "kind", a->kind, "kind_label",
		domain_app_kind_label(k), "status", a->status, "status_label",
		domain_app_status_label(st), "data", shown, "display", disp, "reason",
		a->reason[0] ? a->reason : NULL, "org", o, "submitted_at",
		iso_or_null(a->submitted_at), "decided_at", iso_or_null(a->decided_at), "version",
		a->version, "timeline", timeline(r, a->id));
	char created[32];
	iso(a->created_at, created);
	json_object_set_new(out, "created_at", json_string(created));
	if (!staff)
		json_object_set_new(out, "actions", worker_actions(ops, st));
	if (st == APP_SUBMITTED && ops)
		json_object_set_new(out, "next_steps", json_string(ops->next_steps));
	return out;
}

store_rc app_apply(http_request *r, const app_row *a, app_action action, app_change *extra,
		   const char *actor_kind, const char *actor_name)
{
	app_status from, to;
	if (!domain_app_status_parse(a->status, &from) || !domain_app_transition(from, action, &to))
		return STORE_CONFLICT;
	app_change ch = extra ? *extra : (app_change){0};
	ch.id = a->id;
	ch.expected_version = a->version;
	ch.from_status = a->status;
	ch.to_status = domain_app_status_name(to);
	ch.still_open = domain_app_open(to);
	ch.submitted = action == ACT_SUBMIT;
	ch.decided = !ch.still_open;
	int64_t now = clock_now();
	store_rc rc = store_app_change(r->db, &ch, now);
	if (rc == STORE_OK)
		rc = store_app_event_add(r->db, a->id, actor_kind,
					 strcmp(actor_kind, "staff") == 0 ? r->subject_id : 0,
					 actor_name, domain_app_action_name(action), ch.to_status,
					 ch.reason, now);
	return rc;
}

static void respond_app(http_request *r, int status, int64_t id)
{
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	if (store_app_get(r->db, id, a) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	res_json(r, status, json_pack("{s:o}", "application", render_app(r, a, false)));
}

/* Checks the form and, when submitting, finds the reviewing organisation. */
static bool prepare(http_request *r, const app_kind_ops *ops, json_t *data, bool submit,
		    int64_t *org_id)
{
	if (!json_is_object(data)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "data", "申请表内容应为对象");
		return false;
	}
	if (!ops->check(r, data, submit))
		return false;
	if (submit && !ops->route(r, data, org_id)) {
		api_fail_msg(r, ERR_INVALID_FIELD, ops->route_field ? ops->route_field : "data.work_street",
			     "找不到负责审核的工会组织，请检查工作单位所在地");
		return false;
	}
	return true;
}

static bool request_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 8 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

/* A refusal may be a retry whose twin committed meanwhile (its consent is now used, its
 * application now open): answer with that application, as a retry after it would get. */
static bool retried(http_request *r, const char *request_id, app_row *a)
{
	if (store_app_by_request(r->db, r->subject_id, request_id, a) != STORE_OK)
		return false;
	respond_app(r, 200, a->id);
	return true;
}

void h_app_create(http_request *r)
{
	static const field_spec spec[] = {
		{"kind", FIELD_TEXT, true, "事项"},
		{"request_id", FIELD_TEXT, true, "请求编号"},
		{"submit", FIELD_BOOL, false, "是否提交"},
	};
	form_value v[FORM_LEN(spec)];
	app_kind kind;
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	if (!domain_app_kind_parse(v[0].s, &kind) || !kind_ops(kind)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "kind", "不支持的办事事项");
		return;
	}
	if (!request_id_ok(v[1].s)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "request_id", "请求编号格式不正确");
		return;
	}
	const app_kind_ops *ops = kind_ops(kind);
	if (ops->system_only) {
		res_error(r, 422, "kind_not_allowed", "会员信息认领由系统发起，不能自行提交", "kind");
		return;
	}
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	if (store_app_by_request(r->db, r->subject_id, v[1].s, a) == STORE_OK) {
		respond_app(r, 200, a->id); /* a retry of a request that went through */
		return;
	}
	json_t *consent = json_object_get(r->json, "consent_id");
	bool usable = false;
	if (!json_is_integer(consent) ||
	    store_consent_usable(r->db, json_integer_value(consent), r->subject_id,
				 ops->agreement_document, &usable) != STORE_OK ||
	    !usable) {
		if (retried(r, v[1].s, a))
			return;
		api_fail_msg(r, ERR_CONSENT_REQUIRED, "consent_id", "请先阅读并点击【同意】申请书");
		return;
	}
	const char *reason = NULL;
	if (!ops->eligible(r, &reason)) {
		if (retried(r, v[1].s, a))
			return;
		res_error(r, 409, "not_eligible", reason, NULL);
		return;
	}
	int64_t org_id = 0, id = 0;
	if (!json_object_get(r->json, "data"))
		json_object_set_new(r->json, "data", json_object());
	json_t *data = json_object_get(r->json, "data");
	if (!prepare(r, ops, data, v[2].b, &org_id))
		return;
	char *text = json_dumps(data, JSON_COMPACT);
	if (!text || strlen(text) >= APP_DATA_MAX) {
		free(text);
		api_fail_msg(r, ERR_INVALID_FIELD, "data", "申请表内容过长");
		return;
	}
	app_new n = {.worker_id = r->subject_id, .consent_id = json_integer_value(consent),
		     .kind = domain_app_kind_name(kind), .status = domain_app_status_name(APP_DRAFT),
		     .data = text, .request_id = v[1].s, .ref_prefix = domain_app_kind_prefix(kind)};
	store_rc rc = db_begin(r->db, true) == DB_OK ? STORE_OK : STORE_ERR;
	if (rc == STORE_OK)
		rc = store_app_create(r->db, &n, clock_now(), &id);
	if (rc == STORE_OK)
		rc = store_app_event_add(r->db, id, "worker", 0, "", "save", "draft", NULL,
					 clock_now());
	if (rc == STORE_OK && v[2].b && store_app_get(r->db, id, a) == STORE_OK) {
		app_change ch = {.org_id = org_id};
		rc = app_apply(r, a, ACT_SUBMIT, &ch, "worker", "");
	}
	free(text);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT &&
		    store_app_by_request(r->db, r->subject_id, v[1].s, a) == STORE_OK)
			respond_app(r, 200, a->id);
		else if (rc == STORE_CONFLICT)
			res_error(r, 409, "not_eligible",
				  "您已有一份同类申请正在办理或待提交，请在“我的办事”中继续办理", NULL);
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	respond_app(r, 201, id);
}

void h_app_get(http_request *r)
{
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	if (load_own(r, a, &k))
		res_json(r, 200, json_pack("{s:o}", "application", render_app(r, a, false)));
}

static bool version_matches(http_request *r, const app_row *a)
{
	json_t *v = json_object_get(r->json, "version");
	if (v && !json_is_integer(v)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "version", "version 应为整数");
		return false;
	}
	if (v && json_integer_value(v) != a->version) {
		res_error(r, 409, "conflict", "申请已在别处更新，请刷新后重试", NULL);
		return false;
	}
	return true;
}

/* The worker's own changes (edit, submit, withdraw, delete); a system-made one answers 409. */
static bool worker_may_change(http_request *r, app_kind k)
{
	if (!kind_ops(k)->system_only)
		return true;
	res_error(r, 409, "invalid_state", "该申请由系统发起，不能修改、撤回或删除", NULL);
	return false;
}

static void conflict_state(http_request *r, const app_row *a)
{
	app_status st = APP_DRAFT;
	domain_app_status_parse(a->status, &st);
	res_error(r, 409, "invalid_state",
		  arena_printf(&r->mem, "当前状态为“%s”，不能进行此操作", domain_app_status_label(st)),
		  NULL);
}

/* Runs one worker action in a transaction and answers with the application. */
static void worker_action(http_request *r, app_row *a, app_action action, app_change *extra)
{
	store_rc rc = db_begin(r->db, true) == DB_OK ? STORE_OK : STORE_ERR;
	if (rc == STORE_OK)
		rc = app_apply(r, a, action, extra, "worker", "");
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			res_error(r, 409, "conflict", "申请状态已变化，请刷新后查看", NULL);
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	respond_app(r, 200, a->id);
}

void h_app_update(http_request *r)
{
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	if (!load_own(r, a, &k) || !worker_may_change(r, k) || !version_matches(r, a))
		return;
	json_t *submit = json_object_get(r->json, "submit");
	if (submit && !json_is_boolean(submit)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "submit", "submit 应为是或否");
		return;
	}
	app_action action = json_is_true(submit) ? ACT_SUBMIT : ACT_SAVE;
	app_status st, to;
	if (!domain_app_status_parse(a->status, &st) || !domain_app_transition(st, action, &to)) {
		conflict_state(r, a);
		return;
	}
	if (!json_object_get(r->json, "data")) /* submit the saved form as it is */
		json_object_set_new(r->json, "data", json_loads(a->data, 0, NULL));
	json_t *data = json_object_get(r->json, "data");
	int64_t org_id = 0;
	if (!prepare(r, kind_ops(k), data, action == ACT_SUBMIT, &org_id))
		return;
	char *text = json_dumps(data, JSON_COMPACT);
	if (!text || strlen(text) >= APP_DATA_MAX) {
		free(text);
		api_fail_msg(r, ERR_INVALID_FIELD, "data", "申请表内容过长");
		return;
	}
	/* Editing keeps a returned application's reason visible until it is submitted again. */
	app_change ch = {.data = text, .org_id = org_id,
			 .reason = action == ACT_SAVE && a->reason[0] ? a->reason : NULL};
	worker_action(r, a, action, &ch);
	free(text);
}

void h_app_withdraw(http_request *r)
{
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	app_status st, to;
	if (!load_own(r, a, &k) || !worker_may_change(r, k) || !version_matches(r, a))
		return;
	if (!domain_app_status_parse(a->status, &st) ||
	    !domain_app_transition(st, ACT_WITHDRAW, &to)) {
		conflict_state(r, a);
		return;
	}
	worker_action(r, a, ACT_WITHDRAW, NULL);
}

void h_app_delete(http_request *r)
{
	app_row *a = arena_alloc(&r->mem, sizeof(app_row));
	app_kind k;
	if (!load_own(r, a, &k) || !worker_may_change(r, k))
		return;
	if (strcmp(a->status, "draft") != 0) {
		conflict_state(r, a);
		return;
	}
	store_rc rc = store_app_delete(r->db, a->id, a->version);
	if (rc == STORE_OK)
		res_json(r, 204, NULL);
	else if (rc == STORE_CONFLICT)
		res_error(r, 409, "conflict", "申请状态已变化，请刷新后查看", NULL);
	else
		api_fail(r, ERR_UNAVAILABLE, NULL);
}

/* A key with an ISO-8601 time, or null for 0 ("never"). */
static void write_iso_or_null(jsonw *w, const char *key, int64_t t)
{
	char s[32];
	iso(t, s);
	jsonw_kv_str_or_null(w, key, t ? s : NULL);
}

/* The 我的办事 list is the workers' busiest read: it is written straight into the response
 * buffer (util/jsonw) rather than through a jansson tree. */
void h_affairs(http_request *r)
{
	app_tab tab = TAB_ALL;
	const char *t = req_query(r, "tab");
	if (t && *t && !domain_app_tab_parse(t, &tab)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "tab", "tab 应为 todo、processing、completed、rejected 或 all");
		return;
	}
	long page, size;
	if (!form_query_long(r, "page", 1, 1, 100000, &page) ||
	    !form_query_long(r, "page_size", AFFAIRS_PAGE, 1, AFFAIRS_PAGE_MAX, &size))
		return;
	const char *names[APP_STATUS_COUNT];
	bool listed[APP_STATUS_COUNT];
	int64_t counts[APP_STATUS_COUNT], tab_counts[TAB_COUNT];
	for (int s = 0; s < APP_STATUS_COUNT; s++) {
		names[s] = domain_app_status_name((app_status)s);
		listed[s] = domain_app_in_tab((app_status)s, tab);
	}
	app_item *rows = arena_alloc(&r->mem, sizeof(app_item) * (size_t)size);
	int n = 0;
	if (store_app_list_worker(r->db, &r->mem, r->subject_id, names, APP_STATUS_COUNT,
				  tab == TAB_ALL ? NULL : listed, (int)((page - 1) * size),
				  (int)size, counts, rows, &n) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	for (int tb = 0; tb < TAB_COUNT; tb++) {
		tab_counts[tb] = 0;
		for (int s = 0; s < APP_STATUS_COUNT; s++)
			if (domain_app_in_tab((app_status)s, (app_tab)tb))
				tab_counts[tb] += counts[s];
	}
	jsonw w;
	jsonw_init(&w, 256 + 400 * (size_t)n);
	jsonw_obj(&w);
	jsonw_key(&w, "counts");
	jsonw_obj(&w);
	for (int tb = 0; tb < TAB_COUNT; tb++)
		jsonw_kv_int(&w, domain_app_tab_name((app_tab)tb), tab_counts[tb]);
	jsonw_obj_end(&w);
	jsonw_kv_int(&w, "total", tab_counts[tab]); /* the tab's count is the list's total */
	jsonw_kv_int(&w, "page", page);
	jsonw_kv_int(&w, "page_size", size);
	jsonw_key(&w, "items");
	jsonw_arr(&w);
	for (int i = 0; i < n; i++) {
		const app_item *it = &rows[i];
		app_kind k = APP_KIND_JOIN;
		app_status st = APP_DRAFT;
		domain_app_kind_parse(it->kind, &k);
		domain_app_status_parse(it->status, &st);
		const char *actions[WORKER_ACTIONS_MAX];
		int nact = worker_action_names(kind_ops(k), st, actions);
		jsonw_obj(&w);
		jsonw_kv_int(&w, "id", it->id);
		jsonw_kv_str(&w, "ref", it->ref);
		jsonw_kv_str(&w, "kind", it->kind);
		jsonw_kv_str(&w, "kind_label", domain_app_kind_label(k));
		jsonw_kv_str(&w, "status", it->status);
		jsonw_kv_str(&w, "status_label", domain_app_status_label(st));
		jsonw_kv_str_or_null(&w, "reason", it->reason[0] ? it->reason : NULL);
		write_iso_or_null(&w, "updated_at", it->updated_at);
		write_iso_or_null(&w, "submitted_at", it->submitted_at);
		jsonw_kv_int(&w, "version", it->version);
		jsonw_key(&w, "actions");
		jsonw_arr(&w);
		for (int a = 0; a < nact; a++)
			jsonw_str(&w, actions[a]);
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	res_jsonw(r, 200, &w);
}
