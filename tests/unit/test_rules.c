/* test_rules.c — phone numbers, the password policy, unified social credit codes and the fields
 * of a work unit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/creditcode.h"
#include "domain/password_policy.h"
#include "domain/phone.h"
#include "domain/unit.h"

static bool phone_ok(const char *s)
{
	return domain_phone_valid(s, strlen(s));
}

static void phones(void **state)
{
	(void)state;
	assert_true(phone_ok("13800001234"));
	assert_true(phone_ok("19912345678"));
	assert_false(phone_ok("12800001234")); /* no 12x mobile prefix */
	assert_false(phone_ok("23800001234"));
	assert_false(phone_ok("1380000123"));
	assert_false(phone_ok("138000012345"));
	assert_false(phone_ok("1380000123a"));
	assert_false(phone_ok("+8613800001234"));
	char m[12];
	domain_phone_mask("13800001234", m);
	assert_string_equal(m, "138****1234");
}

static password_status pw(const char *s, const char *phone, const char *id)
{
	return domain_password_check(s, strlen(s), phone, id);
}

static void passwords(void **state)
{
	(void)state;
	assert_int_equal(pw("Gonghui2026", NULL, NULL), PASSWORD_OK);
	assert_int_equal(pw("abc1234", NULL, NULL), PASSWORD_ERR_LENGTH);
	assert_int_equal(pw("abcd1234efgh5678abcd1234efgh5678abcd1234efgh5678abcd1234efgh56789", NULL,
			    NULL),
			 PASSWORD_ERR_LENGTH); /* 65 */
	assert_int_equal(pw("abcd1234efgh5678abcd1234efgh5678abcd1234efgh5678abcd1234efgh5678", NULL,
			    NULL),
			 PASSWORD_OK); /* 64 */
	assert_int_equal(pw("abcdefghij", NULL, NULL), PASSWORD_ERR_CLASSES);
	assert_int_equal(pw("1234567890", NULL, NULL), PASSWORD_ERR_CLASSES);
	assert_int_equal(pw("Password123", NULL, NULL), PASSWORD_ERR_COMMON);
	assert_int_equal(pw("woaini1314", NULL, NULL), PASSWORD_ERR_COMMON);
	assert_int_equal(pw("35020319900101123x", "13800001234", "35020319900101123X"),
			 PASSWORD_ERR_PERSONAL);
	assert_int_equal(pw("ab\x01" "cdef123", NULL, NULL), PASSWORD_ERR_CHARS);
	/* Length counts characters, not bytes: 8 Chinese characters plus letters/digits. */
	assert_int_equal(pw("工会a1", NULL, NULL), PASSWORD_ERR_LENGTH);
	assert_int_equal(pw("工会会员a1b2", NULL, NULL), PASSWORD_OK);
	assert_non_null(domain_password_message(PASSWORD_ERR_COMMON));
}

static void credit_codes(void **state)
{
	(void)state;
	/* Published codes of real companies. */
	assert_true(domain_credit_code_valid("914403001922038216", 18));
	assert_true(domain_credit_code_valid("9144030071526726XG", 18));
	assert_false(domain_credit_code_valid("914403001922038217", 18));
	assert_false(domain_credit_code_valid("91440300192203821", 17));
	assert_false(domain_credit_code_valid("9144030019220382I6", 18)); /* I is not used */
	assert_int_equal(domain_credit_code_check_char("91440300192203821"), '6');
	char lower[] = "9144030071526726xg";
	domain_credit_code_upcase(lower);
	assert_string_equal(lower, "9144030071526726XG");
}

static void unit_fields(void **state)
{
	(void)state;
	assert_true(domain_unit_name_valid("厦门航空有限公司"));
	assert_true(domain_unit_name_valid("厦门"));
	assert_false(domain_unit_name_valid("厦"));
	assert_false(domain_unit_name_valid(" 厦门航空"));
	assert_false(domain_unit_name_valid("厦门航空\xE3\x80\x80")); /* ideographic space */
	assert_false(domain_unit_name_valid("厦门\n航空"));
	char hundred[401] = "";
	for (int i = 0; i < 100; i++)
		strcat(hundred, "厦");
	assert_true(domain_unit_name_valid(hundred)); /* characters, not bytes */
	strcat(hundred, "门");
	assert_false(domain_unit_name_valid(hundred));
	assert_true(domain_unit_address_valid(""));
	assert_false(domain_unit_address_valid("湖滨南路\t1号"));
	char padded[] = " \t\xE3\x80\x80思明区 \xE3\x80\x80";
	assert_string_equal(domain_text_trim(padded), "思明区");
	char blank[] = " \xE3\x80\x80 ";
	assert_string_equal(domain_text_trim(blank), "");
	assert_true(domain_text_padded("x "));
	assert_false(domain_text_padded("x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phones),
		cmocka_unit_test(passwords),
		cmocka_unit_test(credit_codes),
		cmocka_unit_test(unit_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
