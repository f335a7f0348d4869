/* sessions.c — login sessions: only the token's keyed hash is stored. */
#include <stdio.h>

#include "store/store.h"

/* last_seen is written at most once a minute: reads stay reads. */
enum { SESSION_TOUCH_S = 60 };

store_rc store_session_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			      const session_row *s, const char *client)
{
	int rc = db_exec(c,
			 "INSERT INTO session (token_hash, subject_kind, subject_id, csrf_token, "
			 "bearer, created_at, last_seen, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			 DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(s->kind),
				 DB_INT(s->subject_id), DB_TEXT(s->csrf_token), DB_INT(s->bearer),
				 DB_INT(s->created_at), DB_INT(s->last_seen), DB_TEXT(client)));
	return rc == DB_OK ? STORE_OK : rc == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_session_read(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			    subject_kind kind, int64_t now, int64_t idle_s, int64_t absolute_s,
			    session_row *out, session_due *due)
{
	db_rows *r;
	*due = SESSION_DUE_NONE;
	if (db_query(c, &r,
		     "SELECT subject_kind, subject_id, csrf_token, bearer, created_at, last_seen "
		     "FROM session WHERE token_hash = ?",
		     DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		out->kind = (subject_kind)db_int(r, 0);
		out->subject_id = db_int(r, 1);
		db_text_into(r, 2, out->csrf_token, sizeof(out->csrf_token));
		out->bearer = db_int(r, 3) != 0;
		out->created_at = db_int(r, 4);
		out->last_seen = db_int(r, 5);
	}
	db_done(r);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
	if (out->kind != kind)
		return STORE_NOTFOUND;
	if (now - out->last_seen > idle_s || now - out->created_at > absolute_s) {
		*due = SESSION_DUE_DELETE;
		return STORE_NOTFOUND;
	}
	if (now - out->last_seen >= SESSION_TOUCH_S)
		*due = SESSION_DUE_TOUCH;
	return STORE_OK;
}

store_rc store_session_touch(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN], int64_t now)
{
	return db_exec(c, "UPDATE session SET last_seen = ? WHERE token_hash = ? AND last_seen <= ?",
		       DB_ARGS(DB_INT(now), DB_BLOB(hash, CRYPTO_HASH_LEN),
			       DB_INT(now - SESSION_TOUCH_S))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_session_delete(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN])
{
	return db_exec(c, "DELETE FROM session WHERE token_hash = ?",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_session_delete_others(db_conn *c, subject_kind kind, int64_t subject_id,
				     const unsigned char *keep)
{
	static const unsigned char none[CRYPTO_HASH_LEN];
	int rc = db_exec(c,
			 "DELETE FROM session WHERE subject_kind = ? AND subject_id = ? AND "
			 "token_hash <> ?",
			 DB_ARGS(DB_INT(kind), DB_INT(subject_id),
				 DB_BLOB(keep ? keep : none, CRYPTO_HASH_LEN)));
	if (rc == DB_OK && kind == SUBJECT_STAFF)
		rc = db_exec(c,
			     "UPDATE staff_challenge SET used = 1 WHERE staff_id = ? AND used = 0",
			     DB_ARGS(DB_INT(subject_id)));
	return rc == DB_OK ? STORE_OK : STORE_ERR;
}
