/* bulk.c — the bulk data generator behind `gonghui bulk` (SPEC §8). Rows are generated in
 * chunks, buffered per table and written parents first: on SQLite as multi-row INSERTs with
 * bound parameters, on PostgreSQL as one INSERT … SELECT FROM unnest(arrays) per table and
 * chunk (the driver binds at most 64 parameters per statement). Each statement text is built
 * once into a static pool, since both drivers cache prepared statements by the SQL's address.
 * The search grams (~45 per unit) are collected, sorted and appended in primary-key order
 * after the units, with unit_gram's secondary index rebuilt once at the end. */
#include "seed/bulk.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/application.h"
#include "domain/creditcode.h"
#include "domain/grams.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "security/crypto.h"
#include "security/password.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/clock.h"

/* ---- deterministic randomness (xorshift64*, as the other generators) ---- */

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static long pick(unsigned long long *s, long n)
{
	return n > 0 ? (long)(next_rand(s) % (unsigned long long)n) : 0;
}

static int64_t between(unsigned long long *s, int64_t lo, int64_t hi)
{
	return hi > lo ? lo + (int64_t)(next_rand(s) % (unsigned long long)(hi - lo)) : lo;
}

#define COUNT(a) ((long)(sizeof(a) / sizeof((a)[0])))

/* ---- tables and their statements ---- */

enum { LADDER = 4, PG_BLOCK = 20000, MAX_COLS = 16 };
/* SQLite statement sizes in rows: a chunk is written 256 rows at a time and its remainder
 * with the smaller sizes, so no statement text is ever built for a one-off row count. */
static const int ladder[LADDER] = {256, 32, 4, 1};

typedef enum {
	T_ORG,
	T_UNIT,
	T_GRAM,
	T_WORKER,
	T_APP,
	T_MEMBERSHIP,
	T_MEMBERSHIP_EVENT,
	T_APP_EVENT,
	T_COUNT,
} table_id;

typedef struct table_spec {
	const char *name, *columns;
	const char *types; /* one letter per column: i integer, t text, b blob */
	bool has_id;       /* an id column whose sequence is reset afterwards on PostgreSQL */
	/* Built once into sql_pool. */
	int ncols;
	const char *sqlite[LADDER], *pg, *max_id, *setval;
} table_spec;

static table_spec tables[T_COUNT] = {
	[T_ORG] = {"org", "id, code, name, kind, parent_id, region_code, created_at", "itttiti",
		   true},
	[T_UNIT] = {"unit",
		    "id, name, credit_code, district_code, street_code, address, has_union, "
		    "union_org_id, created_at",
		    "itttttiii", true},
	[T_GRAM] = {"unit_gram", "gram, kind, name_len, unit_id", "tiii", false},
	[T_WORKER] = {"worker",
		      "id, phone, name, id_cipher, id_index, id_masked, gender, birth_date, "
		      "password_hash, created_at, updated_at",
		      "ittbbtittii", true},
	[T_APP] = {"application",
		   "id, ref, worker_id, kind, status, open_kind, org_id, data, request_id, reason, "
		   "version, created_at, updated_at, submitted_at, decided_at",
		   "ititttitttiiiii", true},
	[T_MEMBERSHIP] = {"membership",
			  "id, worker_id, member_no, org_id, unit_id, status, joined_at, "
			  "is_current, created_at, updated_at",
			  "iitiitiiii", true},
	[T_MEMBERSHIP_EVENT] = {"membership_event",
				"id, membership_id, at, status, org_id, unit_id, application_ref, "
				"note",
				"iiitiitt", true},
	[T_APP_EVENT] = {"application_event",
			 "id, application_id, at, actor_kind, actor_id, actor_name, action, "
			 "to_status, note",
			 "iiititttt", true},
};

static char sql_pool[1 << 18];
static size_t sql_used;

/* Copies text into the pool; the pool is never reused, so the address stays unique. */
static const char *pool_keep(const buf *b)
{
	if (sql_used + b->len + 1 > sizeof(sql_pool)) {
		fprintf(stderr, "bulk: statement pool exhausted\n");
		abort();
	}
	char *p = memcpy(sql_pool + sql_used, b->data, b->len + 1);
	sql_used += b->len + 1;
	return p;
}

static void build_statements(void)
{
	static bool built;
	if (built)
		return;
	built = true;
	for (int t = 0; t < T_COUNT; t++) {
		table_spec *s = &tables[t];
		s->ncols = (int)strlen(s->types);
		int commas = 0;
		for (const char *p = s->columns; *p; p++)
			commas += *p == ',';
		if (commas + 1 != s->ncols || s->ncols > MAX_COLS) {
			fprintf(stderr, "bulk: %s: columns and types disagree\n", s->name);
			abort();
		}
		buf b = {0};
		for (int l = 0; l < LADDER; l++) {
			b.len = 0;
			buf_printf(&b, "INSERT INTO %s (%s) VALUES ", s->name, s->columns);
			for (int r = 0; r < ladder[l]; r++) {
				buf_puts(&b, r ? ",(" : "(");
				for (int c = 0; c < s->ncols; c++)
					buf_puts(&b, c ? ",?" : "?");
				buf_puts(&b, ")");
			}
			s->sqlite[l] = pool_keep(&b);
		}
		/* Integers and blobs travel as text arrays: bigint[] and hex strings. */
		b.len = 0;
		buf_printf(&b, "INSERT INTO %s (%s) SELECT ", s->name, s->columns);
		for (int c = 0; c < s->ncols; c++)
			buf_printf(&b, s->types[c] == 'b' ? "%sdecode(c%d, 'hex')" : "%sc%d",
				   c ? ", " : "", c);
		buf_puts(&b, " FROM unnest(");
		for (int c = 0; c < s->ncols; c++)
			buf_printf(&b, "%s?::%s", c ? ", " : "",
				   s->types[c] == 'i' ? "bigint[]" : "text[]");
		buf_puts(&b, ") AS t(");
		for (int c = 0; c < s->ncols; c++)
			buf_printf(&b, "%sc%d", c ? ", " : "", c);
		buf_puts(&b, ")");
		s->pg = pool_keep(&b);
		if (s->has_id) {
			b.len = 0;
			buf_printf(&b, "SELECT COALESCE(MAX(id), 0) FROM %s", s->name);
			s->max_id = pool_keep(&b);
			b.len = 0;
			buf_printf(&b,
				   "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
				   "(SELECT MAX(id) FROM %s))",
				   s->name, s->name);
			s->setval = pool_keep(&b);
		}
		buf_free(&b);
	}
}

/* ---- buffered rows of one table ---- */

typedef enum { CELL_NULL, CELL_INT, CELL_TEXT, CELL_BLOB } cell_kind;

typedef struct cell {
	int64_t v; /* the integer, or the offset of text and blobs in rows.bytes */
	uint32_t len;
	uint8_t kind;
} cell;

typedef struct rows {
	table_spec *t;
	cell *cells;
	size_t n, cap; /* cells, ncols per row */
	buf bytes;
	long total; /* rows written this run */
} rows;

static cell *next_cell(rows *r, char type)
{
	if (r->t->types[r->n % (size_t)r->t->ncols] != type) {
		fprintf(stderr, "bulk: %s: column %zu given the wrong type\n", r->t->name,
			r->n % (size_t)r->t->ncols);
		abort();
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->cells = xrealloc(r->cells, r->cap * sizeof(cell));
	}
	return &r->cells[r->n++];
}

static void put_int(rows *r, int64_t v)
{
	*next_cell(r, 'i') = (cell){v, 0, CELL_INT};
}

/* 0 is stored as NULL: the optional references and times. */
static void put_int_or_null(rows *r, int64_t v)
{
	*next_cell(r, 'i') = (cell){v, 0, v ? CELL_INT : CELL_NULL};
}

static void put_bytes(rows *r, char type, const void *p, size_t n)
{
	cell *c = next_cell(r, type);
	*c = (cell){(int64_t)r->bytes.len, (uint32_t)n, type == 'b' ? CELL_BLOB : CELL_TEXT};
	buf_append(&r->bytes, p, n);
}

static void put_text(rows *r, const char *s)
{
	if (s)
		put_bytes(r, 't', s, strlen(s));
	else
		*next_cell(r, 't') = (cell){0, 0, CELL_NULL};
}

static void put_blob(rows *r, const void *p, size_t n)
{
	put_bytes(r, 'b', p, n);
}

/* ---- the generator's state ---- */

typedef struct street {
	const region_row *region, *district;
	int64_t org_id;
	int roads; /* index into district_roads */
} street;

typedef struct unit_ref {
	int64_t id, route_org; /* the unit's union, or its street's */
	int street;
} unit_ref;

/* How workers, memberships and applications relate (SPEC §4, §6): a member joined through a
 * completed join application or came from the old register (none); a worker without a
 * membership has one open application; rejected ones come before either. Worker 0 is the
 * bench login with about ten applications. */
typedef struct people {
	long members, nonmembers, workers;
	long first_apps, completed, rejected, applicants;
} people;

/* The search grams of the generated units, kept until every unit is written and then
 * written in primary-key order: (gram, kind, name_len, unit_id) as one 64-bit key each. */
typedef struct gram_set {
	char (*text)[GRAM_MAX_BYTES]; /* distinct grams, in first-seen order */
	uint32_t n, cap;
	uint32_t *slot; /* open addressing over text: index + 1, 0 free */
	size_t nslot;
	uint64_t *keys; /* gram index << 32 | kind << 30 | name_len << 22 | unit_id - first_unit */
	size_t nkeys, capkeys;
	int64_t first_unit;
} gram_set;

typedef struct bulk {
	db_conn *c;
	db_kind kind;
	unsigned long long rng;
	int64_t now;
	region_row *regions;
	street *streets;
	int nregions, nstreets;
	int64_t next_id[T_COUNT];
	rows rows[T_COUNT];
	db_param *params;
	buf cols[MAX_COLS];
	gram_list *grams;
	gram_set gs;
	char password_hash[PASSWORD_HASH_LEN];
	unit_ref *units;
	long nunits;
	people plan;
	char bench_phone[12];
	struct timespec started;
} bulk;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static db_param cell_param(const rows *r, size_t i)
{
	const cell *c = &r->cells[i];
	switch (c->kind) {
	case CELL_INT:
		return DB_INT(c->v);
	case CELL_TEXT:
		return (db_param){DB_P_TEXT, 0, r->bytes.data + c->v, c->len};
	case CELL_BLOB:
		return DB_BLOB(r->bytes.data + c->v, c->len);
	default:
		return DB_NULL;
	}
}

static int flush_sqlite(bulk *b, rows *r)
{
	size_t ncols = (size_t)r->t->ncols, nrows = r->n / ncols, at = 0;
	for (int l = 0; l < LADDER; l++) {
		size_t k = (size_t)ladder[l];
		for (; nrows - at >= k; at += k) {
			for (size_t j = 0; j < k * ncols; j++)
				b->params[j] = cell_param(r, at * ncols + j);
			if (db_exec(b->c, r->t->sqlite[l], b->params, (int)(k * ncols)) != DB_OK)
				return -1;
		}
	}
	return 0;
}

/* One array literal element: integers bare, text quoted, blobs as bare hex. */
static void array_element(buf *out, const rows *r, const cell *c)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = r->bytes.data + c->v;
	switch (c->kind) {
	case CELL_INT:
		buf_printf(out, "%lld", (long long)c->v);
		break;
	case CELL_TEXT: {
		buf_append(out, "\"", 1);
		size_t start = 0;
		for (size_t i = 0; i < c->len; i++)
			if (p[i] == '"' || p[i] == '\\') {
				buf_append(out, p + start, i - start);
				buf_append(out, "\\", 1);
				start = i;
			}
		buf_append(out, p + start, c->len - start);
		buf_append(out, "\"", 1);
		break;
	}
	case CELL_BLOB:
		for (size_t i = 0; i < c->len; i++) {
			char two[2] = {hex[(unsigned char)p[i] >> 4], hex[(unsigned char)p[i] & 15]};
			buf_append(out, two, 2);
		}
		break;
	default:
		buf_puts(out, "NULL");
	}
}

static int flush_pg(bulk *b, rows *r)
{
	size_t ncols = (size_t)r->t->ncols, nrows = r->n / ncols;
	for (size_t at = 0; at < nrows; at += PG_BLOCK) {
		size_t end = at + PG_BLOCK < nrows ? at + PG_BLOCK : nrows;
		for (size_t col = 0; col < ncols; col++) {
			buf *out = &b->cols[col];
			out->len = 0;
			buf_append(out, "{", 1);
			for (size_t row = at; row < end; row++) {
				if (row > at)
					buf_append(out, ",", 1);
				array_element(out, r, &r->cells[row * ncols + col]);
			}
			buf_append(out, "}", 1);
			b->params[col] = (db_param){DB_P_TEXT, 0, out->data, out->len};
		}
		if (db_exec(b->c, r->t->pg, b->params, (int)ncols) != DB_OK)
			return -1;
	}
	return 0;
}

/* Writes the buffered rows of the tables in order (parents first) and empties them. */
static int flush(bulk *b, const table_id *order, int n)
{
	for (int i = 0; i < n; i++) {
		rows *r = &b->rows[order[i]];
		if (r->n == 0)
			continue;
		int rc = b->kind == DB_SQLITE ? flush_sqlite(b, r) : flush_pg(b, r);
		if (rc) {
			fprintf(stderr, "bulk: writing %s failed\n", r->t->name);
			return -1;
		}
		r->total += (long)(r->n / (size_t)r->t->ncols);
		r->n = 0;
		r->bytes.len = 0;
	}
	return 0;
}

static void progress(bulk *b, const char *what, long done, long total, double t0)
{
	double t = seconds_since(&b->started);
	fprintf(stderr, "bulk: %s %ld/%ld (%.0f/s, %.1f s)\n", what, done, total,
		t > t0 ? (double)done / (t - t0) : 0.0, t);
}

static int64_t query_int(db_conn *c, const char *sql)
{
	db_rows *r;
	int64_t v = -1;
	if (db_query(c, &r, sql, NULL, 0) != DB_OK)
		return -1;
	if (db_next(r) == DB_ROW)
		v = db_int(r, 0);
	db_done(r);
	return v;
}

/* ---- reference data: streets, their unions, the roads of each district ---- */

static const struct {
	const char *district;
	const char *roads[8];
} district_roads[] = {
	{"350203", {"湖滨南路", "厦禾路", "莲前西路", "鹭江道", "思明南路", "环岛南路", "嘉禾路", "禾祥西路"}},
	{"350205", {"海沧大道", "沧林路", "新阳路", "角嵩路", "马青路", "钟林路", "兴港路", "海景路"}},
	{"350206", {"湖里大道", "枋湖路", "金尚路", "火炬北路", "殿前路", "五缘湾道", "安岭路", "县后路"}},
	{"350211", {"集美大道", "杏林湾路", "乐安北路", "银江路", "后溪路", "灌口中路", "侨英路", "石鼓路"}},
	{"350212", {"银湖中路", "环城南路", "西柯街", "同集中路", "城南路", "大同路", "五显路", "洪塘路"}},
	{"350213", {"翔安南路", "新店路", "舫山路", "民安大道", "内厝路", "新圩路", "翔安北路", "马巷路"}},
};

static int roads_of(const char *district)
{
	for (int i = 0; i < COUNT(district_roads); i++)
		if (strcmp(district_roads[i].district, district) == 0)
			return i;
	return 0;
}

static const region_row *region_by_code(const bulk *b, const char *code)
{
	for (int i = 0; i < b->nregions; i++)
		if (strcmp(b->regions[i].code, code) == 0)
			return &b->regions[i];
	return NULL;
}

static int load_streets(bulk *b)
{
	enum { MAX_REGIONS = 1024 };
	b->regions = xcalloc(MAX_REGIONS, sizeof(region_row));
	b->streets = xcalloc(MAX_REGIONS, sizeof(street));
	if (store_regions_list(b->c, b->regions, MAX_REGIONS, &b->nregions) != STORE_OK)
		return -1;
	for (int i = 0; i < b->nregions; i++) {
		const region_row *g = &b->regions[i];
		if (strcmp(g->kind, "city") == 0 || strcmp(g->kind, "district") == 0)
			continue;
		org_row o;
		const region_row *d = region_by_code(b, g->parent_code);
		if (!d || store_org_by_code(b->c, g->code, &o) != STORE_OK)
			return -1;
		b->streets[b->nstreets++] = (street){g, d, o.id, roads_of(d->code)};
	}
	return b->nstreets > 0 ? 0 : -1;
}

/* ---- search grams in primary-key order ---- */

enum { GRAM_UNIT_BITS = 22, GRAM_LEN_MAX = 255 };

static size_t gram_hash(const char *text)
{
	size_t h = 14695981039346656037ULL; /* FNV-1a */
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static uint32_t gram_intern(gram_set *g, const char *text)
{
	if ((size_t)g->n * 2 >= g->nslot) {
		size_t nslot = g->nslot ? g->nslot * 2 : 1 << 16;
		free(g->slot);
		g->slot = xcalloc(nslot, sizeof(uint32_t));
		g->nslot = nslot;
		for (uint32_t i = 0; i < g->n; i++) {
			size_t h = gram_hash(g->text[i]);
			while (g->slot[h % nslot])
				h++;
			g->slot[h % nslot] = i + 1;
		}
	}
	size_t h = gram_hash(text);
	for (;; h++) {
		uint32_t at = g->slot[h % g->nslot];
		if (!at)
			break;
		if (strcmp(g->text[at - 1], text) == 0)
			return at - 1;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1 << 16;
		g->text = xrealloc(g->text, (size_t)g->cap * GRAM_MAX_BYTES);
	}
	snprintf(g->text[g->n], GRAM_MAX_BYTES, "%s", text);
	g->slot[h % g->nslot] = g->n + 1;
	return g->n++;
}

static void gram_key_add(gram_set *g, const char *text, int kind, int name_len, int64_t unit)
{
	if (name_len > GRAM_LEN_MAX || unit - g->first_unit >= 1 << GRAM_UNIT_BITS) {
		fprintf(stderr, "bulk: a unit name or id outside the gram key\n");
		abort();
	}
	if (g->nkeys == g->capkeys) {
		g->capkeys = g->capkeys ? g->capkeys * 2 : 1 << 20;
		g->keys = xrealloc(g->keys, g->capkeys * sizeof(uint64_t));
	}
	g->keys[g->nkeys++] = (uint64_t)gram_intern(g, text) << 32 | (uint64_t)kind << 30 |
			      (uint64_t)name_len << GRAM_UNIT_BITS |
			      (uint64_t)(unit - g->first_unit);
}

static int by_text(const void *a, const void *b, void *arg)
{
	const gram_set *g = arg;
	return strcmp(g->text[*(const uint32_t *)a], g->text[*(const uint32_t *)b]);
}

/* LSD radix sort, one byte at a time; bytes that are the same in every key are skipped. */
static void radix_sort(uint64_t *a, size_t n)
{
	uint64_t *tmp = xmalloc(n * sizeof(uint64_t)), *from = a, *to = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = {0};
		for (size_t i = 0; i < n; i++)
			count[from[i] >> shift & 255]++;
		if (n == 0 || count[from[0] >> shift & 255] == n)
			continue;
		for (size_t i = 0, sum = 0; i < 256; i++) {
			size_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[from[i] >> shift & 255]++] = from[i];
		uint64_t *swap = from;
		from = to;
		to = swap;
	}
	if (from != a)
		memcpy(a, from, n * sizeof(uint64_t));
	free(tmp);
}

/* Replaces each key's gram index by the gram's rank in byte order (BINARY collation on
 * SQLite, C/C.UTF-8 on PostgreSQL) and sorts: the keys are then in primary-key order.
 * Returns the grams in that order (indexes into g->text). */
static uint32_t *gram_sort(gram_set *g)
{
	uint32_t *order = xmalloc(((size_t)g->n + 1) * sizeof(uint32_t));
	uint32_t *rank = xmalloc(((size_t)g->n + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		order[i] = i;
	qsort_r(order, g->n, sizeof(uint32_t), by_text, g);
	for (uint32_t i = 0; i < g->n; i++)
		rank[order[i]] = i;
	for (size_t i = 0; i < g->nkeys; i++)
		g->keys[i] = (uint64_t)rank[g->keys[i] >> 32] << 32 | (g->keys[i] & 0xffffffffu);
	free(rank);
	radix_sort(g->keys, g->nkeys);
	return order;
}

/* ---- units (工作单位) ---- */

static const char *const unit_heads[] = {
	"鹭岛", "嘉庚", "海沧", "同安", "翔安", "集美", "思明", "湖里", "白鹭", "鼓浪", "筼筜",
	"五缘", "金砖", "闽南", "海西", "东渡", "象屿", "天马", "凤凰", "万翔", "瑞景", "宏发",
	"恒信", "联发", "建发", "国贸", "夏商", "特房", "路桥", "信达", "明达", "华强", "新阳",
	"杏林", "灌口", "马巷", "新店", "大嶝", "莲花", "坂头"};
/* Characters of trade names (字号), two or three of them per name. */
static const char *const unit_chars[] = {
	"鑫", "盛", "华", "泰", "恒", "达", "源", "嘉", "瑞", "祥", "宏", "隆", "昌", "兴", "旺",
	"福", "德", "信", "诚", "安", "康", "顺", "丰", "正", "明", "辉", "博", "睿", "智", "创",
	"新", "科", "联", "合", "和", "美", "佳", "优", "益", "荣", "通", "汇", "金", "银", "海",
	"港", "鹭", "禾", "闽", "东", "南", "西", "北", "中", "天", "星", "宇", "卓", "越", "凯",
	"伟", "鸿", "鹏", "龙", "凤", "翔", "腾", "飞", "云", "帆", "航", "远", "广", "大", "宝",
	"永", "长", "万", "千", "元", "亿", "开", "启", "晟", "璟", "铭", "峰", "林", "森", "禧",
	"朗", "悦", "欣", "承", "致", "尚", "品", "立", "精", "雅", "骏", "豪", "升", "发", "茂",
	"晖", "辰", "宸", "煜", "锦", "润", "澜", "湾", "屿", "宁"};
static const char *const unit_trades[] = {
	"科技", "贸易", "物流", "建设工程", "电子", "食品", "服装", "软件", "餐饮管理", "医疗器械",
	"文化传媒", "新能源", "港口服务", "物业管理", "机械制造", "网络科技", "信息技术",
	"装饰工程", "汽车销售", "家政服务", "人力资源", "酒店管理", "茶业", "水产", "包装材料",
	"光电", "生物科技", "教育咨询", "环保科技", "外卖配送", "供应链管理", "进出口", "建材",
	"五金", "印刷", "广告", "投资管理", "房地产开发", "园林绿化", "电梯工程", "智能科技",
	"数据服务", "医药", "健康管理", "体育发展", "旅游", "航运", "石材", "鞋业", "纺织",
	"塑胶", "模具", "精密机械", "照明", "新材料", "电气", "检测技术", "会展服务", "保安服务",
	"劳务派遣"};
static const char *const unit_tails[] = {"有限公司", "有限公司", "有限公司", "股份有限公司",
					 "集团有限公司", "有限责任公司", "合伙企业（有限合伙）"};
static const char *const shop_tails[] = {"商行", "经营部", "店", "工作室", "批发部"};

static void trade_name(bulk *b, char *out, size_t cap)
{
	if (pick(&b->rng, 4) == 0) {
		snprintf(out, cap, "%s", unit_heads[pick(&b->rng, COUNT(unit_heads))]);
		return;
	}
	int n = pick(&b->rng, 5) == 0 ? 3 : 2;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		strncat(out, unit_chars[pick(&b->rng, COUNT(unit_chars))], cap - strlen(out) - 1);
}

/* A name in one of the usual shapes; sets the credit code's registration kind. */
static void unit_name(bulk *b, const street *s, char *out, size_t cap, const char **kind)
{
	char brand[32];
	const char *trade = unit_trades[pick(&b->rng, COUNT(unit_trades))];
	const char *tail = unit_tails[pick(&b->rng, COUNT(unit_tails))];
	trade_name(b, brand, sizeof(brand));
	long form = pick(&b->rng, 100);
	*kind = "91"; /* enterprise */
	if (form < 58)
		snprintf(out, cap, "厦门%s%s%s", brand, trade, tail);
	else if (form < 70)
		snprintf(out, cap, "%s（厦门）%s%s", brand, trade, tail);
	else if (form < 78)
		snprintf(out, cap, "福建%s%s%s", brand, trade, tail);
	else if (form < 84) /* a branch, named after its district: 思明分公司 */
		snprintf(out, cap, "厦门%s%s有限公司%.6s分公司", brand, trade, s->district->name);
	else if (form < 96) {
		snprintf(out, cap, "厦门市%s%s%s%s", s->district->name, brand, trade,
			 shop_tails[pick(&b->rng, COUNT(shop_tails))]);
		*kind = "92"; /* individual business */
	} else {
		snprintf(out, cap, "厦门市%s%s协会", brand, trade);
		*kind = "51"; /* social organisation */
	}
}

/* 9 characters from the unit id (a bijection modulo 31^9), so codes never repeat. */
static void credit_code(int64_t id, const char *kind, const char *district, char out[19])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const unsigned long long space = 26439622160671ULL; /* 31^9 */
	unsigned long long v = ((unsigned long long)id * 1000000007ULL) % space;
	memcpy(out, kind, 2);
	memcpy(out + 2, district, 6);
	for (int k = 16; k >= 8; k--, v /= 31)
		out[k] = alphabet[v % 31];
	out[17] = domain_credit_code_check_char(out);
	out[18] = '\0';
}

static void add_unit(bulk *b)
{
	const street *s = &b->streets[pick(&b->rng, b->nstreets)];
	int64_t id = b->next_id[T_UNIT]++, union_id = 0;
	char name[256], code[19], address[256];
	const char *kind;
	unit_name(b, s, name, sizeof(name), &kind);
	credit_code(id, kind, s->district->code, code);
	const char *road = district_roads[s->roads].roads[pick(&b->rng, 8)];
	if (pick(&b->rng, 3))
		snprintf(address, sizeof(address), "厦门市%s%s%ld号", s->district->name, road,
			 1 + pick(&b->rng, 999));
	else
		snprintf(address, sizeof(address), "厦门市%s%s%ld号%ld室", s->district->name, road,
			 1 + pick(&b->rng, 999), 101 + pick(&b->rng, 20) * 100 + pick(&b->rng, 10));
	/* About 40% have a grassroots union, individual businesses rarely. */
	bool has_union = strcmp(kind, "92") == 0 ? pick(&b->rng, 20) == 0 : pick(&b->rng, 100) < 45;
	if (has_union) {
		rows *o = &b->rows[T_ORG];
		char ocode[24], oname[300];
		union_id = b->next_id[T_ORG]++;
		snprintf(ocode, sizeof(ocode), "U%s", code);
		snprintf(oname, sizeof(oname), "%s工会", name);
		put_int(o, union_id);
		put_text(o, ocode);
		put_text(o, oname);
		put_text(o, "grassroots");
		put_int(o, s->org_id);
		put_text(o, s->region->code);
		put_int(o, b->now);
	}
	rows *u = &b->rows[T_UNIT];
	put_int(u, id);
	put_text(u, name);
	put_text(u, code);
	put_text(u, s->district->code);
	put_text(u, s->region->code);
	put_text(u, address);
	put_int(u, has_union);
	put_int_or_null(u, union_id);
	put_int(u, b->now);
	domain_unit_grams(name, code, b->grams);
	for (int i = 0; i < b->grams->n; i++)
		gram_key_add(&b->gs, b->grams->gram[i], b->grams->kind[i], b->grams->name_chars,
			     id);
}

/* The units every membership and application may point at, with their reviewing union. */
static int load_units(bulk *b)
{
	int64_t n = query_int(b->c, "SELECT COUNT(*) FROM unit");
	if (n < 0)
		return -1;
	b->units = xcalloc((size_t)n + 1, sizeof(unit_ref));
	db_rows *r;
	if (db_query(b->c, &r, "SELECT id, COALESCE(union_org_id, 0), street_code FROM unit", NULL,
		     0) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && b->nunits < n) {
		const char *code = db_text(r, 2);
		int s = 0;
		while (s < b->nstreets && strcmp(b->streets[s].region->code, code) != 0)
			s++;
		if (s == b->nstreets)
			continue; /* a street that is no longer in the region table */
		int64_t union_id = db_int(r, 1);
		b->units[b->nunits++] =
			(unit_ref){db_int(r, 0), union_id ? union_id : b->streets[s].org_id, s};
	}
	db_done(r);
	return rc == DB_ERR ? -1 : 0;
}

enum { MAX_DEFERRED = 8, GRAM_FLUSH = 1 << 16 };

/* What is set aside while unit_gram is loaded, read from the catalogue: its secondary indexes
 * (not the primary key, whose order the input follows) and, on PostgreSQL, its foreign keys,
 * whose per-row trigger would cost more than the insert itself. */
typedef struct deferred {
	char *drop[MAX_DEFERRED], *create[MAX_DEFERRED];
	int n;
} deferred;

static int gram_deferred(bulk *b, deferred *out)
{
	static const char *const sql[2] = {
		[DB_SQLITE] = "SELECT 'DROP INDEX \"' || name || '\"', sql FROM sqlite_master "
			      "WHERE type = 'index' AND tbl_name = 'unit_gram' AND sql IS NOT NULL",
		[DB_POSTGRES] =
			"SELECT 'ALTER TABLE unit_gram DROP CONSTRAINT \"' || conname || '\"', "
			"'ALTER TABLE unit_gram ADD CONSTRAINT \"' || conname || '\" ' || "
			"pg_get_constraintdef(oid) FROM pg_constraint WHERE "
			"conrelid = 'unit_gram'::regclass AND contype = 'f' UNION ALL "
			"SELECT 'DROP INDEX \"' || indexname || '\"', indexdef FROM pg_indexes WHERE "
			"schemaname = current_schema() AND tablename = 'unit_gram' AND "
			"indexname NOT IN (SELECT conname FROM pg_constraint WHERE "
			"conrelid = 'unit_gram'::regclass)",
	};
	db_rows *r;
	if (db_query(b->c, &r, sql[b->kind], NULL, 0) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == DB_ROW && out->n < MAX_DEFERRED) {
		out->drop[out->n] = xstrdup(db_text(r, 0));
		out->create[out->n++] = xstrdup(db_text(r, 1));
	}
	db_done(r);
	return rc == DB_ERR ? -1 : 0;
}

/* Writes the collected grams in primary-key order in one transaction, with unit_gram's
 * secondary indexes (and PostgreSQL foreign keys) dropped meanwhile and built again by one
 * sort (one join) each before the commit: appending in key order instead of inserting at
 * random keeps tens of millions of rows cheap, and a failure leaves everything as it was.
 * The DDL, built at run time, goes through db_exec_script, which caches no statement. */
static int write_grams(bulk *b)
{
	gram_set *g = &b->gs;
	double t0 = seconds_since(&b->started);
	uint32_t *order = gram_sort(g);
	fprintf(stderr, "bulk: %zu grams (%u distinct) sorted in %.1f s\n", g->nkeys, g->n,
		seconds_since(&b->started) - t0);
	deferred set = {0};
	int rc = db_begin(b->c, true) == DB_OK && db_lock(b->c, "gonghui.bulk") == DB_OK &&
			 gram_deferred(b, &set) == 0
		 ? 0
		 : -1;
	for (int i = 0; rc == 0 && i < set.n; i++)
		rc = db_exec_script(b->c, set.drop[i]) == DB_OK ? 0 : -1;
	rows *r = &b->rows[T_GRAM];
	for (size_t i = 0; rc == 0 && i < g->nkeys; i++) {
		uint64_t k = g->keys[i];
		put_text(r, g->text[order[k >> 32]]);
		put_int(r, (int64_t)(k >> 30 & 3));
		put_int(r, (int64_t)(k >> GRAM_UNIT_BITS & GRAM_LEN_MAX));
		put_int(r, g->first_unit + (int64_t)(k & ((1 << GRAM_UNIT_BITS) - 1)));
		if ((i + 1) % GRAM_FLUSH == 0 || i + 1 == g->nkeys) {
			static const table_id gram_only[] = {T_GRAM};
			rc = flush(b, gram_only, 1);
			if ((i + 1) % (GRAM_FLUSH * 64) == 0 || i + 1 == g->nkeys)
				progress(b, "grams", (long)i + 1, (long)g->nkeys, t0);
		}
	}
	/* The keys are written: give their memory back before the index sorts need it. */
	free(order);
	free(g->keys);
	free(g->text);
	free(g->slot);
	*g = (gram_set){.first_unit = g->first_unit};
	for (int i = 0; rc == 0 && i < set.n; i++) {
		double t1 = seconds_since(&b->started);
		rc = db_exec_script(b->c, set.create[i]) == DB_OK ? 0 : -1;
		fprintf(stderr, "bulk: %s (%.1f s)\n", set.create[i], seconds_since(&b->started) - t1);
	}
	/* The per-gram counts that search uses to pick a query's rarest pair, recounted whole. */
	if (rc == 0)
		rc = db_exec_script(b->c, "DELETE FROM unit_gram_count; "
					  "INSERT INTO unit_gram_count (gram, kind, n) "
					  "SELECT gram, kind, COUNT(*) FROM unit_gram GROUP BY gram, kind") ==
			     DB_OK
			     ? 0
			     : -1;
	if (rc == 0)
		rc = db_commit(b->c) == DB_OK ? 0 : -1;
	else
		db_rollback(b->c);
	for (int i = 0; i < set.n; i++) {
		free(set.drop[i]);
		free(set.create[i]);
	}
	return rc;
}

/* ---- workers (职工), memberships (会籍), applications (办事申请) ---- */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "叶", "程", "魏", "苏", "吕",
	"丁", "卢", "沈", "钟", "姜", "洪", "庄", "柯", "颜", "欧阳", "施", "傅", "方", "江", "詹"};
static const char *const male_chars[] = {
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
	"飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建",
	"国", "志", "文", "海", "峰", "晨", "博", "振", "毅", "鸿"};
static const char *const female_chars[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "颖", "慧",
	"倩", "洁", "佳", "怡", "萍", "红", "梅", "莉", "丹", "蕾", "璐", "欣", "悦", "琪", "瑶",
	"妍", "楠", "雯", "晶", "蓉", "薇", "月", "思", "雨", "晓"};
static const char *const phone_prefixes[] = {
	"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "166", "177", "180", "181",
	"182", "183", "185", "186", "187", "188", "189", "198", "199"};
/* County codes of GB/T 2260: Xiamen and Fujian first, then where many workers come from. */
static const char *const id_regions[] = {
	"350203", "350206", "350211", "350205", "350212", "350213", "350102", "350181", "350583",
	"350524", "350322", "350802", "350502", "350628", "360102", "430102", "420102", "510107",
	"410105", "440106", "330106", "320102", "522601", "450102", "340102"};
static const char *const positions[] = {"职员", "工程师", "技术员", "销售代表", "会计",
					"操作工", "快递员", "外卖骑手", "店员", "司机",
					"行政专员", "项目经理", "质检员", "仓管员", "厨师"};
static const char *const reviewers[] = {"林晓燕", "陈志强", "黄丽娟", "吴建华", "郑敏"};
static const char *const reject_reasons[] = {
	"所填工作单位与实际劳动关系不符，请核实后重新申请",
	"身份信息核验未通过，请确认姓名与身份证号一致",
	"该单位已建立工会，请向单位工会申请入会",
	"申请人已在其他工会组织保留会籍，请办理会籍变更"};
static const char *const return_reasons[] = {"请补充现居住地的详细地址（门牌号）",
					     "工作单位所在镇街选择有误，请修改后重新提交",
					     "请填写职务/岗位"};

/* A carrier prefix by id modulo their count, then 8 digits from a bijection modulo 10^8 of
 * the quotient: distinct ids, distinct numbers (up to 3.1·10^9 ids). */
static void phone_of(int64_t id, char out[12])
{
	unsigned long long q = (unsigned long long)id / COUNT(phone_prefixes);
	snprintf(out, 12, "%s%08llu", phone_prefixes[id % COUNT(phone_prefixes)],
		 (q * 73939133ULL + 24681357ULL) % 100000000ULL);
}

/* Region × birth date (1966–2007) × sequence, indexed by (id × P) mod their product with P
 * coprime to it: a bijection, so every worker id below 3.8·10^8 has its own number. */
static void id_number_of(int64_t id, char out[19])
{
	static long first_day, ndays;
	if (!ndays) {
		first_day = (long)clock_days_from_civil(1966, 1, 1);
		ndays = (long)clock_days_from_civil(2008, 1, 1) - first_day;
	}
	unsigned long long space = (unsigned long long)COUNT(id_regions) * (unsigned long long)ndays
				   * 1000ULL; /* 2^5·5^6·13·59: coprime with the prime below */
	unsigned long long x = (unsigned long long)id % space * 2654435761ULL % space;
	int region = (int)(x % COUNT(id_regions)), y, m, d;
	x /= COUNT(id_regions);
	clock_civil_from_days(first_day + (long)(x % (unsigned long long)ndays), &y, &m, &d);
	char digits[64];
	snprintf(digits, sizeof(digits), "%s%04d%02d%02d%03llu", id_regions[region], y, m, d,
		 x / (unsigned long long)ndays % 1000);
	memcpy(out, digits, 17);
	out[17] = domain_idcard_check_char(out);
	out[18] = '\0';
}

typedef struct worker_plan {
	bool member;
	int rejected;       /* rejected join applications before the last one */
	int last;           /* status of the last application, -1: none */
} worker_plan;

static people plan_people(const bulk_opts *o)
{
	people p = {0};
	long a = o->applications;
	p.members = o->members;
	bool special = p.members > 0 || a > 0;
	p.first_apps = special ? (a < 10 ? a : 10) : 0;
	long rest = a - p.first_apps;
	long others = p.members > 0 ? p.members - 1 : 0;
	p.completed = rest * 7 / 10 < others ? rest * 7 / 10 : others;
	p.rejected = rest / 10;
	p.nonmembers = rest - p.completed - p.rejected;
	p.applicants = p.completed + p.nonmembers;
	p.workers = (p.members > 0 ? p.members : special) + p.nonmembers;
	return p;
}

static worker_plan plan_worker(bulk *b, const people *p, long w)
{
	worker_plan wp = {.member = w < p->members, .last = -1};
	if (w == 0) {
		if (p->first_apps > 0) {
			wp.rejected = (int)p->first_apps - 1;
			wp.last = wp.member ? APP_COMPLETED : APP_SUBMITTED;
		}
		return wp;
	}
	long applicant = -1;
	if (wp.member && w <= p->completed) {
		wp.last = APP_COMPLETED;
		applicant = w - 1;
	} else if (!wp.member) {
		static const struct {
			int status, weight;
		} open[] = {{APP_SUBMITTED, 40}, {APP_PROCESSING, 25}, {APP_RETURNED, 15},
			    {APP_DRAFT, 10}, {APP_WITHDRAWN, 10}};
		long roll = pick(&b->rng, 100);
		for (int i = 0; i < COUNT(open); roll -= open[i++].weight)
			if (roll < open[i].weight) {
				wp.last = open[i].status;
				break;
			}
		applicant = p->completed + (w - (p->members > 0 ? p->members : 1));
	}
	/* Rejections spread evenly over the applicants: exactly p->rejected in all. */
	if (applicant >= 0 && p->applicants > 0)
		wp.rejected = (int)((applicant + 1) * p->rejected / p->applicants -
				    applicant * p->rejected / p->applicants);
	return wp;
}

static void cst_date(int64_t t, struct tm *tm)
{
	time_t s = (time_t)(t + 8 * 3600);
	gmtime_r(&s, tm);
}

static const char *option(bulk *b, const char *const *list)
{
	long n = 0;
	while (list[n])
		n++;
	return list[pick(&b->rng, n)];
}

static void add_app_event(bulk *b, int64_t app, int64_t at, bool staff, const char *action,
			  const char *to, const char *note)
{
	rows *e = &b->rows[T_APP_EVENT];
	put_int(e, b->next_id[T_APP_EVENT]++);
	put_int(e, app);
	put_int(e, at);
	put_text(e, staff ? "staff" : "worker");
	put_int_or_null(e, 0);
	put_text(e, staff ? reviewers[pick(&b->rng, COUNT(reviewers))] : "");
	put_text(e, action);
	put_text(e, to);
	put_text(e, note);
}

/* The join form as the sites send it (join.c checks the same fields). */
static void join_form(bulk *b, const unit_ref *u, const street *work, char *out, size_t cap)
{
	const street *home = &b->streets[pick(&b->rng, b->nstreets)];
	char unit_part[48] = "";
	if (u)
		snprintf(unit_part, sizeof(unit_part), "\"unit_id\":%lld,", (long long)u->id);
	snprintf(out, cap,
		 "{\"residence\":\"厦门市%s%s%s%ld号\",\"employment\":\"%s\",%s"
		 "\"work_district\":\"%s\",\"work_street\":\"%s\",\"ethnicity\":\"%s\","
		 "\"education\":\"%s\",\"political_status\":\"%s\",\"position\":\"%s\"}",
		 home->district->name, home->region->name,
		 district_roads[home->roads].roads[pick(&b->rng, 8)], 1 + pick(&b->rng, 300),
		 u ? "unit" : "none", unit_part, work->district->code, work->region->code,
		 pick(&b->rng, 20) ? "汉族" : option(b, domain_ethnicities),
		 option(b, domain_educations),
		 pick(&b->rng, 3) ? "群众" : option(b, domain_political_statuses),
		 positions[pick(&b->rng, COUNT(positions))]);
}

/* The steps an application went through to reach its status: save, submit, then the
 * worker's withdrawal or the reviewer's acceptance and decision. */
static const struct {
	int status, steps;
	const char *last_action;
} app_paths[] = {
	{APP_DRAFT, 1, "save"},        {APP_SUBMITTED, 2, "submit"},
	{APP_WITHDRAWN, 3, "withdraw"}, {APP_PROCESSING, 3, "accept"},
	{APP_RETURNED, 4, "return"},    {APP_COMPLETED, 4, "approve"},
	{APP_REJECTED, 4, "reject"},
};

/* One join application to `unit` (NULL: no fixed workplace, in `work`) that started at t and
 * ended in `status`; returns the time of its last step and writes its reference number. */
static int64_t add_application(bulk *b, int64_t worker, int status, int64_t t,
			       const unit_ref *unit, const street *work, char ref[64])
{
	int k = 0;
	while (app_paths[k].status != status)
		k++;
	int steps = app_paths[k].steps;
	int64_t id = b->next_id[T_APP]++, at[4];
	at[0] = t;
	at[1] = at[0] + between(&b->rng, 600, 2 * 86400);
	at[2] = at[1] + between(&b->rng, 3600, 3 * 86400);
	at[3] = at[2] + between(&b->rng, 3600, 7 * 86400);
	int64_t late = at[steps - 1] - (b->now - 60);
	for (int i = 0; late > 0 && i < 4; i++)
		at[i] -= late;
	bool open = domain_app_open((app_status)status), decided = steps == 4 && !open;
	const char *name = domain_app_status_name((app_status)status);
	const char *reason = status == APP_REJECTED
				     ? reject_reasons[pick(&b->rng, COUNT(reject_reasons))]
			     : status == APP_RETURNED
				     ? return_reasons[pick(&b->rng, COUNT(return_reasons))]
				     : NULL;
	struct tm tm;
	char request[32], data[1024];
	cst_date(at[0], &tm);
	snprintf(ref, 64, "RH%04d%02d%02d%08lld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 (long long)id);
	snprintf(request, sizeof(request), "bulk-%08lld", (long long)id);
	join_form(b, unit, work, data, sizeof(data));
	rows *a = &b->rows[T_APP];
	put_int(a, id);
	put_text(a, ref);
	put_int(a, worker);
	put_text(a, "join");
	put_text(a, name);
	put_text(a, open ? "join" : NULL);
	put_int_or_null(a, steps == 1 ? 0 : unit ? unit->route_org : work->org_id);
	put_text(a, data);
	put_text(a, request);
	put_text(a, reason);
	put_int(a, steps);
	put_int(a, at[0]);
	put_int(a, at[steps - 1]);
	put_int_or_null(a, steps > 1 ? at[1] : 0);
	put_int_or_null(a, decided ? at[3] : 0);
	add_app_event(b, id, at[0], false, "save", "draft", NULL);
	if (steps > 1)
		add_app_event(b, id, at[1], false, "submit", "submitted", NULL);
	if (status == APP_WITHDRAWN)
		add_app_event(b, id, at[2], false, "withdraw", name, NULL);
	else if (steps > 2)
		add_app_event(b, id, at[2], true, "accept", "processing", NULL);
	if (steps > 3)
		add_app_event(b, id, at[3], true, app_paths[k].last_action, name, reason);
	return at[steps - 1];
}

static const unit_ref *random_unit(bulk *b)
{
	return b->nunits ? &b->units[pick(&b->rng, b->nunits)] : NULL;
}

static const street *street_of(bulk *b, const unit_ref *u)
{
	return u ? &b->streets[u->street] : &b->streets[pick(&b->rng, b->nstreets)];
}

static void add_membership(bulk *b, int64_t worker, const unit_ref *u, const street *work,
			   int64_t joined, const char *ref)
{
	int64_t id = b->next_id[T_MEMBERSHIP]++, org = u ? u->route_org : work->org_id;
	const char *active = domain_member_status_name(MEMBER_ACTIVE);
	struct tm tm;
	char no[32];
	cst_date(joined, &tm);
	snprintf(no, sizeof(no), "XM%04d%08lld", tm.tm_year + 1900, (long long)id);
	rows *m = &b->rows[T_MEMBERSHIP];
	put_int(m, id);
	put_int(m, worker);
	put_text(m, no);
	put_int(m, org);
	put_int_or_null(m, u ? u->id : 0);
	put_text(m, active);
	put_int(m, joined);
	put_int(m, 1);
	put_int(m, joined);
	put_int(m, joined);
	rows *e = &b->rows[T_MEMBERSHIP_EVENT];
	put_int(e, b->next_id[T_MEMBERSHIP_EVENT]++);
	put_int(e, id);
	put_int(e, joined);
	put_text(e, active);
	put_int(e, org);
	put_int_or_null(e, u ? u->id : 0);
	put_text(e, ref);
	put_text(e, "入会");
}

static void add_worker_row(bulk *b, int64_t id, int64_t registered)
{
	char phone[12], number[19], masked[19], birth[11], name[32];
	unsigned char index[CRYPTO_HASH_LEN], cipher[18 + CRYPTO_FIELD_OVERHEAD];
	phone_of(id, phone);
	id_number_of(id, number);
	/* As registration stores it (auth.c): cipher, blind index, mask, birth date, gender. */
	bool male = (number[16] - '0') % 2 == 1;
	const char *const *given = male ? male_chars : female_chars;
	snprintf(name, sizeof(name), "%s%s%s", surnames[pick(&b->rng, COUNT(surnames))],
		 given[pick(&b->rng, COUNT(male_chars))],
		 pick(&b->rng, 3) ? given[pick(&b->rng, COUNT(male_chars))] : "");
	snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", number + 6, number + 10, number + 12);
	domain_idcard_mask(number, masked);
	crypto_blind_index("worker.id_number", number, index);
	crypto_field_encrypt(number, 18, "worker.id_number", cipher);
	rows *r = &b->rows[T_WORKER];
	put_int(r, id);
	put_text(r, phone);
	put_text(r, name);
	put_blob(r, cipher, sizeof(cipher));
	put_blob(r, index, sizeof(index));
	put_text(r, masked);
	put_int(r, male ? 1 : 2);
	put_text(r, birth);
	put_text(r, b->password_hash);
	put_int(r, registered);
	put_int(r, registered);
	if (!b->bench_phone[0])
		memcpy(b->bench_phone, phone, sizeof(phone));
}

static void fill_worker(bulk *b, long w)
{
	int64_t id = b->next_id[T_WORKER]++;
	worker_plan wp = plan_worker(b, &b->plan, w);
	/* Registered in the last three years; the bench worker long enough ago for its ten. */
	int64_t registered =
		b->now - between(&b->rng, w == 0 ? 700 * 86400 : 30 * 86400, 3 * 365 * 86400);
	add_worker_row(b, id, registered);
	const unit_ref *u = random_unit(b);
	const street *work = street_of(b, u);
	int napps = wp.rejected + (wp.last >= 0);
	int64_t t = registered + between(&b->rng, 3600, 5 * 86400), span = b->now - t;
	char ref[64] = "";
	for (int i = 0; i < napps; i++) {
		int status = i < wp.rejected ? APP_REJECTED : wp.last;
		int64_t at = t + span * i / napps + between(&b->rng, 0, span / (napps * 4) + 1);
		if (domain_app_open((app_status)status)) /* still open: recent */
			at = b->now - between(&b->rng, 3600, 60 * 86400);
		/* Rejected attempts may name another unit; the last one is where the worker is. */
		const unit_ref *au = i + 1 == napps ? u : random_unit(b);
		int64_t done = add_application(b, id, status, at, au, street_of(b, au), ref);
		if (status == APP_COMPLETED)
			add_membership(b, id, u, work, done, ref);
	}
	if (wp.member && wp.last != APP_COMPLETED) /* from the register kept before the platform */
		add_membership(b, id, u, work,
			       b->now - between(&b->rng, 400 * 86400, 20 * 365 * 86400), NULL);
}

/* ---- the run ---- */

/* Calls fill(b, i) for i in [0, n) in chunks of `chunk`, each written parents first; one
 * transaction holds `per_tx` chunks. */
static int in_chunks(bulk *b, const char *what, long n, long chunk, int per_tx,
		     void (*fill)(bulk *, long), const table_id *order, int norder)
{
	double t0 = seconds_since(&b->started);
	long reported = 0;
	for (long at = 0; at < n;) {
		if (db_begin(b->c, true) != DB_OK || db_lock(b->c, "gonghui.bulk") != DB_OK)
			return -1;
		for (int k = 0; k < per_tx && at < n; k++) {
			for (long end = at + chunk < n ? at + chunk : n; at < end; at++)
				fill(b, at);
			if (flush(b, order, norder)) {
				db_rollback(b->c);
				return -1;
			}
		}
		if (db_commit(b->c) != DB_OK)
			return -1;
		if (at - reported >= 100000 || at == n) {
			progress(b, what, at, n, t0);
			reported = at;
		}
	}
	return 0;
}

static void fill_unit(bulk *b, long i)
{
	(void)i;
	add_unit(b);
}

static int finish(bulk *b)
{
	double t0 = seconds_since(&b->started);
	if (b->kind == DB_POSTGRES) {
		for (int t = 0; t < T_COUNT; t++)
			if (tables[t].has_id && b->rows[t].total > 0 &&
			    query_int(b->c, tables[t].setval) < 0)
				return -1;
		/* VACUUM also sets the visibility map, so index-only scans work at once. */
		fprintf(stderr, "bulk: VACUUM ANALYZE\n");
		if (db_exec_script(b->c, "VACUUM ANALYZE") != DB_OK)
			return -1;
	} else {
		fprintf(stderr, "bulk: ANALYZE\n");
		if (db_exec_script(b->c, "PRAGMA analysis_limit = 1000; ANALYZE; "
					 "PRAGMA wal_checkpoint(TRUNCATE)") != DB_OK)
			return -1;
	}
	fprintf(stderr, "bulk: statistics in %.1f s\n", seconds_since(&b->started) - t0);
	return 0;
}

static int prepare(bulk *b, const bulk_opts *o)
{
	b->kind = db_conn_dialect(b->c);
	b->rng = o->seed ? o->seed : 0x9E3779B97F4A7C15ULL;
	b->now = clock_now();
	b->plan = plan_people(o);
	b->grams = xmalloc(sizeof(gram_list));
	b->params = xcalloc((size_t)ladder[0] * MAX_COLS, sizeof(db_param));
	for (int t = 0; t < T_COUNT; t++)
		b->rows[t].t = &tables[t];
	if (load_streets(b))
		return -1;
	for (int t = 0; t < T_COUNT; t++) {
		if (!tables[t].has_id)
			continue;
		int64_t max = query_int(b->c, tables[t].max_id);
		if (max < 0)
			return -1;
		b->next_id[t] = max + 1;
	}
	b->gs.first_unit = b->next_id[T_UNIT];
	if (b->plan.workers > 0 && password_hash(BULK_PASSWORD, b->password_hash))
		return -1;
	if (b->kind == DB_SQLITE)
		return db_exec_script(b->c, "PRAGMA cache_size = -524288; PRAGMA threads = 2") == DB_OK ? 0 : -1;
	/* A crash loses the last chunks at worst, never consistency. */
	return db_exec_script(b->c, "SET synchronous_commit = off") == DB_OK ? 0 : -1;
}

static void release(bulk *b)
{
	for (int t = 0; t < T_COUNT; t++) {
		free(b->rows[t].cells);
		buf_free(&b->rows[t].bytes);
	}
	for (int i = 0; i < MAX_COLS; i++)
		buf_free(&b->cols[i]);
	free(b->params);
	free(b->grams);
	free(b->gs.text);
	free(b->gs.slot);
	free(b->gs.keys);
	free(b->units);
	free(b->regions);
	free(b->streets);
}

int bulk_generate(db *d, const bulk_opts *o, FILE *out)
{
	static const table_id unit_order[] = {T_ORG, T_UNIT};
	static const table_id people_order[] = {T_WORKER, T_APP, T_MEMBERSHIP, T_MEMBERSHIP_EVENT,
						T_APP_EVENT};
	if (o->units < 0 || o->members < 0 || o->applications < 0 || o->units > BULK_MAX_ROWS ||
	    o->members > BULK_MAX_ROWS || o->applications > BULK_MAX_ROWS)
		return -1;
	build_statements();
	bulk b = {0};
	clock_gettime(CLOCK_MONOTONIC, &b.started);
	b.c = db_acquire(d);
	int rc = b.c && prepare(&b, o) == 0 ? 0 : -1;
	int64_t first_worker = b.next_id[T_WORKER];
	if (rc == 0 && o->units > 0)
		rc = in_chunks(&b, "units", o->units, 1024, 16, fill_unit, unit_order, 2);
	if (rc == 0 && o->units > 0)
		rc = write_grams(&b);
	if (rc == 0 && b.plan.workers > 0) {
		rc = load_units(&b);
		if (rc == 0)
			rc = in_chunks(&b, "workers", b.plan.workers, 1024, 32, fill_worker,
				       people_order, 5);
	}
	if (rc == 0)
		rc = finish(&b);
	if (rc == 0) {
		fprintf(stderr, "bulk: done in %.1f s:", seconds_since(&b.started));
		for (int t = 0; t < T_COUNT; t++)
			fprintf(stderr, " %s %ld%s", tables[t].name, b.rows[t].total,
				t + 1 < T_COUNT ? "," : "\n");
		if (b.bench_phone[0])
			fprintf(out, "login phone=%s password=%s worker_id=%lld applications=%ld\n",
				b.bench_phone, BULK_PASSWORD, (long long)first_worker,
				b.plan.first_apps);
	}
	if (b.c && b.kind == DB_SQLITE)
		db_exec_script(b.c, "PRAGMA cache_size = -2000");
	db_release(b.c);
	release(&b);
	return rc;
}
