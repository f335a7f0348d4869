/* units.c — work units (工作单位) and their keyword search over the unit_gram table.
 * A query is answered in up to three ranked runs, each read in primary-key order:
 *   1. prefix:    gram = the query's first 1–4 characters, kind PREFIX (exact name first,
 *                 since it is the shortest name with that prefix);
 *   2. substring: gram = the query (1 character) or its rarest pair of characters, kind NAME,
 *                 checked against the name, prefixes left out;
 *   3. code:      gram = the query's first 4 characters, kind CODE, checked against the code.
 * Counting stops at UNIT_SEARCH_CAP + 1 per run, so a very common term costs a bounded scan. */
#include <stdio.h>
#include <stdlib.h>

#include "domain/grams.h"
#include "store/store.h"

#define UNIT_COLS                                                                                  \
	"u.id, u.name, u.credit_code, u.district_code, u.street_code, u.address, u.has_union, "   \
	"COALESCE(u.union_org_id, 0)"

store_rc store_unit_create(db_conn *c, const unit_new *u, int64_t now, int64_t *id)
{
	db_rows *r;
	if (db_query(c, &r,
		     "INSERT INTO unit (name, credit_code, district_code, street_code, address, "
		     "has_union, union_org_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
		     "ON CONFLICT DO NOTHING RETURNING id",
		     DB_ARGS(DB_TEXT(u->name), DB_TEXT(u->credit_code), DB_TEXT(u->district_code),
			     DB_TEXT(u->street_code), DB_TEXT(u->address), DB_INT(u->has_union),
			     u->union_org_id ? DB_INT(u->union_org_id) : DB_NULL, DB_INT(now))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		*id = db_int(r, 0);
	db_done(r);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_CONFLICT : STORE_ERR;
	gram_list *g = malloc(sizeof(*g));
	if (!g)
		return STORE_ERR;
	domain_unit_grams(u->name, u->credit_code, g);
	store_rc out = STORE_OK;
	for (int i = 0; i < g->n && out == STORE_OK; i++)
		if (db_exec(c,
			    "INSERT INTO unit_gram (gram, kind, name_len, unit_id) VALUES (?, ?, ?, ?)",
			    DB_ARGS(DB_TEXT(g->gram[i]), DB_INT(g->kind[i]), DB_INT(g->name_chars),
				    DB_INT(*id))) != DB_OK ||
		    db_exec(c,
			    "INSERT INTO unit_gram_count (gram, kind, n) VALUES (?, ?, 1) "
			    "ON CONFLICT (gram, kind) DO UPDATE SET n = unit_gram_count.n + 1",
			    DB_ARGS(DB_TEXT(g->gram[i]), DB_INT(g->kind[i]))) != DB_OK)
			out = STORE_ERR;
	free(g);
	return out;
}

static void read_unit(db_rows *r, unit_row *u)
{
	u->id = db_int(r, 0);
	snprintf(u->name, sizeof(u->name), "%s", db_text(r, 1));
	snprintf(u->credit_code, sizeof(u->credit_code), "%s", db_text(r, 2));
	snprintf(u->district_code, sizeof(u->district_code), "%s", db_text(r, 3));
	snprintf(u->street_code, sizeof(u->street_code), "%s", db_text(r, 4));
	snprintf(u->address, sizeof(u->address), "%s", db_text(r, 5));
	u->has_union = db_int(r, 6) != 0;
	u->union_org_id = db_int(r, 7);
}

store_rc store_unit_get(db_conn *c, int64_t id, unit_row *out)
{
	db_rows *r;
	if (db_query(c, &r, "SELECT " UNIT_COLS " FROM unit u WHERE u.id = ?", DB_ARGS(DB_INT(id))))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_unit(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

/* The three runs, each as a count and a page. Parameters: gram, kind, then the check values.
 * Names are compared in lower case (ASCII folding, as the grams are). */
typedef struct run_sql {
	const char *count, *page;
} run_sql;

static const run_sql prefix_sql = {
	"SELECT COUNT(*) FROM (SELECT 1 FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
	"WHERE g.gram = ? AND g.kind = 0 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) = ? LIMIT ?) t",
	"SELECT " UNIT_COLS " FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
	"WHERE g.gram = ? AND g.kind = 0 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) = ? "
	"ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?",
};

static const run_sql substring_sql[2] = {
	[DB_SQLITE] = {
		"SELECT COUNT(*) FROM (SELECT 1 FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 1 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) <> ? AND "
		"instr(lower(u.name), ?) > 0 LIMIT ?) t",
		"SELECT " UNIT_COLS " FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 1 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) <> ? AND "
		"instr(lower(u.name), ?) > 0 ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?",
	},
	[DB_POSTGRES] = {
		"SELECT COUNT(*) FROM (SELECT 1 FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 1 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) <> ? AND "
		"strpos(lower(u.name), ?) > 0 LIMIT ?) t",
		"SELECT " UNIT_COLS " FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 1 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) <> ? AND "
		"strpos(lower(u.name), ?) > 0 ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?",
	},
};

static const run_sql code_sql[2] = {
	[DB_SQLITE] = {
		"SELECT COUNT(*) FROM (SELECT 1 FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 2 AND instr(lower(u.name), ?) = 0 AND "
		"instr(u.credit_code, ?) > 0 LIMIT ?) t",
		"SELECT " UNIT_COLS " FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 2 AND instr(lower(u.name), ?) = 0 AND "
		"instr(u.credit_code, ?) > 0 ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?",
	},
	[DB_POSTGRES] = {
		"SELECT COUNT(*) FROM (SELECT 1 FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 2 AND strpos(lower(u.name), ?) = 0 AND "
		"strpos(u.credit_code, ?) > 0 LIMIT ?) t",
		"SELECT " UNIT_COLS " FROM unit_gram g JOIN unit u ON u.id = g.unit_id "
		"WHERE g.gram = ? AND g.kind = 2 AND strpos(lower(u.name), ?) = 0 AND "
		"strpos(u.credit_code, ?) > 0 ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?",
	},
};

typedef struct run {
	const run_sql *sql;
	db_param p[6]; /* gram, then checks; LIMIT/OFFSET are appended */
	int np;
} run;

static int64_t run_count(db_conn *c, const run *rn)
{
	db_param p[8];
	memcpy(p, rn->p, sizeof(db_param) * (size_t)rn->np);
	p[rn->np] = DB_INT(UNIT_SEARCH_CAP + 1);
	db_rows *r;
	if (db_query(c, &r, rn->sql->count, p, rn->np + 1) != DB_OK)
		return -1;
	int64_t n = db_next(r) == DB_ROW ? db_int(r, 0) : -1;
	db_done(r);
	return n;
}

static int run_page(db_conn *c, const run *rn, int offset, int limit, unit_page *out)
{
	db_param p[8];
	memcpy(p, rn->p, sizeof(db_param) * (size_t)rn->np);
	p[rn->np] = DB_INT(limit);
	p[rn->np + 1] = DB_INT(offset);
	db_rows *r;
	if (db_query(c, &r, rn->sql->page, p, rn->np + 2) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == DB_ROW)
		read_unit(r, &out->items[out->n++]);
	db_done(r);
	return rc == DB_DONE ? 0 : -1;
}

/* The pair of characters of q with the fewest units. */
static void rarest_pair(db_conn *c, const char *q, int chars, char *out, size_t outlen)
{
	int64_t best = -1;
	for (int i = 0; i + 1 < chars; i++) {
		char pair[GRAM_MAX_BYTES];
		domain_utf8_sub(q, i, 2, pair, sizeof(pair));
		db_rows *r;
		int64_t n = -1;
		/* Exact per-gram counts, kept as units are added: a capped count could not tell
		 * two common pairs apart (有限 840k vs 限合 111k). No row: no unit has it. */
		if (db_query(c, &r, "SELECT n FROM unit_gram_count WHERE gram = ? AND kind = 1",
			     DB_ARGS(DB_TEXT(pair))) == DB_OK) {
			int rc = db_next(r);
			n = rc == DB_ROW ? db_int(r, 0) : rc == DB_DONE ? 0 : -1;
			db_done(r);
		}
		if (n >= 0 && (best < 0 || n < best)) {
			best = n;
			snprintf(out, outlen, "%s", pair);
		}
		if (best == 0)
			return;
	}
}

static bool code_like(const char *q)
{
	for (const char *p = q; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
			return false;
	return true;
}

static int utf8_chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

store_rc store_unit_search(db_conn *c, const char *q, int offset, int limit, unit_page *out)
{
	db_kind k = db_conn_dialect(c);
	int chars = utf8_chars(q), nruns = 0;
	char prefix[GRAM_MAX_BYTES * 2], pair[GRAM_MAX_BYTES], code[64], code_gram[8];
	run runs[3];
	domain_utf8_sub(q, 0, chars < 4 ? chars : 4, prefix, sizeof(prefix));
	runs[nruns++] = (run){&prefix_sql, {DB_TEXT(prefix), DB_INT(chars), DB_TEXT(q)}, 3};
	if (chars == 1)
		snprintf(pair, sizeof(pair), "%s", q);
	else
		rarest_pair(c, q, chars, pair, sizeof(pair));
	runs[nruns++] = (run){&substring_sql[k],
			      {DB_TEXT(pair), DB_INT(chars), DB_TEXT(q), DB_TEXT(q)}, 4};
	if (chars >= 4 && chars <= 18 && code_like(q)) {
		snprintf(code, sizeof(code), "%s", q);
		for (char *p = code; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		snprintf(code_gram, sizeof(code_gram), "%.4s", code);
		runs[nruns++] = (run){&code_sql[k], {DB_TEXT(code_gram), DB_TEXT(q), DB_TEXT(code)}, 3};
	}
	/* Runs are disjoint (prefixes, other substrings, code-only matches), so a page is the
	 * concatenation of their ranked lists with offset applied across them. */
	out->n = 0;
	out->total = 0;
	int skip = offset;
	for (int i = 0; i < nruns; i++) {
		/* Past the cap with the page full, later runs change neither: "1000+". */
		if (out->total > UNIT_SEARCH_CAP && out->n >= limit)
			break;
		int64_t n = run_count(c, &runs[i]);
		if (n < 0)
			return STORE_ERR;
		out->total += n;
		if (out->n < limit && skip < n && run_page(c, &runs[i], skip, limit - out->n, out))
			return STORE_ERR;
		skip = skip > n ? skip - (int)n : 0;
	}
	return STORE_OK;
}
