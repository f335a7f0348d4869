/* clock.h — the server's notion of now. Test mode may move it forward (SPEC §3 "Modes"). */
#ifndef GONGHUI_UTIL_CLOCK_H
#define GONGHUI_UTIL_CLOCK_H
#include <stdint.h>

int64_t clock_now(void);            /* seconds since the epoch, plus the test offset */
void clock_advance(int64_t seconds); /* test hook only */
/* Writes an ISO-8601 UTC time for t into out (at least 21 bytes). */
void clock_iso8601(int64_t t, char out[32]);
/* Local calendar date (Asia/Shanghai, UTC+8) of t. */
void clock_date(int64_t t, int *year, int *month, int *day);
/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
int64_t clock_days_from_civil(int y, int m, int d);
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);
#endif
