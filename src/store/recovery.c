/* recovery.c — captchas, started recoveries, mail tokens (reset links and e-mail checks) and
 * appeals with their photos. Every secret is stored as a keyed hash. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"

store_rc store_captcha_create(db_conn *c, const unsigned char id_hash[CRYPTO_HASH_LEN],
			      const unsigned char answer_hash[CRYPTO_HASH_LEN], const char *client,
			      int64_t now, int64_t ttl)
{
	return db_exec(c,
		       "INSERT INTO captcha (id_hash, answer_hash, client, created_at, expires_at) "
		       "VALUES (?, ?, ?, ?, ?)",
		       DB_ARGS(DB_BLOB(id_hash, CRYPTO_HASH_LEN), DB_BLOB(answer_hash, CRYPTO_HASH_LEN),
			       DB_TEXT(client), DB_INT(now), DB_INT(now + ttl))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_captcha_count(db_conn *c, const char *client, int64_t since, int64_t *n)
{
	db_rows *r;
	if (db_query(c, &r, "SELECT COUNT(*) FROM captcha WHERE client = ? AND created_at > ?",
		     DB_ARGS(DB_TEXT(client), DB_INT(since))))
		return STORE_ERR;
	int rc = db_next(r);
	*n = rc == DB_ROW ? db_int(r, 0) : 0;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_captcha_consume(db_conn *c, const unsigned char id_hash[CRYPTO_HASH_LEN],
			       const unsigned char answer_hash[CRYPTO_HASH_LEN], int64_t now,
			       bool *ok)
{
	db_rows *r;
	*ok = false;
	if (db_query(c, &r,
		     "UPDATE captcha SET used = 1 WHERE id_hash = ? AND used = 0 AND expires_at > ? "
		     "RETURNING answer_hash",
		     DB_ARGS(DB_BLOB(id_hash, CRYPTO_HASH_LEN), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		size_t n;
		const void *h = db_blob(r, 0, &n);
		*ok = h && n == CRYPTO_HASH_LEN && memcmp(h, answer_hash, n) == 0;
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_recovery_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			       int64_t worker_id, int64_t now, int64_t ttl)
{
	return db_exec(c,
		       "INSERT INTO recovery (token_hash, worker_id, created_at, expires_at) "
		       "VALUES (?, ?, ?, ?)",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), worker_id ? DB_INT(worker_id) : DB_NULL,
			       DB_INT(now), DB_INT(now + ttl))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_recovery_get(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
			    int64_t *worker_id)
{
	db_rows *r;
	if (db_query(c, &r,
		     "SELECT COALESCE(worker_id, 0) FROM recovery WHERE token_hash = ? AND "
		     "expires_at > ?",
		     DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*worker_id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_recovery_delete_for(db_conn *c, int64_t worker_id)
{
	return db_exec(c, "DELETE FROM recovery WHERE worker_id = ?", DB_ARGS(DB_INT(worker_id))) ==
			       DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_mail_token_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				 int64_t worker_id, const char *purpose, const char *email,
				 int64_t now, int64_t ttl)
{
	return db_exec(c,
		       "INSERT INTO mail_token (token_hash, worker_id, purpose, email, created_at, "
		       "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(worker_id), DB_TEXT(purpose),
			       DB_TEXT(email), DB_INT(now), DB_INT(now + ttl))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_mail_token_consume(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				  const char *purpose, int64_t now, mail_token_state *state,
				  int64_t *worker_id, char email[256])
{
	db_rows *r;
	if (db_query(c, &r,
		     "UPDATE mail_token SET used_at = ? WHERE token_hash = ? AND purpose = ? AND "
		     "used_at IS NULL AND expires_at > ? RETURNING worker_id, COALESCE(email, '')",
		     DB_ARGS(DB_INT(now), DB_BLOB(hash, CRYPTO_HASH_LEN), DB_TEXT(purpose),
			     DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		*worker_id = db_int(r, 0);
		snprintf(email, 256, "%s", db_text(r, 1));
		*state = MAIL_TOKEN_OK;
	}
	db_done(r);
	if (rc != DB_DONE)
		return rc == DB_ROW ? STORE_OK : STORE_ERR;
	/* Say why it failed: used, expired or unknown. */
	if (db_query(c, &r,
		     "SELECT used_at IS NOT NULL FROM mail_token WHERE token_hash = ? AND purpose = ?",
		     DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_TEXT(purpose))))
		return STORE_ERR;
	rc = db_next(r);
	*state = rc != DB_ROW ? MAIL_TOKEN_UNKNOWN : db_int(r, 0) ? MAIL_TOKEN_USED : MAIL_TOKEN_EXPIRED;
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

#define WORKER_BY_EMAIL "SELECT id FROM worker WHERE email = ? AND email_verified = 1"

store_rc store_worker_by_email(db_conn *c, const char *email, account_row *out)
{
	db_rows *r;
	int64_t id = 0;
	if (db_query(c, &r, WORKER_BY_EMAIL, DB_ARGS(DB_TEXT(email))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		id = db_int(r, 0);
	db_done(r);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
	return store_account_get(c, SUBJECT_WORKER, id, out);
}

store_rc store_worker_reset_credentials(db_conn *c, int64_t worker_id, const char *unusable_hash,
					int64_t now)
{
	int rc = db_exec(c,
			 "UPDATE worker SET password_hash = ?, email = NULL, email_verified = 0, "
			 "failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?",
			 DB_ARGS(DB_TEXT(unusable_hash), DB_INT(now), DB_INT(worker_id)));
	if (rc == DB_OK)
		rc = db_exec(c, "UPDATE mail_token SET used_at = ? WHERE worker_id = ? AND used_at IS NULL",
			     DB_ARGS(DB_INT(now), DB_INT(worker_id)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM recovery WHERE worker_id = ?", DB_ARGS(DB_INT(worker_id)));
	return rc == DB_OK ? STORE_OK : STORE_ERR;
}

store_rc store_worker_set_email(db_conn *c, int64_t worker_id, const char *email, int64_t now)
{
	db_rows *r;
	if (db_query(c, &r, WORKER_BY_EMAIL, DB_ARGS(DB_TEXT(email))))
		return STORE_ERR;
	int rc = db_next(r);
	bool taken = rc == DB_ROW && db_int(r, 0) != worker_id;
	db_done(r);
	if (rc == DB_ERR)
		return STORE_ERR;
	if (taken)
		return STORE_CONFLICT;
	return db_exec(c,
		       "UPDATE worker SET email = ?, email_verified = 1, updated_at = ? WHERE id = ?",
		       DB_ARGS(DB_TEXT(email), DB_INT(now), DB_INT(worker_id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_appeal_create(db_conn *c, const appeal_new *a, int64_t now, int64_t *id,
			     char ref[32])
{
	db_rows *r;
	if (db_query(c, &r,
		     "INSERT INTO appeal (name, id_cipher, id_index, id_masked, phone, reason, "
		     "status, client, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
		     "RETURNING id",
		     DB_ARGS(DB_TEXT(a->name), DB_BLOB(a->id_cipher, a->id_cipher_len),
			     DB_BLOB(a->id_index, CRYPTO_HASH_LEN), DB_TEXT(a->id_masked),
			     DB_TEXT(a->phone), DB_TEXT(a->reason), DB_TEXT(a->client),
			     DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	if (rc != DB_ROW)
		return STORE_ERR;
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(ref, 32, "SS%04d%02d%02d%08lld", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, (long long)(*id % 100000000000LL));
	return db_exec(c, "UPDATE appeal SET ref = ? WHERE id = ?",
		       DB_ARGS(DB_TEXT(ref), DB_INT(*id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_appeal_photo_add(db_conn *c, int64_t appeal_id, int n, const char *mime,
				const void *data, size_t len)
{
	return db_exec(c, "INSERT INTO appeal_photo (appeal_id, n, mime, data) VALUES (?, ?, ?, ?)",
		       DB_ARGS(DB_INT(appeal_id), DB_INT(n), DB_TEXT(mime), DB_BLOB(data, len))) ==
			       DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

#define APPEAL_COLS                                                                                \
	"a.id, COALESCE(a.worker_id, 0), COALESCE(a.decided_by, 0), a.created_at, "                \
	"COALESCE(a.decided_at, 0), COALESCE(a.ref, ''), a.name, a.id_masked, a.phone, a.reason, " \
	"a.status, COALESCE(a.decision_reason, ''), a.id_index, "                                  \
	"(SELECT COUNT(*) FROM appeal_photo p WHERE p.appeal_id = a.id)"

static void read_appeal(db_rows *r, appeal_row *a)
{
	a->id = db_int(r, 0);
	a->worker_id = db_int(r, 1);
	a->decided_by = db_int(r, 2);
	a->created_at = db_int(r, 3);
	a->decided_at = db_int(r, 4);
	db_text_into(r, 5, a->ref, sizeof(a->ref));
	db_text_into(r, 6, a->name, sizeof(a->name));
	db_text_into(r, 7, a->id_masked, sizeof(a->id_masked));
	db_text_into(r, 8, a->phone, sizeof(a->phone));
	db_text_into(r, 9, a->reason, sizeof(a->reason));
	db_text_into(r, 10, a->status, sizeof(a->status));
	db_text_into(r, 11, a->decision_reason, sizeof(a->decision_reason));
	size_t n;
	const void *idx = db_blob(r, 12, &n);
	memset(a->id_index, 0, sizeof(a->id_index));
	if (idx && n == CRYPTO_HASH_LEN)
		memcpy(a->id_index, idx, n);
	a->photos = (int)db_int(r, 13);
}

store_rc store_appeal_get(db_conn *c, int64_t id, appeal_row *out)
{
	db_rows *r;
	if (db_query(c, &r, "SELECT " APPEAL_COLS " FROM appeal a WHERE a.id = ?",
		     DB_ARGS(DB_INT(id))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_appeal(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_appeal_list(db_conn *c, const char *status, int offset, int limit, appeal_row *out,
			   int *n, int64_t *total)
{
	db_rows *r;
	const char *st = status ? status : "";
	*n = 0;
	*total = 0;
	if (db_query(c, &r, "SELECT COUNT(*) FROM appeal a WHERE (? = '' OR a.status = ?)",
		     DB_ARGS(DB_TEXT(st), DB_TEXT(st))))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     "SELECT " APPEAL_COLS " FROM appeal a WHERE (? = '' OR a.status = ?) "
		     "ORDER BY a.id DESC LIMIT ? OFFSET ?",
		     DB_ARGS(DB_TEXT(st), DB_TEXT(st), DB_INT(limit), DB_INT(offset))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit)
		read_appeal(r, &out[(*n)++]);
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_appeal_photo(db_conn *c, int64_t appeal_id, int n, char mime[32], void **data,
			    size_t *len)
{
	db_rows *r;
	*data = NULL;
	if (db_query(c, &r, "SELECT mime, data FROM appeal_photo WHERE appeal_id = ? AND n = ?",
		     DB_ARGS(DB_INT(appeal_id), DB_INT(n))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		snprintf(mime, 32, "%s", db_text(r, 0));
		const void *p = db_blob(r, 1, len);
		*data = malloc(*len ? *len : 1);
		if (*data && p)
			memcpy(*data, p, *len);
	}
	db_done(r);
	if (rc == DB_ROW && !*data)
		return STORE_ERR;
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_appeal_decide(db_conn *c, int64_t id, const char *status, const char *reason,
			     int64_t worker_id, int64_t staff_id, int64_t now)
{
	if (db_exec(c,
		    "UPDATE appeal SET status = ?, decision_reason = ?, worker_id = ?, "
		    "decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
		    DB_ARGS(DB_TEXT(status), DB_TEXT(reason), worker_id ? DB_INT(worker_id) : DB_NULL,
			    DB_INT(staff_id), DB_INT(now), DB_INT(id))) != DB_OK)
		return STORE_ERR;
	return db_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}
