/* test_clock.c — clock_iso8601 writes what gmtime_r and strftime write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "util/clock.h"

static void same_as_strftime(int64_t t)
{
	char want[32], got[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
	clock_iso8601(t, got);
	assert_string_equal(got, want);
}

static void iso8601_matches_strftime(void **state)
{
	(void)state;
	static const int64_t edges[] = {0, 1, 59, 60, 86399, 86400, -1, -86400, -86401,
					951782400 /* 2000-02-29 */, 4107456000 /* 2100-02-28 */,
					1798761599, 253402300799 /* 9999-12-31T23:59:59Z */,
					-62135596800 /* 0001-01-01 */};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		same_as_strftime(edges[i]);
	/* Every day from 1900 to 2200 at a time of day that moves. */
	for (int64_t t = -2208988800; t < 7258118400; t += 86400 + 3599)
		same_as_strftime(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iso8601_matches_strftime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
