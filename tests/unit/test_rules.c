/* test_rules.c — phone numbers, the password policy and unified social credit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/creditcode.h"
#include "domain/password_policy.h"
#include "domain/phone.h"

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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phones),
		cmocka_unit_test(passwords),
		cmocka_unit_test(credit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
