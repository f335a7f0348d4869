/* rosters.c — offline member rosters (线下会员名册): import batches, roster entries and what
 * became of them, member numbers across memberships and rosters, and the conflicts (重复待处理)
 * waiting for a higher level. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"

#define SUBTREE                                                                                    \
	"WITH RECURSIVE sub(id) AS (SELECT id FROM org WHERE id = ? UNION ALL "                    \
	"SELECT o.id FROM org o JOIN sub ON o.parent_id = sub.id) "

#define ENTRY_COLS                                                                                 \
	"e.id, e.org_id, e.batch_id, COALESCE(e.worker_id, 0), COALESCE(e.membership_id, 0), "    \
	"COALESCE(e.application_id, 0), e.created_at, e.line, o.name, e.name, e.id_masked, "     \
	"e.phone, e.joined_on, COALESCE(e.member_no, ''), e.status, e.id_index"
#define ENTRY_FROM " FROM roster_entry e JOIN org o ON o.id = e.org_id "

static void copy_index(unsigned char out[CRYPTO_HASH_LEN], db_rows *r, int col)
{
	size_t n = 0;
	const void *b = db_blob(r, col, &n);
	memset(out, 0, CRYPTO_HASH_LEN);
	if (b && n == CRYPTO_HASH_LEN)
		memcpy(out, b, n);
}

static void read_entry(db_rows *r, roster_entry_row *e)
{
	e->id = db_int(r, 0);
	e->org_id = db_int(r, 1);
	e->batch_id = db_int(r, 2);
	e->worker_id = db_int(r, 3);
	e->membership_id = db_int(r, 4);
	e->application_id = db_int(r, 5);
	e->created_at = db_int(r, 6);
	e->line = (int)db_int(r, 7);
	db_text_into(r, 8, e->org_name, sizeof(e->org_name));
	db_text_into(r, 9, e->name, sizeof(e->name));
	db_text_into(r, 10, e->id_masked, sizeof(e->id_masked));
	db_text_into(r, 11, e->phone, sizeof(e->phone));
	db_text_into(r, 12, e->joined_on, sizeof(e->joined_on));
	db_text_into(r, 13, e->member_no, sizeof(e->member_no));
	db_text_into(r, 14, e->status, sizeof(e->status));
	copy_index(e->id_index, r, 15);
}

static store_rc read_entries(db_conn *c, const char *sql, const db_param *p, int np,
			     roster_entry_row *out, int max, int *n)
{
	db_rows *r;
	*n = 0;
	if (db_query(c, &r, sql, p, np))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max)
		read_entry(r, &out[(*n)++]);
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

/* Runs an INSERT … RETURNING id; STORE_CONFLICT when ON CONFLICT DO NOTHING skipped it. */
static store_rc insert_id(db_conn *c, const char *sql, const db_param *p, int np, int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, np))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
}

store_rc store_roster_batch_create(db_conn *c, int64_t org_id, int64_t staff_id, int rows,
				   int64_t now, int64_t *id)
{
	return insert_id(c,
			 "INSERT INTO roster_batch (org_id, staff_id, rows, created_at) "
			 "VALUES (?, ?, ?, ?) RETURNING id",
			 DB_ARGS(DB_INT(org_id), DB_INT(staff_id), DB_INT(rows), DB_INT(now)), id);
}

store_rc store_roster_entry_add(db_conn *c, const roster_entry_new *e, int64_t now, int64_t *id)
{
	return insert_id(c,
			 "INSERT INTO roster_entry (org_id, batch_id, line, name, id_cipher, id_index, "
			 "id_masked, phone, joined_on, member_no, status, created_at, updated_at) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			 "ON CONFLICT DO NOTHING RETURNING id",
			 DB_ARGS(DB_INT(e->org_id), DB_INT(e->batch_id), DB_INT(e->line),
				 DB_TEXT(e->name), DB_BLOB(e->id_cipher, e->id_cipher_len),
				 DB_BLOB(e->id_index, CRYPTO_HASH_LEN), DB_TEXT(e->id_masked),
				 DB_TEXT(e->phone), DB_TEXT(e->joined_on), DB_TEXT(e->member_no),
				 DB_TEXT(e->status), DB_INT(now), DB_INT(now)),
			 id);
}

store_rc store_roster_entry_get(db_conn *c, int64_t id, roster_entry_row *out)
{
	int n = 0;
	store_rc rc = read_entries(c, "SELECT " ENTRY_COLS ENTRY_FROM "WHERE e.id = ?",
				   DB_ARGS(DB_INT(id)), out, 1, &n);
	return rc != STORE_OK ? rc : n ? STORE_OK : STORE_NOTFOUND;
}

store_rc store_roster_entries_by_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				       roster_entry_row *out, int max, int *n)
{
	return read_entries(c,
			    "SELECT " ENTRY_COLS ENTRY_FROM
			    "WHERE e.id_index = ? AND e.status <> 'set_aside' ORDER BY e.id",
			    DB_ARGS(DB_BLOB(idx, CRYPTO_HASH_LEN)), out, max, n);
}

store_rc store_roster_entries_of_worker(db_conn *c, int64_t worker_id, roster_entry_row *out,
					int max, int *n)
{
	return read_entries(c,
			    "SELECT " ENTRY_COLS ENTRY_FROM "JOIN worker w ON w.id_index = e.id_index "
			    "WHERE w.id = ? AND e.status <> 'set_aside' ORDER BY e.id",
			    DB_ARGS(DB_INT(worker_id)), out, max, n);
}

store_rc store_roster_entry_set(db_conn *c, const roster_entry_row *e, const char *from_status,
				int64_t now)
{
	int rc = db_exec(c,
			 "UPDATE roster_entry SET status = ?, worker_id = ?, membership_id = ?, "
			 "application_id = ?, updated_at = ? WHERE id = ? AND status = ?",
			 DB_ARGS(DB_TEXT(e->status), e->worker_id ? DB_INT(e->worker_id) : DB_NULL,
				 e->membership_id ? DB_INT(e->membership_id) : DB_NULL,
				 e->application_id ? DB_INT(e->application_id) : DB_NULL,
				 DB_INT(now), DB_INT(e->id), DB_TEXT(from_status)));
	if (rc != DB_OK)
		return STORE_ERR;
	return db_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}

store_rc store_member_no_holders(db_conn *c, const char *member_no, int64_t *membership_id,
				 int64_t *entry_id)
{
	db_rows *r;
	*membership_id = *entry_id = 0;
	if (db_query(c, &r,
		     "SELECT (SELECT MIN(id) FROM membership WHERE member_no = ?), "
		     "(SELECT MIN(id) FROM roster_entry WHERE member_no = ? AND status <> 'set_aside')",
		     DB_ARGS(DB_TEXT(member_no), DB_TEXT(member_no))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW) {
		*membership_id = db_int(r, 0);
		*entry_id = db_int(r, 1);
	}
	db_done(r);
	if (rc != DB_ROW)
		return STORE_ERR;
	return *membership_id || *entry_id ? STORE_OK : STORE_NOTFOUND;
}

#define ROSTER_WHERE                                                                               \
	"WHERE e.org_id IN (SELECT id FROM sub) AND (? = '' OR e.status = ?) "                     \
	"AND (? = '' OR e.name LIKE ? ESCAPE '!' OR e.member_no = ?) AND (? = '' OR e.phone = ?) " \
	"AND (? = 0 OR e.id_index = ?) AND e.id > ? "

store_rc store_roster_list(db_conn *c, const roster_filter *f, int offset, int limit,
			   roster_entry_row *out, int *n, int64_t *total)
{
	static const unsigned char none[CRYPTO_HASH_LEN];
	const char *status = f->status ? f->status : "", *q = f->q ? f->q : "";
	const char *phone = f->phone ? f->phone : "";
	/* A LIKE pattern matching q anywhere, its wildcards escaped with '!'. */
	char like[256];
	size_t k = 0;
	like[k++] = '%';
	for (const char *p = q; *p && k + 3 < sizeof(like); p++) {
		if (*p == '%' || *p == '_' || *p == '!')
			like[k++] = '!';
		like[k++] = *p;
	}
	like[k++] = '%';
	like[k] = '\0';
	db_param p[] = {DB_INT(f->root),	DB_TEXT(status),	     DB_TEXT(status),
			DB_TEXT(q),		DB_TEXT(like),		     DB_TEXT(q),
			DB_TEXT(phone),		DB_TEXT(phone),		     DB_INT(f->id_index != NULL),
			DB_BLOB(f->id_index ? f->id_index : none, CRYPTO_HASH_LEN),
			DB_INT(f->after_id),	DB_INT(limit),		     DB_INT(offset)};
	db_rows *r;
	if (total) {
		*total = 0;
		if (db_query(c, &r, SUBTREE "SELECT COUNT(*) FROM roster_entry e " ROSTER_WHERE, p,
			     11))
			return STORE_ERR;
		if (db_next(r) == DB_ROW)
			*total = db_int(r, 0);
		db_done(r);
	}
	return read_entries(c,
			    SUBTREE "SELECT " ENTRY_COLS ENTRY_FROM ROSTER_WHERE
				    "ORDER BY e.id LIMIT ? OFFSET ?",
			    p, 13, out, limit, n);
}

/* ---- conflicts ---- */

#define CONFLICT_COLS                                                                              \
	"k.id, k.ancestor_org_id, k.created_at, COALESCE(k.resolved_at, 0), "                      \
	"COALESCE(k.resolved_by, 0), COALESCE(k.kept_entry_id, 0), "                               \
	"COALESCE(k.kept_membership_id, 0), k.id_masked, k.status, o.name, k.id_index"
#define CONFLICT_FROM " FROM roster_conflict k JOIN org o ON o.id = k.ancestor_org_id "

static void read_conflict(db_rows *r, roster_conflict_row *k)
{
	k->id = db_int(r, 0);
	k->ancestor_org_id = db_int(r, 1);
	k->created_at = db_int(r, 2);
	k->resolved_at = db_int(r, 3);
	k->resolved_by = db_int(r, 4);
	k->kept_entry_id = db_int(r, 5);
	k->kept_membership_id = db_int(r, 6);
	db_text_into(r, 7, k->id_masked, sizeof(k->id_masked));
	db_text_into(r, 8, k->status, sizeof(k->status));
	db_text_into(r, 9, k->ancestor_name, sizeof(k->ancestor_name));
	copy_index(k->id_index, r, 10);
}

static store_rc fetch_conflict(db_conn *c, const char *sql, const db_param *p, int np,
			       roster_conflict_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, p, np))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_conflict(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_conflict_open_of(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				roster_conflict_row *out)
{
	return fetch_conflict(c,
			      "SELECT " CONFLICT_COLS CONFLICT_FROM
			      "WHERE k.id_index = ? AND k.status = 'open'",
			      DB_ARGS(DB_BLOB(idx, CRYPTO_HASH_LEN)), out);
}

store_rc store_conflict_get(db_conn *c, int64_t id, roster_conflict_row *out)
{
	return fetch_conflict(c, "SELECT " CONFLICT_COLS CONFLICT_FROM "WHERE k.id = ?",
			      DB_ARGS(DB_INT(id)), out);
}

store_rc store_conflict_create(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
			       const char *id_masked, int64_t ancestor_org_id, int64_t now,
			       int64_t *id)
{
	return insert_id(c,
			 "INSERT INTO roster_conflict (id_index, id_masked, ancestor_org_id, status, "
			 "created_at) VALUES (?, ?, ?, 'open', ?) RETURNING id",
			 DB_ARGS(DB_BLOB(idx, CRYPTO_HASH_LEN), DB_TEXT(id_masked),
				 DB_INT(ancestor_org_id), DB_INT(now)),
			 id);
}

store_rc store_conflict_set_ancestor(db_conn *c, int64_t id, int64_t ancestor_org_id)
{
	return db_exec(c, "UPDATE roster_conflict SET ancestor_org_id = ? WHERE id = ?",
		       DB_ARGS(DB_INT(ancestor_org_id), DB_INT(id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_conflict_item_add(db_conn *c, int64_t conflict_id, int64_t entry_id,
				 int64_t membership_id)
{
	return db_exec(c,
		       "INSERT INTO roster_conflict_item (conflict_id, entry_id, membership_id) "
		       "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		       DB_ARGS(DB_INT(conflict_id), entry_id ? DB_INT(entry_id) : DB_NULL,
			       membership_id ? DB_INT(membership_id) : DB_NULL)) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

store_rc store_conflict_items(db_conn *c, int64_t id, roster_conflict_item_row *out, int max,
			      int *n)
{
	db_rows *r;
	*n = 0;
	/* Roster entries, then memberships (with their worker's name), in the order added. */
	if (db_query(c, &r,
		     "SELECT i.entry_id, 0, e.org_id, 0, o.name, e.name, e.joined_on, "
		     "COALESCE(e.member_no, ''), e.status, 0, i.id "
		     "FROM roster_conflict_item i JOIN roster_entry e ON e.id = i.entry_id "
		     "JOIN org o ON o.id = e.org_id WHERE i.conflict_id = ? "
		     "UNION ALL "
		     "SELECT 0, i.membership_id, m.org_id, m.joined_at, o.name, w.name, '', "
		     "COALESCE(m.member_no, ''), m.status, m.is_current, i.id "
		     "FROM roster_conflict_item i JOIN membership m ON m.id = i.membership_id "
		     "JOIN worker w ON w.id = m.worker_id JOIN org o ON o.id = m.org_id "
		     "WHERE i.conflict_id = ? ORDER BY 11",
		     DB_ARGS(DB_INT(id), DB_INT(id))))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < max) {
		roster_conflict_item_row *it = &out[(*n)++];
		it->entry_id = db_int(r, 0);
		it->membership_id = db_int(r, 1);
		it->org_id = db_int(r, 2);
		it->joined_at = db_int(r, 3);
		db_text_into(r, 4, it->org_name, sizeof(it->org_name));
		db_text_into(r, 5, it->name, sizeof(it->name));
		db_text_into(r, 6, it->joined_on, sizeof(it->joined_on));
		db_text_into(r, 7, it->member_no, sizeof(it->member_no));
		db_text_into(r, 8, it->status, sizeof(it->status));
		it->current = db_int(r, 9) != 0;
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_conflict_list(db_conn *c, int64_t root, const char *status, int offset, int limit,
			     roster_conflict_row *out, int *n, int64_t *total)
{
	const char *st = status ? status : "";
	db_param p[] = {DB_INT(root), DB_TEXT(st), DB_TEXT(st), DB_INT(limit), DB_INT(offset)};
	db_rows *r;
	*n = 0;
	*total = 0;
	if (db_query(c, &r,
		     SUBTREE "SELECT COUNT(*) FROM roster_conflict k WHERE k.ancestor_org_id IN "
			     "(SELECT id FROM sub) AND (? = '' OR k.status = ?)",
		     p, 3))
		return STORE_ERR;
	if (db_next(r) == DB_ROW)
		*total = db_int(r, 0);
	db_done(r);
	if (db_query(c, &r,
		     SUBTREE "SELECT " CONFLICT_COLS CONFLICT_FROM
			     "WHERE k.ancestor_org_id IN (SELECT id FROM sub) AND "
			     "(? = '' OR k.status = ?) ORDER BY k.id DESC LIMIT ? OFFSET ?",
		     p, 5))
		return STORE_ERR;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && *n < limit)
		read_conflict(r, &out[(*n)++]);
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

store_rc store_conflict_resolve(db_conn *c, int64_t id, int64_t staff_id, int64_t keep_entry_id,
				int64_t keep_membership_id, int64_t now)
{
	if (db_exec(c,
		    "UPDATE roster_conflict SET status = 'resolved', resolved_at = ?, resolved_by = ?, "
		    "kept_entry_id = ?, kept_membership_id = ? WHERE id = ? AND status = 'open'",
		    DB_ARGS(DB_INT(now), DB_INT(staff_id),
			    keep_entry_id ? DB_INT(keep_entry_id) : DB_NULL,
			    keep_membership_id ? DB_INT(keep_membership_id) : DB_NULL,
			    DB_INT(id))) != DB_OK)
		return STORE_ERR;
	return db_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}

/* ---- the import, set-based: up to STORE_ROSTER_CHUNK keys or rows per statement ---- */

/* The statements come in a few sizes only, built once and kept: both drivers cache prepared
 * statements by the address of their text. A list of keys is padded to the next size with its last
 * key; rows to insert go in pieces of these sizes. */
enum { SQL_SIZES = 4 };
static const int sql_size[SQL_SIZES] = {1, 8, 64, STORE_ROSTER_CHUNK};

typedef enum sql_shape {
	SQL_ENTRY_HITS,
	SQL_MEMBERSHIP_HITS,
	SQL_WORKER_HITS,
	SQL_CONFLICT_HITS,
	SQL_MEMBER_NO_HITS,
	SQL_ENTRIES_ADD,
	SQL_CONFLICTS_ADD,
	SQL_ITEMS_ADD,
	SQL_ENTRIES_FLAG,
	SQL_SHAPES
} sql_shape;

/* A list of keys as a semi-join with a VALUES list: PostgreSQL hashes it, where an IN list of
 * parameters in a plan made while the table looked empty is compared row by row. */
#define KEYS_OPEN "IN (SELECT column1 FROM (VALUES "
#define KEYS_CLOSE ") AS k)"

static const struct {
	const char *head, *mid, *tail; /* mid: the list is repeated after it (NULL: once) */
	int cols;
} shapes[SQL_SHAPES] = {
	[SQL_ENTRY_HITS] = {"SELECT id_index, id, org_id, line, status FROM roster_entry "
			    "WHERE status <> 'set_aside' AND id_index " KEYS_OPEN,
			    NULL, KEYS_CLOSE " ORDER BY id", 1},
	[SQL_MEMBERSHIP_HITS] = {"SELECT w.id_index, m.id, m.org_id, 0, m.status FROM membership m "
				 "JOIN worker w ON w.id = m.worker_id WHERE m.is_current = 1 AND "
				 "w.id_index " KEYS_OPEN,
				 NULL, KEYS_CLOSE " ORDER BY m.id", 1},
	[SQL_WORKER_HITS] = {"SELECT id_index, id, 0, 0, '' FROM worker WHERE id_index " KEYS_OPEN,
			     NULL, KEYS_CLOSE, 1},
	[SQL_CONFLICT_HITS] = {"SELECT id_index, id, ancestor_org_id, 0, status FROM roster_conflict "
			       "WHERE status = 'open' AND id_index " KEYS_OPEN,
			       NULL, KEYS_CLOSE, 1},
	[SQL_MEMBER_NO_HITS] = {"SELECT member_no, MIN(id), 0, 0, '' FROM membership "
				"WHERE member_no " KEYS_OPEN,
				KEYS_CLOSE " GROUP BY member_no UNION ALL SELECT member_no, MIN(id), 0, "
					   "0, '' FROM roster_entry WHERE status <> 'set_aside' AND "
					   "member_no " KEYS_OPEN,
				KEYS_CLOSE " GROUP BY member_no", 1},
	[SQL_ENTRIES_ADD] = {"INSERT INTO roster_entry (org_id, batch_id, line, name, id_cipher, "
			     "id_index, id_masked, phone, joined_on, member_no, status, created_at, "
			     "updated_at) VALUES ",
			     NULL, " ON CONFLICT DO NOTHING", 13},
	[SQL_CONFLICTS_ADD] = {"INSERT INTO roster_conflict (id_index, id_masked, ancestor_org_id, "
			       "created_at, status) VALUES ",
			       NULL, "", 5},
	[SQL_ITEMS_ADD] = {"INSERT INTO roster_conflict_item (conflict_id, entry_id, membership_id) "
			   "VALUES ",
			   NULL, " ON CONFLICT DO NOTHING", 3},
	[SQL_ENTRIES_FLAG] = {"UPDATE roster_entry SET status = 'flagged', updated_at = ? "
			      "WHERE status = 'unlinked' AND id " KEYS_OPEN,
			      NULL, KEYS_CLOSE, 1},
};

static char *sql_text[SQL_SHAPES][SQL_SIZES];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void list_sql(buf *b, int n, int cols)
{
	for (int i = 0; i < n; i++) {
		buf_puts(b, i ? ", " : "");
		for (int k = 0; k < cols; k++)
			buf_puts(b, cols == 1 ? "(?)" : k == 0 ? "(?" : k + 1 == cols ? ", ?)" : ", ?");
	}
}

static void sql_build(void)
{
	for (int s = 0; s < SQL_SHAPES; s++)
		for (int z = 0; z < SQL_SIZES; z++) {
			buf b = {0};
			buf_puts(&b, shapes[s].head);
			list_sql(&b, sql_size[z], shapes[s].cols);
			if (shapes[s].mid) {
				buf_puts(&b, shapes[s].mid);
				list_sql(&b, sql_size[z], shapes[s].cols);
			}
			buf_puts(&b, shapes[s].tail);
			sql_text[s][z] = b.data; /* kept for the life of the process */
		}
}

/* The statement for n keys (padded: the smallest size ≥ n) or n rows (exact: the largest
 * size ≤ n); *size is its size. */
static const char *shape_sql(sql_shape s, int n, bool pad, int *size)
{
	pthread_once(&sql_once, sql_build);
	int z = 0;
	if (pad)
		while (sql_size[z] < n && z + 1 < SQL_SIZES)
			z++;
	else
		while (z + 1 < SQL_SIZES && sql_size[z + 1] <= n)
			z++;
	*size = sql_size[z];
	return sql_text[s][z];
}

/* Runs a query whose columns are: key (the blind index if blob_key, else text), id, org_id,
 * line, status; hands each row to fn. */
static store_rc each_hit(db_conn *c, const char *sql, const db_param *p, int np, bool blob_key,
			 roster_hit_fn fn, void *ctx)
{
	db_rows *r;
	int rc = db_query(c, &r, sql, p, np);
	if (rc)
		return STORE_ERR;
	while ((rc = db_next(r)) == DB_ROW) {
		unsigned char idx[CRYPTO_HASH_LEN];
		if (blob_key)
			copy_index(idx, r, 0);
		roster_hit h = {.idx = blob_key ? idx : NULL,
				.key = blob_key ? NULL : db_text(r, 0),
				.id = db_int(r, 1),
				.org_id = db_int(r, 2),
				.line = (int)db_int(r, 3),
				.status = db_text(r, 4)};
		fn(ctx, &h);
	}
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}

/* Asks a list query for n keys (n ≤ STORE_ROSTER_CHUNK), padded with the last one; a key is
 * a blind index, or a member number for SQL_MEMBER_NO_HITS (its list twice). */
static store_rc hits_of(db_conn *c, sql_shape shape, const void *const *keys, int n,
			roster_hit_fn fn, void *ctx)
{
	int size;
	const char *sql = shape_sql(shape, n, true, &size);
	bool text = shape == SQL_MEMBER_NO_HITS;
	int np = text ? 2 * size : size;
	db_param *p = xcalloc((size_t)np, sizeof(db_param));
	for (int i = 0; i < np; i++) {
		const void *k = keys[(i % size) < n ? i % size : n - 1];
		p[i] = text ? DB_TEXT((const char *)k) : DB_BLOB(k, CRYPTO_HASH_LEN);
	}
	store_rc rc = n ? each_hit(c, sql, p, np, !text, fn, ctx) : STORE_OK;
	free(p);
	return rc;
}

store_rc store_roster_entry_hits(db_conn *c, const unsigned char *const *idx, int n,
				 roster_hit_fn fn, void *ctx)
{
	return hits_of(c, SQL_ENTRY_HITS, (const void *const *)idx, n, fn, ctx);
}

store_rc store_membership_hits(db_conn *c, const unsigned char *const *idx, int n,
			       roster_hit_fn fn, void *ctx)
{
	return hits_of(c, SQL_MEMBERSHIP_HITS, (const void *const *)idx, n, fn, ctx);
}

store_rc store_worker_hits(db_conn *c, const unsigned char *const *idx, int n, roster_hit_fn fn,
			   void *ctx)
{
	return hits_of(c, SQL_WORKER_HITS, (const void *const *)idx, n, fn, ctx);
}

store_rc store_conflict_open_hits(db_conn *c, const unsigned char *const *idx, int n,
				  roster_hit_fn fn, void *ctx)
{
	return hits_of(c, SQL_CONFLICT_HITS, (const void *const *)idx, n, fn, ctx);
}

store_rc store_member_no_hits(db_conn *c, const char *const *nos, int n, roster_hit_fn fn,
			      void *ctx)
{
	return hits_of(c, SQL_MEMBER_NO_HITS, (const void *const *)nos, n, fn, ctx);
}

store_rc store_roster_batch_hits(db_conn *c, int64_t batch_id, roster_hit_fn fn, void *ctx)
{
	return each_hit(c,
			"SELECT id_index, id, org_id, line, status FROM roster_entry WHERE batch_id = ?",
			DB_ARGS(DB_INT(batch_id)), true, fn, ctx);
}

/* Inserts n rows of the shape's cols parameters each (p: all of them, row by row) in pieces
 * of the statement sizes; STORE_CONFLICT unless every row was (exact). */
static store_rc insert_rows(db_conn *c, sql_shape shape, const db_param *p, int n, bool exact)
{
	int cols = shapes[shape].cols;
	for (int done = 0, size; done < n; done += size) {
		const char *sql = shape_sql(shape, n - done, false, &size);
		if (db_exec(c, sql, p + (size_t)done * cols, size * cols) != DB_OK)
			return STORE_ERR;
		if (exact && db_changes(c) != size)
			return STORE_CONFLICT;
	}
	return STORE_OK;
}

store_rc store_roster_entries_add(db_conn *c, const roster_entry_new *e, int n, int64_t now)
{
	enum { COLS = 13 };
	db_param *p = xcalloc((size_t)n * COLS + 1, sizeof(db_param));
	for (int i = 0; i < n; i++) {
		const roster_entry_new *x = &e[i];
		db_param row[COLS] = {DB_INT(x->org_id),
				      DB_INT(x->batch_id),
				      DB_INT(x->line),
				      DB_TEXT(x->name),
				      DB_BLOB(x->id_cipher, x->id_cipher_len),
				      DB_BLOB(x->id_index, CRYPTO_HASH_LEN),
				      DB_TEXT(x->id_masked),
				      DB_TEXT(x->phone),
				      DB_TEXT(x->joined_on),
				      DB_TEXT(x->member_no),
				      DB_TEXT(x->status),
				      DB_INT(now),
				      DB_INT(now)};
		memcpy(&p[i * COLS], row, sizeof(row));
	}
	store_rc rc = insert_rows(c, SQL_ENTRIES_ADD, p, n, true);
	free(p);
	return rc;
}

store_rc store_conflicts_create(db_conn *c, const unsigned char *const *idx,
				const char *const *id_masked, const int64_t *ancestor, int n,
				int64_t now)
{
	enum { COLS = 5 };
	db_param *p = xcalloc((size_t)n * COLS + 1, sizeof(db_param));
	for (int i = 0; i < n; i++) {
		db_param row[COLS] = {DB_BLOB(idx[i], CRYPTO_HASH_LEN), DB_TEXT(id_masked[i]),
				      DB_INT(ancestor[i]), DB_INT(now), DB_TEXT("open")};
		memcpy(&p[i * COLS], row, sizeof(row));
	}
	store_rc rc = insert_rows(c, SQL_CONFLICTS_ADD, p, n, true);
	free(p);
	return rc;
}

store_rc store_conflict_items_add(db_conn *c, const roster_conflict_item_new *it, int n)
{
	enum { COLS = 3 };
	db_param *p = xcalloc((size_t)n * COLS + 1, sizeof(db_param));
	for (int i = 0; i < n; i++) {
		db_param row[COLS] = {
			DB_INT(it[i].conflict_id),
			it[i].entry_id ? DB_INT(it[i].entry_id) : DB_NULL,
			it[i].membership_id ? DB_INT(it[i].membership_id) : DB_NULL};
		memcpy(&p[i * COLS], row, sizeof(row));
	}
	store_rc rc = insert_rows(c, SQL_ITEMS_ADD, p, n, false);
	free(p);
	return rc;
}

store_rc store_roster_entries_flag(db_conn *c, const int64_t *ids, int n, int64_t now)
{
	int size;
	const char *sql = shape_sql(SQL_ENTRIES_FLAG, n, true, &size);
	db_param *p = xcalloc((size_t)size + 1, sizeof(db_param));
	p[0] = DB_INT(now);
	for (int i = 0; i < size; i++)
		p[i + 1] = DB_INT(ids[i < n ? i : n - 1]);
	int rc = n ? db_exec(c, sql, p, size + 1) : DB_OK;
	free(p);
	if (rc != DB_OK)
		return STORE_ERR;
	return !n || db_changes(c) == n ? STORE_OK : STORE_CONFLICT;
}
