/* seed.c — reference and demo data. */
#include "seed/seed.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/creditcode.h"
#include "security/password.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"

/* xorshift64*: demo data is the same on every machine. */
static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int pick(unsigned long long *s, int n)
{
	return (int)(next_rand(s) % (unsigned long long)n);
}

static int load_regions(db_conn *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		log_error("regions file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[512];
	int rc = 0, lineno = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		if (lineno++ == 0)
			continue; /* header */
		line[strcspn(line, "\r\n")] = '\0';
		region_row r = {0};
		char *save = NULL, *fields[4] = {0};
		char *p = line;
		for (int i = 0; i < 4; i++) {
			fields[i] = p;
			char *comma = p ? strchr(p, ',') : NULL;
			if (comma)
				*comma = '\0';
			p = comma ? comma + 1 : NULL;
		}
		(void)save;
		if (!fields[0] || !fields[2] || !*fields[0])
			continue;
		snprintf(r.code, sizeof(r.code), "%s", fields[0]);
		snprintf(r.name, sizeof(r.name), "%s", fields[1]);
		snprintf(r.kind, sizeof(r.kind), "%s", fields[2]);
		snprintf(r.parent_code, sizeof(r.parent_code), "%s", fields[3] ? fields[3] : "");
		rc = store_region_put(c, &r) == STORE_OK ? 0 : -1;
	}
	fclose(f);
	return rc;
}

static const char *union_suffix(const region_row *r)
{
	if (strcmp(r->kind, "district") == 0)
		return "总工会";
	if (strcmp(r->kind, "zone") != 0)
		return "总工会"; /* 街道总工会, 镇总工会 */
	return strstr(r->name, "开发区") || strstr(r->name, "保税") ? "园区工会" : "联合工会";
}

/* Creates the union of one district or street/town/zone under its parent's union. */
static int add_org(db_conn *c, const region_row *r, int64_t now)
{
	org_row parent, o = {0};
	if (store_org_by_code(c, r->parent_code, &parent) != STORE_OK)
		return -1;
	snprintf(o.code, sizeof(o.code), "%s", r->code);
	snprintf(o.name, sizeof(o.name), "%s%s", r->name, union_suffix(r));
	snprintf(o.kind, sizeof(o.kind), "%s",
		 strcmp(r->kind, "district") == 0 ? "district" : "street");
	snprintf(o.region_code, sizeof(o.region_code), "%s", r->code);
	o.parent_id = parent.id;
	int64_t id;
	return store_org_create(c, &o, now, &id) == STORE_ERR ? -1 : 0;
}

enum { MAX_REGIONS = 1024 };
static region_row regions[MAX_REGIONS];

int seed_reference(db *d, const config *cfg)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/xiamen-regions.csv", cfg->assets_dir);
	db_conn *c = db_acquire(d);
	if (!c)
		return -1;
	org_row city;
	/* Nodes starting together on one PostgreSQL seed one after another. */
	int rc = db_begin(c, true) == DB_OK && db_lock(c, "gonghui.seed") == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = load_regions(c, path);
	if (rc == 0 && store_org_by_code(c, "350200", &city) == STORE_NOTFOUND) {
		org_row o = {.code = "350200", .name = "厦门市总工会", .kind = "city",
			     .region_code = "350200"};
		int64_t now = clock_now(), city_id;
		int n = 0;
		rc = store_org_create(c, &o, now, &city_id) == STORE_OK ? 0 : -1;
		if (rc == 0)
			rc = store_regions_list(c, regions, MAX_REGIONS, &n) == STORE_OK ? 0 : -1;
		/* Codes sort districts before their streets, so parents exist first. */
		for (int i = 0; rc == 0 && i < n; i++)
			if (strcmp(regions[i].kind, "city") != 0)
				rc = add_org(c, &regions[i], now);
		if (rc == 0)
			log_info("created the union tree from %s", path);
	}
	if (rc == 0)
		rc = db_commit(c) == DB_OK ? 0 : -1;
	else
		db_rollback(c);
	db_release(c);
	return rc;
}

void seed_credit_code(unsigned long long *state, const char *district6, char out[19])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	memcpy(out, "91", 2);
	memcpy(out + 2, district6, 6);
	for (int i = 8; i < 17; i++)
		out[i] = alphabet[pick(state, 31)];
	out[17] = domain_credit_code_check_char(out);
	out[18] = '\0';
}

static int add_unit(db_conn *c, unsigned long long *st, const char *name, const region_row *street,
		    bool has_union, int64_t now)
{
	static const char *const roads[] = {"湖滨南路", "嘉禾路", "厦禾路", "仙岳路", "环岛路",
					    "海沧大道", "集美大道", "同安路", "翔安南路", "软件园二期观日路"};
	char credit[19], address[256];
	seed_credit_code(st, street->parent_code, credit);
	snprintf(address, sizeof(address), "厦门市%s%d号", roads[pick(st, 10)], 1 + pick(st, 999));
	int64_t union_id = 0, unit_id;
	if (has_union) {
		org_row parent, o = {0};
		if (store_org_by_code(c, street->code, &parent) != STORE_OK)
			return -1;
		snprintf(o.code, sizeof(o.code), "U%s", credit);
		snprintf(o.name, sizeof(o.name), "%s工会", name);
		snprintf(o.kind, sizeof(o.kind), "grassroots");
		snprintf(o.region_code, sizeof(o.region_code), "%s", street->code);
		o.parent_id = parent.id;
		if (store_org_create(c, &o, now, &union_id) != STORE_OK)
			return -1;
	}
	unit_new u = {.name = name, .credit_code = credit, .district_code = street->parent_code,
		      .street_code = street->code, .address = address, .has_union = has_union,
		      .union_org_id = union_id};
	return store_unit_create(c, &u, now, &unit_id) == STORE_ERR ? -1 : 0;
}

static int seed_units(db_conn *c, long count)
{
	static const char *const fixed[] = {"中国建设银行股份有限公司厦门分行",
					    "厦门航空有限公司", "厦门国际港务股份有限公司",
					    "厦门市美团外卖配送服务有限公司"};
	static const char *const heads[] = {"鹭岛", "嘉庚", "海沧", "同安", "翔安", "集美",
					    "思明", "湖里", "白鹭", "鼓浪", "筼筜", "五缘",
					    "金砖", "闽南", "海西", "东渡", "象屿", "天马"};
	static const char *const trades[] = {"科技", "贸易", "物流", "建设工程", "电子",
					     "食品", "服装", "软件", "餐饮管理", "医疗器械",
					     "文化传媒", "新能源", "港口服务", "物业管理", "机械制造"};
	static const char *const tails[] = {"有限公司", "股份有限公司", "集团有限公司"};
	region_row *streets = xcalloc(MAX_REGIONS, sizeof(region_row));
	int nregions = 0, nstreets = 0;
	if (store_regions_list(c, streets, MAX_REGIONS, &nregions) != STORE_OK)
		nregions = 0;
	for (int i = 0; i < nregions; i++)
		if (strcmp(streets[i].kind, "district") != 0 && strcmp(streets[i].kind, "city") != 0)
			streets[nstreets++] = streets[i];
	if (nstreets == 0) {
		free(streets);
		return -1;
	}
	unsigned long long st = 0x9E3779B97F4A7C15ULL;
	int64_t now = clock_now();
	for (long i = 0; i < count; i++) {
		char name[256];
		if (i < (long)(sizeof(fixed) / sizeof(fixed[0])))
			snprintf(name, sizeof(name), "%s", fixed[i]);
		else
			snprintf(name, sizeof(name), "厦门%s%s%s%s", heads[pick(&st, 18)],
				 trades[pick(&st, 15)], i % 7 == 0 ? "服务" : "",
				 tails[pick(&st, 3)]);
		/* Same generated name twice: tell them apart as branches do. */
		if (i >= 4 && i % 5 == 0)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "第%ld分公司", i);
		bool has_union = i % 5 < 2 && i != 3;
		if (add_unit(c, &st, name, &streets[pick(&st, nstreets)], has_union, now)) {
			free(streets);
			return -1;
		}
	}
	free(streets);
	return 0;
}

typedef struct demo_staff {
	const char *phone, *name, *role, *org_code;
} demo_staff;

static void random_password(char out[17])
{
	static const char letters[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	static const char all[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = all[randombytes_uniform(sizeof(all) - 1)];
	out[0] = letters[randombytes_uniform(sizeof(letters) - 1)];
	out[7] = (char)('2' + randombytes_uniform(8)); /* letters and digits both */
	out[16] = '\0';
}

static int seed_staff(db_conn *c, const config *cfg)
{
	static const demo_staff staff[] = {
		{"13900000001", "平台管理员", "platform_admin", "350200"},
		{"13900000002", "思明区管理员", "org_admin", "350203"},
		{"13900000003", "思明区审核员", "reviewer", "350203"},
		{"13900000004", "莲前街道审核员", "reviewer", "350203010"},
		{"13900000005", "火炬园区审核员", "reviewer", "350206405"},
	};
	char path[4096];
	snprintf(path, sizeof(path), "%s/demo-accounts.txt", cfg->data_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# gonghui demo staff logins for /admin (development data)\n"
		   "# role\tphone\tpassword\tname\torganisation\n");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(staff) / sizeof(staff[0]); i++) {
		org_row org;
		char pw[17], hash[PASSWORD_HASH_LEN];
		int64_t id;
		random_password(pw);
		if (store_org_by_code(c, staff[i].org_code, &org) != STORE_OK ||
		    password_hash(pw, hash) != 0) {
			rc = -1;
			break;
		}
		staff_new s = {staff[i].phone, staff[i].name, staff[i].role, hash, org.id};
		if (store_staff_create(c, &s, clock_now(), &id) == STORE_ERR)
			rc = -1;
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", staff[i].role, staff[i].phone, pw, staff[i].name,
			org.name);
	}
	fclose(f);
	return rc;
}

int seed_demo(db *d, const config *cfg)
{
	db_conn *c = db_acquire(d);
	if (!c)
		return -1;
	int64_t units = 0;
	int rc = db_begin(c, true) == DB_OK && db_lock(c, "gonghui.seed") == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = store_unit_count(c, &units) == STORE_OK ? 0 : -1;
	if (rc == 0 && units == 0) {
		rc = seed_units(c, cfg->demo_units);
		if (rc == 0)
			rc = seed_staff(c, cfg);
		if (rc == 0)
			log_info("loaded demo data: %ld units; staff logins in %s/demo-accounts.txt",
				 cfg->demo_units, cfg->data_dir);
	}
	if (rc == 0)
		rc = db_commit(c) == DB_OK ? 0 : -1;
	else
		db_rollback(c);
	db_release(c);
	return rc;
}
