/* orgs.c — regions (行政区划), union organisations (工会组织) and units (工作单位). */
#include <stdio.h>

#include "store/store.h"

store_rc store_region_put(db_conn *c, const region_row *r)
{
	return db_exec(c,
		       "INSERT INTO region (code, name, kind, parent_code) VALUES (?, ?, ?, ?) "
		       "ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
		       "parent_code = excluded.parent_code",
		       DB_ARGS(DB_TEXT(r->code), DB_TEXT(r->name), DB_TEXT(r->kind),
			       DB_TEXT(*r->parent_code ? r->parent_code : NULL))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_regions_list(db_conn *c, region_row *out, int max, int *n)
{
	db_rows *rows;
	*n = 0;
	if (db_query(c, &rows,
		     "SELECT code, name, kind, COALESCE(parent_code, '') FROM region ORDER BY code",
		     NULL, 0))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(rows)) == DB_ROW && *n < max) {
		region_row *r = &out[(*n)++];
		db_text_into(rows, 0, r->code, sizeof(r->code));
		db_text_into(rows, 1, r->name, sizeof(r->name));
		db_text_into(rows, 2, r->kind, sizeof(r->kind));
		db_text_into(rows, 3, r->parent_code, sizeof(r->parent_code));
	}
	db_done(rows);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

static store_rc count_rows(db_conn *c, const char *sql, int64_t *n)
{
	db_rows *r;
	if (db_query(c, &r, sql, NULL, 0))
		return STORE_ERR;
	int rc = db_next(r);
	*n = rc == DB_ROW ? db_int(r, 0) : 0;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_region_count(db_conn *c, int64_t *n)
{
	return count_rows(c, "SELECT COUNT(*) FROM region", n);
}

store_rc store_unit_count(db_conn *c, int64_t *n)
{
	return count_rows(c, "SELECT COUNT(*) FROM unit", n);
}

static store_rc insert_returning_id(db_conn *c, const char *sql, const db_param *p, int n,
				    int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, n))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_org_create(db_conn *c, const org_row *o, int64_t now, int64_t *id)
{
	return insert_returning_id(
		c,
		"INSERT INTO org (code, name, kind, parent_id, region_code, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
		DB_ARGS(DB_TEXT(o->code), DB_TEXT(o->name), DB_TEXT(o->kind),
			o->parent_id ? DB_INT(o->parent_id) : DB_NULL,
			DB_TEXT(*o->region_code ? o->region_code : NULL), DB_INT(now)),
		id);
}

static store_rc fetch_org(db_conn *c, const char *sql, db_param key, org_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, &key, 1))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		out->id = db_int(r, 0);
		db_text_into(r, 1, out->code, sizeof(out->code));
		db_text_into(r, 2, out->name, sizeof(out->name));
		db_text_into(r, 3, out->kind, sizeof(out->kind));
		out->parent_id = db_int(r, 4);
		db_text_into(r, 5, out->region_code, sizeof(out->region_code));
		out->active = db_int(r, 6) != 0;
	}
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_org_by_code(db_conn *c, const char *code, org_row *out)
{
	return fetch_org(c,
			 "SELECT id, code, name, kind, COALESCE(parent_id, 0), "
			 "COALESCE(region_code, ''), active FROM org WHERE code = ?",
			 DB_TEXT(code), out);
}

store_rc store_org_get(db_conn *c, int64_t id, org_row *out)
{
	return fetch_org(c,
			 "SELECT id, code, name, kind, COALESCE(parent_id, 0), "
			 "COALESCE(region_code, ''), active FROM org WHERE id = ?",
			 DB_INT(id), out);
}

store_rc store_org_active_ancestor(db_conn *c, int64_t id, org_row *out)
{
	return fetch_org(c,
			 "WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM org "
			 "WHERE id = ? UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM org o "
			 "JOIN up ON o.id = up.parent_id WHERE up.depth < 64) "
			 "SELECT o.id, o.code, o.name, o.kind, COALESCE(o.parent_id, 0), "
			 "COALESCE(o.region_code, ''), o.active FROM up JOIN org o ON o.id = up.id "
			 "WHERE o.active = 1 ORDER BY up.depth LIMIT 1",
			 DB_INT(id), out);
}

store_rc store_org_notice_add(db_conn *c, int64_t org_id, const char *text, const char *ref,
			      int64_t now)
{
	return db_exec(c,
		       "INSERT INTO org_notice (org_id, at, text, application_ref) VALUES (?, ?, ?, ?)",
		       DB_ARGS(DB_INT(org_id), DB_INT(now), DB_TEXT(text), DB_TEXT(ref))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_org_lca(db_conn *c, int64_t a, int64_t b, int64_t *out)
{
	db_rows *r;
	*out = 0;
	if (a == b) {
		*out = a;
		return STORE_OK;
	}
	/* Both ancestor chains (each organisation first, depth 0), the nearest one they share. */
	if (db_query(c, &r,
		     "WITH RECURSIVE up(id, parent, depth, start) AS ("
		     "SELECT id, parent_id, 0, id FROM org WHERE id IN (?, ?) UNION ALL "
		     "SELECT o.id, o.parent_id, up.depth + 1, up.start FROM org o "
		     "JOIN up ON o.id = up.parent WHERE up.depth < 64) "
		     "SELECT id FROM up GROUP BY id HAVING COUNT(DISTINCT start) = 2 "
		     "ORDER BY MIN(depth) LIMIT 1",
		     DB_ARGS(DB_INT(a), DB_INT(b))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*out = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}
