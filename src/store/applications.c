/* applications.c — applications (办事申请), their timeline, the worker's lists and the
 * reviewers' queue. */
#include <stdio.h>
#include <time.h>

#include "store/store.h"

#define APP_COLS                                                                                   \
	"a.id, COALESCE(a.ref, ''), a.worker_id, a.kind, a.status, COALESCE(a.org_id, 0), a.data, " \
	"COALESCE(a.consent_id, 0), a.request_id, COALESCE(a.handler_id, 0), "                     \
	"COALESCE(a.reason, ''), a.version, a.created_at, a.updated_at, "                          \
	"COALESCE(a.submitted_at, 0), COALESCE(a.decided_at, 0)"

static void read_app(db_rows *r, app_row *a)
{
	a->id = db_int(r, 0);
	db_text_into(r, 1, a->ref, sizeof(a->ref));
	a->worker_id = db_int(r, 2);
	db_text_into(r, 3, a->kind, sizeof(a->kind));
	db_text_into(r, 4, a->status, sizeof(a->status));
	a->org_id = db_int(r, 5);
	db_text_into(r, 6, a->data, sizeof(a->data));
	a->consent_id = db_int(r, 7);
	db_text_into(r, 8, a->request_id, sizeof(a->request_id));
	a->handler_id = db_int(r, 9);
	db_text_into(r, 10, a->reason, sizeof(a->reason));
	a->version = (int)db_int(r, 11);
	a->created_at = db_int(r, 12);
	a->updated_at = db_int(r, 13);
	a->submitted_at = db_int(r, 14);
	a->decided_at = db_int(r, 15);
}

static store_rc fetch_app(db_conn *c, const char *sql, const db_param *p, int n, app_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, n))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_app(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_app_create(db_conn *c, const app_new *a, int64_t now, int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r,
		     "INSERT INTO application (worker_id, kind, status, open_kind, data, consent_id, "
		     "request_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
		     "ON CONFLICT DO NOTHING RETURNING id",
		     DB_ARGS(DB_INT(a->worker_id), DB_TEXT(a->kind), DB_TEXT(a->status),
			     DB_TEXT(a->kind), DB_TEXT(a->data),
			     a->consent_id ? DB_INT(a->consent_id) : DB_NULL,
			     DB_TEXT(a->request_id), DB_INT(now), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
	/* The reference number: prefix, the day in China Standard Time, the row id. */
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	char ref[40];
	gmtime_r(&t, &tm);
	snprintf(ref, sizeof(ref), "%s%04d%02d%02d%08lld", a->ref_prefix, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, (long long)*id);
	return db_exec(c, "UPDATE application SET ref = ? WHERE id = ?",
		       DB_ARGS(DB_TEXT(ref), DB_INT(*id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_app_get(db_conn *c, int64_t id, app_row *out)
{
	return fetch_app(c, "SELECT " APP_COLS " FROM application a WHERE a.id = ?",
			 DB_ARGS(DB_INT(id)), out);
}

store_rc store_app_by_request(db_conn *c, int64_t worker_id, const char *request_id,
			      app_row *out)
{
	return fetch_app(c,
			 "SELECT " APP_COLS " FROM application a WHERE a.worker_id = ? AND "
			 "a.request_id = ?",
			 DB_ARGS(DB_INT(worker_id), DB_TEXT(request_id)), out);
}

store_rc store_app_open_of(db_conn *c, int64_t worker_id, const char *kind, app_row *out)
{
	return fetch_app(c,
			 "SELECT " APP_COLS " FROM application a WHERE a.worker_id = ? AND "
			 "a.open_kind = ?",
			 DB_ARGS(DB_INT(worker_id), DB_TEXT(kind)), out);
}

store_rc store_app_change(db_conn *c, const app_change *ch, int64_t now)
{
	int rc = db_exec(
		c,
		"UPDATE application SET status = ?, version = version + 1, updated_at = ?, "
		"open_kind = CASE WHEN ? = 1 THEN kind ELSE NULL END, "
		"data = COALESCE(?, data), "
		"org_id = CASE WHEN ? <> 0 THEN ? ELSE org_id END, "
		"handler_id = CASE WHEN ? <> 0 THEN ? ELSE handler_id END, "
		"reason = ?, "
		"submitted_at = CASE WHEN ? = 1 THEN ? ELSE submitted_at END, "
		"decided_at = CASE WHEN ? = 1 THEN ? ELSE decided_at END "
		"WHERE id = ? AND version = ? AND status = ?",
		DB_ARGS(DB_TEXT(ch->to_status), DB_INT(now), DB_INT(ch->still_open),
			DB_TEXT(ch->data), DB_INT(ch->org_id), DB_INT(ch->org_id),
			DB_INT(ch->handler_id), DB_INT(ch->handler_id), DB_TEXT(ch->reason),
			DB_INT(ch->submitted), DB_INT(now), DB_INT(ch->decided), DB_INT(now),
			DB_INT(ch->id), DB_INT(ch->expected_version), DB_TEXT(ch->from_status)));
	if (rc != DB_OK)
		return rc == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
	return db_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}

store_rc store_app_delete(db_conn *c, int64_t id, int expected_version)
{
	if (db_exec(c, "DELETE FROM application WHERE id = ? AND version = ? AND status = 'draft'",
		    DB_ARGS(DB_INT(id), DB_INT(expected_version))) != DB_OK)
		return STORE_ERR;
	return db_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}

store_rc store_app_event_add(db_conn *c, int64_t app_id, const char *actor_kind, int64_t actor_id,
			     const char *actor_name, const char *action, const char *to_status,
			     const char *note, int64_t now)
{
	return db_exec(c,
		       "INSERT INTO application_event (application_id, at, actor_kind, actor_id, "
		       "actor_name, action, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_INT(app_id), DB_INT(now), DB_TEXT(actor_kind),
			       actor_id ? DB_INT(actor_id) : DB_NULL, DB_TEXT(actor_name),
			       DB_TEXT(action), DB_TEXT(to_status), DB_TEXT(note))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_app_events(db_conn *c, int64_t app_id, app_event *out, int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     "SELECT at, COALESCE(actor_id, 0), actor_kind, COALESCE(actor_name, ''), action, "
		     "to_status, COALESCE(note, '') FROM application_event WHERE application_id = ? "
		     "ORDER BY id",
		     DB_ARGS(DB_INT(app_id))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		app_event *e = &out[(*n)++];
		e->at = db_int(r, 0);
		e->actor_id = db_int(r, 1);
		db_text_into(r, 2, e->actor_kind, sizeof(e->actor_kind));
		db_text_into(r, 3, e->actor_name, sizeof(e->actor_name));
		db_text_into(r, 4, e->action, sizeof(e->action));
		db_text_into(r, 5, e->to_status, sizeof(e->to_status));
		db_text_into(r, 6, e->note, sizeof(e->note));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

/* What a list line shows (app_item), in read_item's order. */
#define APP_ITEM_COLS                                                                              \
	"a.id, COALESCE(a.ref, ''), a.kind, a.status, COALESCE(a.reason, ''), a.version, "         \
	"a.updated_at, COALESCE(a.submitted_at, 0)"

static void read_item(db_rows *r, arena *mem, app_item *it)
{
	it->id = db_int(r, 0);
	it->ref = arena_strdup(mem, db_text(r, 1));
	it->kind = arena_strdup(mem, db_text(r, 2));
	it->status = arena_strdup(mem, db_text(r, 3));
	it->reason = arena_strdup(mem, db_text(r, 4));
	it->version = (int)db_int(r, 5);
	it->updated_at = db_int(r, 6);
	it->submitted_at = db_int(r, 7);
}

store_rc store_app_open_item(db_conn *c, arena *mem, int64_t worker_id, const char *kind,
			     app_item *out)
{
	db_rows *r;
	if (db_query(c, &r,
		     "SELECT " APP_ITEM_COLS " FROM application a WHERE a.worker_id = ? AND "
		     "a.open_kind = ?",
		     DB_ARGS(DB_INT(worker_id), DB_TEXT(kind))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_item(r, mem, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

/* The counts need every row of the worker anyway (a worker has a handful): one statement
 * reads them once, in list order, instead of a GROUP BY (a temporary b-tree) plus the page. */
store_rc store_app_list_worker(db_conn *c, arena *mem, int64_t worker_id,
			       const char *const *names, int nnames, const bool *listed,
			       int offset, int limit, int64_t *counts, app_item *out, int *n)
{
	db_rows *r;
	*n = 0;
	for (int i = 0; i < nnames; i++)
		counts[i] = 0;
	if (db_query(c, &r,
		     "SELECT " APP_ITEM_COLS " FROM application a WHERE a.worker_id = ? "
		     "ORDER BY a.updated_at DESC, a.id DESC",
		     DB_ARGS(DB_INT(worker_id))))
		return STORE_ERR;
	int rc, seen = 0;
	while ((rc = db_next(r)) == DB_ROW) {
		const char *status = db_text(r, 3);
		int s = 0;
		while (s < nnames && strcmp(names[s], status) != 0)
			s++;
		if (s < nnames)
			counts[s]++;
		if (listed && (s == nnames || !listed[s]))
			continue;
		if (seen++ >= offset && *n < limit)
			read_item(r, mem, &out[(*n)++]);
	}
	db_done(r);
	return rc == DB_DONE ? STORE_OK : STORE_ERR;
}

/* The organisations at or below root, as a recursive query both engines run. */
#define SUBTREE                                                                                    \
	"WITH RECURSIVE sub(id) AS (SELECT id FROM org WHERE id = ? UNION ALL "                    \
	"SELECT o.id FROM org o JOIN sub ON o.parent_id = sub.id) "

#define QUEUE_WHERE                                                                                \
	"WHERE a.status <> 'draft' AND "                                                           \
	"(a.org_id = ? OR (? = 1 AND a.org_id IN (SELECT id FROM sub))) AND "                      \
	"(? = '' OR a.status = ?) AND (? = '' OR a.kind = ?) AND "                                 \
	"(? = 0 OR a.submitted_at >= ?) AND (? = 0 OR a.submitted_at < ?) AND "                    \
	"(? = '' OR a.ref = ? OR w.name = ?) "

store_rc store_app_queue(db_conn *c, const app_queue_filter *f, int offset, int limit,
			 app_queue_row *out, int *n, int64_t *total)
{
	const char *status = f->status ? f->status : "", *kind = f->kind ? f->kind : "";
	const char *q = f->q ? f->q : "";
	db_param p[20] = {
		DB_INT(f->org_id), DB_INT(f->org_id), DB_INT(f->subtree), DB_TEXT(status),
		DB_TEXT(status), DB_TEXT(kind), DB_TEXT(kind), DB_INT(f->from), DB_INT(f->from),
		DB_INT(f->to), DB_INT(f->to), DB_TEXT(q), DB_TEXT(q), DB_TEXT(q),
		DB_INT(limit), DB_INT(offset),
	};
	db_rows *r;
	*n = 0;
	*total = 0;
	if (db_query(c, &r,
		     SUBTREE "SELECT COUNT(*) FROM application a JOIN worker w ON w.id = a.worker_id "
			     QUEUE_WHERE,
		     p, 14))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     SUBTREE "SELECT " APP_COLS ", w.name, w.phone, COALESCE(o.name, ''), "
			     "COALESCE(s.name, '') FROM application a JOIN worker w ON w.id = a.worker_id "
			     "LEFT JOIN org o ON o.id = a.org_id LEFT JOIN staff s ON s.id = a.handler_id "
			     QUEUE_WHERE "ORDER BY a.submitted_at DESC, a.id DESC LIMIT ? OFFSET ?",
		     p, 16))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit) {
		app_queue_row *row = &out[(*n)++];
		read_app(r, &row->app);
		db_text_into(r, 16, row->applicant_name, sizeof(row->applicant_name));
		db_text_into(r, 17, row->applicant_phone, sizeof(row->applicant_phone));
		db_text_into(r, 18, row->org_name, sizeof(row->org_name));
		db_text_into(r, 19, row->handler_name, sizeof(row->handler_name));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_org_within(db_conn *c, int64_t org_id, int64_t root, bool *within)
{
	db_rows *r;
	*within = false;
	/* Up from org_id (a few levels) rather than down from root (its whole subtree). */
	if (db_query(c, &r,
		     "WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM org "
		     "WHERE id = ? UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM org o "
		     "JOIN up ON o.id = up.parent_id WHERE up.depth < 64) SELECT 1 FROM up WHERE id = ?",
		     DB_ARGS(DB_INT(org_id), DB_INT(root))))
		return STORE_ERR;
	int rc = db_next(r);
	*within = rc == DB_ROW;
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}
