/* test_roster.c — roster columns, dates as spreadsheets write them, join dates against the
 * birth date, member numbers given from outside, and the join rules the roster adds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/member.h"
#include "domain/roster.h"

static void columns(void **state)
{
	(void)state;
	assert_int_equal(domain_roster_column("姓名"), ROSTER_COL_NAME);
	assert_int_equal(domain_roster_column(" 身份证号 "), ROSTER_COL_ID);
	assert_int_equal(domain_roster_column("ID_Number"), ROSTER_COL_ID);
	assert_int_equal(domain_roster_column("join_date"), ROSTER_COL_JOIN_DATE);
	assert_int_equal(domain_roster_column("会员编号"), ROSTER_COL_MEMBER_NO);
	assert_int_equal(domain_roster_column("序号"), -1);
	assert_int_equal(domain_roster_column(""), -1);
	assert_true(domain_roster_column_required(ROSTER_COL_PHONE));
	assert_false(domain_roster_column_required(ROSTER_COL_MEMBER_NO));
	assert_string_equal(domain_roster_column_key(ROSTER_COL_ID), "id_number");
	roster_status st;
	assert_true(domain_roster_status_parse("set_aside", &st));
	assert_int_equal(st, ROSTER_SET_ASIDE);
	assert_string_equal(domain_roster_status_label(ROSTER_FLAGGED), "重复待处理");
	assert_false(domain_roster_status_parse("linked ", &st));
}

static bool date_is(const char *s, bool lenient, int y, int m, int d)
{
	int a, b, c;
	return domain_date_parse(s, lenient, &a, &b, &c) && a == y && b == m && c == d;
}

static void dates(void **state)
{
	(void)state;
	int y, m, d;
	assert_true(date_is("2015-03-01", false, 2015, 3, 1));
	assert_false(domain_date_parse("2015-3-1", false, &y, &m, &d));
	assert_false(domain_date_parse("2015/03/01", false, &y, &m, &d));
	assert_true(date_is("2015-3-1", true, 2015, 3, 1));
	assert_true(date_is("2015/03/01", true, 2015, 3, 1));
	assert_true(date_is("2015.3.1", true, 2015, 3, 1));
	assert_true(date_is("20150301", true, 2015, 3, 1));
	assert_true(date_is("2015年3月1日", true, 2015, 3, 1));
	assert_true(date_is("2016-02-29", false, 2016, 2, 29));
	assert_false(domain_date_parse("2015-02-29", true, &y, &m, &d));
	assert_false(domain_date_parse("2015-13-01", true, &y, &m, &d));
	assert_false(domain_date_parse("1899-12-31", true, &y, &m, &d));
	assert_false(domain_date_parse("2015-03-01x", true, &y, &m, &d));
	assert_false(domain_date_parse("2015-03-", true, &y, &m, &d));
	assert_false(domain_date_parse("", true, &y, &m, &d));
	assert_false(domain_date_parse("2015/03-01", true, &y, &m, &d));
	/* Born 1990-06-15, today 2026-11-29. */
	assert_null(domain_joined_on_problem(2006, 6, 15, 1990, 6, 15, 2026, 11, 29));
	assert_non_null(domain_joined_on_problem(2006, 6, 14, 1990, 6, 15, 2026, 11, 29));
	assert_null(domain_joined_on_problem(2026, 11, 29, 1990, 6, 15, 2026, 11, 29));
	assert_non_null(domain_joined_on_problem(2026, 11, 30, 1990, 6, 15, 2026, 11, 29));
}

static void member_numbers(void **state)
{
	(void)state;
	int y;
	long long id;
	assert_int_equal(domain_member_no_check("SM-2015-0001"), MEMBER_NO_OK);
	assert_int_equal(domain_member_no_check("A"), MEMBER_NO_OK);
	assert_int_equal(domain_member_no_check(""), MEMBER_NO_FORMAT);
	assert_int_equal(domain_member_no_check("SM 2015"), MEMBER_NO_FORMAT);
	assert_int_equal(domain_member_no_check("会员001"), MEMBER_NO_FORMAT);
	assert_int_equal(domain_member_no_check("123456789012345678901234567890123"), MEMBER_NO_FORMAT);
	assert_int_equal(domain_member_no_check("XM201500000042"), MEMBER_NO_RESERVED);
	assert_int_equal(domain_member_no_check("XM2015000000421"), MEMBER_NO_OK);
	assert_true(domain_member_no_system("XM201500000042", &y, &id));
	assert_int_equal(y, 2015);
	assert_int_equal(id, 42);
	assert_false(domain_member_no_system("XM20150000004X", &y, &id));
}

static void join_blocked_by_roster(void **state)
{
	(void)state;
	join_condition c[JOIN_CONDITIONS];
	join_facts f = {.profile_complete = true, .age = 30};
	assert_true(domain_join_eligibility(&f, c));
	f.open_claim = true;
	assert_false(domain_join_eligibility(&f, c));
	assert_false(c[3].passed);
	assert_non_null(strstr(c[3].reason, "认领"));
	f.open_claim = false;
	f.open_registration = true;
	assert_false(domain_join_eligibility(&f, c));
	assert_non_null(strstr(c[3].reason, "信息登记"));
	f.open_registration = false;
	f.roster_flagged = true;
	assert_false(domain_join_eligibility(&f, c));
	assert_false(c[2].passed);
	assert_non_null(strstr(c[2].reason, "名册"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns),
		cmocka_unit_test(dates),
		cmocka_unit_test(member_numbers),
		cmocka_unit_test(join_blocked_by_roster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
