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
#include <string.h>

#include "domain/grams.h"
#include "store/store.h"

#define UNIT_COLS                                                                                  \
	"u.id, u.name, u.credit_code, u.district_code, u.street_code, u.address, u.has_union, "   \
	"COALESCE(u.union_org_id, 0)"

/* Multi-row statements for the grams: a unit has ~45 of them (a 100-character name ~220), and
 * one statement per gram would cost a round trip each on PostgreSQL. Rows go 16, then 4, then 1
 * at a time, within the driver's 64 parameters. */
#define ROWS4(r) r ", " r ", " r ", " r
#define ROWS16(r) ROWS4(r) ", " ROWS4(r) ", " ROWS4(r) ", " ROWS4(r)
#define GRAM_INSERT "INSERT INTO unit_gram (gram, kind, name_len, unit_id) VALUES "
#define COUNT_INSERT "INSERT INTO unit_gram_count (gram, kind, n) VALUES "
#define COUNT_UPSERT " ON CONFLICT (gram, kind) DO UPDATE SET n = unit_gram_count.n + excluded.n"

static const int batch_rows[3] = {16, 4, 1};
static const char *const gram_sql[3] = {
	GRAM_INSERT ROWS16("(?, ?, ?, ?)"),
	GRAM_INSERT ROWS4("(?, ?, ?, ?)"),
	GRAM_INSERT "(?, ?, ?, ?)",
};
static const char *const count_sql[3] = {
	COUNT_INSERT ROWS16("(?, ?, ?)") COUNT_UPSERT,
	COUNT_INSERT ROWS4("(?, ?, ?)") COUNT_UPSERT,
	COUNT_INSERT "(?, ?, ?)" COUNT_UPSERT,
};

typedef void (*row_fill)(const void *ctx, int row, db_param *out);

/* Inserts nrows rows of width parameters each, filled by fill, in the batches above. */
static store_rc insert_rows(db_conn *c, const char *const sql[3], int width, int nrows,
			    row_fill fill, const void *ctx)
{
	int i = 0;
	for (int b = 0; b < 3; b++)
		for (; i + batch_rows[b] <= nrows; i += batch_rows[b]) {
			db_param p[64];
			for (int k = 0; k < batch_rows[b]; k++)
				fill(ctx, i + k, p + width * k);
			if (db_exec(c, sql[b], p, width * batch_rows[b]) != DB_OK)
				return STORE_ERR;
		}
	return STORE_OK;
}

/* The grams added by a write and how many units gained each: unit_gram_count is updated once
 * per gram at the end. (Updating a common gram's row once per unit would, on PostgreSQL, leave
 * a chain of row versions that every later update in the transaction walks: an import of
 * thousands of units would take minutes.) */
typedef struct tally_entry {
	char gram[GRAM_MAX_BYTES];
	int kind;
	int64_t n;
} tally_entry;

typedef struct gram_tally {
	tally_entry *slot;
	size_t cap, used;
} gram_tally;

static size_t tally_hash(const char *gram, int kind)
{
	size_t h = 2166136261u ^ (size_t)kind;
	for (const unsigned char *p = (const unsigned char *)gram; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static tally_entry *tally_find(tally_entry *slot, size_t cap, const char *gram, int kind)
{
	for (size_t i = tally_hash(gram, kind) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!slot[i].n || (slot[i].kind == kind && strcmp(slot[i].gram, gram) == 0))
			return &slot[i];
}

static bool tally_add(gram_tally *t, const char *gram, int kind)
{
	if ((t->used + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		tally_entry *slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return false;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i].n)
				*tally_find(slot, cap, t->slot[i].gram, t->slot[i].kind) = t->slot[i];
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	tally_entry *e = tally_find(t->slot, t->cap, gram, kind);
	if (!e->n) {
		snprintf(e->gram, sizeof(e->gram), "%s", gram);
		e->kind = kind;
		t->used++;
	}
	e->n++;
	return true;
}

static void fill_count(const void *ctx, int row, db_param *out)
{
	const tally_entry *e = ((const tally_entry *const *)ctx)[row];
	out[0] = DB_TEXT(e->gram);
	out[1] = DB_INT(e->kind);
	out[2] = DB_INT(e->n);
}

/* Adds the tally to unit_gram_count (each gram once) and frees it. */
static store_rc tally_flush(db_conn *c, gram_tally *t)
{
	const tally_entry **list = malloc(sizeof(*list) * (t->used ? t->used : 1));
	store_rc rc = list ? STORE_OK : STORE_ERR;
	int n = 0;
	for (size_t i = 0; list && i < t->cap; i++)
		if (t->slot[i].n)
			list[n++] = &t->slot[i];
	if (rc == STORE_OK)
		rc = insert_rows(c, count_sql, 3, n, fill_count, list);
	free(list);
	free(t->slot);
	*t = (gram_tally){0};
	return rc;
}

typedef struct unit_grams {
	const gram_list *g;
	int64_t id;
} unit_grams;

static void fill_gram(const void *ctx, int row, db_param *out)
{
	const unit_grams *u = ctx;
	out[0] = DB_TEXT(u->g->gram[row]);
	out[1] = DB_INT(u->g->kind[row]);
	out[2] = DB_INT(u->g->name_chars);
	out[3] = DB_INT(u->id);
}

/* Writes the unit's search grams and tallies them. */
static store_rc grams_add(db_conn *c, int64_t id, const char *name, const char *code,
			  gram_tally *t)
{
	gram_list *g = malloc(sizeof(*g));
	if (!g)
		return STORE_ERR;
	domain_unit_grams(name, code, g);
	unit_grams ug = {g, id};
	store_rc rc = insert_rows(c, gram_sql, 4, g->n, fill_gram, &ug);
	for (int i = 0; rc == STORE_OK && i < g->n; i++)
		if (!tally_add(t, g->gram[i], g->kind[i]))
			rc = STORE_ERR;
	free(g);
	return rc;
}

/* Takes the unit's grams out of the index and out of the counts. */
static store_rc grams_remove(db_conn *c, int64_t id)
{
	return db_exec(c,
		       "UPDATE unit_gram_count SET n = unit_gram_count.n - 1 FROM unit_gram g "
		       "WHERE g.unit_id = ? AND unit_gram_count.gram = g.gram AND "
		       "unit_gram_count.kind = g.kind",
		       DB_ARGS(DB_INT(id))) == DB_OK &&
			       db_exec(c, "DELETE FROM unit_gram WHERE unit_id = ?",
				       DB_ARGS(DB_INT(id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

static store_rc unit_insert(db_conn *c, const unit_new *u, int64_t now, int64_t *id,
			    gram_tally *t)
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
	return grams_add(c, *id, u->name, u->credit_code, t);
}

store_rc store_unit_create(db_conn *c, const unit_new *u, int64_t now, int64_t *id)
{
	gram_tally t = {0};
	store_rc rc = unit_insert(c, u, now, id, &t);
	if (rc == STORE_OK)
		return tally_flush(c, &t);
	free(t.slot);
	return rc;
}

store_rc store_units_create(db_conn *c, const unit_new *units, int n, int64_t now)
{
	gram_tally t = {0};
	store_rc rc = STORE_OK;
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		int64_t id;
		rc = unit_insert(c, &units[i], now, &id, &t);
	}
	if (rc == STORE_OK)
		return tally_flush(c, &t);
	free(t.slot);
	return rc;
}

store_rc store_unit_update(db_conn *c, const unit_row *u)
{
	unit_row old;
	store_rc rc = store_unit_get(c, u->id, &old);
	if (rc != STORE_OK)
		return rc;
	if (db_exec(c,
		    "UPDATE unit SET name = ?, address = ?, district_code = ?, street_code = ? "
		    "WHERE id = ?",
		    DB_ARGS(DB_TEXT(u->name), DB_TEXT(u->address), DB_TEXT(u->district_code),
			    DB_TEXT(u->street_code), DB_INT(u->id))) != DB_OK)
		return STORE_ERR;
	/* Only the name's grams change (the credit code is fixed), but they are all rewritten:
	 * name_len is part of every row's key. */
	if (strcmp(old.name, u->name) == 0)
		return STORE_OK;
	gram_tally t = {0};
	if (grams_remove(c, u->id) != STORE_OK ||
	    grams_add(c, u->id, u->name, old.credit_code, &t) != STORE_OK) {
		free(t.slot);
		return STORE_ERR;
	}
	return tally_flush(c, &t);
}

store_rc store_unit_set_union(db_conn *c, int64_t unit_id, int64_t union_org_id)
{
	return db_exec(c, "UPDATE unit SET union_org_id = ?, has_union = ? WHERE id = ?",
		       DB_ARGS(union_org_id ? DB_INT(union_org_id) : DB_NULL,
			       DB_INT(union_org_id != 0), DB_INT(unit_id))) == DB_OK
		       ? STORE_OK
		       : STORE_ERR;
}

static void read_unit(db_rows *r, unit_row *u)
{
	u->id = db_int(r, 0);
	db_text_into(r, 1, u->name, sizeof(u->name));
	db_text_into(r, 2, u->credit_code, sizeof(u->credit_code));
	db_text_into(r, 3, u->district_code, sizeof(u->district_code));
	db_text_into(r, 4, u->street_code, sizeof(u->street_code));
	db_text_into(r, 5, u->address, sizeof(u->address));
	u->has_union = db_int(r, 6) != 0;
	u->union_org_id = db_int(r, 7);
}

static store_rc fetch_unit(db_conn *c, const char *sql, db_param key, unit_row *out)
{
	db_rows *r;
	if (db_query(c, &r, sql, &key, 1))
		return STORE_ERR;
	int rc = db_next(r);
	if (rc == DB_ROW)
		read_unit(r, out);
	db_done(r);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : STORE_ERR;
}

store_rc store_unit_get(db_conn *c, int64_t id, unit_row *out)
{
	return fetch_unit(c, "SELECT " UNIT_COLS " FROM unit u WHERE u.id = ?", DB_INT(id), out);
}

store_rc store_unit_by_code(db_conn *c, const char *credit_code, unit_row *out)
{
	return fetch_unit(c, "SELECT " UNIT_COLS " FROM unit u WHERE u.credit_code = ?",
			  DB_TEXT(credit_code), out);
}

/* The three runs, each as a count and a page, plain (worker search) and filtered (the back
 * office: region, 已建会 and the admin's scope). Parameters: the scope root (filtered only),
 * the gram, the check values, the filter values (filtered only), then LIMIT (and OFFSET).
 * Names are compared in lower case (ASCII folding, as the grams are). */
typedef struct run_sql {
	const char *count, *page;
} run_sql;

/* The organisations of a scope that can have units in their street or below them: the root
 * and the non-grassroots organisations under it (grassroots unions have no children), a few
 * dozen rows where the whole subtree of a district has tens of thousands; read off the index
 * org(parent_id, kind). The filter names sub as well: a condition on o alone lets SQLite (with
 * ANALYZE statistics) build a Bloom filter over the whole org table for the recursion. */
#define SCOPE_CTE                                                                                  \
	"WITH RECURSIVE sub(id, code) AS (SELECT id, code FROM org WHERE id = ? UNION ALL "        \
	"SELECT o.id, o.code FROM sub JOIN org o ON o.parent_id = sub.id "                         \
	"WHERE o.kind <> 'grassroots' OR sub.id < 0) "
/* Region, 已建会 and scope: a unit is in scope when its street's union is, or its own union
 * (which is the root itself or sits right below an organisation of sub). Root 0: everything. */
#define UNIT_FILTER                                                                                \
	" AND (? = '' OR u.district_code = ?) AND (? = '' OR u.street_code = ?) "                  \
	"AND (? < 0 OR u.has_union = ?) AND (? = 0 OR u.street_code IN (SELECT code FROM sub) "    \
	"OR EXISTS (SELECT 1 FROM org g2 WHERE g2.id = u.union_org_id AND "                        \
	"(g2.id IN (SELECT id FROM sub) OR g2.parent_id IN (SELECT id FROM sub)))) "
#define RUN_FROM " FROM unit_gram g JOIN unit u ON u.id = g.unit_id WHERE "
#define RUN_ORDER " ORDER BY g.name_len, g.unit_id LIMIT ? OFFSET ?"
#define RUN(where)                                                                                 \
	{"SELECT COUNT(*) FROM (SELECT 1" RUN_FROM where " LIMIT ?) t",                            \
	 "SELECT " UNIT_COLS RUN_FROM where RUN_ORDER}
#define RUN_FILTERED(where)                                                                        \
	{SCOPE_CTE "SELECT COUNT(*) FROM (SELECT 1" RUN_FROM where UNIT_FILTER " LIMIT ?) t",      \
	 SCOPE_CTE "SELECT " UNIT_COLS RUN_FROM where UNIT_FILTER RUN_ORDER}

#define PREFIX_WHERE                                                                               \
	"g.gram = ? AND g.kind = 0 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) = ?"
#define SUBSTRING_WHERE(instr)                                                                     \
	"g.gram = ? AND g.kind = 1 AND substr(lower(u.name), 1, CAST(? AS INTEGER)) <> ? AND " instr \
	"(lower(u.name), ?) > 0"
#define CODE_WHERE(instr)                                                                          \
	"g.gram = ? AND g.kind = 2 AND " instr "(lower(u.name), ?) = 0 AND " instr                 \
	"(u.credit_code, ?) > 0"

/* [filtered] */
static const run_sql prefix_sql[2] = {RUN(PREFIX_WHERE), RUN_FILTERED(PREFIX_WHERE)};

/* [filtered][dialect] */
static const run_sql substring_sql[2][2] = {
	{[DB_SQLITE] = RUN(SUBSTRING_WHERE("instr")), [DB_POSTGRES] = RUN(SUBSTRING_WHERE("strpos"))},
	{[DB_SQLITE] = RUN_FILTERED(SUBSTRING_WHERE("instr")),
	 [DB_POSTGRES] = RUN_FILTERED(SUBSTRING_WHERE("strpos"))},
};

static const run_sql code_sql[2][2] = {
	{[DB_SQLITE] = RUN(CODE_WHERE("instr")), [DB_POSTGRES] = RUN(CODE_WHERE("strpos"))},
	{[DB_SQLITE] = RUN_FILTERED(CODE_WHERE("instr")),
	 [DB_POSTGRES] = RUN_FILTERED(CODE_WHERE("strpos"))},
};

/* The back office's list without a keyword: newest first. */
static const run_sql list_sql = {
	SCOPE_CTE "SELECT COUNT(*) FROM (SELECT 1 FROM unit u WHERE 1 = 1" UNIT_FILTER " LIMIT ?) t",
	SCOPE_CTE "SELECT " UNIT_COLS " FROM unit u WHERE 1 = 1" UNIT_FILTER
		  "ORDER BY u.id DESC LIMIT ? OFFSET ?",
};

typedef struct run {
	const run_sql *sql;
	db_param p[16]; /* [root,] gram and checks[, filter values]; LIMIT/OFFSET are appended */
	int np;
} run;

/* A run's parameters: the scope root before the run's own, the filter's values after. */
static run make_run(const run_sql *sql, const unit_filter *f, const db_param *own, int nown)
{
	run rn = {.sql = sql};
	if (f)
		rn.p[rn.np++] = DB_INT(f->scope_root);
	for (int i = 0; i < nown; i++)
		rn.p[rn.np++] = own[i];
	if (f) {
		const char *d = f->district_code ? f->district_code : "";
		const char *s = f->street_code ? f->street_code : "";
		db_param fp[] = {DB_TEXT(d),	       DB_TEXT(d),	      DB_TEXT(s),
				 DB_TEXT(s),	       DB_INT(f->has_union), DB_INT(f->has_union),
				 DB_INT(f->scope_root)};
		for (size_t i = 0; i < sizeof(fp) / sizeof(fp[0]); i++)
			rn.p[rn.np++] = fp[i];
	}
	return rn;
}

static int64_t run_count(db_conn *c, const run *rn)
{
	db_param p[18];
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
	db_param p[18];
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

/* Runs are disjoint (prefixes, other substrings, code-only matches), so a page is the
 * concatenation of their ranked lists with offset applied across them. */
static store_rc run_all(db_conn *c, const run *runs, int nruns, int offset, int limit,
			unit_page *out)
{
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

store_rc store_unit_search_filtered(db_conn *c, const char *q, const unit_filter *f, int offset,
				    int limit, unit_page *out)
{
	if (!q) {
		static const unit_filter all = {.has_union = -1};
		run rn = make_run(&list_sql, f ? f : &all, NULL, 0);
		return run_all(c, &rn, 1, offset, limit, out);
	}
	db_kind k = db_conn_dialect(c);
	int chars = utf8_chars(q), nruns = 0, fi = f != NULL;
	char prefix[GRAM_MAX_BYTES * 2], pair[GRAM_MAX_BYTES], code[64], code_gram[8];
	run runs[3];
	domain_utf8_sub(q, 0, chars < 4 ? chars : 4, prefix, sizeof(prefix));
	runs[nruns++] = make_run(&prefix_sql[fi], f,
				 (db_param[]){DB_TEXT(prefix), DB_INT(chars), DB_TEXT(q)}, 3);
	if (chars == 1)
		snprintf(pair, sizeof(pair), "%s", q);
	else
		rarest_pair(c, q, chars, pair, sizeof(pair));
	runs[nruns++] = make_run(&substring_sql[fi][k], f,
				 (db_param[]){DB_TEXT(pair), DB_INT(chars), DB_TEXT(q), DB_TEXT(q)},
				 4);
	if (chars >= 4 && chars <= 18 && code_like(q)) {
		snprintf(code, sizeof(code), "%s", q);
		for (char *p = code; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		snprintf(code_gram, sizeof(code_gram), "%.4s", code);
		db_param own[] = {DB_TEXT(code_gram), DB_TEXT(q), DB_TEXT(code)};
		runs[nruns++] = make_run(&code_sql[fi][k], f, own, 3);
	}
	return run_all(c, runs, nruns, offset, limit, out);
}

store_rc store_unit_search(db_conn *c, const char *q, int offset, int limit, unit_page *out)
{
	return store_unit_search_filtered(c, q, NULL, offset, limit, out);
}

store_rc store_unit_within(db_conn *c, const unit_row *u, int64_t root, bool *within)
{
	/* Up from the street's union and from the unit's own union: is root on either path? */
	db_rows *r;
	*within = false;
	if (db_query(c, &r,
		     "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM org "
		     "WHERE code = ? OR id = ? UNION SELECT o.id, o.parent_id FROM org o "
		     "JOIN up ON o.id = up.parent_id) SELECT 1 FROM up WHERE id = ?",
		     DB_ARGS(DB_TEXT(u->street_code), DB_INT(u->union_org_id), DB_INT(root))))
		return STORE_ERR;
	int rc = db_next(r);
	*within = rc == DB_ROW;
	db_done(r);
	return rc == DB_ERR ? STORE_ERR : STORE_OK;
}
