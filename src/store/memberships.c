/* memberships.c — memberships (会籍) and their history, which is only ever appended to. */
#include <stdio.h>
#include <time.h>

#include "store/store.h"

#define MEMBERSHIP_COLS                                                                            \
	"m.id, m.worker_id, m.org_id, COALESCE(m.unit_id, 0), m.joined_at, "                       \
	"COALESCE(m.member_no, ''), m.status, o.name, m.is_current, m.source, "                    \
	"COALESCE(m.verified_at, 0)"
#define MEMBERSHIP_FROM " FROM membership m JOIN org o ON o.id = m.org_id "

static void read_membership(db_rows *r, membership_row *m)
{
	m->id = db_int(r, 0);
	m->worker_id = db_int(r, 1);
	m->org_id = db_int(r, 2);
	m->unit_id = db_int(r, 3);
	m->joined_at = db_int(r, 4);
	db_text_into(r, 5, m->member_no, sizeof(m->member_no));
	db_text_into(r, 6, m->status, sizeof(m->status));
	db_text_into(r, 7, m->org_name, sizeof(m->org_name));
	m->current = db_int(r, 8) != 0;
	db_text_into(r, 9, m->source, sizeof(m->source));
	m->verified_at = db_int(r, 10);
}

static store_rc fetch_membership(db_conn *c, const char *sql, const db_param *p, int n,
				 membership_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, n))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_membership(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_membership_current(db_conn *c, int64_t worker_id, membership_row *out)
{
	return fetch_membership(c,
				"SELECT " MEMBERSHIP_COLS MEMBERSHIP_FROM
				"WHERE m.worker_id = ? AND m.is_current = 1",
				DB_ARGS(DB_INT(worker_id)), out);
}

store_rc store_membership_get(db_conn *c, int64_t id, membership_row *out)
{
	return fetch_membership(c, "SELECT " MEMBERSHIP_COLS MEMBERSHIP_FROM "WHERE m.id = ?",
				DB_ARGS(DB_INT(id)), out);
}

store_rc store_membership_by_id_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				      membership_row *out)
{
	return fetch_membership(c,
				"SELECT " MEMBERSHIP_COLS MEMBERSHIP_FROM
				"JOIN worker w ON w.id = m.worker_id "
				"WHERE w.id_index = ? AND m.is_current = 1",
				DB_ARGS(DB_BLOB(idx, CRYPTO_HASH_LEN)), out);
}

store_rc store_membership_list(db_conn *c, int64_t worker_id, membership_row *out, int max,
			       int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     "SELECT " MEMBERSHIP_COLS MEMBERSHIP_FROM "WHERE m.worker_id = ? ORDER BY m.id DESC",
		     DB_ARGS(DB_INT(worker_id))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max)
		read_membership(r, &out[(*n)++]);
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

static store_rc add_event(db_conn *c, int64_t membership_id, const char *status, int64_t org_id,
			  int64_t unit_id, const char *ref, const char *note, int64_t now)
{
	return db_exec(c,
		       "INSERT INTO membership_event (membership_id, at, status, org_id, unit_id, "
		       "application_ref, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_INT(membership_id), DB_INT(now), DB_TEXT(status), DB_INT(org_id),
			       unit_id ? DB_INT(unit_id) : DB_NULL, DB_TEXT(ref), DB_TEXT(note))) ==
			       DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_membership_create(db_conn *c, const membership_new *m, int64_t now,
				 membership_row *out)
{
	db_rows *r;
	int64_t id = 0, joined = m->joined_at ? m->joined_at : now;
	if (db_query(c, &r,
		     "INSERT INTO membership (worker_id, member_no, org_id, unit_id, status, "
		     "joined_at, source, verified_at, created_at, updated_at) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
		     DB_ARGS(DB_INT(m->worker_id), DB_TEXT(m->member_no), DB_INT(m->org_id),
			     m->unit_id ? DB_INT(m->unit_id) : DB_NULL, DB_TEXT(m->status),
			     DB_INT(joined), DB_TEXT(m->source),
			     m->verified_at ? DB_INT(m->verified_at) : DB_NULL, DB_INT(now),
			     DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		id = db_int(r, 0);
	db_done(r);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
	/* Member number: XM, the year joined (China Standard Time), the row id in 8 digits; no
	 * number given from outside has this form (domain_member_no_check). */
	time_t t = (time_t)(joined + 8 * 3600);
	struct tm tm;
	char no[40];
	gmtime_r(&t, &tm);
	snprintf(no, sizeof(no), "XM%04d%08lld", tm.tm_year + 1900, (long long)id);
	if (!m->member_no && db_exec(c, "UPDATE membership SET member_no = ? WHERE id = ?",
				     DB_ARGS(DB_TEXT(no), DB_INT(id))) != DB_OK)
		return STORE_ERR;
	if (add_event(c, id, m->status, m->org_id, m->unit_id, m->application_ref, m->note, now) !=
	    STORE_OK)
		return STORE_ERR;
	return store_membership_current(c, m->worker_id, out);
}

store_rc store_membership_change(db_conn *c, int64_t membership_id, const char *status,
				 int64_t org_id, int64_t unit_id, bool current,
				 const char *application_ref, const char *note, int64_t now)
{
	if (db_exec(c,
		    "UPDATE membership SET status = ?, org_id = ?, unit_id = ?, is_current = ?, "
		    "updated_at = ? WHERE id = ?",
		    DB_ARGS(DB_TEXT(status), DB_INT(org_id), unit_id ? DB_INT(unit_id) : DB_NULL,
			    DB_INT(current), DB_INT(now), DB_INT(membership_id))) != DB_OK)
		return STORE_ERR;
	return add_event(c, membership_id, status, org_id, unit_id, application_ref, note, now);
}

store_rc store_membership_correct(db_conn *c, const membership_row *m, const char *application_ref,
				  const char *note, int64_t now)
{
	int rc = db_exec(c,
			 "UPDATE membership SET org_id = ?, unit_id = ?, joined_at = ?, member_no = ?, "
			 "verified_at = ?, updated_at = ? WHERE id = ?",
			 DB_ARGS(DB_INT(m->org_id), m->unit_id ? DB_INT(m->unit_id) : DB_NULL,
				 DB_INT(m->joined_at), DB_TEXT(m->member_no), DB_INT(now),
				 DB_INT(now), DB_INT(m->id)));
	if (rc != DB_OK)
		return rc == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
	return add_event(c, m->id, m->status, m->org_id, m->unit_id, application_ref, note, now);
}

store_rc store_membership_verify(db_conn *c, int64_t membership_id, int64_t now)
{
	return db_exec(c,
		       "UPDATE membership SET verified_at = ?, updated_at = ? WHERE id = ? AND "
		       "verified_at IS NULL",
		       DB_ARGS(DB_INT(now), DB_INT(now), DB_INT(membership_id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_membership_count_at(db_conn *c, int64_t org_id, int64_t unit_id, int64_t *n)
{
	db_rows *r;
	if (db_query(c, &r,
		     "SELECT COUNT(*) FROM membership WHERE org_id = ? AND unit_id = ? AND "
		     "is_current = 1",
		     DB_ARGS(DB_INT(org_id), DB_INT(unit_id))))
		return STORE_ERR;
	int rc = db_next(r);
	*n = rc == DB_ROW ? db_int(r, 0) : 0;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_membership_adopt(db_conn *c, int64_t unit_id, const int64_t *held_by, int nheld,
				int64_t union_org_id, const char *note, int64_t now, int64_t *moved)
{
	*moved = 0;
	for (int i = 0; i < nheld; i++) {
		if (!held_by[i] || held_by[i] == union_org_id)
			continue;
		/* History first, while the memberships still point at the holder (org_id, then
		 * unit_id: the membership_org index finds them). */
		if (db_exec(c,
			    "INSERT INTO membership_event (membership_id, at, status, org_id, unit_id, "
			    "application_ref, note) SELECT id, ?, status, ?, unit_id, NULL, ? "
			    "FROM membership WHERE org_id = ? AND unit_id = ? AND is_current = 1",
			    DB_ARGS(DB_INT(now), DB_INT(union_org_id), DB_TEXT(note),
				    DB_INT(held_by[i]), DB_INT(unit_id))) != DB_OK ||
		    db_exec(c,
			    "UPDATE membership SET org_id = ?, updated_at = ? WHERE org_id = ? AND "
			    "unit_id = ? AND is_current = 1",
			    DB_ARGS(DB_INT(union_org_id), DB_INT(now), DB_INT(held_by[i]),
				    DB_INT(unit_id))) != DB_OK)
			return STORE_ERR;
		*moved += db_changes(c);
	}
	return STORE_OK;
}

store_rc store_membership_events(db_conn *c, int64_t membership_id, membership_event_row *out,
				 int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r,
		     "SELECT e.at, e.org_id, e.status, o.name, COALESCE(e.application_ref, ''), "
		     "COALESCE(e.note, '') FROM membership_event e JOIN org o ON o.id = e.org_id "
		     "WHERE e.membership_id = ? ORDER BY e.id",
		     DB_ARGS(DB_INT(membership_id))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		membership_event_row *e = &out[(*n)++];
		e->at = db_int(r, 0);
		e->org_id = db_int(r, 1);
		db_text_into(r, 2, e->status, sizeof(e->status));
		db_text_into(r, 3, e->org_name, sizeof(e->org_name));
		db_text_into(r, 4, e->application_ref, sizeof(e->application_ref));
		db_text_into(r, 5, e->note, sizeof(e->note));
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}
