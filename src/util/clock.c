/* clock.c — wall clock with a test-only offset. */
#include "util/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static _Atomic int64_t clock_offset;

int64_t clock_now(void)
{
	return (int64_t)time(NULL) + atomic_load(&clock_offset);
}

void clock_advance(int64_t seconds)
{
	atomic_fetch_add(&clock_offset, seconds);
}

void clock_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void clock_iso8601(int64_t t, char out[32])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int y, m, d;
	clock_civil_from_days(days, &y, &m, &d); /* not gmtime_r: it takes the time-zone lock */
	if (y < 1000 || y > 9999) { /* not four digits: as strftime writes it */
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return;
	}
	char *p = digits(out, y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, (int)(secs / 3600), 2);
	*p++ = ':';
	p = digits(p, (int)(secs / 60 % 60), 2);
	*p++ = ':';
	p = digits(p, (int)(secs % 60), 2);
	*p++ = 'Z';
	*p = '\0';
}

void clock_date(int64_t t, int *year, int *month, int *day)
{
	time_t tt = (time_t)(t + 8 * 3600); /* the federation works on China Standard Time */
	struct tm tm;
	gmtime_r(&tt, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
	*day = tm.tm_mday;
}

int64_t clock_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
