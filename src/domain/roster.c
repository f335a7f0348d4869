/* roster.c — roster entry statuses, roster columns, dates and outside member numbers. */
#include "domain/roster.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/member.h"

static const struct {
	const char *name, *label;
} statuses[ROSTER_STATUS_COUNT] = {
	[ROSTER_UNLINKED] = {"unlinked", "待关联"},
	[ROSTER_LINKED] = {"linked", "已关联"},
	[ROSTER_CLAIM] = {"claim", "认领待确认"},
	[ROSTER_FLAGGED] = {"flagged", "重复待处理"},
	[ROSTER_SET_ASIDE] = {"set_aside", "已作废"},
};

const char *domain_roster_status_name(roster_status s)
{
	return statuses[s].name;
}

const char *domain_roster_status_label(roster_status s)
{
	return statuses[s].label;
}

bool domain_roster_status_parse(const char *s, roster_status *out)
{
	for (int i = 0; i < ROSTER_STATUS_COUNT; i++)
		if (s && strcmp(s, statuses[i].name) == 0) {
			*out = (roster_status)i;
			return true;
		}
	return false;
}

static const struct {
	const char *label, *key;
	bool required;
} columns[ROSTER_COL_COUNT] = {
	[ROSTER_COL_NAME] = {"姓名", "name", true},
	[ROSTER_COL_ID] = {"身份证号", "id_number", true},
	[ROSTER_COL_PHONE] = {"手机号", "phone", true},
	[ROSTER_COL_JOIN_DATE] = {"入会日期", "join_date", true},
	[ROSTER_COL_MEMBER_NO] = {"会员编号", "member_no", false},
};

int domain_roster_column(const char *header)
{
	while (*header == ' ')
		header++;
	size_t n = strlen(header);
	while (n && header[n - 1] == ' ')
		n--;
	for (int i = 0; i < ROSTER_COL_COUNT; i++)
		if ((strlen(columns[i].label) == n && strncmp(header, columns[i].label, n) == 0) ||
		    (strlen(columns[i].key) == n && strncasecmp(header, columns[i].key, n) == 0))
			return i;
	return -1;
}

const char *domain_roster_column_key(roster_column c)
{
	return columns[c].key;
}

const char *domain_roster_column_label(roster_column c)
{
	return columns[c].label;
}

bool domain_roster_column_required(roster_column c)
{
	return columns[c].required;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return d[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* Reads 1..max digits; returns how many. */
static int digits(const char *s, int max, int *v)
{
	int n = 0;
	*v = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9')
		*v = *v * 10 + (s[n++] - '0');
	return n;
}

bool domain_date_parse(const char *s, bool lenient, int *y, int *m, int *d)
{
	size_t len = strlen(s);
	if (lenient && len == 8 && strspn(s, "0123456789") == 8) {
		digits(s, 4, y);
		digits(s + 4, 2, m);
		digits(s + 6, 2, d);
	} else {
		/* YYYY sep M[M] sep D[D] [end]; strict: "-" and two digits each. */
		static const char *const seps[][3] = {{"-", "-", ""}, {"/", "/", ""}, {".", ".", ""},
						      {"年", "月", "日"}};
		int nseps = lenient ? 4 : 1;
		bool ok = false;
		for (int k = 0; k < nseps && !ok; k++) {
			const char *p = s;
			int n = digits(p, 4, y);
			if (n != 4)
				break;
			p += n;
			size_t a = strlen(seps[k][0]), b = strlen(seps[k][1]), c = strlen(seps[k][2]);
			if (strncmp(p, seps[k][0], a) != 0)
				continue;
			p += a;
			n = digits(p, 2, m);
			if (n < 1 || (!lenient && n != 2))
				continue;
			p += n;
			if (strncmp(p, seps[k][1], b) != 0)
				continue;
			p += b;
			n = digits(p, 2, d);
			if (n < 1 || (!lenient && n != 2))
				continue;
			p += n;
			ok = strncmp(p, seps[k][2], c) == 0 && p[c] == '\0';
		}
		if (!ok)
			return false;
	}
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 &&
	       *d <= days_in_month(*y, *m);
}

const char *domain_joined_on_problem(int y, int m, int d, int by, int bm, int bd, int ty, int tm,
				     int td)
{
	long date = (long)y * 10000 + m * 100 + d;
	if (date > (long)ty * 10000 + tm * 100 + td)
		return "入会日期不能晚于今天";
	if (date < (long)(by + JOIN_MIN_AGE) * 10000 + bm * 100 + bd)
		return "入会日期早于年满16周岁的日期，请核对";
	return NULL;
}

bool domain_member_no_system(const char *s, int *year, long long *id)
{
	if (strlen(s) != 14 || strncmp(s, "XM", 2) != 0 || strspn(s + 2, "0123456789") != 12)
		return false;
	int y = 0;
	long long v = 0;
	for (int i = 2; i < 6; i++)
		y = y * 10 + (s[i] - '0');
	for (int i = 6; i < 14; i++)
		v = v * 10 + (s[i] - '0');
	*year = y;
	*id = v;
	return true;
}

member_no_status domain_member_no_check(const char *s)
{
	size_t n = strlen(s);
	int y;
	long long id;
	if (n < 1 || n > 32 ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return MEMBER_NO_FORMAT;
	return domain_member_no_system(s, &y, &id) ? MEMBER_NO_RESERVED : MEMBER_NO_OK;
}

const char *domain_member_no_message(member_no_status st)
{
	switch (st) {
	case MEMBER_NO_OK:
		return "会员编号有效";
	case MEMBER_NO_FORMAT:
		return "会员编号应为1–32位字母、数字或连字符";
	case MEMBER_NO_RESERVED:
		return "“XM+12位数字”格式的会员编号由系统分配，不能手工填写";
	}
	return "会员编号无效";
}
