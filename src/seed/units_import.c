/* units_import.c — checked, all-or-nothing unit import, and the synthetic unit generator. */
#include "seed/units_import.h"

#include <stdlib.h>
#include <string.h>

#include "domain/creditcode.h"
#include "domain/unit.h"
#include "seed/seed.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/utf8.h"

enum { MAX_ERRORS = 200, MAX_REGIONS = 1024 };

typedef struct region_set {
	region_row rows[MAX_REGIONS];
	int n;
} region_set;

static const region_row *region_find(const region_set *rs, const char *code)
{
	for (int i = 0; i < rs->n; i++)
		if (strcmp(rs->rows[i].code, code) == 0)
			return &rs->rows[i];
	return NULL;
}

/* Open-addressing set of credit codes seen in the file. */
typedef struct code_set {
	char (*slot)[19];
	size_t cap;
} code_set;

static bool code_set_add(code_set *s, const char *code)
{
	if (!s->cap) {
		s->cap = 1 << 16;
		s->slot = xcalloc(s->cap, sizeof(*s->slot));
	}
	unsigned long h = 5381;
	for (const char *p = code; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (size_t i = h % s->cap;; i = (i + 1) % s->cap) {
		if (!s->slot[i][0]) {
			snprintf(s->slot[i], 19, "%s", code);
			return true;
		}
		if (strcmp(s->slot[i], code) == 0)
			return false;
	}
}

static void code_set_grow_if_needed(code_set *s, size_t count)
{
	if (count * 2 < s->cap || !s->cap)
		return;
	code_set bigger = {xcalloc(s->cap * 4, sizeof(*s->slot)), s->cap * 4};
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i][0])
			code_set_add(&bigger, s->slot[i]);
	free(s->slot);
	*s = bigger;
}

static int parse_flag(const char *s)
{
	static const char *const yes[] = {"是", "1", "true", "TRUE", "Y", "y", "已建会"};
	static const char *const no[] = {"否", "0", "false", "FALSE", "N", "n", "未建会", ""};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(s, no[i]) == 0)
			return 0;
	return -1;
}

static bool is_header(const csv_row *row)
{
	return row->n > 1 && (strcmp(row->field[1], "credit_code") == 0 ||
			      strcmp(row->field[1], "统一社会信用代码") == 0);
}

/* Checks one record; writes the first problem to msg. */
static bool check_row(db_conn *c, const region_set *rs, code_set *seen, csv_row *row, char *msg,
		      size_t msglen)
{
	if (row->n < 6) {
		snprintf(msg, msglen, "应有至少6列（名称,统一社会信用代码,区代码,镇街代码,地址,是否建会），实际%d列",
			 row->n);
		return false;
	}
	const char *name = row->field[0], *district = row->field[2], *street = row->field[3];
	char *code = row->field[1];
	domain_credit_code_upcase(code);
	if (!domain_unit_name_valid(name) || !domain_unit_address_valid(row->field[4])) {
		snprintf(msg, msglen, "单位名称应为2–100个字符，地址不超过200个字符，且不能含控制字符或首尾空格");
		return false;
	}
	if (!domain_credit_code_valid(code, strlen(code))) {
		snprintf(msg, msglen, "统一社会信用代码 %s 无效（应为18位且校验位正确）", code);
		return false;
	}
	const region_row *d = region_find(rs, district), *s = region_find(rs, street);
	if (!d || strcmp(d->kind, "district") != 0) {
		snprintf(msg, msglen, "区代码 %s 不存在", district);
		return false;
	}
	if (!s || strcmp(s->parent_code, district) != 0) {
		snprintf(msg, msglen, "镇街代码 %s 不属于 %s", street, d->name);
		return false;
	}
	if (parse_flag(row->field[5]) < 0) {
		snprintf(msg, msglen, "是否建会应为“是”或“否”");
		return false;
	}
	if (row->n > 6 && (!domain_text_clean(row->field[6]) || utf8_chars(row->field[6]) > 100)) {
		snprintf(msg, msglen, "工会名称不超过100个字符");
		return false;
	}
	if (!code_set_add(seen, code)) {
		snprintf(msg, msglen, "统一社会信用代码 %s 在文件中重复", code);
		return false;
	}
	db_rows *r;
	bool exists = false;
	if (db_query(c, &r, "SELECT 1 FROM unit WHERE credit_code = ?", DB_ARGS(DB_TEXT(code))) ==
	    DB_OK) {
		exists = db_next(r) == DB_ROW;
		db_done(r);
	}
	if (exists) {
		snprintf(msg, msglen, "统一社会信用代码 %s 已存在", code);
		return false;
	}
	return true;
}

/* The rows of one write: each row's fields packed into one allocation. */
enum { BATCH = 50000 };
typedef struct unit_batch {
	unit_new u[BATCH];
	char *text[BATCH];
	int n;
} unit_batch;

/* Creates the row's union when it has one and queues the unit for the next batch write. */
static int queue_row(db_conn *c, unit_batch *b, const csv_row *row, int64_t now)
{
	const char *code = row->field[1], *street = row->field[3];
	int64_t union_id = 0;
	if (parse_flag(row->field[5]) == 1) {
		org_row parent, o = {0};
		if (store_org_by_code(c, street, &parent) != STORE_OK)
			return -1;
		snprintf(o.code, sizeof(o.code), "U%s", code);
		if (row->n > 6 && *row->field[6])
			snprintf(o.name, sizeof(o.name), "%s", row->field[6]);
		else
			snprintf(o.name, sizeof(o.name), "%s工会", row->field[0]);
		snprintf(o.kind, sizeof(o.kind), "grassroots");
		snprintf(o.region_code, sizeof(o.region_code), "%s", street);
		o.parent_id = parent.id;
		if (store_org_create(c, &o, now, &union_id) != STORE_OK)
			return -1;
	}
	size_t len[5], total = 0;
	for (int i = 0; i < 5; i++)
		total += (len[i] = strlen(row->field[i])) + 1;
	char *text = xmalloc(total), *f[5];
	for (int i = 0, at = 0; i < 5; at += (int)len[i] + 1, i++)
		f[i] = memcpy(text + at, row->field[i], len[i] + 1);
	b->text[b->n] = text;
	b->u[b->n++] = (unit_new){.name = f[0], .credit_code = f[1], .district_code = f[2],
				  .street_code = f[3], .address = f[4],
				  .has_union = union_id != 0, .union_org_id = union_id};
	return 0;
}

static void batch_clear(unit_batch *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->text[i]);
	b->n = 0;
}

/* Writes the queued units (search-gram counts once per gram) and empties the batch. */
static int flush_batch(db_conn *c, unit_batch *b, int64_t now)
{
	int rc = b->n && store_units_create(c, b->u, b->n, now) != STORE_OK ? -1 : 0;
	batch_clear(b);
	return rc;
}

long units_import(db *d, const char *path, FILE *report)
{
	csv_reader *rd = xcalloc(1, sizeof(*rd));
	region_set *rs = xcalloc(1, sizeof(*rs));
	code_set seen = {0};
	csv_row row;
	long errors = 0, rows = 0, imported = -1;
	rd->f = fopen(path, "r");
	db_conn *c = rd->f ? db_acquire(d) : NULL;
	if (!rd->f || !c || store_regions_list(c, rs->rows, MAX_REGIONS, &rs->n) != STORE_OK) {
		fprintf(report, "%s: cannot read the file or the database\n", path);
		goto out;
	}
	int rc;
	while ((rc = csv_read(rd, &row)) == 1) {
		char msg[256];
		if (row.line == 1 && is_header(&row))
			continue;
		rows++;
		code_set_grow_if_needed(&seen, (size_t)rows);
		if (!check_row(c, rs, &seen, &row, msg, sizeof(msg)) && errors++ < MAX_ERRORS)
			fprintf(report, "第%d行：%s\n", row.line, msg);
	}
	if (rc < 0) {
		fprintf(report, "第%d行：CSV格式错误（引号不匹配、字段过多或行过长）\n", row.line);
		errors++;
	}
	if (errors) {
		fprintf(report, "共%ld行，%ld处错误，未导入任何单位\n", rows, errors);
		goto out;
	}
	rewind(rd->f);
	rd->line = 0;
	int64_t now = clock_now();
	if (db_begin(c, true) != DB_OK || db_lock(c, "gonghui.units") != DB_OK)
		goto out;
	unit_batch *b = xcalloc(1, sizeof(*b));
	long done = 0;
	int wrc = 0;
	while (!wrc && csv_read(rd, &row) == 1) {
		if (row.line == 1 && is_header(&row))
			continue;
		domain_credit_code_upcase(row.field[1]);
		wrc = queue_row(c, b, &row, now);
		if (!wrc && b->n == BATCH)
			wrc = flush_batch(c, b, now);
		done++;
	}
	if (!wrc)
		wrc = flush_batch(c, b, now);
	batch_clear(b); /* what a failed write left */
	free(b);
	if (wrc) {
		fprintf(report, "写入失败（可能与同时进行的导入冲突），未导入任何单位\n");
		db_rollback(c);
		goto out;
	}
	if (db_commit(c) != DB_OK) {
		fprintf(report, "提交失败，未导入任何单位\n");
		goto out;
	}
	imported = done;
out:
	if (c)
		db_release(c);
	if (rd->f)
		fclose(rd->f);
	free(seen.slot);
	free(rs);
	free(rd);
	return imported;
}

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

int units_generate(db *d, long n, unsigned long long seed, FILE *out)
{
	static const char *const heads[] = {
		"鹭岛", "嘉庚", "海沧", "同安", "翔安", "集美", "思明", "湖里", "白鹭", "鼓浪",
		"筼筜", "五缘", "金砖", "闽南", "海西", "东渡", "象屿", "天马", "凤凰", "万翔",
		"瑞景", "宏发", "恒信", "联发", "建发", "国贸", "夏商", "特房", "路桥", "信达",
		"明达", "华强", "新阳", "杏林", "灌口", "马巷", "新店", "大嶝", "莲花", "坂头"};
	static const char *const trades[] = {
		"科技", "贸易", "物流", "建设工程", "电子", "食品", "服装", "软件", "餐饮管理",
		"医疗器械", "文化传媒", "新能源", "港口服务", "物业管理", "机械制造", "网络科技",
		"信息技术", "装饰工程", "汽车销售", "家政服务", "人力资源", "酒店管理", "茶业",
		"水产", "包装材料", "光电", "生物科技", "教育咨询", "环保科技", "外卖配送"};
	static const char *const tails[] = {"有限公司", "股份有限公司", "集团有限公司",
					    "有限责任公司", "分公司", "合伙企业（有限合伙）"};
	db_conn *c = db_acquire(d);
	region_set *rs = xcalloc(1, sizeof(*rs));
	int ns = 0;
	if (!c || store_regions_list(c, rs->rows, MAX_REGIONS, &rs->n) != STORE_OK) {
		db_release(c);
		free(rs);
		return -1;
	}
	db_release(c);
	region_row *streets = xcalloc(MAX_REGIONS, sizeof(region_row));
	for (int i = 0; i < rs->n; i++)
		if (strcmp(rs->rows[i].kind, "district") && strcmp(rs->rows[i].kind, "city"))
			streets[ns++] = rs->rows[i];
	fprintf(out, "name,credit_code,district_code,street_code,address,has_union,union_name\n");
	unsigned long long st = seed ? seed : 0x2545F4914F6CDD1DULL;
	for (long i = 0; i < n && ns > 0; i++) {
		const region_row *s = &streets[next_rand(&st) % (unsigned long long)ns];
		/* The running number, in the code alphabet, makes every code unique. */
		static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
		char code[19];
		unsigned long long v = (unsigned long long)i * 7919 + (seed % 1000003) * 1000000007ULL;
		memcpy(code, "91", 2);
		memcpy(code + 2, s->parent_code, 6);
		for (int k = 16; k >= 8; k--, v /= 31)
			code[k] = alphabet[v % 31];
		code[17] = domain_credit_code_check_char(code);
		code[18] = '\0';
		const char *head = heads[next_rand(&st) % 40], *trade = trades[next_rand(&st) % 30];
		const char *tail = tails[next_rand(&st) % 6];
		const char *head2 = next_rand(&st) % 2 ? heads[next_rand(&st) % 40] : "";
		fprintf(out, "厦门%s%s%s%s,%s,%s,%s,厦门市%s%llu号,%s,\n", head, head2, trade, tail,
			code, s->parent_code, s->code, s->name, next_rand(&st) % 999 + 1,
			next_rand(&st) % 5 < 2 ? "是" : "否");
	}
	free(streets);
	free(rs);
	return ns > 0 ? 0 : -1;
}
