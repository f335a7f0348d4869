/* test_idcard.c — GB 11643 ID numbers: check digit, X, dates, age, legacy numbers, masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/idcard.h"

static idcard_status parse(const char *s, idcard *out)
{
	return domain_idcard_parse(s, strlen(s), 2026, 11, 29, out);
}

static void valid_numbers(void **state)
{
	(void)state;
	idcard id;
	/* 11010519491231002X is the standard's own example. */
	assert_int_equal(parse("11010519491231002X", &id), IDCARD_OK);
	assert_string_equal(id.number, "11010519491231002X");
	assert_int_equal(id.birth_year, 1949);
	assert_int_equal(id.birth_month, 12);
	assert_int_equal(id.birth_day, 31);
	assert_int_equal(id.male, 0);
	assert_int_equal(parse("440524188001010014", &id), IDCARD_ERR_DATE); /* before 1900 */
	assert_int_equal(parse("350203199001010018", &id), IDCARD_OK);
	assert_int_equal(id.male, 1);
}

static void lowercase_x_is_normalised(void **state)
{
	(void)state;
	idcard id;
	assert_int_equal(parse("11010519491231002x", &id), IDCARD_OK);
	assert_string_equal(id.number, "11010519491231002X");
}

static void wrong_check_digit(void **state)
{
	(void)state;
	idcard id;
	assert_int_equal(parse("110105194912310021", &id), IDCARD_ERR_CHECK);
	assert_int_equal(parse("350203199001010016", &id), IDCARD_ERR_CHECK);
}

static void impossible_dates(void **state)
{
	(void)state;
	idcard id;
	char n[19];
	const char *dates[] = {"19900230", "19901301", "19900000", "19000229", "20270101"};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		memcpy(n, "350203", 6);
		memcpy(n + 6, dates[i], 8);
		memcpy(n + 14, "001", 3);
		n[17] = domain_idcard_check_char(n);
		n[18] = '\0';
		assert_int_equal(parse(n, &id), IDCARD_ERR_DATE);
	}
	/* 2000-02-29 exists (leap year divisible by 400). */
	memcpy(n, "35020320000229001", 17);
	n[17] = domain_idcard_check_char(n);
	assert_int_equal(parse(n, &id), IDCARD_OK);
}

static void format_errors(void **state)
{
	(void)state;
	idcard id;
	assert_int_equal(parse("35020319900101001", &id), IDCARD_ERR_FORMAT);
	assert_int_equal(parse("3502031990010100180", &id), IDCARD_ERR_FORMAT);
	assert_int_equal(parse("35020319900101001A", &id), IDCARD_ERR_FORMAT);
	assert_int_equal(parse("3502031990O101001X", &id), IDCARD_ERR_FORMAT);
	assert_int_equal(parse("", &id), IDCARD_ERR_FORMAT);
	char n[19] = "99020319900101001";
	n[17] = domain_idcard_check_char(n);
	n[18] = '\0';
	assert_int_equal(parse(n, &id), IDCARD_ERR_REGION);
}

static void legacy_15_digits(void **state)
{
	(void)state;
	idcard id;
	assert_int_equal(parse("350203900101001", &id), IDCARD_ERR_LEGACY15);
	char out[19];
	assert_int_equal(domain_idcard_upgrade15("350203900101001", 15, out), 0);
	assert_string_equal(out, "350203199001010018");
	assert_int_equal(domain_idcard_upgrade15("35020390010100", 14, out), -1);
}

static void age_from_birth_date(void **state)
{
	(void)state;
	idcard id;
	char n[19] = "35020320101129001";
	n[17] = domain_idcard_check_char(n);
	n[18] = '\0';
	assert_int_equal(parse(n, &id), IDCARD_OK);
	assert_int_equal(domain_idcard_age(&id, 2026, 11, 28), 15); /* the day before */
	assert_int_equal(domain_idcard_age(&id, 2026, 11, 29), 16); /* the birthday */
	assert_int_equal(domain_idcard_age(&id, 2027, 1, 1), 16);
}

static void masking(void **state)
{
	(void)state;
	char m[19];
	domain_idcard_mask("35020319900101123X", m);
	assert_string_equal(m, "3502**********123X");
	domain_idcard_mask("short", m);
	assert_null(strstr(m, "short"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_numbers),       cmocka_unit_test(lowercase_x_is_normalised),
		cmocka_unit_test(wrong_check_digit),   cmocka_unit_test(impossible_dates),
		cmocka_unit_test(format_errors),       cmocka_unit_test(legacy_15_digits),
		cmocka_unit_test(age_from_birth_date), cmocka_unit_test(masking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
