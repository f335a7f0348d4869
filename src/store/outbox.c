/* outbox.c — messages waiting to leave (SMS, mail). A sender claims due rows for a lease;
 * several senders on several nodes never claim the same row at once. */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "util/alloc.h"

store_rc store_outbox_add(db_conn *c, const char *channel, const char *recipient,
			  const char *subject, const char *body, bool sensitive, int64_t now)
{
	return db_exec(c,
		       "INSERT INTO outbox (channel, recipient, subject, body, sensitive, "
		       "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_TEXT(channel), DB_TEXT(recipient), DB_TEXT(subject),
			       DB_TEXT(body), DB_INT(sensitive), DB_INT(now), DB_INT(now))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

static const char sql_claim_sqlite[] =
	"UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN ("
	"SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? AND "
	"claimed_until < ? ORDER BY id LIMIT ?) "
	"RETURNING id, channel, recipient, subject, body, attempts";
static const char sql_claim_pg[] =
	"UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN ("
	"SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? AND "
	"claimed_until < ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) "
	"RETURNING id, channel, recipient, subject, body, attempts";

store_rc store_outbox_claim(db_conn *c, int64_t now, int64_t lease_s, outbox_item *items, int max,
			    int *n)
{
	db_rows *r;
	const char *sql = db_conn_dialect(c) == DB_POSTGRES ? sql_claim_pg : sql_claim_sqlite;
	*n = 0;
	if (db_query(c, &r, sql,
		     DB_ARGS(DB_INT(now + lease_s), DB_INT(now), DB_INT(now), DB_INT(max))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		outbox_item *it = &items[(*n)++];
		it->id = db_int(r, 0);
		db_text_into(r, 1, it->channel, sizeof(it->channel));
		db_text_into(r, 2, it->recipient, sizeof(it->recipient));
		db_text_into(r, 3, it->subject, sizeof(it->subject));
		it->body = xstrdup(db_text(r, 4));
		it->attempts = (int)db_int(r, 5);
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_outbox_sent(db_conn *c, int64_t id, int64_t now)
{
	return db_exec(c,
		       "UPDATE outbox SET sent_at = ?, last_error = NULL, "
		       "body = CASE WHEN sensitive = 1 THEN '' ELSE body END WHERE id = ?",
		       DB_ARGS(DB_INT(now), DB_INT(id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_outbox_retry(db_conn *c, int64_t id, int64_t next_at, const char *error)
{
	return db_exec(c,
		       "UPDATE outbox SET next_attempt_at = ?, claimed_until = 0, last_error = ? "
		       "WHERE id = ?",
		       DB_ARGS(DB_INT(next_at), DB_TEXT(error), DB_INT(id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

void outbox_items_free(outbox_item *items, int n)
{
	for (int i = 0; i < n; i++) {
		free(items[i].body);
		items[i].body = NULL;
	}
}
