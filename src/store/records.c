/* records.c — meta settings, consent records (同意记录) and the audit log (审计日志). */
#include <stdio.h>

#include "store/store.h"

store_rc store_meta_get(db_conn *c, const char *key, char *out, size_t outlen)
{
	db_rows *r;
	if (db_query(c, &r, "SELECT value FROM meta WHERE key = ?", DB_ARGS(DB_TEXT(key))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		snprintf(out, outlen, "%s", db_text(r, 0));
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_meta_put(db_conn *c, const char *key, const char *value)
{
	return db_exec(c,
		       "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		       DB_ARGS(DB_TEXT(key), DB_TEXT(value))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_consent_add(db_conn *c, subject_kind kind, int64_t subject_id, const char *document,
			   const char *version, const char *client, int64_t now)
{
	return db_exec(c,
		       "INSERT INTO consent (subject_kind, subject_id, document, version, at, client) "
		       "VALUES (?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_INT(kind), DB_INT(subject_id), DB_TEXT(document),
			       DB_TEXT(version), DB_INT(now), DB_TEXT(client))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_audit(db_conn *c, const char *actor_kind, int64_t actor_id, const char *action,
		     const char *target, const char *client, const char *detail, int64_t now)
{
	return db_exec(c,
		       "INSERT INTO audit_log (at, actor_kind, actor_id, action, target, client, "
		       "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_INT(now), DB_TEXT(actor_kind),
			       actor_id ? DB_INT(actor_id) : DB_NULL, DB_TEXT(action),
			       DB_TEXT(target), DB_TEXT(client), DB_TEXT(detail))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_consent_record(db_conn *c, subject_kind kind, int64_t subject_id,
			      const char *document, const char *version, const char *client,
			      int64_t now, int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r,
		     "INSERT INTO consent (subject_kind, subject_id, document, version, at, client) "
		     "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_ARGS(DB_INT(kind), DB_INT(subject_id), DB_TEXT(document), DB_TEXT(version),
			     DB_INT(now), DB_TEXT(client))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_consent_usable(db_conn *c, int64_t id, int64_t subject_id, const char *document,
			      bool *usable)
{
	db_rows *r;
	*usable = false;
	if (db_query(c, &r,
		     "SELECT 1 FROM consent k WHERE k.id = ? AND k.subject_kind = 1 AND "
		     "k.subject_id = ? AND k.document = ? AND NOT EXISTS "
		     "(SELECT 1 FROM application a WHERE a.consent_id = k.id)",
		     DB_ARGS(DB_INT(id), DB_INT(subject_id), DB_TEXT(document))))
		return STORE_ERR;
	int rc = db_next(r);
	*usable = rc == DB_ROW;
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}
