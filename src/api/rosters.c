/* rosters.c — offline member rosters (线下会员名册, issue 7 item 5): an org admin imports its
 * roster (checked line by line first, all or nothing, a dry run to preview), lists and exports
 * it masked; the same ID number in two organisations is flagged to their lowest common
 * ancestor, whose admins resolve it. Linking accounts to entries lives here too: login,
 * 信息完善, the import and a resolution all call it (rosters.h). Every change is audit-logged. */
#include "api/rosters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/admin.h"
#include "api/app.h"
#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/kinds.h"
#include "domain/idcard.h"
#include "domain/member.h"
#include "domain/phone.h"
#include "domain/roster.h"
#include "security/crypto.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/csv.h"

#define ID_INDEX_DOMAIN "worker.id_number" /* the same index as accounts: they must match */
#define ROSTER_ID_AD "roster_entry.id_number"

enum {
	ROSTER_MAX_ROWS = 20000,
	ROSTER_MAX_ERRORS = 500,
	ROSTER_PAGE = 20,
	PARTIES_MAX = 8, /* one person in more rosters than this is not credible */
};

static const char *status_name(roster_status s)
{
	return domain_roster_status_name(s);
}

bool roster_lock(http_request *r)
{
	return db_lock(r->db, "gonghui.roster") == DB_OK;
}

int64_t roster_day_start(int y, int m, int d)
{
	return clock_days_from_civil(y, m, d) * 86400 - 8 * 3600;
}

void roster_date_of(int64_t t, char out[11])
{
	char iso[32];
	clock_iso8601(t + 8 * 3600, iso);
	memcpy(out, iso, 10);
	out[10] = '\0';
}

/* ---- flagging ---- */

/* Marks one roster entry flagged (closing its open claim, if any). */
static bool flag_entry(http_request *r, int64_t entry_id, int64_t now)
{
	roster_entry_row e;
	if (store_roster_entry_get(r->db, entry_id, &e) != STORE_OK)
		return false;
	char from[16];
	snprintf(from, sizeof(from), "%s", e.status);
	if (strcmp(from, status_name(ROSTER_FLAGGED)) == 0)
		return true;
	if (strcmp(from, status_name(ROSTER_CLAIM)) == 0) {
		if (!claim_close(r, e.application_id,
				 "您的线下入会记录在多个工会组织的名册中重复出现，需由上级工会核实处理"))
			return false;
		e.application_id = 0;
	}
	snprintf(e.status, sizeof(e.status), "%s", status_name(ROSTER_FLAGGED));
	return store_roster_entry_set(r->db, &e, from, now) == STORE_OK;
}

bool roster_flag(http_request *r, const unsigned char idx[CRYPTO_HASH_LEN], const char *id_masked,
		 const roster_party *parties, int n)
{
	roster_conflict_row k;
	int64_t now = clock_now(), ancestor = 0, conflict_id = 0;
	store_rc rc = store_conflict_open_of(r->db, idx, &k);
	if (rc == STORE_ERR)
		return false;
	if (rc == STORE_OK) {
		conflict_id = k.id;
		ancestor = k.ancestor_org_id;
	}
	for (int i = 0; i < n; i++) {
		if (!ancestor)
			ancestor = parties[i].org_id;
		else if (store_org_lca(r->db, ancestor, parties[i].org_id, &ancestor) != STORE_OK)
			return false;
	}
	if (!ancestor)
		return false;
	if (!conflict_id) {
		if (store_conflict_create(r->db, idx, id_masked, ancestor, now, &conflict_id) != STORE_OK)
			return false;
	} else if (ancestor != k.ancestor_org_id &&
		   store_conflict_set_ancestor(r->db, conflict_id, ancestor) != STORE_OK) {
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (store_conflict_item_add(r->db, conflict_id, parties[i].entry_id,
					    parties[i].membership_id) != STORE_OK)
			return false;
		if (parties[i].entry_id && !parties[i].flagged &&
		    !flag_entry(r, parties[i].entry_id, now))
			return false;
	}
	return true;
}

/* ---- linking ---- */

store_rc roster_membership_from(http_request *r, roster_entry_row *e, int64_t worker_id,
				const char *application_ref, const char *note)
{
	int y, m, d;
	if (!domain_date_parse(e->joined_on, false, &y, &m, &d))
		return STORE_ERR;
	membership_new n = {.worker_id = worker_id, .org_id = e->org_id,
			    .status = domain_member_status_name(MEMBER_ACTIVE), .source = "roster",
			    .member_no = e->member_no[0] ? e->member_no : NULL,
			    .joined_at = roster_day_start(y, m, d), .application_ref = application_ref,
			    .note = note};
	membership_row ms;
	int64_t now = clock_now();
	store_rc rc = store_membership_create(r->db, &n, now, &ms);
	if (rc != STORE_OK)
		return rc;
	char from[16];
	snprintf(from, sizeof(from), "%s", e->status);
	snprintf(e->status, sizeof(e->status), "%s", status_name(ROSTER_LINKED));
	e->worker_id = worker_id;
	e->membership_id = ms.id;
	return store_roster_entry_set(r->db, e, from, now) == STORE_OK ? STORE_OK : STORE_ERR;
}

bool roster_link_entry(http_request *r, roster_entry_row *e, const account_row *w,
		       link_result *out)
{
	*out = LINK_NONE;
	if (strcmp(e->status, status_name(ROSTER_UNLINKED)) != 0)
		return true;
	membership_row m;
	store_rc rc = store_membership_current(r->db, w->id, &m);
	if (rc == STORE_ERR)
		return false;
	if (rc == STORE_OK && m.org_id == e->org_id) {
		/* Already a member there (joined online, or 信息登记): the entry describes it. */
		snprintf(e->status, sizeof(e->status), "%s", status_name(ROSTER_LINKED));
		e->worker_id = w->id;
		e->membership_id = m.id;
		rc = store_roster_entry_set(r->db, e, status_name(ROSTER_UNLINKED), clock_now());
		*out = rc == STORE_OK ? LINK_LINKED : LINK_NONE;
		return rc != STORE_ERR;
	}
	if (rc == STORE_OK) {
		roster_party p[2] = {{e->id, 0, e->org_id, false}, {0, m.id, m.org_id, false}};
		*out = LINK_FLAGGED;
		return roster_flag(r, e->id_index, e->id_masked, p, 2);
	}
	if (strcmp(e->phone, w->phone) == 0) {
		rc = roster_membership_from(r, e, w->id, NULL, "线下入会，已与会员名册关联");
		*out = rc == STORE_OK ? LINK_LINKED : LINK_NONE;
		return rc != STORE_ERR; /* a conflict: a twin request linked it first */
	}
	/* Another phone: the organisation confirms it is the same person — once; after a
	 * reviewer's 不通过 it is not asked again for this account. */
	if (e->worker_id == w->id && e->application_id)
		return true;
	*out = LINK_CLAIM;
	return claim_open(r, e, w);
}

bool roster_link_worker(http_request *r, const account_row *w)
{
	enum { MAX = 8 };
	roster_entry_row *es = arena_alloc(&r->mem, sizeof(roster_entry_row) * MAX);
	int n = 0;
	if (store_roster_entries_of_worker(r->db, w->id, es, MAX, &n) != STORE_OK)
		return false;
	for (int i = 0; i < n; i++) {
		link_result done;
		if (strcmp(es[i].status, status_name(ROSTER_UNLINKED)) != 0)
			continue;
		/* Most logins find nothing to link and take no lock. */
		if (!roster_lock(r) || !roster_link_entry(r, &es[i], w, &done))
			return false;
	}
	return true;
}

/* ---- import ---- */

typedef struct roster_line {
	int line;
	char name[128], phone[16], joined_on[11], member_no[40];
	idcard id;
	bool id_ok, converted, bad, flagged;
	unsigned char idx[CRYPTO_HASH_LEN];
	char masked[19];
	int nparties;
	roster_party parties[PARTIES_MAX];
	roster_status pstatus[PARTIES_MAX]; /* of the parties that are entries */
	int64_t other_org_id;
	/* What the database said (check_database) and what was written (import_lines). */
	int nseen, here;
	bool member_here, no_taken;
	int64_t entry_id, worker_id, conflict_id, ancestor;
} roster_line;

typedef struct import_report {
	json_t *errors, *flagged;
	int nerrors, rows, valid, converted;
} import_report;

static void report_error(import_report *rep, int line, const char *field, const char *message)
{
	rep->nerrors++;
	if (json_array_size(rep->errors) < ROSTER_MAX_ERRORS)
		json_array_append_new(rep->errors, json_pack("{s:i, s:s*, s:s}", "line", line,
							     "field", field, "message", message));
}

/* Trims ASCII and ideographic spaces at both ends, in place. */
static char *trim(char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

static bool no_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Reads the header: which field holds each column. Reports and returns false on a problem. */
static bool read_header(const csv_row *row, int cols[ROSTER_COL_COUNT], import_report *rep)
{
	for (int c = 0; c < ROSTER_COL_COUNT; c++)
		cols[c] = -1;
	bool ok = true;
	for (int i = 0; i < row->n; i++) {
		int c = domain_roster_column(row->field[i]);
		if (c < 0)
			continue; /* other columns (序号, 性别 …) are not read */
		if (cols[c] >= 0) {
			report_error(rep, 1, domain_roster_column_key((roster_column)c),
				     "表头中该列重复出现");
			ok = false;
		}
		cols[c] = i;
	}
	for (int c = 0; c < ROSTER_COL_COUNT; c++)
		if (cols[c] < 0 && domain_roster_column_required((roster_column)c)) {
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "表头缺少“%s”列（表头应为：姓名,身份证号,手机号,入会日期,会员编号）",
				 domain_roster_column_label((roster_column)c));
			report_error(rep, 1, domain_roster_column_key((roster_column)c), msg);
			ok = false;
		}
	return ok;
}

static char *cell(csv_row *row, const int cols[ROSTER_COL_COUNT], roster_column c)
{
	static char empty[1];
	empty[0] = '\0';
	return cols[c] >= 0 && cols[c] < row->n ? trim(row->field[cols[c]]) : empty;
}

/* Format checks of one line (no database). */
static void check_formats(roster_line *l, csv_row *row, const int cols[ROSTER_COL_COUNT],
			  import_report *rep)
{
	int ty, tm, td;
	clock_date(clock_now(), &ty, &tm, &td);
	const char *name = cell(row, cols, ROSTER_COL_NAME);
	char *id = cell(row, cols, ROSTER_COL_ID);
	const char *phone = cell(row, cols, ROSTER_COL_PHONE);
	const char *date = cell(row, cols, ROSTER_COL_JOIN_DATE);
	const char *no = cell(row, cols, ROSTER_COL_MEMBER_NO);
	int before = rep->nerrors;
	if (!*name)
		report_error(rep, l->line, "name", "请填写姓名");
	else if (!form_name_valid(name))
		report_error(rep, l->line, "name", "姓名应为2–30个字符，只能包含汉字、字母、空格和间隔号·");
	else
		snprintf(l->name, sizeof(l->name), "%s", name);
	char upgraded[19];
	size_t idlen = strlen(id);
	if (!*id) {
		report_error(rep, l->line, "id_number", "请填写身份证号");
	} else if (idlen == 15 && domain_idcard_upgrade15(id, idlen, upgraded) == 0) {
		idcard_status st = domain_idcard_parse(upgraded, 18, ty, tm, td, &l->id);
		if (st == IDCARD_OK)
			l->id_ok = l->converted = true;
		else
			report_error(rep, l->line, "id_number",
				     "15位身份证号转换为18位后无效，请核对");
	} else {
		idcard_status st = domain_idcard_parse(id, idlen, ty, tm, td, &l->id);
		if (st == IDCARD_OK)
			l->id_ok = true;
		else
			report_error(rep, l->line, "id_number",
				     no_controls(id) ? domain_idcard_message(st)
						     : "身份证号含有无效字符");
	}
	if (!*phone)
		report_error(rep, l->line, "phone", "请填写手机号");
	else if (!domain_phone_valid(phone, strlen(phone)))
		report_error(rep, l->line, "phone", "手机号应为11位中国大陆手机号码");
	else
		snprintf(l->phone, sizeof(l->phone), "%s", phone);
	int y, m, d;
	if (!*date) {
		report_error(rep, l->line, "join_date", "请填写入会日期");
	} else if (!domain_date_parse(date, true, &y, &m, &d)) {
		report_error(rep, l->line, "join_date", "入会日期应为有效日期，如 2015-03-01");
	} else {
		const char *why = l->id_ok ? domain_joined_on_problem(y, m, d, l->id.birth_year,
								      l->id.birth_month,
								      l->id.birth_day, ty, tm, td)
					   : NULL;
		if (why)
			report_error(rep, l->line, "join_date", why);
		else
			snprintf(l->joined_on, sizeof(l->joined_on), "%04d-%02d-%02d", y, m, d);
	}
	if (*no) {
		member_no_status st = domain_member_no_check(no);
		if (st != MEMBER_NO_OK)
			report_error(rep, l->line, "member_no", domain_member_no_message(st));
		else
			snprintf(l->member_no, sizeof(l->member_no), "%s", no);
	}
	l->bad = rep->nerrors > before;
}

/* Duplicates within the file: ID numbers and member numbers (a sorted index of lines). */
static const roster_line *sort_lines;
static int by_id(const void *a, const void *b)
{
	const roster_line *x = &sort_lines[*(const int *)a], *y = &sort_lines[*(const int *)b];
	int c = strcmp(x->id.number, y->id.number);
	return c ? c : x->line - y->line;
}
static int by_no(const void *a, const void *b)
{
	const roster_line *x = &sort_lines[*(const int *)a], *y = &sort_lines[*(const int *)b];
	int c = strcmp(x->member_no, y->member_no);
	return c ? c : x->line - y->line;
}

static void check_file_duplicates(roster_line *ls, int n, import_report *rep)
{
	int *order = xcalloc((size_t)n + 1, sizeof(int));
	for (int pass = 0; pass < 2; pass++) {
		int k = 0;
		for (int i = 0; i < n; i++)
			if (pass == 0 ? ls[i].id_ok : ls[i].member_no[0] != '\0')
				order[k++] = i;
		sort_lines = ls;
		qsort(order, (size_t)k, sizeof(int), pass == 0 ? by_id : by_no);
		for (int i = 1; i < k; i++) {
			roster_line *a = &ls[order[i - 1]], *b = &ls[order[i]];
			bool same = pass == 0 ? strcmp(a->id.number, b->id.number) == 0
					      : strcmp(a->member_no, b->member_no) == 0;
			if (!same)
				continue;
			char msg[96];
			/* Point every repeat at the first line of its run. */
			int first = a->line;
			for (int j = i - 1; j > 0; j--) {
				roster_line *p = &ls[order[j - 1]];
				if (pass == 0 ? strcmp(p->id.number, b->id.number)
					      : strcmp(p->member_no, b->member_no))
					break;
				first = p->line;
			}
			snprintf(msg, sizeof(msg), pass == 0 ? "身份证号与第%d行重复" : "会员编号与第%d行重复",
				 first);
			report_error(rep, b->line, pass == 0 ? "id_number" : "member_no", msg);
			b->bad = true;
		}
	}
	free(order);
}

/* ---- the database side of the import, set-based: a few statements per STORE_ROSTER_CHUNK
 * lines instead of a dozen round trips per line ---- */

/* The lines sorted by one key (the blind index or the member number), to hand each row the
 * database finds to every line with its key. */
typedef struct line_keys {
	roster_line *ls;
	int *order, n;
	bool by_no;
	int64_t org_id;
	int kind; /* which lookup the hits answer (KEY_…) */
} line_keys;

enum { KEY_ENTRY, KEY_MEMBERSHIP, KEY_MEMBER_NO, KEY_WORKER, KEY_CONFLICT };

static const line_keys *sort_keys;
static int key_cmp(const roster_line *x, const roster_line *y, bool by_no)
{
	return by_no ? strcmp(x->member_no, y->member_no) : memcmp(x->idx, y->idx, CRYPTO_HASH_LEN);
}
static int by_key(const void *a, const void *b)
{
	const roster_line *x = &sort_keys->ls[*(const int *)a], *y = &sort_keys->ls[*(const int *)b];
	int c = key_cmp(x, y, sort_keys->by_no);
	return c ? c : x->line - y->line;
}

/* Sorts the lines that keep() selects by their key. */
static void keys_make(line_keys *k, roster_line *ls, int n, bool by_no,
		      bool (*keep)(const roster_line *))
{
	k->ls = ls;
	k->by_no = by_no;
	k->order = xcalloc((size_t)n + 1, sizeof(int));
	k->n = 0;
	for (int i = 0; i < n; i++)
		if (keep(&ls[i]))
			k->order[k->n++] = i;
	sort_keys = k;
	qsort(k->order, (size_t)k->n, sizeof(int), by_key);
}

/* Runs the lookup over every distinct key, STORE_ROSTER_CHUNK at a time. */
static bool keys_lookup(http_request *r, line_keys *k, int kind, roster_hit_fn fn)
{
	const void **keys = xcalloc(STORE_ROSTER_CHUNK, sizeof(void *));
	bool ok = true;
	k->kind = kind;
	for (int i = 0; ok && i < k->n;) {
		int m = 0;
		for (; i < k->n && m < STORE_ROSTER_CHUNK; i++) {
			roster_line *l = &k->ls[k->order[i]];
			if (i && key_cmp(&k->ls[k->order[i - 1]], l, k->by_no) == 0)
				continue; /* the same key: asked once */
			keys[m++] = k->by_no ? (const void *)l->member_no : (const void *)l->idx;
		}
		store_rc rc;
		switch (kind) {
		case KEY_ENTRY:
			rc = store_roster_entry_hits(r->db, (const unsigned char *const *)keys, m, fn, k);
			break;
		case KEY_MEMBERSHIP:
			rc = store_membership_hits(r->db, (const unsigned char *const *)keys, m, fn, k);
			break;
		case KEY_WORKER:
			rc = store_worker_hits(r->db, (const unsigned char *const *)keys, m, fn, k);
			break;
		case KEY_CONFLICT:
			rc = store_conflict_open_hits(r->db, (const unsigned char *const *)keys, m, fn,
						      k);
			break;
		default:
			rc = store_member_no_hits(r->db, (const char *const *)keys, m, fn, k);
		}
		ok = rc == STORE_OK;
	}
	free(keys);
	return ok;
}

/* The lines whose key is the hit's: [*from, return). */
static int keys_range(const line_keys *k, const roster_hit *h, int *from)
{
	int lo = 0, hi = k->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		const roster_line *l = &k->ls[k->order[mid]];
		int c = k->by_no ? strcmp(l->member_no, h->key) : memcmp(l->idx, h->idx, CRYPTO_HASH_LEN);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	for (hi = lo; hi < k->n; hi++) {
		const roster_line *l = &k->ls[k->order[hi]];
		if (k->by_no ? strcmp(l->member_no, h->key) : memcmp(l->idx, h->idx, CRYPTO_HASH_LEN))
			break;
	}
	return hi;
}

static void on_hit(void *ctx, const roster_hit *h)
{
	line_keys *k = ctx;
	int from, to = keys_range(k, h, &from);
	for (int j = from; j < to; j++) {
		roster_line *l = &k->ls[k->order[j]];
		switch (k->kind) {
		case KEY_ENTRY: /* the first PARTIES_MAX of them, oldest first */
			if (l->nseen++ >= PARTIES_MAX)
				break;
			if (h->org_id == k->org_id)
				l->here++;
			else if (strcmp(h->status, status_name(ROSTER_LINKED)) != 0 &&
				 l->nparties < PARTIES_MAX - 1) {
				roster_status st = ROSTER_UNLINKED;
				domain_roster_status_parse(h->status, &st);
				l->pstatus[l->nparties] = st;
				l->parties[l->nparties++] = (roster_party){h->id, 0, h->org_id, false};
			}
			break;
		case KEY_MEMBERSHIP:
			if (h->org_id == k->org_id)
				l->member_here = true;
			else if (l->nparties < PARTIES_MAX - 1)
				l->parties[l->nparties++] = (roster_party){0, h->id, h->org_id, false};
			break;
		case KEY_MEMBER_NO:
			l->no_taken = true;
			break;
		case KEY_WORKER:
			l->worker_id = h->id;
			break;
		default: /* KEY_CONFLICT */
			l->conflict_id = h->id;
			l->ancestor = h->org_id;
		}
	}
}

static bool with_id(const roster_line *l)
{
	return l->id_ok;
}
static bool with_no(const roster_line *l)
{
	return l->member_no[0] != '\0';
}

/* What the database says of the lines: already here (an error), elsewhere (flagged). The
 * errors are reported line by line, after the format and file checks. */
static bool check_database(http_request *r, int64_t org_id, roster_line *ls, int n,
			   import_report *rep)
{
	line_keys ids = {.org_id = org_id}, nos = {.org_id = org_id};
	for (int i = 0; i < n; i++)
		if (ls[i].id_ok)
			crypto_blind_index(ID_INDEX_DOMAIN, ls[i].id.number, ls[i].idx);
	keys_make(&ids, ls, n, false, with_id);
	keys_make(&nos, ls, n, true, with_no);
	bool ok = keys_lookup(r, &ids, KEY_ENTRY, on_hit) &&
		  keys_lookup(r, &ids, KEY_MEMBERSHIP, on_hit) &&
		  keys_lookup(r, &nos, KEY_MEMBER_NO, on_hit);
	free(ids.order);
	free(nos.order);
	for (int i = 0; ok && i < n; i++) {
		roster_line *l = &ls[i];
		for (int k = 0; k < l->here; k++)
			report_error(rep, l->line, "id_number", "该身份证号已在本组织的名册中");
		if (l->member_here)
			report_error(rep, l->line, "id_number", "该职工已是本组织的会员");
		if (l->no_taken)
			report_error(rep, l->line, "member_no", "会员编号已被使用");
		l->bad = l->bad || l->here || l->member_here || l->no_taken;
		l->flagged = l->nparties > 0;
		l->other_org_id = l->flagged ? l->parties[0].org_id : 0;
	}
	return ok;
}

/* The lowest common ancestor of two organisations, remembered: a roster flagged against one
 * other organisation asks once. */
typedef struct lca_memo {
	int n;
	int64_t a[16], b[16], lca[16];
} lca_memo;

static bool lca_of(http_request *r, lca_memo *m, int64_t a, int64_t b, int64_t *out)
{
	for (int i = 0; i < m->n; i++)
		if (m->a[i] == a && m->b[i] == b) {
			*out = m->lca[i];
			return true;
		}
	if (store_org_lca(r->db, a, b, out) != STORE_OK)
		return false;
	int i = m->n < 16 ? m->n++ : (int)(a % 16);
	m->a[i] = a;
	m->b[i] = b;
	m->lca[i] = *out;
	return true;
}

static void on_entry(void *ctx, const roster_hit *h)
{
	line_keys *k = ctx; /* ls in line order */
	int lo = 0, hi = k->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (k->ls[mid].line < h->line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->n && k->ls[lo].line == h->line)
		k->ls[lo].entry_id = h->id;
}

static bool flagged_line(const roster_line *l)
{
	return l->flagged;
}
static bool linkable_line(const roster_line *l)
{
	return !l->flagged;
}

/* Flags the flagged lines like roster_flag, set-based: their open conflicts, the new ones, the
 * parties as conflict items, the other organisations' entries flagged. */
static bool flag_lines(http_request *r, roster_line *ls, int n, int64_t now)
{
	line_keys k = {0};
	lca_memo memo = {0};
	keys_make(&k, ls, n, false, flagged_line);
	bool ok = keys_lookup(r, &k, KEY_CONFLICT, on_hit);
	const unsigned char **idx = xcalloc(STORE_ROSTER_CHUNK, sizeof(void *));
	const char **masked = xcalloc(STORE_ROSTER_CHUNK, sizeof(char *));
	int64_t *anc = xcalloc(STORE_ROSTER_CHUNK, sizeof(int64_t));
	int64_t *ids = xcalloc(STORE_ROSTER_CHUNK, sizeof(int64_t));
	roster_conflict_item_new *items = xcalloc(STORE_ROSTER_CHUNK + PARTIES_MAX,
						  sizeof(roster_conflict_item_new));
	int m = 0;
	/* The ancestors, and the conflicts to open. */
	for (int i = 0; ok && i < n; i++) {
		roster_line *l = &ls[i];
		int64_t a = l->ancestor;
		if (!l->flagged)
			continue;
		for (int p = 0; ok && p < l->nparties; p++)
			if (!a)
				a = l->parties[p].org_id;
			else
				ok = lca_of(r, &memo, a, l->parties[p].org_id, &a);
		if (!ok)
			break;
		if (l->conflict_id) {
			if (a != l->ancestor)
				ok = store_conflict_set_ancestor(r->db, l->conflict_id, a) == STORE_OK;
			continue;
		}
		idx[m] = l->idx;
		masked[m] = l->masked;
		anc[m++] = a;
		if (m == STORE_ROSTER_CHUNK) {
			ok = store_conflicts_create(r->db, idx, masked, anc, m, now) == STORE_OK;
			m = 0;
		}
	}
	if (ok && m)
		ok = store_conflicts_create(r->db, idx, masked, anc, m, now) == STORE_OK;
	ok = ok && keys_lookup(r, &k, KEY_CONFLICT, on_hit);
	/* The conflict items, then the other organisations' entries. */
	m = 0;
	for (int i = 0; ok && i <= n; i++) {
		roster_line *l = i < n && ls[i].flagged ? &ls[i] : NULL;
		for (int p = 0; l && p < l->nparties; p++)
			items[m++] = (roster_conflict_item_new){l->conflict_id, l->parties[p].entry_id,
								l->parties[p].membership_id};
		if (m && (m >= STORE_ROSTER_CHUNK || i == n)) {
			ok = store_conflict_items_add(r->db, items, m) == STORE_OK;
			m = 0;
		}
	}
	for (int i = 0; ok && i <= n; i++) {
		roster_line *l = i < n && ls[i].flagged ? &ls[i] : NULL;
		for (int p = 0; ok && l && p < l->nparties; p++) {
			roster_party *q = &l->parties[p];
			if (!q->entry_id || q->flagged || l->pstatus[p] == ROSTER_FLAGGED)
				continue;
			if (l->pstatus[p] != ROSTER_UNLINKED)
				ok = flag_entry(r, q->entry_id, now); /* a claim to close */
			else
				ids[m++] = q->entry_id;
		}
		if (ok && m && (m + PARTIES_MAX > STORE_ROSTER_CHUNK || i == n)) {
			ok = store_roster_entries_flag(r->db, ids, m, now) == STORE_OK;
			m = 0;
		}
	}
	free(idx);
	free(masked);
	free(anc);
	free(ids);
	free(items);
	free(k.order);
	return ok;
}

/* Writes the checked lines: their entries, then flags them or links existing accounts. */
static bool import_lines(http_request *r, int64_t org_id, int64_t batch_id, roster_line *ls,
			 int n, int *linked, int *claims)
{
	int64_t now = clock_now();
	enum { CIPHER = 18 + CRYPTO_FIELD_OVERHEAD };
	unsigned char *cipher = xcalloc((size_t)n + 1, CIPHER);
	roster_entry_new *es = xcalloc(STORE_ROSTER_CHUNK, sizeof(roster_entry_new));
	bool ok = true;
	for (int i = 0; ok && i < n;) {
		int m = 0;
		for (; i < n && m < STORE_ROSTER_CHUNK; i++) {
			roster_line *l = &ls[i];
			domain_idcard_mask(l->id.number, l->masked);
			crypto_field_encrypt(l->id.number, 18, ROSTER_ID_AD, cipher + (size_t)i * CIPHER);
			es[m++] = (roster_entry_new){
				.org_id = org_id, .batch_id = batch_id, .line = l->line,
				.name = l->name, .id_masked = l->masked, .phone = l->phone,
				.joined_on = l->joined_on,
				.member_no = l->member_no[0] ? l->member_no : NULL,
				.status = status_name(l->flagged ? ROSTER_FLAGGED : ROSTER_UNLINKED),
				.id_cipher = cipher + (size_t)i * CIPHER, .id_cipher_len = CIPHER,
				.id_index = l->idx};
		}
		/* checked under the lock: a conflict cannot happen */
		ok = store_roster_entries_add(r->db, es, m, now) == STORE_OK;
	}
	free(es);
	free(cipher);
	line_keys all = {.ls = ls, .n = n}, k = {0};
	ok = ok && store_roster_batch_hits(r->db, batch_id, on_entry, &all) == STORE_OK;
	for (int i = 0; ok && i < n; i++)
		if (ls[i].flagged)
			ls[i].parties[ls[i].nparties++] = (roster_party){ls[i].entry_id, 0, org_id, true};
	ok = ok && flag_lines(r, ls, n, now);
	/* The others: an account with the ID number links (rare in a big file: one at a time). */
	keys_make(&k, ls, n, false, linkable_line);
	ok = ok && keys_lookup(r, &k, KEY_WORKER, on_hit);
	free(k.order);
	for (int i = 0; ok && i < n; i++) {
		account_row w;
		roster_entry_row e;
		link_result done;
		if (!ls[i].worker_id)
			continue;
		ok = store_account_get(r->db, SUBJECT_WORKER, ls[i].worker_id, &w) == STORE_OK &&
		     store_roster_entry_get(r->db, ls[i].entry_id, &e) == STORE_OK &&
		     roster_link_entry(r, &e, &w, &done);
		*linked += ok && done == LINK_LINKED;
		*claims += ok && done == LINK_CLAIM;
	}
	return ok;
}

/* Reads the csv text into lines; returns false after reporting a file-level problem. */
static bool read_lines(const char *text, size_t len, roster_line **out, int *nout,
		       import_report *rep)
{
	FILE *f = fmemopen((void *)text, len, "r");
	csv_reader *rd = xcalloc(1, sizeof(csv_reader));
	csv_row row;
	int cols[ROSTER_COL_COUNT], cap = 0, n = 0;
	roster_line *ls = NULL;
	bool ok = f != NULL;
	rd->f = f;
	int rc = ok ? csv_read(rd, &row) : -1;
	if (rc <= 0) {
		report_error(rep, 1, NULL, rc == 0 ? "名册文件是空的" : "表头格式不正确");
		ok = false;
	} else {
		ok = read_header(&row, cols, rep);
	}
	while (ok && (rc = csv_read(rd, &row)) != 0) {
		if (rc < 0) {
			report_error(rep, row.line, NULL,
				     "该行格式不正确（引号不配对、超过16列或过长），其后的行未检查");
			break;
		}
		bool blank = true;
		for (int i = 0; i < row.n && blank; i++)
			blank = !*trim(row.field[i]);
		if (blank)
			continue;
		if (n == ROSTER_MAX_ROWS) {
			report_error(rep, row.line, NULL, "每次最多导入20000行，请分批导入");
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ls = xrealloc(ls, sizeof(roster_line) * (size_t)cap);
		}
		roster_line *l = &ls[n++];
		memset(l, 0, sizeof(*l));
		l->line = row.line;
		check_formats(l, &row, cols, rep);
	}
	if (f)
		fclose(f);
	free(rd);
	*out = ls;
	*nout = n;
	return ok;
}

static json_t *import_body(bool dry_run, const import_report *rep, int imported, int linked,
			   int claims, int64_t batch_id)
{
	return json_pack("{s:b, s:i, s:i, s:i, s:O, s:i, s:O, s:i, s:i, s:i, s:o}", "dry_run",
			 dry_run, "rows", rep->rows, "valid", rep->valid, "converted",
			 rep->converted, "errors", rep->errors, "error_count", rep->nerrors,
			 "flagged", rep->flagged, "imported", imported, "linked", linked, "claims",
			 claims, "batch_id",
			 batch_id ? json_integer(batch_id) : json_null());
}

void h_admin_roster_import(http_request *r)
{
	admin a;
	org_row org;
	if (!admin_load(r, &a))
		return;
	json_t *oid = json_object_get(r->json, "org_id"), *csv = json_object_get(r->json, "csv");
	json_t *dry = json_object_get(r->json, "dry_run");
	if (!json_is_integer(oid)) {
		api_fail_msg(r, oid && !json_is_null(oid) ? ERR_INVALID_FIELD : ERR_REQUIRED, "org_id",
			     "请选择名册所属的工会组织");
		return;
	}
	if (!admin_org_in_scope(r, &a, json_integer_value(oid), &org))
		return;
	if (!org.active) {
		api_fail_msg(r, ERR_INVALID_FIELD, "org_id", "该组织已停用，不能导入名册");
		return;
	}
	if (!json_is_string(csv) || !json_string_length(csv)) {
		api_fail_msg(r, csv && !json_is_null(csv) && !json_is_string(csv) ? ERR_INVALID_FIELD
										   : ERR_REQUIRED,
			     "csv", "请选择名册文件（CSV，UTF-8编码）");
		return;
	}
	if (dry && !json_is_boolean(dry)) {
		api_fail_msg(r, ERR_INVALID_FIELD, "dry_run", "dry_run 应为是或否");
		return;
	}
	bool dry_run = json_is_true(dry);
	import_report rep = {.errors = json_array(), .flagged = json_array()};
	roster_line *ls = NULL;
	int n = 0, linked = 0, claims = 0;
	int64_t batch_id = 0;
	bool ok = read_lines(json_string_value(csv), json_string_length(csv), &ls, &n, &rep);
	check_file_duplicates(ls, n, &rep);
	/* A real import checks the database under the lock it then writes under; a dry run reads
	 * in one read transaction. */
	store_rc rc = db_begin(r->db, !dry_run) == DB_OK && (dry_run || roster_lock(r)) ? STORE_OK
										       : STORE_ERR;
	if (rc == STORE_OK && ok && !check_database(r, org.id, ls, n, &rep))
		rc = STORE_ERR;
	rep.rows = n;
	org_row other = {0};
	for (int i = 0; i < n; i++) {
		rep.valid += !ls[i].bad;
		rep.converted += ls[i].converted && !ls[i].bad;
		if (ls[i].flagged && !ls[i].bad) {
			char masked[19];
			domain_idcard_mask(ls[i].id.number, masked);
			if (other.id != ls[i].other_org_id) {
				memset(&other, 0, sizeof(other));
				store_org_get(r->db, ls[i].other_org_id, &other);
			}
			json_array_append_new(rep.flagged,
					      json_pack("{s:i, s:s, s:{s:I, s:s}}", "line", ls[i].line,
							"id_masked", masked, "other_org", "id",
							(json_int_t)ls[i].other_org_id, "name",
							other.name));
		}
	}
	bool invalid = rc == STORE_OK && (rep.nerrors > 0 || !ok);
	if (rc == STORE_OK && !invalid && !dry_run) {
		rc = store_roster_batch_create(r->db, org.id, a.acct.id, n, clock_now(), &batch_id);
		if (rc == STORE_OK && !import_lines(r, org.id, batch_id, ls, n, &linked, &claims))
			rc = STORE_ERR;
		if (rc == STORE_OK &&
		    !admin_audit(r, &a, "roster.import", org.code,
				 arena_printf(&r->mem, "batch %lld: %d rows, %d flagged, %d linked",
					      (long long)batch_id, n,
					      (int)json_array_size(rep.flagged), linked)))
			rc = STORE_ERR;
	}
	if (dry_run || rc != STORE_OK || invalid || db_commit(r->db) != DB_OK)
		db_rollback(r->db);
	free(ls);
	if (rc != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
	} else if (invalid && !dry_run) {
		/* A dry run answers its report, errors and all, with 200 (like the units import). */
		json_t *body = import_body(dry_run, &rep, 0, 0, 0, 0);
		res_json(r, 422,
			 json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "roster_invalid",
				   "message",
				   arena_printf(&r->mem, "名册有%d处错误，未导入任何记录，请修改后重新上传",
						rep.nerrors),
				   "details", body));
	} else {
		res_json(r, dry_run ? 200 : 201,
			 import_body(dry_run, &rep, dry_run ? 0 : n, linked, claims, batch_id));
	}
	json_decref(rep.errors);
	json_decref(rep.flagged);
}

/* ---- list and export ---- */

/* Reads the list's filters; responds on a bad one. */
static bool roster_filters(http_request *r, const admin *a, roster_filter *f,
			   unsigned char idx[CRYPTO_HASH_LEN])
{
	long org;
	org_row o;
	roster_status st;
	f->root = a->acct.org_id;
	if (!form_query_long(r, "org_id", 0, 0, 1L << 52, &org))
		return false;
	if (org && !admin_org_in_scope(r, a, org, &o))
		return false;
	if (org)
		f->root = org;
	const char *s = req_query(r, "status"), *q = req_query(r, "q");
	if (s && *s) {
		if (!domain_roster_status_parse(s, &st)) {
			api_fail_msg(r, ERR_INVALID_FIELD, "status",
				     "status 应为 unlinked、linked、claim、flagged 或 set_aside");
			return false;
		}
		f->status = s;
	}
	if (q && *q) {
		size_t len = strlen(q);
		idcard id;
		char upgraded[19];
		int y, m, d;
		clock_date(clock_now(), &y, &m, &d);
		if (form_utf8_len(q) > 50 || !no_controls(q)) {
			api_fail_msg(r, ERR_INVALID_FIELD, "q", "关键字不超过50个字");
			return false;
		}
		if (len == 15 && domain_idcard_upgrade15(q, len, upgraded) == 0 &&
		    domain_idcard_parse(upgraded, 18, y, m, d, &id) == IDCARD_OK) {
			crypto_blind_index(ID_INDEX_DOMAIN, id.number, idx);
			f->id_index = idx;
		} else if (domain_idcard_parse(q, len, y, m, d, &id) == IDCARD_OK) {
			crypto_blind_index(ID_INDEX_DOMAIN, id.number, idx);
			f->id_index = idx;
		} else if (domain_phone_valid(q, len)) {
			f->phone = q;
		} else {
			f->q = q;
		}
	}
	return true;
}

static json_t *render_entry(const roster_entry_row *e)
{
	roster_status st = ROSTER_UNLINKED;
	char phone[12];
	domain_roster_status_parse(e->status, &st);
	domain_phone_mask(e->phone, phone);
	return json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
			 (json_int_t)e->id, "org", "id", (json_int_t)e->org_id, "name", e->org_name,
			 "name", e->name, "id_masked", e->id_masked, "phone_masked", phone,
			 "joined_on", e->joined_on, "member_no", e->member_no, "status", e->status,
			 "status_label", domain_roster_status_label(st), "batch_id",
			 (json_int_t)e->batch_id);
}

void h_admin_rosters(http_request *r)
{
	admin a;
	roster_filter f = {0};
	unsigned char idx[CRYPTO_HASH_LEN];
	long page;
	if (!admin_load(r, &a) || !roster_filters(r, &a, &f, idx) ||
	    !form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	roster_entry_row *rows = arena_alloc(&r->mem, sizeof(roster_entry_row) * ROSTER_PAGE);
	int n = 0;
	int64_t total = 0;
	if (store_roster_list(r->db, &f, (int)(page - 1) * ROSTER_PAGE, ROSTER_PAGE, rows, &n,
			      &total) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, render_entry(&rows[i]));
	res_json(r, 200, json_pack("{s:o, s:I, s:I, s:i}", "items", items, "total",
				   (json_int_t)total, "page", (json_int_t)page, "page_size",
				   ROSTER_PAGE));
}

void h_admin_rosters_export(http_request *r)
{
	admin a;
	roster_filter f = {0};
	unsigned char idx[CRYPTO_HASH_LEN];
	if (!admin_load(r, &a) || !roster_filters(r, &a, &f, idx))
		return;
	enum { BATCH = 1000, MAX_ROWS = 200000 };
	roster_entry_row *rows = xcalloc(BATCH, sizeof(roster_entry_row));
	buf b = {0};
	buf_puts(&b, "\xEF\xBB\xBF姓名,身份证号,手机号,入会日期,会员编号,所属工会,状态,导入批次\r\n");
	int64_t written = 0;
	for (int done = 0; done < MAX_ROWS; done += BATCH) {
		int n = 0;
		if (store_roster_list(r->db, &f, 0, BATCH, rows, &n, NULL) != STORE_OK) {
			free(rows);
			buf_free(&b);
			api_fail(r, ERR_UNAVAILABLE, NULL);
			return;
		}
		for (int i = 0; i < n; i++) {
			json_t *e = render_entry(&rows[i]);
			static const char *const cols[] = {"name", "id_masked", "phone_masked",
							   "joined_on", "member_no"};
			for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
				csv_write_field(&b, json_string_value(json_object_get(e, cols[k])),
						false);
			csv_write_field(&b, rows[i].org_name, false);
			csv_write_field(&b, json_string_value(json_object_get(e, "status_label")),
					false);
			csv_write_field(&b, arena_printf(&r->mem, "%lld", (long long)rows[i].batch_id),
					true);
			json_decref(e);
			written++;
		}
		if (n)
			f.after_id = rows[n - 1].id;
		if (n < BATCH)
			break;
	}
	free(rows);
	admin_audit(r, &a, "rosters.export", NULL,
		    arena_printf(&r->mem, "%lld rows", (long long)written));
	res_bytes(r, 200, "text/csv; charset=utf-8", b.data ? b.data : xcalloc(1, 1), b.len);
}

/* ---- conflicts ---- */

static json_t *render_conflict(http_request *r, const roster_conflict_row *k)
{
	enum { MAX = 32 };
	roster_conflict_item_row *items = arena_alloc(&r->mem, sizeof(*items) * MAX);
	int n = 0;
	json_t *arr = json_array();
	store_conflict_items(r->db, k->id, items, MAX, &n);
	for (int i = 0; i < n; i++) {
		const roster_conflict_item_row *it = &items[i];
		json_t *o = json_pack("{s:{s:I, s:s}, s:s, s:s}", "org", "id", (json_int_t)it->org_id,
				      "name", it->org_name, "name", it->name, "member_no",
				      it->member_no);
		if (it->entry_id) {
			roster_status st = ROSTER_FLAGGED;
			domain_roster_status_parse(it->status, &st);
			json_object_set_new(o, "entry_id", json_integer(it->entry_id));
			json_object_set_new(o, "kind", json_string("roster"));
			json_object_set_new(o, "joined_on", json_string(it->joined_on));
			json_object_set_new(o, "status", json_string(it->status));
			json_object_set_new(o, "status_label",
					    json_string(domain_roster_status_label(st)));
		} else {
			member_status st = MEMBER_ACTIVE;
			char day[11];
			domain_member_status_parse(it->status, &st);
			roster_date_of(it->joined_at, day);
			json_object_set_new(o, "membership_id", json_integer(it->membership_id));
			json_object_set_new(o, "kind", json_string("membership"));
			json_object_set_new(o, "joined_on", json_string(day));
			json_object_set_new(o, "status", json_string(it->status));
			json_object_set_new(o, "status_label",
					    json_string(it->current ? domain_member_status_label(st)
								    : "会籍已终止"));
		}
		json_array_append_new(arr, o);
	}
	char created[32], resolved[32] = "";
	clock_iso8601(k->created_at, created);
	if (k->resolved_at)
		clock_iso8601(k->resolved_at, resolved);
	return json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s}, s:o, s:s, s:s?, s:o, s:o}", "id",
			 (json_int_t)k->id, "id_masked", k->id_masked, "status", k->status,
			 "status_label", strcmp(k->status, "open") == 0 ? "待处理" : "已处理",
			 "ancestor", "id", (json_int_t)k->ancestor_org_id, "name", k->ancestor_name,
			 "entries", arr, "created_at", created, "resolved_at",
			 *resolved ? resolved : NULL, "kept_entry_id",
			 k->kept_entry_id ? json_integer(k->kept_entry_id) : json_null(),
			 "kept_membership_id",
			 k->kept_membership_id ? json_integer(k->kept_membership_id) : json_null());
}

void h_admin_roster_conflicts(http_request *r)
{
	admin a;
	long page;
	if (!admin_load(r, &a) || !form_query_long(r, "page", 1, 1, 100000, &page))
		return;
	const char *s = req_query(r, "status");
	if (s && *s && strcmp(s, "open") && strcmp(s, "resolved")) {
		api_fail_msg(r, ERR_INVALID_FIELD, "status", "status 应为 open 或 resolved");
		return;
	}
	roster_conflict_row *rows = arena_alloc(&r->mem, sizeof(roster_conflict_row) * ROSTER_PAGE);
	int n = 0;
	int64_t total = 0;
	if (store_conflict_list(r->db, a.acct.org_id, s && *s ? s : NULL,
				(int)(page - 1) * ROSTER_PAGE, ROSTER_PAGE, rows, &n,
				&total) != STORE_OK) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, render_conflict(r, &rows[i]));
	res_json(r, 200, json_pack("{s:o, s:I, s:I, s:i}", "items", items, "total",
				   (json_int_t)total, "page", (json_int_t)page, "page_size",
				   ROSTER_PAGE));
}

/* Sets the conflict's entries aside, all but keep (0: all); keep becomes unlinked again and is
 * linked at once when its account exists. */
static bool settle_entries(http_request *r, const roster_conflict_item_row *items, int n,
			   int64_t keep)
{
	int64_t now = clock_now();
	for (int i = 0; i < n; i++) {
		roster_entry_row e;
		if (!items[i].entry_id)
			continue;
		if (store_roster_entry_get(r->db, items[i].entry_id, &e) != STORE_OK)
			return false;
		if (strcmp(e.status, status_name(ROSTER_FLAGGED)) != 0)
			continue;
		bool kept = e.id == keep;
		snprintf(e.status, sizeof(e.status), "%s",
			 status_name(kept ? ROSTER_UNLINKED : ROSTER_SET_ASIDE));
		if (store_roster_entry_set(r->db, &e, status_name(ROSTER_FLAGGED), now) != STORE_OK)
			return false;
		account_row w;
		link_result done;
		store_rc rc = kept ? store_worker_by_id_index(r->db, e.id_index, &w) : STORE_NOTFOUND;
		if (rc == STORE_ERR || (rc == STORE_OK && !roster_link_entry(r, &e, &w, &done)))
			return false;
	}
	return true;
}

void h_admin_roster_conflict_resolve(http_request *r)
{
	admin a;
	int64_t id;
	roster_conflict_row k;
	bool within = false;
	if (!admin_load(r, &a) || !path_id(r, &id))
		return;
	store_rc rc = store_conflict_get(r->db, id, &k);
	if (rc == STORE_OK &&
	    store_org_within(r->db, k.ancestor_org_id, a.acct.org_id, &within) != STORE_OK)
		rc = STORE_ERR;
	if (rc == STORE_ERR) {
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (rc != STORE_OK || !within) {
		api_fail_msg(r, ERR_NOT_FOUND, NULL, "记录不存在或不在您的管理范围内");
		return;
	}
	json_t *ke = json_object_get(r->json, "keep_entry_id");
	json_t *km = json_object_get(r->json, "keep_membership_id");
	bool has_e = ke && !json_is_null(ke), has_m = km && !json_is_null(km);
	if (has_e == has_m || (has_e && !json_is_integer(ke)) || (has_m && !json_is_integer(km))) {
		api_fail_msg(r, has_e || has_m ? ERR_INVALID_FIELD : ERR_REQUIRED, "keep_entry_id",
			     "请选择保留的一条记录（keep_entry_id 或 keep_membership_id 之一）");
		return;
	}
	int64_t keep_e = has_e ? json_integer_value(ke) : 0, keep_m = has_m ? json_integer_value(km) : 0;
	enum { MAX = 32 };
	roster_conflict_item_row *items = arena_alloc(&r->mem, sizeof(*items) * MAX);
	int n = 0;
	if (db_begin(r->db, true) != DB_OK || !roster_lock(r) ||
	    store_conflict_items(r->db, k.id, items, MAX, &n) != STORE_OK) {
		db_rollback(r->db);
		api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool found = false, member_present = false;
	for (int i = 0; i < n; i++) {
		found = found || (keep_e && items[i].entry_id == keep_e) ||
			(keep_m && items[i].membership_id == keep_m);
		member_present = member_present || (items[i].membership_id && items[i].current);
	}
	const char *refusal = NULL, *field = has_e ? "keep_entry_id" : "keep_membership_id";
	if (!found)
		refusal = "所选记录不属于该重复记录";
	else if (keep_e && member_present)
		refusal = "该职工在其他组织已有有效会籍，只能保留会籍一方；如所属组织有误，请会员提交信息变更申请";
	if (refusal) {
		db_rollback(r->db);
		api_fail_msg(r, ERR_INVALID_FIELD, field, refusal);
		return;
	}
	rc = store_conflict_resolve(r->db, k.id, a.acct.id, keep_e, keep_m, clock_now());
	if (rc == STORE_OK && !settle_entries(r, items, n, keep_e))
		rc = STORE_ERR;
	if (rc == STORE_OK &&
	    !admin_audit(r, &a, "roster.conflict.resolve", arena_printf(&r->mem, "conflict %lld", (long long)k.id),
			 keep_e ? arena_printf(&r->mem, "kept roster entry %lld", (long long)keep_e)
				: arena_printf(&r->mem, "kept membership %lld", (long long)keep_m)))
		rc = STORE_ERR;
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			res_error(r, 409, "conflict", "该重复记录已被处理，请刷新后查看", NULL);
		else
			api_fail(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	store_conflict_get(r->db, k.id, &k);
	res_json(r, 200, json_pack("{s:o}", "conflict", render_conflict(r, &k)));
}
