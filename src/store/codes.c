/* codes.c — SMS codes (stored hashed), send records behind the send limits, phone proofs
 * (a verified phone waiting for 信息完善) and per-address login failures. */
#include <stdio.h>

#include "store/store.h"

static int64_t count_since(db_conn *c, const char *sql, const char *key, int64_t since,
			   int64_t *oldest)
{
	db_rows *r;
	int64_t n = -1;
	if (db_query(c, &r, sql, DB_ARGS(DB_TEXT(key), DB_INT(since))) != DB_OK)
		return -1;
	if (db_next(r) == DB_ROW) {
		n = db_int(r, 0);
		*oldest = db_int(r, 1);
	}
	db_done(r);
	return n;
}

static const char sql_phone_since[] =
	"SELECT COUNT(*), COALESCE(MIN(at), 0) FROM sms_send WHERE phone = ? AND at > ?";
static const char sql_client_since[] =
	"SELECT COUNT(*), COALESCE(MIN(at), 0) FROM sms_send WHERE client = ? AND at > ?";

store_rc store_sms_send_record(db_conn *c, const char *phone, const char *client, int64_t now,
			       const sms_limits *lim, int64_t *retry_after)
{
	struct {
		const char *sql, *key;
		int64_t window;
		int max;
	} checks[] = {
		{sql_phone_since, phone, lim->interval_s, 1},
		{sql_phone_since, phone, 3600, lim->per_hour},
		{sql_phone_since, phone, 86400, lim->per_day},
		{sql_client_since, client, 3600, lim->per_client_hour},
	};
	if (db_lock(c, phone) != DB_OK || db_lock(c, client) != DB_OK)
		return STORE_ERR;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int64_t oldest = 0;
		int64_t n = count_since(c, checks[i].sql, checks[i].key, now - checks[i].window,
					&oldest);
		if (n < 0)
			return STORE_ERR;
		if (n >= checks[i].max) {
			/* The window frees up when its oldest send leaves it. */
			*retry_after = oldest + checks[i].window - now;
			if (*retry_after < 1)
				*retry_after = 1;
			return STORE_LIMITED;
		}
	}
	return db_exec(c, "INSERT INTO sms_send (phone, client, at) VALUES (?, ?, ?)",
		       DB_ARGS(DB_TEXT(phone), DB_TEXT(client), DB_INT(now))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_sms_code_create(db_conn *c, const char *phone, const char *purpose,
			       const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
			       int64_t ttl)
{
	if (db_exec(c, "UPDATE sms_code SET used = 1 WHERE phone = ? AND purpose = ? AND used = 0",
		    DB_ARGS(DB_TEXT(phone), DB_TEXT(purpose))) != DB_OK)
		return STORE_ERR;
	return db_exec(c,
		       "INSERT INTO sms_code (phone, purpose, code_hash, created_at, expires_at) "
		       "VALUES (?, ?, ?, ?, ?)",
		       DB_ARGS(DB_TEXT(phone), DB_TEXT(purpose), DB_BLOB(hash, CRYPTO_HASH_LEN),
			       DB_INT(now), DB_INT(now + ttl))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_sms_code_consume(db_conn *c, const char *phone, const char *purpose,
				const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
				int max_tries)
{
	/* Both statements are single atomic updates, so tries counted on several nodes add up
	 * and a code is used at most once. */
	db_rows *r;
	if (db_query(c, &r,
		     "UPDATE sms_code SET used = 1 WHERE id = (SELECT id FROM sms_code WHERE "
		     "phone = ? AND purpose = ? AND used = 0 AND expires_at > ? ORDER BY id DESC "
		     "LIMIT 1) AND code_hash = ? AND used = 0 RETURNING id",
		     DB_ARGS(DB_TEXT(phone), DB_TEXT(purpose), DB_INT(now),
			     DB_BLOB(hash, CRYPTO_HASH_LEN))))
		return STORE_ERR;
	int rc = db_next(r);
	db_done(r);
	if (rc == DB_ROW)
		return STORE_OK;
	if (rc != DB_DONE)
		return STORE_ERR;
	if (db_exec(c,
		    "UPDATE sms_code SET tries = tries + 1, "
		    "used = CASE WHEN tries + 1 >= ? THEN 1 ELSE 0 END "
		    "WHERE id = (SELECT id FROM sms_code WHERE phone = ? AND purpose = ? AND "
		    "used = 0 AND expires_at > ? ORDER BY id DESC LIMIT 1) AND used = 0",
		    DB_ARGS(DB_INT(max_tries), DB_TEXT(phone), DB_TEXT(purpose), DB_INT(now))) !=
	    DB_OK)
		return STORE_ERR;
	return STORE_NOTFOUND;
}

store_rc store_phone_proof_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				  const char *phone, const char *purpose, int64_t expires_at)
{
	return db_exec(c,
		       "INSERT INTO phone_proof (token_hash, phone, purpose, expires_at) "
		       "VALUES (?, ?, ?, ?)",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_TEXT(phone), DB_TEXT(purpose),
			       DB_INT(expires_at))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_phone_proof_peek(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				const char *purpose, int64_t now, char phone[16])
{
	db_rows *r;
	if (db_query(c, &r,
		     "SELECT phone FROM phone_proof WHERE token_hash = ? AND purpose = ? AND "
		     "used = 0 AND expires_at > ?",
		     DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_TEXT(purpose), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		snprintf(phone, 16, "%s", db_text(r, 0));
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_phone_proof_consume(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   const char *purpose, int64_t now, char phone[16])
{
	db_rows *r;
	if (db_query(c, &r,
		     "UPDATE phone_proof SET used = 1 WHERE token_hash = ? AND purpose = ? AND "
		     "used = 0 AND expires_at > ? RETURNING phone",
		     DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_TEXT(purpose), DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		snprintf(phone, 16, "%s", db_text(r, 0));
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_login_failures_count(db_conn *c, const char *client, int64_t since, int64_t *n)
{
	db_rows *r;
	if (db_query(c, &r, "SELECT COUNT(*) FROM login_failure WHERE client = ? AND at > ?",
		     DB_ARGS(DB_TEXT(client), DB_INT(since))))
		return STORE_ERR;
	int rc = db_next(r);
	*n = rc == DB_ROW ? db_int(r, 0) : 0;
	db_done(r);
	return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

store_rc store_login_failure_add(db_conn *c, const char *client, int64_t now)
{
	return db_exec(c, "INSERT INTO login_failure (client, at) VALUES (?, ?)",
		       DB_ARGS(DB_TEXT(client), DB_INT(now))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_expire_old(db_conn *c, int64_t now)
{
	int64_t day_ago = now - 86400 - 60;
	int rc = db_exec(c, "DELETE FROM sms_code WHERE expires_at < ?", DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM sms_send WHERE at < ?", DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM login_failure WHERE at < ?", DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM phone_proof WHERE expires_at < ?",
			     DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM session WHERE created_at < ?",
			     DB_ARGS(DB_INT(now - 2 * 86400)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM captcha WHERE expires_at < ?", DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM recovery WHERE expires_at < ?", DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM staff_challenge WHERE expires_at < ?",
			     DB_ARGS(DB_INT(day_ago)));
	if (rc == DB_OK)
		rc = db_exec(c, "DELETE FROM mail_token WHERE expires_at < ?",
			     DB_ARGS(DB_INT(now - 30 * 86400)));
	/* ID-card photos of decided appeals are kept 30 days (SPEC §7). */
	if (rc == DB_OK)
		rc = db_exec(c,
			     "DELETE FROM appeal_photo WHERE appeal_id IN (SELECT id FROM appeal "
			     "WHERE decided_at IS NOT NULL AND decided_at < ?)",
			     DB_ARGS(DB_INT(now - 30 * 86400)));
	return rc == DB_OK ? STORE_OK : STORE_ERR;
}
