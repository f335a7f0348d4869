/* accounts.c — the worker (职工) and staff (工作人员) tables. */
#include <stdio.h>

#include "store/store.h"

#define WORKER_COLS                                                                                \
	"id, phone, name, password_hash, failed_logins, locked_until, id_masked, id_cipher, "      \
	"gender, birth_date, COALESCE(email, '')"
#define STAFF_COLS                                                                                 \
	"id, phone, name, password_hash, failed_logins, locked_until, role, org_id, disabled"

static void read_worker(db_rows *r, account_row *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = SUBJECT_WORKER;
	a->id = db_int(r, 0);
	db_text_into(r, 1, a->phone, sizeof(a->phone));
	db_text_into(r, 2, a->name, sizeof(a->name));
	db_text_into(r, 3, a->password_hash, sizeof(a->password_hash));
	a->failed_logins = (int)db_int(r, 4);
	a->locked_until = db_int(r, 5);
	db_text_into(r, 6, a->id_masked, sizeof(a->id_masked));
	size_t n;
	const void *blob = db_blob(r, 7, &n);
	if (blob && n <= sizeof(a->id_cipher)) {
		memcpy(a->id_cipher, blob, n);
		a->id_cipher_len = n;
	}
	a->gender = (int)db_int(r, 8);
	db_text_into(r, 9, a->birth_date, sizeof(a->birth_date));
	db_text_into(r, 10, a->email, sizeof(a->email));
}

static void read_staff(db_rows *r, account_row *a)
{
	memset(a, 0, sizeof(*a));
	a->kind = SUBJECT_STAFF;
	a->id = db_int(r, 0);
	db_text_into(r, 1, a->phone, sizeof(a->phone));
	db_text_into(r, 2, a->name, sizeof(a->name));
	db_text_into(r, 3, a->password_hash, sizeof(a->password_hash));
	a->failed_logins = (int)db_int(r, 4);
	a->locked_until = db_int(r, 5);
	db_text_into(r, 6, a->role, sizeof(a->role));
	a->org_id = db_int(r, 7);
	a->disabled = db_int(r, 8) != 0;
}

/* Runs a query expected to return at most one account row. */
static store_rc fetch_one(db_conn *c, subject_kind kind, const char *sql, const db_param *p, int n,
			  account_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, n) != DB_OK)
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		if (kind == SUBJECT_WORKER)
			read_worker(r, out);
		else
			read_staff(r, out);
	}
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_worker_create(db_conn *c, const worker_new *w, int64_t now, int64_t *id)
{
	db_rows *r;
	int rc = db_query(c, &r,
			  "INSERT INTO worker (phone, name, id_cipher, id_index, id_masked, gender, "
			  "birth_date, password_hash, created_at, updated_at) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			  "ON CONFLICT DO NOTHING RETURNING id",
			  DB_ARGS(DB_TEXT(w->phone), DB_TEXT(w->name),
				  DB_BLOB(w->id_cipher, w->id_cipher_len),
				  DB_BLOB(w->id_index, CRYPTO_HASH_LEN), DB_TEXT(w->id_masked),
				  DB_INT(w->gender), DB_TEXT(w->birth_date),
				  DB_TEXT(w->password_hash), DB_INT(now), DB_INT(now)));
	if (rc != DB_OK)
		return STORE_ERR;
	rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_account_get(db_conn *c, subject_kind kind, int64_t id, account_row *out)
{
	if (kind == SUBJECT_WORKER)
		return fetch_one(c, kind, "SELECT " WORKER_COLS " FROM worker WHERE id = ?",
				 DB_ARGS(DB_INT(id)), out);
	return fetch_one(c, kind, "SELECT " STAFF_COLS " FROM staff WHERE id = ?",
			 DB_ARGS(DB_INT(id)), out);
}

store_rc store_account_by_phone(db_conn *c, subject_kind kind, const char *phone,
				account_row *out)
{
	if (kind == SUBJECT_WORKER)
		return fetch_one(c, kind, "SELECT " WORKER_COLS " FROM worker WHERE phone = ?",
				 DB_ARGS(DB_TEXT(phone)), out);
	return fetch_one(c, kind, "SELECT " STAFF_COLS " FROM staff WHERE phone = ?",
			 DB_ARGS(DB_TEXT(phone)), out);
}

store_rc store_worker_by_id_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				  account_row *out)
{
	return fetch_one(c, SUBJECT_WORKER, "SELECT " WORKER_COLS " FROM worker WHERE id_index = ?",
			 DB_ARGS(DB_BLOB(idx, CRYPTO_HASH_LEN)), out);
}

static store_rc exec_rc(int rc)
{
	return rc == DB_OK ? STORE_OK : rc == DB_CONSTRAINT ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_account_set_password(db_conn *c, subject_kind kind, int64_t id, const char *hash,
				    int64_t now)
{
	if (kind == SUBJECT_WORKER)
		return exec_rc(db_exec(c,
				       "UPDATE worker SET password_hash = ?, failed_logins = 0, "
				       "locked_until = 0, updated_at = ? WHERE id = ?",
				       DB_ARGS(DB_TEXT(hash), DB_INT(now), DB_INT(id))));
	return exec_rc(db_exec(c,
			       "UPDATE staff SET password_hash = ?, failed_logins = 0, "
			       "locked_until = 0 WHERE id = ?",
			       DB_ARGS(DB_TEXT(hash), DB_INT(id))));
}

store_rc store_account_login_failed(db_conn *c, subject_kind kind, int64_t id, int limit,
				    int64_t now, int64_t lock_seconds, bool *locked)
{
	/* One statement, so that failures counted by several nodes at once all add up. */
	static const char *const sql[] = {
		"UPDATE worker SET "
		"failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END, "
		"locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END "
		"WHERE id = ? RETURNING locked_until",
		"UPDATE staff SET "
		"failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END, "
		"locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END "
		"WHERE id = ? RETURNING locked_until",
	};
	db_rows *r;
	if (db_query(c, &r, sql[kind == SUBJECT_STAFF],
		     DB_ARGS(DB_INT(limit), DB_INT(limit), DB_INT(now + lock_seconds), DB_INT(id))))
		return STORE_ERR;
	int rc = db_next(r);
	*locked = rc == DB_ROW && db_int(r, 0) > now;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_account_login_ok(db_conn *c, subject_kind kind, int64_t id)
{
	if (kind == SUBJECT_WORKER)
		return exec_rc(db_exec(c,
				       "UPDATE worker SET failed_logins = 0 WHERE id = ? AND "
				       "failed_logins <> 0",
				       DB_ARGS(DB_INT(id))));
	return exec_rc(db_exec(c, "UPDATE staff SET failed_logins = 0 WHERE id = ? AND failed_logins <> 0",
			       DB_ARGS(DB_INT(id))));
}

store_rc store_worker_set_phone(db_conn *c, int64_t id, const char *phone, int64_t now)
{
	return exec_rc(db_exec(c, "UPDATE worker SET phone = ?, updated_at = ? WHERE id = ?",
			       DB_ARGS(DB_TEXT(phone), DB_INT(now), DB_INT(id))));
}

store_rc store_staff_create(db_conn *c, const staff_new *s, int64_t now, int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r,
		     "INSERT INTO staff (phone, name, role, org_id, password_hash, created_at) "
		     "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
		     DB_ARGS(DB_TEXT(s->phone), DB_TEXT(s->name), DB_TEXT(s->role),
			     DB_INT(s->org_id), DB_TEXT(s->password_hash), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
}
