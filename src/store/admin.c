/* admin.c — storage for the back office: the organisation tree (browse, rename, move,
 * deactivate with its members and open applications moved first), staff accounts, the
 * member register, the audit log and the dashboard's counts. Scopes are subtrees, found by
 * one recursive query both engines run. */
#include <stdio.h>

#include "store/store.h"

#define SUBTREE                                                                                    \
	"WITH RECURSIVE sub(id) AS (SELECT id FROM org WHERE id = ? UNION ALL "                    \
	"SELECT o.id FROM org o JOIN sub ON o.parent_id = sub.id) "

store_rc store_org_children(db_conn *c, int64_t parent_id, org_node *out, int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     "SELECT o.id, o.code, o.name, o.kind, COALESCE(o.parent_id, 0), "
		     "COALESCE(o.region_code, ''), o.active, "
		     "(SELECT COUNT(*) FROM org k WHERE k.parent_id = o.id), "
		     "(SELECT COUNT(*) FROM membership m WHERE m.org_id = o.id AND m.is_current = 1) "
		     "FROM org o WHERE o.parent_id = ? ORDER BY o.code LIMIT ?",
		     DB_ARGS(DB_INT(parent_id), DB_INT(max))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		org_node *o = &out[(*n)++];
		o->org.id = db_int(r, 0);
		db_text_into(r, 1, o->org.code, sizeof(o->org.code));
		db_text_into(r, 2, o->org.name, sizeof(o->org.name));
		db_text_into(r, 3, o->org.kind, sizeof(o->org.kind));
		o->org.parent_id = db_int(r, 4);
		db_text_into(r, 5, o->org.region_code, sizeof(o->org.region_code));
		o->org.active = db_int(r, 6) != 0;
		o->children = db_int(r, 7);
		o->members = db_int(r, 8);
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

/* The non-grassroots part of the subtree comes off the index org(parent_id, kind, name) (a
 * few dozen rows where a district has tens of thousands of grassroots unions); the unions are
 * then read per parent off the same index, their names compared there (IN, not a join: a join
 * lets SQLite build a Bloom filter over the whole org table first). */
store_rc store_org_search(db_conn *c, int64_t root, const char *pattern, org_hit *out, int max,
			  int *n)
{
	char like[512];
	size_t k = 0;
	like[k++] = '%';
	for (const char *p = pattern; *p && k < sizeof(like) - 4; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			like[k++] = '\\';
		like[k++] = *p;
	}
	like[k++] = '%';
	like[k] = '\0';
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     "WITH RECURSIVE sub(id) AS (SELECT id FROM org WHERE id = ? "
		     "UNION ALL SELECT o.id FROM sub JOIN org o ON o.parent_id = sub.id "
		     "WHERE o.kind <> 'grassroots' OR sub.id < 0) "
		     "SELECT g.id, g.code, g.name, COALESCE(g.region_code, ''), g.active, g.parent_id, "
		     "(SELECT p.name FROM org p WHERE p.id = g.parent_id) FROM org g "
		     "WHERE g.parent_id IN (SELECT id FROM sub) AND g.kind = 'grassroots' "
		     "AND lower(g.name) LIKE ? ESCAPE '\\' LIMIT ?",
		     DB_ARGS(DB_INT(root), DB_TEXT(like), DB_INT(max))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		org_hit *h = &out[(*n)++];
		h->org.id = db_int(r, 0);
		db_text_into(r, 1, h->org.code, sizeof(h->org.code));
		db_text_into(r, 2, h->org.name, sizeof(h->org.name));
		snprintf(h->org.kind, sizeof(h->org.kind), "%s", "grassroots");
		db_text_into(r, 3, h->org.region_code, sizeof(h->org.region_code));
		h->org.active = db_int(r, 4) != 0;
		h->org.parent_id = db_int(r, 5);
		db_text_into(r, 6, h->parent_name, sizeof(h->parent_name));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_org_update(db_conn *c, int64_t id, const char *name, int64_t parent_id)
{
	int rc = db_exec(c,
			 "UPDATE org SET name = COALESCE(?, name), "
			 "parent_id = CASE WHEN ? <> 0 THEN ? ELSE parent_id END WHERE id = ?",
			 DB_ARGS(DB_TEXT(name), DB_INT(parent_id), DB_INT(parent_id), DB_INT(id)));
	return rc == DB_OK ? STORE_OK : rc == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
}

static store_rc count1(db_conn *c, const char *sql, int64_t id, int64_t *n)
{
	db_rows *r;
	if (db_query(c, &r, sql, DB_ARGS(DB_INT(id))))
		return STORE_ERR;
	int rc = db_next(r);
	*n = rc == DB_ROW ? db_int(r, 0) : 0;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_org_load(db_conn *c, int64_t id, int64_t *members, int64_t *open_apps,
			int64_t *children)
{
	if (count1(c, "SELECT COUNT(*) FROM membership WHERE org_id = ? AND is_current = 1", id,
		   members) ||
	    count1(c,
		   "SELECT COUNT(*) FROM application WHERE org_id = ? AND open_kind IS NOT NULL AND "
		   "status <> 'draft'",
		   id, open_apps) ||
	    count1(c, "SELECT COUNT(*) FROM org WHERE parent_id = ? AND active = 1", id, children))
		return STORE_ERR;
	return STORE_OK;
}

store_rc store_org_deactivate(db_conn *c, int64_t id, int64_t move_to, const char *note,
			      int64_t now)
{
	if (move_to) {
		/* History first, while the memberships still point at the old organisation. */
		if (db_exec(c,
			    "INSERT INTO membership_event (membership_id, at, status, org_id, unit_id, "
			    "application_ref, note) SELECT id, ?, status, ?, unit_id, NULL, ? "
			    "FROM membership WHERE org_id = ? AND is_current = 1",
			    DB_ARGS(DB_INT(now), DB_INT(move_to), DB_TEXT(note), DB_INT(id))) != DB_OK ||
		    db_exec(c,
			    "UPDATE membership SET org_id = ?, updated_at = ? WHERE org_id = ? AND "
			    "is_current = 1",
			    DB_ARGS(DB_INT(move_to), DB_INT(now), DB_INT(id))) != DB_OK ||
		    db_exec(c,
			    "UPDATE application SET org_id = ?, updated_at = ?, version = version + 1 "
			    "WHERE org_id = ? AND open_kind IS NOT NULL",
			    DB_ARGS(DB_INT(move_to), DB_INT(now), DB_INT(id))) != DB_OK ||
		    /* Offline roster members not yet linked go along, unless the receiver has the
		     * person in its own roster already; flagged ones wait for their conflict. */
		    db_exec(c,
			    "UPDATE roster_entry SET org_id = ?, updated_at = ? WHERE org_id = ? AND "
			    "status IN ('unlinked', 'claim') AND NOT EXISTS (SELECT 1 FROM roster_entry x "
			    "WHERE x.org_id = ? AND x.id_index = roster_entry.id_index AND "
			    "x.status <> 'set_aside')",
			    DB_ARGS(DB_INT(move_to), DB_INT(now), DB_INT(id), DB_INT(move_to))) != DB_OK)
			return STORE_ERR;
	}
	/* Its units have no union any more (with or without move_to): their workers' joins go
	 * to the street union, never to an inactive organisation. */
	if (db_exec(c, "UPDATE unit SET union_org_id = NULL, has_union = 0 WHERE union_org_id = ?",
		    DB_ARGS(DB_INT(id))) != DB_OK ||
	    db_exec(c, "UPDATE org SET active = 0 WHERE id = ?", DB_ARGS(DB_INT(id))) != DB_OK)
		return STORE_ERR;
	return STORE_OK;
}

store_rc store_staff_list(db_conn *c, int64_t root, int offset, int limit, staff_row *out, int *n,
			  int64_t *total)
{
	db_rows *r;
	*n = 0;
	*total = 0;
	if (db_query(c, &r, SUBTREE "SELECT COUNT(*) FROM staff s WHERE s.org_id IN (SELECT id FROM sub)",
		     DB_ARGS(DB_INT(root))))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     SUBTREE "SELECT s.id, s.org_id, s.created_at, s.phone, s.name, s.role, o.name, "
			     "s.disabled FROM staff s JOIN org o ON o.id = s.org_id "
			     "WHERE s.org_id IN (SELECT id FROM sub) ORDER BY s.id LIMIT ? OFFSET ?",
		     DB_ARGS(DB_INT(root), DB_INT(limit), DB_INT(offset))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit) {
		staff_row *s = &out[(*n)++];
		s->id = db_int(r, 0);
		s->org_id = db_int(r, 1);
		s->created_at = db_int(r, 2);
		db_text_into(r, 3, s->phone, sizeof(s->phone));
		db_text_into(r, 4, s->name, sizeof(s->name));
		db_text_into(r, 5, s->role, sizeof(s->role));
		db_text_into(r, 6, s->org_name, sizeof(s->org_name));
		s->disabled = db_int(r, 7) != 0;
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_staff_update(db_conn *c, int64_t id, const char *role, int64_t org_id, int disabled)
{
	return db_exec(c,
		       "UPDATE staff SET role = COALESCE(?, role), "
		       "org_id = CASE WHEN ? <> 0 THEN ? ELSE org_id END, "
		       "disabled = CASE WHEN ? >= 0 THEN ? ELSE disabled END WHERE id = ?",
		       DB_ARGS(DB_TEXT(role), DB_INT(org_id), DB_INT(org_id), DB_INT(disabled),
			       DB_INT(disabled), DB_INT(id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

#define AUDIT_WHERE                                                                                \
	"WHERE (? = '' OR actor_kind = ?) AND (? = 0 OR actor_id = ?) AND "                        \
	"(? = '' OR action = ?) AND (? = '' OR target = ?) AND (? = 0 OR at >= ?) AND "             \
	"(? = 0 OR at < ?) "

store_rc store_audit_list(db_conn *c, const audit_filter *f, int offset, int limit, audit_row *out,
			  int *n, int64_t *total)
{
	const char *ak = f->actor_kind ? f->actor_kind : "", *ac = f->action ? f->action : "";
	const char *tg = f->target ? f->target : "";
	db_param p[16] = {DB_TEXT(ak), DB_TEXT(ak), DB_INT(f->actor_id), DB_INT(f->actor_id),
			  DB_TEXT(ac), DB_TEXT(ac), DB_TEXT(tg), DB_TEXT(tg),
			  DB_INT(f->from), DB_INT(f->from), DB_INT(f->to), DB_INT(f->to),
			  DB_INT(limit), DB_INT(offset)};
	db_rows *r;
	*n = 0;
	*total = 0;
	if (db_query(c, &r, "SELECT COUNT(*) FROM audit_log " AUDIT_WHERE, p, 12))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     "SELECT id, at, COALESCE(actor_id, 0), actor_kind, action, COALESCE(target, ''), "
		     "client, COALESCE(detail, '') FROM audit_log " AUDIT_WHERE
		     "ORDER BY id DESC LIMIT ? OFFSET ?",
		     p, 14))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit) {
		audit_row *a = &out[(*n)++];
		a->id = db_int(r, 0);
		a->at = db_int(r, 1);
		a->actor_id = db_int(r, 2);
		db_text_into(r, 3, a->actor_kind, sizeof(a->actor_kind));
		db_text_into(r, 4, a->action, sizeof(a->action));
		db_text_into(r, 5, a->target, sizeof(a->target));
		db_text_into(r, 6, a->client, sizeof(a->client));
		db_text_into(r, 7, a->detail, sizeof(a->detail));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

#define MEMBER_WHERE                                                                               \
	"WHERE m.is_current = 1 AND m.org_id IN (SELECT id FROM sub) AND (? = 0 OR m.org_id = ?) "  \
	"AND (? = '' OR w.name = ?) AND (? = '' OR w.phone = ?) AND (? = '' OR m.status = ?) "      \
	"AND (? = 0 OR w.id_index = ?) "

store_rc store_member_search(db_conn *c, const member_filter *f, int offset, int limit,
			     member_row *out, int *n, int64_t *total)
{
	static const unsigned char none[CRYPTO_HASH_LEN];
	const char *name = f->name ? f->name : "", *phone = f->phone ? f->phone : "";
	const char *status = f->status ? f->status : "";
	db_param p[16] = {DB_INT(f->root),     DB_INT(f->org_id),   DB_INT(f->org_id),
			  DB_TEXT(name),      DB_TEXT(name),       DB_TEXT(phone),
			  DB_TEXT(phone),     DB_TEXT(status),     DB_TEXT(status),
			  DB_INT(f->id_index != NULL),
			  DB_BLOB(f->id_index ? f->id_index : none, CRYPTO_HASH_LEN),
			  DB_INT(limit),      DB_INT(offset)};
	db_rows *r;
	*n = 0;
	*total = 0;
	if (db_query(c, &r,
		     SUBTREE "SELECT COUNT(*) FROM membership m JOIN worker w ON w.id = m.worker_id "
			     MEMBER_WHERE,
		     p, 11))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     SUBTREE "SELECT m.id, m.worker_id, m.org_id, m.joined_at, "
			     "COALESCE(m.member_no, ''), m.status, o.name, w.name, w.phone, "
			     "w.id_masked FROM membership m JOIN worker w ON w.id = m.worker_id "
			     "JOIN org o ON o.id = m.org_id " MEMBER_WHERE
			     "ORDER BY m.id LIMIT ? OFFSET ?",
		     p, 13))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit) {
		member_row *m = &out[(*n)++];
		m->membership_id = db_int(r, 0);
		m->worker_id = db_int(r, 1);
		m->org_id = db_int(r, 2);
		m->joined_at = db_int(r, 3);
		db_text_into(r, 4, m->member_no, sizeof(m->member_no));
		db_text_into(r, 5, m->status, sizeof(m->status));
		db_text_into(r, 6, m->org_name, sizeof(m->org_name));
		db_text_into(r, 7, m->name, sizeof(m->name));
		db_text_into(r, 8, m->phone, sizeof(m->phone));
		db_text_into(r, 9, m->id_masked, sizeof(m->id_masked));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

static store_rc counts(db_conn *c, const char *sql, int64_t root, count_row *out, int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r, sql, DB_ARGS(DB_INT(root))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		db_text_into(r, 0, out[*n].key, sizeof(out[*n].key));
		out[*n].n = db_int(r, 1);
		(*n)++;
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_members_by_status(db_conn *c, int64_t root, count_row *out, int max, int *n)
{
	return counts(c,
		      SUBTREE "SELECT status, COUNT(*) FROM membership WHERE is_current = 1 AND "
			      "org_id IN (SELECT id FROM sub) GROUP BY status ORDER BY status",
		      root, out, max, n);
}

store_rc store_members_by_child_org(db_conn *c, int64_t root, count_row *out, int max, int *n)
{
	/* Each child's subtree total: walk down remembering which child a node came from. */
	return counts(c,
		      "WITH RECURSIVE down(id, top) AS (SELECT id, id FROM org WHERE parent_id = ? "
		      "UNION ALL SELECT o.id, down.top FROM org o JOIN down ON o.parent_id = down.id) "
		      "SELECT t.name, COUNT(m.id) FROM down JOIN org t ON t.id = down.top "
		      "LEFT JOIN membership m ON m.org_id = down.id AND m.is_current = 1 "
		      "GROUP BY t.id, t.name ORDER BY COUNT(m.id) DESC, t.name",
		      root, out, max, n);
}

store_rc store_apps_by_status(db_conn *c, int64_t root, count_row *out, int max, int *n)
{
	return counts(c,
		      SUBTREE "SELECT status, COUNT(*) FROM application WHERE status <> 'draft' AND "
			      "org_id IN (SELECT id FROM sub) GROUP BY status ORDER BY status",
		      root, out, max, n);
}

store_rc store_decision_times(db_conn *c, int64_t root, int64_t *count, int64_t *median,
			      int64_t *p90)
{
	db_rows *r;
	*count = *median = *p90 = 0;
	if (db_query(c, &r,
		     SUBTREE "SELECT COUNT(*) FROM application WHERE decided_at IS NOT NULL AND "
			     "submitted_at IS NOT NULL AND org_id IN (SELECT id FROM sub)",
		     DB_ARGS(DB_INT(root))))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*count = db_int(r, 0);
	db_done(r);
	if (*count == 0)
		return STORE_OK;
	int64_t *targets[2] = {median, p90};
	int64_t offsets[2] = {(*count - 1) / 2, (*count * 9 + 9) / 10 - 1};
	for (int i = 0; i < 2; i++) {
		if (db_query(c, &r,
			     SUBTREE "SELECT decided_at - submitted_at FROM application WHERE "
				     "decided_at IS NOT NULL AND submitted_at IS NOT NULL AND "
				     "org_id IN (SELECT id FROM sub) ORDER BY 1 LIMIT 1 OFFSET ?",
			     DB_ARGS(DB_INT(root), DB_INT(offsets[i]))))
			return STORE_ERR;
		if (db_next(r) == DB_ROW)
			*targets[i] = db_int(r, 0);
		db_done(r);
	}
	return STORE_OK;
}

store_rc store_open_submitted(db_conn *c, int64_t root, int64_t *out, int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     SUBTREE "SELECT submitted_at FROM application WHERE status IN "
			     "('submitted', 'processing') AND org_id IN (SELECT id FROM sub) "
			     "ORDER BY submitted_at LIMIT ?",
		     DB_ARGS(DB_INT(root), DB_INT(max))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max)
		out[(*n)++] = db_int(r, 0);
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}
