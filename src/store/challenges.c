/* challenges.c — staff login challenges (the second factor): a live challenge names the staff
 * member whose password was right; it is used once, ends after max wrong codes and expires with
 * its SMS code. Every change is one atomic statement, so several nodes can share them. */
#include "store/store.h"

store_rc store_staff_challenge_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				      int64_t staff_id, int64_t now, int64_t ttl)
{
	return db_exec(c,
		       "INSERT INTO staff_challenge (token_hash, staff_id, created_at, expires_at) "
		       "VALUES (?, ?, ?, ?)",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(staff_id), DB_INT(now),
			       DB_INT(now + ttl))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

/* Runs a statement whose RETURNING clause yields one integer when a live row matched. */
static store_rc one_int(db_conn *c, const char *sql, const db_param *args, int nargs,
			int64_t *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, args, nargs) != DB_OK)
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW && out)
		*out = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_staff_challenge_get(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   int64_t now, int64_t *staff_id)
{
	return one_int(c,
		       "SELECT staff_id FROM staff_challenge WHERE token_hash = ? AND used = 0 AND "
		       "expires_at > ?",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(now)), staff_id);
}

store_rc store_staff_challenge_use(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   int64_t now)
{
	return one_int(c,
		       "UPDATE staff_challenge SET used = 1 WHERE token_hash = ? AND used = 0 AND "
		       "expires_at > ? RETURNING staff_id",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(now)), NULL);
}

store_rc store_staff_challenge_wrong(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				     int max_tries, bool *ended)
{
	int64_t used = 0;
	store_rc rc = one_int(c,
			      "UPDATE staff_challenge SET tries = tries + 1, "
			      "used = CASE WHEN tries + 1 >= ? THEN 1 ELSE 0 END "
			      "WHERE token_hash = ? AND used = 0 RETURNING used",
			      DB_ARGS(DB_INT(max_tries), DB_BLOB(hash, CRYPTO_HASH_LEN)), &used);
	*ended = rc != STORE_OK || used != 0;
	return rc == STORE_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_staff_challenge_extend(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				      int64_t now, int64_t ttl)
{
	return one_int(c,
		       "UPDATE staff_challenge SET expires_at = ? WHERE token_hash = ? AND "
		       "used = 0 AND expires_at > ? RETURNING staff_id",
		       DB_ARGS(DB_INT(now + ttl), DB_BLOB(hash, CRYPTO_HASH_LEN), DB_INT(now)),
		       NULL);
}

store_rc store_staff_challenge_end(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN])
{
	return db_exec(c, "UPDATE staff_challenge SET used = 1 WHERE token_hash = ?",
		       DB_ARGS(DB_BLOB(hash, CRYPTO_HASH_LEN))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}
